"""Celery task of prefill: the staleness check after a source changed."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from .services import prefill_staleness_check


@shared_task(
    name="prefill.check_staleness",
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    max_retries=5,
    soft_time_limit=5 * 60,
    time_limit=6 * 60,
)
def check_staleness(*, event_type: str = "") -> int:
    return prefill_staleness_check(event_type=event_type)
