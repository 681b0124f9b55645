from django.urls import path

from .api import MonitoringRecordListCreateApi, ProfileImpactApi

urlpatterns = [
    path("monitoring-records/", MonitoringRecordListCreateApi.as_view(), name="api-monitoring-records"),
    path("profiles/<uuid:id>/impact/", ProfileImpactApi.as_view(), name="api-profile-impact"),
]
