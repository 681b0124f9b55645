from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView

from accounts.views import PortalLoginView

from . import views
from .api_docs import ApiDocsView

api_patterns = [
    path("auth/token/", views.TokenObtainApi.as_view(), name="api-token"),
    path("auth/", include("accounts.api_urls")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", ApiDocsView.as_view(), name="api-docs"),
    path("jobs/<uuid:id>/", include("jobs.api_urls")),
    path("", include("profiles.api_urls")),
    path("", include("advice.api_urls")),
    path("", include("audit.api_urls")),
    path("", include("monitoring.api_urls")),
    path("", include("reports.api_urls")),
    path("", include("generation.api_urls")),
    path("", include("documents.api_urls")),
    path("", include("register.api_urls")),
    path("", include("assessments.api_urls")),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", PortalLoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("", include("accounts.urls")),
    path("admin/", admin.site.urls),
    path("api/", include(api_patterns)),
    path("jobs/", include("jobs.urls")),
    path("profiles/", include("profiles.urls")),
    path("audit/", include("audit.urls")),
    path("monitoring/advice/", include("advice.urls")),
    path("monitoring/", include("monitoring.urls")),
    path("reports/", include("reports.urls")),
    path("generation/", include("generation.urls")),
    path("exports/", include("documents.urls")),
    path("register/", include("register.urls")),
    path("algoritmeregister/", include("register.public_urls")),
    path("assessments/", include("assessments.urls")),
]

handler403 = "iob_portal.views.error_403"
handler404 = "iob_portal.views.error_404"
handler500 = "iob_portal.views.error_500"
