"""Impact previews: computed at once for a small period, by a background job for a large
one, whose result is kept for the same profile content and the same data."""

import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.actors import actor_user
from jobs.services import job_create, job_enqueue_on_commit, job_fail, job_progress, job_start, job_succeed
from problems import DomainError

from .impact import impact_compute, period_record_count
from .models import ImpactPreview, PreviewStatus
from .selectors import default_impact_period, impact_preview_stored, monitoring_data_stamp


@dataclass(frozen=True)
class ImpactOutcome:
    """A preview that is ready (`result`), or being computed by a job (`job_id`)."""

    period_from: Any
    period_until: Any
    records: int
    result: dict[str, Any] | None = None
    job_id: uuid.UUID | None = None
    preview_id: uuid.UUID | None = None
    failed: str = ""

    @property
    def ready(self) -> bool:
        return self.result is not None


def impact_sync_limit() -> int:
    return int(getattr(settings, "IOB_IMPACT_SYNC_MAX_RECORDS", 200_000))


def impact_preview_for(*, actor: Any, profile: Any, period_from=None, period_until=None) -> ImpactOutcome:
    """The preview of `profile` over a past period (default the last twelve months):
    computed at once when the period is small, else by a background job whose result is
    kept for the same profile content and data."""
    default_from, default_until = default_impact_period()
    period_from, period_until = period_from or default_from, period_until or default_until
    if period_from > period_until:
        raise DomainError.single("invalid_period", _("The period must start on or before its last day."), "from")
    records = period_record_count(period_from=period_from, period_until=period_until)
    if records <= impact_sync_limit():
        return ImpactOutcome(
            period_from,
            period_until,
            records,
            result=impact_compute(profile=profile, period_from=period_from, period_until=period_until, records=records),
        )
    stamp = monitoring_data_stamp()
    preview = impact_preview_stored(
        profile=profile, period_from=period_from, period_until=period_until, data_stamp=stamp
    ) or impact_preview_start(
        actor=actor, profile=profile, period_from=period_from, period_until=period_until, data_stamp=stamp
    )
    if preview.status == PreviewStatus.READY:
        return ImpactOutcome(period_from, period_until, records, result=preview.result)
    # A job run in-process (tests, eager mode) has finished by now.
    preview.refresh_from_db()
    if preview.status == PreviewStatus.READY:
        return ImpactOutcome(period_from, period_until, records, result=preview.result)
    return ImpactOutcome(
        period_from, period_until, records, job_id=preview.job_id, preview_id=preview.public_id, failed=preview.error
    )


def impact_preview_start(*, actor: Any, profile: Any, period_from, period_until, data_stamp: int) -> ImpactPreview:
    """Queue the computation of a large preview, or return the one already there for the same inputs."""
    from .tasks import impact_preview as impact_task

    with transaction.atomic():
        preview, created = ImpactPreview.objects.get_or_create(
            profile=profile,
            period_from=period_from,
            period_until=period_until,
            profile_stamp=profile.updated_at,
            data_stamp=data_stamp,
            defaults={"created_by": actor_user(actor)},
        )
        if not created and preview.status != PreviewStatus.FAILED:
            return preview
        job = job_create(
            kind="monitoring.impact_preview", created_by=preview.created_by, params={"preview": str(preview.public_id)}
        )
        ImpactPreview.objects.filter(pk=preview.pk).update(job_id=job.public_id, status=PreviewStatus.RUNNING, error="")
        preview.job_id, preview.status = job.public_id, PreviewStatus.RUNNING
        job_enqueue_on_commit(task=impact_task, job=job, preview_id=preview.pk)
    return preview


def impact_preview_job_run(*, job_id: int, preview_id: int) -> None:
    preview = ImpactPreview.objects.select_related("profile").get(pk=preview_id)
    if not job_start(job_id=job_id):
        return
    if preview.status == PreviewStatus.READY:
        job_succeed(job_id=job_id, result={"preview": str(preview.public_id)})
        return
    job_progress(job_id=job_id, progress=10, message="")
    result = impact_compute(profile=preview.profile, period_from=preview.period_from, period_until=preview.period_until)
    with transaction.atomic():
        ImpactPreview.objects.filter(pk=preview.pk).update(
            status=PreviewStatus.READY, result=result, finished_at=timezone.now()
        )
        job_succeed(job_id=job_id, result={"preview": str(preview.public_id)})


def impact_preview_job_fail(*, job_id: int, preview_id: int, error: str) -> None:
    with transaction.atomic():
        ImpactPreview.objects.filter(pk=preview_id).exclude(status=PreviewStatus.READY).update(
            status=PreviewStatus.FAILED, error=error[:5000], finished_at=timezone.now()
        )
        job_fail(job_id=job_id, error=error)
