"""The admin site is a door like the others: three of seven, the ban (audited) and the
immutability of approved versions hold there too, refusals are form errors (not 500s),
and the audit trail and jobs cannot be written through it, not even by a superuser."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from audit.models import AuditEvent
from jobs.models import Job
from profiles.models import CatalogueCode, Profile, ProfileCriterion, ProfileStatus
from profiles.services import profile_transition
from tests.conftest import DEFAULT_CRITERIA, RISK_JUSTIFICATION, next_month_window


@pytest.fixture
def superuser(db):
    """A superuser who writes profiles in the admin. The superuser flag gives nothing in the
    portal: this account may write because it is also a policy officer."""
    from django.contrib.auth.models import Group

    user = get_user_model().objects.create_superuser("root", "root@example.org", "pw-root")
    user.groups.add(Group.objects.get(name="policy_officer"))
    return user


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def administrator(users):
    """seed_demo's `admin`: staff with the administrator role, no superuser."""
    admin = users["admin"]
    admin.is_staff = True
    admin.save()
    return admin


@pytest.fixture
def catalogue_client(client, administrator):
    client.force_login(administrator)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def profile_form(**overrides) -> dict:
    start, end = next_month_window()
    data = {
        "kind": "risk",
        "title": "Written in the admin",
        "valid_from": start.isoformat(),
        "valid_until": end.isoformat(),
        "criteria_json": json.dumps(DEFAULT_CRITERIA),
        **{f"justification_{k}": v for k, v in RISK_JUSTIFICATION.items()},
        "evidence_group_size": "",
        "evidence_chain_hit_rate": "",
        "evidence_refusal_rate": "",
        "evidence_period_from": "",
        "evidence_period_until": "",
    }
    data.update(overrides)
    return data


def form_errors(response) -> dict:
    form = response.context["adminform"].form
    return {field: [e.code for e in errors.as_data()] for field, errors in form.errors.items()}


def nothing_saved(before: tuple[int, int]) -> bool:
    return (Profile.objects.count(), ProfileCriterion.objects.count()) == before


ADD_PROFILE = reverse("admin:profiles_profile_add")


def test_a_profile_written_in_the_admin_goes_through_the_service(admin_client, superuser):
    assert admin_client.get(ADD_PROFILE).status_code == 200
    response = admin_client.post(ADD_PROFILE, profile_form())
    assert response.status_code == 302, form_errors(response)
    profile = Profile.objects.get()
    assert profile.status == ProfileStatus.DRAFT and profile.created_by == superuser and profile.code.startswith("P-")
    assert [c.characteristic for c in profile.criteria.all()] == ["nationality", "travel_purpose", "gender"]
    assert AuditEvent.objects.filter(event_type="profile.created", actor=superuser).exists()


@pytest.mark.parametrize(
    "criteria,code",
    [
        (
            [
                {"characteristic": "nationality", "values": ["NGA"]},
                {"characteristic": "gender", "values": ["M"]},
                {"characteristic": "age_group", "values": ["18-24"]},
            ],
            "missing_application_characteristic",
        ),
        (DEFAULT_CRITERIA[:2], "too_few_characteristics"),
        (
            [*DEFAULT_CRITERIA[:2], {"characteristic": "gender", "values": ["F", "M", "X"]}],
            "criterion_admits_all_values",
        ),
        ([*DEFAULT_CRITERIA, {"characteristic": "income", "values": ["high"]}], "unknown_characteristic"),
        ("nationality", "invalid"),
    ],
)
def test_three_of_seven_holds_in_the_admin(admin_client, criteria, code):
    before = (Profile.objects.count(), ProfileCriterion.objects.count())
    response = admin_client.post(ADD_PROFILE, profile_form(criteria_json=json.dumps(criteria)))
    assert response.status_code == 200
    assert code in form_errors(response)["criteria_json"]
    assert nothing_saved(before)


@pytest.mark.parametrize("name", ["Etniciteit", "ethnic-origin", "Skin Colour", "r a c e", "religie"])
def test_the_ban_holds_in_the_admin_and_is_audited(admin_client, superuser, name):
    before = (Profile.objects.count(), ProfileCriterion.objects.count())
    criteria = [*DEFAULT_CRITERIA, {"characteristic": name, "values": ["x"]}]
    response = admin_client.post(ADD_PROFILE, profile_form(criteria_json=json.dumps(criteria)))
    assert response.status_code == 200
    assert form_errors(response)["criteria_json"] == ["banned_characteristic"]
    assert "banned" in response.content.decode()
    assert nothing_saved(before)
    assert AuditEvent.objects.filter(event_type="profile.banned_characteristic_refused", actor=superuser).count() == 1


def test_every_problem_is_shown_beside_its_field(admin_client):
    before = (Profile.objects.count(), ProfileCriterion.objects.count())
    start, _end = next_month_window()
    response = admin_client.post(
        ADD_PROFILE,
        profile_form(valid_until=start.isoformat(), justification_necessity="  ", justification_nationality_use=""),
    )
    errors = form_errors(response)
    assert errors["valid_until"] == ["invalid_validity_window"]
    assert errors["justification_necessity"] == ["justification_required"]
    assert errors["justification_nationality_use"] == ["justification_required"]
    assert nothing_saved(before)


@pytest.mark.parametrize(
    "overrides",
    [
        {"criteria_json": "[{not json"},
        {"valid_from": "2026-02-30"},
        {"kind": "ethnic"},
        {"evidence_group_size": "-5"},
        {"evidence_chain_hit_rate": "lots"},
        {"title": "x" * 201},
    ],
)
def test_bad_input_is_a_form_error_not_a_500(admin_client, overrides):
    before = (Profile.objects.count(), ProfileCriterion.objects.count())
    response = admin_client.post(ADD_PROFILE, profile_form(**overrides))
    assert response.status_code == 200 and form_errors(response)
    assert nothing_saved(before)


def test_a_draft_is_changed_through_the_service(admin_client, make_profile, superuser):
    profile = make_profile(author=superuser)  # only the owner changes a draft
    url = reverse("admin:profiles_profile_change", args=[profile.pk])
    page = admin_client.get(url)
    assert page.context["adminform"].form.initial["criteria_json"] == DEFAULT_CRITERIA
    response = admin_client.post(url, profile_form(kind="chance", title="Changed in the admin"))
    assert response.status_code == 302, form_errors(response)
    profile.refresh_from_db()
    assert profile.title == "Changed in the admin" and profile.kind == "chance"
    assert AuditEvent.objects.filter(event_type="profile.updated", actor=superuser).exists()


def test_a_change_that_breaks_a_rule_leaves_the_draft_as_it_was(admin_client, make_profile, superuser):
    profile = make_profile(author=superuser)
    url = reverse("admin:profiles_profile_change", args=[profile.pk])
    response = admin_client.post(url, profile_form(title="Nope", criteria_json=json.dumps(DEFAULT_CRITERIA[:2])))
    assert response.status_code == 200 and "too_few_characteristics" in form_errors(response)["criteria_json"]
    profile.refresh_from_db()
    assert profile.title == "Test profile" and profile.criteria.count() == 3


@pytest.mark.parametrize("final", ["in_review", "approved"])
def test_a_version_past_draft_is_read_only_in_the_admin(admin_client, make_profile, users, final):
    profile = make_profile()
    profile_transition(actor=users["policy_officer"], profile=profile, action="submit")
    if final == "approved":
        profile_transition(actor=users["reviewer"], profile=profile, action="approve")
    url = reverse("admin:profiles_profile_change", args=[profile.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    for name in ("_save", "title", "criteria_json", "valid_until", "justification_necessity"):
        assert f'name="{name}"' not in html, name  # nothing editable
    assert "NGA" in html  # the criteria are shown, read-only
    response = admin_client.post(url, profile_form(title="Edited in place"))
    assert response.status_code == 403
    profile.refresh_from_db()
    assert profile.title == "Test profile" and profile.status == final


def test_only_a_never_submitted_draft_of_ones_own_can_be_deleted(admin_client, superuser, make_profile, users):
    admin_client.post(ADD_PROFILE, profile_form())
    own = Profile.objects.get(created_by=superuser)
    others = make_profile(title="Someone else's")
    submitted = make_profile(title="Submitted", author=superuser)
    profile_transition(actor=superuser, profile=submitted, action="submit")
    for profile in (others, submitted):
        url = reverse("admin:profiles_profile_delete", args=[profile.pk])
        assert admin_client.post(url, {"post": "yes"}).status_code == 403
    assert Profile.objects.filter(pk__in=[others.pk, submitted.pk]).count() == 2
    response = admin_client.post(reverse("admin:profiles_profile_delete", args=[own.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Profile.objects.filter(pk=own.pk).exists()
    assert AuditEvent.objects.filter(event_type="profile.discarded", target_id=str(own.public_id)).exists()


def test_the_list_offers_no_bulk_delete(admin_client, make_profile):
    make_profile()
    page = admin_client.get(reverse("admin:profiles_profile_changelist"))
    assert page.status_code == 200 and "delete_selected" not in page.content.decode()


# --- catalogue codes ------------------------------------------------------------------------

ADD_CODE = reverse("admin:profiles_cataloguecode_add")


def test_a_code_added_in_the_admin_goes_through_the_service(catalogue_client, administrator):
    assert catalogue_client.get(ADD_CODE).status_code == 200
    response = catalogue_client.post(
        ADD_CODE, {"characteristic": "occupation", "code": "Pilot", "label_nl": "Piloot", "label_en": "Pilot"}
    )
    assert response.status_code == 302
    entry = CatalogueCode.objects.get(characteristic="occupation", code="pilot")  # normalised by the service
    assert entry.created_by == administrator and not entry.builtin
    assert AuditEvent.objects.filter(event_type="catalogue.code_added", actor=administrator).exists()


@pytest.mark.parametrize(
    "data,field,code",
    [
        (
            {"characteristic": "occupation", "code": "ethnic_group", "label_nl": "x", "label_en": "y"},
            "code",
            "banned_characteristic",
        ),
        (
            {
                "characteristic": "occupation",
                "code": "priest",
                "label_nl": "Geestelijke",
                "label_en": "Religion worker",
            },
            "label_en",
            "banned_characteristic",
        ),
        (
            {"characteristic": "etniciteit", "code": "x", "label_nl": "x", "label_en": "x"},
            "characteristic",
            "banned_characteristic",
        ),
        (
            {"characteristic": "income", "code": "high", "label_nl": "Hoog", "label_en": "High"},
            "characteristic",
            "unknown_characteristic",
        ),
        (
            {"characteristic": "gender", "code": "Q", "label_nl": "Q", "label_en": "Q"},
            "characteristic",
            "catalogue_fixed",
        ),
        (
            {"characteristic": "nationality", "code": "ZZZ", "label_nl": "Z", "label_en": "Z"},
            "characteristic",
            "catalogue_fixed",
        ),
        (
            {"characteristic": "application_location", "code": "XX123", "label_nl": "x", "label_en": "x"},
            "code",
            "invalid_code",
        ),
        (
            {"characteristic": "occupation", "code": "managers", "label_nl": "x", "label_en": "x"},
            "code",
            "duplicate_code",
        ),
    ],
)
def test_the_catalogue_rules_hold_in_the_admin(catalogue_client, data, field, code):
    before = CatalogueCode.objects.count()
    response = catalogue_client.post(ADD_CODE, data)
    assert response.status_code == 200
    assert code in form_errors(response).get(field, []), form_errors(response)
    assert CatalogueCode.objects.count() == before


def test_a_banned_code_refused_in_the_admin_is_audited(catalogue_client, administrator):
    catalogue_client.post(
        ADD_CODE, {"characteristic": "occupation", "code": "Etniciteit", "label_nl": "x", "label_en": "x"}
    )
    assert AuditEvent.objects.filter(event_type="catalogue.banned_code_refused", actor=administrator).exists()


def test_catalogue_codes_are_neither_changed_nor_deleted(catalogue_client):
    entry = CatalogueCode.objects.get(characteristic="occupation", code="managers")
    change = reverse("admin:profiles_cataloguecode_change", args=[entry.pk])
    assert (
        catalogue_client.post(
            change, {"characteristic": "occupation", "code": "ethnic", "label_nl": "x", "label_en": "x"}
        ).status_code
        == 403
    )
    assert (
        catalogue_client.post(
            reverse("admin:profiles_cataloguecode_delete", args=[entry.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    entry.refresh_from_db()
    assert entry.code == "managers"


# --- read-only trail and jobs ----------------------------------------------------------------


def test_the_audit_trail_is_read_only_for_a_administrator(catalogue_client, make_profile):
    make_profile()
    event = AuditEvent.objects.order_by("seq").first()
    before = list(AuditEvent.objects.order_by("seq").values_list("seq", "hash", "event_type"))
    assert catalogue_client.get(reverse("admin:audit_auditevent_changelist")).status_code == 200
    assert catalogue_client.get(reverse("admin:audit_auditevent_change", args=[event.pk])).status_code == 200
    assert catalogue_client.get(reverse("admin:audit_auditevent_add")).status_code == 403
    assert catalogue_client.post(reverse("admin:audit_auditevent_add"), {"event_type": "forged"}).status_code == 403
    assert (
        catalogue_client.post(
            reverse("admin:audit_auditevent_change", args=[event.pk]), {"event_type": "forged"}
        ).status_code
        == 403
    )
    assert (
        catalogue_client.post(reverse("admin:audit_auditevent_delete", args=[event.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert catalogue_client.post(
        reverse("admin:audit_auditevent_changelist"),
        {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"},
    ).status_code in (200, 302)
    assert list(AuditEvent.objects.order_by("seq").values_list("seq", "hash", "event_type")) == before


def test_the_audit_admin_grants_no_write_permission(rf, superuser):
    from django.contrib import admin

    request = rf.get("/")
    request.user = superuser
    for model in (AuditEvent, Job):
        model_admin = admin.site._registry[model]
        assert not model_admin.has_add_permission(request)
        assert not model_admin.has_change_permission(request)
        assert not model_admin.has_delete_permission(request)
        assert model_admin.has_view_permission(request)


def test_jobs_are_read_only(admin_client, superuser):
    job = Job.objects.create(kind="bias_report", created_by=superuser)
    assert admin_client.get(reverse("admin:jobs_job_change", args=[job.pk])).status_code == 200
    assert (
        admin_client.post(reverse("admin:jobs_job_change", args=[job.pk]), {"status": "succeeded"}).status_code == 403
    )
    assert admin_client.post(reverse("admin:jobs_job_delete", args=[job.pk]), {"post": "yes"}).status_code == 403
    job.refresh_from_db()
    assert job.status == "queued"


# --- users and roles -------------------------------------------------------------------------


def test_roles_are_shown_but_not_edited(admin_client):
    from django.contrib.auth.models import Group

    group = Group.objects.get(name="reviewer")
    before = set(group.permissions.values_list("codename", flat=True))
    assert admin_client.get(reverse("admin:auth_group_change", args=[group.pk])).status_code == 200
    assert (
        admin_client.post(
            reverse("admin:auth_group_change", args=[group.pk]), {"name": "reviewer", "permissions": []}
        ).status_code
        == 403
    )
    assert admin_client.get(reverse("admin:auth_group_add")).status_code == 403
    assert set(group.permissions.values_list("codename", flat=True)) == before


def test_a_user_saved_in_the_admin_is_audited_with_its_roles(admin_client, users, superuser):
    from django.contrib.auth.models import Group

    user = users["nobody"]
    response = admin_client.post(
        reverse("admin:auth_user_change", args=[user.pk]),
        {
            "username": "nobody",
            "is_active": "on",
            "groups": [Group.objects.get(name="auditor").pk],
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
            "first_name": "",
            "last_name": "",
            "email": "",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    event = AuditEvent.objects.filter(event_type="user.updated", actor=superuser).get()
    assert event.data["roles"] == ["auditor"] and event.target_label == "nobody"
    assert (
        "user_permissions"
        not in admin_client.get(reverse("admin:auth_user_change", args=[user.pk])).context["adminform"].form.fields
    )
