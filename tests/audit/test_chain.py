"""The audit trail's hash chain: tampering of every kind is found and named."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, IntegrityError, connection, transaction

from audit.models import AuditEvent
from audit.selectors import audit_chain_verify
from audit.services import audit_event_record


class Trail(list):
    """Five test events after whatever the migrations wrote; `seq(k)` is the k-th one's number."""

    base = 0

    def seq(self, k: int) -> int:
        return self.base + k


@pytest.fixture(autouse=True)
def english():
    # The verdict's reason is translated; these tests read the English one.
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def trail(db):
    result = Trail()
    result.base = AuditEvent.objects.count()
    for i in range(5):
        audit_event_record(
            event_type="test.event", target_type="test", target_id=str(i), data={"i": i, "x": [1.5, "é"]}
        )
    result.extend(AuditEvent.objects.filter(seq__gt=result.base).order_by("seq"))
    return result


def lift_audit_guards() -> None:
    """What an insider with the database in hand can do: switch off every trigger that
    guards the audit tables (events and chain head), for this transaction."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
            return
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN "
            "('audit_auditevent', 'audit_auditchainhead')"
        )
        for (name,) in cursor.fetchall():
            cursor.execute(f'DROP TRIGGER "{name}"')


@pytest.fixture
def tamper(db):
    """Lift the database's append-only guard inside this test's transaction, as an
    attacker with direct database access could; the chain must still tell."""
    lift_audit_guards()

    def run(sql, params=()):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)

    return run


def verify_command() -> tuple[int, str]:
    try:
        call_command("verify_audit_trail")
        return 0, ""
    except CommandError as error:
        return error.returncode, str(error)


def test_intact_chain_verifies(trail):
    verdict = audit_chain_verify()
    assert verdict.intact and verdict.checked == trail.seq(5)
    assert verify_command()[0] == 0


def test_each_event_links_to_the_previous(trail):
    assert [e.seq for e in trail] == [trail.seq(k) for k in range(1, 6)]
    assert all(later.prev_hash == earlier.hash for earlier, later in zip(trail, trail[1:], strict=False))


def test_edited_event_is_detected(trail, tamper):
    tamper("UPDATE audit_auditevent SET data = %s WHERE seq = %s", ['{"i": 99, "x": [1.5, "é"]}', trail.seq(3)])
    verdict = audit_chain_verify()
    assert not verdict.intact and verdict.first_bad_seq == trail.seq(3) and "edited" in verdict.reason
    code, message = verify_command()
    assert code == 1 and f"#{trail.seq(3)}" in message


def test_edited_actor_is_detected(trail, tamper):
    tamper("UPDATE audit_auditevent SET actor_username = 'someone_else' WHERE seq = %s", [trail.seq(2)])
    assert audit_chain_verify().first_bad_seq == trail.seq(2)


def test_deleted_event_is_detected(trail, tamper):
    tamper("DELETE FROM audit_auditevent WHERE seq = %s", [trail.seq(2)])
    verdict = audit_chain_verify()
    assert not verdict.intact and verdict.first_bad_seq == trail.seq(3)
    assert verify_command()[0] == 1


def test_deleted_last_event_is_detected(trail, tamper):
    tamper("DELETE FROM audit_auditevent WHERE seq = %s", [trail.seq(5)])
    verdict = audit_chain_verify()
    assert not verdict.intact and "head" in verdict.reason


def test_reordered_events_are_detected(trail, tamper):
    # Swap the sequence numbers of #2 and #3, as if history were rewritten.
    two, three = trail.seq(2), trail.seq(3)
    tamper("UPDATE audit_auditevent SET seq = 100000 WHERE seq = %s", [two])
    tamper("UPDATE audit_auditevent SET seq = %s WHERE seq = %s", [two, three])
    tamper("UPDATE audit_auditevent SET seq = %s WHERE seq = 100000", [three])
    verdict = audit_chain_verify()
    assert not verdict.intact and verdict.first_bad_seq == two and "link" in verdict.reason


def test_recomputed_hash_without_relinking_is_detected(trail, tamper):
    # Even a forger who holds the key and fixes the edited event's own hash: the next link breaks.
    from audit.chain import event_mac

    event = trail[2]
    forged = event_mac(
        seq=event.seq,
        prev_hash=event.prev_hash,
        created_at=event.created_at.isoformat(),
        actor_username=event.actor_username,
        event_type=event.event_type,
        target_type=event.target_type,
        target_id=event.target_id,
        target_label=event.target_label,
        data={"i": 99, "x": [1.5, "é"]},
    )
    tamper(
        "UPDATE audit_auditevent SET data = %s, hash = %s WHERE seq = %s",
        ['{"i": 99, "x": [1.5, "é"]}', forged, trail.seq(3)],
    )
    verdict = audit_chain_verify()
    assert not verdict.intact and verdict.first_bad_seq == trail.seq(4)


def test_the_database_refuses_updates(trail):
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        AuditEvent.objects.filter(seq=trail.seq(1)).update(event_type="changed")


@pytest.mark.postgres
def test_postgres_refuses_deletes(on_postgres, trail):
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        AuditEvent.objects.filter(seq=trail.seq(1)).delete()
    assert AuditEvent.objects.count() == trail.seq(5)


def test_login_logout_and_refused_login_are_audited(client, users):
    # Through the sign-in form, as a person does (the lock-out guard needs the request).
    refused = client.post("/login/", {"username": "reviewer", "password": "wrong"})
    assert refused.status_code == 200 and "_auth_user_id" not in client.session
    assert client.post("/login/", {"username": "reviewer", "password": "pw-reviewer"}).status_code == 302
    client.post("/logout/")
    types = list(AuditEvent.objects.order_by("seq").values_list("event_type", flat=True))
    assert types[-3:] == ["auth.login_failed", "auth.login", "auth.logout"]
    failed = AuditEvent.objects.get(event_type="auth.login_failed")
    assert failed.data["username"] == "reviewer" and failed.actor is None


def test_every_profile_change_is_in_the_trail(users, make_profile):
    from profiles.services import profile_transition, profile_update

    profile = make_profile()
    profile_update(actor=users["policy_officer"], profile=profile, title="Second title")
    profile_transition(actor=users["policy_officer"], profile=profile, action="submit", comment="ready")
    events = AuditEvent.objects.filter(target_id=str(profile.public_id)).order_by("seq")
    assert [e.event_type for e in events] == ["profile.created", "profile.updated", "profile.submit"]
    updated = events[1]
    assert updated.data["before"]["title"] == "Test profile" and updated.data["after"]["title"] == "Second title"
    assert events[2].data == {"from": "draft", "to": "in_review", "comment": "ready"}
    assert audit_chain_verify().intact


def test_a_refused_banned_attempt_is_audited_as_such(users):
    from problems import DomainError
    from profiles.services import profile_create
    from tests.conftest import next_month_window

    start, end = next_month_window()
    with pytest.raises(DomainError):
        profile_create(
            actor=users["policy_officer"],
            kind="chance",
            title="x",
            valid_from=start,
            valid_until=end,
            criteria=[
                {"characteristic": "Etniciteit", "values": ["x"]},
                {"characteristic": "travel_purpose", "values": ["tourism"]},
                {"characteristic": "gender", "values": ["M"]},
            ],
        )
    event = AuditEvent.objects.get(event_type="profile.banned_characteristic_refused")
    assert event.actor == users["policy_officer"] and "banned_characteristic" in event.data["codes"]
