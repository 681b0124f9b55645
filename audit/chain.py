"""The hash of an audit event: one canonical serialisation, used to write and verify.

Events are chained with a keyed hash (HMAC-SHA256). The key (`IOB_AUDIT_KEY`) lives in
the environment, never in the database, so someone who can write the database (even a
superuser who drops the append-only trigger) cannot recompute a valid chain after an
edit. Events written before the chain was keyed kept their plain SHA-256 hashes; the
keyed chain starts at the `audit.chain_keyed` event, whose keyed hash seals them.
"""

import hashlib
import hmac
import json
from typing import Any

from django.conf import settings

GENESIS_HASH = "0" * 64
KEYED_MARKER = "audit.chain_keyed"


def audit_key() -> bytes:
    """The chain's key: IOB_AUDIT_KEY, or in development one derived from SECRET_KEY
    (production refuses to start without IOB_AUDIT_KEY; see settings)."""
    configured = getattr(settings, "IOB_AUDIT_KEY", "")
    if configured:
        return configured.encode("utf-8")
    return hmac.new(settings.SECRET_KEY.encode("utf-8"), b"iob-audit-chain", hashlib.sha256).digest()


def _payload(
    seq: int,
    prev_hash: str,
    created_at: str,
    actor_username: str,
    event_type: str,
    target_type: str,
    target_id: str,
    target_label: str,
    data: Any,
) -> bytes:
    return json.dumps(
        [seq, prev_hash, created_at, actor_username, event_type, target_type, target_id, target_label, data],
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=str,
    ).encode("utf-8")


def event_hash(
    *,
    seq: int,
    prev_hash: str,
    created_at: str,
    actor_username: str,
    event_type: str,
    target_type: str,
    target_id: str,
    target_label: str,
    data: Any,
) -> str:
    """The unkeyed hash of events written before the chain was keyed (verification only)."""
    return hashlib.sha256(
        _payload(seq, prev_hash, created_at, actor_username, event_type, target_type, target_id, target_label, data)
    ).hexdigest()


def event_mac(
    *,
    seq: int,
    prev_hash: str,
    created_at: str,
    actor_username: str,
    event_type: str,
    target_type: str,
    target_id: str,
    target_label: str,
    data: Any,
    key: bytes | None = None,
) -> str:
    """The keyed hash of an event: what is written now."""
    return hmac.new(
        key or audit_key(),
        _payload(seq, prev_hash, created_at, actor_username, event_type, target_type, target_id, target_label, data),
        hashlib.sha256,
    ).hexdigest()


def checkpoint_mac(*, seq: int, hash: str, key: bytes | None = None) -> str:
    return hmac.new(key or audit_key(), f"checkpoint:{seq}:{hash}".encode(), hashlib.sha256).hexdigest()
