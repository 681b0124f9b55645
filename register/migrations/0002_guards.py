"""The database repeats the register entry's rules, on PostgreSQL and on SQLite:

- a version is inserted as a draft; only a draft can be deleted (PostgreSQL only: on
  SQLite the test database is emptied row by row between browser tests, as with the audit
  trail; the foreign keys still protect versions that anything refers to);
- from submission on, a version's content (fields, provenance, number, entry, author)
  never changes; its content hash changes only at submission or when it is sent back;
- status moves only along workflow.TRANSITIONS (the list below is checked against it by
  tests/register/test_guards.py);
- four eyes: the approver and the publisher are none of the version's editors.
"""

from django.db import migrations

MOVES = [
    ("draft", "in_review"), ("in_review", "draft"), ("in_review", "approved"), ("approved", "published"),
    ("published", "retracted"), ("published", "superseded"), ("draft", "archived"), ("in_review", "archived"),
    ("approved", "archived"), ("retracted", "archived"),
]
_PG_MOVES = ", ".join(f"('{a}', '{b}')" for a, b in MOVES)
_SQLITE_MOVES = ", ".join(f"'{a}>{b}'" for a, b in MOVES)

PG_FORWARD = f"""
CREATE OR REPLACE FUNCTION register_version_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.status <> 'draft' THEN
            RAISE EXCEPTION 'register version % is % and cannot be deleted', OLD.number, OLD.status
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN OLD;
    END IF;
    IF TG_OP = 'INSERT' THEN
        IF NEW.status <> 'draft' THEN
            RAISE EXCEPTION 'a register version starts as a draft, not %', NEW.status
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
    END IF;
    IF OLD.status <> 'draft' AND (NEW.fields, NEW.provenance, NEW.number, NEW.entry_id, NEW.created_by_id,
                                  NEW.public_id)
            IS DISTINCT FROM (OLD.fields, OLD.provenance, OLD.number, OLD.entry_id, OLD.created_by_id,
                              OLD.public_id) THEN
        RAISE EXCEPTION 'register version % is %: its content is immutable; start a new draft', OLD.number,
            OLD.status USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF OLD.status <> 'draft' AND NEW.status <> 'draft' AND NEW.content_hash IS DISTINCT FROM OLD.content_hash THEN
        RAISE EXCEPTION 'register version %: the content hash is fixed at submission', OLD.number
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF NEW.status IS DISTINCT FROM OLD.status AND (OLD.status, NEW.status) NOT IN ({_PG_MOVES}) THEN
        RAISE EXCEPTION 'register version %: % -> % is not a workflow transition', OLD.number, OLD.status,
            NEW.status USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF (NEW.approved_by_id IS NOT NULL AND NEW.editor_ids @> to_jsonb(NEW.approved_by_id))
       OR (NEW.published_by_id IS NOT NULL AND (NEW.editor_ids @> to_jsonb(NEW.published_by_id)
           OR NEW.published_by_id IN (NEW.created_by_id, NEW.submitted_by_id))) THEN
        RAISE EXCEPTION 'register version %: four eyes: an editor cannot approve or publish it', OLD.number
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER register_version_guard BEFORE INSERT OR UPDATE OR DELETE ON register_entryversion
    FOR EACH ROW EXECUTE FUNCTION register_version_guard();
"""
PG_BACKWARD = """
DROP TRIGGER IF EXISTS register_version_guard ON register_entryversion;
DROP FUNCTION IF EXISTS register_version_guard();
"""

SQLITE_FORWARD = [
    """CREATE TRIGGER register_version_insert_draft BEFORE INSERT ON register_entryversion
       WHEN NEW.status <> 'draft'
       BEGIN SELECT RAISE(ABORT, 'a register version starts as a draft'); END""",
    """CREATE TRIGGER register_version_immutable BEFORE UPDATE ON register_entryversion
       WHEN OLD.status <> 'draft' AND (NEW.fields IS NOT OLD.fields OR NEW.provenance IS NOT OLD.provenance
            OR NEW.number IS NOT OLD.number OR NEW.entry_id IS NOT OLD.entry_id
            OR NEW.created_by_id IS NOT OLD.created_by_id OR NEW.public_id IS NOT OLD.public_id
            OR (NEW.status <> 'draft' AND NEW.content_hash IS NOT OLD.content_hash))
       BEGIN SELECT RAISE(ABORT, 'register version content is immutable once submitted'); END""",
    f"""CREATE TRIGGER register_version_workflow BEFORE UPDATE OF status ON register_entryversion
       WHEN NEW.status IS NOT OLD.status AND (OLD.status || '>' || NEW.status) NOT IN ({_SQLITE_MOVES})
       BEGIN SELECT RAISE(ABORT, 'not a register workflow transition'); END""",
    """CREATE TRIGGER register_version_four_eyes BEFORE UPDATE ON register_entryversion
       WHEN (NEW.approved_by_id IS NOT NULL
             AND EXISTS (SELECT 1 FROM json_each(NEW.editor_ids) WHERE value = NEW.approved_by_id))
         OR (NEW.published_by_id IS NOT NULL
             AND (EXISTS (SELECT 1 FROM json_each(NEW.editor_ids) WHERE value = NEW.published_by_id)
                  OR NEW.published_by_id = NEW.created_by_id OR NEW.published_by_id = NEW.submitted_by_id))
       BEGIN SELECT RAISE(ABORT, 'four eyes: an editor cannot approve or publish a register version'); END""",
]
SQLITE_BACKWARD = [f"DROP TRIGGER IF EXISTS {name}" for name in (
    "register_version_insert_draft", "register_version_immutable",
    "register_version_workflow", "register_version_four_eyes")]


def _run(schema_editor, sql: str) -> None:
    # No parameters: plpgsql's RAISE uses % placeholders of its own.
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(sql)


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _run(schema_editor, PG_FORWARD)
    elif vendor == "sqlite":
        for statement in SQLITE_FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _run(schema_editor, PG_BACKWARD)
    elif vendor == "sqlite":
        for statement in SQLITE_BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("register", "0001_register_entry")]
    operations = [migrations.RunPython(forward, backward)]
