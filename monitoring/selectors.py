"""Reads of monitoring data: records, imports, the data stamp and impact previews."""

from datetime import date, timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from .models import ImpactPreview, ImportRun, ImportStatus, MonitoringRecord, PreviewStatus

RECORD_FILTERS = ("application_id", "nationality", "age_group", "gender", "marital_status", "occupation",
                  "travel_purpose", "application_location", "advice", "decision", "officer_id")


def monitoring_record_list(*, filters: dict[str, Any] | None = None) -> QuerySet[MonitoringRecord]:
    """Records in lodging order (the lodged_on index serves it; ties sort by id within a day)."""
    filters = filters or {}
    qs = MonitoringRecord.objects.all()
    if filters.get("lodged_from"):
        qs = qs.filter(lodged_on__gte=filters["lodged_from"])
    if filters.get("lodged_to"):
        qs = qs.filter(lodged_on__lte=filters["lodged_to"])
    for key in RECORD_FILTERS:
        if filters.get(key):
            qs = qs.filter(**{key: filters[key]})
    return qs.order_by("lodged_on", "application_id")


def import_run_list(*, limit: int = 20) -> QuerySet[ImportRun]:
    return ImportRun.objects.select_related("created_by").defer("problems").order_by("-created_at", "-id")[:limit]


def import_run_get(*, public_id) -> ImportRun:
    return ImportRun.objects.select_related("created_by").get(public_id=public_id)


def monitoring_data_stamp() -> int:
    """Grows with every import that changed something: previews computed before are stale."""
    last = ImportRun.objects.filter(status=ImportStatus.IMPORTED).order_by("-id").values_list("id", flat=True).first()
    return last or 0


def default_impact_period(today: date | None = None) -> tuple[date, date]:
    """The last twelve months, today included."""
    today = today or timezone.localdate()
    return today - timedelta(days=364), today


def impact_preview_stored(*, profile, period_from: date, period_until: date, data_stamp: int) -> ImpactPreview | None:
    return ImpactPreview.objects.filter(
        profile=profile, period_from=period_from, period_until=period_until, profile_stamp=profile.updated_at,
        data_stamp=data_stamp).exclude(status=PreviewStatus.FAILED).first()


def impact_preview_progress(*, public_id) -> dict[str, Any]:
    """A kept preview's progress in the shape of the jobs' progress JSON, for every reader
    of profiles (the job itself is visible only to whoever started it)."""
    from jobs.models import Job
    from jobs.selectors import job_get

    preview = ImpactPreview.objects.get(public_id=public_id)
    status = {PreviewStatus.READY: "succeeded", PreviewStatus.FAILED: "failed"}.get(preview.status, "running")
    progress, message = (100 if status == "succeeded" else 0), ""
    if status == "running" and preview.job_id:
        try:
            job = job_get(public_id=preview.job_id)
            progress, message = job.progress, job.message
        except Job.DoesNotExist:
            pass
    return {"id": str(preview.public_id), "status": status, "progress": progress, "message": message,
            "error": preview.error}
