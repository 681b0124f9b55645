"""Audit events of DPIA and IAMA documents: one function per event type."""

from typing import Any

from audit.services import audit_event_record


def assessment_created(*, actor: Any, assessment: Any) -> None:
    audit_event_record(
        event_type="assessment.created",
        actor=actor,
        target=assessment,
        data={"kind": assessment.kind, "system": assessment.system},
    )


def version_created(*, actor: Any, version: Any, carry_over: dict[str, Any]) -> None:
    counts: dict[str, int] = {}
    for note in carry_over.values():
        counts[note["flag"]] = counts.get(note["flag"], 0) + 1
    audit_event_record(
        event_type="assessment.version_created",
        actor=actor,
        target=version,
        data={
            "number": version.number,
            "question_set": str(version.question_set),
            "previous": version.previous.number if version.previous_id else None,
            "carry_over": counts,
        },
    )


def section_saved(*, actor: Any, version: Any, section: str, changes: dict[str, Any]) -> None:
    audit_event_record(
        event_type="assessment.section_saved",
        actor=actor,
        target=version,
        data={"section": section, "changes": changes},
    )


def action_point_saved(*, actor: Any, version: Any, before: dict[str, Any] | None, after: dict[str, Any]) -> None:
    audit_event_record(
        event_type="assessment.action_point_saved", actor=actor, target=version, data={"before": before, "after": after}
    )


def action_point_deleted(*, actor: Any, version: Any, before: dict[str, Any]) -> None:
    audit_event_record(
        event_type="assessment.action_point_deleted", actor=actor, target=version, data={"before": before}
    )


def participant_saved(*, actor: Any, version: Any, after: dict[str, Any]) -> None:
    audit_event_record(event_type="assessment.participant_saved", actor=actor, target=version, data={"after": after})


def participant_deleted(*, actor: Any, version: Any, before: dict[str, Any]) -> None:
    audit_event_record(
        event_type="assessment.participant_deleted", actor=actor, target=version, data={"before": before}
    )


def version_transitioned(
    *,
    actor: Any,
    version: Any,
    action: str,
    from_status: str,
    to_status: str,
    comment: str,
    extra: dict[str, Any] | None = None,
) -> None:
    audit_event_record(
        event_type=f"assessment.{action}",
        actor=actor,
        target=version,
        data={"from": from_status, "to": to_status, "comment": comment, **(extra or {})},
    )


def assessment_refused(*, actor: Any, action: str, codes: list[str], target: Any = None) -> None:
    audit_event_record(
        event_type="assessment.refused",
        actor=actor,
        target=target,
        target_type="" if target is not None else "assessments.assessmentversion",
        data={"action": action, "codes": codes},
    )


def questionset_loaded(*, qs: Any) -> None:
    audit_event_record(
        event_type="assessment.questionset_loaded",
        target=qs,
        data={"prefix": qs.prefix, "version": qs.version, "sha256": qs.content_sha256},
    )
