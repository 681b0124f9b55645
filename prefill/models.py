"""Provenance of an accepted prefill, attached to an answer row of any model.

One row per target (an assessment answer, a register field, …): the proposal the author
accepted or edited, the sources it was built from and their fingerprint. A source that
changes afterwards marks the row stale (`stale_since`); the answer itself is never
touched, so nothing is recomputed silently.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Disposition(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted as proposed")
    EDITED = "edited", _("Edited after the proposal")


class PrefillProvenance(models.Model):
    target_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    target_id = models.CharField(max_length=64)
    codes = models.JSONField(default=list)
    proposal_text = models.TextField()
    value = models.JSONField(null=True, blank=True)
    sources = models.JSONField(default=list)
    fingerprint = models.CharField(max_length=64)
    computed_at = models.DateTimeField()
    disposition = models.CharField(max_length=16, choices=Disposition.choices)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    accepted_at = models.DateTimeField()
    # Set when a source changed after acceptance: the answer needs a re-review.
    stale_since = models.DateTimeField(null=True, blank=True)
    stale_fingerprint = models.CharField(max_length=64, blank=True)
    stale_reason = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["target_type", "target_id"]
        constraints = [
            models.UniqueConstraint(fields=["target_type", "target_id"], name="prefill_one_per_target"),
            models.CheckConstraint(condition=Q(disposition__in=Disposition.values), name="prefill_disposition_valid"),
            models.CheckConstraint(
                condition=Q(stale_since__isnull=True) | ~Q(stale_fingerprint=""), name="prefill_stale_has_fingerprint"
            ),
        ]
        indexes = [models.Index(fields=["stale_since"], name="prefill_stale_idx")]

    def __str__(self) -> str:
        return f"prefill {'+'.join(self.codes)} → {self.target_type_id}:{self.target_id}"

    @property
    def is_stale(self) -> bool:
        return self.stale_since is not None
