"""Stored document exports: one row per requested export, its file written once."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ExportFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    JSON = "json", "JSON"


class ExportStatus(models.TextChoices):
    PENDING = "pending", _("Being made")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class DocumentExport(models.Model):
    """A document of a registered kind (`register`, `dpia`, `iama`, …) rendered in one
    format. The bytes and their SHA-256 are stored once; the audit trail names the hash,
    so any copy handed on can be checked."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=32)
    format = models.CharField(max_length=8, choices=ExportFormat.choices)
    params = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=16, choices=ExportStatus.choices, default=ExportStatus.PENDING)
    job = models.ForeignKey("jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by_name = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # What was exported, as the kind names it (e.g. "entry 3f2… version 4").
    subject = models.CharField(max_length=300, blank=True)
    filename = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    content = models.BinaryField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    failure = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(format__in=ExportFormat.values), name="documentexport_format_valid"),
            models.CheckConstraint(condition=Q(status__in=ExportStatus.values), name="documentexport_status_valid"),
            models.CheckConstraint(
                condition=~Q(status="ready") | (Q(content__isnull=False) & ~Q(sha256="") & Q(size__isnull=False)),
                name="documentexport_ready_has_file",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}.{self.format} {self.public_id}"

    @property
    def is_ready(self) -> bool:
        return self.status == ExportStatus.READY
