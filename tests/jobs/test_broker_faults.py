"""Broker faults, for real: a Redis server of the test's own that is stopped and started,
and `celery worker` processes that are killed in the middle of a bias report and of an
import. Nothing is lost, nothing runs twice, and the job always says where it stands.

Needs PostgreSQL (the worker process must see the test's database) and redis-server.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils.translation import override

from audit.models import AuditEvent
from iob_portal.celery import app
from jobs.models import Job, JobStatus
from jobs.services import jobs_sweep

pytestmark = [pytest.mark.redis, pytest.mark.postgres]
ROOT = Path(settings.BASE_DIR)
WAITING = "Queued; it will start when the job service is back."


def wait_for(condition, seconds: float = 90.0, step: float = 0.05):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    return None


def free_port() -> int:
    # Parallel test workers (xdist) probe separate ranges, so two never pick the same port.
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")[2:]
    first = 6390 + 20 * int(worker or 0)
    for port in range(first, first + 20):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError("no free port for a Redis server")


class OwnRedis:
    """A Redis server of this test alone (never the shared one), without persistence: a
    restart loses every message, as a crashed broker without AOF would."""

    def __init__(self, folder: Path):
        self.port, self.folder = free_port(), folder
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        subprocess.run(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "yes",
                "--dir",
                str(self.folder),
                "--pidfile",
                str(self.folder / "redis.pid"),
                "--logfile",
                str(self.folder / "redis.log"),
            ],
            check=True,
        )
        assert wait_for(self.up, 20), "redis did not start"

    def up(self) -> bool:
        return (
            subprocess.run(["redis-cli", "-p", str(self.port), "ping"], capture_output=True).stdout.strip() == b"PONG"
        )

    def stop(self) -> None:
        subprocess.run(["redis-cli", "-p", str(self.port), "shutdown", "nosave"], capture_output=True)
        assert wait_for(lambda: not self.up(), 20), "redis did not stop"


class Worker:
    """`celery -A iob_portal worker` in its own process group, on the test's database."""

    def __init__(self, broker_url: str, folder: Path):
        db = connection.settings_dict
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "iob_portal.settings",
            "CELERY_BROKER_URL": broker_url,
            "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}",
            "IOB_VAR_DIR": str(folder),
            "IOB_JOB_HEARTBEAT_SECONDS": "1",
        }
        self.log = folder / "worker.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "iob_portal",
                "worker",
                "--pool=prefork",
                "--concurrency=1",
                "--without-gossip",
                "--without-mingle",
                "--loglevel=INFO",
            ],
            cwd=ROOT,
            env=self.env,
            start_new_session=True,
            stdout=self.log.open("ab"),
            stderr=subprocess.STDOUT,
        )

    def kill(self) -> None:
        """SIGKILL to the worker and its pool child: no cleanup, no acknowledgement."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)
        self.process = None

    def stop(self) -> None:
        if self.process is not None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process = None


@pytest.fixture
def faults(transactional_db, tmp_path, settings):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: the worker process must see the test's database")
    if shutil.which("redis-server") is None:
        pytest.skip("needs redis-server")
    settings.IOB_JOB_STALE_SECONDS = 5
    settings.IOB_JOB_PICKUP_SECONDS = 5
    settings.IOB_JOB_DISPATCH_GRACE_SECONDS = 0
    redis = OwnRedis(tmp_path)
    keys = (
        "broker_url",
        "broker_read_url",
        "broker_write_url",
        "broker_transport",
        "broker_transport_options",
        "task_always_eager",
    )
    saved = {k: app.conf[k] for k in keys}
    app.conf.update(
        broker_url=redis.url,
        broker_read_url=redis.url,
        broker_write_url=redis.url,
        broker_transport=None,
        task_always_eager=False,
        broker_transport_options={"socket_connect_timeout": 2, "socket_timeout": 5, "visibility_timeout": 60 * 35},
    )
    app._pool, app.amqp._producer_pool = None, None  # no producer of an earlier broker
    worker = Worker(redis.url, tmp_path)
    yield redis, worker
    worker.stop()
    redis.stop() if redis.up() else None
    app.conf.update(saved)
    app._pool, app.amqp._producer_pool = None, None
    if worker.log.exists():
        print(worker.log.read_text()[-4000:])


@pytest.fixture
def api_client_for(users):
    from rest_framework.test import APIClient

    def make(username: str) -> APIClient:
        client = APIClient()
        client.force_authenticate(users[username])
        return client

    return make


def worker_var_dir(worker: Worker) -> Path:
    return Path(worker.env["IOB_VAR_DIR"])


def job(pk: int) -> Job:
    return Job.objects.get(pk=pk)


def test_a_report_asked_while_the_broker_is_down_waits_then_runs_once(faults, users, api_client_for):
    redis, worker = faults
    from monitoring.demo import demo_period, monitoring_demo_records_generate
    from reports.models import BiasReport, ReportStatus

    monitoring_demo_records_generate(n=2_000, seed=1, actor=users["admin"])
    start, end = demo_period()
    # The broker is down: the request is accepted (202), never a 500, and says so.
    client = api_client_for("dpo")
    response = client.post(
        "/api/reports/", {"from": str(start), "to": str(end)}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 202, response.content
    report = BiasReport.objects.get()
    queued = job(report.job_id)
    assert queued.status == JobStatus.QUEUED and queued.dispatched_at is None and queued.message == WAITING
    assert client.get(f"/api/jobs/{queued.public_id}/").json()["message"] == WAITING
    assert jobs_sweep().resent == 0  # still down: nothing sent, nothing lost
    assert job(queued.pk).status == JobStatus.QUEUED

    # The broker comes back; the sweep (Celery beat) sends the job, a worker runs it once.
    redis.start()
    assert jobs_sweep().resent == 1
    worker.start()
    assert wait_for(lambda: job(queued.pk).status == JobStatus.SUCCEEDED, 180)
    assert BiasReport.objects.get().status == ReportStatus.GENERATED
    done = job(queued.pk)
    assert done.status == JobStatus.SUCCEEDED and done.attempts == 1
    assert report.artifacts.count() == 4
    assert AuditEvent.objects.filter(event_type="report.generated").count() == 1


def test_a_message_lost_with_the_broker_is_sent_again(faults, users):
    redis, worker = faults
    from monitoring.services import monitoring_upload_start
    from tests.monitoring.conftest import csv_bytes, records

    redis.start()
    run = monitoring_upload_start(
        actor=users["policy_officer"], upload=SimpleUploadedFile("batch.csv", csv_bytes(records(50)))
    )
    sent = Job.objects.get(public_id=run.job_id)
    assert sent.dispatched_at is not None
    # Redis restarts without persistence before any worker took the message: it is gone.
    redis.stop()
    redis.start()
    time.sleep(5.5)
    assert jobs_sweep().resent == 1
    worker.start()
    assert wait_for(lambda: job(sent.pk).status == JobStatus.SUCCEEDED, 120)
    run.refresh_from_db()
    assert run.status == "imported" and run.inserted_count == 50


def test_a_worker_killed_mid_report_is_detected_and_the_report_made_once(faults, users, api_client_for):
    redis, worker = faults
    from monitoring.demo import demo_period, monitoring_demo_records_generate
    from reports.models import BiasReport, ReportStatus

    monitoring_demo_records_generate(n=40_000, seed=3, actor=users["admin"])
    start, end = demo_period()
    redis.start()
    worker.start()
    response = api_client_for("dpo").post("/api/reports/", {"from": str(start), "to": str(end)}, format="json")
    assert response.status_code == 202
    report = BiasReport.objects.get()
    assert wait_for(
        lambda: job(report.job_id).status == JobStatus.RUNNING and job(report.job_id).progress >= 5, 120, step=0.02
    )
    worker.kill()
    killed = job(report.job_id)
    assert BiasReport.objects.get().status == ReportStatus.PENDING, "the report finished before the kill"
    assert killed.status == JobStatus.RUNNING and report.artifacts.count() == 0  # nothing half-written

    # The heartbeat stops; the sweep sees it and puts the job back, saying so.
    assert jobs_sweep().restarted == 0  # not yet stale
    time.sleep(6)
    old_token = str(killed.dispatch_token)
    with override("en"):
        assert jobs_sweep().restarted == 1
    waiting = job(report.job_id)
    assert waiting.status == JobStatus.QUEUED and "starts again" in waiting.message
    worker.start()
    assert wait_for(lambda: job(report.job_id).status == JobStatus.SUCCEEDED, 240)
    assert BiasReport.objects.get().status == ReportStatus.GENERATED
    done = job(report.job_id)
    assert done.status == JobStatus.SUCCEEDED and done.attempts == 2
    assert report.artifacts.count() == 4
    assert AuditEvent.objects.filter(event_type="report.generated").count() == 1
    assert AuditEvent.objects.filter(event_type="job.restarted").count() == 1

    # The killed worker's message, delivered late (Redis's visibility timeout), does nothing.
    from reports.tasks import generate_report

    generate_report.apply_async(kwargs=done.task_kwargs, headers={"iob_job_token": old_token})
    time.sleep(3)
    assert job(done.pk).status == JobStatus.SUCCEEDED and job(done.pk).attempts == 2
    assert AuditEvent.objects.filter(event_type="report.generated").count() == 1


def test_a_worker_killed_mid_import_is_detected_and_the_file_imported_once(faults, users):
    redis, worker = faults
    from monitoring.models import ImportRun, MonitoringRecord
    from monitoring.services import monitoring_upload_start
    from tests.monitoring.conftest import csv_bytes, records

    rows = [dict(row, application_id=f"K-{i:06d}") for i, row in enumerate(records(1) * 30_000)]
    redis.start()
    worker.start()
    run = monitoring_upload_start(actor=users["policy_officer"], upload=SimpleUploadedFile("big.csv", csv_bytes(rows)))
    import_job = Job.objects.get(public_id=run.job_id)
    assert wait_for(
        lambda: job(import_job.pk).status == JobStatus.RUNNING and job(import_job.pk).progress > 0, 120, step=0.02
    )
    worker.kill()
    assert ImportRun.objects.get(pk=run.pk).status not in ("imported", "rejected"), "finished before the kill"
    assert MonitoringRecord.objects.count() == 0  # all or nothing: nothing half-written
    time.sleep(6)
    assert jobs_sweep().restarted == 1
    worker.start()
    assert wait_for(lambda: job(import_job.pk).status == JobStatus.SUCCEEDED, 240)
    run.refresh_from_db()
    assert run.status == "imported" and run.inserted_count == 30_000
    assert MonitoringRecord.objects.count() == 30_000
    assert AuditEvent.objects.filter(event_type="monitoring.imported").count() == 1


# Big enough that the run is still going when the worker is killed (the kill comes as
# soon as the job reports 5 %, while it reads the records): measured on the shared
# 2-core machine (load average about 10), the re-run of 300,000 records took 77 s, most
# of it proposing the generated profiles; a quiet machine still needs several seconds.
GENERATION_RECORDS = 300_000


def test_a_worker_killed_mid_generation_is_detected_and_the_run_made_once(faults, users, api_client_for):
    """A monthly generation run is a Celery job like a report: killed mid-run, the sweep
    starts it again from a clean state; one run, one set of generated profiles, and the
    run's answer says where the job stands throughout."""
    redis, worker = faults
    from generation.demo import DEMO_VALUES
    from generation.models import GenerationRun, RunCandidate, RunStatus
    from generation.services import parameter_set_create, parameter_set_transition
    from generation.tasks import execute_run
    from monitoring.demo import monitoring_demo_records_generate
    from profiles.models import Profile

    monitoring_demo_records_generate(n=GENERATION_RECORDS, seed=5, actor=users["admin"])
    ps = parameter_set_create(actor=users["policy_officer"], name="Standaard", **DEMO_VALUES)
    ps = parameter_set_transition(actor=users["policy_officer"], parameter_set=ps, action="submit")
    parameter_set_transition(actor=users["reviewer"], parameter_set=ps, action="approve", comment="ok")
    redis.start()
    worker.start()
    client = api_client_for("policy_officer")
    response = client.post("/api/generation-runs/", {}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 202, response.content
    run = GenerationRun.objects.get()
    run_url = f"/api/generation-runs/{run.public_id}/"
    assert wait_for(
        lambda: job(run.job_id).status == JobStatus.RUNNING and job(run.job_id).progress >= 5, 120, step=0.02
    )
    worker.kill()
    killed = job(run.job_id)
    assert GenerationRun.objects.get().status == RunStatus.RUNNING, "the run finished before the kill"
    # Nothing half-written: the profiles and candidates are stored in one transaction.
    assert Profile.objects.filter(generation_run_id=run.public_id).count() == 0
    assert RunCandidate.objects.filter(run=run).count() == 0
    shown = client.get(run_url).json()
    assert (shown["status"], shown["job"]["status"]) == ("running", "running")

    # The heartbeat stops; the sweep sees it and puts the job back, saying so.
    assert jobs_sweep().restarted == 0  # not yet stale
    time.sleep(6)
    old_token = str(killed.dispatch_token)
    with override("en"):
        assert jobs_sweep().restarted == 1
    waiting = job(run.job_id)
    assert waiting.status == JobStatus.QUEUED and "starts again" in waiting.message
    shown = client.get(run_url).json()
    assert shown["job"]["status"] == "queued" and shown["job"]["progress"] == 0
    job_page = client.get(f"/api/jobs/{waiting.public_id}/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert "starts again" in job_page["message"]
    # Asking for the month again while it waits gives the same run, not a second one.
    again = client.post("/api/generation-runs/", {}, format="json")
    assert again.status_code == 202 and again.json()["id"] == str(run.public_id)

    worker.start()
    assert wait_for(lambda: job(run.job_id).status == JobStatus.SUCCEEDED, 240)
    done_run = GenerationRun.objects.get()
    assert done_run.status == RunStatus.COMPLETED and done_run.n_records > 0
    print(f"generation re-run: {done_run.n_records} records in {done_run.duration_ms} ms, counts {done_run.counts}")
    done = job(run.job_id)
    assert done.status == JobStatus.SUCCEEDED and done.attempts == 2
    generated = Profile.objects.filter(generation_run_id=run.public_id)
    proposed = RunCandidate.objects.filter(run=run, outcome="proposed")
    assert generated.count() == proposed.count() == done_run.counts["chance"] + done_run.counts["risk"] > 0
    assert generated.values("code").distinct().count() == generated.count()  # no profile twice
    assert Profile.objects.filter(origin="generated").count() == generated.count()
    assert AuditEvent.objects.filter(event_type="generation_run.completed").count() == 1
    assert AuditEvent.objects.filter(event_type="job.restarted").count() == 1
    assert client.get(run_url).json()["job"]["status"] == "succeeded"
    # The killed worker's export of the records (personal data) did not stay on disk.
    assert not list((worker_var_dir(worker) / "generation-scratch").glob("*.csv"))

    # The killed worker's message, delivered late (Redis's visibility timeout), does nothing.
    execute_run.apply_async(kwargs=done.task_kwargs, headers={"iob_job_token": old_token})
    time.sleep(3)
    assert job(done.pk).status == JobStatus.SUCCEEDED and job(done.pk).attempts == 2
    assert Profile.objects.filter(origin="generated").count() == generated.count()
    assert AuditEvent.objects.filter(event_type="generation_run.completed").count() == 1
