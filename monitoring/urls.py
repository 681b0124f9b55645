from django.urls import path

from . import views

app_name = "monitoring"
urlpatterns = [
    path("", views.upload_redirect, name="index"),
    path("upload/", views.UploadView.as_view(), name="upload"),
    path("upload/example.csv", views.ImportExampleCsvView.as_view(), name="import_example"),
    path("imports/<uuid:public_id>/", views.ImportDetailView.as_view(), name="import_detail"),
    path("imports/<uuid:public_id>/report.csv", views.ImportReportCsvView.as_view(), name="import_report_csv"),
    path("impact/<uuid:public_id>/", views.ProfileImpactView.as_view(), name="profile_impact"),
    path("impact/previews/<uuid:public_id>/progress/", views.ImpactProgressView.as_view(), name="impact_progress"),
]
