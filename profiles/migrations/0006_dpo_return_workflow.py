"""The DPO may return a risk profile with reasons (workflow action `dpo_return`): the
database's copy of the workflow now also allows approved → changes_requested, on
PostgreSQL (the `profile_guard` function of 0002) and SQLite (the trigger of 0004).
"""

import importlib

from django.db import migrations

OLD_PAIRS = "('active', 'expired'), ('approved', 'withdrawn'), ('active', 'withdrawn')"
NEW_PAIRS = OLD_PAIRS + ", ('approved', 'changes_requested')"

OLD_ALLOWED = "'active>withdrawn')"
NEW_ALLOWED = "'active>withdrawn', 'approved>changes_requested')"

SQLITE_TRIGGER = "profile_status_follows_workflow"


def _postgres_guard(forward: bool) -> str:
    sql = importlib.import_module("profiles.migrations.0002_postgres_guards").FORWARD
    # Only the function; its triggers stay as they are.
    function = sql.split("DROP TRIGGER IF EXISTS profile_guard")[0]
    assert OLD_PAIRS in function, "the workflow list of 0002 changed: update this migration"
    return function.replace(OLD_PAIRS, NEW_PAIRS) if forward else function


def _sqlite_trigger(forward: bool) -> str:
    statements = importlib.import_module("profiles.migrations.0004_sqlite_guards").STATEMENTS
    statement = next(s for s in statements if SQLITE_TRIGGER in s)
    assert OLD_ALLOWED in statement, "the workflow list of 0004 changed: update this migration"
    return statement.replace(OLD_ALLOWED, NEW_ALLOWED) if forward else statement


def _apply(schema_editor, forward: bool) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(_postgres_guard(forward), params=None)
    elif vendor == "sqlite":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {SQLITE_TRIGGER}", params=None)
        schema_editor.execute(_sqlite_trigger(forward), params=None)


def forward(apps, schema_editor):
    _apply(schema_editor, True)


def backward(apps, schema_editor):
    _apply(schema_editor, False)


class Migration(migrations.Migration):
    dependencies = [("profiles", "0005_profile_newest_first_index")]
    operations = [migrations.RunPython(forward, backward)]
