"""Prefilled answers: the proposal with its provenance, accepted or edited; marked stale
when a profile is approved or a bias report is signed; refresh shows a diff."""

import hashlib
from unittest import mock

import pytest
from django.utils import translation

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


A04 = "dpia3.A04_techniques"  # prefill GEN, ADV


def _approved_parameter_set(users, name="Standaard", **values):
    from generation.services import parameter_set_create, parameter_set_transition

    values = {
        "min_group_size": 30,
        "chance_max_hit_rate": 0.02,
        "chance_max_refusal_rate": 0.10,
        "risk_min_hit_rate": 0.06,
        "min_depth": 3,
        **values,
    }
    ps = parameter_set_create(actor=users["policy_officer"], name=name, **values)
    ps = parameter_set_transition(actor=users["policy_officer"], parameter_set=ps, action="submit")
    return ps, lambda: parameter_set_transition(actor=users["reviewer"], parameter_set=ps, action="approve")


def test_gen_names_the_approved_parameter_set_the_runs_use(users, draft):
    ps, approve = _approved_parameter_set(users, min_group_size=45)
    # Written and submitted, not yet approved: runs cannot use it, so GEN does not name it.
    before = registry.proposal_compute(["GEN"])
    assert [(s.type, s.id) for s in before.sources] == [("generation.parameterset", "none")]
    assert str(ps.public_id) not in before.text
    ps = approve()
    answer, proposal = _accept(users, draft, A04, ["GEN", "ADV"])
    gen = [s for s in proposal.sources if s.type == "generation.parameterset"]
    assert [(s.id, s.version) for s in gen] == [(str(ps.public_id), "1")]
    assert gen[0].label.endswith("Standaard v1") and gen[0].at == ps.approved_at.isoformat()
    assert str(ps.public_id) in answer.value["text"] and "45" in answer.value["text"]
    assert proposal.value["GEN"]["parameters"]["min_group_size"] == 45
    with translation.override("nl"):
        dutch = registry.proposal_compute(["GEN"])
    assert "De runs gebruiken parameterset Standaard versie 1" in dutch.text
    assert dutch.fingerprint == registry.proposal_compute(["GEN"]).fingerprint  # wording is not a source
    stored = provenance_for(target=answer).sources
    assert {"type": "generation.parameterset", "id": str(ps.public_id)}.items() <= next(
        s for s in stored if s["type"] == "generation.parameterset"
    ).items()


def test_a_new_parameter_set_version_approved_marks_gen_answers_stale(users, draft, django_capture_on_commit_callbacks):
    from generation.services import parameter_set_new_version, parameter_set_transition

    ps, approve = _approved_parameter_set(users)
    with django_capture_on_commit_callbacks(execute=True):
        ps = approve()
    answer, proposal = _accept(users, draft, A04, ["GEN", "ADV"])
    # A new version written and submitted changes nothing the runs use: still fresh.
    v2 = parameter_set_new_version(actor=users["policy_officer"], parameter_set=ps)
    with django_capture_on_commit_callbacks(execute=True):
        v2 = parameter_set_transition(actor=users["policy_officer"], parameter_set=v2, action="submit")
    assert not provenance_for(target=answer).is_stale
    with django_capture_on_commit_callbacks(execute=True):
        v2 = parameter_set_transition(actor=users["reviewer"], parameter_set=v2, action="approve")
    provenance = provenance_for(target=answer)
    assert provenance.is_stale and provenance.stale_reason == "parameter_set.approve"
    answer.refresh_from_db()
    assert answer.value["text"] == proposal.text  # never recomputed silently
    refresh = prefill_refresh(codes=["GEN", "ADV"], target=answer)
    assert refresh.changed
    assert [s["id"] for s in refresh.sources_added] == [str(v2.public_id)]
    assert [s["id"] for s in refresh.sources_removed] == [str(ps.public_id)]
    # Accepting the refreshed proposal names version 2 and clears the mark.
    answer, _proposal = _accept(users, draft, A04, ["GEN", "ADV"])
    assert not provenance_for(target=answer).is_stale


def test_withdrawing_the_current_parameter_set_marks_gen_answers_stale(
    users, draft, django_capture_on_commit_callbacks
):
    from generation.services import parameter_set_transition

    ps, approve = _approved_parameter_set(users)
    with django_capture_on_commit_callbacks(execute=True):
        ps = approve()
    answer, _proposal = _accept(users, draft, A04, ["GEN", "ADV"])
    with django_capture_on_commit_callbacks(execute=True):
        parameter_set_transition(
            actor=users["reviewer"], parameter_set=ps, action="withdraw", comment="Thresholds too loose."
        )
    provenance = provenance_for(target=answer)
    assert provenance.is_stale and provenance.stale_reason == "parameter_set.withdraw"
    assert [s.id for s in registry.proposal_compute(["GEN"]).sources] == ["none"]
