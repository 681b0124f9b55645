"""The database repeats the parameter-set rules it can express, on PostgreSQL and SQLite:

- a parameter set is inserted as a draft;
- its values change only while it is a draft (approved versions are immutable);
- its status moves only along the workflow (generation/workflow.py);
- approved, withdrawn and rejected versions are never deleted (PostgreSQL; SQLite's test
  flush deletes row by row, where a delete trigger would abort it);
- a completed run's record (parameters, window, checksum, counts) never changes.

SQLite drops a table's triggers when Django rebuilds it: a later migration that alters
these tables must run `forward` again.
"""

from django.db import migrations

CONTENT = ("name", "version", "features_ordered", "min_group_size", "chance_max_hit_rate",
           "chance_max_refusal_rate", "risk_min_hit_rate", "min_depth", "explanation", "created_by_id",
           "previous_version_id", "public_id")
MOVES = (("draft", "in_review"), ("changes_requested", "draft"), ("in_review", "approved"),
         ("in_review", "changes_requested"), ("in_review", "rejected"), ("approved", "withdrawn"))
RUN_FIXED = ("public_id", "parameter_set_id", "parameters", "window_from", "window_to", "valid_from", "valid_until",
             "n_records", "input_checksum", "counts", "created_by_id", "origin")

_moves_sql = ", ".join(f"('{a}', '{b}')" for a, b in MOVES)
_moves_text = ", ".join(f"'{a}>{b}'" for a, b in MOVES)

PG_FORWARD = f"""
CREATE OR REPLACE FUNCTION parameterset_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.status IN ('approved', 'withdrawn', 'rejected') THEN
            RAISE EXCEPTION 'parameter set % v% is % and cannot be deleted', OLD.name, OLD.version, OLD.status
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN OLD;
    END IF;
    IF TG_OP = 'INSERT' THEN
        IF NEW.status <> 'draft' THEN
            RAISE EXCEPTION 'a parameter set starts as a draft, not %', NEW.status
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
    END IF;
    IF OLD.status <> 'draft' AND ({", ".join("NEW." + c for c in CONTENT)})
            IS DISTINCT FROM ({", ".join("OLD." + c for c in CONTENT)}) THEN
        RAISE EXCEPTION 'parameter set % v% is %: its values are immutable; make a new version',
            OLD.name, OLD.version, OLD.status USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF NEW.status IS DISTINCT FROM OLD.status AND (OLD.status, NEW.status) NOT IN ({_moves_sql}) THEN
        RAISE EXCEPTION 'parameter set % v%: % -> % is not a workflow transition', OLD.name, OLD.version,
            OLD.status, NEW.status USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS parameterset_guard ON generation_parameterset;
CREATE TRIGGER parameterset_guard BEFORE INSERT OR UPDATE OR DELETE ON generation_parameterset
    FOR EACH ROW EXECUTE FUNCTION parameterset_guard();

CREATE OR REPLACE FUNCTION generationrun_guard() RETURNS trigger AS $$
BEGIN
    IF OLD.status = 'completed' AND (({", ".join("NEW." + c for c in RUN_FIXED)}, NEW.status)
            IS DISTINCT FROM ({", ".join("OLD." + c for c in RUN_FIXED)}, OLD.status)) THEN
        RAISE EXCEPTION 'generation run % is completed and its record is fixed', OLD.public_id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS generationrun_guard ON generation_generationrun;
CREATE TRIGGER generationrun_guard BEFORE UPDATE ON generation_generationrun
    FOR EACH ROW EXECUTE FUNCTION generationrun_guard();
"""

PG_BACKWARD = """
DROP TRIGGER IF EXISTS parameterset_guard ON generation_parameterset;
DROP FUNCTION IF EXISTS parameterset_guard();
DROP TRIGGER IF EXISTS generationrun_guard ON generation_generationrun;
DROP FUNCTION IF EXISTS generationrun_guard();
"""

_changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in CONTENT)
_run_changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in (*RUN_FIXED, "status"))
SQLITE_FORWARD = [
    """CREATE TRIGGER IF NOT EXISTS parameterset_insert_as_draft BEFORE INSERT ON generation_parameterset
       WHEN NEW.status <> 'draft'
       BEGIN SELECT RAISE(ABORT, 'a parameter set starts as a draft'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS parameterset_values_immutable BEFORE UPDATE ON generation_parameterset
       WHEN OLD.status <> 'draft' AND ({_changed})
       BEGIN SELECT RAISE(ABORT, 'this parameter set is no longer a draft: its values are immutable'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS parameterset_status_follows_workflow BEFORE UPDATE OF status
       ON generation_parameterset
       WHEN NEW.status <> OLD.status AND (OLD.status || '>' || NEW.status) NOT IN ({_moves_text})
       BEGIN SELECT RAISE(ABORT, 'not a parameter-set workflow transition'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS generationrun_completed_fixed BEFORE UPDATE ON generation_generationrun
       WHEN OLD.status = 'completed' AND ({_run_changed})
       BEGIN SELECT RAISE(ABORT, 'a completed generation run is fixed'); END""",
]
SQLITE_BACKWARD = ["DROP TRIGGER IF EXISTS " + name for name in (
    "parameterset_insert_as_draft", "parameterset_values_immutable", "parameterset_status_follows_workflow",
    "generationrun_completed_fixed")]


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FORWARD, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_BACKWARD, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("generation", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
