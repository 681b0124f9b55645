"""Prefill through the shared prefill app: every proposal names its sources; a changed
source marks the field out of date (by fingerprint now, and by the shared staleness check
after a watched event); nothing in the version changes by itself; the refreshed proposal
is taken only when the editor asks."""

from prefill.models import PrefillProvenance
from prefill.registry import proposal_compute
from prefill.services import prefill_staleness_check
from register.models import EntryField
from register.proposals import FIELD_CODES, proposals
from register.selectors import version_staleness
from register.services import version_prefill, version_update
from tests.conftest import current_window


def test_every_proposal_is_valid_and_names_its_sources(db):
    from register.standard import entry_validate

    current = proposals()
    assert set(current) == set(FIELD_CODES)
    assert entry_validate({k: p.value for k, p in current.items()}).problems == []
    for key, proposal in current.items():
        assert proposal.sources, key
        # The shared app recomputes the same sources from the same codes: no false staleness.
        assert proposal_compute(proposal.codes).fingerprint == proposal.fingerprint, key


def test_provenance_is_recorded_in_the_shared_app(users, draft):
    rows = PrefillProvenance.objects.filter(target_id__in=[str(r.pk) for r in EntryField.objects.all()])
    assert rows.count() == len(FIELD_CODES)
    assert all(r.disposition == "accepted" and r.accepted_by == users["register_editor"] for r in rows)
    version_update(actor=users["register_editor"], version=draft, fields={"goal": "<p>Eigen tekst.</p>"})
    goal = PrefillProvenance.objects.get(target_id=str(EntryField.objects.get(version=draft, key="goal").pk))
    assert goal.disposition == "edited"


def _activate_profile(users, make_profile):
    from profiles.services import profile_transition

    profile = make_profile(window=current_window())
    profile = profile_transition(actor=users["policy_officer"], profile=profile, action="submit")
    return profile_transition(actor=users["reviewer"], profile=profile, action="approve")


def test_a_new_active_profile_makes_the_profile_fields_stale_and_refresh_is_explicit(users, draft, make_profile):
    assert version_staleness(version=draft) == {}
    before = dict(draft.fields)
    _activate_profile(users, make_profile)
    stale = version_staleness(version=draft)
    assert {"status", "methods_and_models"} <= set(stale)
    assert "name" not in stale and "risks" not in stale
    draft.refresh_from_db()
    assert draft.fields == before  # never recomputed silently
    assert prefill_staleness_check(event_type="profile.approve") >= 2
    marked = {
        r.key
        for r in EntryField.objects.filter(version=draft)
        if PrefillProvenance.objects.get(target_id=str(r.pk)).is_stale
    }
    assert {"status", "methods_and_models"} <= marked and "name" not in marked
    refreshed = version_prefill(actor=users["register_editor"], version=draft, keys=["methods_and_models"])
    assert "1 kansprofielen" in refreshed.fields["methods_and_models"]
    assert "methods_and_models" not in version_staleness(version=refreshed)
