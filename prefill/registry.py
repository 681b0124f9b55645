"""Prefill codes → the function that computes a proposal from the live system.

A *proposal* is what the portal can say about a question or field, with its
*provenance*: the source objects (type, id, version, time) it was built from. Its
*fingerprint* hashes the sources only (never the wording), so a proposal is stale
exactly when a source it names has changed: a profile approved, a report signed, a
parameter set approved.

Codes are those of the assessments spec (PRF, CHR, BAN, GEN, ADV, WF, MON, BIAS, RET,
LEG, ROLE, …). Any app may register more (`register("SET", fn, watch=...)`) or prefix
resolvers for question keys (`register_prefix("dpia3.", fn)`): the register app and the
assessments app both do. `watch` lists audit event types (fnmatch patterns) after which
answers built on the code must be checked for staleness.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone


@dataclass(frozen=True)
class SourceRef:
    """One object a proposal was built from. `version` changes whenever the object's
    meaning changes (a version number, a content hash, a digest of a set)."""

    type: str
    id: str
    version: str
    label: str = ""
    at: str = ""  # when the source got this version (ISO 8601), if known

    def as_dict(self) -> dict[str, str]:
        return {"type": self.type, "id": self.id, "version": self.version, "label": self.label, "at": self.at}


@dataclass(frozen=True)
class Proposal:
    """A computed proposal: text to offer, an optional structured value, its sources."""

    codes: tuple[str, ...]
    text: str
    sources: tuple[SourceRef, ...] = ()
    value: Any = None
    computed_at: datetime = field(default_factory=timezone.now)

    @property
    def fingerprint(self) -> str:
        return sources_fingerprint(self.sources)

    def as_dict(self) -> dict[str, Any]:
        return {
            "codes": list(self.codes),
            "text": self.text,
            "value": self.value,
            "sources": [s.as_dict() for s in self.sources],
            "fingerprint": self.fingerprint,
            "computed_at": self.computed_at.isoformat(),
        }


def sources_fingerprint(sources: Iterable[SourceRef | dict[str, Any]]) -> str:
    """SHA-256 over the sources' (type, id, version), order-independent."""
    rows = sorted(
        (s["type"], s["id"], s["version"]) if isinstance(s, dict) else (s.type, s.id, s.version) for s in sources
    )
    return hashlib.sha256(json.dumps(rows, cls=DjangoJSONEncoder).encode()).hexdigest()


@dataclass(frozen=True)
class Part:
    """What one code contributes: a paragraph and its sources."""

    text: str
    sources: tuple[SourceRef, ...] = ()
    value: Any = None


SourceFn = Callable[[], Part]
PrefixFn = Callable[[str], Part | None]


@dataclass(frozen=True)
class Registered:
    code: str
    compute: SourceFn
    watch: tuple[str, ...]


_CODES: dict[str, Registered] = {}
_PREFIXES: dict[str, tuple[PrefixFn, tuple[str, ...]]] = {}


def register(code: str, compute: SourceFn, *, watch: Iterable[str] = ()) -> None:
    """Register (or replace) the function behind a prefill code."""
    _CODES[code] = Registered(code=code, compute=compute, watch=tuple(watch))


def source(code: str, *, watch: Iterable[str] = ()) -> Callable[[SourceFn], SourceFn]:
    """Decorator form of `register`."""

    def wrap(fn: SourceFn) -> SourceFn:
        register(code, fn, watch=watch)
        return fn

    return wrap


def register_prefix(prefix: str, resolve: PrefixFn, *, watch: Iterable[str] = ()) -> None:
    """Codes starting with `prefix` (question keys such as `dpia3.A05`) are resolved by `resolve`."""
    _PREFIXES[prefix] = (resolve, tuple(watch))


def known(code: str) -> bool:
    return code in _CODES or any(code.startswith(p) for p in _PREFIXES)


def codes_registered() -> list[str]:
    return sorted(_CODES)


def watched_by(code: str) -> tuple[str, ...]:
    if code in _CODES:
        return _CODES[code].watch
    for prefix, (_fn, watch) in _PREFIXES.items():
        if code.startswith(prefix):
            return watch
    return ()


def codes_watching(event_type: str, codes: Iterable[str]) -> set[str]:
    """Which of `codes` must be re-checked after an audit event of `event_type`."""
    return {c for c in codes if any(fnmatch.fnmatchcase(event_type, w) for w in watched_by(c))}


def all_watch_patterns() -> set[str]:
    patterns = {w for r in _CODES.values() for w in r.watch}
    patterns |= {w for _fn, watch in _PREFIXES.values() for w in watch}
    return patterns


def part_compute(code: str) -> Part | None:
    if code in _CODES:
        return _CODES[code].compute()
    for prefix, (resolve, _watch) in _PREFIXES.items():
        if code.startswith(prefix):
            return resolve(code)
    return None


def proposal_compute(codes: Iterable[str]) -> Proposal | None:
    """The proposal for a question or field with these prefill codes: the codes' parts in
    order (unknown codes and parts without text are left out), their sources merged.
    None when nothing could be proposed."""
    codes = tuple(codes)
    texts: list[str] = []
    sources: dict[tuple[str, str], SourceRef] = {}
    values: dict[str, Any] = {}
    for code in codes:
        part = part_compute(code)
        if part is None or not part.text.strip():
            continue
        texts.append(part.text.strip())
        for s in part.sources:
            sources[(s.type, s.id)] = s
        if part.value is not None:
            values[code] = part.value
    if not texts:
        return None
    return Proposal(codes=codes, text="\n\n".join(texts), sources=tuple(sources.values()), value=values or None)
