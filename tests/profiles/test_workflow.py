"""The workflow of docs/characteristics.md, through the services."""

from datetime import date, timedelta

import pytest

from problems import DomainError
from profiles.models import ProfileStatus
from profiles.services import (
    profile_draft_take_over,
    profile_new_version,
    profile_statuses_refresh,
    profile_transition,
    profile_update,
)
from tests.conftest import current_window


def codes(excinfo) -> list[str]:
    return excinfo.value.codes


def test_chance_profile_goes_draft_review_approved(users, make_profile):
    profile = make_profile()
    assert profile.status == ProfileStatus.DRAFT and profile.version == 1
    profile = profile_transition(actor=users["policy_officer"], profile=profile, action="submit", comment="please")
    assert profile.status == ProfileStatus.IN_REVIEW
    profile = profile_transition(actor=users["reviewer"], profile=profile, action="approve", comment="ok")
    assert profile.status == ProfileStatus.APPROVED  # window starts tomorrow
    assert [t.action for t in profile.transitions.all()] == ["submit", "approve"]


def test_author_cannot_approve_own_profile(users, make_profile):
    from accounts.roles import Role
    from accounts.services import user_create_or_update

    both = user_create_or_update(username="both", password="x", roles=[Role.POLICY_OFFICER, Role.REVIEWER])
    profile = make_profile(author=both)
    profile_transition(actor=both, profile=profile, action="submit")
    with pytest.raises(DomainError) as excinfo:
        profile_transition(actor=both, profile=profile, action="approve")
    assert codes(excinfo) == ["four_eyes"] and excinfo.value.status == 403
    profile.refresh_from_db()
    assert profile.status == ProfileStatus.IN_REVIEW


def test_editor_of_a_draft_cannot_approve_it(users, make_profile):
    from accounts.roles import Role
    from accounts.services import user_create_or_update

    both = user_create_or_update(username="both", password="x", roles=[Role.POLICY_OFFICER, Role.REVIEWER])
    profile = make_profile()  # written by policy_officer
    # Drafts belong to their owner: the second person takes it over, edits it and hands
    # it back; their edit still counts for four eyes.
    profile_draft_take_over(actor=both, profile=profile, reason="Colleague is away")
    profile_update(actor=both, profile=profile, title="Edited by the second person")
    profile_draft_take_over(actor=users["policy_officer"], profile=profile, reason="Back from leave")
    profile_transition(actor=users["policy_officer"], profile=profile, action="submit")
    with pytest.raises(DomainError) as excinfo:
        profile_transition(actor=both, profile=profile, action="approve")
    assert codes(excinfo) == ["four_eyes"]


def test_policy_officer_role_cannot_approve(users, make_profile):
    profile = make_profile()
    profile_transition(actor=users["policy_officer"], profile=profile, action="submit")
    with pytest.raises(DomainError) as excinfo:
        profile_transition(actor=users["policy_officer2"], profile=profile, action="approve")
    assert codes(excinfo) == ["role_required"] and excinfo.value.status == 403


def test_approving_a_draft_is_a_state_conflict(users, make_profile):
    profile = make_profile()
    with pytest.raises(DomainError) as excinfo:
        profile_transition(actor=users["reviewer"], profile=profile, action="approve")
    assert codes(excinfo) == ["invalid_state"] and excinfo.value.status == 409


def test_risk_profile_needs_dpo_sign_off_before_active(users, make_profile):
    profile = make_profile(kind="risk", window=current_window())
    profile_transition(actor=users["policy_officer"], profile=profile, action="submit")
    profile = profile_transition(actor=users["reviewer"], profile=profile, action="approve")
    assert profile.status == ProfileStatus.APPROVED  # window open, but no sign-off yet
    profile_statuses_refresh()
    profile.refresh_from_db()
    assert profile.status == ProfileStatus.APPROVED
    profile = profile_transition(actor=users["dpo"], profile=profile, action="dpo_sign_off", comment="proportionate")
    assert profile.status == ProfileStatus.ACTIVE


def test_chance_profile_needs_no_sign_off(users, make_profile):
    profile = make_profile(window=current_window())
    profile_transition(actor=users["policy_officer"], profile=profile, action="submit")
    profile = profile_transition(actor=users["reviewer"], profile=profile, action="approve")
    assert profile.status == ProfileStatus.ACTIVE
    with pytest.raises(DomainError) as excinfo:
        profile_transition(actor=users["dpo"], profile=profile, action="dpo_sign_off")
    assert codes(excinfo) == ["invalid_state"]


def test_reject_and_request_changes_need_a_comment(users, make_profile):
    profile = make_profile()
    profile_transition(actor=users["policy_officer"], profile=profile, action="submit")
    for action in ("reject", "request_changes"):
        with pytest.raises(DomainError) as excinfo:
            profile_transition(actor=users["reviewer"], profile=profile, action=action, comment="  ")
        assert codes(excinfo) == ["comment_required"]


def test_changes_requested_goes_back_to_draft_and_can_be_resubmitted(users, make_profile):
    profile = make_profile()
    profile_transition(actor=users["policy_officer"], profile=profile, action="submit")
    profile_transition(actor=users["reviewer"], profile=profile, action="request_changes", comment="narrow it")
    with pytest.raises(DomainError):
        profile_update(actor=users["policy_officer"], profile=profile, title="x")
    profile = profile_transition(actor=users["policy_officer"], profile=profile, action="reopen")
    profile = profile_update(actor=users["policy_officer"], profile=profile, title="Narrowed")
    profile = profile_transition(actor=users["policy_officer"], profile=profile, action="submit")
    assert profile.status == ProfileStatus.IN_REVIEW and profile.title == "Narrowed"


def test_window_drives_active_and_expired(users, make_profile):
    start = date.today() + timedelta(days=2)
    profile = make_profile(window=(start, start + timedelta(days=10)))
    profile_transition(actor=users["policy_officer"], profile=profile, action="submit")
    profile_transition(actor=users["reviewer"], profile=profile, action="approve")
    assert profile_statuses_refresh(today=start - timedelta(days=1)) == {"activated": 0, "expired": 0}
    assert profile_statuses_refresh(today=start) == {"activated": 1, "expired": 0}
    assert profile_statuses_refresh(today=start) == {"activated": 0, "expired": 0}  # idempotent
    assert profile_statuses_refresh(today=start + timedelta(days=11)) == {"activated": 0, "expired": 1}
    profile.refresh_from_db()
    assert profile.status == ProfileStatus.EXPIRED


def test_withdraw_active_profile(users, make_profile):
    profile = make_profile(window=current_window())
    profile_transition(actor=users["policy_officer"], profile=profile, action="submit")
    profile_transition(actor=users["reviewer"], profile=profile, action="approve")
    profile = profile_transition(actor=users["reviewer2"], profile=profile, action="withdraw", comment="bias found")
    assert profile.status == ProfileStatus.WITHDRAWN


def test_editing_an_approved_profile_makes_a_new_draft_version(users, make_profile):
    profile = make_profile(window=current_window())
    profile_transition(actor=users["policy_officer"], profile=profile, action="submit")
    profile = profile_transition(actor=users["reviewer"], profile=profile, action="approve")
    with pytest.raises(DomainError) as excinfo:
        profile_update(actor=users["policy_officer"], profile=profile, title="changed in place")
    assert codes(excinfo) == ["not_editable"]
    v2 = profile_new_version(actor=users["policy_officer2"], profile=profile)
    assert (v2.code, v2.version, v2.status) == (profile.code, 2, ProfileStatus.DRAFT)
    with pytest.raises(DomainError) as excinfo:
        profile_new_version(actor=users["policy_officer2"], profile=profile)
    assert codes(excinfo) == ["version_open"]
    v2 = profile_update(actor=users["policy_officer2"], profile=v2, title="Second version")
    profile_transition(actor=users["policy_officer2"], profile=v2, action="submit")
    v2 = profile_transition(actor=users["reviewer"], profile=v2, action="approve")
    profile.refresh_from_db()
    assert v2.status == ProfileStatus.ACTIVE
    assert profile.status == ProfileStatus.EXPIRED  # superseded by version 2
    assert profile.title != v2.title
