"""Parameter sets (versioned, reviewed like profiles), generation runs and their candidates.

The database holds what a row can say: named check constraints here, and triggers on
PostgreSQL and SQLite (migration 0002) that keep approved parameter sets immutable and
let status move only along the workflow of `workflow.py`.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

DEFAULT_FEATURES_ORDERED = [
    "application_location",
    "travel_purpose",
    "age_group",
    "nationality",
    "gender",
    "marital_status",
    "occupation",
]


class ParameterSetStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


PARAMETER_OPEN_STATUSES = (ParameterSetStatus.DRAFT, ParameterSetStatus.IN_REVIEW, ParameterSetStatus.CHANGES_REQUESTED)


class ParameterSet(models.Model):
    """One version of the tree's parameters. Approved versions never change; a change is a
    new version, written and reviewed again."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=100)
    version = models.PositiveIntegerField(default=1)
    previous_version = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="next_version"
    )
    status = models.CharField(max_length=24, choices=ParameterSetStatus.choices, default=ParameterSetStatus.DRAFT)
    features_ordered = models.JSONField(default=list)
    min_group_size = models.PositiveIntegerField()
    chance_max_hit_rate = models.FloatField()
    chance_max_refusal_rate = models.FloatField()
    risk_min_hit_rate = models.FloatField()
    min_depth = models.PositiveSmallIntegerField(default=3)
    explanation = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("parameter set")
        verbose_name_plural = _("parameter sets")
        permissions = [
            ("author_parameterset", "Can write and submit parameter sets"),
            ("review_parameterset", "Can review and approve parameter sets"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["name", "version"], name="parameterset_name_version_unique"),
            models.UniqueConstraint(
                fields=["name"], condition=Q(status__in=PARAMETER_OPEN_STATUSES), name="parameterset_one_open_version"
            ),
            models.CheckConstraint(condition=Q(status__in=ParameterSetStatus.values), name="parameterset_status_valid"),
            models.CheckConstraint(
                condition=Q(min_depth__gte=3, min_depth__lte=7), name="parameterset_min_depth_3_to_7"
            ),
            models.CheckConstraint(condition=Q(min_group_size__gte=1), name="parameterset_min_group_size_positive"),
            models.CheckConstraint(
                condition=Q(chance_max_hit_rate__gte=0, chance_max_hit_rate__lte=1)
                & Q(chance_max_refusal_rate__gte=0, chance_max_refusal_rate__lte=1)
                & Q(risk_min_hit_rate__gte=0, risk_min_hit_rate__lte=1),
                name="parameterset_rates_are_fractions",
            ),
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True)
                | (
                    ~Q(approved_by=F("created_by")) & (Q(submitted_by__isnull=True) | ~Q(approved_by=F("submitted_by")))
                ),
                name="parameterset_four_eyes",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[ParameterSetStatus.APPROVED, ParameterSetStatus.WITHDRAWN])
                | Q(approved_by__isnull=False, approved_at__isnull=False),
                name="parameterset_approved_has_approver",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"

    def as_parameters(self) -> dict:
        return {
            "features_ordered": list(self.features_ordered),
            "min_group_size": self.min_group_size,
            "chance_max_hit_rate": self.chance_max_hit_rate,
            "chance_max_refusal_rate": self.chance_max_refusal_rate,
            "risk_min_hit_rate": self.risk_min_hit_rate,
            "min_depth": self.min_depth,
        }


class ParameterSetTransition(models.Model):
    parameter_set = models.ForeignKey(ParameterSet, on_delete=models.PROTECT, related_name="transitions")
    action = models.CharField(max_length=32)
    from_status = models.CharField(max_length=24, choices=ParameterSetStatus.choices)
    to_status = models.CharField(max_length=24, choices=ParameterSetStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(from_status__in=ParameterSetStatus.values) & Q(to_status__in=ParameterSetStatus.values),
                name="parametersettransition_statuses_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.parameter_set}: {self.from_status} → {self.to_status}"


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    COMPLETED = "completed", _("Completed")
    FAILED = "failed", _("Failed")


class RunOrigin(models.TextChoices):
    PORTAL = "portal", _("Portal")
    API = "api", _("REST API")
    COMMAND = "command", _("Management command")
    SCHEDULE = "schedule", _("Monthly schedule")
    DEMO = "demo", _("Demo data")


class GenerationRun(models.Model):
    """One run of the decision tree for one target month, with one parameter-set version.

    A run that is not failed is unique per (parameter set, target month, window): starting
    it twice (a retry, a double click, the schedule and a person) gives the same run."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    parameter_set = models.ForeignKey(ParameterSet, on_delete=models.PROTECT, related_name="runs")
    parameters = models.JSONField(default=dict)
    status = models.CharField(max_length=16, choices=RunStatus.choices, default=RunStatus.QUEUED)
    origin = models.CharField(max_length=16, choices=RunOrigin.choices)
    window_from = models.DateField()
    window_to = models.DateField()
    # The month the proposed profiles are valid for.
    valid_from = models.DateField()
    valid_until = models.DateField()
    n_records = models.PositiveIntegerField(default=0)
    input_checksum = models.CharField(max_length=64, blank=True)
    counts = models.JSONField(default=dict, blank=True)
    outline = models.JSONField(default=list, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    job = models.ForeignKey("jobs.Job", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    started_by_name = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("generation run")
        verbose_name_plural = _("generation runs")
        permissions = [("start_generationrun", "Can start profile generation runs")]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=RunStatus.values), name="generationrun_status_valid"),
            models.CheckConstraint(condition=Q(origin__in=RunOrigin.values), name="generationrun_origin_valid"),
            models.CheckConstraint(condition=Q(window_from__lte=F("window_to")), name="generationrun_window_ordered"),
            models.CheckConstraint(condition=Q(valid_from__lt=F("valid_until")), name="generationrun_validity_ordered"),
            models.UniqueConstraint(
                fields=["parameter_set", "valid_from", "window_from", "window_to"],
                condition=~Q(status=RunStatus.FAILED),
                name="generationrun_once_per_month",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.valid_from:%Y-%m} ({self.parameter_set})"

    @property
    def is_finished(self) -> bool:
        return self.status in (RunStatus.COMPLETED, RunStatus.FAILED)


class CandidateOutcome(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    DROPPED = "dropped", _("Dropped")
    GONE = "gone", _("Gone")


class CandidateChange(models.TextChoices):
    NEW = "new", _("New")
    UNCHANGED = "unchanged", _("Unchanged")
    CHANGED_TYPE = "changed_type", _("Changed type")
    GONE = "gone", _("Gone")
    NONE = "", _("—")


class RunCandidate(models.Model):
    """A leaf of a run's tree (proposed as a profile, or dropped with its reasons), or an
    active generated profile that the run no longer produces (gone)."""

    run = models.ForeignKey(GenerationRun, on_delete=models.CASCADE, related_name="candidates")
    outcome = models.CharField(max_length=16, choices=CandidateOutcome.choices)
    change = models.CharField(max_length=16, choices=CandidateChange.choices, blank=True)
    kind = models.CharField(max_length=16)
    previous_kind = models.CharField(max_length=16, blank=True)
    depth = models.PositiveSmallIntegerField()
    characteristics = models.JSONField()
    # "characteristic=value|…" in split order: equality of groups across runs, and filters.
    path_key = models.CharField(max_length=400)
    n = models.PositiveIntegerField(default=0)
    hit_rate = models.FloatField(default=0)
    refusal_rate = models.FloatField(default=0)
    reasons = models.JSONField(default=list, blank=True)
    profile = models.ForeignKey("profiles.Profile", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    previous_profile = models.ForeignKey(
        "profiles.Profile", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["run", "-n", "id"]
        verbose_name = _("run candidate")
        verbose_name_plural = _("run candidates")
        indexes = [models.Index(fields=["run", "outcome", "kind"], name="runcandidate_run_outcome_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(outcome__in=CandidateOutcome.values), name="runcandidate_outcome_valid"),
            models.CheckConstraint(condition=Q(change__in=CandidateChange.values), name="runcandidate_change_valid"),
            models.CheckConstraint(condition=Q(kind__in=["chance", "risk"]), name="runcandidate_kind_valid"),
            models.CheckConstraint(
                condition=~Q(outcome=CandidateOutcome.PROPOSED) | Q(depth__gte=3), name="runcandidate_proposed_depth_3"
            ),
            models.UniqueConstraint(fields=["run", "outcome", "path_key"], name="runcandidate_path_once"),
        ]

    def __str__(self) -> str:
        return f"{self.run_id}:{self.path_key} ({self.kind})"
