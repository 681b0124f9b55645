"""The audit trail refuses every way of rewriting it, on both engines (issue 7).

- Events: append-only. PostgreSQL refused UPDATE and DELETE since 0002; it now refuses
  TRUNCATE too. SQLite refused UPDATE since 0003; it now refuses DELETE too.
- The chain head (the last sequence number and hash): it is created once, at the start
  of the chain (seq 0, the genesis hash), and then only moves forward one event at a
  time, to the sequence number and hash of an event that is in the table. It is never
  set back, never deleted, never truncated.

Tests flush the database between transactional tests with these guards lifted (see
`tests/conftest.py`).
"""

from django.db import migrations

GENESIS = "0" * 64

PG_FORWARD = f"""
CREATE OR REPLACE FUNCTION audit_refuse_truncate() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% cannot be truncated: the audit trail is append-only', TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_auditevent;
CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_truncate();
DROP TRIGGER IF EXISTS audit_head_no_truncate ON audit_auditchainhead;
CREATE TRIGGER audit_head_no_truncate BEFORE TRUNCATE ON audit_auditchainhead
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_truncate();

CREATE OR REPLACE FUNCTION audit_head_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'the audit chain head cannot be deleted' USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'INSERT' THEN
        IF NEW.seq <> 0 OR NEW.hash <> '{GENESIS}' THEN
            RAISE EXCEPTION 'the audit chain head starts at the genesis'
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
    END IF;
    IF NEW.id <> OLD.id OR NEW.singleton IS DISTINCT FROM OLD.singleton OR NEW.seq <> OLD.seq + 1
       OR NOT EXISTS (SELECT 1 FROM audit_auditevent e WHERE e.seq = NEW.seq AND e.hash = NEW.hash) THEN
        RAISE EXCEPTION 'the audit chain head only moves forward, one recorded event at a time'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS audit_head_guard ON audit_auditchainhead;
CREATE TRIGGER audit_head_guard BEFORE INSERT OR UPDATE OR DELETE ON audit_auditchainhead
    FOR EACH ROW EXECUTE FUNCTION audit_head_guard();
"""

PG_BACKWARD = """
DROP TRIGGER IF EXISTS audit_head_guard ON audit_auditchainhead;
DROP FUNCTION IF EXISTS audit_head_guard();
DROP TRIGGER IF EXISTS audit_head_no_truncate ON audit_auditchainhead;
DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_refuse_truncate();
"""

SQLITE_TRIGGERS = {
    "audit_event_no_delete": """
        CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_auditevent
        BEGIN SELECT RAISE(ABORT, 'audit events are append-only: DELETE refused'); END""",
    "audit_head_no_delete": """
        CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_auditchainhead
        BEGIN SELECT RAISE(ABORT, 'the audit chain head cannot be deleted'); END""",
    "audit_head_starts_at_genesis": f"""
        CREATE TRIGGER audit_head_starts_at_genesis BEFORE INSERT ON audit_auditchainhead
        WHEN NEW.seq <> 0 OR NEW.hash <> '{GENESIS}'
        BEGIN SELECT RAISE(ABORT, 'the audit chain head starts at the genesis'); END""",
    "audit_head_moves_forward": """
        CREATE TRIGGER audit_head_moves_forward BEFORE UPDATE ON audit_auditchainhead
        WHEN NEW.id IS NOT OLD.id OR NEW.singleton IS NOT OLD.singleton OR NEW.seq <> OLD.seq + 1
            OR NOT EXISTS (SELECT 1 FROM audit_auditevent e WHERE e.seq = NEW.seq AND e.hash = NEW.hash)
        BEGIN SELECT RAISE(ABORT, 'the audit chain head only moves forward, one recorded event at a time'); END""",
}


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FORWARD, params=None)
    elif vendor == "sqlite":
        for name, sql in SQLITE_TRIGGERS.items():
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}", params=None)
            schema_editor.execute(sql, params=None)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_BACKWARD, params=None)
    elif vendor == "sqlite":
        for name in SQLITE_TRIGGERS:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}", params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_sqlite_append_only")]
    operations = [migrations.RunPython(forward, backward)]
