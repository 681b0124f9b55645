"""Issue 7, attack 1: one person took a risk profile live. Workflow actions need membership
of the workflow's role, for every account and through every door (API, web, admin); the
approver and the DPO are two people, and neither wrote nor submitted the version."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from rest_framework.test import APIClient

from accounts.actors import actor_has_role
from accounts.roles import Role
from accounts.services import user_create_or_update
from audit.models import AuditEvent
from profiles.models import Profile, ProfileStatus
from profiles.services import profile_actions_allowed, profile_transition
from tests.conftest import current_window
from tests.profiles.test_database_guards import refused

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/auth/token/"


def status_of(profile) -> str:
    return Profile.objects.values_list("status", flat=True).get(pk=profile.pk)


@pytest.fixture
def submitted_risk(users, make_profile):
    """The reproduction: a policy officer writes a risk profile and submits it."""
    profile = make_profile(kind="risk", window=current_window())
    return profile_transition(actor=users["policy_officer"], profile=profile, action="submit")


@pytest.fixture
def root(db):
    """A Django superuser with no role at all."""
    return get_user_model().objects.create_superuser("root", "root@example.org", "pw-root")


@pytest.fixture
def admin_superuser(users):
    """The old seed_demo `admin`: administrator role and superuser."""
    admin = users["admin"]
    admin.is_superuser = True
    admin.is_staff = True
    admin.save()
    return admin


def token_client(username: str, password: str) -> APIClient:
    response = APIClient().post(TOKEN_URL, {"username": username, "password": password}, format="json")
    assert response.status_code == 200, response.content
    return APIClient(HTTP_AUTHORIZATION=f"Token {response.json()['token']}", HTTP_ACCEPT_LANGUAGE="en")


# --- The API door ---------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["admin", "admin_superuser", "root"])
def test_api_approve_and_sign_off_by_one_administrator_are_refused(who, users, submitted_risk, request):
    if who == "admin_superuser":
        request.getfixturevalue("admin_superuser")
        client = token_client("admin", "pw-admin")
    elif who == "root":
        request.getfixturevalue("root")
        client = token_client("root", "pw-root")
    else:
        client = token_client("admin", "pw-admin")
    base = f"/api/profiles/{submitted_risk.public_id}/"
    approve = client.post(base + "approve/", {"comment": "ok"}, format="json")
    sign_off = client.post(base + "dpo-sign-off/", {"comment": "ok"}, format="json")
    assert (approve.status_code, sign_off.status_code) == (403, 403), (approve.content, sign_off.content)
    # The administrator reads profiles and is refused by the service; a superuser without a
    # role is refused at the door already (it may not even read them).
    assert approve.json()["errors"][0]["code"] == ("permission_denied" if who == "root" else "role_required")
    profile = Profile.objects.get(pk=submitted_risk.pk)
    assert profile.status == ProfileStatus.IN_REVIEW
    assert profile.approved_by_id is None and profile.dpo_signed_off_by_id is None
    # Both attempts that reached the service are on record.
    refusals = AuditEvent.objects.filter(event_type="profile.refused", target_id=str(profile.public_id)).count()
    assert refusals == (0 if who == "root" else 2)


# --- The web door ---------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["admin", "root"])
def test_web_approve_by_an_administrator_or_superuser_is_refused_and_not_offered(
    who, users, submitted_risk, client, request
):
    user = request.getfixturevalue("root") if who == "root" else request.getfixturevalue("admin_superuser")
    client.force_login(user)
    page = client.get(f"/profiles/{submitted_risk.public_id}/", HTTP_ACCEPT_LANGUAGE="en")
    if who == "root":  # no role: not even a reader
        assert page.status_code == 403
    else:
        assert page.status_code == 200 and page.context["actions"] == []
        assert b'value="approve"' not in page.content and b'value="dpo_sign_off"' not in page.content
    for action in ("approve", "dpo_sign_off"):
        response = client.post(
            f"/profiles/{submitted_risk.public_id}/transition/",
            {"action": action, "comment": "ok"},
            HTTP_ACCEPT_LANGUAGE="en",
        )
        assert response.status_code == 403
    assert status_of(submitted_risk) == ProfileStatus.IN_REVIEW


def test_an_author_who_is_also_reviewer_does_not_see_approve_on_their_own_profile(users, make_profile, client):
    both = user_create_or_update(username="both", password="x", roles=[Role.POLICY_OFFICER, Role.REVIEWER])
    profile = make_profile(author=both)
    profile = profile_transition(actor=both, profile=profile, action="submit")
    client.force_login(both)
    page = client.get(f"/profiles/{profile.public_id}/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.context["actions"] == []
    assert b'value="approve"' not in page.content
    client.force_login(users["reviewer"])
    page = client.get(f"/profiles/{profile.public_id}/", HTTP_ACCEPT_LANGUAGE="en")
    assert [a["action"] for a in page.context["actions"]] == ["approve", "request_changes", "reject"]


def test_an_administrator_who_wrote_a_profile_sees_no_approve(users, make_profile, client):
    """Even if someone gave the administrator account author and reviewer groups behind the
    services' back, the page shows nothing the services would refuse."""
    admin = users["admin"]
    admin.groups.add(Group.objects.get(name=Role.POLICY_OFFICER), Group.objects.get(name=Role.REVIEWER))
    admin = get_user_model().objects.get(pk=admin.pk)
    profile = make_profile(author=users["policy_officer"])
    profile_transition(actor=users["policy_officer"], profile=profile, action="submit")
    client.force_login(admin)
    page = client.get(f"/profiles/{profile.public_id}/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.context["actions"] == []
    assert b'value="approve"' not in page.content


def test_templates_perms_follow_roles_not_the_superuser_flag(root, client):
    client.force_login(root)
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert b"/profiles/review/" not in page.content and b"/profiles/sign-off/" not in page.content
    assert client.get("/profiles/review/").status_code == 403


# --- The admin door -------------------------------------------------------------------------------


def test_seed_demo_admin_is_no_superuser_and_uses_the_admin_site(db, client):
    from django.core.management import call_command

    call_command("seed_demo", "--password", "pw-demo-123", "--records", "0", verbosity=0)
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_staff and not admin.is_superuser
    assert not any(actor_has_role(admin, role) for role in (Role.POLICY_OFFICER, Role.REVIEWER, Role.DPO))
    client.force_login(admin)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/auth/user/").status_code == 200
    assert client.get("/admin/profiles/cataloguecode/").status_code == 200
    assert client.get("/admin/django_celery_beat/periodictask/").status_code == 200


def test_admin_site_superuser_cannot_change_or_move_a_profile_in_review(users, submitted_risk, root, client):
    client.force_login(root)
    url = f"/admin/profiles/profile/{submitted_risk.pk}/change/"
    criteria = [
        {"characteristic": "nationality", "values": ["NGA"]},
        {"characteristic": "travel_purpose", "values": ["tourism"]},
        {"characteristic": "gender", "values": ["F"]},
    ]
    response = client.post(url, {"kind": "risk", "title": "changed", "criteria_json": json.dumps(criteria)})
    assert response.status_code in (403, 200)
    profile = Profile.objects.get(pk=submitted_risk.pk)
    assert profile.title == submitted_risk.title and profile.status == ProfileStatus.IN_REVIEW
    assert client.post(f"/admin/profiles/profile/{submitted_risk.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Profile.objects.filter(pk=submitted_risk.pk).exists()


def test_administrator_cannot_be_given_a_workflow_role_through_the_service(db):
    with pytest.raises(ValueError):
        user_create_or_update(username="mixed", password="x", roles=[Role.ADMINISTRATOR, Role.REVIEWER])


# --- One account alone never takes a profile live ---------------------------------------------------


def _accounts(users):
    """Every kind of single account: each demo role, a superuser with no role, a superuser
    with every role, an account with all three workflow roles, and the administrator with
    every role added behind the service's back."""

    def make(name, roles, superuser=False):
        user = user_create_or_update(username=name, password="x", roles=roles)
        if superuser:
            user.is_superuser = user.is_staff = True
            user.save()
        return user

    accounts = dict(users)
    accounts["root"] = make("root_none", [], superuser=True)
    accounts["root_all"] = make("root_all", [Role.POLICY_OFFICER, Role.REVIEWER, Role.DPO], superuser=True)
    accounts["all_workflow"] = make("all_workflow", [Role.POLICY_OFFICER, Role.REVIEWER, Role.DPO])
    admin_all = make("admin_all", [Role.ADMINISTRATOR])
    admin_all.groups.add(*Group.objects.filter(name__in=[Role.POLICY_OFFICER, Role.REVIEWER, Role.DPO]))
    accounts["admin_all"] = get_user_model().objects.get(pk=admin_all.pk)
    return accounts


@pytest.mark.parametrize("kind", ["chance", "risk"])
def test_no_single_account_takes_a_profile_from_draft_to_active(kind, users, make_profile):
    from problems import DomainError

    for name, account in _accounts(users).items():
        # A draft the account wrote when it may write; else one a policy officer wrote.
        try:
            profile = make_profile(kind=kind, window=current_window(), author=account, title=f"alone {name}")
        except DomainError:
            profile = make_profile(kind=kind, window=current_window(), title=f"alone {name}")
        # Both orders of the reviewer's and the DPO's step, and a round through "changes
        # requested": the version is never approved, let alone active.
        for action in (
            "submit",
            "approve",
            "dpo_sign_off",
            "request_changes",
            "reopen",
            "submit",
            "dpo_sign_off",
            "approve",
        ):
            try:
                profile = profile_transition(actor=account, profile=profile, action=action, comment="alone")
            except DomainError:
                pass
            assert status_of(profile) not in (ProfileStatus.APPROVED, ProfileStatus.ACTIVE), (name, action)


def test_the_approver_cannot_also_sign_off_as_dpo_and_the_reverse(users, submitted_risk, make_profile):
    both = user_create_or_update(username="rev_dpo", password="x", roles=[Role.REVIEWER, Role.DPO])
    from problems import DomainError

    approved = profile_transition(actor=both, profile=submitted_risk, action="approve")
    assert "dpo_sign_off" not in profile_actions_allowed(actor=both, profile=approved)
    with pytest.raises(DomainError) as error:
        profile_transition(actor=both, profile=approved, action="dpo_sign_off")
    assert error.value.codes == ["separation_of_duties"]

    other = make_profile(kind="risk", window=current_window(), title="other")
    other = profile_transition(actor=users["policy_officer"], profile=other, action="submit")
    signed = profile_transition(actor=both, profile=other, action="dpo_sign_off")
    with pytest.raises(DomainError) as error:
        profile_transition(actor=both, profile=signed, action="approve")
    assert error.value.codes == ["separation_of_duties"]
    assert status_of(signed) == ProfileStatus.IN_REVIEW


def test_the_database_repeats_the_separation_of_duties(users, submitted_risk):
    """An insider writing the approval and sign-off directly meets the same rule."""
    author = users["policy_officer"]
    refused(
        lambda: Profile.objects.filter(pk=submitted_risk.pk).update(status=ProfileStatus.APPROVED, approved_by=author)
    )
    reviewer = users["reviewer"]
    refused(
        lambda: Profile.objects.filter(pk=submitted_risk.pk).update(
            status=ProfileStatus.APPROVED, approved_by=reviewer, dpo_signed_off_by=reviewer
        )
    )
    approved = profile_transition(actor=reviewer, profile=submitted_risk, action="approve")
    assert approved.status == ProfileStatus.APPROVED  # a risk profile waits for the DPO
    refused(lambda: Profile.objects.filter(pk=approved.pk).update(status=ProfileStatus.ACTIVE))
    refused(lambda: Profile.objects.filter(pk=approved.pk).update(approved_by=users["reviewer2"]))
    refused(lambda: Profile.objects.filter(pk=approved.pk).update(dpo_signed_off_by=reviewer))


def test_the_user_admin_refuses_a_workflow_role_for_an_administrator(users, client):
    admin = users["admin"]
    admin.is_staff = True
    admin.save()
    client.force_login(admin)
    reviewer = users["reviewer"]
    groups = Group.objects.filter(name__in=[Role.ADMINISTRATOR, Role.REVIEWER]).values_list("pk", flat=True)
    response = client.post(
        f"/admin/auth/user/{reviewer.pk}/change/",
        {
            "username": "reviewer",
            "is_active": "on",
            "groups": list(groups),
            "date_joined_0": "2026-01-01",
            "date_joined_1": "10:00:00",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200 and b"takes part in no workflow" in response.content
    assert set(reviewer.groups.values_list("name", flat=True)) == {Role.REVIEWER}
