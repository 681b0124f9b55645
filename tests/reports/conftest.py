import pytest

from .helpers import rec, records_create


def small_dataset() -> list[dict]:
    """Two nationalities with different refusals, three officers, one profile (P-2025-11-0001
    is created by `approved_profile`'s code), over two months; min_cell 5 leaves gender X
    suppressed."""
    jan, feb = "2025-01-10", "2025-02-10"
    return (
        rec(8, lodged=jan, advice="intensive", decision="refused", profiles="PROFILE@1")
        + rec(2, lodged=jan, advice="intensive", decision="granted", profiles="PROFILE@1")
        + rec(6, lodged=feb, advice="fast", decision="granted", officer="O-2")
        + rec(6, lodged=feb, advice="regular", decision="refused", officer="O-2")
        + rec(10, lodged=jan, nationality="SUR", gender="F", advice="regular", decision="granted", officer="O-3")
        + rec(6, lodged=feb, nationality="SUR", gender="F", advice="fast", decision="granted", officer="O-3")
        + rec(3, lodged=feb, nationality="SUR", gender="X", advice="regular", decision="pending")
    )


@pytest.fixture
def approved_profile(users, make_profile):
    """An approved chance profile (valid from tomorrow), ready to be withdrawn."""
    from profiles.services import profile_transition

    profile = make_profile(title="Profile under review by the DPO")
    profile = profile_transition(actor=users["policy_officer"], profile=profile, action="submit")
    return profile_transition(actor=users["reviewer"], profile=profile, action="approve")


@pytest.fixture
def dataset(approved_profile):
    rows = small_dataset()
    for row in rows:
        row["matched_profiles"] = row["matched_profiles"].replace("PROFILE", approved_profile.code)
    records_create(rows)
    return rows


@pytest.fixture
def stub_pdf(monkeypatch):
    """Drawing a real PDF takes seconds; tests of the workflow do not look at it (the PDF
    has its own tests in test_outputs.py), so they get a stand-in with a real hash."""
    import hashlib

    from documents.pdf import RenderedPdf
    from reports import services

    def stand_in(*, report_id, view, content_hash, **kwargs):
        content = f"%PDF-1.7 stand-in {report_id} {content_hash}".encode()
        return RenderedPdf(content=content, sha256=hashlib.sha256(content).hexdigest())

    def record_stand_in(*, report, view, decisions, signer, signed_at):
        content = f"%PDF-1.7 review stand-in {report.public_id} {signer} {len(decisions)}".encode()
        return RenderedPdf(content=content, sha256=hashlib.sha256(content).hexdigest())

    monkeypatch.setattr(services, "pdf_document", stand_in)
    monkeypatch.setattr(services, "review_record_pdf", record_stand_in)


@pytest.fixture
def generated(users, dataset, stub_pdf):
    """A generated report over the small dataset, requested by the DPO (min_cell 5)."""
    from reports.services import report_generate, report_request

    report = report_request(
        actor=users["dpo"], period_from="2025-01-01", period_to="2025-12-31", parameters={"min_cell": 5}, enqueue=False
    )
    return report_generate(report_id=report.pk, job_id=report.job_id)


@pytest.fixture
def in_review(users, generated):
    from reports.services import report_transition

    return report_transition(actor=users["dpo"], report=generated, action="start_review")
