"""Job lifecycle. State changes are conditional updates, so a retried task cannot
finish a job twice or move a finished job back to running."""

from typing import Any

from django.db import transaction
from django.utils import timezone

from .models import Job, JobStatus


def job_create(*, kind: str, params: dict[str, Any], created_by=None) -> Job:
    return Job.objects.create(kind=kind, params=params, created_by=created_by)


def job_start(*, job_id: int) -> bool:
    """Mark a job running. False when it already finished (a duplicate delivery)."""
    updated = Job.objects.filter(pk=job_id, status__in=[JobStatus.QUEUED, JobStatus.RUNNING]).update(
        status=JobStatus.RUNNING, started_at=timezone.now(), progress=0, error=""
    )
    if updated:
        from django.db.models import F

        Job.objects.filter(pk=job_id).update(attempts=F("attempts") + 1)
    return bool(updated)


def job_progress(*, job_id: int, progress: int, message: str = "") -> None:
    # Written outside any surrounding transaction so the page sees it while work goes on.
    Job.objects.filter(pk=job_id, status=JobStatus.RUNNING).update(
        progress=max(0, min(100, int(progress))), message=message[:300]
    )


def job_succeed(*, job_id: int, result: dict[str, Any], message: str = "") -> bool:
    with transaction.atomic():
        return bool(Job.objects.filter(pk=job_id, status=JobStatus.RUNNING).update(
            status=JobStatus.SUCCEEDED, progress=100, result=result, message=message[:300],
            finished_at=timezone.now(),
        ))


def job_fail(*, job_id: int, error: str) -> bool:
    return bool(Job.objects.filter(pk=job_id).exclude(status=JobStatus.SUCCEEDED).update(
        status=JobStatus.FAILED, error=error[:5000], finished_at=timezone.now()
    ))


def job_enqueue_on_commit(*, task, job: Job, **kwargs: Any) -> None:
    """Send the task only when the job row is committed, so the worker finds it."""
    transaction.on_commit(lambda: task.delay(job_id=job.pk, **kwargs))
