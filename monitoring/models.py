"""Monitoring records: one pseudonymised application with its advice and decision
(monitoring-data.md). Codes are checked against the catalogues by the import service;
the database holds what a row can say on its own."""

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
    application_id = models.CharField(max_length=64, unique=True)
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
            models.CheckConstraint(condition=Q(advice__in=Advice.values), name="monitoring_advice_valid"),
            models.CheckConstraint(condition=Q(decision__in=Decision.values), name="monitoring_decision_valid"),
            models.CheckConstraint(condition=Q(gender__in=["F", "M", "X"]), name="monitoring_gender_valid"),
            models.CheckConstraint(condition=~Q(application_id=""), name="monitoring_application_id_not_empty"),
            models.CheckConstraint(condition=Q(decided_on__isnull=True) | Q(decided_on__gte=F("lodged_on")),
                                   name="monitoring_decided_not_before_lodged"),
            models.CheckConstraint(condition=Q(decision=Decision.PENDING) | ~Q(officer_id=""),
                                   name="monitoring_officer_unless_pending"),
            models.CheckConstraint(
                condition=(Q(decision=Decision.REFUSED, refusal_ground__gte=1, refusal_ground__lte=11)
                           | Q(decision=Decision.REFUSED, refusal_ground__isnull=True)
                           | (~Q(decision=Decision.REFUSED) & Q(refusal_ground__isnull=True))),
                name="monitoring_refusal_ground_only_when_refused",
            ),
        ]

    def __str__(self) -> str:
        return self.application_id
