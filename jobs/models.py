"""Background job records: what runs in Celery, how far it is, and how it ended."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


class Job(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=64)
    status = models.CharField(max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    message = models.CharField(max_length=300, blank=True)
    # What the job works on and what it produced (ids, counts, URLs): never large blobs.
    params = models.JSONField(default=dict, blank=True)
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # How to send the job (again): the Celery task's name and its keyword arguments (ids).
    task_name = models.CharField(max_length=200, blank=True)
    task_kwargs = models.JSONField(default=dict, blank=True)
    # The token of the one message that may run the job; older copies of the message
    # (a redelivery, a re-send by the sweep) find another token and do nothing.
    dispatch_token = models.UUIDField(null=True, blank=True)
    # When the broker accepted the current message; empty while the broker is unreachable.
    dispatched_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=JobStatus.values), name="job_status_valid"),
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="job_progress_le_100"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.public_id} ({self.status})"

    @property
    def waiting_for_broker(self) -> bool:
        return self.status == JobStatus.QUEUED and bool(self.task_name) and self.dispatched_at is None

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.SUCCEEDED, JobStatus.FAILED)


class JobHeartbeat(models.Model):
    """The worker running a job says every few seconds that it is alive. Its own row, so
    that a beat never waits for a lock the job's work holds on the job row."""

    job = models.OneToOneField(Job, on_delete=models.CASCADE, primary_key=True, related_name="heartbeat")
    token = models.UUIDField()
    worker = models.CharField(max_length=200, blank=True)
    beat_at = models.DateTimeField()

    class Meta:
        ordering = ["-beat_at"]

    def __str__(self) -> str:
        return f"{self.job_id} at {self.beat_at:%H:%M:%S}"
