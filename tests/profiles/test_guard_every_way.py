"""Issue 7, attack 2: an active profile's criteria were changed in the database by moving a
criterion to a draft. Every guarded table refuses every way a row can move, by direct SQL,
on SQLite and (marked `postgres`) on PostgreSQL."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.utils import DatabaseError

from audit.models import AuditChainHead, AuditEvent
from profiles.models import Profile, ProfileCriterion, ProfileStatus, ProfileTransition
from profiles.services import profile_transition
from tests.conftest import current_window

pytestmark = pytest.mark.django_db

REFUSED = (IntegrityError, DatabaseError)


def sql(statement: str, params=()) -> int:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.rowcount


def refused_sql(statement: str, params=()) -> None:
    with pytest.raises(REFUSED), transaction.atomic():
        sql(statement, params)


@pytest.fixture
def active_and_draft(users, make_profile):
    active = make_profile(window=current_window(), title="active")
    profile_transition(actor=users["policy_officer"], profile=active, action="submit")
    active = profile_transition(actor=users["reviewer"], profile=active, action="approve")
    assert active.status == ProfileStatus.ACTIVE
    draft = make_profile(title="draft")
    return active, draft


def _criteria_attacks(active, draft) -> None:
    # The reproduction of the issue: move a criterion of the active profile to a draft.
    refused_sql(
        "UPDATE profiles_profilecriterion SET profile_id = %s WHERE profile_id = %s AND characteristic = 'gender'",
        [draft.pk, active.pk],
    )
    # … and the other way round: a draft's criterion onto the active profile.
    refused_sql(
        "UPDATE profiles_profilecriterion SET profile_id = %s WHERE profile_id = %s AND characteristic = 'gender'",
        [active.pk, draft.pk],
    )
    refused_sql(
        "DELETE FROM profiles_profilecriterion WHERE profile_id = %s AND characteristic = 'gender'", [active.pk]
    )
    refused_sql(
        "UPDATE profiles_profilecriterion SET characteristic = 'age_group', \"values\" = '[\"18-24\"]' "
        "WHERE profile_id = %s AND characteristic = 'gender'",
        [active.pk],
    )
    refused_sql(
        'INSERT INTO profiles_profilecriterion (profile_id, characteristic, "values", position) '
        "VALUES (%s, 'age_group', '[\"18-24\"]', 9)",
        [active.pk],
    )
    assert sorted(ProfileCriterion.objects.filter(profile=active).values_list("characteristic", flat=True)) == [
        "gender",
        "nationality",
        "travel_purpose",
    ]
    # A draft's own criteria still change freely.
    assert (
        sql("DELETE FROM profiles_profilecriterion WHERE profile_id = %s AND characteristic = 'gender'", [draft.pk])
        == 1
    )


def _profile_and_transition_attacks(active) -> None:
    refused_sql("DELETE FROM profiles_profile WHERE id = %s", [active.pk])
    refused_sql("UPDATE profiles_profile SET id = id + 100000 WHERE id = %s", [active.pk])
    refused_sql("UPDATE profiles_profile SET approved_by_id = created_by_id WHERE id = %s", [active.pk])
    refused_sql("UPDATE profiles_profile SET submitted_by_id = NULL WHERE id = %s", [active.pk])
    transition = ProfileTransition.objects.filter(profile=active).first()
    refused_sql("UPDATE profiles_profiletransition SET comment = 'rewritten' WHERE id = %s", [transition.pk])
    refused_sql("UPDATE profiles_profiletransition SET profile_id = %s WHERE id = %s", [active.pk + 1, transition.pk])
    refused_sql("DELETE FROM profiles_profiletransition WHERE id = %s", [transition.pk])
    assert Profile.objects.filter(pk=active.pk, status=ProfileStatus.ACTIVE).exists()


def _audit_attacks() -> None:
    head = AuditChainHead.objects.get()
    first = AuditEvent.objects.order_by("seq").first()
    refused_sql("DELETE FROM audit_auditevent WHERE seq = %s", [first.seq])
    refused_sql("UPDATE audit_auditchainhead SET seq = seq - 1")
    refused_sql("UPDATE audit_auditchainhead SET seq = 0, hash = %s", ["0" * 64])
    refused_sql("UPDATE audit_auditchainhead SET hash = %s", ["f" * 64])
    refused_sql("UPDATE audit_auditchainhead SET seq = seq + 1")  # no such event
    refused_sql("DELETE FROM audit_auditchainhead")
    refused_sql("INSERT INTO audit_auditchainhead (singleton, seq, hash) VALUES (false, 5, %s)", ["a" * 64])
    assert AuditChainHead.objects.get().seq == head.seq
    # The trail still verifies: nothing above got through.
    from audit.selectors import audit_chain_verify

    assert audit_chain_verify().intact


def test_sqlite_refuses_every_move_of_a_guarded_row(active_and_draft):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite triggers")
    active, draft = active_and_draft
    _criteria_attacks(active, draft)
    _profile_and_transition_attacks(active)
    _audit_attacks()


@pytest.mark.postgres
def test_postgres_refuses_every_move_of_a_guarded_row(on_postgres, active_and_draft):
    active, draft = active_and_draft
    _criteria_attacks(active, draft)
    _profile_and_transition_attacks(active)
    _audit_attacks()


@pytest.mark.postgres
@pytest.mark.parametrize(
    "table",
    [
        "profiles_profile",
        "profiles_profilecriterion",
        "profiles_profiletransition",
        "audit_auditevent",
        "audit_auditchainhead",
        "reports_biasreport",
        "reports_reportartifact",
        "reports_reportfinding",
        "reports_followupaction",
    ],
)
def test_postgres_refuses_truncate(on_postgres, active_and_draft, table):
    refused_sql(f"TRUNCATE {table} CASCADE")
    assert Profile.objects.exists() and AuditEvent.objects.exists()


def test_the_service_still_discards_a_draft_and_records_the_workflow(users, make_profile):
    """The guards leave the services' own writes alone: a discarded draft goes, a reopened
    version loses a sign-off given to content that will change."""
    from profiles.services import profile_delete_draft

    draft = make_profile(title="to discard")
    profile_delete_draft(actor=users["policy_officer"], profile=draft)
    assert not Profile.objects.filter(pk=draft.pk).exists()

    risk = make_profile(kind="risk", window=current_window(), title="risk")
    profile_transition(actor=users["policy_officer"], profile=risk, action="submit")
    profile_transition(actor=users["dpo"], profile=risk, action="dpo_sign_off")
    profile_transition(actor=users["reviewer"], profile=risk, action="request_changes", comment="more evidence")
    reopened = profile_transition(actor=users["policy_officer"], profile=risk, action="reopen")
    assert reopened.status == ProfileStatus.DRAFT and reopened.dpo_signed_off_by_id is None
