"""Reads of monitoring data: records, imports, the data stamp and impact previews."""

from datetime import date, timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from .models import ImpactPreview, ImportRun, ImportStatus, MonitoringRecord, PreviewStatus

RECORD_FILTERS = (
    "application_id",
    "nationality",
    "age_group",
    "gender",
    "marital_status",
    "occupation",
    "travel_purpose",
    "application_location",
    "advice",
    "decision",
    "officer_id",
)


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
    return (
        ImpactPreview.objects.filter(
            profile=profile,
            period_from=period_from,
            period_until=period_until,
            profile_stamp=profile.updated_at,
            data_stamp=data_stamp,
        )
        .exclude(status=PreviewStatus.FAILED)
        .first()
    )


def impact_preview_progress(*, public_id) -> dict[str, Any]:
    """A kept preview's progress in the shape of the jobs' progress JSON, for every reader
    of profiles (the job itself is visible only to whoever started it)."""
    from jobs.models import Job
    from jobs.selectors import job_get

    preview = ImpactPreview.objects.get(public_id=public_id)
    job_statuses: dict[str, str] = {PreviewStatus.READY: "succeeded", PreviewStatus.FAILED: "failed"}
    status = job_statuses.get(preview.status, "running")
    progress, message = (100 if status == "succeeded" else 0), ""
    if status == "running" and preview.job_id:
        try:
            job = job_get(public_id=preview.job_id)
            progress, message = job.progress, job.message
        except Job.DoesNotExist:
            pass
    return {
        "id": str(preview.public_id),
        "status": status,
        "progress": progress,
        "message": message,
        "error": preview.error,
    }


# Columns of `decided_records_export`, in file order.
DECIDED_RECORD_COLUMNS = (
    "application_id",
    "lodged_on",
    "nationality",
    "age_group",
    "gender",
    "marital_status",
    "occupation",
    "travel_purpose",
    "application_location",
    "chain_hit",
    "decision",
)


def decided_records_export(*, path: str, period_from: date, period_to: date) -> None:
    """Write the granted and refused records lodged in the period to `path` as headerless
    CSV (DECIDED_RECORD_COLUMNS; chain_hit as 0/1), streamed: PostgreSQL by COPY, SQLite
    in pages of rows. For bulk analytics (profile generation) that parse the file at once."""
    import csv

    from django.db import connection

    q = connection.ops.quote_name
    fields = {f.name: f.column for f in MonitoringRecord._meta.concrete_fields if f.column is not None}  # all of them
    table = q(MonitoringRecord._meta.db_table)
    chain = f"CASE WHEN {q(fields['chain_hit'])} THEN 1 ELSE 0 END"
    select = ", ".join(chain if name == "chain_hit" else q(fields[name]) for name in DECIDED_RECORD_COLUMNS)
    where = f"{q(fields['decision'])} IN ('granted', 'refused') AND {q(fields['lodged_on'])} BETWEEN %s AND %s"
    sql = f"SELECT {select} FROM {table} WHERE {where}"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with (
                open(path, "wb") as out,
                cursor.cursor.copy(f"COPY ({sql}) TO STDOUT (FORMAT csv)", (period_from, period_to)) as copy,
            ):
                for block in copy:
                    out.write(block)
            return
        cursor.execute(sql, [period_from.isoformat(), period_to.isoformat()])
        with open(path, "w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            while rows := cursor.fetchmany(50_000):
                writer.writerows(rows)
