"""Refused attempts stay on record: the one way services audit a refusal.

A service wraps its work in `audited_refusal(record)`. The work runs in a transaction;
when it raises a `DomainError`, that transaction is rolled back and `record(error)`
writes the refusal event afterwards, in a transaction of its own.

Nesting is the subtle part: when a service that refuses runs inside another service's
transaction (a follow-up that withdraws a profile), writing the event at the inner
level would put it inside the outer transaction, and the outer rollback would take it
away. So an inner scope only queues its record; the outermost scope writes every queued
record once its own transaction has ended, whether that committed or rolled back.

Known limit: a caller that opens a bare `transaction.atomic()` around the outermost
scope (not another audited service) owns that transaction; if it rolls back, so do the
records written inside it. Doors never do that.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.db import transaction

from problems import DomainError

_state = threading.local()


def _pending() -> list[tuple[Callable[[DomainError], None], DomainError]] | None:
    return getattr(_state, "pending", None)


@contextmanager
def audited_refusal(record: Callable[[DomainError], None]) -> Iterator[None]:
    """Run the block atomically; on a DomainError, roll it back and audit the refusal
    with `record(error)` after the outermost audited scope has finished."""
    outermost = _pending() is None
    if outermost:
        _state.pending = []
    try:
        try:
            with transaction.atomic():
                yield
        except DomainError as error:
            _state.pending.append((record, error))
            raise
    finally:
        if outermost:
            queued, _state.pending = _state.pending, None
            for write, refused in queued:
                with transaction.atomic():
                    write(refused)
