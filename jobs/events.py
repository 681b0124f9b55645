"""Audit events of background jobs: one function per event type."""

from audit.services import audit_event_record

SYSTEM = "system"


def job_restarted(*, job) -> None:
    audit_event_record(
        event_type="job.restarted",
        actor=SYSTEM,
        target=job,
        target_label=job.kind,
        data={"attempts": job.attempts, "reason": "worker_lost"},
    )


def job_abandoned(*, job) -> None:
    audit_event_record(
        event_type="job.abandoned",
        actor=SYSTEM,
        target=job,
        target_label=job.kind,
        data={"attempts": job.attempts, "reason": "worker_lost"},
    )
