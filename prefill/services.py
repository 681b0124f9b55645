"""Writes of prefill provenance. Callers are the owning apps' services (an assessment
answer, a register field): they check the actor's rights and the target's state, and
call these inside their own transaction and audited-refusal scope."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from accounts.actors import SystemActor, actor_user

from . import events, registry
from .models import Disposition, PrefillProvenance

STALENESS_ACTOR = SystemActor("prefill-staleness")


def prefill_accept(
    *, actor: Any, target: models.Model, proposal: registry.Proposal | dict[str, Any], edited: bool
) -> PrefillProvenance:
    """Record that the answer `target` was built on `proposal` (accepted as is, or edited).
    Replaces any earlier provenance of the target and clears its staleness."""
    data = proposal.as_dict() if isinstance(proposal, registry.Proposal) else proposal
    fingerprint = registry.sources_fingerprint(data["sources"])
    ct = ContentType.objects.get_for_model(target)
    provenance, _created = PrefillProvenance.objects.update_or_create(
        target_type=ct,
        target_id=str(target.pk),
        defaults={
            "codes": list(data["codes"]),
            "proposal_text": data["text"],
            "value": data.get("value"),
            "sources": list(data["sources"]),
            "fingerprint": fingerprint,
            "computed_at": data["computed_at"],
            "disposition": Disposition.EDITED if edited else Disposition.ACCEPTED,
            "accepted_by": actor_user(actor),
            "accepted_at": timezone.now(),
            "stale_since": None,
            "stale_fingerprint": "",
            "stale_reason": "",
        },
    )
    events.prefill_accepted(actor=actor, provenance=provenance, target_label=str(target))
    return provenance


def prefill_mark_edited(*, target: models.Model) -> bool:
    """The author changed an accepted proposal: the answer still rests on its sources
    (and still becomes stale with them), but is no longer the proposal word for word."""
    ct = ContentType.objects.get_for_model(target)
    return bool(
        PrefillProvenance.objects.filter(target_type=ct, target_id=str(target.pk))
        .exclude(disposition=Disposition.EDITED)
        .update(disposition=Disposition.EDITED)
    )


def prefill_detach(*, target: models.Model) -> int:
    """The answer no longer rests on a proposal (the author wrote it anew)."""
    ct = ContentType.objects.get_for_model(target)
    deleted, _ = PrefillProvenance.objects.filter(target_type=ct, target_id=str(target.pk)).delete()
    return deleted


def prefill_copy(*, source: models.Model, target: models.Model) -> PrefillProvenance | None:
    """Carry provenance over with an answer copied into a new version (same sources,
    same staleness)."""
    ct = ContentType.objects.get_for_model(source)
    old = PrefillProvenance.objects.filter(target_type=ct, target_id=str(source.pk)).first()
    if old is None:
        return None
    old.pk = None
    old.target_type = ContentType.objects.get_for_model(target)
    old.target_id = str(target.pk)
    old.save(force_insert=True)
    return old


def prefill_staleness_check(*, event_type: str = "", actor: Any = STALENESS_ACTOR) -> int:
    """Compare every fresh provenance whose codes watch `event_type` (all, when empty)
    with the sources as they are now; mark the changed ones stale. Answers are left as
    they are. Returns how many were marked."""
    fresh = list(PrefillProvenance.objects.filter(stale_since__isnull=True).select_related("target_type"))
    by_codes: dict[tuple[str, ...], list[PrefillProvenance]] = {}
    for row in fresh:
        codes = tuple(row.codes)
        if event_type and not registry.codes_watching(event_type, codes):
            continue
        by_codes.setdefault(codes, []).append(row)
    now = timezone.now()
    marked: list[str] = []
    with transaction.atomic():
        for codes, rows in by_codes.items():
            current = registry.proposal_compute(codes)
            fingerprint = current.fingerprint if current else registry.sources_fingerprint([])
            for row in rows:
                if row.fingerprint == fingerprint:
                    continue
                if PrefillProvenance.objects.filter(pk=row.pk, stale_since__isnull=True).update(
                    stale_since=now, stale_fingerprint=fingerprint, stale_reason=(event_type or "check")[:100]
                ):
                    marked.append(f"{row.target_type.app_label}.{row.target_type.model}:{row.target_id}")
        if marked:
            events.prefill_marked_stale(actor=actor, reason=event_type or "check", targets=marked)
    return len(marked)
