from django.urls import path

from . import api

urlpatterns = [
    path("exports/", api.ExportCreateApi.as_view(), name="api-export-list"),
    path("exports/<uuid:id>/", api.ExportDetailApi.as_view(), name="api-export-detail"),
    path("exports/<uuid:id>/file/", api.ExportFileApi.as_view(), name="api-export-file"),
]
