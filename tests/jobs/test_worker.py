"""A real Celery worker runs the portal's tasks: over the filesystem transport (the
embedded default, no server) and over Redis (production; required in CI)."""

import os
import time
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.utils import timezone

from iob_portal.celery import app
from profiles.models import Profile, ProfileStatus
from profiles.services import profile_transition
from profiles.tasks import refresh_statuses


@pytest.fixture
def broker(request, tmp_path):
    """Point the Celery app at a real broker for one test, then restore it."""
    kind = request.param
    if kind == "redis":
        url = os.environ.get("CELERY_BROKER_URL", "")
        if not url.startswith("redis://"):
            pytest.skip("needs Redis: set CELERY_BROKER_URL=redis://...")
        options = {}
    else:
        url = "filesystem://"
        folder = tmp_path / "broker"
        (folder / "queue").mkdir(parents=True)
        (folder / "processed").mkdir()
        (folder / "control").mkdir()
        options = {
            "data_folder_in": str(folder / "queue"),
            "data_folder_out": str(folder / "queue"),
            "processed_folder": str(folder / "processed"),
            "control_folder": str(folder / "control"),
        }
    keys = ("broker_url", "broker_transport", "broker_transport_options", "task_always_eager")
    saved = {k: app.conf[k] for k in keys}
    transport = "iob_portal.broker:Transport" if kind == "filesystem" else None
    app.conf.update(
        broker_url=url, broker_transport=transport, broker_transport_options=options, task_always_eager=False
    )
    yield kind
    app.conf.update(saved)


def wait_for(condition, seconds=60.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.parametrize(
    "broker", [pytest.param("filesystem"), pytest.param("redis", marks=pytest.mark.redis)], indirect=True
)
def test_worker_activates_profiles_whose_window_started(broker, transactional_db, users, make_profile):
    start = timezone.localdate() + timedelta(days=1)
    profile = make_profile(window=(start, start + timedelta(days=20)))
    profile_transition(actor=users["policy_officer"], profile=profile, action="submit")
    profile_transition(actor=users["reviewer"], profile=profile, action="approve")
    # Make the window open now, as a new day would (the trigger allows no content edit
    # after approval, so move "today" instead: the task reads the date at run time).
    from unittest import mock

    with (
        mock.patch("django.utils.timezone.localdate", return_value=start),
        start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10),
    ):
        # An explicit connection: the app's cached producer pool may still point at the
        # broker of an earlier test in this process.
        with app.connection_for_write() as connection:
            refresh_statuses.apply_async(connection=connection)
        activated = wait_for(lambda: Profile.objects.get(pk=profile.pk).status == ProfileStatus.ACTIVE)
        assert activated, f"{broker}: status still {Profile.objects.get(pk=profile.pk).status}"


def test_the_daily_status_refresh_is_scheduled_and_editable(db):
    from django_celery_beat.models import PeriodicTask

    from iob_portal.schedules import schedules_sync

    task = PeriodicTask.objects.get(task="profiles.refresh_statuses")
    assert task.enabled and task.crontab.hour == "0"
    task.crontab.hour = "3"  # an administrator moves it
    task.crontab.save()
    assert schedules_sync() == 0
    assert PeriodicTask.objects.get(task="profiles.refresh_statuses").crontab.hour == "3"
