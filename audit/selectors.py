"""Reading and verifying the audit trail."""

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from .chain import GENESIS_HASH, event_hash
from .models import AuditChainHead, AuditEvent


def audit_event_list(
    *, event_type: str = "", target_type: str = "", target_id: str = "", actor: str = "", text: str = ""
) -> QuerySet[AuditEvent]:
    qs = AuditEvent.objects.select_related("actor").order_by("-seq")
    if event_type:
        qs = qs.filter(event_type=event_type)
    if target_type:
        qs = qs.filter(target_type=target_type)
    if target_id:
        qs = qs.filter(target_id=target_id)
    if actor:
        qs = qs.filter(actor_username=actor)
    if text:
        qs = qs.filter(target_label__icontains=text)
    return qs


@dataclass(frozen=True)
class ChainVerdict:
    intact: bool
    checked: int
    first_bad_seq: int | None = None
    reason: str = ""


def audit_chain_verify() -> ChainVerdict:
    """Walk the chain in sequence order and recompute every hash.

    An edited event fails its own hash; a deleted one leaves a gap in `seq` or a
    `prev_hash` that no longer matches; a reordered pair fails on `prev_hash`. The head
    row catches a deletion at the end of the chain.
    """
    expected_prev = GENESIS_HASH
    expected_seq = 1
    checked = 0
    fields = (
        "seq",
        "prev_hash",
        "hash",
        "created_at",
        "actor_username",
        "event_type",
        "target_type",
        "target_id",
        "target_label",
        "data",
    )
    for row in AuditEvent.objects.order_by("seq").values_list(*fields).iterator(chunk_size=2000):
        seq, prev_hash, stored_hash, created_at, actor_username, event_type, target_type, target_id, label, data = row
        if seq != expected_seq:
            return ChainVerdict(
                False,
                checked,
                seq,
                _("sequence gap: expected #%(expected)s, found #%(found)s") % {"expected": expected_seq, "found": seq},
            )
        if prev_hash != expected_prev:
            return ChainVerdict(False, checked, seq, _("previous-hash link broken (event removed or reordered)"))
        recomputed = event_hash(
            seq=seq,
            prev_hash=prev_hash,
            created_at=created_at.isoformat(),
            actor_username=actor_username,
            event_type=event_type,
            target_type=target_type,
            target_id=target_id,
            target_label=label,
            data=data,
        )
        if recomputed != stored_hash:
            return ChainVerdict(False, checked, seq, _("content does not match its hash (event edited)"))
        expected_prev = stored_hash
        expected_seq += 1
        checked += 1
    head = AuditChainHead.objects.filter(singleton=True).first()
    if head is not None and (head.seq != checked or head.hash != expected_prev):
        return ChainVerdict(
            False,
            checked,
            checked + 1 if head.seq > checked else head.seq,
            _("chain head does not match the last event (events removed at the end)"),
        )
    return ChainVerdict(True, checked)


def audit_actor_ids(*, target_type: str, target_id: str, event_types: list[str]) -> set[int]:
    """Ids of the users who caused the given events on one target."""
    return set(
        AuditEvent.objects.filter(
            target_type=target_type, target_id=target_id, event_type__in=event_types, actor__isnull=False
        ).values_list("actor_id", flat=True)
    )
