"""The job sweep, run by Celery beat every minute (see iob_portal/schedules.py)."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from .services import jobs_sweep


@shared_task(
    name="jobs.sweep",
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    max_retries=3,
    soft_time_limit=120,
    time_limit=150,
    ignore_result=True,
)
def sweep() -> dict[str, int]:
    outcome = jobs_sweep()
    return {"resent": outcome.resent, "restarted": outcome.restarted, "failed": outcome.failed}
