"""The index in force: built from the active profiles, checked again, cached until they change.

The engine trusts nothing it did not check. Every active profile is validated again with
the one validator (`profiles.validation.criteria_check`: the seven characteristics, three
of seven, the mix, catalogue codes, proper subsets, the ban) when the index is built; a
profile that fails is left out of the index, logged, written to the audit trail (once per
process and version of the row) and named in every advice answer, the page and the
command, so that a database changed around the services and their triggers cannot
steer the advice unseen.

The index is rebuilt when the stamp of the active profiles, the criteria or the
catalogue changes (one small query per advice: a change through the services, or a
criterion added, removed or moved by SQL, is seen at once), and at least every
`MAX_AGE` seconds whatever the stamp says (a criterion's values rewritten in place by
SQL, which the cheap stamp cannot see, is seen within that time).
"""

import logging
import threading
import time
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from profiles.selectors import active_profiles_stamp, active_profiles_with_criteria, catalogue_index
from profiles.validation import criteria_check

from . import events
from .engine import AdviceIndex, IndexedProfile, ProfileHit
from .parsers import ApplicationParser

logger = logging.getLogger("advice")

MAX_AGE = 300.0


@dataclass(frozen=True)
class RefusedProfile:
    """An active profile the engine does not use, and why (problems as code and message)."""

    public_id: str
    code: str
    version: int
    kind: str
    problems: tuple[tuple[str, str], ...]

    @property
    def codes(self) -> list[str]:
        return sorted({code for code, _message in self.problems})

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "version": self.version, "kind": self.kind, "problems": self.codes}


@dataclass(frozen=True)
class AdviceState:
    index: AdviceIndex
    catalogue: dict[str, set[str]]
    parser: ApplicationParser
    refused: tuple[RefusedProfile, ...]


_lock = threading.Lock()
_cached: dict[str, Any] = {"stamp": None, "built": 0.0, "state": None}
_reported: set[tuple[Any, ...]] = set()  # refusals this process has already written to the audit trail


def advice_index_build(
    *, catalogue: dict[str, set[str]] | None = None
) -> tuple[AdviceIndex, tuple[RefusedProfile, ...]]:
    """Every active profile that passes the validator (whatever its window: the window is
    applied per day), and the ones that did not."""
    catalogue = catalogue if catalogue is not None else catalogue_index()
    indexed: list[IndexedProfile] = []
    refused: list[RefusedProfile] = []
    for profile in active_profiles_with_criteria():
        criteria = list(profile.criteria.all())
        raw = [
            {"characteristic": c.characteristic, "values": list(c.values) if isinstance(c.values, list) else c.values}
            for c in criteria
        ]
        _normalised, problems = criteria_check(raw, catalogue)
        if problems:
            found = tuple((p.code, str(p.message)) for p in problems)
            refused.append(
                RefusedProfile(
                    public_id=str(profile.public_id),
                    code=profile.code,
                    version=profile.version,
                    kind=profile.kind,
                    problems=found,
                )
            )
            _report(profile, found)
            continue
        indexed.append(
            IndexedProfile(
                hit=ProfileHit(profile.code, profile.version, profile.kind),
                valid_from=profile.valid_from,
                valid_until=profile.valid_until,
                criteria={c.characteristic: tuple(c.values) for c in criteria},
                title=profile.title,
            )
        )
    return AdviceIndex(indexed), tuple(refused)


def _report(profile: Any, problems: tuple[tuple[str, str], ...]) -> None:
    logger.error(
        "advice engine: active profile %s@%s fails validation and is not used: %s",
        profile.code,
        profile.version,
        "; ".join(f"{code}: {message}" for code, message in problems),
    )
    key = (profile.pk, profile.updated_at, problems)
    if key in _reported:
        return
    with transaction.atomic():
        events.profile_refused_by_engine(
            profile=profile, problems=[{"code": code, "message": message} for code, message in problems]
        )
    _reported.add(key)


def advice_state() -> AdviceState:
    """The index of the active profiles, the catalogue, a parser for it and the refused
    profiles; rebuilt when any of them changed."""
    stamp = active_profiles_stamp()
    now = time.monotonic()
    with _lock:
        if _cached["stamp"] == stamp and now - _cached["built"] < MAX_AGE:
            return _cached["state"]
    catalogue = catalogue_index()
    index, refused = advice_index_build(catalogue=catalogue)
    state = AdviceState(index=index, catalogue=catalogue, parser=ApplicationParser(catalogue), refused=refused)
    with _lock:
        _cached.update(stamp=stamp, built=now, state=state)
    return state


def advice_index_current() -> tuple[AdviceIndex, dict[str, set[str]]]:
    """The index of the active profiles and the catalogue, rebuilt when either changed."""
    state = advice_state()
    return state.index, state.catalogue
