from django.urls import path

from . import views

app_name = "register"
urlpatterns = [
    path("", views.home, name="home"),
    path("new/", views.create, name="create"),
    path("versions/<uuid:public_id>/", views.version_detail, name="version"),
    path("versions/<uuid:public_id>/edit/", views.version_edit, name="edit"),
    path("versions/<uuid:public_id>/prefill/", views.version_prefill, name="prefill"),
    path("versions/<uuid:public_id>/translations/", views.translations, name="translations"),
    path("versions/<uuid:public_id>/diff/<uuid:other_id>/", views.version_diff, name="diff"),
    path("versions/<uuid:public_id>/<slug:action>/", views.version_action, name="action"),
]
