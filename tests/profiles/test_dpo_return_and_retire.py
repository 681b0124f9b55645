"""The DPO's return with reasons, the format of new catalogue codes, and retiring a code:
the rules in the services, then the same rules at the database for code that skips them."""

import pytest
from django.db import transaction

from audit.models import AuditEvent
from problems import DomainError
from profiles.characteristics import code_format_ok, collation_key
from profiles.models import CatalogueCode, Profile, ProfileStatus
from profiles.selectors import catalogue_choices
from profiles.services import (
    catalogue_code_add,
    catalogue_code_check,
    catalogue_code_retire,
    profile_create,
    profile_new_version,
    profile_transition,
)
from profiles.workflow import actions_available
from tests.conftest import DEFAULT_CRITERIA, current_window, next_month_window
from tests.profiles.test_database_guards import REFUSED


def codes_of(excinfo) -> set[str]:
    return set(excinfo.value.codes)


@pytest.fixture
def risk_in_review(users, make_profile):
    profile = make_profile(kind="risk")
    return profile_transition(actor=users["policy_officer"], profile=profile, action="submit")


# --- dpo_return --------------------------------------------------------------------------------


def test_dpo_returns_a_risk_profile_in_review_with_reasons(users, risk_in_review):
    returned = profile_transition(
        actor=users["dpo"],
        profile=risk_in_review,
        action="dpo_return",
        comment="Necessity is not shown for nationality.",
    )
    assert returned.status == ProfileStatus.CHANGES_REQUESTED
    event = AuditEvent.objects.filter(event_type="profile.dpo_return").get()
    assert event.data["comment"] == "Necessity is not shown for nationality." and event.actor_username == "dpo"
    # The author reopens it, and it goes through review again.
    draft = profile_transition(actor=users["policy_officer"], profile=returned, action="reopen")
    assert draft.status == ProfileStatus.DRAFT


def test_dpo_returns_an_approved_risk_profile_and_the_approval_no_longer_holds(users, make_profile):
    profile = make_profile(kind="risk", window=current_window())
    profile_transition(actor=users["policy_officer"], profile=profile, action="submit")
    approved = profile_transition(actor=users["reviewer"], profile=profile, action="approve")
    assert approved.status == ProfileStatus.APPROVED  # waits for the DPO
    returned = profile_transition(actor=users["dpo"], profile=approved, action="dpo_return", comment="No.")
    assert returned.status == ProfileStatus.CHANGES_REQUESTED
    assert returned.approved_by is None and returned.approved_at is None
    assert list(returned.transitions.values_list("action", flat=True)) == ["submit", "approve", "dpo_return"]


def test_dpo_return_needs_a_reason_the_dpo_role_and_a_risk_profile(users, risk_in_review, make_profile):
    with pytest.raises(DomainError) as missing:
        profile_transition(actor=users["dpo"], profile=risk_in_review, action="dpo_return", comment="  ")
    assert codes_of(missing) == {"comment_required"} and missing.value.problems[0].field == "comment"
    for name in ("reviewer", "policy_officer", "auditor", "admin"):
        with pytest.raises(DomainError) as wrong_role:
            profile_transition(actor=users[name], profile=risk_in_review, action="dpo_return", comment="x")
        assert wrong_role.value.status == 403
    chance = make_profile()
    chance = profile_transition(actor=users["policy_officer"], profile=chance, action="submit")
    with pytest.raises(DomainError) as not_risk:
        profile_transition(actor=users["dpo"], profile=chance, action="dpo_return", comment="x")
    assert codes_of(not_risk) == {"not_a_risk_profile"}
    assert Profile.objects.get(pk=risk_in_review.pk).status == ProfileStatus.IN_REVIEW
    refusals = AuditEvent.objects.filter(event_type="profile.refused", data__action="dpo_return")
    assert refusals.count() == 6


def test_dpo_return_is_offered_only_where_the_workflow_allows_it():
    assert "dpo_return" in actions_available(status="in_review", kind="risk", signed_off=False)
    assert "dpo_return" in actions_available(status="approved", kind="risk", signed_off=False)
    assert "dpo_return" not in actions_available(status="approved", kind="risk", signed_off=True)
    assert "dpo_return" not in actions_available(status="active", kind="risk", signed_off=True)
    assert "dpo_return" not in actions_available(status="in_review", kind="chance", signed_off=False)


def test_dpo_return_refuses_while_a_newer_version_is_open(users, make_profile):
    profile = make_profile(kind="risk", window=next_month_window())
    profile_transition(actor=users["policy_officer"], profile=profile, action="submit")
    approved = profile_transition(actor=users["reviewer"], profile=profile, action="approve")
    profile_new_version(actor=users["policy_officer"], profile=approved)
    with pytest.raises(DomainError) as open_version:
        profile_transition(actor=users["dpo"], profile=approved, action="dpo_return", comment="No.")
    assert codes_of(open_version) == {"version_open"}


def test_database_allows_approved_to_changes_requested_but_not_active_to_draft(users, make_profile):
    profile = make_profile(kind="risk", window=next_month_window())
    profile_transition(actor=users["policy_officer"], profile=profile, action="submit")
    approved = profile_transition(actor=users["reviewer"], profile=profile, action="approve")
    Profile.objects.filter(pk=approved.pk).update(status="changes_requested", approved_by=None, approved_at=None)
    with pytest.raises(REFUSED), transaction.atomic():
        Profile.objects.filter(pk=approved.pk).update(status="approved")  # not a workflow step


# --- formats -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("characteristic", "code", "ok"),
    [
        ("age_group", "25-34", True),
        ("age_group", "65+", True),
        ("age_group", "34-25", False),
        ("age_group", "NLAMS", False),
        ("age_group", "nlams", False),
        ("age_group", "18-", False),
        ("occupation", "craft_trades", True),
        ("occupation", "Craft Trades", False),
        ("occupation", "x", False),
        ("application_location", "NLAMS", True),
        ("application_location", "QQAMS", False),
        ("application_location", "25-34", False),
        ("nationality", "NLD", True),
        ("nationality", "NL", False),
        ("gender", "F", True),
        ("gender", "Q", False),
    ],
)
def test_every_characteristic_has_a_code_format(characteristic, code, ok):
    assert code_format_ok(characteristic, code) is ok


def test_a_post_typed_under_age_group_is_refused_and_audited(users):
    with pytest.raises(DomainError) as wrong:
        catalogue_code_add(
            actor=users["admin"], characteristic="age_group", code="nlams", label_nl="Amsterdam", label_en="Amsterdam"
        )
    assert codes_of(wrong) == {"invalid_code"} and "25-34" in str(wrong.value.problems[0].message)
    assert not CatalogueCode.objects.filter(code__iexact="nlams").exists()
    assert AuditEvent.objects.filter(event_type="catalogue.code_refused", data__code="nlams").exists()


def test_no_characteristic_chosen_is_a_clear_error(users):
    with pytest.raises(DomainError) as none:
        catalogue_code_check(actor=users["admin"], characteristic="", code="pilot", label_nl="P", label_en="P")
    assert codes_of(none) == {"required"} and none.value.problems[0].field == "characteristic"


def test_the_check_shows_the_code_as_stored_and_adds_nothing(users):
    assert (
        catalogue_code_check(
            actor=users["admin"],
            characteristic="application_location",
            code=" nlams ",
            label_nl="Amsterdam",
            label_en="Amsterdam",
        )
        == "NLAMS"
    )
    assert not CatalogueCode.objects.filter(code="NLAMS").exists()


# --- retiring ----------------------------------------------------------------------------------


def test_a_retired_code_is_kept_but_no_longer_offered_or_accepted(users):
    entry = catalogue_code_add(
        actor=users["admin"],
        characteristic="application_location",
        code="NLAMS",
        label_nl="Amsterdam",
        label_en="Amsterdam",
    )
    retired = catalogue_code_retire(
        actor=users["admin"], characteristic="application_location", code="NLAMS", reason="Typed by mistake"
    )
    assert retired.pk == entry.pk and retired.retired_at is not None and retired.retired_by == users["admin"]
    assert AuditEvent.objects.filter(event_type="catalogue.code_retired", data__reason="Typed by mistake").exists()
    assert "NLAMS" in dict(catalogue_choices()["application_location"])  # labels for history
    assert "NLAMS" not in dict(catalogue_choices(offered_only=True)["application_location"])
    start, end = next_month_window()
    with pytest.raises(DomainError) as refused:
        profile_create(
            actor=users["policy_officer"],
            kind="chance",
            title="t",
            valid_from=start,
            valid_until=end,
            criteria=[
                {"characteristic": "application_location", "values": ["NLAMS"]},
                *DEFAULT_CRITERIA[:1],
                *DEFAULT_CRITERIA[2:],
            ],
        )
    assert "retired_code" in codes_of(refused)
    with pytest.raises(DomainError) as again:
        catalogue_code_retire(actor=users["admin"], characteristic="application_location", code="NLAMS", reason="twice")
    assert codes_of(again) == {"already_retired"}


def test_a_draft_does_not_block_retiring_but_is_refused_at_submission(users, make_profile):
    criteria = [
        {"characteristic": "application_location", "values": ["SRPBM"]},
        *DEFAULT_CRITERIA[:1],
        *DEFAULT_CRITERIA[2:],
    ]
    draft = make_profile(criteria=criteria)
    catalogue_code_retire(
        actor=users["admin"], characteristic="application_location", code="SRPBM", reason="Post closed"
    )
    with pytest.raises(DomainError) as refused:
        profile_transition(actor=users["policy_officer"], profile=draft, action="submit")
    assert codes_of(refused) == {"retired_code"}


def test_a_post_used_by_a_profile_in_review_cannot_be_retired(users, make_profile):
    criteria = [
        {"characteristic": "application_location", "values": ["SRPBM"]},
        *DEFAULT_CRITERIA[:1],
        *DEFAULT_CRITERIA[2:],
    ]
    profile = make_profile(criteria=criteria)
    profile_transition(actor=users["policy_officer"], profile=profile, action="submit")
    with pytest.raises(DomainError) as in_use:
        catalogue_code_retire(
            actor=users["admin"], characteristic="application_location", code="SRPBM", reason="closed"
        )
    assert codes_of(in_use) == {"code_in_use"} and profile.code in str(in_use.value.problems[0].message)
    # An insider skipping the service meets the database's guard.
    with pytest.raises(REFUSED), transaction.atomic():
        CatalogueCode.objects.filter(characteristic="application_location", code="SRPBM").update(
            retired_at="2026-01-01T00:00:00Z"
        )
    assert CatalogueCode.objects.get(characteristic="application_location", code="SRPBM").retired_at is None


def test_only_an_administrator_retires_and_only_extendable_codes(users):
    for name in ("policy_officer", "reviewer", "dpo", "auditor"):
        with pytest.raises(DomainError) as wrong_role:
            catalogue_code_retire(actor=users[name], characteristic="application_location", code="SRPBM", reason="x")
        assert wrong_role.value.status == 403
    with pytest.raises(DomainError) as fixed:
        catalogue_code_retire(actor=users["admin"], characteristic="gender", code="X", reason="x")
    assert codes_of(fixed) == {"catalogue_fixed"}
    with pytest.raises(DomainError) as no_reason:
        catalogue_code_retire(actor=users["admin"], characteristic="application_location", code="SRPBM", reason="")
    assert codes_of(no_reason) == {"comment_required"}


# --- sorting -----------------------------------------------------------------------------------


def test_long_catalogues_sort_by_label_in_the_page_language(db):
    dutch = [label for _code, label in catalogue_choices(language="nl")["nationality"]]
    english = [label for _code, label in catalogue_choices(language="en")["nationality"]]
    assert dutch == sorted(dutch, key=collation_key) and english == sorted(english, key=collation_key)
    # Accents do not count: Égypte-like names sort by their letter, not after Z.
    assert collation_key("Égypte") < collation_key("Frankrijk") and collation_key("'s-Hertogenbosch") < collation_key(
        "Tilburg"
    )
    assert dutch.index("Duitsland") < dutch.index("Nederland")
    age = [code for code, _label in catalogue_choices()["age_group"]]
    assert age == ["0-17", "18-24", "25-34", "35-44", "45-54", "55-64", "65+"]  # natural order kept
