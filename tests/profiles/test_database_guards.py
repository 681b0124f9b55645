"""The direct-save door: code that skips the services still meets the database's guards
(constraints on both engines; triggers on PostgreSQL and SQLite)."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.utils import DatabaseError

from profiles.models import CatalogueCode, Profile, ProfileCriterion, ProfileStatus
from profiles.services import profile_transition
from tests.conftest import current_window

REFUSED = (IntegrityError, DatabaseError)


def approved(users, make_profile, **kwargs):
    profile = make_profile(window=current_window(), **kwargs)
    profile_transition(actor=users["policy_officer"], profile=profile, action="submit")
    return profile_transition(actor=users["reviewer"], profile=profile, action="approve")


def refused(fn):
    with pytest.raises(REFUSED), transaction.atomic():
        fn()


def test_approved_version_cannot_be_edited_by_a_direct_save(users, make_profile):
    profile = approved(users, make_profile)
    profile.title = "Edited in place"
    refused(profile.save)
    refused(lambda: Profile.objects.filter(pk=profile.pk).update(valid_until=profile.valid_until.replace(day=1)))
    profile.refresh_from_db()
    assert profile.title == "Test profile"


def test_criteria_of_an_approved_version_cannot_change(users, make_profile):
    profile = approved(users, make_profile)
    criterion = profile.criteria.get(characteristic="gender")
    refused(lambda: ProfileCriterion.objects.filter(pk=criterion.pk).update(values=["F"]))
    refused(lambda: ProfileCriterion.objects.create(profile=profile, characteristic="age_group", values=["18-24"]))


def test_status_cannot_skip_the_workflow(users, make_profile):
    profile = make_profile()
    refused(lambda: Profile.objects.filter(pk=profile.pk).update(status=ProfileStatus.ACTIVE))


def test_a_profile_cannot_be_inserted_already_approved(users):
    refused(
        lambda: Profile.objects.create(
            code="P-X",
            kind="chance",
            title="x",
            status=ProfileStatus.IN_REVIEW,
            valid_from="2026-01-01",
            valid_until="2026-01-10",
            created_by=users["policy_officer"],
            owner=users["policy_officer"],
        )
    )


def test_submitting_below_three_of_seven_is_refused_by_the_database(users, make_profile):
    profile = make_profile()
    ProfileCriterion.objects.filter(profile=profile, characteristic="gender").delete()
    refused(lambda: Profile.objects.filter(pk=profile.pk).update(status=ProfileStatus.IN_REVIEW))


def test_submitting_without_an_application_characteristic_is_refused_by_the_database(users, make_profile):
    profile = make_profile()
    ProfileCriterion.objects.filter(profile=profile, characteristic="travel_purpose").update(
        characteristic="age_group", values=["18-24"]
    )
    refused(lambda: Profile.objects.filter(pk=profile.pk).update(status=ProfileStatus.IN_REVIEW))


def test_criterion_values_must_exist_in_the_catalogue(users, make_profile):
    profile = make_profile()
    refused(
        lambda: ProfileCriterion.objects.filter(profile=profile, characteristic="nationality").update(
            values=["ETHNIC_ARAB"]
        )
    )
    refused(lambda: ProfileCriterion.objects.filter(profile=profile, characteristic="nationality").update(values=[]))


def test_an_eighth_characteristic_cannot_be_stored(users, make_profile):
    profile = make_profile()
    refused(lambda: ProfileCriterion.objects.create(profile=profile, characteristic="ethnicity", values=["x"]))
    refused(lambda: CatalogueCode.objects.create(characteristic="religion", code="x", label_nl="x", label_en="x"))


@pytest.mark.parametrize("code, label", [("ETHNIC1", "x"), ("x1", "Etnische groep"), ("race", "x"), ("x2", "Religie")])
def test_banned_catalogue_codes_cannot_be_stored_directly(db, code, label):
    refused(lambda: CatalogueCode.objects.create(characteristic="occupation", code=code, label_nl=label, label_en="y"))


def test_four_eyes_holds_in_the_database(users, make_profile):
    profile = make_profile()
    profile_transition(actor=users["policy_officer"], profile=profile, action="submit")
    refused(
        lambda: Profile.objects.filter(pk=profile.pk).update(
            status=ProfileStatus.APPROVED, approved_by=users["policy_officer"], approved_at="2026-01-01T00:00:00Z"
        )
    )


def test_active_risk_profile_needs_a_sign_off_in_the_database(users, make_profile):
    profile = approved(users, make_profile, kind="risk")
    assert profile.status == ProfileStatus.APPROVED
    refused(lambda: Profile.objects.filter(pk=profile.pk).update(status=ProfileStatus.ACTIVE))


@pytest.mark.postgres
def test_an_approved_version_cannot_be_deleted(on_postgres, users, make_profile):
    profile = approved(users, make_profile)
    refused(lambda: Profile.objects.filter(pk=profile.pk).delete())
    assert Profile.objects.filter(pk=profile.pk).exists()


def test_the_engine_guards_are_installed(db):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        names = {row[0] for row in cursor.fetchall()}
    expected = (
        {"profile_guard", "profile_criterion_guard", "audit_event_append_only"}
        if connection.vendor == "postgresql"
        else {"profile_content_immutable", "criterion_insert_guard", "audit_event_no_update"}
    )
    assert expected <= names
