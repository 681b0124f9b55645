from django.contrib.auth.decorators import login_not_required
from django.urls import path

from . import views
from .oidc import PortalOIDCCallbackView, PortalOIDCRequestView

urlpatterns = [
    path("account/second-factor/", views.SecondFactorView.as_view(), name="second-factor-verify"),
    path("account/second-factor/step-up/", views.StepUpView.as_view(), name="second-factor-step-up"),
    path("account/second-factor/enrol/", views.EnrolView.as_view(), name="second-factor-enrol"),
    # The names mozilla-django-oidc reverses.
    path(
        "oidc/authenticate/",
        login_not_required(PortalOIDCRequestView.as_view()),
        name="oidc_authentication_init",
    ),
    path(
        "oidc/callback/",
        login_not_required(PortalOIDCCallbackView.as_view()),
        name="oidc_authentication_callback",
    ),
]
