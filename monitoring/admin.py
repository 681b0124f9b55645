"""Monitoring data in the admin, read-only: records come in through the import service
alone (whole files, checked, audited), never one by one through a form."""

from django.contrib import admin

from .models import ImpactPreview, ImportRun, MonitoringRecord


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(MonitoringRecord)
class MonitoringRecordAdmin(_ReadOnly):
    list_display = [
        "application_id",
        "lodged_on",
        "nationality",
        "application_location",
        "travel_purpose",
        "advice",
        "decision",
        "officer_id",
    ]
    list_filter = ["advice", "decision", "gender", "travel_purpose"]
    search_fields = ["application_id", "officer_id", "matched_profiles"]
    date_hierarchy = "lodged_on"
    show_full_result_count = False  # counting a million rows for every page is not worth it


@admin.register(ImportRun)
class ImportRunAdmin(_ReadOnly):
    list_display = [
        "created_at",
        "door",
        "filename",
        "status",
        "row_count",
        "inserted_count",
        "updated_count",
        "problem_count",
        "created_by",
    ]
    list_filter = ["door", "status", "file_format"]
    search_fields = ["filename", "sha256", "public_id"]
    list_select_related = ["created_by"]


@admin.register(ImpactPreview)
class ImpactPreviewAdmin(_ReadOnly):
    list_display = ["profile", "period_from", "period_until", "status", "created_at", "finished_at"]
    list_filter = ["status"]
    list_select_related = ["profile"]
