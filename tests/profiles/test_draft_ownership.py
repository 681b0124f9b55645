"""Drafts belong to their author (issue 13): only the owner edits, submits, reopens or
discards a version being written; other policy officers comment on it or take it over,
explicitly and on record. Every door (service, API, web, admin) asks the same rule, and
the database holds what it can of it."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.db.utils import DatabaseError
from django.utils import timezone, translation
from rest_framework.test import APIClient

from audit.models import AuditEvent
from problems import DomainError
from profiles.models import Profile, ProfileComment, ProfileStatus
from profiles.services import (
    profile_actions_allowed,
    profile_comment_add,
    profile_delete_draft,
    profile_draft_take_over,
    profile_may_comment,
    profile_may_discard,
    profile_may_edit,
    profile_may_take_over,
    profile_transition,
    profile_update,
)
from tests.conftest import DEFAULT_CRITERIA, next_month_window
from tests.web.helpers import form_data, problem_codes, signed_in

OWNER_REFUSED = ["not_draft_owner"]


def refusal(fn) -> DomainError:
    with pytest.raises(DomainError) as excinfo:
        fn()
    return excinfo.value


def refusals(profile, code: str) -> int:
    return sum(
        1
        for e in AuditEvent.objects.filter(event_type="profile.refused", target_id=str(profile.public_id))
        if code in e.data.get("codes", [])
    )


@pytest.fixture
def draft(make_profile):
    return make_profile()  # policy_officer's


def api_as(user) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def api_codes(response) -> list[str]:
    return [e["code"] for e in response.json()["errors"]]


# --- The service ---------------------------------------------------------------------------------


def test_the_owner_edits_submits_and_discards_their_draft(users, draft, make_profile):
    owner = users["policy_officer"]
    assert draft.owner == owner == draft.created_by
    profile_update(actor=owner, profile=draft, title="Changed by the owner")
    assert Profile.objects.get(pk=draft.pk).title == "Changed by the owner"
    assert profile_transition(actor=owner, profile=draft, action="submit").status == ProfileStatus.IN_REVIEW
    other = make_profile()
    profile_delete_draft(actor=owner, profile=other)
    assert not Profile.objects.filter(pk=other.pk).exists()


def test_another_policy_officer_may_not_edit_submit_or_discard(users, draft):
    other = users["policy_officer2"]
    for attempt in (
        lambda: profile_update(actor=other, profile=draft, title="Hijacked"),
        lambda: profile_transition(actor=other, profile=draft, action="submit"),
        lambda: profile_delete_draft(actor=other, profile=draft),
    ):
        error = refusal(attempt)
        assert error.codes == OWNER_REFUSED and error.status == 403
        with translation.override("en"):
            assert "only its owner" in str(error.problems[0].message)
    draft.refresh_from_db()
    assert draft.title == "Test profile" and draft.status == ProfileStatus.DRAFT
    assert refusals(draft, "not_draft_owner") == 3  # each refused attempt is on record
    assert not profile_may_edit(actor=other, profile=draft)
    assert not profile_may_discard(actor=other, profile=draft)
    assert "submit" not in profile_actions_allowed(actor=other, profile=draft)


def test_the_refusal_is_in_dutch_by_default(users, draft):
    with translation.override("nl"):
        error = refusal(lambda: profile_update(actor=users["policy_officer2"], profile=draft, title="x"))
        assert "eigenaar" in str(error.problems[0].message)


def test_a_version_returned_for_changes_is_reopened_only_by_its_owner(users, draft):
    profile_transition(actor=users["policy_officer"], profile=draft, action="submit")
    profile_transition(actor=users["reviewer"], profile=draft, action="request_changes", comment="Narrower")
    error = refusal(lambda: profile_transition(actor=users["policy_officer2"], profile=draft, action="reopen"))
    assert error.codes == OWNER_REFUSED
    assert profile_transition(actor=users["policy_officer"], profile=draft, action="reopen").status == "draft"


def test_take_over_is_recorded_then_the_new_owner_edits_and_the_old_one_is_refused(users, draft):
    old, new = users["policy_officer"], users["policy_officer2"]
    assert profile_may_take_over(actor=new, profile=draft) and not profile_may_take_over(actor=old, profile=draft)
    taken = profile_draft_take_over(actor=new, profile=draft, reason="  Colleague on leave  ")
    assert (taken.owner, taken.previous_owner, taken.created_by) == (new, old, old)
    assert taken.taken_over_at is not None
    event = AuditEvent.objects.get(event_type="profile.taken_over", target_id=str(draft.public_id))
    assert event.actor_username == "policy_officer2"
    assert event.data == {
        "previous_owner": "policy_officer",
        "owner": "policy_officer2",
        "reason": "Colleague on leave",
        "status": "draft",
    }
    profile_update(actor=new, profile=draft, title="Finished by the colleague")
    assert refusal(lambda: profile_update(actor=old, profile=draft, title="Mine again?")).codes == OWNER_REFUSED
    assert refusal(lambda: profile_transition(actor=old, profile=draft, action="submit")).codes == OWNER_REFUSED
    # The old owner may take it back, again on record.
    profile_draft_take_over(actor=old, profile=draft, reason="Back from leave")
    draft.refresh_from_db()
    assert (draft.owner, draft.previous_owner) == (old, new)
    assert AuditEvent.objects.filter(event_type="profile.taken_over", target_id=str(draft.public_id)).count() == 2


def test_take_over_needs_a_reason_a_policy_officer_and_a_draft_of_someone_else(users, draft, make_profile):
    new = users["policy_officer2"]
    assert refusal(lambda: profile_draft_take_over(actor=new, profile=draft, reason=" ")).codes == ["comment_required"]
    for name in ("reviewer", "dpo", "admin", "auditor", "nobody"):
        error = refusal(lambda name=name: profile_draft_take_over(actor=users[name], profile=draft, reason="mine"))
        assert error.codes == ["role_required"] and error.status == 403, name
    assert refusal(
        lambda: profile_draft_take_over(actor=users["policy_officer"], profile=draft, reason="mine")
    ).codes == ["already_owner"]
    profile_transition(actor=users["policy_officer"], profile=draft, action="submit")
    error = refusal(lambda: profile_draft_take_over(actor=new, profile=draft, reason="mine"))
    assert error.codes == ["not_a_draft"] and error.status == 409
    draft.refresh_from_db()
    assert draft.owner == users["policy_officer"] and draft.previous_owner is None
    assert refusals(draft, "not_a_draft") == 1 and refusals(draft, "role_required") == 5


def test_a_version_returned_for_changes_can_be_taken_over(users, draft):
    profile_transition(actor=users["policy_officer"], profile=draft, action="submit")
    profile_transition(actor=users["reviewer"], profile=draft, action="request_changes", comment="Narrower")
    profile_draft_take_over(actor=users["policy_officer2"], profile=draft, reason="Author left the team")
    assert profile_transition(actor=users["policy_officer2"], profile=draft, action="reopen").status == "draft"


def test_a_superuser_gains_nothing_from_the_flag(users, draft):
    root = get_user_model().objects.create_superuser("root", "root@example.org", "pw-root")
    assert refusal(lambda: profile_update(actor=root, profile=draft, title="x")).codes == ["role_required"]
    root.groups.add(Group.objects.get(name="policy_officer"))
    root = get_user_model().objects.get(pk=root.pk)
    assert refusal(lambda: profile_update(actor=root, profile=draft, title="x")).codes == OWNER_REFUSED
    assert refusal(lambda: profile_delete_draft(actor=root, profile=draft)).codes == OWNER_REFUSED


def test_who_took_over_counts_for_four_eyes(users, draft):
    both = get_user_model().objects.create_user("both", password="x")
    both.groups.add(Group.objects.get(name="policy_officer"), Group.objects.get(name="reviewer"))
    both = get_user_model().objects.get(pk=both.pk)
    profile_draft_take_over(actor=both, profile=draft, reason="helping out")
    profile_draft_take_over(actor=users["policy_officer"], profile=draft, reason="back")
    profile_transition(actor=users["policy_officer"], profile=draft, action="submit")
    assert refusal(lambda: profile_transition(actor=both, profile=draft, action="approve")).codes == ["four_eyes"]


def test_comments_by_the_owner_and_others_are_kept_and_audited(users, draft):
    profile_comment_add(actor=users["policy_officer2"], profile=draft, text="  Is NGA alone enough?  ")
    profile_comment_add(actor=users["policy_officer"], profile=draft, text="Yes, see the evidence.")
    rows = list(ProfileComment.objects.filter(profile=draft).values_list("author__username", "text"))
    assert rows == [("policy_officer2", "Is NGA alone enough?"), ("policy_officer", "Yes, see the evidence.")]
    events = AuditEvent.objects.filter(event_type="profile.commented", target_id=str(draft.public_id))
    assert sorted(e.data["comment"] for e in events) == ["Is NGA alone enough?", "Yes, see the evidence."]
    draft.refresh_from_db()
    assert draft.owner == users["policy_officer"]  # a comment moves nothing


def test_comments_are_refused_when_empty_too_long_not_a_policy_officer_or_not_a_draft(users, draft):
    other = users["policy_officer2"]
    assert refusal(lambda: profile_comment_add(actor=other, profile=draft, text="   ")).codes == ["required"]
    assert refusal(lambda: profile_comment_add(actor=other, profile=draft, text="x" * 5001)).codes == ["too_long"]
    for name in ("reviewer", "admin", "auditor"):
        assert not profile_may_comment(actor=users[name], profile=draft)
        assert refusal(lambda name=name: profile_comment_add(actor=users[name], profile=draft, text="hi")).codes == [
            "role_required"
        ]
    profile_transition(actor=users["policy_officer"], profile=draft, action="submit")
    assert refusal(lambda: profile_comment_add(actor=other, profile=draft, text="late")).codes == ["not_a_draft"]
    assert not ProfileComment.objects.filter(profile=draft).exists()
    assert refusals(draft, "required") == 1 and refusals(draft, "not_a_draft") == 1


# --- The API -------------------------------------------------------------------------------------


def test_api_refuses_a_non_owner_and_shows_the_owner(users, draft):
    url = f"/api/profiles/{draft.public_id}/"
    other = api_as(users["policy_officer2"])
    response = other.patch(url, {"title": "Hijacked"}, format="json")
    assert response.status_code == 403 and api_codes(response) == OWNER_REFUSED
    response = other.post(url + "submit/", {"comment": ""}, format="json")
    assert response.status_code == 403 and api_codes(response) == OWNER_REFUSED
    shown = other.get(url).json()
    assert (shown["owner"], shown["previous_owner"], shown["taken_over_at"]) == ("policy_officer", None, None)
    assert api_as(users["policy_officer"]).patch(url, {"title": "By the owner"}, format="json").status_code == 200


def test_api_take_over_and_comments(users, draft):
    url = f"/api/profiles/{draft.public_id}/"
    other = api_as(users["policy_officer2"])
    response = other.post(url + "take-over/", {"reason": ""}, format="json")
    assert response.status_code == 400 and api_codes(response) == ["comment_required"]
    response = api_as(users["reviewer"]).post(url + "take-over/", {"reason": "mine"}, format="json")
    assert response.status_code == 403 and api_codes(response) == ["role_required"]
    response = other.post(url + "take-over/", {"reason": "On leave"}, format="json")
    assert response.status_code == 200
    assert (response.json()["owner"], response.json()["previous_owner"]) == ("policy_officer2", "policy_officer")
    assert other.patch(url, {"title": "Now mine"}, format="json").status_code == 200
    old = api_as(users["policy_officer"])
    assert api_codes(old.patch(url, {"title": "Back"}, format="json")) == OWNER_REFUSED
    response = old.post(url + "comments/", {"text": "Fine by me"}, format="json")
    assert response.status_code == 201 and response.json()["author"] == "policy_officer"
    listed = api_as(users["auditor"]).get(url + "comments/").json()
    assert [(c["author"], c["text"]) for c in listed] == [("policy_officer", "Fine by me")]
    response = api_as(users["dpo"]).post(url + "comments/", {"text": "Hello"}, format="json")
    assert response.status_code == 403 and api_codes(response) == ["role_required"]


# --- The web pages -------------------------------------------------------------------------------


def _page(client, profile) -> str:
    return client.get(f"/profiles/{profile.public_id}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_pages_offer_only_what_the_user_may_do(client, users, draft):
    edit, discard = f"/profiles/{draft.public_id}/edit/", f"/profiles/{draft.public_id}/discard/"
    take_over, comment = f"/profiles/{draft.public_id}/take-over/", f"/profiles/{draft.public_id}/comment/"
    owner_page = _page(signed_in(client, users["policy_officer"]), draft)
    assert edit in owner_page and discard in owner_page and 'value="submit"' in owner_page
    assert take_over not in owner_page and comment in owner_page
    other_page = _page(signed_in(client, users["policy_officer2"]), draft)
    assert edit not in other_page and discard not in other_page and 'value="submit"' not in other_page
    assert take_over in other_page and comment in other_page and "This draft belongs to policy_officer" in other_page
    reviewer_page = _page(signed_in(client, users["reviewer"]), draft)
    assert take_over not in reviewer_page and comment not in reviewer_page and edit not in reviewer_page


def test_web_refuses_a_non_owner_by_direct_post(client, users, draft):
    signed_in(client, users["policy_officer2"])
    base = f"/profiles/{draft.public_id}/"
    response = client.post(base + "edit/", form_data(title="Hijacked"))
    assert response.status_code == 403 and problem_codes(response) == {"not_draft_owner"}
    response = client.get(base + "edit/")
    assert response.status_code == 403 and problem_codes(response) == {"not_draft_owner"}
    response = client.post(base + "transition/", {"action": "submit", "comment": ""})
    assert response.status_code == 403 and problem_codes(response) == {"not_draft_owner"}
    response = client.get(base + "discard/")
    assert problem_codes(response) == {"not_draft_owner"} and "Discard this draft" not in response.content.decode()
    assert client.post(base + "discard/").status_code == 403
    draft.refresh_from_db()
    assert draft.title == "Test profile" and draft.status == ProfileStatus.DRAFT


def test_web_take_over_then_comment_and_the_page_shows_the_previous_owner(client, users, draft):
    signed_in(client, users["policy_officer2"])
    base = f"/profiles/{draft.public_id}/"
    assert client.get(base + "take-over/").status_code == 200
    response = client.post(base + "take-over/", {"reason": ""})
    assert response.status_code == 400 and problem_codes(response) == {"comment_required"}
    assert client.post(base + "take-over/", {"reason": "On leave"}).status_code == 302
    page = _page(client, draft)
    assert "Taken over from" in page and "data-previous-owner>policy_officer," in page
    assert f"{base}edit/" in page
    assert client.post(base + "comment/", {"text": "Taking it from here"}).status_code == 302
    assert "Taking it from here" in _page(client, draft)
    assert client.post(base + "comment/", {"text": ""}).status_code == 400
    # The previous owner now sees what a colleague sees.
    signed_in(client, users["policy_officer"])
    assert client.post(base + "edit/", form_data(title="Mine")).status_code == 403
    assert f"{base}take-over/" in _page(client, draft)


# --- The admin -----------------------------------------------------------------------------------


def _admin_form(profile) -> dict:
    start, end = next_month_window()
    return {
        "kind": "chance",
        "title": "Changed in the admin",
        "valid_from": start.isoformat(),
        "valid_until": end.isoformat(),
        "criteria_json": json.dumps(DEFAULT_CRITERIA),
    }


@pytest.mark.parametrize("who", ["superuser_policy_officer", "administrator", "policy_officer2"])
def test_admin_refuses_whoever_does_not_own_the_draft(client, users, draft, who):
    if who == "superuser_policy_officer":
        user = get_user_model().objects.create_superuser("root", "root@example.org", "pw-root")
        user.groups.add(Group.objects.get(name="policy_officer"))
    else:
        user = users["admin" if who == "administrator" else who]
        user.is_staff = True
        user.save()
    client.force_login(user)
    url = f"/admin/profiles/profile/{draft.pk}/change/"
    response = client.post(url, _admin_form(draft))
    assert response.status_code == 403
    assert client.post(f"/admin/profiles/profile/{draft.pk}/delete/", {"post": "yes"}).status_code == 403
    draft.refresh_from_db()
    assert draft.title == "Test profile"


def test_admin_lets_the_owner_change_their_draft(client, users, draft):
    owner = users["policy_officer"]
    owner.is_staff = True
    owner.save()
    client.force_login(owner)
    response = client.post(f"/admin/profiles/profile/{draft.pk}/change/", _admin_form(draft))
    assert response.status_code == 302, response.content.decode()[:2000]
    draft.refresh_from_db()
    assert draft.title == "Changed in the admin"


# --- The database --------------------------------------------------------------------------------

REFUSED = (IntegrityError, DatabaseError)


def test_the_database_keeps_an_owner_and_moves_it_only_by_a_take_over_of_a_draft(users, draft):
    old, new = users["policy_officer"], users["policy_officer2"]
    now = timezone.now()
    for bad in (
        {"owner_id": None},
        # a take-over names someone else, and when
        {"owner_id": new.pk, "previous_owner_id": new.pk, "taken_over_at": now},
        {"owner_id": new.pk, "previous_owner_id": old.pk},
        # a silent move, without naming the owner it was taken from
        {"owner_id": new.pk},
    ):
        with pytest.raises(REFUSED), transaction.atomic():
            Profile.objects.filter(pk=draft.pk).update(**bad)
    profile_transition(actor=old, profile=draft, action="submit")
    with pytest.raises(REFUSED), transaction.atomic():
        Profile.objects.filter(pk=draft.pk).update(owner_id=new.pk, previous_owner_id=old.pk, taken_over_at=now)
    draft.refresh_from_db()
    assert draft.owner == old and draft.previous_owner is None


def test_the_database_refuses_an_owner_who_approves(users, draft):
    profile_transition(actor=users["policy_officer"], profile=draft, action="submit")
    with pytest.raises(REFUSED), transaction.atomic():
        Profile.objects.filter(pk=draft.pk).update(
            status=ProfileStatus.APPROVED, approved_by=users["policy_officer"], approved_at=timezone.now()
        )
