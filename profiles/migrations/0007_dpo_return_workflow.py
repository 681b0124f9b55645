"""The DPO may return a risk profile with reasons (workflow action `dpo_return`).

The database's copy of the workflow now also allows approved → changes_requested, and
the workflow record (written once, migration 0006) may clear the approval on that move:
a returned version must be approved again. On PostgreSQL the `profile_guard` function of
0006 is re-created with both changes; on SQLite the status trigger of 0004 and the record
trigger of 0006.
"""

import importlib

from django.db import migrations

OLD_PAIRS = "('active', 'expired'), ('approved', 'withdrawn'), ('active', 'withdrawn')"
NEW_PAIRS = OLD_PAIRS + ", ('approved', 'changes_requested')"

OLD_ALLOWED = "'active>withdrawn')"
NEW_ALLOWED = "'active>withdrawn', 'approved>changes_requested')"

APPROVAL_ONCE = "AND NOT (OLD.status = 'in_review' AND NEW.status = 'approved' AND OLD.approved_by_id IS NULL)"
APPROVAL_CLEARED_ON_RETURN = (
    APPROVAL_ONCE + "\n           AND NOT (OLD.status IN ('in_review', 'approved') AND NEW.status = 'changes_requested'"
    "\n                    AND NEW.approved_by_id IS NULL AND NEW.approved_at IS NULL)"
)

SQLITE_STATUS_TRIGGER = "profile_status_follows_workflow"
SQLITE_RECORD_TRIGGER = "profile_workflow_record_fixed"


def _guards():
    return importlib.import_module("profiles.migrations.0006_guard_every_way")


def _postgres_guard(forward: bool) -> str:
    sql = _guards().PG_FORWARD
    # Only the profile_guard function; the other functions and the triggers stay as they are.
    start = sql.index("CREATE OR REPLACE FUNCTION profile_guard()")
    end = sql.index("CREATE OR REPLACE FUNCTION profile_criterion_guard()")
    function = sql[start:end]
    assert OLD_PAIRS in function and APPROVAL_ONCE in function, "0006 changed: update this migration"
    if not forward:
        return function
    return function.replace(OLD_PAIRS, NEW_PAIRS).replace(APPROVAL_ONCE, APPROVAL_CLEARED_ON_RETURN)


def _sqlite_status_trigger(forward: bool) -> str:
    statements = importlib.import_module("profiles.migrations.0004_sqlite_guards").STATEMENTS
    statement = next(s for s in statements if SQLITE_STATUS_TRIGGER in s)
    assert OLD_ALLOWED in statement, "the workflow list of 0004 changed: update this migration"
    return statement.replace(OLD_ALLOWED, NEW_ALLOWED) if forward else statement


def _sqlite_record_trigger(forward: bool) -> str:
    statement = _guards().SQLITE_TRIGGERS[SQLITE_RECORD_TRIGGER]
    assert APPROVAL_ONCE in statement, "0006 changed: update this migration"
    return statement.replace(APPROVAL_ONCE, APPROVAL_CLEARED_ON_RETURN) if forward else statement


def _apply(schema_editor, forward: bool) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(_postgres_guard(forward), params=None)
    elif vendor == "sqlite":
        for name, sql in (
            (SQLITE_STATUS_TRIGGER, _sqlite_status_trigger(forward)),
            (SQLITE_RECORD_TRIGGER, _sqlite_record_trigger(forward)),
        ):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}", params=None)
            schema_editor.execute(sql, params=None)


def forward(apps, schema_editor):
    _apply(schema_editor, True)


def backward(apps, schema_editor):
    _apply(schema_editor, False)


class Migration(migrations.Migration):
    dependencies = [("profiles", "0006_guard_every_way")]
    operations = [migrations.RunPython(forward, backward)]
