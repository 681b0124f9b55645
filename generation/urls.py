from django.urls import path

from . import views

app_name = "generation"
urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),
    path("parameter-sets/new/", views.ParameterSetCreateView.as_view(), name="parameter_set_create"),
    path("parameter-sets/<uuid:public_id>/", views.ParameterSetDetailView.as_view(), name="parameter_set"),
    path(
        "parameter-sets/<uuid:public_id>/action/", views.ParameterSetActionView.as_view(), name="parameter_set_action"
    ),
    path("runs/<uuid:public_id>/", views.RunDetailView.as_view(), name="run"),
    path("runs/<uuid:public_id>/approve-chance/", views.RunApproveChanceView.as_view(), name="run_approve_chance"),
]
