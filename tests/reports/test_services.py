"""Requesting, generating, scheduling and the DPO's review, through the services."""

from datetime import date

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import translation

from audit.models import AuditEvent
from jobs.models import Job, JobStatus
from problems import DomainError
from reports import services
from reports.models import (
    ArtifactKind,
    BiasReport,
    FollowUpAction,
    ReportArtifact,
    ReportFinding,
    ReportOrigin,
    ReportStatus,
)
from reports.selectors import follow_ups_open, report_artifact, report_figures


def events(kind: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(event_type=kind).order_by("seq"))


# --- Requesting ------------------------------------------------------------------------------------


def test_a_request_stores_a_pending_report_and_queues_its_job(
    users, django_capture_on_commit_callbacks, dataset, stub_pdf
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        report = services.report_request(
            actor=users["dpo"],
            period_from="2025-01-01",
            period_to="2025-12-31",
            parameters={"min_cell": "5", "alpha": 0.1},
        )
    assert len(callbacks) == 1  # the task is sent only once the rows are committed
    report.refresh_from_db()
    assert report.status == ReportStatus.GENERATED
    assert report.parameters == {
        "min_cell": 5,
        "alpha": 0.1,
        "ratio_low": 0.8,
        "ratio_high": 1.25,
        "follow_threshold": 0.95,
    }
    assert report.job.status == JobStatus.SUCCEEDED and report.job.progress == 100
    assert report.job.result == {"report": str(report.public_id)}
    assert report.record_count == len(dataset) and report.decided_count == len(dataset) - 3
    assert [e.data["job"] for e in events("report.requested")] == [str(report.job.public_id)]


@pytest.mark.parametrize(
    ("data", "codes"),
    [
        ({"period_from": "2025-13-01", "period_to": "2025-12-31"}, ["invalid_date"]),
        ({"period_from": "2025-12-31", "period_to": "2025-01-01"}, ["invalid_period"]),
        ({"period_from": "2015-01-01", "period_to": "2025-12-31"}, ["period_too_long"]),
        (
            {"period_from": "", "period_to": None, "parameters": {"min_cell": 2}},
            ["invalid_date", "invalid_date", "invalid_parameter"],
        ),
        (
            {
                "parameters": {
                    "min_cell": 10.5,
                    "alpha": "x",
                    "ratio_low": 1.2,
                    "ratio_high": 0.9,
                    "follow_threshold": 0,
                }
            },
            ["invalid_parameter"] * 5,
        ),
        (
            {"parameters": {"ratio_low": 1.2, "ratio_high": 0.9, "follow_threshold": 1.5, "alpha": 0}},
            ["invalid_parameter"] * 4,
        ),
        ({"parameters": {"etniciteit": 1, "min_cell": True}}, ["unknown_parameter", "invalid_parameter"]),
    ],
)
def test_bad_input_is_refused_with_codes_and_changes_nothing(users, data, codes):
    data = {"period_from": "2025-01-01", "period_to": "2025-01-31", **data}
    with pytest.raises(DomainError) as refused:
        services.report_request(actor=users["dpo"], **data)
    assert refused.value.codes == codes and refused.value.status == 400
    assert not BiasReport.objects.exists() and not Job.objects.exists()


def test_errors_speak_dutch_and_english(users):
    with pytest.raises(DomainError) as refused:
        services.report_request(actor=users["dpo"], period_from="31-01-2025", period_to="2025-02-01")
    # Messages are lazy: each door shows them in its request's language.
    for language, text in (("nl", "Geef de datum als JJJJ-MM-DD"), ("en", "Give the date as YYYY-MM-DD")):
        with translation.override(language):
            assert text in str(refused.value.problems[0].message)


@pytest.mark.parametrize("username", ["reviewer", "auditor", "policy_officer", "nobody"])
def test_only_the_dpo_and_administrators_start_reports(users, username):
    with pytest.raises(DomainError) as refused:
        services.report_request(actor=users[username], period_from="2025-01-01", period_to="2025-01-31")
    assert refused.value.status == 403
    assert not BiasReport.objects.exists()


def test_the_same_request_key_returns_the_same_report(users):
    first = services.report_request(
        actor=users["admin"], period_from="2025-01-01", period_to="2025-01-31", request_key="k-1", enqueue=False
    )
    again = services.report_request(
        actor=users["admin"], period_from="2025-01-01", period_to="2025-01-31", request_key="k-1", enqueue=False
    )
    assert again.pk == first.pk and BiasReport.objects.count() == 1
    with pytest.raises(DomainError) as refused:
        services.report_request(
            actor=users["dpo"], period_from="2025-01-01", period_to="2025-01-31", request_key="k-1", enqueue=False
        )
    assert refused.value.codes == ["request_key_taken"]


# --- Generating: retries never make two reports -------------------------------------------------


def test_generating_again_changes_nothing(users, generated):
    hashes = dict(ReportArtifact.objects.filter(report=generated).values_list("kind", "sha256"))
    again = services.report_generate(report_id=generated.pk, job_id=generated.job_id)
    assert again.pk == generated.pk and again.content_hash == generated.content_hash
    assert dict(ReportArtifact.objects.filter(report=generated).values_list("kind", "sha256")) == hashes
    assert BiasReport.objects.count() == 1 and len(events("report.generated")) == 1


def test_a_retry_after_the_files_were_stored_only_finishes_the_job(users, dataset, stub_pdf):
    report = services.report_request(
        actor=users["dpo"], period_from="2025-01-01", period_to="2025-12-31", enqueue=False
    )
    services.report_generate(report_id=report.pk, job_id=None)  # the worker died before finishing its job
    Job.objects.filter(pk=report.job_id).update(status=JobStatus.RUNNING)
    services.report_generate(report_id=report.pk, job_id=report.job_id)
    report.refresh_from_db()
    assert report.job.status == JobStatus.SUCCEEDED
    assert ReportArtifact.objects.filter(report=report).count() == 4 and len(events("report.generated")) == 1


def test_a_second_worker_finding_the_files_stored_keeps_the_first(users, dataset, monkeypatch, stub_pdf):
    report = services.report_request(
        actor=users["dpo"], period_from="2025-01-01", period_to="2025-12-31", enqueue=False
    )
    real = services._artifacts

    def race(report_, progress):
        # While this worker computes, another one stores the report.
        files, summary = real(report_, progress)
        monkeypatch.setattr(services, "_artifacts", real)
        services.report_generate(report_id=report.pk, job_id=None)
        return files, summary

    monkeypatch.setattr(services, "_artifacts", race)
    result = services.report_generate(report_id=report.pk, job_id=report.job_id)
    assert result.status == ReportStatus.GENERATED
    assert ReportArtifact.objects.filter(report=report).count() == 4 and len(events("report.generated")) == 1


def test_the_database_holds_one_file_of_each_kind(generated):
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportArtifact.objects.create(report=generated, kind=ArtifactKind.JSON, content=b"{}", sha256="0" * 64, size=2)


def test_a_failing_computation_fails_the_report_and_its_job(users, monkeypatch, django_capture_on_commit_callbacks):
    def boom(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "bias_figures_compute", boom)
    with django_capture_on_commit_callbacks(execute=True):
        report = services.report_request(actor=users["dpo"], period_from="2025-01-01", period_to="2025-01-31")
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED and "disk full" in report.failure
    assert report.job.status == JobStatus.FAILED and "disk full" in report.job.error
    assert [e.data["error"] for e in events("report.failed")] == ["RuntimeError: disk full"]


def test_a_transient_database_error_is_retried(users, dataset, monkeypatch, stub_pdf):
    from django.db import OperationalError

    from reports import tasks

    report = services.report_request(
        actor=users["dpo"], period_from="2025-01-01", period_to="2025-12-31", enqueue=False
    )
    calls = []
    real = tasks.report_generate

    def flaky(**kwargs):
        calls.append(kwargs)
        if len(calls) == 1:
            raise OperationalError("database is locked")
        return real(**kwargs)

    monkeypatch.setattr(tasks, "report_generate", flaky)
    # Run eagerly, Celery re-applies a retried task at once (the countdown is not waited for).
    tasks.generate_report.apply(kwargs={"job_id": report.job_id, "report_id": report.pk}, throw=False)
    report.refresh_from_db()
    assert len(calls) == 2 and report.status == ReportStatus.GENERATED
    assert BiasReport.objects.count() == 1


def test_the_audit_trail_holds_the_content_hash(generated):
    [event] = events("report.generated")
    assert event.data["content_hash"] == generated.content_hash
    assert event.data["pdf_sha256"] == generated.pdf_sha256
    assert set(event.data["files"]) == {"json", "csv", "pdf"}
    import hashlib

    assert hashlib.sha256(report_artifact(report=generated, kind="json")).hexdigest() == generated.content_hash
    assert hashlib.sha256(report_artifact(report=generated, kind="pdf")).hexdigest() == generated.pdf_sha256


# --- The monthly schedule -----------------------------------------------------------------------


def test_the_monthly_schedule_exists_and_is_editable(db):
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(name="Monthly bias report")
    assert task.task == "reports.monthly_report" and task.enabled
    assert (task.crontab.day_of_month, task.crontab.hour, task.crontab.minute) == ("1", "3", "0")


def test_the_monthly_report_is_made_once_however_often_beat_fires(db, django_capture_on_commit_callbacks, stub_pdf):
    with django_capture_on_commit_callbacks(execute=True):
        first = services.report_schedule_monthly(today=date(2025, 3, 1))
        second = services.report_schedule_monthly(today=date(2025, 3, 20))
    assert first.pk == second.pk and BiasReport.objects.count() == 1
    first.refresh_from_db()
    assert (first.period_from, first.period_to) == (date(2025, 2, 1), date(2025, 2, 28))
    assert first.origin == ReportOrigin.SCHEDULE and first.status == ReportStatus.GENERATED
    with pytest.raises(IntegrityError), transaction.atomic():
        BiasReport.objects.create(
            period_from=date(2025, 2, 1), period_to=date(2025, 2, 28), origin=ReportOrigin.SCHEDULE
        )


def test_the_beat_task_runs_the_service(db, stub_pdf):
    from reports.tasks import monthly_report

    public_id = monthly_report.apply().get()
    assert BiasReport.objects.get(public_id=public_id).origin == ReportOrigin.SCHEDULE


# --- The DPO's review ----------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["reviewer", "auditor", "admin", "policy_officer"])
def test_only_the_dpo_reviews(users, generated, username):
    with pytest.raises(DomainError) as refused:
        services.report_transition(actor=users[username], report=generated, action="start_review")
    assert refused.value.status == 403
    generated.refresh_from_db()
    assert generated.status == ReportStatus.GENERATED
    assert [e.data["codes"] for e in events("report.refused")] == [["role_required"]]


def test_the_review_moves_only_along_its_path(users, generated):
    dpo = users["dpo"]
    with pytest.raises(DomainError) as refused:
        services.report_transition(actor=dpo, report=generated, action="sign_off")
    assert refused.value.status == 409 and refused.value.codes == ["invalid_state"]
    report = services.report_transition(actor=dpo, report=generated, action="start_review")
    with pytest.raises(DomainError) as refused:
        services.report_transition(actor=dpo, report=report, action="return", comment="  ")
    assert refused.value.codes == ["comment_required"]
    report = services.report_transition(actor=dpo, report=report, action="sign_off", comment="Seen.")
    assert report.status == ReportStatus.SIGNED_OFF and report.decided_by == dpo
    [signed] = events("report.sign_off")
    assert signed.data["content_hash"] == report.content_hash and signed.data["from"] == "in_review"
    for action in ("start_review", "sign_off", "return"):
        with pytest.raises(DomainError) as refused:
            services.report_transition(actor=dpo, report=report, action=action, comment="again")
        assert refused.value.status == 409


def test_a_returned_report_takes_no_more_findings(users, in_review):
    report = services.report_transition(
        actor=users["dpo"], report=in_review, action="return", comment="Data of February incomplete."
    )
    assert report.status == ReportStatus.RETURNED and report.decision_comment == "Data of February incomplete."
    with pytest.raises(DomainError) as refused:
        services.report_finding_record(
            actor=users["dpo"], report=report, subject_type="officer", subject="O-2", decision="accept", note="n"
        )
    assert refused.value.status == 409


def test_findings_are_recorded_on_groups_officers_and_profiles(users, in_review, approved_profile):
    dpo = users["dpo"]
    code = approved_profile.code
    group = services.report_finding_record(
        actor=dpo,
        report=in_review,
        subject_type="group",
        subject={"nationality": "SYR"},
        decision="escalate",
        note="Refused far more often.",
    )
    officer = services.report_finding_record(
        actor=dpo,
        report=in_review,
        subject_type="officer",
        subject="O-2",
        decision="mitigate",
        note="Talk with the team lead.",
        follow_ups=[{"kind": "other", "note": "Coaching session"}],
    )
    profile = services.report_finding_record(
        actor=dpo,
        report=in_review,
        subject_type="profile",
        subject=code,
        decision="mitigate",
        note="Hits a group refused more often.",
        follow_ups=[{"kind": "withdraw_profile", "note": "Withdraw it."}],
    )
    assert group.group == {"nationality": "SYR"} and officer.officer_id == "O-2" and profile.profile_code == code
    [withdraw] = profile.follow_ups.all()
    assert withdraw.profile_code == code and withdraw.status == "open"
    recorded = events("report.finding_recorded")
    assert [e.data["subject_type"] for e in recorded] == ["group", "officer", "profile"]
    assert recorded[2].data["follow_ups"][0]["kind"] == "withdraw_profile"
    # Not in the reviewers' queue until the DPO signs.
    assert not follow_ups_open().exists()


@pytest.mark.parametrize(
    ("kwargs", "codes"),
    [
        ({"subject_type": "group", "subject": {"nationality": "NGA"}}, ["unknown_subject"]),
        ({"subject_type": "group", "subject": "SYR"}, ["unknown_subject"]),
        ({"subject_type": "officer", "subject": "O-99"}, ["unknown_subject"]),
        ({"subject_type": "profile", "subject": "P-0000-00-0000"}, ["unknown_subject"]),
        ({"subject_type": "ethnicity", "subject": "x"}, ["invalid_subject_type"]),
        ({"decision": "ignore"}, ["invalid_decision"]),
        ({"note": "   "}, ["note_required"]),
        ({"follow_ups": [{"kind": "withdraw_profile"}]}, ["profile_required"]),
        ({"follow_ups": [{"kind": "withdraw_profile", "profile_code": "P-1999-01-0001"}]}, ["unknown_profile"]),
        ({"follow_ups": [{"kind": "other"}]}, ["note_required"]),
        ({"follow_ups": [{"kind": "delete_everything"}]}, ["invalid_follow_up_kind"]),
        ({"follow_ups": "withdraw"}, ["invalid_follow_ups"]),
    ],
)
def test_bad_findings_are_refused_and_nothing_is_stored(users, in_review, kwargs, codes):
    data = {"subject_type": "officer", "subject": "O-2", "decision": "accept", "note": "A finding.", **kwargs}
    with pytest.raises(DomainError) as refused:
        services.report_finding_record(actor=users["dpo"], report=in_review, **data)
    assert refused.value.codes == codes
    assert not ReportFinding.objects.exists() and not FollowUpAction.objects.exists()


def test_suppressed_groups_can_be_named_in_a_finding(users, in_review):
    finding = services.report_finding_record(
        actor=users["dpo"],
        report=in_review,
        subject_type="group",
        subject={"gender": "X"},
        decision="accept",
        note="Too small to judge.",
    )
    assert finding.group == {"gender": "X"}
    groups = report_figures(report=in_review)["groups"]
    assert any(g["characteristics"] == {"gender": "X"} and g["suppressed"] for g in groups)


def test_the_dpo_can_take_back_a_finding_while_reviewing(users, in_review):
    finding = services.report_finding_record(
        actor=users["dpo"],
        report=in_review,
        subject_type="officer",
        subject="O-2",
        decision="accept",
        note="n",
        follow_ups=[{"kind": "other", "note": "x"}],
    )
    with pytest.raises(DomainError):
        services.report_finding_delete(actor=users["reviewer"], finding=finding)
    services.report_finding_delete(actor=users["dpo"], finding=finding)
    assert not ReportFinding.objects.exists() and len(events("report.finding_deleted")) == 1


def _signed_with_withdraw_request(users, in_review, code):
    services.report_finding_record(
        actor=users["dpo"],
        report=in_review,
        subject_type="profile",
        subject=code,
        decision="escalate",
        note="Drives refusals.",
        follow_ups=[{"kind": "withdraw_profile", "note": "Please withdraw."}],
    )
    return services.report_transition(actor=users["dpo"], report=in_review, action="sign_off")


def test_a_reviewer_withdraws_the_profile_the_dpo_asked_about(users, in_review, approved_profile):
    _signed_with_withdraw_request(users, in_review, approved_profile.code)
    [follow_up] = follow_ups_open()
    with pytest.raises(DomainError) as refused:
        services.follow_up_resolve(actor=users["dpo"], follow_up=follow_up, action="withdraw", comment="x")
    assert refused.value.status == 403
    with pytest.raises(DomainError) as refused:
        services.follow_up_resolve(actor=users["reviewer"], follow_up=follow_up, action="withdraw", comment="")
    assert refused.value.codes == ["comment_required"]
    done = services.follow_up_resolve(
        actor=users["reviewer"], follow_up=follow_up, action="withdraw", comment="Withdrawn after the DPO's finding."
    )
    assert done.status == "done" and done.resolved_by == users["reviewer"]
    approved_profile.refresh_from_db()
    assert approved_profile.status == "withdrawn"
    assert not follow_ups_open().exists()
    [event] = events("report.follow_up_done")
    assert event.data["profile_code"] == approved_profile.code and event.data["profile_version"] == 1
    assert events("profile.withdraw")[0].data["comment"].startswith("Withdrawn after the DPO's finding.")
    with pytest.raises(DomainError) as refused:
        services.follow_up_resolve(actor=users["reviewer2"], follow_up=done, action="dismiss", comment="late")
    assert refused.value.status == 409


def test_a_reviewer_may_dismiss_a_request_with_a_reason(users, in_review, approved_profile):
    _signed_with_withdraw_request(users, in_review, approved_profile.code)
    [follow_up] = follow_ups_open()
    services.follow_up_resolve(
        actor=users["reviewer"], follow_up=follow_up, action="dismiss", comment="The profile expires next week anyway."
    )
    approved_profile.refresh_from_db()
    assert approved_profile.status == "approved"
    assert len(events("report.follow_up_dismissed")) == 1


def test_nothing_to_withdraw_is_said_plainly(users, in_review, approved_profile):
    from profiles.services import profile_transition

    _signed_with_withdraw_request(users, in_review, approved_profile.code)
    profile_transition(actor=users["reviewer2"], profile=approved_profile, action="withdraw", comment="Already.")
    [follow_up] = follow_ups_open()
    with pytest.raises(DomainError) as refused:
        services.follow_up_resolve(actor=users["reviewer"], follow_up=follow_up, action="withdraw", comment="x")
    assert refused.value.codes == ["nothing_to_withdraw"]
    follow_up.refresh_from_db()
    assert follow_up.status == "open"
    assert [e.data["codes"] for e in events("report.follow_up_refused")][-1] == ["nothing_to_withdraw"]


# --- A signed report never changes -------------------------------------------------------------


def test_a_signed_report_is_immutable_in_the_services(users, in_review):
    finding = services.report_finding_record(
        actor=users["dpo"], report=in_review, subject_type="officer", subject="O-2", decision="accept", note="n"
    )
    signed = services.report_transition(actor=users["dpo"], report=in_review, action="sign_off")
    with pytest.raises(DomainError) as refused:
        services.report_finding_record(
            actor=users["dpo"], report=signed, subject_type="officer", subject="O-3", decision="accept", note="n"
        )
    assert refused.value.status == 409
    with pytest.raises(DomainError):
        services.report_finding_delete(actor=users["dpo"], finding=finding)
    assert ReportFinding.objects.count() == 1


def _refused_by_database(statement, params):
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_the_database_refuses_to_change_a_signed_report(users, in_review):
    finding = services.report_finding_record(
        actor=users["dpo"],
        report=in_review,
        subject_type="officer",
        subject="O-2",
        decision="accept",
        note="n",
        follow_ups=[{"kind": "other", "note": "x"}],
    )
    signed = services.report_transition(actor=users["dpo"], report=in_review, action="sign_off")
    _refused_by_database("UPDATE reports_biasreport SET decision_comment = 'edited' WHERE id = %s", [signed.pk])
    _refused_by_database("UPDATE reports_biasreport SET status = 'in_review' WHERE id = %s", [signed.pk])
    _refused_by_database("UPDATE reports_reportartifact SET content = %s WHERE report_id = %s", [b"x", signed.pk])
    _refused_by_database("UPDATE reports_reportfinding SET note = 'edited' WHERE id = %s", [finding.pk])
    _refused_by_database("UPDATE reports_followupaction SET note = 'edited' WHERE finding_id = %s", [finding.pk])
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportFinding.objects.create(
            report=signed,
            subject_type="officer",
            officer_id="O-3",
            decision="accept",
            note="late",
            created_by=users["dpo"],
        )
    signed.refresh_from_db()
    assert signed.decision_comment == "" and signed.status == ReportStatus.SIGNED_OFF


def test_the_database_keeps_generated_figures_fixed(generated):
    _refused_by_database("UPDATE reports_biasreport SET content_hash = %s WHERE id = %s", ["f" * 64, generated.pk])
    _refused_by_database("UPDATE reports_biasreport SET status = 'signed_off' WHERE id = %s", [generated.pk])


@pytest.mark.postgres
def test_postgresql_refuses_deleting_a_generated_report(on_postgres, generated):
    _refused_by_database("DELETE FROM reports_reportartifact WHERE report_id = %s", [generated.pk])
    _refused_by_database("DELETE FROM reports_biasreport WHERE id = %s", [generated.pk])
