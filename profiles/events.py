"""Audit events of profiles and catalogues: one function per event type."""

from typing import Any

from audit.services import audit_event_record


def _snapshot(profile) -> dict[str, Any]:
    return {
        "code": profile.code,
        "version": profile.version,
        "kind": profile.kind,
        "title": profile.title,
        "status": profile.status,
        "origin": profile.origin,
        "generation_run_id": str(profile.generation_run_id) if profile.generation_run_id else None,
        "valid_from": profile.valid_from,
        "valid_until": profile.valid_until,
        "criteria": [{"characteristic": c.characteristic, "values": list(c.values)} for c in profile.criteria.all()],
        "justification": profile.justification,
        "evidence": {
            "group_size": profile.evidence_group_size,
            "chain_hit_rate": profile.evidence_chain_hit_rate,
            "refusal_rate": profile.evidence_refusal_rate,
            "period_from": profile.evidence_period_from,
            "period_until": profile.evidence_period_until,
        },
    }


def profile_created(*, actor, profile) -> None:
    audit_event_record(event_type="profile.created", actor=actor, target=profile, data={"after": _snapshot(profile)})


def profile_updated(*, actor, profile, before: dict[str, Any]) -> None:
    audit_event_record(
        event_type="profile.updated", actor=actor, target=profile, data={"before": before, "after": _snapshot(profile)}
    )


def profile_version_created(*, actor, profile, previous, comment: str = "") -> None:
    audit_event_record(
        event_type="profile.version_created",
        actor=actor,
        target=profile,
        data={"previous_version": previous.version, "comment": comment, "after": _snapshot(profile)},
    )


def profile_transitioned(*, actor, profile, action: str, from_status: str, to_status: str, comment: str) -> None:
    audit_event_record(
        event_type=f"profile.{action}",
        actor=actor,
        target=profile,
        data={"from": from_status, "to": to_status, "comment": comment},
    )


def profile_taken_over(*, actor, profile, previous_owner, reason: str) -> None:
    """Both owners by name: a username stays readable after the account is gone."""
    audit_event_record(
        event_type="profile.taken_over",
        actor=actor,
        target=profile,
        data={
            "previous_owner": previous_owner.get_username() if previous_owner else None,
            "owner": profile.owner.get_username(),
            "reason": reason,
            "status": profile.status,
        },
    )


def profile_commented(*, actor, profile, comment) -> None:
    audit_event_record(
        event_type="profile.commented",
        actor=actor,
        target=profile,
        data={"comment": comment.text, "status": profile.status},
    )


def profile_refused(*, actor, action: str, codes: list[str], target=None, detail: dict[str, Any] | None = None) -> None:
    """A refused attempt. A banned characteristic is logged under its own event type."""
    event_type = "profile.banned_characteristic_refused" if "banned_characteristic" in codes else "profile.refused"
    audit_event_record(
        event_type=event_type,
        actor=actor,
        target=target,
        target_type="" if target is not None else "profiles.profile",
        data={"action": action, "codes": codes, **(detail or {})},
    )


def catalogue_code_added(*, actor, code) -> None:
    audit_event_record(
        event_type="catalogue.code_added",
        actor=actor,
        target=code,
        data={
            "characteristic": code.characteristic,
            "code": code.code,
            "label_nl": code.label_nl,
            "label_en": code.label_en,
        },
    )


def catalogue_code_retired(*, actor, code, reason: str) -> None:
    audit_event_record(
        event_type="catalogue.code_retired",
        actor=actor,
        target=code,
        data={"characteristic": code.characteristic, "code": code.code, "reason": reason},
    )


def catalogue_code_refused(*, actor, characteristic: str, code: str, codes: list[str]) -> None:
    event_type = "catalogue.banned_code_refused" if "banned_characteristic" in codes else "catalogue.code_refused"
    audit_event_record(
        event_type=event_type,
        actor=actor,
        target_type="profiles.cataloguecode",
        target_label=f"{characteristic}={code}"[:200],
        data={"characteristic": characteristic, "code": code, "codes": codes},
    )


def catalogue_synced(*, created: int) -> None:
    audit_event_record(event_type="catalogue.synced", target_type="profiles.cataloguecode", data={"created": created})
