"""The PostgreSQL guards of 0002, as far as SQLite triggers can say them, so that the
embedded default refuses a direct save of an approved version too.

Caution for later migrations: SQLite alters a table by rebuilding and renaming it, which
fails while these triggers name the table. A migration that alters profiles_profile,
profiles_profilecriterion or profiles_cataloguecode on SQLite must drop these triggers
first (NAMES below) and create them again after (STATEMENTS).
"""

from django.db import migrations

CONTENT = ["code", "version", "kind", "title", "origin", "generation_run_id", "valid_from", "valid_until",
           "evidence_group_size", "evidence_chain_hit_rate", "evidence_refusal_rate", "evidence_period_from",
           "evidence_period_until", "justification_legitimate_aim", "justification_suitability",
           "justification_necessity", "justification_proportionality", "justification_nationality_use",
           "created_by_id", "previous_version_id", "public_id"]
CHANGED = " OR ".join(f'NEW."{c}" IS NOT OLD."{c}"' for c in CONTENT)
ALLOWED = ", ".join(f"'{a}>{b}'" for a, b in [
    ("draft", "in_review"), ("in_review", "changes_requested"), ("changes_requested", "draft"),
    ("in_review", "approved"), ("in_review", "rejected"), ("approved", "active"), ("approved", "expired"),
    ("active", "expired"), ("approved", "withdrawn"), ("active", "withdrawn")])
VALUES_OK = """
    json_valid(NEW."values") AND json_type(NEW."values") = 'array' AND json_array_length(NEW."values") > 0
    AND NOT EXISTS (SELECT 1 FROM json_each(NEW."values") v WHERE NOT EXISTS (
        SELECT 1 FROM profiles_cataloguecode c WHERE c.characteristic = NEW.characteristic AND c.code = v.value))
"""

STATEMENTS = [
    """CREATE TRIGGER IF NOT EXISTS profile_insert_as_draft BEFORE INSERT ON profiles_profile
       WHEN NEW.status <> 'draft'
       BEGIN SELECT RAISE(ABORT, 'a profile version starts as a draft'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS profile_content_immutable BEFORE UPDATE ON profiles_profile
       WHEN OLD.status <> 'draft' AND ({CHANGED})
       BEGIN SELECT RAISE(ABORT, 'this profile version is no longer a draft: its content is immutable'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS profile_status_follows_workflow BEFORE UPDATE OF status ON profiles_profile
       WHEN NEW.status <> OLD.status AND (OLD.status || '>' || NEW.status) NOT IN ({ALLOWED})
       BEGIN SELECT RAISE(ABORT, 'not a workflow transition'); END""",
    """CREATE TRIGGER IF NOT EXISTS profile_three_of_seven_on_submit BEFORE UPDATE OF status ON profiles_profile
       WHEN OLD.status = 'draft' AND NEW.status <> 'draft' AND (
           (SELECT count(DISTINCT characteristic) FROM profiles_profilecriterion WHERE profile_id = NEW.id) < 3
           OR NOT EXISTS (SELECT 1 FROM profiles_profilecriterion WHERE profile_id = NEW.id
                          AND characteristic IN ('travel_purpose', 'application_location'))
           OR NOT EXISTS (SELECT 1 FROM profiles_profilecriterion WHERE profile_id = NEW.id
                          AND characteristic NOT IN ('travel_purpose', 'application_location')))
       BEGIN SELECT RAISE(ABORT, 'three-of-seven or the application/personal mix is not met'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS criterion_insert_guard BEFORE INSERT ON profiles_profilecriterion
       WHEN (SELECT status FROM profiles_profile WHERE id = NEW.profile_id) <> 'draft' OR NOT ({VALUES_OK})
       BEGIN SELECT RAISE(ABORT, 'criteria change only on a draft, with values from the catalogue'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS criterion_update_guard BEFORE UPDATE ON profiles_profilecriterion
       WHEN (SELECT status FROM profiles_profile WHERE id = NEW.profile_id) <> 'draft' OR NOT ({VALUES_OK})
       BEGIN SELECT RAISE(ABORT, 'criteria change only on a draft, with values from the catalogue'); END""",
]
NAMES = ["profile_insert_as_draft", "profile_content_immutable", "profile_status_follows_workflow",
         "profile_three_of_seven_on_submit", "criterion_insert_guard", "criterion_update_guard"]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in STATEMENTS:
            schema_editor.execute(statement, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for name in NAMES:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}", params=None)


class Migration(migrations.Migration):
    dependencies = [("profiles", "0003_catalogue_ban_constraint")]
    operations = [migrations.RunPython(forward, backward)]
