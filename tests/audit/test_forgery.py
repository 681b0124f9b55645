"""An insider with the database in hand cannot forge the trail: the chain is keyed with a
key outside the database, a truncated table is caught by checkpoints written outside it,
and verification reads one snapshot, so others' writes are never mistaken for a break."""

import json
import subprocess
import sys
import threading

import pytest
from django.db import connection

from audit.chain import KEYED_MARKER, event_hash, event_mac
from audit.models import AuditChainHead, AuditEvent
from audit.selectors import audit_chain_verify
from audit.services import audit_checkpoint_write, audit_event_record

from .test_chain import english, lift_audit_guards, tamper  # noqa: F401  (fixtures: English verdicts, lifting the guard)


def append(n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        audit_event_record(event_type="test.event", target_type="test", target_id=str(i), data={"i": i})


def rehash_from(seq: int, *, digest) -> None:
    """What a forger does after an edit: recompute every hash from `seq` on, then the head."""
    prev = AuditEvent.objects.get(seq=seq - 1).hash if seq > 1 else "0" * 64
    with connection.cursor() as cursor:
        for event in AuditEvent.objects.filter(seq__gte=seq).order_by("seq"):
            new = digest(
                seq=event.seq,
                prev_hash=prev,
                created_at=event.created_at.isoformat(),
                actor_username=event.actor_username,
                event_type=event.event_type,
                target_type=event.target_type,
                target_id=event.target_id,
                target_label=event.target_label,
                data=event.data,
            )
            cursor.execute(
                "UPDATE audit_auditevent SET prev_hash = %s, hash = %s WHERE seq = %s", [prev, new, event.seq]
            )
            prev = new
        cursor.execute("UPDATE audit_auditchainhead SET hash = %s", [prev])


def wrong_key(**content) -> str:
    return event_mac(**content, key=b"a guess at the key")


@pytest.mark.parametrize("digest", [event_hash, wrong_key], ids=["plain-sha256", "wrong-key"])
def test_an_edit_rehashed_to_the_end_is_detected(db, tamper, digest):  # noqa: F811
    append(6)
    victim = AuditEvent.objects.order_by("seq")[2]
    tamper("UPDATE audit_auditevent SET data = %s WHERE seq = %s", [json.dumps({"i": 99}), victim.seq])
    rehash_from(victim.seq, digest=digest)
    verdict = audit_chain_verify()
    assert not verdict.intact and verdict.first_bad_seq == victim.seq and "edited" in verdict.reason


@pytest.mark.postgres
def test_on_postgres_a_superuser_who_drops_the_trigger_and_rehashes_is_caught(on_postgres):
    append(5)
    victim = AuditEvent.objects.order_by("seq")[1]
    with connection.cursor() as cursor:
        # Every guard of the audit tables, as a database superuser could (the test's
        # transaction puts them back).
        cursor.execute("DROP TRIGGER audit_event_append_only ON audit_auditevent")
        cursor.execute("DROP TRIGGER audit_head_guard ON audit_auditchainhead")
        cursor.execute("UPDATE audit_auditevent SET actor_username = 'someone-else' WHERE seq = %s", [victim.seq])
    rehash_from(victim.seq, digest=event_hash)
    verdict = audit_chain_verify()
    assert not verdict.intact and verdict.first_bad_seq == victim.seq


@pytest.mark.postgres
def test_on_postgres_a_truncated_trail_is_caught_by_the_checkpoint(on_postgres, settings, tmp_path):
    settings.IOB_AUDIT_CHECKPOINT_DIR = str(tmp_path)
    append(4)
    assert audit_checkpoint_write() == AuditEvent.objects.count()
    assert audit_chain_verify().intact
    with connection.cursor() as cursor:
        # As a superuser would: past any trigger (a TRUNCATE guard included), then truncate.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("TRUNCATE audit_auditevent, audit_auditchainhead")
    assert AuditEvent.objects.count() == 0
    verdict = audit_chain_verify()
    assert not verdict.intact and "missing" in verdict.reason


def test_events_cut_off_the_end_with_the_head_wound_back_are_caught(db, tamper, settings, tmp_path):  # noqa: F811
    settings.IOB_AUDIT_CHECKPOINT_DIR = str(tmp_path)
    append(5)
    audit_checkpoint_write()
    last_two = list(AuditEvent.objects.order_by("-seq")[:2])
    keep = AuditEvent.objects.order_by("-seq")[2]
    for event in last_two:
        tamper("DELETE FROM audit_auditevent WHERE seq = %s", [event.seq])
    tamper("UPDATE audit_auditchainhead SET seq = %s, hash = %s", [keep.seq, keep.hash])
    verdict = audit_chain_verify()
    assert not verdict.intact and "missing" in verdict.reason


def test_a_forged_checkpoint_file_is_refused(db, settings, tmp_path):
    settings.IOB_AUDIT_CHECKPOINT_DIR = str(tmp_path)
    append(2)
    (tmp_path / "audit-checkpoints.jsonl").write_text(json.dumps({"seq": 1, "hash": "x", "at": "", "mac": "y"}) + "\n")
    assert not audit_chain_verify().intact


def make_sealed_plain_chain() -> None:
    """Three events as the code before the key wrote them, then the migration's seal."""
    from importlib import import_module

    from django.apps import apps
    from django.utils import timezone

    seal = import_module("audit.migrations.0005_keyed_chain").seal
    # As if this trail were the whole history written before the key.
    lift_audit_guards()
    AuditEvent.objects.all().delete()
    prev = "0" * 64
    for seq in range(1, 4):  # as the code before this change wrote them
        created = timezone.now()
        digest = event_hash(
            seq=seq,
            prev_hash=prev,
            created_at=created.isoformat(),
            actor_username="old",
            event_type="legacy",
            target_type="",
            target_id="",
            target_label="",
            data={"n": seq},
        )
        AuditEvent.objects.create(
            seq=seq,
            created_at=created,
            actor_username="old",
            event_type="legacy",
            data={"n": seq},
            prev_hash=prev,
            hash=digest,
        )
        prev = digest
    AuditChainHead.objects.update_or_create(singleton=True, defaults={"seq": 3, "hash": prev})
    seal(apps, None)


def test_plain_events_written_before_the_key_are_sealed_and_stay_verifiable(db):
    make_sealed_plain_chain()
    marker = AuditEvent.objects.get(event_type=KEYED_MARKER)
    assert marker.seq == 4 and marker.data["plain_chain_intact"] is True
    append(2)
    assert audit_chain_verify().intact and audit_chain_verify().checked == 6


def test_a_sealed_plain_event_rehashed_breaks_at_the_seal(db, tamper):  # noqa: F811
    make_sealed_plain_chain()
    tamper("UPDATE audit_auditevent SET data = %s WHERE seq = 2", [json.dumps({"n": 20})])
    # The forger can redo the plain hashes up to the seal, but not the seal's keyed hash.
    rehash_from(2, digest=lambda **c: event_hash(**c) if c["seq"] < 4 else wrong_key(**c))
    verdict = audit_chain_verify()
    assert not verdict.intact and verdict.first_bad_seq == 4


@pytest.mark.postgres
def test_verify_under_concurrent_writes_reports_no_false_break(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: set DATABASE_URL")
    append(50)
    stop = threading.Event()

    def writer(k: int) -> None:
        from django.db import connection as own

        i = 0
        try:
            while not stop.is_set():
                audit_event_record(event_type="test.concurrent", target_type="test", target_id=f"{k}-{i}")
                i += 1
        finally:
            own.close()

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(3)]
    for thread in threads:
        thread.start()
    try:
        verdicts = [audit_chain_verify() for _ in range(12)]
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    assert all(v.intact for v in verdicts), [v for v in verdicts if not v.intact]
    assert len({v.checked for v in verdicts}) > 1, "the writers did not write while verifying"
    assert audit_chain_verify().intact


def test_production_refuses_to_start_without_an_audit_key(tmp_path):
    env = {
        "IOB_ENV": "production",
        "DJANGO_SECRET_KEY": "x" * 60,
        "DJANGO_ALLOWED_HOSTS": "example.org",
        "IOB_VAR_DIR": str(tmp_path),
        "PATH": "/usr/bin:/bin",
    }
    result = subprocess.run(
        [sys.executable, "-c", "import iob_portal.settings"],
        env=env,
        capture_output=True,
        text=True,
        cwd=str(__import__("django.conf").conf.settings.BASE_DIR),
    )
    assert result.returncode != 0 and "IOB_AUDIT_KEY" in result.stderr
