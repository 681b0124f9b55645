"""The advice doors' entry point: one application object or a list of them, checked and
advised. Advice changes no state, but a request that names a special category of
personal data is refused and written to the audit trail, as in every other door."""

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.actors import actor_require
from accounts.roles import REQUEST_ADVICE
from problems import DomainError, Problem

from . import events
from .cache import advice_state
from .engine import AdviceResult, Application, reason_texts
from .selectors import advice_for_applications

MAX_BATCH = 10_000


@contextmanager
def banned_refusals_recorded(*, actor: Any, door: str) -> Iterator[None]:
    """Advice writes nothing, so unlike `audit.refusals.audited_refusal` there is no work to
    roll back and no transaction is opened around it (on SQLite that would take the write
    lock for a whole file). A refusal that names a banned category is written in a
    transaction of its own; an ordinary typo in an advice request is not an event."""
    try:
        yield
    except DomainError as error:
        fields = sorted({str(p.field or "") for p in error.problems if p.code == "banned_characteristic"})
        if fields:
            with transaction.atomic():
                events.banned_characteristic_refused(actor=actor, door=door, codes=error.codes, fields=fields)
        raise


@contextmanager
def _cycle_collection_paused() -> Iterator[None]:
    """A batch builds tens of thousands of small dicts and lists and no reference cycles;
    the cyclic collector would walk them again and again (a third of the time) for nothing."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def advice_request(*, actor: Any, data: Any, door: str = "api") -> dict[str, Any] | list[dict[str, Any]]:
    """One application object or a list of them, in; the advice per application (echoing
    its id and day, and naming any active profile the engine refused to use), out.
    Raises DomainError listing every problem."""
    actor_require(actor, REQUEST_ADVICE)
    with banned_refusals_recorded(actor=actor, door=door), _cycle_collection_paused():
        return _advice_request(data)


def _advice_request(data: Any) -> dict[str, Any] | list[dict[str, Any]]:
    state = advice_state()
    single = isinstance(data, dict)
    items = [data] if single else data
    if not isinstance(items, list) or not items:
        raise DomainError.single("invalid", _("Send one application object or a non-empty list of them."))
    if len(items) > MAX_BATCH:
        raise DomainError.single(
            "too_many_records",
            _("A batch holds at most %(max)s records; send larger sets as a file.") % {"max": MAX_BATCH},
        )
    today = timezone.localdate()
    parsed: list[Application] = []
    problems: list[Problem] = []
    for i, raw in enumerate(items):
        application, found = state.parser.parse(raw, where="" if single else str(i), today=today)
        if found:
            problems.extend(found)
        elif application is not None:
            parsed.append(application)
    if problems:
        raise DomainError(problems)
    texts = reason_texts()
    refused = [r.as_dict() for r in state.refused]
    shown: dict[AdviceResult, dict[str, Any]] = {}  # the same advice is worded once per request
    out = []
    for application, result in zip(
        parsed, advice_for_applications(applications=parsed, index=state.index), strict=True
    ):
        words = shown.get(result)
        if words is None:
            words = shown[result] = {**result.as_dict(texts), "refused_profiles": refused}
        out.append(
            {
                "application_id": application.application_id or None,
                "lodged_on": application.lodged_on.isoformat(),
                **words,
            }
        )
    return out[0] if single else out
