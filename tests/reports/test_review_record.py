"""Signing off makes a record: the signed review record (PDF/A-3a, tagged), stored beside
the report's PDF, audited with its hash, never changed."""

import hashlib
import io

import pytest
from django.db import IntegrityError, connection, transaction
from pypdf import PdfReader

from audit.models import AuditEvent
from problems import DomainError
from reports.models import ReportStatus, ReviewRecord
from reports.selectors import report_view
from reports.services import report_finding_record, report_transition

from .test_outputs import flat, pages


def _decide_first(users, report, n: int = 2):
    findings = report_view(report=report)["findings"][:n]
    for i, f in enumerate(findings):
        report_finding_record(
            actor=users["dpo"],
            report=report,
            finding_id=f["id"],
            decision=("mitigate", "escalate")[i % 2],
            note=f"Decision note {i}.",
        )
    return findings


def test_sign_off_stores_and_audits_the_record(users, in_review):
    findings = _decide_first(users, in_review)
    report = report_transition(actor=users["dpo"], report=in_review, action="sign_off", comment="Seen.")
    record = ReviewRecord.objects.get(report=report)
    assert report.status == ReportStatus.SIGNED_OFF
    assert record.signed_by == users["dpo"] and record.signed_at == report.decided_at
    assert record.sha256 == hashlib.sha256(bytes(record.content)).hexdigest()
    assert (record.report_content_hash, record.report_pdf_sha256) == (report.content_hash, report.pdf_sha256)
    [event] = AuditEvent.objects.filter(event_type="report.review_record_made")
    assert event.data["sha256"] == record.sha256 and event.data["content_hash"] == report.content_hash
    assert sorted(event.data["findings"]) == sorted(
        [f["id"], d] for f, d in zip(findings, ("mitigate", "escalate"), strict=True)
    )


def test_a_refused_sign_off_makes_no_record(users, in_review):
    with pytest.raises(DomainError):
        report_transition(actor=users["reviewer"], report=in_review, action="sign_off")
    assert not ReviewRecord.objects.exists()


def test_the_record_is_never_changed_or_made_outside_the_sign_off(users, in_review):
    report_transition(actor=users["dpo"], report=in_review, action="sign_off")
    record = ReviewRecord.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE reports_reviewrecord SET sha256 = %s WHERE id = %s", ["0" * 64, record.pk])
    # A second record for a signed report: refused by the one-to-one key and by the guard.
    with pytest.raises(IntegrityError), transaction.atomic():
        ReviewRecord.objects.create(
            report=in_review,
            content=b"x",
            sha256="1" * 64,
            size=1,
            signed_by=users["dpo"],
            signed_at=record.signed_at,
            report_content_hash="2" * 64,
            report_pdf_sha256="3" * 64,
        )


def test_the_record_names_the_findings_decisions_signer_and_hashes(users, in_review, monkeypatch):
    from reports import record as record_module
    from reports import services

    # The real drawing (the fixture's stand-in is for workflow tests).
    monkeypatch.setattr(services, "review_record_pdf", record_module.review_record_pdf)
    findings = _decide_first(users, in_review)
    report = report_transition(actor=users["dpo"], report=in_review, action="sign_off")
    content = bytes(ReviewRecord.objects.get(report=report).content)
    text = flat(" ".join(pages(content)))
    for f in findings:
        assert flat(f["label"]["nl"]) in text and f["id"] in text
    assert "Beperken" in text and "Escaleren" in text and "Decision note 0." in text
    assert "dpo" in text and report.content_hash in text.replace(" ", "")
    assert "Geen beslissing vastgelegd" in text or len(findings) == len(report_view(report=report)["findings"])
    reader = PdfReader(io.BytesIO(content))
    xmp = reader.xmp_metadata.stream.get_data().decode()
    assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="A"' in xmp
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"] and root["/Lang"] == "nl"
    assert "review-decisions.json" in reader.attachments
