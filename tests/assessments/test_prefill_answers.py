"""Prefilled answers: the proposal with its provenance, accepted or edited; marked stale
when a profile is approved or a bias report is signed; refresh shows a diff."""

import hashlib
from unittest import mock

import pytest

from assessments import services
from assessments.models import Answer
from prefill import registry
from prefill.models import Disposition, PrefillProvenance
from prefill.selectors import prefill_refresh, provenance_for
from problems import DomainError
from profiles.services import profile_transition
from tests.conftest import current_window

pytestmark = pytest.mark.django_db

C16 = "dpia3.C16_risks"  # prefill BIAS, MON, PRF
B14 = "dpia3.B14_necessity_proportionality"  # prefill iama26.*, BIAS


def _accept(users, version, key, codes):
    proposal = registry.proposal_compute(codes)
    return services.prefill_accept_answer(
        actor=users["policy_officer"], version=version, key=key, fingerprint=proposal.fingerprint
    ), proposal


def _signed_report(users):
    from documents.pdf import RenderedPdf
    from monitoring.models import MonitoringRecord
    from reports.services import report_generate, report_request, report_transition

    MonitoringRecord.objects.bulk_create(
        [
            MonitoringRecord(
                application_id=f"PF-{i}",
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
                matched_profiles="",
            )
            for i in range(12)
        ]
    )

    def stand_in(*, report_id, view, content_hash, **kwargs):
        content = f"%PDF-1.7 {report_id}".encode()
        return RenderedPdf(content=content, sha256=hashlib.sha256(content).hexdigest())

    dpo = users["dpo"]
    report = report_request(actor=dpo, period_from="2025-01-01", period_to="2025-01-31", enqueue=False)
    with mock.patch("reports.services.pdf_document", stand_in):
        report = report_generate(report_id=report.pk, job_id=report.job_id)
    report = report_transition(actor=dpo, report=report, action="start_review")
    return report, lambda: report_transition(actor=dpo, report=report, action="sign_off")


def test_accepting_a_prefill_stores_the_answer_with_provenance(users, draft):
    answer, proposal = _accept(users, draft, C16, ["BIAS", "MON", "PRF"])
    assert answer.value["text"] == proposal.text
    provenance = provenance_for(target=answer)
    assert provenance.disposition == Disposition.ACCEPTED
    assert {s["type"] for s in provenance.sources} == {"reports.biasreport", "monitoring.data", "profiles.active_set"}
    assert provenance.fingerprint == proposal.fingerprint
    assert draft.authors.filter(user=users["policy_officer"]).exists()


def test_editing_an_accepted_prefill_keeps_provenance_marked_edited(users, draft):
    answer, proposal = _accept(users, draft, C16, ["BIAS", "MON", "PRF"])
    services.section_save(
        actor=users["policy_officer"],
        version=draft,
        section_id="C16",
        answers={C16: {"text": proposal.text + "\nPlus our own view."}},
    )
    assert provenance_for(target=answer).disposition == Disposition.EDITED


def test_a_proposal_whose_sources_changed_meanwhile_is_refused(users, draft):
    with pytest.raises(DomainError) as refused:
        services.prefill_accept_answer(actor=users["policy_officer"], version=draft, key=C16, fingerprint="0" * 64)
    assert refused.value.codes == ["proposal_changed"]
    assert not Answer.objects.exists()


def test_profile_approval_marks_the_answer_stale_and_refresh_shows_the_diff(
    users, draft, make_profile, django_capture_on_commit_callbacks
):
    answer, proposal = _accept(users, draft, C16, ["BIAS", "MON", "PRF"])
    profile = make_profile(window=current_window())
    profile = profile_transition(actor=users["policy_officer"], profile=profile, action="submit")
    with django_capture_on_commit_callbacks(execute=True):
        profile_transition(actor=users["reviewer"], profile=profile, action="approve")
    provenance = provenance_for(target=answer)
    assert provenance.is_stale
    answer.refresh_from_db()
    assert answer.value["text"] == proposal.text  # never recomputed silently
    refresh = prefill_refresh(codes=["BIAS", "MON", "PRF"], target=answer)
    assert refresh.changed
    assert any(op == "+" for op, _line in refresh.diff) and any(op == "-" for op, _line in refresh.diff)
    # Accepting the refreshed proposal clears the mark.
    _accept(users, draft, C16, ["BIAS", "MON", "PRF"])
    assert not provenance_for(target=answer).is_stale


def test_report_sign_off_marks_answers_built_on_bias_stale(users, draft, django_capture_on_commit_callbacks):
    report, sign = _signed_report(users)
    answer, proposal = _accept(users, draft, C16, ["BIAS", "MON", "PRF"])
    assert [s.id for s in proposal.sources if s.type == "reports.biasreport"] == ["none"]
    with django_capture_on_commit_callbacks(execute=True):
        sign()
    provenance = provenance_for(target=answer)
    assert provenance.is_stale and provenance.stale_reason == "report.sign_off"
    new = registry.proposal_compute(["BIAS"])
    assert str(report.public_id) in new.text
    assert any(s.id == str(report.public_id) and s.version == report.content_hash for s in new.sources)


def test_a_question_key_prefills_from_the_other_document(users, dpia, iama, draft, django_capture_on_commit_callbacks):
    iama_v = iama.versions.get()
    services.section_save(
        actor=users["policy_officer"],
        version=draft,
        section_id="A01",
        answers={"dpia3.A01_proposal": {"text": "IOB sets the investigation track."}},
    )
    proposal = registry.proposal_compute(["dpia3.A01"])
    assert proposal.text == "IOB sets the investigation track."
    answer = services.prefill_accept_answer(
        actor=users["policy_officer"],
        version=iama_v,
        key="iama26.1.1.1_trigger_problem",
        fingerprint=proposal.fingerprint,
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.section_save(
            actor=users["policy_officer"],
            version=draft,
            section_id="A01",
            answers={"dpia3.A01_proposal": {"text": "Changed in the DPIA."}},
        )
    assert provenance_for(target=answer).is_stale


def test_provenance_travels_with_the_answer_into_a_new_version(users, dpia, draft):
    answer, _proposal = _accept(users, draft, C16, ["BIAS", "MON", "PRF"])
    services.version_transition(actor=users["policy_officer"], version=draft, action="submit")
    services.version_transition(actor=users["dpo"], version=draft, action="record_dpo_advice", advice="Ok.")
    services.version_transition(actor=users["reviewer"], version=draft, action="sign")
    new = services.version_new(actor=users["policy_officer"], assessment=dpia)
    copied = Answer.objects.get(version=new, key=C16)
    assert provenance_for(target=copied).fingerprint == provenance_for(target=answer).fingerprint
    assert PrefillProvenance.objects.count() == 2
