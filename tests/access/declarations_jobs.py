"""Who may follow a background job: its creator and readers of the audit trail; to anyone
else the job does not exist (404), so ids of other people's work are not confirmed."""

from .matrix import AUDIT_READERS, POLICY_OFFICER, access

CREATOR_OR_AUDIT_READERS = AUDIT_READERS | {POLICY_OFFICER}


def _job(w):
    return {"id": w.job.public_id}


ROUTES = [
    access("jobs:progress", kwargs=_job, denied_status=404, GET=CREATOR_OR_AUDIT_READERS),
    access("api-job-detail", kwargs=_job, denied_status=404, GET=CREATOR_OR_AUDIT_READERS),
]
