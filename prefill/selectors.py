"""Reads of prefill provenance, and the refresh diff."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from . import registry
from .models import PrefillProvenance


def provenance_for(*, target: models.Model) -> PrefillProvenance | None:
    ct = ContentType.objects.get_for_model(target)
    return PrefillProvenance.objects.filter(target_type=ct, target_id=str(target.pk)).first()


def provenance_for_many(*, model: type[models.Model], ids: Iterable[Any]) -> dict[str, PrefillProvenance]:
    """Provenance by target id (as a string) for a page of answers: one query."""
    ct = ContentType.objects.get_for_model(model)
    keys = [str(i) for i in ids]
    return {p.target_id: p for p in PrefillProvenance.objects.filter(target_type=ct, target_id__in=keys)}


@dataclass(frozen=True)
class Refresh:
    old: PrefillProvenance | None
    new: registry.Proposal | None
    diff: list[tuple[str, str]]  # (op, line): op is " ", "-" or "+"
    sources_added: list[dict[str, str]]
    sources_removed: list[dict[str, str]]

    @property
    def changed(self) -> bool:
        return any(op != " " for op, _ in self.diff) or bool(self.sources_added or self.sources_removed)


def text_diff(old: str, new: str) -> list[tuple[str, str]]:
    out = []
    for line in difflib.ndiff(old.splitlines(), new.splitlines()):
        if line.startswith("? "):
            continue
        out.append((line[0], line[2:]))
    return out


def prefill_refresh(*, codes: Iterable[str], target: models.Model | None = None) -> Refresh:
    """What "refresh" shows: the proposal as it would be now beside the one accepted.
    Computes, never stores: the author decides."""
    old = provenance_for(target=target) if target is not None and target.pk else None
    new = registry.proposal_compute(codes)
    old_sources = {(s["type"], s["id"], s["version"]): s for s in (old.sources if old else [])}
    new_sources = {(s.type, s.id, s.version): s.as_dict() for s in (new.sources if new else ())}
    return Refresh(
        old=old,
        new=new,
        diff=text_diff(old.proposal_text if old else "", new.text if new else ""),
        sources_added=[v for k, v in new_sources.items() if k not in old_sources],
        sources_removed=[v for k, v in old_sources.items() if k not in new_sources],
    )
