"""Celery tasks of profile generation. They take ids and call a service; retries cannot
make a second run (see services.run_execute)."""

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import InterfaceError, OperationalError

from problems import DomainError

from .services import run_execute, run_fail, run_schedule_monthly

log = logging.getLogger(__name__)
TRANSIENT = (OperationalError, InterfaceError)


@shared_task(
    name="generation.execute_run", bind=True, max_retries=3, soft_time_limit=30 * 60, time_limit=35 * 60, acks_late=True
)
def execute_run(self, *, job_id: int, run_id: int) -> None:
    try:
        run_execute(run_id=run_id, job_id=job_id)
    except TRANSIENT as error:
        if self.request.retries < self.max_retries:
            raise self.retry(exc=error, countdown=min(600, 30 * 2**self.request.retries)) from error
        run_fail(run_id=run_id, job_id=job_id, error=f"{type(error).__name__}: {error}")
    except SoftTimeLimitExceeded:
        run_fail(run_id=run_id, job_id=job_id, error="The run took longer than its time limit.")
    except Exception as error:  # noqa: BLE001 - the job records why; the worker carries on
        log.exception("generation run %s failed", run_id)
        run_fail(run_id=run_id, job_id=job_id, error=f"{type(error).__name__}: {error}")


@shared_task(name="generation.monthly_run", autoretry_for=TRANSIENT, retry_backoff=True, max_retries=5)
def monthly_run() -> str:
    """Celery beat, monthly (migration 0003): this month's run with the approved parameters."""
    try:
        return str(run_schedule_monthly().public_id)
    except DomainError as error:
        # No approved parameter set: nothing to run; the refusal is in the audit trail.
        log.warning("monthly generation run not started: %s", error)
        return ""
