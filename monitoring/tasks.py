"""Background work of monitoring: uploaded imports and large impact previews.

Tasks take ids and call one service. A lost connection or a locked database is retried
with backoff (the import is idempotent, so a second attempt is safe); when the retries
are spent, or on any other error, the job and its run are marked failed with the reason.
"""

from celery import Task, shared_task
from django.db import InterfaceError, OperationalError

from . import previews, services

_TRANSIENT = (OperationalError, InterfaceError)


class _ImportTask(Task):
    def on_failure(self, exc, task_id, args, kwargs, einfo):
        services.monitoring_import_job_fail(
            job_id=kwargs["job_id"], import_run_id=kwargs["import_run_id"], error=f"{type(exc).__name__}: {exc}"
        )


class _ImpactTask(Task):
    def on_failure(self, exc, task_id, args, kwargs, einfo):
        previews.impact_preview_job_fail(
            job_id=kwargs["job_id"], preview_id=kwargs["preview_id"], error=f"{type(exc).__name__}: {exc}"
        )


@shared_task(
    name="monitoring.import_upload",
    base=_ImportTask,
    autoretry_for=_TRANSIENT,
    retry_backoff=True,
    max_retries=3,
    soft_time_limit=60 * 25,
    time_limit=60 * 30,
)
def import_upload(*, job_id: int, import_run_id: int, language: str = "nl") -> None:
    services.monitoring_import_job_run(job_id=job_id, import_run_id=import_run_id, language=language)


@shared_task(
    name="monitoring.impact_preview",
    base=_ImpactTask,
    autoretry_for=_TRANSIENT,
    retry_backoff=True,
    max_retries=3,
    soft_time_limit=60 * 10,
    time_limit=60 * 12,
)
def impact_preview(*, job_id: int, preview_id: int) -> None:
    previews.impact_preview_job_run(job_id=job_id, preview_id=preview_id)
