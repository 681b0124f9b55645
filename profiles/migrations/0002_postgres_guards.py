"""On PostgreSQL, the database itself keeps the profile rules it can express:

- a version's content changes only while it is a draft (approved versions are immutable);
- a profile is inserted as a draft, and only a never-submitted draft can be deleted;
- status moves only along the workflow of docs/characteristics.md;
- leaving draft needs three of seven with the application/personal mix, and every
  criterion value must exist in its catalogue;
- criteria change only while their profile is a draft.
"""

from django.db import migrations

FORWARD = r"""
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
        RETURN NEW;
    END IF;
    IF OLD.status <> 'draft' AND (
        NEW.code, NEW.version, NEW.kind, NEW.title, NEW.origin, NEW.generation_run_id, NEW.valid_from,
        NEW.valid_until, NEW.evidence_group_size, NEW.evidence_chain_hit_rate, NEW.evidence_refusal_rate,
        NEW.evidence_period_from, NEW.evidence_period_until, NEW.justification_legitimate_aim,
        NEW.justification_suitability, NEW.justification_necessity, NEW.justification_proportionality,
        NEW.justification_nationality_use, NEW.created_by_id, NEW.previous_version_id, NEW.public_id
    ) IS DISTINCT FROM (
        OLD.code, OLD.version, OLD.kind, OLD.title, OLD.origin, OLD.generation_run_id, OLD.valid_from,
        OLD.valid_until, OLD.evidence_group_size, OLD.evidence_chain_hit_rate, OLD.evidence_refusal_rate,
        OLD.evidence_period_from, OLD.evidence_period_until, OLD.justification_legitimate_aim,
        OLD.justification_suitability, OLD.justification_necessity, OLD.justification_proportionality,
        OLD.justification_nationality_use, OLD.created_by_id, OLD.previous_version_id, OLD.public_id
    ) THEN
        RAISE EXCEPTION 'profile % v% is %: its content is immutable; make a new version', OLD.code, OLD.version,
            OLD.status USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF NEW.status IS DISTINCT FROM OLD.status AND (OLD.status, NEW.status) NOT IN (
        ('draft', 'in_review'), ('in_review', 'changes_requested'), ('changes_requested', 'draft'),
        ('in_review', 'approved'), ('in_review', 'rejected'), ('approved', 'active'), ('approved', 'expired'),
        ('active', 'expired'), ('approved', 'withdrawn'), ('active', 'withdrawn')
    ) THEN
        RAISE EXCEPTION 'profile % v%: % -> % is not a workflow transition', OLD.code, OLD.version, OLD.status,
            NEW.status USING ERRCODE = 'integrity_constraint_violation';
    END IF;
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

DROP TRIGGER IF EXISTS profile_guard ON profiles_profile;
CREATE TRIGGER profile_guard BEFORE INSERT OR UPDATE OR DELETE ON profiles_profile
    FOR EACH ROW EXECUTE FUNCTION profile_guard();

CREATE OR REPLACE FUNCTION profile_criterion_guard() RETURNS trigger AS $$
DECLARE
    parent_status text;
    row_profile bigint;
BEGIN
    row_profile := CASE WHEN TG_OP = 'DELETE' THEN OLD.profile_id ELSE NEW.profile_id END;
    SELECT status INTO parent_status FROM profiles_profile WHERE id = row_profile;
    -- A missing parent means a draft being deleted (the profile guard allowed it).
    IF parent_status IS NOT NULL AND parent_status <> 'draft' THEN
        RAISE EXCEPTION 'the criteria of a % profile are immutable', parent_status
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
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

DROP TRIGGER IF EXISTS profile_criterion_guard ON profiles_profilecriterion;
CREATE TRIGGER profile_criterion_guard BEFORE INSERT OR UPDATE OR DELETE ON profiles_profilecriterion
    FOR EACH ROW EXECUTE FUNCTION profile_criterion_guard();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS profile_criterion_guard ON profiles_profilecriterion;
DROP FUNCTION IF EXISTS profile_criterion_guard();
DROP TRIGGER IF EXISTS profile_guard ON profiles_profile;
DROP FUNCTION IF EXISTS profile_guard();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("profiles", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
