"""The audit trail: append-only events chained by hashes.

Each event stores the hash of its predecessor and a hash over its own content plus that
predecessor hash, and a gap-free sequence number. Editing, deleting or reordering any
event breaks the chain at that point, which `verify_audit_trail` reports.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    seq = models.PositiveBigIntegerField(unique=True, editable=False)
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Kept beside the key so the trail reads the same after a user is renamed.
    actor_username = models.CharField(max_length=150, blank=True)
    event_type = models.CharField(max_length=64, db_index=True)
    target_type = models.CharField(max_length=64, blank=True, db_index=True)
    target_id = models.CharField(max_length=64, blank=True, db_index=True)
    target_label = models.CharField(max_length=200, blank=True)
    data = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["-seq"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["target_type", "target_id", "seq"], name="audit_target_idx")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.event_type} {self.target_label}"


class AuditChainHead(models.Model):
    """One row, locked while an event is appended, so the chain never forks."""

    singleton = models.BooleanField(default=True, unique=True)
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(singleton=True), name="audit_head_singleton")]

    def __str__(self) -> str:
        return f"head #{self.seq}"
