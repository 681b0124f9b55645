from django.urls import path

from .api import JobDetailApi

urlpatterns = [path("", JobDetailApi.as_view(), name="api-job-detail")]
