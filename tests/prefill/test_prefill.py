"""Prefill: proposals with provenance, fingerprints of sources, staleness after a source
changes, and a refresh that shows a diff without storing anything."""

import pytest
from django.contrib.auth.models import Group

from audit.models import AuditEvent
from prefill import registry
from prefill.models import PrefillProvenance
from prefill.selectors import prefill_refresh, provenance_for
from prefill.services import prefill_accept, prefill_staleness_check
from profiles.services import profile_transition
from tests.conftest import current_window

pytestmark = pytest.mark.django_db


@pytest.fixture
def target(db):
    return Group.objects.create(name="an answer row")


def test_every_spec_code_is_registered():
    for code in ("PRF", "CHR", "BAN", "GEN", "ADV", "WF", "MON", "BIAS", "RET", "LEG", "ROLE"):
        assert registry.known(code)


def test_proposal_carries_sources_and_a_fingerprint_of_them(users):
    proposal = registry.proposal_compute(["CHR", "BAN", "NOPE"])
    assert proposal is not None
    assert {s.type for s in proposal.sources} == {"profiles.catalogue", "profiles.ban"}
    assert len(proposal.fingerprint) == 64
    # The fingerprint hashes the sources, not the wording.
    again = registry.Proposal(codes=proposal.codes, text="other words", sources=proposal.sources)
    assert again.fingerprint == proposal.fingerprint


def test_accepting_records_provenance_and_audits(users, target):
    proposal = registry.proposal_compute(["PRF"])
    provenance = prefill_accept(actor=users["policy_officer"], target=target, proposal=proposal, edited=False)
    assert provenance.sources[0]["type"] == "profiles.active_set"
    assert provenance.accepted_by == users["policy_officer"]
    assert AuditEvent.objects.filter(event_type="prefill.accepted").exists()
    assert provenance_for(target=target) == provenance


def test_profile_approval_marks_answers_built_on_it_stale(
    users, target, make_profile, django_capture_on_commit_callbacks
):
    proposal = registry.proposal_compute(["PRF"])
    prefill_accept(actor=users["policy_officer"], target=target, proposal=proposal, edited=True)
    profile = make_profile(window=current_window())
    profile = profile_transition(actor=users["policy_officer"], profile=profile, action="submit")
    with django_capture_on_commit_callbacks(execute=True):
        profile_transition(actor=users["reviewer"], profile=profile, action="approve")
    row = PrefillProvenance.objects.get()
    assert row.is_stale and row.stale_reason.startswith("profile.")
    # The accepted text is untouched; refresh shows the difference without storing it.
    assert row.proposal_text == proposal.text
    refresh = prefill_refresh(codes=["PRF"], target=target)
    assert refresh.changed and refresh.sources_added and refresh.sources_removed
    assert PrefillProvenance.objects.get().proposal_text == proposal.text
    assert AuditEvent.objects.filter(event_type="prefill.marked_stale").exists()


def test_unrelated_events_leave_answers_fresh(users, target):
    prefill_accept(
        actor=users["policy_officer"], target=target, proposal=registry.proposal_compute(["LEG"]), edited=False
    )
    assert prefill_staleness_check(event_type="profile.approve") == 0
    assert prefill_staleness_check() == 0
    assert not PrefillProvenance.objects.get().is_stale
