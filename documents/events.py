"""Audit events of document exports: one function per event type, in the transaction of
the change they describe."""

from typing import Any

from audit.services import audit_event_record


def _export(export) -> dict[str, Any]:
    return {
        "kind": export.kind,
        "format": export.format,
        "params": export.params,
        "job": str(export.job.public_id) if export.job_id else None,
    }


def export_requested(*, actor, export) -> None:
    audit_event_record(event_type="document.export_requested", actor=actor, target=export, data=_export(export))


def export_stored(*, actor, export) -> None:
    """The file's SHA-256 and size, so any copy handed on can be checked against the trail."""
    audit_event_record(
        event_type="document.exported",
        actor=actor,
        target=export,
        data={
            **_export(export),
            "subject": export.subject,
            "filename": export.filename,
            "sha256": export.sha256,
            "size": export.size,
        },
    )


def export_failed(*, actor, export, error: str) -> None:
    audit_event_record(
        event_type="document.export_failed", actor=actor, target=export, data={**_export(export), "error": error[:2000]}
    )


def export_refused(*, actor, kind: str, fmt: str, codes: list[str]) -> None:
    audit_event_record(
        event_type="document.export_refused",
        actor=actor,
        target_type="documents.documentexport",
        data={"kind": kind, "format": fmt, "codes": codes},
    )
