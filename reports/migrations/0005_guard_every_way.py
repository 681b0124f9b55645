"""Close the remaining ways round the report guards of 0003 (issue 7).

- On PostgreSQL no report table can be emptied by TRUNCATE (row triggers do not see it).
- On SQLite the deletes are guarded as on PostgreSQL: a report only while pending or
  failed, its outputs only then, a finding and its follow-up requests only while the
  report is in review. (0003 left them out because Django's test flush deletes rows;
  the tests now flush with the guards lifted, see `tests/conftest.py`.)
"""

from django.db import migrations

PG_FORWARD = """
CREATE OR REPLACE FUNCTION reports_refuse_truncate() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% cannot be truncated', TG_TABLE_NAME USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
""" + "".join(
    f"""
DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};
CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION reports_refuse_truncate();
"""
    for table in ("reports_biasreport", "reports_reportartifact", "reports_reportfinding", "reports_followupaction")
)

PG_BACKWARD = (
    "".join(
        f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};\n"
        for table in ("reports_biasreport", "reports_reportartifact", "reports_reportfinding", "reports_followupaction")
    )
    + "DROP FUNCTION IF EXISTS reports_refuse_truncate();\n"
)

_REPORT_STATUS = "(SELECT status FROM reports_biasreport WHERE id = {col})"
_FINDING_REPORT_STATUS = (
    "(SELECT r.status FROM reports_biasreport r JOIN reports_reportfinding f ON f.report_id = r.id WHERE f.id = {col})"
)

SQLITE_TRIGGERS = {
    "biasreport_delete_guard": """
        CREATE TRIGGER biasreport_delete_guard BEFORE DELETE ON reports_biasreport
        WHEN OLD.status NOT IN ('pending', 'failed')
        BEGIN SELECT RAISE(ABORT, 'a generated bias report cannot be deleted'); END""",
    "reportartifact_delete_guard": f"""
        CREATE TRIGGER reportartifact_delete_guard BEFORE DELETE ON reports_reportartifact
        WHEN {_REPORT_STATUS.format(col="OLD.report_id")} NOT IN ('pending', 'failed')
        BEGIN SELECT RAISE(ABORT, 'the outputs of a generated report cannot be deleted'); END""",
    "reportfinding_delete_guard": f"""
        CREATE TRIGGER reportfinding_delete_guard BEFORE DELETE ON reports_reportfinding
        WHEN {_REPORT_STATUS.format(col="OLD.report_id")} IS NOT 'in_review'
        BEGIN SELECT RAISE(ABORT, 'findings change only while their report is in review'); END""",
    "followupaction_delete_guard": f"""
        CREATE TRIGGER followupaction_delete_guard BEFORE DELETE ON reports_followupaction
        WHEN {_FINDING_REPORT_STATUS.format(col="OLD.finding_id")} <> 'in_review'
        BEGIN SELECT RAISE(ABORT, 'follow-up requests are removed only while their report is in review'); END""",
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
    dependencies = [("reports", "0004_monthly_schedule")]
    operations = [migrations.RunPython(forward, backward)]
