"""Reading and verifying the audit trail."""

import hmac
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection, transaction
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


@contextmanager
def _snapshot() -> Iterator[None]:
    """One consistent view of the trail while others append to it.

    PostgreSQL: a REPEATABLE READ, read-only transaction. SQLite: a deferred read
    transaction (in WAL mode it reads one snapshot and blocks no writer). Inside a
    caller's transaction, that transaction's view is used as it is."""
    if connection.in_atomic_block:
        yield
        return
    if connection.vendor == "postgresql":
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield
        return
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("BEGIN DEFERRED")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("COMMIT")


def audit_chain_verify() -> ChainVerdict:
    """Walk the chain in sequence order and recompute every (keyed) hash, in one snapshot.

    An edited event fails its own hash, and without the key no one can make a new one;
    a deleted one leaves a gap in `seq` or a `prev_hash` that no longer matches; a
    reordered pair fails on `prev_hash`. The head row catches a deletion at the end of
    the chain, and the signed checkpoints outside the database catch a truncated table.
    """
    from .checkpoints import checkpoint_latest

    checkpoint = checkpoint_latest()
    with _snapshot():
        verdict, hash_at_checkpoint = _verify_rows(checkpoint_seq=checkpoint.seq if checkpoint else 0)
    if not verdict.intact:
        return verdict
    if checkpoint is not None:
        if not checkpoint.valid:
            return ChainVerdict(False, verdict.checked, None, _("a checkpoint outside the database is not genuine"))
        if checkpoint.seq > verdict.checked:
            return ChainVerdict(
                False,
                verdict.checked,
                verdict.checked + 1,
                _("events up to #%(seq)s were checkpointed but are missing (table truncated or cut short)")
                % {"seq": checkpoint.seq},
            )
        if hash_at_checkpoint != checkpoint.hash:
            return ChainVerdict(
                False, verdict.checked, checkpoint.seq, _("event does not match its checkpoint outside the database")
            )
    return verdict


def _verify_rows(*, checkpoint_seq: int) -> tuple[ChainVerdict, str | None]:
    from .chain import KEYED_MARKER, audit_key, event_mac

    key = audit_key()
    marker = AuditEvent.objects.filter(event_type=KEYED_MARKER).order_by("seq").values_list("seq", flat=True).first()
    keyed_from = marker or 1
    expected_prev = GENESIS_HASH
    expected_seq = 1
    checked = 0
    at_checkpoint: str | None = None
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
            ), at_checkpoint
        if prev_hash != expected_prev:
            return ChainVerdict(
                False, checked, seq, _("previous-hash link broken (event removed or reordered)")
            ), at_checkpoint
        content = dict(
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
        recomputed = event_mac(**content, key=key) if seq >= keyed_from else event_hash(**content)
        if not hmac.compare_digest(recomputed, stored_hash):
            return ChainVerdict(False, checked, seq, _("content does not match its hash (event edited)")), at_checkpoint
        if seq == checkpoint_seq:
            at_checkpoint = stored_hash
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
        ), at_checkpoint
    return ChainVerdict(True, checked), at_checkpoint


def audit_actor_ids(*, target_type: str, target_id: str, event_types: list[str]) -> set[int]:
    """Ids of the users who caused the given events on one target."""
    return set(
        AuditEvent.objects.filter(
            target_type=target_type, target_id=target_id, event_type__in=event_types, actor__isnull=False
        ).values_list("actor_id", flat=True)
    )
