"""Signed checkpoints of the chain's head, written outside the database.

An insider who truncates the audit table and its head row, or cuts events off the end
and winds the head back, leaves a chain that is consistent in itself. The checkpoints
(one line per checkpoint, `{"seq", "hash", "at", "mac"}`, MAC with the audit key) say
how far the chain reached; verification fails when the database has less. Put
IOB_AUDIT_CHECKPOINT_DIR on storage the database's administrators cannot write (another
host, a WORM bucket mounted read-append); Celery beat writes one every five minutes.
"""

import json
import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from .chain import checkpoint_mac

FILENAME = "audit-checkpoints.jsonl"


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    hash: str
    at: str
    valid: bool


def _path() -> Path | None:
    folder = getattr(settings, "IOB_AUDIT_CHECKPOINT_DIR", None)
    return Path(folder) / FILENAME if folder else None


def checkpoint_append(*, seq: int, hash: str) -> Checkpoint | None:
    path = _path()
    if path is None or seq == 0:
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    at = timezone.now().isoformat()
    line = json.dumps({"seq": seq, "hash": hash, "at": at, "mac": checkpoint_mac(seq=seq, hash=hash)})
    with path.open("a", encoding="utf-8") as out:
        out.write(line + "\n")
        out.flush()
        os.fsync(out.fileno())
    return Checkpoint(seq, hash, at, True)


def checkpoint_latest() -> Checkpoint | None:
    """The furthest checkpoint; `valid` is False when its MAC is wrong (forged file)."""
    path = _path()
    if path is None or not path.exists():
        return None
    best: Checkpoint | None = None
    for raw in path.read_text(encoding="utf-8").splitlines():
        try:
            row = json.loads(raw)
            seq, digest = int(row["seq"]), str(row["hash"])
            point = Checkpoint(
                seq, digest, str(row.get("at", "")), row.get("mac") == checkpoint_mac(seq=seq, hash=digest)
            )
        except (ValueError, KeyError, TypeError):
            return Checkpoint(0, "", "", False)
        if not point.valid:
            return point
        if best is None or point.seq > best.seq:
            best = point
    return best
