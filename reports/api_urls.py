from django.urls import path

from . import api

urlpatterns = [
    path("reports/", api.ReportListCreateApi.as_view(), name="api-report-list"),
    path("reports/follow-ups/", api.FollowUpListApi.as_view(), name="api-report-follow-up-list"),
    path(
        "reports/follow-ups/<uuid:id>/resolve/", api.FollowUpResolveApi.as_view(), name="api-report-follow-up-resolve"
    ),
    path("reports/<uuid:id>/", api.ReportDetailApi.as_view(), name="api-report-detail"),
    path("reports/<uuid:id>/json/", api.ReportJsonApi.as_view(), name="api-report-json"),
    path("reports/<uuid:id>/csv/", api.ReportCsvApi.as_view(), name="api-report-csv"),
    path("reports/<uuid:id>/pdf/", api.ReportPdfApi.as_view(), name="api-report-pdf"),
    path("reports/<uuid:id>/start-review/", api.ReportStartReviewApi.as_view(), name="api-report-start-review"),
    path("reports/<uuid:id>/sign-off/", api.ReportSignOffApi.as_view(), name="api-report-sign-off"),
    path("reports/<uuid:id>/return/", api.ReportReturnApi.as_view(), name="api-report-return"),
    path("reports/<uuid:id>/findings/", api.ReportFindingsApi.as_view(), name="api-report-findings"),
    path(
        "reports/<uuid:id>/findings/<uuid:finding_id>/",
        api.ReportFindingDeleteApi.as_view(),
        name="api-report-finding-delete",
    ),
]
