"""Workflow, four eyes and immutability of DPIA and IAMA versions."""

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction

from assessments import services
from assessments.models import ActionPoint, Answer, AssessmentVersion, VersionStatus
from assessments.selectors import version_content_hash
from audit.models import AuditEvent
from problems import DomainError

pytestmark = pytest.mark.django_db


def test_full_path_draft_to_signed_records_hash_and_audit(users, signed):
    assert signed.status == VersionStatus.SIGNED
    assert signed.signed_by == users["reviewer"]
    assert signed.content_hash == version_content_hash(signed)
    assert signed.review_by is not None
    types = set(AuditEvent.objects.values_list("event_type", flat=True))
    assert {"assessment.submit", "assessment.record_dpo_advice", "assessment.sign", "assessment.section_saved"} <= types


def test_only_the_responsible_official_signs(users, draft):
    services.section_save(
        actor=users["policy_officer"], version=draft, section_id="A01", answers={"dpia3.A01_proposal": {"text": "x"}}
    )
    services.version_transition(actor=users["policy_officer"], version=draft, action="submit")
    services.version_transition(actor=users["dpo"], version=draft, action="record_dpo_advice", advice="Ok.")
    for name in ("policy_officer", "dpo", "auditor", "admin"):
        with pytest.raises(DomainError) as refused:
            services.version_transition(actor=users[name], version=draft, action="sign")
        assert refused.value.status == 403
    assert AuditEvent.objects.filter(event_type="assessment.refused", data__action="sign").count() == 4


def test_reviewer_who_wrote_an_answer_cannot_sign(users, draft):
    from accounts.roles import Role
    from accounts.services import user_create_or_update

    both = user_create_or_update(username="both", password="pw-both", roles=[Role.POLICY_OFFICER, Role.REVIEWER])
    services.section_save(
        actor=both,
        version=draft,
        section_id="A01",
        answers={"dpia3.A01_proposal": {"text": "Written by someone who also reviews."}},
    )
    services.version_transition(actor=users["policy_officer"], version=draft, action="submit")
    services.version_transition(actor=users["dpo"], version=draft, action="record_dpo_advice", advice="Ok.")
    with pytest.raises(DomainError) as refused:
        services.version_transition(actor=both, version=draft, action="sign")
    assert refused.value.codes == ["four_eyes"]
    assert services.version_transition(actor=users["reviewer"], version=draft, action="sign").status == "signed"


def test_signing_needs_dpo_advice_first_and_roles(users, draft):
    services.version_transition(actor=users["policy_officer"], version=draft, action="submit")
    with pytest.raises(DomainError) as early:
        services.version_transition(actor=users["reviewer"], version=draft, action="sign")
    assert early.value.codes == ["invalid_transition"]
    with pytest.raises(DomainError) as not_dpo:
        services.version_transition(actor=users["reviewer"], version=draft, action="record_dpo_advice", advice="x")
    assert not_dpo.value.codes == ["role_required"]
    with pytest.raises(DomainError) as empty:
        services.version_transition(actor=users["dpo"], version=draft, action="record_dpo_advice", advice=" ")
    assert empty.value.codes == ["advice_required"]


def test_superuser_without_role_cannot_sign(users, draft):
    admin = users["admin"]
    admin.is_superuser = True
    admin.save()
    services.version_transition(actor=users["policy_officer"], version=draft, action="submit")
    services.version_transition(actor=users["dpo"], version=draft, action="record_dpo_advice", advice="Ok.")
    with pytest.raises(DomainError):
        services.version_transition(actor=admin, version=draft, action="sign")


def test_signed_version_refuses_every_change_by_service(users, signed):
    with pytest.raises(DomainError) as refused:
        services.section_save(
            actor=users["policy_officer"],
            version=signed,
            section_id="A01",
            answers={"dpia3.A01_proposal": {"text": "changed"}},
        )
    assert refused.value.codes == ["not_draft"]
    with pytest.raises(DomainError):
        services.action_point_save(actor=users["policy_officer"], version=signed, text="t", owner="o")
    assert Answer.objects.get(version=signed).value == {"text": "IOB advises a track."}


def test_signed_version_refuses_orm_writes_in_the_database(users, signed):
    answer = Answer.objects.get(version=signed)
    for attempt in (
        lambda: Answer.objects.filter(pk=answer.pk).update(value={"text": "forged"}),
        lambda: Answer.objects.create(
            version=signed, key="dpia3.R00_introduction", value={"text": "x"}, answered_at=signed.signed_at
        ),
        lambda: ActionPoint.objects.create(version=signed, text="x", owner="y"),
        lambda: AssessmentVersion.objects.filter(pk=signed.pk).update(dpo_advice="other"),
        lambda: AssessmentVersion.objects.filter(pk=signed.pk).update(content_hash="0" * 64),
        lambda: AssessmentVersion.objects.filter(pk=signed.pk).update(status="draft"),
    ):
        with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
            attempt()
    assert Answer.objects.get(pk=answer.pk).value == {"text": "IOB advises a track."}


def test_a_new_version_copies_answers_and_signing_it_supersedes_the_old(users, dpia, signed):
    new = services.version_new(actor=users["policy_officer"], assessment=dpia, note="yearly review")
    assert new.number == 2 and new.status == "draft"
    assert Answer.objects.get(version=new).value == {"text": "IOB advises a track."}
    services.section_save(
        actor=users["policy_officer2"],
        version=new,
        section_id="R00",
        answers={"dpia3.R00_introduction": {"text": "Second round."}},
    )
    services.version_transition(actor=users["policy_officer2"], version=new, action="submit")
    services.version_transition(actor=users["dpo"], version=new, action="record_dpo_advice", advice="Fine.")
    services.version_transition(actor=users["reviewer2"], version=new, action="sign")
    signed.refresh_from_db()
    assert signed.status == VersionStatus.SUPERSEDED
    with pytest.raises(DomainError) as refused:
        services.version_new(actor=users["policy_officer"], assessment=dpia)
        services.version_new(actor=users["policy_officer"], assessment=dpia)
    assert refused.value.codes == ["open_version_exists"]


def test_return_to_draft_needs_a_comment_and_allows_editing_again(users, draft):
    services.version_transition(actor=users["policy_officer"], version=draft, action="submit")
    with pytest.raises(DomainError):
        services.version_transition(actor=users["dpo"], version=draft, action="return")
    services.version_transition(actor=users["dpo"], version=draft, action="return", comment="Add the risks.")
    services.section_save(
        actor=users["policy_officer"],
        version=draft,
        section_id="R00",
        answers={"dpia3.R00_introduction": {"text": "Now with risks."}},
    )


def test_prohibited_ai_blocks_finalising_the_iama(users, iama):
    version = iama.versions.get()
    services.section_save(
        actor=users["policy_officer"],
        version=version,
        section_id="1.3",
        answers={"iama26.1.3.1_prohibited_ai": {"yes": "yes"}},
    )
    with pytest.raises(DomainError) as refused:
        services.version_transition(actor=users["policy_officer"], version=version, action="submit")
    assert refused.value.codes == ["prohibited_ai"]


def test_bad_input_is_refused_with_codes_and_changes_nothing(users, draft):
    with pytest.raises(DomainError) as refused:
        services.section_save(
            actor=users["policy_officer"],
            version=draft,
            section_id="A02",
            answers={
                "dpia3.A02_personal_data": {"items": [{"values": {"item": "nationality", "data_type": "ethnic"}}]},
            },
        )
    assert refused.value.codes == ["invalid_choice"]
    with pytest.raises(DomainError) as wrong_section:
        services.section_save(
            actor=users["policy_officer"],
            version=draft,
            section_id="A02",
            answers={"dpia3.A01_proposal": {"text": "x"}},
        )
    assert wrong_section.value.codes == ["unknown_question"]
    assert not Answer.objects.exists()
    with pytest.raises(DomainError) as no_role:
        services.section_save(
            actor=users["auditor"], version=draft, section_id="A01", answers={"dpia3.A01_proposal": {"text": "x"}}
        )
    assert no_role.value.status == 403


def test_repeatable_items_keep_their_ids_across_saves_and_versions(users, dpia, draft):
    items = [
        {"values": {"item": "nationality", "subjects": "applicant", "data_type": "gewoon"}},
        {"values": {"item": "age group", "subjects": "applicant"}},
    ]
    services.section_save(
        actor=users["policy_officer"],
        version=draft,
        section_id="A02",
        answers={"dpia3.A02_personal_data": {"items": items}},
    )
    answer = Answer.objects.get(key="dpia3.A02_personal_data")
    ids = [str(i.item_id) for i in answer.items.all()]
    edited = [{"item_id": ids[1], "values": {"item": "age group", "subjects": "applicant, referent"}}]
    services.section_save(
        actor=users["policy_officer"],
        version=draft,
        section_id="A02",
        answers={"dpia3.A02_personal_data": {"items": edited}},
    )
    assert [str(i.item_id) for i in answer.items.all()] == [ids[1]]


@pytest.mark.postgres
def test_direct_sql_cannot_change_a_signed_version_on_postgres(on_postgres, users, signed):
    answer = Answer.objects.get(version=signed)
    statements = [
        ('UPDATE assessments_answer SET value = \'{"text": "forged"}\' WHERE id = %s', [answer.pk]),
        ("DELETE FROM assessments_answer WHERE id = %s", [answer.pk]),
        ("UPDATE assessments_assessmentversion SET dpo_advice = 'forged' WHERE id = %s", [signed.pk]),
        ("UPDATE assessments_assessmentversion SET status = 'draft' WHERE id = %s", [signed.pk]),
        (
            "UPDATE assessments_assessmentversion SET signed_by_id = %s WHERE id = %s",
            [users["policy_officer"].pk, signed.pk],
        ),
        ("DELETE FROM assessments_assessmentversion WHERE id = %s", [signed.pk]),
        (
            "INSERT INTO assessments_actionpoint (version_id, item_id, part, text, owner, status, created_at) "
            "VALUES (%s, gen_random_uuid(), '', 'x', 'y', 'open', now())",
            [signed.pk],
        ),
        ("DELETE FROM assessments_versionauthor WHERE version_id = %s", [signed.pk]),
    ]
    for sql, params in statements:
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    assert Answer.objects.get(pk=answer.pk).value == {"text": "IOB advises a track."}


@pytest.mark.postgres
def test_direct_sql_cannot_sign_as_an_author_on_postgres(on_postgres, users, draft):
    services.section_save(
        actor=users["policy_officer"], version=draft, section_id="A01", answers={"dpia3.A01_proposal": {"text": "x"}}
    )
    services.version_transition(actor=users["policy_officer2"], version=draft, action="submit")
    services.version_transition(actor=users["dpo"], version=draft, action="record_dpo_advice", advice="Ok.")
    for signer in ("policy_officer", "policy_officer2"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "UPDATE assessments_assessmentversion SET status = 'signed', signed_by_id = %s, "
                "signed_at = now(), content_hash = repeat('a', 64) WHERE id = %s",
                [users[signer].pk, draft.pk],
            )
    with connection.cursor() as cursor:  # someone else may, even by SQL
        cursor.execute(
            "UPDATE assessments_assessmentversion SET status = 'signed', signed_by_id = %s, "
            "signed_at = now(), content_hash = repeat('a', 64) WHERE id = %s",
            [users["reviewer"].pk, draft.pk],
        )
