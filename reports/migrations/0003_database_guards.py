"""The database itself keeps the report rules it can express, on PostgreSQL and SQLite:

- a signed-off report never changes; once generated, its figures, hashes and period are fixed;
- status moves only along pending → generated|failed, generated → in_review → signed_off|returned;
- outputs are written once, while the report is being computed;
- findings (and their follow-up requests) are written only while the report is in review;
- a follow-up's content never changes; its status moves once, from open, after the sign-off.

Deleting is guarded on PostgreSQL only: Django's test flush on SQLite deletes rows one
table at a time, where a delete trigger would abort it (PostgreSQL truncates instead,
which row triggers do not see).

SQLite drops a table's triggers when Django rebuilds the table to alter it: a later
migration that alters these tables must run `forward` again.
"""

from django.db import migrations

PG_FORWARD = r"""
CREATE OR REPLACE FUNCTION reports_report_status(report bigint) RETURNS text AS $$
    SELECT status FROM reports_biasreport WHERE id = report;
$$ LANGUAGE sql STABLE;

CREATE OR REPLACE FUNCTION biasreport_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.status NOT IN ('pending', 'failed') THEN
            RAISE EXCEPTION 'bias report % is % and cannot be deleted', OLD.public_id, OLD.status
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN OLD;
    END IF;
    IF TG_OP = 'INSERT' THEN
        IF NEW.status <> 'pending' THEN
            RAISE EXCEPTION 'a bias report starts as pending, not %', NEW.status
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
    END IF;
    IF OLD.status = 'signed_off' THEN
        RAISE EXCEPTION 'bias report % is signed off and immutable', OLD.public_id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF OLD.status NOT IN ('pending', 'failed') AND (
        NEW.public_id, NEW.period_from, NEW.period_to, NEW.parameters, NEW.origin, NEW.created_by_id,
        NEW.generated_at, NEW.record_count, NEW.decided_count, NEW.flagged_count, NEW.content_hash,
        NEW.pdf_sha256, NEW.job_id
    ) IS DISTINCT FROM (
        OLD.public_id, OLD.period_from, OLD.period_to, OLD.parameters, OLD.origin, OLD.created_by_id,
        OLD.generated_at, OLD.record_count, OLD.decided_count, OLD.flagged_count, OLD.content_hash,
        OLD.pdf_sha256, OLD.job_id
    ) THEN
        RAISE EXCEPTION 'the figures of bias report % are fixed once generated', OLD.public_id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF NEW.status IS DISTINCT FROM OLD.status AND (OLD.status, NEW.status) NOT IN (
        ('pending', 'generated'), ('pending', 'failed'), ('generated', 'in_review'),
        ('in_review', 'signed_off'), ('in_review', 'returned')
    ) THEN
        RAISE EXCEPTION 'bias report %: % -> % is not a review transition', OLD.public_id, OLD.status, NEW.status
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS biasreport_guard ON reports_biasreport;
CREATE TRIGGER biasreport_guard BEFORE INSERT OR UPDATE OR DELETE ON reports_biasreport
    FOR EACH ROW EXECUTE FUNCTION biasreport_guard();

CREATE OR REPLACE FUNCTION reportartifact_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        RAISE EXCEPTION 'report outputs are written once' USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'INSERT' THEN
        IF reports_report_status(NEW.report_id) <> 'pending' THEN
            RAISE EXCEPTION 'outputs are stored only while a report is being computed'
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
    END IF;
    IF reports_report_status(OLD.report_id) NOT IN ('pending', 'failed') THEN
        RAISE EXCEPTION 'the outputs of a generated report cannot be deleted'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN OLD;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS reportartifact_guard ON reports_reportartifact;
CREATE TRIGGER reportartifact_guard BEFORE INSERT OR UPDATE OR DELETE ON reports_reportartifact
    FOR EACH ROW EXECUTE FUNCTION reportartifact_guard();

CREATE OR REPLACE FUNCTION reportfinding_guard() RETURNS trigger AS $$
DECLARE
    row_report bigint;
BEGIN
    row_report := CASE WHEN TG_OP = 'DELETE' THEN OLD.report_id ELSE NEW.report_id END;
    IF TG_OP = 'UPDATE' AND NEW.report_id IS DISTINCT FROM OLD.report_id THEN
        RAISE EXCEPTION 'a finding stays with its report' USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF reports_report_status(row_report) IS DISTINCT FROM 'in_review' THEN
        RAISE EXCEPTION 'findings change only while their report is in review'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS reportfinding_guard ON reports_reportfinding;
CREATE TRIGGER reportfinding_guard BEFORE INSERT OR UPDATE OR DELETE ON reports_reportfinding
    FOR EACH ROW EXECUTE FUNCTION reportfinding_guard();

CREATE OR REPLACE FUNCTION followupaction_guard() RETURNS trigger AS $$
DECLARE
    row_finding bigint;
    report_status text;
BEGIN
    row_finding := CASE WHEN TG_OP = 'DELETE' THEN OLD.finding_id ELSE NEW.finding_id END;
    SELECT reports_report_status(f.report_id) INTO report_status FROM reports_reportfinding f WHERE f.id = row_finding;
    IF TG_OP = 'INSERT' THEN
        IF report_status IS DISTINCT FROM 'in_review' OR NEW.status <> 'open' THEN
            RAISE EXCEPTION 'follow-up requests are made, open, while their report is in review'
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
    END IF;
    IF TG_OP = 'DELETE' THEN
        -- A missing finding means it is being deleted, which its own guard allowed.
        IF report_status IS NOT NULL AND report_status <> 'in_review' THEN
            RAISE EXCEPTION 'follow-up requests are removed only while their report is in review'
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN OLD;
    END IF;
    IF (NEW.public_id, NEW.finding_id, NEW.kind, NEW.profile_code, NEW.note, NEW.created_at)
            IS DISTINCT FROM (OLD.public_id, OLD.finding_id, OLD.kind, OLD.profile_code, OLD.note, OLD.created_at) THEN
        RAISE EXCEPTION 'a follow-up request is never edited' USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF (NEW.status, NEW.resolved_by_id, NEW.resolved_at, NEW.resolution_comment)
            IS DISTINCT FROM (OLD.status, OLD.resolved_by_id, OLD.resolved_at, OLD.resolution_comment) THEN
        IF OLD.status <> 'open' OR report_status IS DISTINCT FROM 'signed_off' THEN
            RAISE EXCEPTION 'a follow-up is resolved once, after its report is signed off'
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS followupaction_guard ON reports_followupaction;
CREATE TRIGGER followupaction_guard BEFORE INSERT OR UPDATE OR DELETE ON reports_followupaction
    FOR EACH ROW EXECUTE FUNCTION followupaction_guard();
"""

PG_BACKWARD = """
DROP TRIGGER IF EXISTS followupaction_guard ON reports_followupaction;
DROP FUNCTION IF EXISTS followupaction_guard();
DROP TRIGGER IF EXISTS reportfinding_guard ON reports_reportfinding;
DROP FUNCTION IF EXISTS reportfinding_guard();
DROP TRIGGER IF EXISTS reportartifact_guard ON reports_reportartifact;
DROP FUNCTION IF EXISTS reportartifact_guard();
DROP TRIGGER IF EXISTS biasreport_guard ON reports_biasreport;
DROP FUNCTION IF EXISTS biasreport_guard();
DROP FUNCTION IF EXISTS reports_report_status(bigint);
"""

_REPORT_STATUS = "(SELECT status FROM reports_biasreport WHERE id = {col})"
_FINDING_REPORT_STATUS = ("(SELECT r.status FROM reports_biasreport r JOIN reports_reportfinding f "
                          "ON f.report_id = r.id WHERE f.id = {col})")

SQLITE_TRIGGERS = {
    "biasreport_insert_pending": """
        CREATE TRIGGER biasreport_insert_pending BEFORE INSERT ON reports_biasreport
        WHEN NEW.status <> 'pending'
        BEGIN SELECT RAISE(ABORT, 'a bias report starts as pending'); END""",
    "biasreport_signed_immutable": """
        CREATE TRIGGER biasreport_signed_immutable BEFORE UPDATE ON reports_biasreport
        WHEN OLD.status = 'signed_off'
        BEGIN SELECT RAISE(ABORT, 'a signed-off bias report is immutable'); END""",
    "biasreport_figures_fixed": """
        CREATE TRIGGER biasreport_figures_fixed BEFORE UPDATE ON reports_biasreport
        WHEN OLD.status NOT IN ('pending', 'failed') AND (
            NEW.public_id IS NOT OLD.public_id OR NEW.period_from IS NOT OLD.period_from
            OR NEW.period_to IS NOT OLD.period_to OR NEW.parameters IS NOT OLD.parameters
            OR NEW.origin IS NOT OLD.origin OR NEW.created_by_id IS NOT OLD.created_by_id
            OR NEW.generated_at IS NOT OLD.generated_at OR NEW.record_count IS NOT OLD.record_count
            OR NEW.decided_count IS NOT OLD.decided_count OR NEW.flagged_count IS NOT OLD.flagged_count
            OR NEW.content_hash IS NOT OLD.content_hash OR NEW.pdf_sha256 IS NOT OLD.pdf_sha256
            OR NEW.job_id IS NOT OLD.job_id)
        BEGIN SELECT RAISE(ABORT, 'the figures of a generated bias report are fixed'); END""",
    "biasreport_status_path": """
        CREATE TRIGGER biasreport_status_path BEFORE UPDATE OF status ON reports_biasreport
        WHEN NEW.status <> OLD.status AND (OLD.status || '>' || NEW.status) NOT IN (
            'pending>generated', 'pending>failed', 'generated>in_review', 'in_review>signed_off',
            'in_review>returned')
        BEGIN SELECT RAISE(ABORT, 'not a bias report review transition'); END""",
    "reportartifact_write_once": """
        CREATE TRIGGER reportartifact_write_once BEFORE UPDATE ON reports_reportartifact
        BEGIN SELECT RAISE(ABORT, 'report outputs are written once'); END""",
    "reportartifact_insert_pending": f"""
        CREATE TRIGGER reportartifact_insert_pending BEFORE INSERT ON reports_reportartifact
        WHEN {_REPORT_STATUS.format(col="NEW.report_id")} IS NOT 'pending'
        BEGIN SELECT RAISE(ABORT, 'outputs are stored only while a report is being computed'); END""",
    "reportfinding_insert_in_review": f"""
        CREATE TRIGGER reportfinding_insert_in_review BEFORE INSERT ON reports_reportfinding
        WHEN {_REPORT_STATUS.format(col="NEW.report_id")} IS NOT 'in_review'
        BEGIN SELECT RAISE(ABORT, 'findings change only while their report is in review'); END""",
    "reportfinding_update_in_review": f"""
        CREATE TRIGGER reportfinding_update_in_review BEFORE UPDATE ON reports_reportfinding
        WHEN {_REPORT_STATUS.format(col="OLD.report_id")} IS NOT 'in_review' OR NEW.report_id IS NOT OLD.report_id
        BEGIN SELECT RAISE(ABORT, 'findings change only while their report is in review'); END""",
    "followupaction_insert_in_review": f"""
        CREATE TRIGGER followupaction_insert_in_review BEFORE INSERT ON reports_followupaction
        WHEN {_FINDING_REPORT_STATUS.format(col="NEW.finding_id")} IS NOT 'in_review' OR NEW.status <> 'open'
        BEGIN SELECT RAISE(ABORT, 'follow-up requests are made, open, while their report is in review'); END""",
    "followupaction_content_fixed": """
        CREATE TRIGGER followupaction_content_fixed BEFORE UPDATE ON reports_followupaction
        WHEN NEW.public_id IS NOT OLD.public_id OR NEW.finding_id IS NOT OLD.finding_id OR NEW.kind IS NOT OLD.kind
            OR NEW.profile_code IS NOT OLD.profile_code OR NEW.note IS NOT OLD.note
            OR NEW.created_at IS NOT OLD.created_at
        BEGIN SELECT RAISE(ABORT, 'a follow-up request is never edited'); END""",
    "followupaction_resolved_once": f"""
        CREATE TRIGGER followupaction_resolved_once BEFORE UPDATE ON reports_followupaction
        WHEN (NEW.status IS NOT OLD.status OR NEW.resolved_by_id IS NOT OLD.resolved_by_id
              OR NEW.resolved_at IS NOT OLD.resolved_at OR NEW.resolution_comment IS NOT OLD.resolution_comment)
            AND (OLD.status <> 'open' OR {_FINDING_REPORT_STATUS.format(col="OLD.finding_id")} IS NOT 'signed_off')
        BEGIN SELECT RAISE(ABORT, 'a follow-up is resolved once, after its report is signed off'); END""",
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
    dependencies = [("reports", "0002_review_and_artifacts")]
    operations = [migrations.RunPython(forward, backward)]
