"""Audit events of monitoring data: one function per event type, called inside the
transaction of the change (or, for a refusal, of the run that records it)."""

from audit.services import audit_event_record


def _facts(run) -> dict:
    return {
        "import": str(run.public_id),
        "door": run.door,
        "filename": run.filename,
        "format": run.file_format,
        "sha256": run.sha256,
        "size_bytes": run.size_bytes,
        "row_count": run.row_count,
    }


def records_imported(*, actor, run) -> None:
    audit_event_record(
        event_type="monitoring.imported",
        actor=actor,
        target=run,
        data={
            **_facts(run),
            "inserted": run.inserted_count,
            "updated": run.updated_count,
            "unchanged": run.unchanged_count,
        },
    )


def import_rejected(*, actor, run, banned: list[str]) -> None:
    """A file refused whole. Naming a banned special category gets its own event type,
    as every refused attempt to use one does (docs/characteristics.md, rule 5)."""
    event_type = "monitoring.banned_characteristic_refused" if banned else "monitoring.import_rejected"
    audit_event_record(
        event_type=event_type,
        actor=actor,
        target=run,
        data={
            **_facts(run),
            "bad_rows": run.bad_row_count,
            "problems": run.problem_count,
            "codes": run.problem_codes,
            "banned": banned,
        },
    )
