"""Audit events of the Algorithm Register entry: one function per event type, called in
the transaction of the change they describe."""

from typing import Any

from audit.services import audit_event_record


def _v(version) -> dict[str, Any]:
    return {
        "entry": str(version.entry.public_id),
        "version": version.number,
        "status": version.status,
        "content_hash": version.content_hash or None,
    }


def version_created(*, actor, version, based_on: int | None, prefilled: list[str]) -> None:
    audit_event_record(
        event_type="register.version_created",
        actor=actor,
        target=version,
        data={**_v(version), "based_on": based_on, "prefilled": prefilled},
    )


def version_updated(*, actor, version, changed: dict[str, dict[str, Any]]) -> None:
    audit_event_record(
        event_type="register.version_updated", actor=actor, target=version, data={**_v(version), "changed": changed}
    )


def version_prefilled(*, actor, version, keys: list[str], sources: dict[str, Any]) -> None:
    audit_event_record(
        event_type="register.prefilled",
        actor=actor,
        target=version,
        data={**_v(version), "fields": keys, "sources": sources},
    )


def version_transitioned(*, actor, version, action: str, from_status: str, comment: str) -> None:
    """Publishing names who and when: the actor and the event's time, with the content hash."""
    audit_event_record(
        event_type=f"register.{action}",
        actor=actor,
        target=version,
        data={
            **_v(version),
            "from": from_status,
            "to": version.status,
            "comment": comment,
            "approved_by": version.approved_by.get_username() if version.approved_by_id else None,
            "published_at": version.published_at if action == "publish" else None,
        },
    )


def version_refused(*, actor, action: str, codes: list[str], version=None) -> None:
    audit_event_record(
        event_type="register.refused",
        actor=actor,
        target=version,
        target_type="" if version is not None else "register.entryversion",
        data={"action": action, "codes": codes},
    )


def translation_approved(*, actor, translation) -> None:
    audit_event_record(
        event_type="register.translation_approved",
        actor=actor,
        target=translation.entry,
        data={
            "field": translation.field,
            "language": translation.language,
            "source_sha256": translation.source_sha256,
            "text": translation.text,
        },
    )


def version_delivered(*, actor, version, operation: str, answer: dict[str, Any]) -> None:
    audit_event_record(
        event_type="register.delivered",
        actor=actor,
        target=version,
        data={**_v(version), "operation": operation, "answer": answer},
    )
