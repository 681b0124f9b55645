"""Audit events of bias reports: one function per event type, called inside the
transaction of the change they describe."""

from typing import Any

from audit.services import audit_event_record


def _report(report) -> dict[str, Any]:
    return {
        "period": {"from": report.period_from, "to": report.period_to},
        "parameters": report.parameters,
        "origin": report.origin,
    }


def report_requested(*, actor, report) -> None:
    audit_event_record(
        event_type="report.requested",
        actor=actor,
        target=report,
        data={**_report(report), "job": str(report.job.public_id) if report.job_id else None},
    )


def report_generated(*, actor, report, hashes: dict[str, str]) -> None:
    """The content hash (SHA-256 of the report JSON, printed in every PDF footer) and the
    hash of each stored file, so any copy can be checked against the trail."""
    audit_event_record(
        event_type="report.generated",
        actor=actor,
        target=report,
        data={
            **_report(report),
            "content_hash": report.content_hash,
            "pdf_sha256": report.pdf_sha256,
            "files": hashes,
            "records": report.record_count,
            "decided": report.decided_count,
            "flags": report.flagged_count,
        },
    )


def report_failed(*, actor, report, error: str) -> None:
    audit_event_record(
        event_type="report.failed", actor=actor, target=report, data={**_report(report), "error": error[:2000]}
    )


def report_transitioned(*, actor, report, action: str, from_status: str, to_status: str, comment: str) -> None:
    audit_event_record(
        event_type=f"report.{action}",
        actor=actor,
        target=report,
        data={
            "from": from_status,
            "to": to_status,
            "comment": comment,
            "content_hash": report.content_hash,
            "pdf_sha256": report.pdf_sha256,
        },
    )


def review_record_made(*, actor, report, record) -> None:
    """The signed review record's hash, beside the hashes of the report it signs."""
    audit_event_record(
        event_type="report.review_record_made",
        actor=actor,
        target=report,
        data={
            "record": str(record.public_id),
            "sha256": record.sha256,
            "size": record.size,
            "signed_at": record.signed_at,
            "content_hash": record.report_content_hash,
            "pdf_sha256": record.report_pdf_sha256,
            "findings": list(report.findings.values_list("finding_id", "decision")),
        },
    )


def report_refused(*, actor, action: str, codes: list[str], report=None) -> None:
    audit_event_record(
        event_type="report.refused",
        actor=actor,
        target=report,
        target_type="" if report is not None else "reports.biasreport",
        data={"action": action, "codes": codes},
    )


def _finding(finding) -> dict[str, Any]:
    return {
        "finding": str(finding.public_id),
        "finding_id": finding.finding_id,
        "subject_type": finding.subject_type,
        "group": finding.group,
        "officer_id": finding.officer_id,
        "profile_code": finding.profile_code,
        "decision": finding.decision,
        "note": finding.note,
    }


def finding_recorded(*, actor, finding, follow_ups) -> None:
    audit_event_record(
        event_type="report.finding_recorded",
        actor=actor,
        target=finding.report,
        data={
            **_finding(finding),
            "follow_ups": [
                {"id": str(f.public_id), "kind": f.kind, "profile_code": f.profile_code, "note": f.note}
                for f in follow_ups
            ],
        },
    )


def finding_deleted(*, actor, finding) -> None:
    audit_event_record(event_type="report.finding_deleted", actor=actor, target=finding.report, data=_finding(finding))


def follow_up_resolved(*, actor, follow_up, outcome: str, comment: str, profile=None) -> None:
    audit_event_record(
        event_type=f"report.follow_up_{outcome}",
        actor=actor,
        target_type="reports.followupaction",
        target_id=str(follow_up.public_id),
        target_label=f"{follow_up.kind} {follow_up.profile_code}".strip(),
        data={
            "report": str(follow_up.finding.report.public_id),
            "finding": str(follow_up.finding.public_id),
            "kind": follow_up.kind,
            "profile_code": follow_up.profile_code,
            "comment": comment,
            "profile_version": profile.version if profile is not None else None,
        },
    )


def follow_up_refused(*, actor, follow_up, codes: list[str]) -> None:
    audit_event_record(
        event_type="report.follow_up_refused",
        actor=actor,
        target_type="reports.followupaction",
        target_id=str(follow_up.public_id),
        data={"codes": codes},
    )
