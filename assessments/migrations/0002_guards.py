"""The database repeats the assessment rules it can say, on PostgreSQL and SQLite:

- a version is inserted as a draft, and its status moves only along the workflow
  (draft → in_review → dpo_advised → signed → superseded; in_review/dpo_advised → draft);
- its content changes only while it is a draft; the DPO's advice changes only by a return
  to draft; the signature (with the review-by date) never changes; a signed version
  changes only to `superseded`;
- the signer is never an author or the submitter of the version (four eyes);
- only a draft can be deleted;
- answers, their items, action points, participants and the author list change only
  while their version is a draft.

On SQLite, deleting is left to the services (as for profiles): the test runner empties
tables with DELETE between tests, which row triggers would refuse; PostgreSQL empties them
with TRUNCATE, so there the database refuses deleting signed content too.

SQLite alters a table by rebuilding it: a later migration that alters one of these
tables on SQLite must drop the triggers first (SQLITE_NAMES) and create them again.
"""

from django.db import migrations

V = "assessments_assessmentversion"
CONTENT = [
    "public_id",
    "assessment_id",
    "number",
    "question_set_id",
    "previous_id",
    "note",
    "carry_over",
    "created_by_id",
]
ADVICE = ["dpo_advice", "dpo_advice_by_id", "dpo_advice_at"]
SIGNATURE = [
    "signed_by_id",
    "signed_at",
    "sign_comment",
    "content_hash",
    "review_by",
    "submitted_by_id",
    "submitted_at",
]
PAIRS = [
    ("draft", "in_review"),
    ("in_review", "draft"),
    ("in_review", "dpo_advised"),
    ("dpo_advised", "draft"),
    ("dpo_advised", "signed"),
    ("signed", "superseded"),
]
ALLOWED = ", ".join(f"'{a}>{b}'" for a, b in PAIRS)
CHILDREN = {  # table: how to find the version of a row (NEW/OLD substituted)
    "assessments_answer": "{r}.version_id",
    "assessments_actionpoint": "{r}.version_id",
    "assessments_participant": "{r}.version_id",
    "assessments_versionauthor": "{r}.version_id",
    "assessments_answeritem": "(SELECT a.version_id FROM assessments_answer a WHERE a.id = {r}.answer_id)",
}


def _changed(cols, dialect):
    op = "IS DISTINCT FROM" if dialect == "pg" else "IS NOT"
    return " OR ".join(f'NEW."{c}" {op} OLD."{c}"' for c in cols)


PG = rf"""
CREATE OR REPLACE FUNCTION assessment_version_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.status <> 'draft' THEN
            RAISE EXCEPTION 'assessment version % is % and cannot be deleted', OLD.id, OLD.status
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN OLD;
    END IF;
    IF TG_OP = 'INSERT' THEN
        IF NEW.status <> 'draft' THEN
            RAISE EXCEPTION 'an assessment version starts as a draft' USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
    END IF;
    IF NEW.status <> OLD.status AND (OLD.status || '>' || NEW.status) NOT IN ({ALLOWED}) THEN
        RAISE EXCEPTION 'not a workflow transition: % to %', OLD.status, NEW.status
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF OLD.status <> 'draft' AND ({_changed(CONTENT, "pg")}) THEN
        RAISE EXCEPTION 'assessment version % is %: its content is immutable', OLD.id, OLD.status
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF (OLD.status IN ('signed', 'superseded') OR (OLD.status = 'dpo_advised' AND NEW.status <> 'draft'))
       AND ({_changed(ADVICE, "pg")}) THEN
        RAISE EXCEPTION 'the DPO advice of version % is recorded and immutable', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF OLD.status IN ('signed', 'superseded') AND ({_changed(SIGNATURE, "pg")}) THEN
        RAISE EXCEPTION 'assessment version % is signed and immutable', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF NEW.status = 'signed' AND OLD.status <> 'signed' AND (
        NEW.signed_by_id IS NULL OR NEW.signed_by_id IS NOT DISTINCT FROM NEW.submitted_by_id
        OR EXISTS (SELECT 1 FROM assessments_versionauthor a WHERE a.version_id = NEW.id AND a.user_id = NEW.signed_by_id)
    ) THEN
        RAISE EXCEPTION 'four eyes: an author or the submitter of version % cannot sign it', NEW.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER assessment_version_guard BEFORE INSERT OR UPDATE OR DELETE ON {V}
    FOR EACH ROW EXECUTE FUNCTION assessment_version_guard();

CREATE OR REPLACE FUNCTION assessment_child_guard() RETURNS trigger AS $$
DECLARE
    version_ids bigint[];
    bad text;
BEGIN
    IF TG_TABLE_NAME = 'assessments_answeritem' THEN
        SELECT array_agg(a.version_id) INTO version_ids FROM assessments_answer a
         WHERE a.id IN (CASE WHEN TG_OP = 'INSERT' THEN NULL ELSE OLD.answer_id END,
                        CASE WHEN TG_OP = 'DELETE' THEN NULL ELSE NEW.answer_id END);
    ELSE
        version_ids := ARRAY[CASE WHEN TG_OP = 'INSERT' THEN NULL ELSE OLD.version_id END,
                             CASE WHEN TG_OP = 'DELETE' THEN NULL ELSE NEW.version_id END];
    END IF;
    SELECT v.status INTO bad FROM {V} v WHERE v.id = ANY(version_ids) AND v.status <> 'draft' LIMIT 1;
    IF bad IS NOT NULL THEN
        RAISE EXCEPTION 'the assessment version is % and cannot change (%)', bad, TG_TABLE_NAME
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
""" + "".join(
    f"CREATE TRIGGER {t}_guard BEFORE INSERT OR UPDATE OR DELETE ON {t} "
    f"FOR EACH ROW EXECUTE FUNCTION assessment_child_guard();\n"
    for t in CHILDREN
)

PG_BACK = (
    f"DROP TRIGGER IF EXISTS assessment_version_guard ON {V};\n"
    + "".join(f"DROP TRIGGER IF EXISTS {t}_guard ON {t};\n" for t in CHILDREN)
    + ("DROP FUNCTION IF EXISTS assessment_version_guard(); DROP FUNCTION IF EXISTS assessment_child_guard();")
)


def _not_draft(expr: str) -> str:
    return f"(SELECT status FROM {V} WHERE id = {expr}) <> 'draft'"


SQLITE = [
    f"""CREATE TRIGGER IF NOT EXISTS assessmentversion_insert_as_draft BEFORE INSERT ON {V}
        WHEN NEW.status <> 'draft' BEGIN SELECT RAISE(ABORT, 'an assessment version starts as a draft'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS assessmentversion_workflow BEFORE UPDATE OF status ON {V}
        WHEN NEW.status <> OLD.status AND (OLD.status || '>' || NEW.status) NOT IN ({ALLOWED})
        BEGIN SELECT RAISE(ABORT, 'not a workflow transition'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS assessmentversion_content_immutable BEFORE UPDATE ON {V}
        WHEN OLD.status <> 'draft' AND ({_changed(CONTENT, "sqlite")})
        BEGIN SELECT RAISE(ABORT, 'this assessment version is no longer a draft: its content is immutable'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS assessmentversion_advice_immutable BEFORE UPDATE ON {V}
        WHEN (OLD.status IN ('signed', 'superseded') OR (OLD.status = 'dpo_advised' AND NEW.status <> 'draft'))
            AND ({_changed(ADVICE, "sqlite")})
        BEGIN SELECT RAISE(ABORT, 'the DPO advice is recorded and immutable'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS assessmentversion_signature_immutable BEFORE UPDATE ON {V}
        WHEN OLD.status IN ('signed', 'superseded') AND ({_changed(SIGNATURE, "sqlite")})
        BEGIN SELECT RAISE(ABORT, 'this assessment version is signed and immutable'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS assessmentversion_four_eyes BEFORE UPDATE OF status ON {V}
        WHEN NEW.status = 'signed' AND OLD.status <> 'signed' AND (
            NEW.signed_by_id IS NULL OR NEW.signed_by_id IS NEW.submitted_by_id
            OR EXISTS (SELECT 1 FROM assessments_versionauthor a WHERE a.version_id = NEW.id
                       AND a.user_id = NEW.signed_by_id))
        BEGIN SELECT RAISE(ABORT, 'four eyes: an author or the submitter cannot sign'); END""",
]
SQLITE_NAMES = [
    "assessmentversion_insert_as_draft",
    "assessmentversion_workflow",
    "assessmentversion_content_immutable",
    "assessmentversion_advice_immutable",
    "assessmentversion_signature_immutable",
    "assessmentversion_four_eyes",
]
for table, where in CHILDREN.items():
    for op, rows in (("INSERT", ["NEW"]), ("UPDATE", ["OLD", "NEW"])):
        name = f"{table}_{op.lower()}_draft_only"
        cond = " OR ".join(_not_draft(where.format(r=r)) for r in rows)
        SQLITE.append(f"""CREATE TRIGGER IF NOT EXISTS {name} BEFORE {op} ON {table} WHEN {cond}
            BEGIN SELECT RAISE(ABORT, 'the assessment version is no longer a draft and cannot change'); END""")
        SQLITE_NAMES.append(name)


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_BACK)
    elif vendor == "sqlite":
        for name in SQLITE_NAMES:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("assessments", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
