"""The audit trail in the admin: to read, never to write.

No one may add, change or delete an event here, superusers included: the trail is
append-only (and on PostgreSQL the table itself refuses UPDATE and DELETE).
"""

from django.contrib import admin

from .models import AuditChainHead, AuditEvent


class _ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(_ReadOnlyAdmin):
    list_display = ["seq", "created_at", "event_type", "actor_username", "target_type", "target_label"]
    list_filter = ["event_type", "target_type"]
    search_fields = ["event_type", "actor_username", "target_id", "target_label"]
    ordering = ["-seq"]
    fields = [
        "seq",
        "public_id",
        "created_at",
        "actor_username",
        "event_type",
        "target_type",
        "target_id",
        "target_label",
        "data",
        "prev_hash",
        "hash",
    ]
    readonly_fields = fields
    # A filtered list would otherwise count the whole trail a second time.
    show_full_result_count = False


@admin.register(AuditChainHead)
class AuditChainHeadAdmin(_ReadOnlyAdmin):
    list_display = ["seq", "hash"]
    fields = ["seq", "hash"]
    readonly_fields = fields
