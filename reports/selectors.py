"""Reads of bias reports."""

import json
from functools import lru_cache
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _

from problems import DomainError, conflict

from .models import (
    ArtifactKind,
    BiasReport,
    FollowUpAction,
    FollowUpStatus,
    ReportArtifact,
    ReportFinding,
    ReportStatus,
    ReviewRecord,
)


def report_list() -> QuerySet[BiasReport]:
    return BiasReport.objects.select_related("job", "created_by", "decided_by").order_by("-created_at", "-id")


def report_get(*, public_id) -> BiasReport:
    return report_list().get(public_id=public_id)


def report_artifact(*, report: BiasReport, kind: str) -> bytes:
    """A stored file of a generated report: 409 `not_ready` while it is being computed,
    404 `not_found` when the report has no such file."""
    if not report.is_ready:
        raise conflict("not_ready", _("The report is not ready yet."))
    content = ReportArtifact.objects.filter(report=report, kind=kind).values_list("content", flat=True).first()
    if content is None:
        raise DomainError.single("not_found", _("The report has no such file."), status=404)
    return bytes(content)


@lru_cache(maxsize=8)
def _parsed(report_pk: int, content_hash: str, kind: str) -> dict[str, Any]:
    # Keyed by the content hash: a report's files never change once generated.
    content = ReportArtifact.objects.filter(report_id=report_pk, kind=kind).values_list("content", flat=True).first()
    assert content is not None  # the callers ran report_artifact, which raises when the file is missing
    return json.loads(bytes(content))


def report_figures(*, report: BiasReport) -> dict[str, Any]:
    """The report JSON (iob-bias-report/2), parsed. Shared: do not change it."""
    report_artifact(report=report, kind=ArtifactKind.JSON)  # raises while not ready
    return _parsed(report.pk, report.content_hash, ArtifactKind.JSON)


def report_view(*, report: BiasReport) -> dict[str, Any]:
    """The disclosure-controlled view the page is drawn from. Shared: do not change it."""
    report_artifact(report=report, kind=ArtifactKind.VIEW)
    return _parsed(report.pk, report.content_hash, ArtifactKind.VIEW)


def report_findings(*, report: BiasReport) -> QuerySet[ReportFinding]:
    return (
        report.findings.select_related("created_by")
        .prefetch_related(
            Prefetch("follow_ups", queryset=FollowUpAction.objects.select_related("resolved_by").order_by("id"))
        )
        .order_by("created_at", "id")
    )


def follow_ups_open() -> QuerySet[FollowUpAction]:
    """Follow-up requests of signed reports that no reviewer has resolved yet: the
    reviewers' queue (oldest first)."""
    return (
        FollowUpAction.objects.filter(status=FollowUpStatus.OPEN, finding__report__status=ReportStatus.SIGNED_OFF)
        .select_related("finding", "finding__report", "finding__created_by")
        .order_by("created_at", "id")
    )


def follow_up_get(*, public_id) -> FollowUpAction:
    return FollowUpAction.objects.select_related("finding", "finding__report").get(public_id=public_id)


def finding_get(*, public_id) -> ReportFinding:
    return ReportFinding.objects.select_related("report").get(public_id=public_id)


def review_record_exists(*, report: BiasReport) -> bool:
    return ReviewRecord.objects.filter(report=report).exists()


def review_record_get(*, report: BiasReport) -> ReviewRecord | None:
    """The signed review record of a signed-off report (None before the sign-off)."""
    return ReviewRecord.objects.filter(report=report).select_related("signed_by").first()
