from django.urls import path

from . import views

app_name = "documents"
urlpatterns = [
    path("start/", views.export_start, name="export-start"),
    path("<uuid:id>/", views.export_detail, name="export"),
    path("<uuid:id>/file/", views.export_file, name="export-file"),
]
