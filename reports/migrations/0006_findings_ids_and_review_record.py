"""Decisions name the finding they are about (its stable id, one decision per finding),
and the signed review record made at sign-off. The review record is written once, in the
sign-off's transaction (while the report is still in review), and never changed or
removed; on PostgreSQL and SQLite a trigger says so. Adding a column rebuilds the
findings table on SQLite, which drops its triggers, so 0003's and 0005's are created again."""

import importlib
import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

guards = importlib.import_module("reports.migrations.0003_database_guards")
# 0005's SQLite delete guards name the findings table too: they go and come back likewise.
every_way = importlib.import_module("reports.migrations.0005_guard_every_way")

PG_FORWARD = r"""
CREATE OR REPLACE FUNCTION reviewrecord_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF reports_report_status(NEW.report_id) IS DISTINCT FROM 'in_review' THEN
            RAISE EXCEPTION 'a review record is made at sign-off, while the report is in review'
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'a review record is never changed or removed' USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS reviewrecord_guard ON reports_reviewrecord;
CREATE TRIGGER reviewrecord_guard BEFORE INSERT OR UPDATE OR DELETE ON reports_reviewrecord
    FOR EACH ROW EXECUTE FUNCTION reviewrecord_guard();
"""
PG_BACKWARD = """
DROP TRIGGER IF EXISTS reviewrecord_guard ON reports_reviewrecord;
DROP FUNCTION IF EXISTS reviewrecord_guard();
"""
SQLITE_TRIGGERS = {
    "reviewrecord_insert_in_review": """
        CREATE TRIGGER reviewrecord_insert_in_review BEFORE INSERT ON reports_reviewrecord
        WHEN (SELECT status FROM reports_biasreport WHERE id = NEW.report_id) IS NOT 'in_review'
        BEGIN SELECT RAISE(ABORT, 'a review record is made at sign-off'); END""",
    "reviewrecord_never_changed": """
        CREATE TRIGGER reviewrecord_never_changed BEFORE UPDATE ON reports_reviewrecord
        BEGIN SELECT RAISE(ABORT, 'a review record is never changed'); END""",
}


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    guards.forward(apps, schema_editor)
    if vendor == "sqlite":
        every_way.forward(apps, schema_editor)
    if vendor == "postgresql":
        schema_editor.execute(PG_FORWARD, params=None)
    elif vendor == "sqlite":
        for name, sql in SQLITE_TRIGGERS.items():
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}", params=None)
            schema_editor.execute(sql, params=None)


def drop_sqlite_guards(apps, schema_editor):
    # SQLite rebuilds the findings table to add a column; 0003's triggers that name it
    # would break the rename, so they go first and `forward` creates them again.
    if schema_editor.connection.vendor == "sqlite":
        every_way.backward(apps, schema_editor)
        guards.backward(apps, schema_editor)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_BACKWARD, params=None)
    elif vendor == "sqlite":
        for name in SQLITE_TRIGGERS:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}", params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0005_guard_every_way"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(drop_sqlite_guards, migrations.RunPython.noop),
        migrations.CreateModel(
            name="ReviewRecord",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("public_id", models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ("content", models.BinaryField()),
                ("sha256", models.CharField(max_length=64)),
                ("size", models.PositiveBigIntegerField()),
                ("signed_at", models.DateTimeField()),
                ("report_content_hash", models.CharField(max_length=64)),
                ("report_pdf_sha256", models.CharField(max_length=64)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
            ],
            options={
                "ordering": ["-signed_at", "-id"],
            },
        ),
        migrations.AddField(
            model_name="reportfinding",
            name="finding_id",
            field=models.CharField(blank=True, default="", max_length=400),
        ),
        migrations.AddConstraint(
            model_name="reportfinding",
            constraint=models.UniqueConstraint(
                condition=models.Q(("finding_id", ""), _negated=True),
                fields=("report", "finding_id"),
                name="reportfinding_one_decision_per_finding",
            ),
        ),
        migrations.AddField(
            model_name="reviewrecord",
            name="report",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.PROTECT, related_name="review_record", to="reports.biasreport"
            ),
        ),
        migrations.AddField(
            model_name="reviewrecord",
            name="signed_by",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL
            ),
        ),
        migrations.AddConstraint(
            model_name="reviewrecord",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("sha256", ""), _negated=True), models.Q(("report_content_hash", ""), _negated=True)
                ),
                name="reviewrecord_has_hashes",
            ),
        ),
        migrations.RunPython(forward, backward),
    ]
