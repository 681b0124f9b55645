"""Celery tasks of bias reports. They take ids, call a service, and leave the outcome on
the report's job; retries cannot make a second report (see services.report_generate)."""

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import InterfaceError, OperationalError

from .services import report_fail, report_generate, report_schedule_monthly

log = logging.getLogger(__name__)

# Database hiccups are worth another try; a bad period or a bug is not.
TRANSIENT = (OperationalError, InterfaceError)


@shared_task(
    name="reports.generate", bind=True, max_retries=3, soft_time_limit=20 * 60, time_limit=25 * 60, acks_late=True
)
def generate_report(self, *, job_id: int, report_id: int) -> None:
    try:
        report_generate(report_id=report_id, job_id=job_id)
    except TRANSIENT as error:
        if self.request.retries < self.max_retries:
            raise self.retry(exc=error, countdown=min(600, 30 * 2**self.request.retries)) from error
        report_fail(report_id=report_id, job_id=job_id, error=f"{type(error).__name__}: {error}")
    except SoftTimeLimitExceeded:
        report_fail(report_id=report_id, job_id=job_id, error="The report took longer than its time limit.")
    except Exception as error:  # noqa: BLE001 - the job records why; the worker carries on
        log.exception("bias report %s failed", report_id)
        report_fail(report_id=report_id, job_id=job_id, error=f"{type(error).__name__}: {error}")


@shared_task(name="reports.monthly_report", autoretry_for=TRANSIENT, retry_backoff=True, max_retries=5)
def monthly_report() -> str:
    """Celery beat, monthly (see migration 0004): the previous month's report."""
    return str(report_schedule_monthly().public_id)
