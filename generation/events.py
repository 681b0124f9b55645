"""Audit events of profile generation: one function per event type."""

from typing import Any

from audit.services import audit_event_record


def _parameters(ps) -> dict[str, Any]:
    return {
        "name": ps.name,
        "version": ps.version,
        "status": ps.status,
        **ps.as_parameters(),
        "explanation": ps.explanation,
    }


def parameter_set_created(*, actor, parameter_set) -> None:
    audit_event_record(
        event_type="parameter_set.created",
        actor=actor,
        target=parameter_set,
        data={"after": _parameters(parameter_set)},
    )


def parameter_set_updated(*, actor, parameter_set, before: dict[str, Any]) -> None:
    audit_event_record(
        event_type="parameter_set.updated",
        actor=actor,
        target=parameter_set,
        data={"before": before, "after": _parameters(parameter_set)},
    )


def parameter_set_transitioned(
    *, actor, parameter_set, action: str, from_status: str, to_status: str, comment: str
) -> None:
    audit_event_record(
        event_type=f"parameter_set.{action}",
        actor=actor,
        target=parameter_set,
        data={"from": from_status, "to": to_status, "comment": comment},
    )


def parameter_set_refused(*, actor, action: str, codes: list[str], target=None) -> None:
    audit_event_record(
        event_type="parameter_set.refused",
        actor=actor,
        target=target,
        target_type="" if target is not None else "generation.parameterset",
        data={"action": action, "codes": codes},
    )


def run_requested(*, actor, run) -> None:
    audit_event_record(
        event_type="generation_run.requested",
        actor=actor,
        target=run,
        data={
            "parameter_set": str(run.parameter_set),
            "origin": run.origin,
            "window": [run.window_from, run.window_to],
            "valid": [run.valid_from, run.valid_until],
        },
    )


def run_completed(*, actor, run) -> None:
    audit_event_record(
        event_type="generation_run.completed",
        actor=actor,
        target=run,
        data={
            "n_records": run.n_records,
            "input_checksum": run.input_checksum,
            "counts": run.counts,
            "duration_ms": run.duration_ms,
        },
    )


def run_failed(*, actor, run, error: str) -> None:
    audit_event_record(event_type="generation_run.failed", actor=actor, target=run, data={"error": error[:2000]})


def run_refused(*, actor, action: str, codes: list[str], target=None) -> None:
    audit_event_record(
        event_type="generation_run.refused",
        actor=actor,
        target=target,
        target_type="" if target is not None else "generation.generationrun",
        data={"action": action, "codes": codes},
    )


def run_bulk_approved(*, actor, run, count: int, filters: dict[str, Any], comment: str) -> None:
    audit_event_record(
        event_type="generation_run.bulk_approved",
        actor=actor,
        target=run,
        data={"count": count, "filters": filters, "comment": comment},
    )
