"""The hash of an audit event: one canonical serialisation, used to write and verify."""

import hashlib
import json
from typing import Any

GENESIS_HASH = "0" * 64


def event_hash(*, seq: int, prev_hash: str, created_at: str, actor_username: str, event_type: str,
               target_type: str, target_id: str, target_label: str, data: Any) -> str:
    payload = json.dumps(
        [seq, prev_hash, created_at, actor_username, event_type, target_type, target_id, target_label, data],
        sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()
