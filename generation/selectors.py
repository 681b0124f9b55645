"""Reads of profile generation: parameter sets, runs, and a run's review summary."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.db.models import QuerySet

from profiles.characteristics import Characteristic, normalise_code

from .models import (
    CandidateOutcome,
    GenerationRun,
    ParameterSet,
    ParameterSetTransition,
    RunCandidate,
    RunStatus,
)

CANDIDATE_FILTERS = ("kind", "change", "outcome", "characteristic", "value", "profile_status")


def parameter_set_list() -> QuerySet[ParameterSet]:
    return ParameterSet.objects.select_related("created_by", "approved_by").order_by("name", "-version")


def parameter_set_get(*, public_id) -> ParameterSet:
    return ParameterSet.objects.select_related("created_by", "submitted_by", "approved_by").get(public_id=public_id)


def parameter_set_transitions(*, parameter_set: ParameterSet) -> QuerySet[ParameterSetTransition]:
    return parameter_set.transitions.select_related("actor").all()


def run_list() -> QuerySet[GenerationRun]:
    return GenerationRun.objects.select_related("parameter_set", "created_by", "job").defer("outline")


def run_get(*, public_id) -> GenerationRun:
    return GenerationRun.objects.select_related("parameter_set", "created_by", "job").get(public_id=public_id)


def run_previous(*, run: GenerationRun) -> GenerationRun | None:
    """The completed run for the month before (last month's set, for comparison)."""
    return (
        GenerationRun.objects.filter(status=RunStatus.COMPLETED, valid_from__lt=run.valid_from)
        .defer("outline")
        .order_by("-valid_from", "-finished_at")
        .first()
    )


def run_candidates(*, run: GenerationRun, filters: dict[str, Any] | None = None) -> QuerySet[RunCandidate]:
    """A run's candidates, largest groups first, filtered by type, change, outcome,
    characteristic and value, and the status of the proposed profile."""
    filters = filters or {}
    qs = RunCandidate.objects.filter(run=run).select_related("profile", "previous_profile")
    outcome = filters.get("outcome") or ""
    if outcome in CandidateOutcome.values:
        qs = qs.filter(outcome=outcome)
    if filters.get("kind") in ("chance", "risk"):
        qs = qs.filter(kind=filters["kind"])
    if filters.get("change"):
        qs = qs.filter(change=filters["change"])
    if filters.get("profile_status"):
        qs = qs.filter(profile__status=filters["profile_status"])
    characteristic, value = filters.get("characteristic") or "", (filters.get("value") or "").strip()
    if characteristic in Characteristic.values:
        if value:
            qs = qs.filter(**{f"characteristics__{characteristic}": normalise_code(characteristic, value)})
        else:
            qs = qs.filter(characteristics__has_key=characteristic)
    return qs.order_by("-n", "id")


def _frequency(rows: list[dict[str, str]]) -> tuple[Counter, Counter]:
    by_characteristic: Counter = Counter()
    by_value: Counter = Counter()
    for characteristics in rows:
        for c, v in characteristics.items():
            by_characteristic[c] += 1
            by_value[(c, v)] += 1
    return by_characteristic, by_value


def run_summary(*, run: GenerationRun, top: int = 10) -> dict[str, Any]:
    """Summary first: counts by type and by change, how often each characteristic (and
    each nationality) appears in risk profiles against last month's run, the largest groups."""
    previous = run_previous(run=run)
    risk_now = list(
        RunCandidate.objects.filter(run=run, outcome=CandidateOutcome.PROPOSED, kind="risk").values_list(
            "characteristics", flat=True
        )
    )
    risk_before = (
        list(
            RunCandidate.objects.filter(run=previous, outcome=CandidateOutcome.PROPOSED, kind="risk").values_list(
                "characteristics", flat=True
            )
        )
        if previous
        else []
    )
    now_c, now_v = _frequency(risk_now)
    before_c, before_v = _frequency(risk_before)
    characteristics: list[dict[str, Any]] = [
        {"characteristic": c, "now": now_c[c], "before": before_c[c], "delta": now_c[c] - before_c[c]}
        for c in Characteristic.values
    ]
    characteristics.sort(key=lambda r: (r["characteristic"] != Characteristic.NATIONALITY, -r["now"]))
    nationalities = sorted(
        {v for (c, v) in [*now_v, *before_v] if c == Characteristic.NATIONALITY},
        key=lambda v: (-now_v[(Characteristic.NATIONALITY, v)], v),
    )
    return {
        "counts": run.counts,
        "previous": previous,
        "risk_by_characteristic": characteristics,
        "risk_by_nationality": [
            {
                "value": v,
                "now": now_v[(Characteristic.NATIONALITY, v)],
                "before": before_v[(Characteristic.NATIONALITY, v)],
                "delta": now_v[(Characteristic.NATIONALITY, v)] - before_v[(Characteristic.NATIONALITY, v)],
            }
            for v in nationalities
        ][: top * 2],
        "largest": list(
            RunCandidate.objects.filter(run=run, outcome=CandidateOutcome.PROPOSED)
            .select_related("profile")
            .order_by("-n", "id")[:top]
        ),
    }


def run_document_stored(*, run: GenerationRun) -> dict[str, Any]:
    """The stored run as iob-profile-run/1 (the API's and the command's JSON)."""

    def entry(c: RunCandidate) -> dict[str, Any]:
        out = {
            "type": c.kind,
            "depth": c.depth,
            "characteristics": c.characteristics,
            "n": c.n,
            "hit_rate": c.hit_rate,
            "refusal_rate": c.refusal_rate,
        }
        if c.profile is not None:
            out.update(
                profile={"code": c.profile.code, "version": c.profile.version, "status": c.profile.status},
                change=c.change,
            )
        return out

    rows = list(RunCandidate.objects.filter(run=run).select_related("profile"))
    return {
        "schema": "iob-profile-run/1",
        "run": str(run.public_id),
        "status": run.status,
        "parameter_set": {"name": run.parameter_set.name, "version": run.parameter_set.version},
        "parameters": run.parameters,
        "window": {"from": run.window_from.isoformat(), "to": run.window_to.isoformat()},
        "valid": {"from": run.valid_from.isoformat(), "until": run.valid_until.isoformat()},
        "n_records": run.n_records,
        "input_checksum": run.input_checksum,
        "counts": run.counts,
        "started_by": run.started_by_name,
        "created_at": run.created_at.isoformat(),
        "duration_ms": run.duration_ms,
        "profiles": [entry(c) for c in rows if c.outcome == CandidateOutcome.PROPOSED],
        "dropped": [
            {
                "characteristics": c.characteristics,
                "type": c.kind,
                "depth": c.depth,
                "n": c.n,
                "reason": "; ".join(r["en"] for r in c.reasons),
                "codes": [r["code"] for r in c.reasons],
            }
            for c in rows
            if c.outcome == CandidateOutcome.DROPPED
        ],
        "gone": [
            {
                "characteristics": c.characteristics,
                "type": c.kind,
                "profile": c.previous_profile.code if c.previous_profile is not None else None,
            }
            for c in rows
            if c.outcome == CandidateOutcome.GONE
        ],
    }
