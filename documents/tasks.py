"""Celery task of document exports: takes ids, calls the service, leaves the outcome on
the export's job."""

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import InterfaceError, OperationalError

from .exports import export_fail, export_generate

log = logging.getLogger(__name__)
TRANSIENT = (OperationalError, InterfaceError)


@shared_task(
    name="documents.export", bind=True, max_retries=3, soft_time_limit=5 * 60, time_limit=6 * 60, acks_late=True
)
def generate_export(self, *, job_id: int, export_id: int) -> None:
    try:
        export_generate(export_id=export_id, job_id=job_id)
    except TRANSIENT as error:
        if self.request.retries < self.max_retries:
            raise self.retry(exc=error, countdown=min(300, 15 * 2**self.request.retries)) from error
        export_fail(export_id=export_id, job_id=job_id, error=f"{type(error).__name__}: {error}")
    except SoftTimeLimitExceeded:
        export_fail(export_id=export_id, job_id=job_id, error="The export took longer than its time limit.")
    except Exception as error:  # noqa: BLE001 - the job records why; the worker carries on
        log.exception("document export %s failed", export_id)
        export_fail(export_id=export_id, job_id=job_id, error=f"{type(error).__name__}: {error}")
