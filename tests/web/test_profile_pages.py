"""The profile pages: workflow actions, queues, lists, versions and catalogues."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.roles import Role
from accounts.services import user_create_or_update
from audit.models import AuditEvent
from profiles.models import CatalogueCode, Profile, ProfileStatus
from profiles.services import profile_new_version, profile_transition, profile_update
from tests.conftest import current_window
from tests.web.helpers import problem_codes, signed_in


def act(client, profile, action, comment="", confirmed="1"):
    """A workflow step as the page does it, past its confirmation step."""
    return client.post(
        f"/profiles/{profile.public_id}/transition/", {"action": action, "comment": comment, "confirmed": confirmed}
    )


def status_of(profile) -> str:
    profile.refresh_from_db()
    return profile.status


def test_submit_request_changes_reopen_and_approve_through_the_pages(client, users, make_profile):
    profile = make_profile()
    signed_in(client, users["policy_officer"])
    detail = client.get(f"/profiles/{profile.public_id}/").content.decode()
    assert 'value="submit"' in detail and 'value="approve"' not in detail
    assert act(client, profile, "submit", "ready").status_code == 302
    assert status_of(profile) == ProfileStatus.IN_REVIEW

    signed_in(client, users["reviewer"])
    refused = act(client, profile, "request_changes", "   ")
    assert refused.status_code == 400 and problem_codes(refused) == {"comment_required"}
    assert status_of(profile) == ProfileStatus.IN_REVIEW
    assert act(client, profile, "request_changes", "Narrow the age group").status_code == 302
    assert status_of(profile) == ProfileStatus.CHANGES_REQUESTED

    signed_in(client, users["policy_officer"])
    assert act(client, profile, "reopen").status_code == 302
    assert act(client, profile, "submit").status_code == 302

    signed_in(client, users["reviewer"])
    response = act(client, profile, "approve", "fine")
    assert response.status_code == 302
    assert status_of(profile) == ProfileStatus.APPROVED
    page = client.get(response["Location"]).content.decode()
    assert "Narrow the age group" in page  # the history shows every comment
    assert [t.action for t in profile.transitions.all()] == ["submit", "request_changes", "reopen", "submit", "approve"]


def test_the_author_is_refused_approving_with_four_eyes_message(client, users, make_profile):
    both = user_create_or_update(username="both", password="x", roles=[Role.POLICY_OFFICER, Role.REVIEWER])
    profile = make_profile(author=both)
    profile_transition(actor=both, profile=profile, action="submit")
    signed_in(client, both)
    response = act(client, profile, "approve", "my own")
    assert response.status_code == 403 and problem_codes(response) == {"four_eyes"}
    assert "vier ogen" in response.content.decode()
    assert status_of(profile) == ProfileStatus.IN_REVIEW
    assert AuditEvent.objects.filter(event_type="profile.refused", actor_username="both").exists()


def test_a_policy_officer_cannot_approve_by_crafting_the_post(client, users, make_profile):
    profile = make_profile()
    profile_transition(actor=users["policy_officer"], profile=profile, action="submit")
    signed_in(client, users["policy_officer2"])
    response = act(client, profile, "approve")
    assert response.status_code == 403 and problem_codes(response) == {"role_required"}
    assert status_of(profile) == ProfileStatus.IN_REVIEW


def test_an_overlong_comment_is_refused_and_changes_nothing(client, users, make_profile):
    profile = make_profile()
    signed_in(client, users["policy_officer"])
    response = act(client, profile, "submit", "x" * 6000)
    assert response.status_code == 400 and 'id="comment-errors"' in response.content.decode()
    assert status_of(profile) == ProfileStatus.DRAFT


def test_an_action_the_state_does_not_allow_is_a_conflict(client, users, make_profile):
    profile = make_profile()
    signed_in(client, users["reviewer"])
    response = act(client, profile, "approve")
    assert response.status_code == 409 and problem_codes(response) == {"invalid_state"}


@pytest.mark.parametrize("action", ["activate", "expire", "destroy", ""])
def test_system_and_unknown_actions_are_refused(client, users, make_profile, action):
    profile = make_profile()
    signed_in(client, users["reviewer"])
    assert act(client, profile, action).status_code == 400
    assert status_of(profile) == ProfileStatus.DRAFT


def test_dpo_signs_off_a_risk_profile_from_the_sign_off_queue(client, users, make_profile):
    profile = make_profile(kind="risk", window=current_window())
    profile_transition(actor=users["policy_officer"], profile=profile, action="submit")
    profile_transition(actor=users["reviewer"], profile=profile, action="approve")
    signed_in(client, users["dpo"])
    queue = client.get("/profiles/sign-off/").content.decode()
    assert profile.code in queue
    detail = client.get(f"/profiles/{profile.public_id}/").content.decode()
    assert 'value="dpo_sign_off"' in detail and 'value="withdraw"' not in detail
    assert act(client, profile, "dpo_sign_off", "proportionate").status_code == 302
    assert status_of(profile) == ProfileStatus.ACTIVE
    assert profile.code not in client.get("/profiles/sign-off/").content.decode()


def test_review_queue_lists_what_waits(client, users, make_profile):
    waiting, draft = make_profile(title="Waiting"), make_profile(title="Still a draft")
    profile_transition(actor=users["policy_officer"], profile=waiting, action="submit")
    page = signed_in(client, users["reviewer"]).get("/profiles/review/").content.decode()
    assert waiting.code in page and draft.code not in page


def test_home_shows_each_user_their_own_queue(client, users, make_profile):
    draft = make_profile(title="My open draft")
    page = signed_in(client, users["policy_officer"]).get("/").content.decode()
    assert draft.code in page
    assert draft.code not in signed_in(client, users["policy_officer2"]).get("/").content.decode()


def test_new_version_of_an_approved_profile_and_side_by_side_diff(client, users, make_profile):
    profile = make_profile(window=current_window())
    profile_transition(actor=users["policy_officer"], profile=profile, action="submit")
    profile_transition(actor=users["reviewer"], profile=profile, action="approve")
    signed_in(client, users["policy_officer2"])
    response = client.post(f"/profiles/{profile.public_id}/new-version/")
    v2 = Profile.objects.get(code=profile.code, version=2)
    assert response.status_code == 302 and response["Location"] == f"/profiles/{v2.public_id}/edit/"
    again = client.post(f"/profiles/{profile.public_id}/new-version/")
    assert again.status_code == 409 and problem_codes(again) == {"version_open"}
    profile_update(actor=users["policy_officer2"], profile=v2, title="Second version")
    diff = client.get(f"/profiles/{v2.public_id}/compare/")
    assert diff.status_code == 200
    html = diff.content.decode()
    assert html.count('class="changed"') == 1 and "Second version" in html and "Test profile" in html
    chosen = client.get(f"/profiles/{profile.public_id}/compare/?left=2&right=1").content.decode()
    assert chosen.index("Second version") < chosen.index("Test profile")


def test_compare_with_one_version_redirects_and_bad_choices_fall_back(client, users, make_profile):
    profile = make_profile()
    signed_in(client, users["auditor"])
    assert client.get(f"/profiles/{profile.public_id}/compare/").status_code == 302
    profile_transition(actor=users["policy_officer"], profile=profile, action="submit")
    profile_transition(actor=users["reviewer"], profile=profile, action="approve")
    profile_new_version(actor=users["policy_officer"], profile=profile)
    assert client.get(f"/profiles/{profile.public_id}/compare/?left=x&right=99").status_code == 200


def test_author_discards_a_draft_that_was_never_submitted(client, users, make_profile):
    profile = make_profile()
    signed_in(client, users["policy_officer2"])
    refused = client.post(f"/profiles/{profile.public_id}/discard/")
    assert refused.status_code == 403 and problem_codes(refused) == {"not_draft_owner"}
    signed_in(client, users["policy_officer"])
    assert client.post(f"/profiles/{profile.public_id}/discard/").status_code == 302
    assert not Profile.objects.filter(pk=profile.pk).exists()
    assert client.get(f"/profiles/{profile.public_id}/").status_code == 404


def test_detail_shows_catalogue_labels_history_and_audit_events(client, users, make_profile):
    profile = make_profile()
    profile_transition(actor=users["policy_officer"], profile=profile, action="submit", comment="please look")
    html = signed_in(client, users["auditor"]).get(f"/profiles/{profile.public_id}/").content.decode()
    assert "Nigeria" in html and "(NGA)" in html and "Bezoek aan familie of vrienden" in html
    assert "please look" in html and "profile.created" in html and "profile.submit" in html
    assert 'name="action"' not in html  # an auditor changes nothing
    # The policy officer sees the workflow but not the trail.
    assert (
        "profile.created"
        not in signed_in(client, users["policy_officer"]).get(f"/profiles/{profile.public_id}/").content.decode()
    )


def test_list_searches_and_filters(client, users, make_profile):
    risk = make_profile(kind="risk", title="Lagos family visits")
    chance = make_profile(
        title="Students",
        criteria=[
            {"characteristic": "occupation", "values": ["student"]},
            {"characteristic": "travel_purpose", "values": ["study"]},
            {"characteristic": "age_group", "values": ["18-24"]},
        ],
    )
    signed_in(client, users["register_editor"])

    def codes(query):
        html = client.get("/profiles/" + query).content.decode()
        return {p.code for p in (risk, chance) if p.code in html}

    assert codes("") == {risk.code, chance.code}
    assert codes("?kind=risk") == {risk.code}
    assert codes("?q=lagos") == {risk.code}
    assert codes("?characteristic=occupation") == {chance.code}
    assert codes("?status=approved") == set()


@pytest.mark.parametrize(
    "query", ["?status=bogus", "?run=not-a-uuid", "?page=abc", "?page=999", "?kind=%00", "?characteristic=etniciteit"]
)
def test_bad_list_parameters_never_crash(client, users, make_profile, query):
    make_profile()
    assert signed_in(client, users["auditor"]).get("/profiles/" + query).status_code == 200


def test_list_page_costs_the_same_queries_for_few_and_many_profiles(
    client, users, make_profile, django_assert_max_num_queries
):
    signed_in(client, users["auditor"])
    make_profile()
    client.get("/profiles/")  # warm the session and permission caches alike for both counts
    with CaptureQueriesContext(connection) as few:
        client.get("/profiles/")
    for i in range(30):
        make_profile(title=f"Profile {i}")
    with django_assert_max_num_queries(len(few)):
        response = client.get("/profiles/")
    assert response.content.decode().count("/profiles/") > 30


def test_catalogue_page_adds_a_code_and_refuses_a_banned_one(client, users):
    signed_in(client, users["admin"])
    assert client.get("/profiles/catalogues/").status_code == 200
    new_code = {
        "characteristic": "occupation",
        "code": "clergy_free",
        "label_nl": "Vrij beroep",
        "label_en": "Liberal profession",
    }
    asked = client.post("/profiles/catalogues/", new_code)  # first the confirmation step
    assert asked.status_code == 200 and 'name="confirmed"' in asked.content.decode()
    assert not CatalogueCode.objects.filter(code="clergy_free").exists()
    added = client.post("/profiles/catalogues/", {**new_code, "confirmed": "1"})
    assert added.status_code == 302
    assert CatalogueCode.objects.filter(characteristic="occupation", code="clergy_free").exists()
    banned = client.post(
        "/profiles/catalogues/",
        {
            "characteristic": "occupation",
            "code": "religieus_leider",
            "label_nl": "Religieus leider",
            "label_en": "Religious leader",
        },
    )
    assert banned.status_code == 400
    assert "bijzondere categorie" in banned.content.decode()
    assert not CatalogueCode.objects.filter(code="religieus_leider").exists()
    assert AuditEvent.objects.filter(event_type="catalogue.banned_code_refused").exists()
    eighth = client.post(
        "/profiles/catalogues/", {"characteristic": "etniciteit", "code": "x", "label_nl": "x", "label_en": "x"}
    )
    assert (
        eighth.status_code == 400 and AuditEvent.objects.filter(event_type="catalogue.banned_code_refused").count() == 2
    )


def test_pages_are_dutch_by_default_and_english_after_the_switch(client, users):
    signed_in(client, users["auditor"])
    dutch = client.get("/profiles/").content.decode()
    assert '<html lang="nl">' in dutch and "<h1>Profielen</h1>" in dutch
    switched = client.post("/i18n/setlang/", {"language": "en", "next": "/profiles/"})
    assert switched.status_code == 302
    english = client.get("/profiles/").content.decode()
    assert '<html lang="en">' in english and "<h1>Profiles</h1>" in english


def test_impact_preview_is_offered_for_open_versions_when_monitoring_provides_it(
    client, users, make_profile, monkeypatch
):
    from django.urls import NoReverseMatch, reverse

    from profiles import views

    profile = make_profile()
    signed_in(client, users["reviewer"])

    def no_monitoring(name, args):
        raise NoReverseMatch(name)

    monkeypatch.setattr(views, "reverse", no_monitoring)
    assert 'id="impact"' not in client.get(f"/profiles/{profile.public_id}/").content.decode()
    monkeypatch.undo()
    impact_url = reverse("monitoring:profile_impact", args=[profile.public_id])
    html = client.get(f"/profiles/{profile.public_id}/").content.decode()
    assert 'id="impact"' in html and f'data-fragment-url="{impact_url}"' in html
    profile_transition(actor=users["policy_officer"], profile=profile, action="submit")
    profile_transition(actor=users["reviewer"], profile=profile, action="approve")
    assert 'id="impact"' not in client.get(f"/profiles/{profile.public_id}/").content.decode()
