"""Monitoring records: one pseudonymised application with its advice and decision
(docs/monitoring-data.md). Codes are checked against the catalogues by the import service;
the database holds what a row can say on its own."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class Advice(models.TextChoices):
    FAST = "fast", _("Fast")
    REGULAR = "regular", _("Regular")
    INTENSIVE = "intensive", _("Intensive")


class Decision(models.TextChoices):
    GRANTED = "granted", _("Granted")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    PENDING = "pending", _("Pending")


class MonitoringRecord(models.Model):
    # Unique by the named constraint below (imports merge on it); no LIKE index wanted.
    application_id = models.CharField(max_length=64)
    lodged_on = models.DateField(db_index=True)
    decided_on = models.DateField(null=True, blank=True)
    nationality = models.CharField(max_length=3)
    age_group = models.CharField(max_length=32)
    gender = models.CharField(max_length=1)
    marital_status = models.CharField(max_length=32)
    occupation = models.CharField(max_length=32)
    travel_purpose = models.CharField(max_length=32)
    application_location = models.CharField(max_length=5)
    advice = models.CharField(max_length=16, choices=Advice.choices)
    # As imported: profile codes separated by ";", each "CODE" or "CODE@VERSION".
    matched_profiles = models.TextField(blank=True, default="")
    applicant_hit = models.BooleanField(default=False)
    referent_hit = models.BooleanField(default=False)
    employer_hit = models.BooleanField(default=False)
    chain_hit = models.BooleanField(default=False)
    decision = models.CharField(max_length=16, choices=Decision.choices)
    officer_id = models.CharField(max_length=64, blank=True, default="")
    refusal_ground = models.PositiveSmallIntegerField(null=True, blank=True)
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["lodged_on", "application_id"]
        verbose_name = _("monitoring record")
        verbose_name_plural = _("monitoring records")
        permissions = [("import_monitoringrecord", "Can import monitoring records")]
        constraints = [
            models.UniqueConstraint(fields=["application_id"], name="monitoring_application_id_unique"),
            models.CheckConstraint(condition=Q(advice__in=Advice.values), name="monitoring_advice_valid"),
            models.CheckConstraint(condition=Q(decision__in=Decision.values), name="monitoring_decision_valid"),
            models.CheckConstraint(condition=Q(gender__in=["F", "M", "X"]), name="monitoring_gender_valid"),
            models.CheckConstraint(condition=~Q(application_id=""), name="monitoring_application_id_not_empty"),
            models.CheckConstraint(
                condition=Q(decided_on__isnull=True) | Q(decided_on__gte=F("lodged_on")),
                name="monitoring_decided_not_before_lodged",
            ),
            models.CheckConstraint(
                condition=Q(decision=Decision.PENDING) | ~Q(officer_id=""), name="monitoring_officer_unless_pending"
            ),
            models.CheckConstraint(
                condition=(
                    Q(decision=Decision.REFUSED, refusal_ground__gte=1, refusal_ground__lte=11)
                    | Q(decision=Decision.REFUSED, refusal_ground__isnull=True)
                    | (~Q(decision=Decision.REFUSED) & Q(refusal_ground__isnull=True))
                ),
                name="monitoring_refusal_ground_only_when_refused",
            ),
        ]

    def __str__(self) -> str:
        return self.application_id


class ImportDoor(models.TextChoices):
    UPLOAD = "upload", _("Upload page")
    COMMAND = "command", _("Management command")
    API = "api", _("REST API")
    DEMO = "demo", _("Synthetic demo data")


class ImportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    JSONL = "jsonl", "JSON Lines"
    JSON = "json", "JSON"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    IMPORTED = "imported", _("Imported")
    REJECTED = "rejected", _("Rejected")
    FAILED = "failed", _("Failed")


class ImportRun(models.Model):
    """One attempt to bring records in, through any door, and how it ended.

    A rejected file changes no record; its run keeps the (capped) error report and the
    counts, so the person who sent it can read what to fix.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    door = models.CharField(max_length=16, choices=ImportDoor.choices)
    file_format = models.CharField(max_length=8, choices=ImportFormat.choices)
    filename = models.CharField(max_length=255, blank=True)
    size_bytes = models.BigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=16, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    row_count = models.PositiveIntegerField(default=0)
    inserted_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    bad_row_count = models.PositiveIntegerField(default=0)
    problem_count = models.PositiveIntegerField(default=0)
    # Problems per code over the whole file, and the first ones in full (see REPORT_CAP).
    problem_codes = models.JSONField(default=dict, blank=True)
    problems = models.JSONField(default=list, blank=True)
    # Problems grouped by column and code over the whole file, each with its most frequent
    # values and their counts ("2 posts not in the catalogue: UAIEV (948 rows), …").
    problem_groups = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    # An upload waits here for the worker; removed once the run has ended.
    upload_path = models.CharField(max_length=500, blank=True)
    job_id = models.UUIDField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        constraints = [
            models.CheckConstraint(condition=Q(door__in=ImportDoor.values), name="importrun_door_valid"),
            models.CheckConstraint(condition=Q(file_format__in=ImportFormat.values), name="importrun_format_valid"),
            models.CheckConstraint(condition=Q(status__in=ImportStatus.values), name="importrun_status_valid"),
            # An imported file had no problem and every row was inserted, updated or unchanged.
            models.CheckConstraint(
                condition=~Q(status=ImportStatus.IMPORTED)
                | (
                    Q(problem_count=0, bad_row_count=0)
                    & Q(row_count=F("inserted_count") + F("updated_count") + F("unchanged_count"))
                ),
                name="importrun_imported_adds_up",
            ),
            models.CheckConstraint(
                condition=~Q(status=ImportStatus.REJECTED) | Q(problem_count__gt=0),
                name="importrun_rejected_has_problems",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.filename or self.door} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in (ImportStatus.IMPORTED, ImportStatus.REJECTED, ImportStatus.FAILED)


class PreviewStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class ImpactPreview(models.Model):
    """A large impact preview computed by a background job, kept so that the page can
    show it when the job ends. Valid only for the profile content and the data it was
    computed from (the two stamps); anything newer computes afresh."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # A cache: when a draft is discarded its previews go with it.
    profile = models.ForeignKey("profiles.Profile", on_delete=models.CASCADE, related_name="+")
    period_from = models.DateField()
    period_until = models.DateField()
    profile_stamp = models.DateTimeField()
    data_stamp = models.BigIntegerField()
    status = models.CharField(max_length=16, choices=PreviewStatus.choices, default=PreviewStatus.RUNNING)
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    job_id = models.UUIDField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("impact preview")
        verbose_name_plural = _("impact previews")
        constraints = [
            models.CheckConstraint(condition=Q(status__in=PreviewStatus.values), name="impactpreview_status_valid"),
            models.CheckConstraint(
                condition=Q(period_from__lte=F("period_until")), name="impactpreview_period_ordered"
            ),
            models.UniqueConstraint(
                fields=["profile", "period_from", "period_until", "profile_stamp", "data_stamp"],
                name="impactpreview_one_per_input",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.profile} {self.period_from}–{self.period_until} ({self.status})"
