"""Drafts belong to their author: an owner per version, take-overs, and comments.

Every existing version gets its creator as owner. The database then holds what it can
say: every version has an owner; the approver is never the owner (four eyes); a
take-over names a previous owner who is someone else, and when; the owner changes only
while the version is a draft or waits for its author's changes, and only by a
take-over that names the owner it was taken from.

On SQLite an added constraint or a NOT NULL column rebuilds the table, and a rebuilt
table loses the guard triggers of migrations 0004-0008. So the model state gets the
constraints as Django declares them, while SQLite gets them as triggers and PostgreSQL
as real constraints (SeparateDatabaseAndState).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

OWNED = "('draft', 'changes_requested')"

OWNER_IS_NOT_APPROVER = models.CheckConstraint(
    condition=models.Q(approved_by__isnull=True) | ~models.Q(approved_by=models.F("owner")),
    name="profile_owner_is_not_approver",
)
TAKE_OVER_NAMES_ANOTHER_OWNER = models.CheckConstraint(
    condition=models.Q(previous_owner__isnull=True, taken_over_at__isnull=True)
    | (
        models.Q(previous_owner__isnull=False, taken_over_at__isnull=False)
        & ~models.Q(previous_owner=models.F("owner"))
    ),
    name="profile_take_over_names_another_owner",
)

PG_OWNER_GUARD = f"""
CREATE OR REPLACE FUNCTION profile_owner_guard() RETURNS trigger AS $$
BEGIN
    IF NEW.owner_id IS DISTINCT FROM OLD.owner_id AND (
        OLD.status NOT IN {OWNED} OR NEW.previous_owner_id IS DISTINCT FROM OLD.owner_id
    ) THEN
        RAISE EXCEPTION 'profile % v%: the owner changes only by a take-over of a draft', OLD.code, OLD.version
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS profile_owner_guard ON profiles_profile;
CREATE TRIGGER profile_owner_guard BEFORE UPDATE OF owner_id ON profiles_profile
    FOR EACH ROW EXECUTE FUNCTION profile_owner_guard();
"""
PG_OWNER_GUARD_BACK = """
DROP TRIGGER IF EXISTS profile_owner_guard ON profiles_profile;
DROP FUNCTION IF EXISTS profile_owner_guard();
"""

# The same rules as triggers (SQLite cannot add a constraint without rebuilding the table).
_ROW_BROKEN = """NEW.owner_id IS NULL
        OR (NEW.approved_by_id IS NOT NULL AND NEW.approved_by_id = NEW.owner_id)
        OR NOT ((NEW.previous_owner_id IS NULL AND NEW.taken_over_at IS NULL)
                OR (NEW.previous_owner_id IS NOT NULL AND NEW.taken_over_at IS NOT NULL
                    AND NEW.previous_owner_id <> NEW.owner_id))"""
SQLITE_TRIGGERS = {
    "profile_owner_rules_insert": f"""CREATE TRIGGER profile_owner_rules_insert BEFORE INSERT ON profiles_profile
    WHEN {_ROW_BROKEN}
    BEGIN SELECT RAISE(ABORT, 'a profile version has an owner who is not its approver'); END""",
    "profile_owner_rules_update": f"""CREATE TRIGGER profile_owner_rules_update BEFORE UPDATE ON profiles_profile
    WHEN {_ROW_BROKEN}
        OR (NEW.owner_id IS NOT OLD.owner_id
            AND (OLD.status NOT IN {OWNED} OR NEW.previous_owner_id IS NOT OLD.owner_id))
    BEGIN SELECT RAISE(ABORT, 'the owner changes only by a take-over of a draft'); END""",
}


def owner_is_creator(apps, schema_editor):
    # Existing drafts (and every other version) belong to whoever created them.
    Profile = apps.get_model("profiles", "Profile")
    Profile.objects.filter(owner__isnull=True).update(owner_id=models.F("created_by_id"))


def guards_forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        Profile = apps.get_model("profiles", "Profile")
        schema_editor.execute("ALTER TABLE profiles_profile ALTER COLUMN owner_id SET NOT NULL", params=None)
        schema_editor.add_constraint(Profile, OWNER_IS_NOT_APPROVER)
        schema_editor.add_constraint(Profile, TAKE_OVER_NAMES_ANOTHER_OWNER)
        schema_editor.execute(PG_OWNER_GUARD, params=None)
    elif vendor == "sqlite":
        for name, sql in SQLITE_TRIGGERS.items():
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}", params=None)
            schema_editor.execute(sql, params=None)


def guards_backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        Profile = apps.get_model("profiles", "Profile")
        schema_editor.execute(PG_OWNER_GUARD_BACK, params=None)
        schema_editor.remove_constraint(Profile, TAKE_OVER_NAMES_ANOTHER_OWNER)
        schema_editor.remove_constraint(Profile, OWNER_IS_NOT_APPROVER)
        schema_editor.execute("ALTER TABLE profiles_profile ALTER COLUMN owner_id DROP NOT NULL", params=None)
    elif vendor == "sqlite":
        for name in SQLITE_TRIGGERS:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}", params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("profiles", "0008_catalogue_code_retired"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="profile",
            name="owner",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL
            ),
        ),
        migrations.AddField(
            model_name="profile",
            name="previous_owner",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="profile",
            name="taken_over_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(owner_is_creator, migrations.RunPython.noop),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="profile",
                    name="owner",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL
                    ),
                ),
                migrations.AddConstraint(model_name="profile", constraint=OWNER_IS_NOT_APPROVER),
                migrations.AddConstraint(model_name="profile", constraint=TAKE_OVER_NAMES_ANOTHER_OWNER),
            ],
            database_operations=[migrations.RunPython(guards_forward, guards_backward)],
        ),
        migrations.CreateModel(
            name="ProfileComment",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("text", models.TextField()),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "author",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL
                    ),
                ),
                (
                    "profile",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="comments", to="profiles.profile"
                    ),
                ),
            ],
            options={
                "verbose_name": "comment",
                "verbose_name_plural": "comments",
                "ordering": ["created_at", "id"],
                "constraints": [
                    models.CheckConstraint(condition=~models.Q(text=""), name="profile_comment_not_empty"),
                ],
            },
        ),
    ]
