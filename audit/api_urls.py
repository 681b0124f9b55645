from django.urls import path

from .api import AuditEventListApi

urlpatterns = [path("audit-events/", AuditEventListApi.as_view(), name="api-audit-event-list")]
