from django.urls import path

from . import views

app_name = "assessments"
urlpatterns = [
    path("", views.document_list, name="list"),
    path("create/", views.document_create, name="create"),
    path("new-version/", views.version_create, name="new_version"),
    path("<str:kind>/compare/", views.compare, name="compare"),
    path("v/<uuid:public_id>/", views.version_detail, name="version"),
    path("v/<uuid:public_id>/s/<str:section_id>/", views.section_edit, name="section"),
    path("v/<uuid:public_id>/q/<str:key>/refresh/", views.prefill_diff, name="refresh"),
    path("v/<uuid:public_id>/transition/", views.version_transition, name="transition"),
    path("v/<uuid:public_id>/action-points/", views.action_point_save, name="action_points"),
    path("v/<uuid:public_id>/participants/", views.participant_save, name="participants"),
]
