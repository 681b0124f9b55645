"""The workflow through the API: who may do what (403), in which state (409), and that an
approved version is never edited in place."""

import pytest

from accounts.roles import Role
from accounts.services import user_create_or_update
from audit.models import AuditEvent
from profiles.models import Profile, ProfileStatus
from profiles.services import profile_transition
from tests.conftest import current_window

from .conftest import LIST_URL, action_url, codes, detail_url, valid_body


def act(client, profile, segment, comment="", expect=200):
    response = client.post(action_url(profile, segment), {"comment": comment}, format="json")
    assert response.status_code == expect, response.content
    return response


def status_of(profile) -> str:
    return Profile.objects.values_list("status", flat=True).get(pk=profile.pk)


def test_a_chance_profile_is_written_submitted_and_approved(api):
    author, reviewer = api("policy_officer"), api("reviewer")
    created = author.post(LIST_URL, valid_body(kind="chance"), format="json").json()
    submitted = act(author, created["id"], "submit", "ready for review").json()
    assert submitted["status"] == "in_review"
    approved = act(reviewer, created["id"], "approve", "sound evidence").json()
    assert approved["status"] == "approved" and approved["approved_by"] == "reviewer"
    assert [(h["action"], h["from"], h["to"], h["actor"], h["comment"]) for h in approved["history"]] == [
        ("submit", "draft", "in_review", "policy_officer", "ready for review"),
        ("approve", "in_review", "approved", "reviewer", "sound evidence"),
    ]
    assert all(h["at"] for h in approved["history"])


def test_a_risk_profile_needs_the_dpo_before_it_becomes_active(api, make_profile, users):
    profile = make_profile(kind="risk", window=current_window())
    act(api("policy_officer"), profile, "submit")
    approved = act(api("reviewer"), profile, "approve").json()
    assert approved["status"] == "approved" and approved["dpo_signed_off_by"] is None
    signed = act(api("dpo"), profile, "dpo-sign-off", "proportionate").json()
    assert signed["status"] == "active" and signed["dpo_signed_off_by"] == "dpo"
    assert AuditEvent.objects.filter(event_type="profile.dpo_sign_off", target_id=str(profile.public_id)).exists()


def test_author_cannot_approve_own_profile(api, make_profile):
    both = user_create_or_update(username="both", password="x", roles=[Role.POLICY_OFFICER, Role.REVIEWER])
    client = api()
    client.force_login(both)
    created = client.post(LIST_URL, valid_body(), format="json").json()
    act(client, created["id"], "submit")
    for segment, comment in (("approve", ""), ("reject", "no"), ("request-changes", "more")):
        response = act(client, created["id"], segment, comment, expect=403)
        assert codes(response) == ["four_eyes"]
    assert Profile.objects.get(public_id=created["id"]).status == ProfileStatus.IN_REVIEW
    assert AuditEvent.objects.filter(event_type="profile.refused", target_id=created["id"]).count() == 3


def test_a_role_without_the_right_is_refused_with_403(api, make_profile):
    profile = make_profile()
    act(api("policy_officer"), profile, "submit")
    for username in ("policy_officer2", "dpo", "auditor", "register_editor", "admin"):
        response = act(api(username), profile, "approve", expect=403)
        assert codes(response) == ["role_required"], username
    assert codes(act(api("reviewer"), profile, "dpo-sign-off", expect=403)) == ["role_required"]
    assert status_of(profile) == ProfileStatus.IN_REVIEW


def test_a_user_without_any_role_cannot_even_read(api, make_profile):
    profile = make_profile()
    client = api("nobody")
    assert client.get(detail_url(profile)).status_code == 403
    assert act(client, profile, "submit", expect=403).json()["errors"][0]["code"] == "permission_denied"
    assert status_of(profile) == ProfileStatus.DRAFT


@pytest.mark.parametrize(
    "segment,username",
    [
        ("approve", "reviewer"),
        ("reject", "reviewer"),
        ("request-changes", "reviewer"),
        ("withdraw", "reviewer"),
        ("reopen", "policy_officer"),
    ],
)
def test_an_action_the_state_does_not_allow_is_a_409(api, make_profile, segment, username):
    profile = make_profile()  # a draft
    response = act(api(username), profile, segment, "because", expect=409)
    assert codes(response) == ["invalid_state"]
    assert status_of(profile) == ProfileStatus.DRAFT


def test_submitting_twice_is_a_409(api, make_profile):
    profile = make_profile()
    act(api("policy_officer"), profile, "submit")
    assert codes(act(api("policy_officer"), profile, "submit", expect=409)) == ["invalid_state"]


def test_a_chance_profile_has_no_dpo_sign_off(api, make_profile):
    profile = make_profile(kind="chance")
    act(api("policy_officer"), profile, "submit")
    assert codes(act(api("dpo"), profile, "dpo-sign-off", expect=409)) == ["not_a_risk_profile"]


def test_request_changes_needs_a_comment_and_the_author_reopens(api, make_profile):
    profile = make_profile()
    act(api("policy_officer"), profile, "submit")
    assert codes(act(api("reviewer"), profile, "request-changes", "  ", expect=400)) == ["comment_required"]
    assert act(api("reviewer"), profile, "request-changes", "add the evidence").json()["status"] == "changes_requested"
    assert act(api("policy_officer"), profile, "reopen").json()["status"] == "draft"


def test_reject_and_withdraw(api, make_profile):
    rejected = make_profile()
    act(api("policy_officer"), rejected, "submit")
    assert act(api("reviewer"), rejected, "reject", "not supported").json()["status"] == "rejected"
    approved = make_profile(title="Second")
    act(api("policy_officer"), approved, "submit")
    act(api("reviewer"), approved, "approve")
    assert codes(act(api("reviewer"), approved, "withdraw", expect=400)) == ["comment_required"]
    assert act(api("reviewer"), approved, "withdraw", "no longer needed").json()["status"] == "withdrawn"


def test_a_comment_of_the_wrong_type_is_a_400(api, make_profile):
    profile = make_profile()
    response = api("policy_officer").post(action_url(profile, "submit"), {"comment": {"x": 1}}, format="json")
    assert response.status_code == 400
    assert status_of(profile) == ProfileStatus.DRAFT


# --- editing --------------------------------------------------------------------------------


def test_a_draft_can_be_patched(api, make_profile):
    profile = make_profile()
    response = api("policy_officer").patch(
        detail_url(profile),
        {
            "title": "Renamed",
            "criteria": [
                {"characteristic": "nationality", "values": ["SYR"]},
                {"characteristic": "travel_purpose", "values": ["tourism"]},
                {"characteristic": "age_group", "values": ["18-24"]},
            ],
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["title"] == "Renamed" and body["status"] == "draft" and body["version"] == 1
    assert [c["characteristic"] for c in body["criteria"]] == ["nationality", "travel_purpose", "age_group"]
    assert AuditEvent.objects.filter(event_type="profile.updated", target_id=str(profile.public_id)).exists()


def test_a_patch_that_breaks_a_rule_changes_nothing(api, make_profile):
    profile = make_profile()
    before = api("policy_officer").get(detail_url(profile)).json()
    response = api("policy_officer").patch(
        detail_url(profile),
        {
            "title": "Should not stick",
            "valid_until": "not a date",
            "criteria": [
                {"characteristic": "Etniciteit", "values": ["x"]},
                {"characteristic": "travel_purpose", "values": ["tourism"]},
            ],
        },
        format="json",
    )
    assert response.status_code == 400
    assert set(codes(response)) == {
        "banned_characteristic",
        "too_few_characteristics",
        "invalid_validity_window",
        "missing_personal_characteristic",
    }
    after = api("policy_officer").get(detail_url(profile)).json()
    assert after == before
    assert AuditEvent.objects.filter(
        event_type="profile.banned_characteristic_refused", target_id=str(profile.public_id)
    ).exists()


def test_patching_only_a_date_keeps_the_rest(api, make_profile):
    profile = make_profile()
    response = api("policy_officer").patch(detail_url(profile), {"valid_until": "2099-13-40"}, format="json")
    assert [(e["code"], e["attr"]) for e in response.json()["errors"]] == [("invalid_validity_window", "valid_until")]


def test_a_null_date_in_a_patch_is_refused(api, make_profile):
    profile = make_profile()
    response = api("policy_officer").patch(detail_url(profile), {"valid_from": None}, format="json")
    assert response.status_code == 400 and codes(response) == ["invalid_validity_window"]


@pytest.mark.parametrize("final_status", ["in_review", "approved"])
def test_only_a_draft_can_be_patched(api, make_profile, users, final_status):
    profile = make_profile()
    profile_transition(actor=users["policy_officer"], profile=profile, action="submit")
    if final_status == "approved":
        profile_transition(actor=users["reviewer"], profile=profile, action="approve")
    before = api("policy_officer").get(detail_url(profile)).json()
    response = api("policy_officer").patch(detail_url(profile), {"title": "Changed after the fact"}, format="json")
    assert response.status_code == 409 and codes(response) == ["not_editable"]
    assert api("policy_officer").get(detail_url(profile)).json() == before


def test_only_an_author_may_patch(api, make_profile):
    profile = make_profile()
    for username in ("reviewer", "dpo", "auditor", "admin", "register_editor"):
        assert api(username).patch(detail_url(profile), {"title": "x"}, format="json").status_code == 403
    assert Profile.objects.get(pk=profile.pk).title == "Test profile"


def test_a_new_version_is_a_new_draft_and_the_old_one_stays(api, make_profile, users):
    profile = make_profile()
    profile_transition(actor=users["policy_officer"], profile=profile, action="submit")
    profile_transition(actor=users["reviewer"], profile=profile, action="approve")
    response = api("policy_officer2").post(action_url(profile, "new-version"), {"comment": "next month"}, format="json")
    assert response.status_code == 201, response.content
    copy = response.json()
    assert copy["code"] == profile.code and copy["version"] == 2 and copy["previous_version"] == 1
    assert (
        copy["status"] == "draft" and copy["created_by"] == "policy_officer2" and copy["id"] != str(profile.public_id)
    )
    # The reason given for the new version is kept.
    event = AuditEvent.objects.get(event_type="profile.version_created", target_id=copy["id"])
    assert event.data["comment"] == "next month"
    assert api("policy_officer2").patch(detail_url(copy["id"]), {"title": "v2"}, format="json").status_code == 200
    assert Profile.objects.get(pk=profile.pk).title == "Test profile"
    again = api("policy_officer").post(action_url(profile, "new-version"), {}, format="json")
    assert again.status_code == 409 and codes(again) == ["version_open"]


def test_a_new_version_of_an_open_draft_is_a_409_and_of_a_reviewer_a_403(api, make_profile):
    profile = make_profile()
    assert codes(act(api("policy_officer"), profile, "new-version", expect=409)) == ["version_open"]
    assert codes(act(api("reviewer"), profile, "new-version", expect=403)) == ["role_required"]


def test_an_unknown_profile_is_a_404_in_the_api_format(api):
    response = api("reviewer").get(detail_url("00000000-0000-0000-0000-000000000000"))
    assert response.status_code == 404 and response.json()["errors"][0]["code"] == "not_found"
    response = act(api("reviewer"), "00000000-0000-0000-0000-000000000000", "approve", expect=404)


def test_the_detail_shows_everything_interfaces_md_names(api, make_profile):
    profile = make_profile(kind="risk")
    body = api("auditor").get(detail_url(profile)).json()
    for key in (
        "id",
        "code",
        "version",
        "kind",
        "title",
        "criteria",
        "valid_from",
        "valid_until",
        "justification",
        "status",
        "origin",
        "track",
        "created_by",
        "created_at",
        "approved_by",
        "dpo_signed_off_by",
        "history",
        "evidence",
    ):
        assert key in body, key
    assert body["justification"]["nationality_use"].startswith("Nationality")
