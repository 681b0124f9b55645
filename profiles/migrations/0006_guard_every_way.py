"""Close the ways round the guards of 0002 and 0004 (issue 7): every way a row can move.

- A criterion is inserted, updated or deleted only while its profile is a draft; an
  update checks the old profile and the new one, so a criterion cannot be moved from an
  active profile to a draft (which broke three-of-seven on the active one) or back.
- A profile that is no longer a draft keeps its workflow record: who submitted, approved
  and signed off, and when, is written once, by the transition that sets it. The database
  repeats the separation of duties it can see: the approver and the DPO who signs off are
  different people, and neither is the author or the submitter; an active version was
  approved, and an active risk profile was signed off.
- The transition history is append-only (no UPDATE, no DELETE), as the audit table is.
- On SQLite, a profile that is no longer a draft cannot be deleted either (PostgreSQL
  refused that since 0002).
- On PostgreSQL, none of these tables can be emptied by TRUNCATE (row triggers do not
  see it; a statement trigger does).

Tests flush the database between transactional tests with these guards lifted (see
`tests/conftest.py`): as the superuser of the test database on PostgreSQL
(`session_replication_role`), by dropping and re-creating the triggers on SQLite.
"""

from django.db import migrations

# The workflow record a non-draft version keeps (PostgreSQL and SQLite say the same).
PG_RECORD_FIXED = r"""
    IF OLD.status <> 'draft' THEN
        IF (NEW.submitted_by_id, NEW.submitted_at) IS DISTINCT FROM (OLD.submitted_by_id, OLD.submitted_at)
           AND NOT (OLD.status = 'changes_requested' AND NEW.status = 'draft'
                    AND NEW.submitted_by_id IS NULL AND NEW.submitted_at IS NULL) THEN
            RAISE EXCEPTION 'profile % v%: who submitted it is written once', OLD.code, OLD.version
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        IF (NEW.approved_by_id, NEW.approved_at) IS DISTINCT FROM (OLD.approved_by_id, OLD.approved_at)
           AND NOT (OLD.status = 'in_review' AND NEW.status = 'approved' AND OLD.approved_by_id IS NULL) THEN
            RAISE EXCEPTION 'profile % v%: the approval is written once, by the approve transition', OLD.code,
                OLD.version USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        IF (NEW.dpo_signed_off_by_id, NEW.dpo_signed_off_at)
               IS DISTINCT FROM (OLD.dpo_signed_off_by_id, OLD.dpo_signed_off_at)
           AND NOT (OLD.dpo_signed_off_by_id IS NULL AND OLD.status IN ('in_review', 'approved')
                    AND NEW.status = OLD.status AND NEW.kind = 'risk')
           AND NOT (OLD.status = 'changes_requested' AND NEW.status = 'draft'
                    AND NEW.dpo_signed_off_by_id IS NULL AND NEW.dpo_signed_off_at IS NULL) THEN
            RAISE EXCEPTION 'profile % v%: the DPO sign-off is written once', OLD.code, OLD.version
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
    END IF;
"""
PG_DUTIES = r"""
    IF (NEW.status = 'draft' AND (NEW.approved_by_id IS NOT NULL OR NEW.dpo_signed_off_by_id IS NOT NULL))
       OR (NEW.approved_by_id IS NOT NULL AND (NEW.approved_by_id = NEW.created_by_id
                                               OR NEW.approved_by_id = NEW.submitted_by_id))
       OR (NEW.dpo_signed_off_by_id IS NOT NULL AND (NEW.dpo_signed_off_by_id = NEW.created_by_id
                                                     OR NEW.dpo_signed_off_by_id = NEW.submitted_by_id
                                                     OR NEW.dpo_signed_off_by_id = NEW.approved_by_id))
       OR (NEW.status = 'active' AND (NEW.approved_by_id IS NULL
                                      OR (NEW.kind = 'risk' AND NEW.dpo_signed_off_by_id IS NULL))) THEN
        RAISE EXCEPTION 'profile % v%: separation of duties (author, approver and DPO are different people; '
            'an active version was approved, an active risk profile signed off)', NEW.code, NEW.version
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
"""

PG_FORWARD = (
    r"""
CREATE OR REPLACE FUNCTION profile_guard() RETURNS trigger AS $$
DECLARE
    n_chars integer;
    n_app integer;
    n_personal integer;
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.status <> 'draft' THEN
            RAISE EXCEPTION 'profile % v% is % and cannot be deleted', OLD.code, OLD.version, OLD.status
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN OLD;
    END IF;
    IF TG_OP = 'INSERT' THEN
        IF NEW.status <> 'draft' THEN
            RAISE EXCEPTION 'a profile version starts as a draft, not %', NEW.status
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
"""
    + PG_DUTIES
    + r"""
        RETURN NEW;
    END IF;
    IF OLD.status <> 'draft' AND (
        NEW.code, NEW.version, NEW.kind, NEW.title, NEW.origin, NEW.generation_run_id, NEW.valid_from,
        NEW.valid_until, NEW.evidence_group_size, NEW.evidence_chain_hit_rate, NEW.evidence_refusal_rate,
        NEW.evidence_period_from, NEW.evidence_period_until, NEW.justification_legitimate_aim,
        NEW.justification_suitability, NEW.justification_necessity, NEW.justification_proportionality,
        NEW.justification_nationality_use, NEW.created_by_id, NEW.previous_version_id, NEW.public_id, NEW.id
    ) IS DISTINCT FROM (
        OLD.code, OLD.version, OLD.kind, OLD.title, OLD.origin, OLD.generation_run_id, OLD.valid_from,
        OLD.valid_until, OLD.evidence_group_size, OLD.evidence_chain_hit_rate, OLD.evidence_refusal_rate,
        OLD.evidence_period_from, OLD.evidence_period_until, OLD.justification_legitimate_aim,
        OLD.justification_suitability, OLD.justification_necessity, OLD.justification_proportionality,
        OLD.justification_nationality_use, OLD.created_by_id, OLD.previous_version_id, OLD.public_id, OLD.id
    ) THEN
        RAISE EXCEPTION 'profile % v% is %: its content is immutable; make a new version', OLD.code, OLD.version,
            OLD.status USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF NEW.id IS DISTINCT FROM OLD.id THEN
        RAISE EXCEPTION 'a profile keeps its id' USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF NEW.status IS DISTINCT FROM OLD.status AND (OLD.status, NEW.status) NOT IN (
        ('draft', 'in_review'), ('in_review', 'changes_requested'), ('changes_requested', 'draft'),
        ('in_review', 'approved'), ('in_review', 'rejected'), ('approved', 'active'), ('approved', 'expired'),
        ('active', 'expired'), ('approved', 'withdrawn'), ('active', 'withdrawn')
    ) THEN
        RAISE EXCEPTION 'profile % v%: % -> % is not a workflow transition', OLD.code, OLD.version, OLD.status,
            NEW.status USING ERRCODE = 'integrity_constraint_violation';
    END IF;
"""
    + PG_RECORD_FIXED
    + PG_DUTIES
    + r"""
    IF OLD.status = 'draft' AND NEW.status <> 'draft' THEN
        SELECT count(DISTINCT characteristic),
               count(*) FILTER (WHERE characteristic IN ('travel_purpose', 'application_location')),
               count(*) FILTER (WHERE characteristic NOT IN ('travel_purpose', 'application_location'))
          INTO n_chars, n_app, n_personal
          FROM profiles_profilecriterion WHERE profile_id = NEW.id;
        IF n_chars < 3 OR n_app < 1 OR n_personal < 1 THEN
            RAISE EXCEPTION 'profile % v% breaks three-of-seven or the application/personal mix', NEW.code,
                NEW.version USING ERRCODE = 'check_violation';
        END IF;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION profile_criterion_guard() RETURNS trigger AS $$
DECLARE
    old_status text;
    new_status text;
BEGIN
    -- Both ends of the row's move: the profile it leaves and the profile it joins. A
    -- missing parent on DELETE means a draft being deleted (the profile guard allowed it).
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        SELECT status INTO old_status FROM profiles_profile WHERE id = OLD.profile_id;
        IF old_status IS NOT NULL AND old_status <> 'draft' THEN
            RAISE EXCEPTION 'the criteria of a % profile are immutable', old_status
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    SELECT status INTO new_status FROM profiles_profile WHERE id = NEW.profile_id;
    IF new_status IS NOT NULL AND new_status <> 'draft' THEN
        RAISE EXCEPTION 'the criteria of a % profile are immutable', new_status
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF jsonb_typeof(NEW."values") <> 'array' OR jsonb_array_length(NEW."values") = 0 THEN
        RAISE EXCEPTION 'a criterion needs at least one value' USING ERRCODE = 'check_violation';
    END IF;
    IF EXISTS (
        SELECT 1 FROM jsonb_array_elements_text(NEW."values") AS v(code)
        WHERE NOT EXISTS (SELECT 1 FROM profiles_cataloguecode c
                          WHERE c.characteristic = NEW.characteristic AND c.code = v.code)
    ) THEN
        RAISE EXCEPTION 'a criterion value on % is not in its catalogue', NEW.characteristic
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION profile_transition_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the transition history is append-only: % refused', TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS profile_transition_append_only ON profiles_profiletransition;
CREATE TRIGGER profile_transition_append_only BEFORE UPDATE OR DELETE ON profiles_profiletransition
    FOR EACH ROW EXECUTE FUNCTION profile_transition_append_only();

CREATE OR REPLACE FUNCTION profiles_refuse_truncate() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% cannot be truncated', TG_TABLE_NAME USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS profile_no_truncate ON profiles_profile;
CREATE TRIGGER profile_no_truncate BEFORE TRUNCATE ON profiles_profile
    FOR EACH STATEMENT EXECUTE FUNCTION profiles_refuse_truncate();
DROP TRIGGER IF EXISTS criterion_no_truncate ON profiles_profilecriterion;
CREATE TRIGGER criterion_no_truncate BEFORE TRUNCATE ON profiles_profilecriterion
    FOR EACH STATEMENT EXECUTE FUNCTION profiles_refuse_truncate();
DROP TRIGGER IF EXISTS transition_no_truncate ON profiles_profiletransition;
CREATE TRIGGER transition_no_truncate BEFORE TRUNCATE ON profiles_profiletransition
    FOR EACH STATEMENT EXECUTE FUNCTION profiles_refuse_truncate();
"""
)

PG_BACKWARD = """
DROP TRIGGER IF EXISTS transition_no_truncate ON profiles_profiletransition;
DROP TRIGGER IF EXISTS criterion_no_truncate ON profiles_profilecriterion;
DROP TRIGGER IF EXISTS profile_no_truncate ON profiles_profile;
DROP FUNCTION IF EXISTS profiles_refuse_truncate();
DROP TRIGGER IF EXISTS profile_transition_append_only ON profiles_profiletransition;
DROP FUNCTION IF EXISTS profile_transition_append_only();
"""

_STATUS = "(SELECT status FROM profiles_profile WHERE id = {col})"
_VALUES_OK = """
    json_valid(NEW."values") AND json_type(NEW."values") = 'array' AND json_array_length(NEW."values") > 0
    AND NOT EXISTS (SELECT 1 FROM json_each(NEW."values") v WHERE NOT EXISTS (
        SELECT 1 FROM profiles_cataloguecode c WHERE c.characteristic = NEW.characteristic AND c.code = v.value))
"""
_RECORD_CHANGED = """
    OLD.status <> 'draft' AND (
        ((NEW.submitted_by_id IS NOT OLD.submitted_by_id OR NEW.submitted_at IS NOT OLD.submitted_at)
         AND NOT (OLD.status = 'changes_requested' AND NEW.status = 'draft'
                  AND NEW.submitted_by_id IS NULL AND NEW.submitted_at IS NULL))
        OR ((NEW.approved_by_id IS NOT OLD.approved_by_id OR NEW.approved_at IS NOT OLD.approved_at)
            AND NOT (OLD.status = 'in_review' AND NEW.status = 'approved' AND OLD.approved_by_id IS NULL))
        OR ((NEW.dpo_signed_off_by_id IS NOT OLD.dpo_signed_off_by_id
             OR NEW.dpo_signed_off_at IS NOT OLD.dpo_signed_off_at)
            AND NOT (OLD.dpo_signed_off_by_id IS NULL AND OLD.status IN ('in_review', 'approved')
                     AND NEW.status = OLD.status AND NEW.kind = 'risk')
            AND NOT (OLD.status = 'changes_requested' AND NEW.status = 'draft'
                     AND NEW.dpo_signed_off_by_id IS NULL AND NEW.dpo_signed_off_at IS NULL)))
"""
_DUTIES_BROKEN = """
    (NEW.status = 'draft' AND (NEW.approved_by_id IS NOT NULL OR NEW.dpo_signed_off_by_id IS NOT NULL))
    OR (NEW.approved_by_id IS NOT NULL AND (NEW.approved_by_id = NEW.created_by_id
                                            OR NEW.approved_by_id IS NEW.submitted_by_id))
    OR (NEW.dpo_signed_off_by_id IS NOT NULL AND (NEW.dpo_signed_off_by_id = NEW.created_by_id
                                                  OR NEW.dpo_signed_off_by_id IS NEW.submitted_by_id
                                                  OR NEW.dpo_signed_off_by_id IS NEW.approved_by_id))
    OR (NEW.status = 'active' AND (NEW.approved_by_id IS NULL
                                   OR (NEW.kind = 'risk' AND NEW.dpo_signed_off_by_id IS NULL)))
"""

SQLITE_TRIGGERS = {
    "criterion_update_guard": f"""
        CREATE TRIGGER criterion_update_guard BEFORE UPDATE ON profiles_profilecriterion
        WHEN {_STATUS.format(col="NEW.profile_id")} <> 'draft' OR {_STATUS.format(col="OLD.profile_id")} <> 'draft'
            OR NOT ({_VALUES_OK})
        BEGIN SELECT RAISE(ABORT, 'criteria change only on a draft, with values from the catalogue'); END""",
    "criterion_delete_guard": f"""
        CREATE TRIGGER criterion_delete_guard BEFORE DELETE ON profiles_profilecriterion
        WHEN {_STATUS.format(col="OLD.profile_id")} <> 'draft'
        BEGIN SELECT RAISE(ABORT, 'criteria change only on a draft'); END""",
    "profile_delete_guard": """
        CREATE TRIGGER profile_delete_guard BEFORE DELETE ON profiles_profile
        WHEN OLD.status <> 'draft'
        BEGIN SELECT RAISE(ABORT, 'only a draft can be deleted'); END""",
    "profile_id_fixed": """
        CREATE TRIGGER profile_id_fixed BEFORE UPDATE OF id ON profiles_profile
        WHEN NEW.id IS NOT OLD.id
        BEGIN SELECT RAISE(ABORT, 'a profile keeps its id'); END""",
    "profile_workflow_record_fixed": f"""
        CREATE TRIGGER profile_workflow_record_fixed BEFORE UPDATE ON profiles_profile
        WHEN {_RECORD_CHANGED}
        BEGIN SELECT RAISE(ABORT, 'the workflow record of a profile version is written once'); END""",
    "profile_duties_insert": f"""
        CREATE TRIGGER profile_duties_insert BEFORE INSERT ON profiles_profile
        WHEN {_DUTIES_BROKEN}
        BEGIN SELECT RAISE(ABORT, 'separation of duties'); END""",
    "profile_duties_update": f"""
        CREATE TRIGGER profile_duties_update BEFORE UPDATE ON profiles_profile
        WHEN {_DUTIES_BROKEN}
        BEGIN SELECT RAISE(ABORT, 'separation of duties'); END""",
    "transition_no_update": """
        CREATE TRIGGER transition_no_update BEFORE UPDATE ON profiles_profiletransition
        BEGIN SELECT RAISE(ABORT, 'the transition history is append-only: UPDATE refused'); END""",
    "transition_no_delete": """
        CREATE TRIGGER transition_no_delete BEFORE DELETE ON profiles_profiletransition
        BEGIN SELECT RAISE(ABORT, 'the transition history is append-only: DELETE refused'); END""",
}

# 0004's criterion_update_guard looked at the new profile only; it is replaced above.
OLD_SQLITE_CRITERION_UPDATE = """CREATE TRIGGER IF NOT EXISTS criterion_update_guard BEFORE UPDATE ON
    profiles_profilecriterion WHEN (SELECT status FROM profiles_profile WHERE id = NEW.profile_id) <> 'draft'
    BEGIN SELECT RAISE(ABORT, 'criteria change only on a draft, with values from the catalogue'); END"""


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
        # profile_guard and profile_criterion_guard go back to 0002's definitions.
        from importlib import import_module

        schema_editor.execute(import_module("profiles.migrations.0002_postgres_guards").FORWARD, params=None)
    elif vendor == "sqlite":
        for name in SQLITE_TRIGGERS:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}", params=None)
        schema_editor.execute(OLD_SQLITE_CRITERION_UPDATE, params=None)


class Migration(migrations.Migration):
    dependencies = [("profiles", "0005_profile_newest_first_index")]
    operations = [migrations.RunPython(forward, backward)]
