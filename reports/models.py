"""Bias reports (bias-report.md). Extended by the reports issue."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class BiasReport(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    period_from = models.DateField()
    period_to = models.DateField()
    parameters = models.JSONField(default=dict)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("bias report")
        verbose_name_plural = _("bias reports")
        permissions = [
            ("generate_biasreport", "Can start bias reports"),
            ("review_biasreport", "Can review and sign off bias reports"),
        ]

    def __str__(self) -> str:
        return f"{self.period_from}–{self.period_to}"
