"""Bias reports in the admin site: to look at, never to change (the review happens in the
portal, through the services, with its audit trail). The monthly schedule itself is a
django-celery-beat PeriodicTask ("Monthly bias report"), editable under Periodic tasks."""

from django.contrib import admin

from .models import BiasReport, FollowUpAction, ReportFinding


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class FindingInline(admin.TabularInline):
    model = ReportFinding
    fields = ("subject_type", "group", "officer_id", "profile_code", "decision", "note", "created_by", "created_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(BiasReport)
class BiasReportAdmin(ReadOnlyAdmin):
    list_display = ("period_from", "period_to", "status", "origin", "created_by", "created_at", "flagged_count")
    list_filter = ("status", "origin")
    search_fields = ("public_id", "content_hash")
    readonly_fields = [f.name for f in BiasReport._meta.fields]
    inlines = [FindingInline]


@admin.register(FollowUpAction)
class FollowUpActionAdmin(ReadOnlyAdmin):
    list_display = ("kind", "profile_code", "status", "resolved_by", "resolved_at", "created_at")
    list_filter = ("kind", "status")
    readonly_fields = [f.name for f in FollowUpAction._meta.fields]
