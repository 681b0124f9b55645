"""The jobs' side of broker faults, without services: a send that fails leaves the job
waiting and saying so; only the current message may start a job; the sweep re-sends
what waits and restarts what a dead worker left (see test_broker_faults.py for the real
Redis and workers)."""

import uuid
from datetime import timedelta
from unittest import mock

import pytest
from django.db import transaction
from django.utils import timezone
from django.utils.translation import override

from audit.models import AuditEvent
from iob_portal.celery import app
from jobs import services
from jobs.models import Job, JobHeartbeat, JobStatus
from jobs.services import job_create, job_enqueue_on_commit, job_start, jobs_sweep
from reports.tasks import generate_report


@pytest.fixture
def unreachable_broker():
    keys = ("broker_url", "broker_read_url", "broker_write_url", "broker_transport_options", "task_always_eager")
    saved = {k: app.conf[k] for k in keys}
    url = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    app.conf.update(
        broker_url=url,
        broker_read_url=url,
        broker_write_url=url,
        task_always_eager=False,
        broker_transport_options={"socket_connect_timeout": 1},
    )
    app._pool, app.amqp._producer_pool = None, None
    yield
    app.conf.update(saved)
    app._pool, app.amqp._producer_pool = None, None


def test_a_send_to_a_dead_broker_leaves_the_job_waiting_and_saying_so(
    db, unreachable_broker, django_capture_on_commit_callbacks
):
    with override("en"), django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        job = job_create(kind="bias_report", params={})
        job_enqueue_on_commit(task=generate_report, job=job, report_id=123)
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED and job.dispatched_at is None and job.waiting_for_broker
    assert job.message == "Queued; it will start when the job service is back."
    assert job.task_name == "reports.generate" and job.task_kwargs == {"job_id": job.pk, "report_id": 123}


def test_nothing_is_sent_before_the_transaction_commits(db):
    with mock.patch.object(services, "job_dispatch") as dispatch, transaction.atomic():
        job = job_create(kind="k", params={})
        job_enqueue_on_commit(task=generate_report, job=job, report_id=1)
        assert not dispatch.called
    # pytest-django's test transaction never commits: still nothing sent.
    assert not dispatch.called


def test_only_the_message_with_the_current_token_starts_the_job(db):
    current, old = uuid.uuid4(), uuid.uuid4()
    job = job_create(kind="k", params={})
    Job.objects.filter(pk=job.pk).update(dispatch_token=current)
    with mock.patch.object(services, "_delivery_token", return_value=str(old)):
        assert not job_start(job_id=job.pk)
    with mock.patch.object(services, "_delivery_token", return_value=str(current)):
        assert job_start(job_id=job.pk)
        assert not job_start(job_id=job.pk)  # a redelivery of the same message: already running
    assert Job.objects.get(pk=job.pk).attempts == 1
    assert JobHeartbeat.objects.get(job=job).token == current


def running(started_ago: int, beat_ago: int | None, attempts: int = 1) -> Job:
    job = job_create(kind="k", params={})
    token = uuid.uuid4()
    now = timezone.now()
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING,
        dispatch_token=token,
        task_name="reports.generate",
        started_at=now - timedelta(seconds=started_ago),
        attempts=attempts,
    )
    if beat_ago is not None:
        JobHeartbeat.objects.create(job=job, token=token, beat_at=now - timedelta(seconds=beat_ago))
    return job


def test_the_sweep_restarts_a_job_whose_worker_stopped_beating(db, settings):
    settings.IOB_JOB_STALE_SECONDS = 60
    dead, alive, young = running(600, 300), running(600, 5), running(10, None)
    with mock.patch.object(services, "job_dispatch") as dispatch:
        outcome = jobs_sweep()
    assert outcome.restarted == 1
    dispatch.assert_any_call(job_id=dead.pk)
    restarted = Job.objects.get(pk=dead.pk)
    assert restarted.status == JobStatus.QUEUED and restarted.dispatch_token is None and restarted.progress == 0
    assert Job.objects.get(pk=alive.pk).status == JobStatus.RUNNING
    assert Job.objects.get(pk=young.pk).status == JobStatus.RUNNING
    assert AuditEvent.objects.filter(event_type="job.restarted", target_id=str(dead.public_id)).count() == 1


def test_a_job_that_killed_its_worker_three_times_is_failed_with_the_reason(db, settings):
    settings.IOB_JOB_STALE_SECONDS = 60
    job = running(600, 300, attempts=3)
    with mock.patch.object(services, "job_dispatch") as dispatch:
        assert jobs_sweep().failed == 1
    assert not dispatch.called
    failed = Job.objects.get(pk=job.pk)
    assert failed.status == JobStatus.FAILED and "3 times" in failed.error
    assert AuditEvent.objects.filter(event_type="job.abandoned").count() == 1


def test_the_sweep_resends_jobs_never_sent_or_never_picked_up(db, settings):
    settings.IOB_JOB_PICKUP_SECONDS = 300
    settings.IOB_JOB_DISPATCH_GRACE_SECONDS = 10
    now = timezone.now()
    never = job_create(kind="k", params={})
    lost = job_create(kind="k", params={})
    fresh = job_create(kind="k", params={})
    Job.objects.filter(pk__in=[never.pk, lost.pk, fresh.pk]).update(task_name="reports.generate")
    Job.objects.filter(pk__in=[never.pk, lost.pk]).update(created_at=now - timedelta(minutes=20))
    Job.objects.filter(pk=lost.pk).update(dispatched_at=now - timedelta(minutes=10))
    Job.objects.filter(pk=fresh.pk).update(dispatched_at=now)
    with mock.patch.object(services, "job_dispatch", return_value=True) as dispatch:
        assert jobs_sweep().resent == 2
    assert sorted(call.kwargs["job_id"] for call in dispatch.call_args_list) == sorted([never.pk, lost.pk])
