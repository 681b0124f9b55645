"""Writing audit events. The only writer of AuditEvent.

Domain apps call `audit_event_record` from their own `events.py` (one function per
event type), inside the transaction of the change they describe.
"""

from typing import Any

from django.db import models, transaction
from django.utils import timezone

from .chain import event_mac
from .models import AuditChainHead, AuditEvent


def _canonical(data: Any) -> Any:
    # Round-trip through the JSON field's encoding so that what is hashed is exactly
    # what is stored and read back (dates become strings, tuples lists).
    import json

    from django.core.serializers.json import DjangoJSONEncoder

    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def audit_event_record(
    *,
    event_type: str,
    actor: Any = None,
    target: models.Model | None = None,
    target_type: str = "",
    target_id: str = "",
    target_label: str = "",
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain. Must run inside the caller's transaction."""
    if target is not None:
        target_type = target_type or target._meta.label_lower
        target_id = target_id or str(getattr(target, "public_id", None) or target.pk)
        target_label = target_label or str(target)[:200]
    # A user, or a system actor (accounts.actors.SystemActor) that names itself.
    actor_user = actor if getattr(actor, "is_authenticated", False) is True else None
    actor_username = (
        actor_user.get_username()
        if actor_user
        else (getattr(actor, "audit_name", None) or (actor if isinstance(actor, str) else ""))
    )
    payload = _canonical(data or {})
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(singleton=True)
        created_at = timezone.now()
        seq = head.seq + 1
        digest = event_mac(
            seq=seq,
            prev_hash=head.hash,
            created_at=created_at.isoformat(),
            actor_username=actor_username,
            event_type=event_type,
            target_type=target_type,
            target_id=target_id,
            target_label=target_label,
            data=payload,
        )
        event = AuditEvent.objects.create(
            seq=seq,
            created_at=created_at,
            actor=actor_user,
            actor_username=actor_username,
            event_type=event_type,
            target_type=target_type,
            target_id=target_id,
            target_label=target_label,
            data=payload,
            prev_hash=head.hash,
            hash=digest,
        )
        AuditChainHead.objects.filter(pk=head.pk).update(seq=seq, hash=digest)
    return event


def audit_checkpoint_write() -> int:
    """Write a signed checkpoint of the chain's head outside the database (see checkpoints.py)."""
    from .checkpoints import checkpoint_append

    head = AuditChainHead.objects.filter(singleton=True).values("seq", "hash").first()
    if head is None or head["seq"] == 0:
        return 0
    checkpoint_append(seq=head["seq"], hash=head["hash"])
    return head["seq"]
