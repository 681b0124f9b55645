"""Celery's side of the job records: a heartbeat while a job's task runs, the job put
back to queued when its task asks for a retry, and a sweep when a worker starts."""

import logging
import os
import socket
import threading

from celery.signals import task_postrun, task_prerun, task_retry, worker_ready
from django.conf import settings
from django.db import close_old_connections, connection

log = logging.getLogger(__name__)
_beats: dict[str, threading.Event] = {}


def _token(task) -> str | None:
    from .services import TOKEN_HEADER

    request = task.request
    token = getattr(request, TOKEN_HEADER, None) or (getattr(request, "headers", None) or {}).get(TOKEN_HEADER)
    return str(token) if token else None


def _beat(job_id: int, token: str, stop: threading.Event) -> None:
    from .models import Job, JobStatus
    from .services import job_heartbeat

    worker = f"{socket.gethostname()}:{os.getpid()}"
    interval = getattr(settings, "IOB_JOB_HEARTBEAT_SECONDS", 10)
    try:
        while not stop.wait(interval):
            try:
                if Job.objects.filter(pk=job_id, status=JobStatus.RUNNING, dispatch_token=token).exists():
                    job_heartbeat(job_id=job_id, token=token, worker=worker)
            except Exception as error:  # noqa: BLE001 - a missed beat is retried at the next interval
                log.warning("heartbeat of job %s failed: %s", job_id, error)
    finally:
        connection.close()


@task_prerun.connect(dispatch_uid="jobs_heartbeat_start")
def _start_heartbeat(task_id=None, task=None, kwargs=None, **_):
    job_id, token = (kwargs or {}).get("job_id"), _token(task)
    if job_id is None or token is None or task.request.is_eager:
        return
    stop = threading.Event()
    _beats[task_id] = stop
    threading.Thread(target=_beat, args=(job_id, token, stop), daemon=True, name=f"job-{job_id}-heartbeat").start()


@task_postrun.connect(dispatch_uid="jobs_heartbeat_stop")
def _stop_heartbeat(task_id=None, **_):
    stop = _beats.pop(task_id, None)
    if stop is not None:
        stop.set()


@task_retry.connect(dispatch_uid="jobs_requeue_on_retry")
def _requeue_on_retry(sender=None, request=None, **_):
    from .services import TOKEN_HEADER, job_requeue_for_retry

    job_id = (getattr(request, "kwargs", None) or {}).get("job_id")
    if job_id is None:
        return
    token = getattr(request, TOKEN_HEADER, None) or (getattr(request, "headers", None) or {}).get(TOKEN_HEADER)
    job_requeue_for_retry(job_id=job_id, token=str(token) if token else None)


@worker_ready.connect(dispatch_uid="jobs_sweep_at_start")
def _sweep_at_start(**_):
    # Whatever waited while no worker (or no broker) was there goes now, not at the next beat.
    def sweep() -> None:
        from .services import jobs_sweep

        try:
            close_old_connections()
            jobs_sweep()
        except Exception as error:  # noqa: BLE001
            log.warning("job sweep at worker start failed: %s", error)
        finally:
            connection.close()

    threading.Thread(target=sweep, daemon=True, name="jobs-sweep-at-start").start()
