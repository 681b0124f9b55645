"""Who may use the bias report pages and API (accounts/roles.py):

- readers of reports (reviewer, DPO, auditor, administrator) see lists, pages and files;
- the DPO and administrators start reports;
- only the DPO reviews: starts the review, records and removes findings, signs or returns
  (the review API lets readers through its door and the service answers 403, audited);
- reviewers act on the follow-ups of signed reports (withdraw the profile, or dismiss).
"""

import hashlib
from unittest import mock

from .matrix import DPO, PROFILE_REVIEWERS, REPORT_GENERATORS, REPORT_READERS, REPORT_REVIEWERS, access


def _pending(w):
    if not hasattr(w, "_report_pending"):
        from reports.services import report_request

        w._report_pending = report_request(
            actor=w.users["dpo"], period_from="2025-01-01", period_to="2025-01-31", enqueue=False
        )
    return w._report_pending


def _stand_in_pdf(*, report_id, view, content_hash, **kwargs):
    # The matrix tests access, not drawing: a real PDF would only cost seconds here.
    from documents.pdf import RenderedPdf

    content = f"%PDF-1.7 {report_id}".encode()
    return RenderedPdf(content=content, sha256=hashlib.sha256(content).hexdigest())


def _stand_in_record(*, report, **kwargs):
    from documents.pdf import RenderedPdf

    content = f"%PDF-1.7 review {report.public_id}".encode()
    return RenderedPdf(content=content, sha256=hashlib.sha256(content).hexdigest())


def _signed(w):
    """A signed report with one finding on the approved profile and its withdraw request."""
    if not hasattr(w, "_report_signed"):
        from monitoring.models import MonitoringRecord
        from reports.services import report_finding_record, report_generate, report_request, report_transition

        code = w.approved.code
        MonitoringRecord.objects.bulk_create(
            [
                MonitoringRecord(
                    application_id=f"MATRIX-{i}",
                    lodged_on="2025-01-10",
                    nationality="SYR",
                    age_group="25-34",
                    gender="M",
                    marital_status="single",
                    occupation="professionals",
                    travel_purpose="tourism",
                    application_location="SRPBM",
                    advice="intensive",
                    decision="refused" if i % 2 else "granted",
                    officer_id="O-1",
                    matched_profiles=f"{code}@1",
                )
                for i in range(12)
            ]
        )
        dpo = w.users["dpo"]
        report = report_request(actor=dpo, period_from="2025-01-01", period_to="2025-01-31", enqueue=False)
        with mock.patch("reports.services.pdf_document", _stand_in_pdf):
            report = report_generate(report_id=report.pk, job_id=report.job_id)
        report = report_transition(actor=dpo, report=report, action="start_review")
        finding = report_finding_record(
            actor=dpo,
            report=report,
            subject_type="profile",
            subject=code,
            decision="escalate",
            note="Matrix finding.",
            follow_ups=[{"kind": "withdraw_profile", "note": "Withdraw."}],
        )
        with mock.patch("reports.services.review_record_pdf", _stand_in_record):
            report_transition(actor=dpo, report=report, action="sign_off")
        w._report_signed = (report, finding, finding.follow_ups.get())
    return w._report_signed


def _report(w):
    return {"public_id": _pending(w).public_id}


def _api_report(w):
    return {"id": _pending(w).public_id}


START = {"period_from": "2025-01-01", "period_to": "2025-01-31"}
API_START = {"from": "2025-01-01", "to": "2025-01-31"}
FINDING = {"subject_type": "officer", "officer_id": "O-1", "decision": "accept", "note": "n"}

ROUTES = [
    access("reports:list", body=START, GET=REPORT_READERS, POST=REPORT_GENERATORS),
    access("reports:detail", kwargs=_report, GET=REPORT_READERS),
    access(
        "reports:file",
        kwargs=lambda w: {**_report(w), "kind": "pdf"},
        GET=REPORT_READERS,
        note="409 while the report is being computed: past the access check",
    ),
    access(
        "reports:tables",
        kwargs=_report,
        GET=REPORT_READERS,
        note="a report still being computed sends the reader back to its page (302)",
    ),
    access("reports:review_record", kwargs=lambda w: {"public_id": _signed(w)[0].public_id}, GET=REPORT_READERS),
    access("reports:review", kwargs=_report, body={"action": "start_review"}, POST=REPORT_REVIEWERS),
    access("reports:finding_create", kwargs=_report, body={"finding_id": "officer:O-1"}, POST=REPORT_REVIEWERS),
    access("reports:finding_delete", kwargs=lambda w: {"public_id": _signed(w)[1].public_id}, POST=REPORT_REVIEWERS),
    access("reports:follow_ups", GET=PROFILE_REVIEWERS),
    access(
        "reports:follow_up_resolve",
        kwargs=lambda w: {"public_id": _signed(w)[2].public_id},
        body={"action": "dismiss", "comment": "matrix"},
        POST=PROFILE_REVIEWERS,
    ),
    access("api-report-list", body=API_START, GET=REPORT_READERS, POST=REPORT_GENERATORS),
    access("api-report-detail", kwargs=_api_report, GET=REPORT_READERS),
    access("api-report-json", kwargs=_api_report, GET=REPORT_READERS),
    access("api-report-csv", kwargs=_api_report, GET=REPORT_READERS),
    access("api-report-pdf", kwargs=_api_report, GET=REPORT_READERS),
    # The door admits report readers; the service refuses all but the DPO with 403.
    access("api-report-start-review", kwargs=_api_report, body={}, POST={DPO}),
    access("api-report-sign-off", kwargs=_api_report, body={}, POST={DPO}),
    access("api-report-return", kwargs=_api_report, body={"comment": "matrix"}, POST={DPO}),
    access("api-report-findings", kwargs=_api_report, body=FINDING, GET=REPORT_READERS, POST=REPORT_REVIEWERS),
    access(
        "api-report-finding-delete",
        kwargs=lambda w: {"id": _signed(w)[0].public_id, "finding_id": _signed(w)[1].public_id},
        DELETE=REPORT_REVIEWERS,
    ),
    access("api-report-follow-up-list", GET=PROFILE_REVIEWERS),
    access(
        "api-report-follow-up-resolve",
        kwargs=lambda w: {"id": _signed(w)[2].public_id},
        body={"action": "dismiss", "comment": "matrix"},
        POST=PROFILE_REVIEWERS,
    ),
]
