"""Celery beat, every five minutes: a signed checkpoint of the audit chain's head."""

from celery import shared_task

from .services import audit_checkpoint_write


@shared_task(name="audit.checkpoint", ignore_result=True, soft_time_limit=60, time_limit=90)
def checkpoint() -> int:
    return audit_checkpoint_write()
