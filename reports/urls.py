from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.ReportListView.as_view(), name="list"),
    path("follow-ups/", views.FollowUpListView.as_view(), name="follow_ups"),
    path("follow-ups/<uuid:public_id>/resolve/", views.FollowUpResolveView.as_view(), name="follow_up_resolve"),
    path("findings/<uuid:public_id>/delete/", views.FindingDeleteView.as_view(), name="finding_delete"),
    path("<uuid:public_id>/", views.ReportDetailView.as_view(), name="detail"),
    path("<uuid:public_id>/report.<str:kind>", views.ReportFileView.as_view(), name="file"),
    path("<uuid:public_id>/tables/", views.ReportTablesView.as_view(), name="tables"),
    path("<uuid:public_id>/review-record.pdf", views.ReviewRecordFileView.as_view(), name="review_record"),
    path("<uuid:public_id>/review/", views.ReportReviewView.as_view(), name="review"),
    path("<uuid:public_id>/findings/", views.FindingCreateView.as_view(), name="finding_create"),
]
