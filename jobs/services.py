"""Job lifecycle. State changes are conditional updates, so a retried task cannot
finish a job twice or move a finished job back to running.

Broker faults (see docs/security.md, "Broker faults"):
- a job's task is sent only after the transaction that made the job commits, and a
  failed send never fails the request: the job stays queued and says it waits for the
  job service; `jobs_sweep` (Celery beat, every minute, and at worker start) sends it again;
- every send carries a new token, and only the message with the job's current token may
  start it, so a redelivered or re-sent copy does nothing (never a duplicate run);
- a running job's worker beats every few seconds (`jobs.signals`); a job whose beat
  stopped is put back to queued and sent again. Services do their work in one
  transaction at the end (a report's files, an import's merge), so a re-run starts clean.
"""

import logging
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext

from .models import Job, JobHeartbeat, JobStatus

log = logging.getLogger(__name__)

TOKEN_HEADER = "iob_job_token"


def WAITING() -> str:  # noqa: N802 - read as the message it is
    return gettext("Queued; it will start when the job service is back.")


def _waiting_messages() -> list[str]:
    from django.utils import translation

    messages = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            messages.append(WAITING())
    return messages


def _seconds(name: str, default: int) -> timedelta:
    return timedelta(seconds=getattr(settings, name, default))


def job_create(*, kind: str, params: dict[str, Any], created_by=None) -> Job:
    return Job.objects.create(kind=kind, params=params, created_by=created_by)


def _delivery_token() -> str | None:
    """The token of the Celery message being run in this thread, if any."""
    from celery import current_task

    request = getattr(current_task, "request", None)
    if request is None:
        return None
    token = getattr(request, TOKEN_HEADER, None) or (getattr(request, "headers", None) or {}).get(TOKEN_HEADER)
    return str(token) if token else None


def job_start(*, job_id: int) -> bool:
    """Mark a job running. False when it already finished (a duplicate delivery), or when
    this message is not the job's current one (a redelivered or superseded copy)."""
    token = _delivery_token()
    jobs = Job.objects.filter(pk=job_id)
    if token is not None:
        # Only the current message, and only from queued: a running job is someone else's.
        jobs = jobs.filter(dispatch_token=token, status=JobStatus.QUEUED)
    else:
        jobs = jobs.filter(status__in=[JobStatus.QUEUED, JobStatus.RUNNING])
    now = timezone.now()
    updated = jobs.update(
        status=JobStatus.RUNNING, started_at=now, progress=0, error="", message="", attempts=F("attempts") + 1
    )
    if updated and token is not None:
        job_heartbeat(job_id=job_id, token=token)
    return bool(updated)


def job_heartbeat(*, job_id: int, token: str, worker: str = "") -> None:
    JobHeartbeat.objects.update_or_create(
        job_id=job_id, defaults={"token": token, "beat_at": timezone.now(), "worker": worker[:200]}
    )


def job_progress(*, job_id: int, progress: int, message: str = "") -> None:
    # Written outside any surrounding transaction so the page sees it while work goes on.
    Job.objects.filter(pk=job_id, status=JobStatus.RUNNING).update(
        progress=max(0, min(100, int(progress))), message=message[:300]
    )


def job_succeed(*, job_id: int, result: dict[str, Any], message: str = "") -> bool:
    with transaction.atomic():
        return bool(
            Job.objects.filter(pk=job_id, status=JobStatus.RUNNING).update(
                status=JobStatus.SUCCEEDED,
                progress=100,
                result=result,
                message=message[:300],
                finished_at=timezone.now(),
            )
        )


def job_fail(*, job_id: int, error: str) -> bool:
    return bool(
        Job.objects.filter(pk=job_id)
        .exclude(status=JobStatus.SUCCEEDED)
        .update(status=JobStatus.FAILED, error=error[:5000], finished_at=timezone.now())
    )


def job_requeue_for_retry(*, job_id: int, token: str | None) -> bool:
    """A task asked Celery to retry it (a transient error): the job waits again, and the
    retry (the same message token) may start it."""
    jobs = Job.objects.filter(pk=job_id, status=JobStatus.RUNNING)
    if token is not None:
        jobs = jobs.filter(dispatch_token=token)
    return bool(jobs.update(status=JobStatus.QUEUED, message=gettext("A temporary fault; the job tries again.")))


def job_enqueue_on_commit(*, task, job: Job, **kwargs: Any) -> None:
    """Send the task only when the job row is committed, so the worker finds it.

    The task and its arguments are kept on the job (in the caller's transaction), so the
    sweep can send it again if the broker is down now or loses the message."""
    task_kwargs = {"job_id": job.pk, **kwargs}
    Job.objects.filter(pk=job.pk).update(task_name=task.name, task_kwargs=task_kwargs)
    job.task_name, job.task_kwargs = task.name, task_kwargs
    transaction.on_commit(lambda: job_dispatch(job_id=job.pk))


def job_dispatch(*, job_id: int) -> bool:
    """Send a queued job's task with a new token. Never raises: when the broker cannot
    be reached the job stays queued, says so, and the sweep sends it later."""
    from celery import current_app

    token = uuid.uuid4()
    job = Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).exclude(task_name="").first()
    if job is None:
        return False
    if not Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(dispatch_token=token, dispatched_at=None):
        return False
    task = current_app.tasks[job.task_name]
    if current_app.conf.task_always_eager:
        # In-process (tests): the task runs here, and its errors are its own, not the broker's.
        task.apply_async(kwargs=job.task_kwargs, headers={TOKEN_HEADER: str(token)})
        return True
    try:
        task.apply_async(kwargs=job.task_kwargs, headers={TOKEN_HEADER: str(token)}, retry=False)
    except Exception as error:  # noqa: BLE001 - any broker fault: the job waits, the request succeeds
        log.warning("job %s (%s) not sent: %s: %s", job.public_id, job.task_name, type(error).__name__, error)
        Job.objects.filter(pk=job_id, dispatch_token=token, status=JobStatus.QUEUED).update(message=WAITING())
        return False
    sent = Job.objects.filter(pk=job_id, dispatch_token=token, status=JobStatus.QUEUED)
    sent.update(dispatched_at=timezone.now())
    sent.filter(message__in=_waiting_messages()).update(message="")  # the broker took it: no longer waiting
    return True


@dataclass
class SweepOutcome:
    resent: int = 0
    restarted: int = 0
    failed: int = 0


def jobs_sweep(*, now=None) -> SweepOutcome:
    """Send again what the broker never delivered, and restart what a dead worker left.

    - queued, never accepted by the broker (it was down): send now;
    - queued, accepted but not started after IOB_JOB_PICKUP_SECONDS (the broker lost it,
      e.g. Redis restarted without persistence): send again, with a new token;
    - running, but no heartbeat for IOB_JOB_STALE_SECONDS (the worker died): back to
      queued and sent again, up to IOB_JOB_MAX_ATTEMPTS runs; then failed, with the reason.
    """
    from . import events

    now = now or timezone.now()
    outcome = SweepOutcome()
    stale = now - _seconds("IOB_JOB_STALE_SECONDS", 90)
    alive = Q(heartbeat__token=F("dispatch_token"), heartbeat__beat_at__gte=stale)
    dead = (
        Job.objects.filter(status=JobStatus.RUNNING, dispatch_token__isnull=False, started_at__lt=stale)
        .exclude(alive)
        .values_list("pk", "dispatch_token", "attempts")
    )
    for pk, token, attempts in dead:
        if attempts >= getattr(settings, "IOB_JOB_MAX_ATTEMPTS", 3):
            with transaction.atomic():
                if Job.objects.filter(pk=pk, status=JobStatus.RUNNING, dispatch_token=token).update(
                    status=JobStatus.FAILED,
                    finished_at=now,
                    error=f"The worker stopped {attempts} times while running this job; it is not tried again.",
                ):
                    events.job_abandoned(job=Job.objects.get(pk=pk))
                    outcome.failed += 1
            continue
        with transaction.atomic():
            moved = Job.objects.filter(pk=pk, status=JobStatus.RUNNING, dispatch_token=token).update(
                status=JobStatus.QUEUED,
                progress=0,
                dispatch_token=None,
                dispatched_at=None,
                message=gettext("The worker stopped; the job starts again from the beginning."),
            )
            if moved:
                events.job_restarted(job=Job.objects.get(pk=pk))
        if moved:
            outcome.restarted += 1
            job_dispatch(job_id=pk)
    grace = now - _seconds("IOB_JOB_DISPATCH_GRACE_SECONDS", 10)
    pickup = now - _seconds("IOB_JOB_PICKUP_SECONDS", 300)
    waiting = (
        Job.objects.filter(status=JobStatus.QUEUED)
        .exclude(task_name="")
        .filter(Q(dispatched_at__isnull=True, created_at__lt=grace) | Q(dispatched_at__lt=pickup))
        .values_list("pk", flat=True)
    )
    for pk in list(waiting):
        if job_dispatch(job_id=pk):
            outcome.resent += 1
    return outcome
