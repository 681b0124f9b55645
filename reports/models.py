"""Bias reports (docs/bias-report.md): the report, its stored outputs, and the DPO's review.

A report row exists from the moment it is requested (status `pending`), so a retried or
duplicated job finds it and cannot make a second one. Its outputs are write-once rows
(one per kind). After the DPO's sign-off nothing of the report changes; on PostgreSQL and
SQLite triggers say so too (migration 0003).
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ReportStatus(models.TextChoices):
    PENDING = "pending", _("Being computed")
    FAILED = "failed", _("Failed")
    GENERATED = "generated", _("Generated")
    IN_REVIEW = "in_review", _("In review")
    SIGNED_OFF = "signed_off", _("Signed off")
    RETURNED = "returned", _("Returned")


class ReportOrigin(models.TextChoices):
    PORTAL = "portal", _("Portal")
    API = "api", _("API")
    COMMAND = "command", _("Command line")
    SCHEDULE = "schedule", _("Monthly schedule")


class BiasReport(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    period_from = models.DateField()
    period_to = models.DateField()
    # min_cell, alpha, ratio_low, ratio_high, follow_threshold: exactly what was computed with.
    parameters = models.JSONField(default=dict)
    status = models.CharField(max_length=16, choices=ReportStatus.choices, default=ReportStatus.PENDING)
    origin = models.CharField(max_length=16, choices=ReportOrigin.choices, default=ReportOrigin.PORTAL)
    # A client's idempotency key (API header, hidden form field): a repeated request
    # returns the report it already made.
    request_key = models.CharField(max_length=64, null=True, blank=True, unique=True)
    job = models.ForeignKey("jobs.Job", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Filled when the figures are stored.
    generated_at = models.DateTimeField(null=True, blank=True)
    record_count = models.PositiveBigIntegerField(null=True, blank=True)
    decided_count = models.PositiveBigIntegerField(null=True, blank=True)
    flagged_count = models.PositiveIntegerField(null=True, blank=True)
    # SHA-256 of the report JSON: the content hash printed in every PDF footer.
    content_hash = models.CharField(max_length=64, blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    failure = models.TextField(blank=True)
    # The DPO's review.
    review_started_at = models.DateTimeField(null=True, blank=True)
    review_started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision_comment = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("bias report")
        verbose_name_plural = _("bias reports")
        permissions = [
            ("generate_biasreport", "Can start bias reports"),
            ("review_biasreport", "Can review and sign off bias reports"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ReportStatus.values), name="biasreport_status_valid"),
            models.CheckConstraint(condition=Q(origin__in=ReportOrigin.values), name="biasreport_origin_valid"),
            models.CheckConstraint(
                condition=Q(period_from__lte=models.F("period_to")), name="biasreport_period_ordered"
            ),
            # A report past `pending` has its hashes; a signed or returned one its decider.
            models.CheckConstraint(
                condition=Q(status__in=["pending", "failed"]) | (~Q(content_hash="") & ~Q(pdf_sha256="")),
                name="biasreport_generated_has_hashes",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["signed_off", "returned"]) | Q(decided_by__isnull=False),
                name="biasreport_decision_has_decider",
            ),
            # The monthly schedule makes one report per month, however often beat fires.
            models.UniqueConstraint(
                fields=["period_from", "period_to"],
                condition=Q(origin="schedule"),
                name="biasreport_one_scheduled_per_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period_from}–{self.period_to}"

    @property
    def is_ready(self) -> bool:
        return self.status not in (ReportStatus.PENDING, ReportStatus.FAILED)


class ArtifactKind(models.TextChoices):
    JSON = "json", "JSON"
    CSV = "csv", "CSV"
    PDF = "pdf", "PDF"
    # The disclosure-controlled view the page, the CSV and the PDF are made from.
    VIEW = "view", _("Page view")


class ReportArtifact(models.Model):
    """One stored output of a report. Written once; bytes and hash never change."""

    report = models.ForeignKey(BiasReport, on_delete=models.CASCADE, related_name="artifacts")
    kind = models.CharField(max_length=8, choices=ArtifactKind.choices)
    content = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["report_id", "kind"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=ArtifactKind.values), name="reportartifact_kind_valid"),
            models.UniqueConstraint(fields=["report", "kind"], name="reportartifact_one_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.report_id}:{self.kind}"


class SubjectType(models.TextChoices):
    GROUP = "group", _("Group")
    OFFICER = "officer", _("Officer")
    PROFILE = "profile", _("Profile")


class FindingDecision(models.TextChoices):
    ACCEPT = "accept", _("Accept")
    MITIGATE = "mitigate", _("Mitigate")
    ESCALATE = "escalate", _("Escalate")


class ReportFinding(models.Model):
    """The DPO's judgement on one group, officer or profile of a report."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    report = models.ForeignKey(BiasReport, on_delete=models.PROTECT, related_name="findings")
    # The stable id of the report's finding this decision is about (schema /2, e.g.
    # `group:nationality=NGA`); empty for a note on a subject that is not a finding.
    finding_id = models.CharField(max_length=400, blank=True, default="")
    subject_type = models.CharField(max_length=16, choices=SubjectType.choices)
    # Exactly one of these names the subject, as the report JSON does.
    group = models.JSONField(null=True, blank=True)
    officer_id = models.CharField(max_length=64, blank=True)
    profile_code = models.CharField(max_length=64, blank=True)
    decision = models.CharField(max_length=16, choices=FindingDecision.choices)
    note = models.TextField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(subject_type__in=SubjectType.values), name="reportfinding_subject_type_valid"
            ),
            models.CheckConstraint(
                condition=Q(decision__in=FindingDecision.values), name="reportfinding_decision_valid"
            ),
            models.CheckConstraint(
                condition=(
                    Q(subject_type="group", group__isnull=False, officer_id="", profile_code="")
                    | Q(subject_type="officer", group__isnull=True, profile_code="") & ~Q(officer_id="")
                    | Q(subject_type="profile", group__isnull=True, officer_id="") & ~Q(profile_code="")
                ),
                name="reportfinding_one_subject",
            ),
            models.UniqueConstraint(
                fields=["report", "finding_id"],
                condition=~Q(finding_id=""),
                name="reportfinding_one_decision_per_finding",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject_type}: {self.subject_label}"

    @property
    def subject_label(self) -> str:
        if self.subject_type == SubjectType.GROUP:
            return ", ".join(f"{k}={v}" for k, v in (self.group or {}).items())
        return self.officer_id or self.profile_code


class FollowUpKind(models.TextChoices):
    WITHDRAW_PROFILE = "withdraw_profile", _("Withdraw the profile")
    OTHER = "other", _("Other action")


class FollowUpStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    DISMISSED = "dismissed", _("Dismissed")


class FollowUpAction(models.Model):
    """An action the DPO asks for. Once the report is signed off it waits in the
    reviewers' queue until a reviewer carries it out or dismisses it with a reason."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    finding = models.ForeignKey(ReportFinding, on_delete=models.CASCADE, related_name="follow_ups")
    kind = models.CharField(max_length=32, choices=FollowUpKind.choices)
    profile_code = models.CharField(max_length=64, blank=True)
    note = models.TextField(blank=True)
    status = models.CharField(max_length=16, choices=FollowUpStatus.choices, default=FollowUpStatus.OPEN)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution_comment = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=FollowUpKind.values), name="followup_kind_valid"),
            models.CheckConstraint(condition=Q(status__in=FollowUpStatus.values), name="followup_status_valid"),
            models.CheckConstraint(
                condition=~Q(kind="withdraw_profile") | ~Q(profile_code=""), name="followup_withdraw_names_profile"
            ),
            models.CheckConstraint(
                condition=(
                    Q(status="open", resolved_by__isnull=True) | (~Q(status="open") & Q(resolved_at__isnull=False))
                ),
                name="followup_resolution_consistent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.profile_code}".strip()


class ReviewRecord(models.Model):
    """The signed record of the DPO's review (PDF/A, tagged): the findings, decisions and
    follow-ups, the signer and time, and the hashes of the report it concerns. Made in
    the sign-off's own transaction; never changed or removed (migration 0005)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    report = models.OneToOneField(BiasReport, on_delete=models.PROTECT, related_name="review_record")
    content = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField()
    # The report it signs: the SHA-256 of its JSON and of its original PDF.
    report_content_hash = models.CharField(max_length=64)
    report_pdf_sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-signed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(sha256="") & ~Q(report_content_hash=""), name="reviewrecord_has_hashes"
            ),
        ]

    def __str__(self) -> str:
        return f"review record {self.report_id}"
