"""The register workflow: editor writes, a second person approves and publishes (four
eyes), publishing is audited with who and when; retract and archive; immutability in the
service and in the database."""

import pytest
from django.db import IntegrityError, connection, transaction

from audit.models import AuditEvent
from problems import DomainError
from register.models import EntryVersion, VersionStatus
from register.services import version_create_draft, version_transition, version_update


def test_prefilled_draft_passes_release_checks(users, draft):
    assert draft.status == VersionStatus.DRAFT and draft.number == 1
    assert draft.fields["organization"] == "Ministerie van Buitenlandse Zaken"
    assert draft.provenance["source_data"]["codes"] == ["CHR", "GEN", "BAN"]
    assert {s["type"] for s in draft.provenance["source_data"]["sources"]} >= {"profiles.catalogue", "profiles.ban"}
    assert "nationaliteit" in draft.fields["source_data"]


def test_editor_cannot_approve_own_version_even_with_reviewer_role(users, draft):
    from accounts.services import user_create_or_update

    both = user_create_or_update(username="both", password="pw", roles=["register_editor", "reviewer"])
    v = version_update(actor=both, version=draft, fields={"name": "IOB visumadvies"})
    v = version_transition(actor=users["register_editor"], version=v, action="submit")
    with pytest.raises(DomainError) as refused:
        version_transition(actor=both, version=v, action="approve")
    assert refused.value.codes == ["four_eyes"] and refused.value.status == 403
    assert AuditEvent.objects.filter(event_type="register.refused", data__codes=["four_eyes"]).exists()


def test_editor_role_cannot_approve_and_reviewer_cannot_submit(users, draft):
    with pytest.raises(DomainError) as cannot_submit:
        version_transition(actor=users["reviewer"], version=draft, action="submit")
    assert cannot_submit.value.codes == ["role_required"]
    v = version_transition(actor=users["register_editor"], version=draft, action="submit")
    with pytest.raises(DomainError) as cannot_approve:
        version_transition(actor=users["register_editor"], version=v, action="approve")
    assert cannot_approve.value.codes == ["role_required"]


def test_publish_records_who_and_when_and_supersedes(users, published):
    assert published.status == VersionStatus.PUBLISHED
    assert published.published_by == users["reviewer"] and published.published_at
    event = AuditEvent.objects.get(event_type="register.publish")
    assert event.actor_username == "reviewer" and event.data["content_hash"] == published.content_hash
    second = version_create_draft(actor=users["register_editor"])
    assert second.number == 2 and second.fields == {**published.fields}
    second = version_transition(actor=users["register_editor"], version=second, action="submit")
    second = version_transition(actor=users["reviewer2"], version=second, action="approve")
    second = version_transition(actor=users["reviewer2"], version=second, action="publish")
    published.refresh_from_db()
    assert published.status == VersionStatus.SUPERSEDED and second.status == VersionStatus.PUBLISHED


def test_retract_needs_reason_then_archive(users, published):
    with pytest.raises(DomainError) as no_reason:
        version_transition(actor=users["reviewer"], version=published, action="retract")
    assert no_reason.value.codes == ["comment_required"]
    v = version_transition(actor=users["reviewer"], version=published, action="retract", comment="Wrong text")
    assert v.status == VersionStatus.RETRACTED and v.retracted_at
    v = version_transition(actor=users["register_editor"], version=v, action="archive")
    assert v.status == VersionStatus.ARCHIVED
    with pytest.raises(DomainError) as again:
        version_transition(actor=users["register_editor"], version=v, action="archive")
    assert again.value.status == 409


def test_send_back_reopens_for_editing(users, draft):
    v = version_transition(actor=users["register_editor"], version=draft, action="submit")
    with pytest.raises(DomainError) as frozen:
        version_update(actor=users["register_editor"], version=v, fields={"name": "Anders"})
    assert frozen.value.codes == ["version_not_editable"]
    v = version_transition(actor=users["reviewer"], version=v, action="send_back", comment="Noem alternatieven")
    assert v.status == VersionStatus.DRAFT
    assert (
        version_update(actor=users["register_editor"], version=v, fields={"name": "Anders"}).fields["name"] == "Anders"
    )


def test_one_open_version_at_a_time(users, draft):
    with pytest.raises(DomainError) as twice:
        version_create_draft(actor=users["register_editor"])
    assert twice.value.codes == ["open_version_exists"]


def test_release_requires_the_seven(users, draft):
    v = version_update(
        actor=users["register_editor"], version=draft, fields={"contact_email": "", "publication_category": ""}
    )
    with pytest.raises(DomainError) as missing:
        version_transition(actor=users["register_editor"], version=v, action="submit")
    assert sorted(p.field for p in missing.value.problems) == ["contact_email", "publication_category"]
    assert set(missing.value.codes) == {"field_required"}


def _sql(statement, params=()):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_database_refuses_changing_published_content(users, published):
    with pytest.raises(IntegrityError):
        _sql("UPDATE register_entryversion SET fields = %s WHERE id = %s", ['{"name": "x"}', published.pk])
    with pytest.raises(IntegrityError):
        _sql("UPDATE register_entryversion SET content_hash = 'x' WHERE id = %s", [published.pk])
    if connection.vendor == "postgresql":
        with pytest.raises(IntegrityError):
            _sql("DELETE FROM register_entryversion WHERE id = %s", [published.pk])
    with pytest.raises(IntegrityError):
        _sql("UPDATE register_entryversion SET status = 'draft' WHERE id = %s", [published.pk])
    # What may change after publication: the register's answer.
    _sql("UPDATE register_entryversion SET register_answer = %s WHERE id = %s", ['{"a": 1}', published.pk])


def test_database_refuses_an_editor_as_approver(users, draft):
    v = version_transition(actor=users["register_editor"], version=draft, action="submit")
    with pytest.raises(IntegrityError):
        _sql(
            "UPDATE register_entryversion SET status = 'approved', approved_by_id = %s, approved_at = %s WHERE id = %s",
            [users["register_editor"].pk, "2026-01-01 00:00:00", v.pk],
        )
    EntryVersion.objects.filter(pk=v.pk).update(editor_ids=[users["register_editor"].pk, users["reviewer"].pk])
    with pytest.raises(IntegrityError):
        _sql(
            "UPDATE register_entryversion SET status = 'approved', approved_by_id = %s, approved_at = %s WHERE id = %s",
            [users["reviewer"].pk, "2026-01-01 00:00:00", v.pk],
        )


def test_database_refuses_skipping_the_workflow(users, draft):
    with pytest.raises(IntegrityError):
        _sql("UPDATE register_entryversion SET status = 'published' WHERE id = %s", [draft.pk])
    with pytest.raises(IntegrityError):
        _sql(
            "INSERT INTO register_entryversion (public_id, entry_id, number, status, fields, provenance, "
            "content_hash, editor_ids, created_at, updated_at, last_comment, register_answer) VALUES "
            "(%s, %s, 9, 'published', '{}', '{}', '', '[]', %s, %s, '', '{}')",
            ["0" * 32, draft.entry_id, "2026-01-01 00:00:00", "2026-01-01 00:00:00"],
        )


def test_migration_moves_match_the_workflow_table():
    import importlib

    from register.workflow import ALLOWED_MOVES

    guards = importlib.import_module("register.migrations.0002_guards")
    assert sorted(guards.MOVES) == ALLOWED_MOVES
