"""DPIA and IAMA documents: question-set snapshots, versions, answers and their items,
action points, participants.

A version moves draft → in_review → dpo_advised → signed (→ superseded); only a draft
takes changes, and a signed version never changes again: the services refuse, and
database triggers (migration 0002) repeat both rules and the four-eyes rule on signing.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class DocumentKind(models.TextChoices):
    DPIA = "dpia", _("DPIA")
    IAMA = "iama", _("IAMA")


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    DPO_ADVISED = "dpo_advised", _("DPO advice recorded")
    SIGNED = "signed", _("Signed")
    SUPERSEDED = "superseded", _("Superseded")


OPEN_STATUSES = (VersionStatus.DRAFT, VersionStatus.IN_REVIEW, VersionStatus.DPO_ADVISED)
FINAL_STATUSES = (VersionStatus.SIGNED, VersionStatus.SUPERSEDED)


class QuestionSet(models.Model):
    """A snapshot of one question-set data file (assessments/questionsets/*.yaml). A set
    in use never changes: a revised file must carry a new `version`."""

    prefix = models.CharField(max_length=16)
    version = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    edition = models.CharField(max_length=100)
    content = models.JSONField()
    content_sha256 = models.CharField(max_length=64)
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["prefix", "version"]
        constraints = [
            models.UniqueConstraint(fields=["prefix", "version"], name="questionset_prefix_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.prefix} v{self.version}"


class Assessment(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=8, choices=DocumentKind.choices)
    system = models.CharField(max_length=32, default="IOB")
    title = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "system"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=DocumentKind.values), name="assessment_kind_valid"),
            models.UniqueConstraint(fields=["kind", "system"], name="assessment_one_per_kind_and_system"),
        ]
        permissions = [
            ("author_assessment", "Can write answers of a DPIA or IAMA"),
            ("dpo_advise_assessment", "Can record the DPO's advice on a DPIA or IAMA"),
            ("sign_assessment", "Can sign a DPIA or IAMA as the responsible official"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.system}"


class AssessmentVersion(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    question_set = models.ForeignKey(QuestionSet, on_delete=models.PROTECT, related_name="+")
    previous = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="next")
    status = models.CharField(max_length=16, choices=VersionStatus.choices, default=VersionStatus.DRAFT)
    note = models.TextField(blank=True)
    # What changed against the previous version's question set: {key: {"flag": "new"|"changed"|
    # "carried"|"mapped", "from": [keys], "old": "text beside the new question"}}.
    carry_over = models.JSONField(default=dict, blank=True)
    review_by = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    dpo_advice = models.TextField(blank=True)
    dpo_advice_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    dpo_advice_at = models.DateTimeField(null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(null=True, blank=True)
    sign_comment = models.TextField(blank=True)
    content_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["assessment", "-number"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=VersionStatus.values), name="assessmentversion_status_valid"),
            models.UniqueConstraint(fields=["assessment", "number"], name="assessmentversion_number_unique"),
            models.UniqueConstraint(
                fields=["assessment"], condition=Q(status__in=OPEN_STATUSES), name="assessmentversion_one_open"
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["dpo_advised", *FINAL_STATUSES])
                | (Q(dpo_advice_by__isnull=False) & ~Q(dpo_advice="")),
                name="assessmentversion_advice_before_signing",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=FINAL_STATUSES)
                | (Q(signed_by__isnull=False) & Q(signed_at__isnull=False) & ~Q(content_hash="")),
                name="assessmentversion_signed_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment} v{self.number}"

    @property
    def is_editable(self) -> bool:
        return self.status == VersionStatus.DRAFT


class VersionAuthor(models.Model):
    """Everyone who wrote anything in a version (answers, items, action points,
    participants) or submitted it: none of them may sign it."""

    version = models.ForeignKey(AssessmentVersion, on_delete=models.CASCADE, related_name="authors")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    first_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["version", "first_at"]
        constraints = [models.UniqueConstraint(fields=["version", "user"], name="versionauthor_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} on {self.version_id}"


class ReviewFlag(models.TextChoices):
    NONE = "", _("Reviewed")
    CARRIED = "carried", _("Carried over, review")
    MAPPED = "mapped", _("Carried over from the previous edition, review")


class Answer(models.Model):
    version = models.ForeignKey(AssessmentVersion, on_delete=models.CASCADE, related_name="answers")
    key = models.CharField(max_length=80)
    # {"text": ...} for text; {"choice": ...}; {"yes": bool}; {"choices": [...]}; {"date": ...};
    # forms add {"fields": {...}}. Repeatable items are AnswerItem rows.
    value = models.JSONField(default=dict, blank=True)
    considerations = models.TextField(blank=True)
    review_flag = models.CharField(max_length=8, choices=ReviewFlag.choices, default="", blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    answered_at = models.DateTimeField()

    class Meta:
        ordering = ["version", "key"]
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="answer_one_per_key"),
            models.CheckConstraint(condition=Q(review_flag__in=ReviewFlag.values), name="answer_review_flag_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.version})"


class AnswerItem(models.Model):
    """One row of a repeatable question. `item_id` stays the same across versions."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="items")
    item_id = models.UUIDField(default=uuid.uuid4)
    position = models.PositiveIntegerField(default=0)
    value = models.JSONField(default=dict)

    class Meta:
        ordering = ["answer", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["answer", "item_id"], name="answeritem_stable_id_unique")]

    def __str__(self) -> str:
        return f"item {self.position} of {self.answer_id}"


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


class ActionPoint(models.Model):
    version = models.ForeignKey(AssessmentVersion, on_delete=models.CASCADE, related_name="action_points")
    item_id = models.UUIDField(default=uuid.uuid4)
    part = models.CharField(max_length=16, blank=True)
    text = models.TextField()
    owner = models.CharField(max_length=200)
    due_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["version", "part", "due_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ActionStatus.values), name="actionpoint_status_valid"),
            models.UniqueConstraint(fields=["version", "item_id"], name="actionpoint_stable_id_unique"),
        ]

    def __str__(self) -> str:
        return self.text[:60]


class Participant(models.Model):
    """A member of the IAMA team (PL, DS, JUR, DOM, SEC, COM, ETH, GL) or the DPIA's
    document manager."""

    version = models.ForeignKey(AssessmentVersion, on_delete=models.CASCADE, related_name="participants")
    name = models.CharField(max_length=200)
    function = models.CharField(max_length=200, blank=True)
    role_code = models.CharField(max_length=8)
    organisation = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["version", "role_code", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(role_code__in=["PO", "PL", "DS", "JUR", "DOM", "SEC", "COM", "ETH", "GL", "DPO", "RESP"]),
                name="participant_role_code_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.role_code})"
