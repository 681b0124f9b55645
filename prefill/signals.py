"""The audit trail tells prefill when a source changed.

Every change of state writes an audit event in its transaction. When an event's type
matches a pattern some prefill code watches (`profile.approve`, `report.sign_off`, …),
a staleness check is queued for after the commit: once per transaction and event type,
so a daily refresh that activates a thousand profiles checks once. The check runs as a
Celery task; it only marks answers, never rewrites them.
"""

import fnmatch
import logging
import threading

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from audit.models import AuditEvent

from . import registry

_local = threading.local()
logger = logging.getLogger(__name__)


def _flush() -> None:
    pending: set[str] = getattr(_local, "pending", set())
    _local.pending = set()
    from .services import prefill_staleness_check
    from .tasks import check_staleness

    for event_type in sorted(pending):
        try:
            check_staleness.delay(event_type=event_type)
        except Exception:  # the broker is down: never fail the change that was just committed
            # The check only marks answers for re-review and is cheap: run it here rather
            # than lose it.
            logger.warning("job service unavailable; staleness check for %s runs in the request", event_type)
            prefill_staleness_check(event_type=event_type)


@receiver(post_save, sender=AuditEvent, dispatch_uid="prefill_watch_audit")
def watch_audit(sender, instance: AuditEvent, created: bool, **kwargs) -> None:
    if not created or instance.event_type.startswith("prefill."):
        return
    if not any(fnmatch.fnmatchcase(instance.event_type, p) for p in registry.all_watch_patterns()):
        return
    pending = getattr(_local, "pending", None)
    if pending is None:
        pending = _local.pending = set()
    pending.add(instance.event_type)
    # One callback per event; the first to run takes everything pending, the rest find
    # nothing. (A rolled-back transaction drops its callbacks; the next commit flushes.)
    transaction.on_commit(_flush)
