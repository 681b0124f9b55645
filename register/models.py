"""The Algorithm Register entry of IOB and its versions.

An entry (the system, the register's `lars` code, the register organisation code, the
flow) has numbered versions. A version holds every field of publication standard 1.0
under the API keys (`fields`, checked by `standard.entry_validate`), the provenance of
each prefilled field, and its place in the workflow (`workflow.py`). From `in_review`
on, a version's content never changes: the service refuses and database triggers repeat
it (migration 0002). Approved translations are kept per field and language.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class RegisterFlow(models.TextChoices):
    SELF_PUBLISH_TWO = "self_publish_two", _("The organisation publishes in two steps")
    ICTU_LAST = "ictu_last", _("ICTU publishes")


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    APPROVED = "approved", _("Approved")
    PUBLISHED = "published", _("Published")
    RETRACTED = "retracted", _("Retracted")
    SUPERSEDED = "superseded", _("Superseded")
    ARCHIVED = "archived", _("Archived")


OPEN_STATUSES = (VersionStatus.DRAFT, VersionStatus.IN_REVIEW, VersionStatus.APPROVED)


class RegisterEntry(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    system = models.CharField(max_length=32, unique=True, default="IOB")
    lars = models.CharField(max_length=8, blank=True)
    organisation_code = models.CharField(max_length=64, blank=True)
    flow = models.CharField(max_length=32, choices=RegisterFlow.choices, default=RegisterFlow.SELF_PUBLISH_TWO)
    created_at = models.DateTimeField(auto_now_add=True)
    last_synced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["system"]
        permissions = [
            ("edit_registerentry", "Can write Algorithm Register entries"),
            ("approve_registerentry", "Can approve and publish Algorithm Register entries"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(flow__in=RegisterFlow.values), name="registerentry_flow_valid"),
            models.CheckConstraint(
                condition=Q(lars="") | Q(lars__regex=r"^[0-9]{8}$"), name="registerentry_lars_eight_digits"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.system} ({self.lars or 'no LARS'})"


class EntryVersion(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    entry = models.ForeignKey(RegisterEntry, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=16, choices=VersionStatus.choices, default=VersionStatus.DRAFT)
    fields = models.JSONField(default=dict)
    # Per field: {"sources": [...], "fingerprint": "...", "prefilled_at": "...", "edited": bool}.
    provenance = models.JSONField(default=dict, blank=True)
    content_hash = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # Everyone who wrote this version's content (user ids): none of them may approve it.
    editor_ids = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    retracted_at = models.DateTimeField(null=True, blank=True)
    last_comment = models.TextField(blank=True)
    # What the register answered on delivery (lars, publication_dt, state) and when.
    register_answer = models.JSONField(default=dict, blank=True)
    synced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["entry_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "number"], name="entryversion_number_unique"),
            models.CheckConstraint(condition=Q(status__in=VersionStatus.values), name="entryversion_status_valid"),
            models.UniqueConstraint(
                fields=["entry"],
                condition=Q(status__in=[s.value for s in OPEN_STATUSES]),
                name="entryversion_one_open_per_entry",
            ),
            models.UniqueConstraint(
                fields=["entry"], condition=Q(status="published"), name="entryversion_one_published_per_entry"
            ),
            # Four eyes, as far as columns can say it (the editors list is checked by the service).
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True)
                | (~Q(approved_by=F("created_by")) & ~Q(approved_by=F("submitted_by"))),
                name="entryversion_four_eyes",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "in_review", "archived"])
                | Q(approved_by__isnull=False, approved_at__isnull=False),
                name="entryversion_approved_has_approver",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["published", "retracted", "superseded"])
                | Q(published_by__isnull=False, published_at__isnull=False)
                | Q(status="superseded"),
                name="entryversion_published_has_publisher",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.entry.system} v{self.number} ({self.status})"

    @property
    def is_editable(self) -> bool:
        return self.status == VersionStatus.DRAFT


class EntryTransition(models.Model):
    """One workflow step of a version: who, when, from, to, why."""

    version = models.ForeignKey(EntryVersion, on_delete=models.PROTECT, related_name="transitions")
    action = models.CharField(max_length=32)
    from_status = models.CharField(max_length=16)
    to_status = models.CharField(max_length=16)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    actor_name = models.CharField(max_length=150)
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["version_id", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.action} {self.from_status}→{self.to_status}"


class TranslationLanguage(models.TextChoices):
    EN = "en", "English"
    FR = "fr", "Français"
    ES = "es", "Español"


class FieldTranslation(models.Model):
    """An approved translation of one field's Dutch text. It holds for exactly the Dutch
    text it was made from (`source_sha256`); when the Dutch changes, it no longer applies
    and the page shows the Dutch, marked. Nothing is machine-translated."""

    entry = models.ForeignKey(RegisterEntry, on_delete=models.PROTECT, related_name="translations")
    field = models.CharField(max_length=32)
    language = models.CharField(max_length=2, choices=TranslationLanguage.choices)
    source_sha256 = models.CharField(max_length=64)
    text = models.TextField()
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["entry_id", "field", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "field", "language", "source_sha256"], name="fieldtranslation_one_per_source_text"
            ),
            models.CheckConstraint(
                condition=Q(language__in=TranslationLanguage.values), name="fieldtranslation_language_valid"
            ),
            models.CheckConstraint(condition=~Q(text=""), name="fieldtranslation_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.field}@{self.language}"


class EntryField(models.Model):
    """One field of one version, as a row: the anchor of that field's prefill provenance
    in the shared prefill app (one provenance per target row)."""

    version = models.ForeignKey(EntryVersion, on_delete=models.PROTECT, related_name="field_rows")
    key = models.CharField(max_length=32)

    class Meta:
        ordering = ["version_id", "key"]
        constraints = [models.UniqueConstraint(fields=["version", "key"], name="entryfield_one_per_key")]

    def __str__(self) -> str:
        return f"register v{self.version.number} · {self.key}"
