"""The three doors of the import: the API batch, the command and the upload page (a job)."""

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from rest_framework.test import APIClient

from audit.models import AuditEvent
from jobs.models import Job, JobStatus
from monitoring.models import ImportDoor, ImportRun, ImportStatus, MonitoringRecord

from .conftest import csv_bytes, jsonl_bytes, record, records

pytestmark = pytest.mark.django_db

URL = "/api/monitoring-records/"


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def as_json(rows: list[dict]) -> list[dict]:
    """Records as an API client sends them: flags as numbers, empty values as null."""
    out = []
    for row in rows:
        item = {k: (None if v == "" else v) for k, v in row.items()}
        for flag in ("applicant_hit", "referent_hit", "employer_hit", "chain_hit"):
            item[flag] = int(row[flag] or 0)
        out.append(item)
    return out


# --- API batch -----------------------------------------------------------------------------------


def test_api_batch_is_kept(users):
    response = api(users["policy_officer"]).post(URL, as_json(records(3)), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["row_count"], body["inserted"], body["updated"], body["unchanged"]) == (3, 3, 0, 0)
    assert MonitoringRecord.objects.count() == 3
    run = ImportRun.objects.get(public_id=body["import"])
    assert run.door == ImportDoor.API and len(body["sha256"]) == 64


def test_api_batch_is_all_or_nothing(users):
    rows = as_json(records(4))
    rows[2]["nationality"] = "ZZZ"
    rows[3]["decision"] = "granted"
    rows[3]["refusal_ground"] = 4
    response = api(users["policy_officer"]).post(URL, rows, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    body = response.json()
    assert body["type"] == "validation_error"
    assert [(e["code"], e["attr"]) for e in body["errors"]] == [
        ("unknown_value", "2.nationality"),
        ("refusal_ground_only_when_refused", "3.refusal_ground"),
    ]
    assert "ZZZ" in body["errors"][0]["detail"]
    assert body["problem_count"] == 2 and body["bad_rows"] == 2
    assert MonitoringRecord.objects.count() == 0


def test_api_batch_twice_changes_nothing(users):
    client = api(users["admin"])
    client.post(URL, as_json(records(2)), format="json")
    body = client.post(URL, {"records": as_json(records(2))}, format="json").json()
    assert (body["inserted"], body["updated"], body["unchanged"]) == (0, 0, 2)


def test_api_batch_refuses_banned_and_unknown_keys(users):
    rows = as_json(records(2))
    rows[0]["ethnicity"] = "x"
    rows[1]["favourite_colour"] = "blue"
    body = api(users["policy_officer"]).post(URL, rows, format="json", HTTP_ACCEPT_LANGUAGE="en").json()
    assert [(e["code"], e["attr"]) for e in body["errors"]] == [
        ("banned_characteristic", "0.ethnicity"),
        ("unknown_column", "1.favourite_colour"),
    ]
    assert "banned" in body["errors"][0]["detail"]
    assert AuditEvent.objects.filter(event_type="monitoring.banned_characteristic_refused").exists()


@pytest.mark.parametrize("body", [[], {}, "text", {"records": "x"}, [1, 2]])
def test_api_batch_refuses_what_is_not_a_list_of_records(users, body):
    response = api(users["policy_officer"]).post(URL, body, format="json")
    assert response.status_code == 400
    assert MonitoringRecord.objects.count() == 0


def test_api_batch_has_a_size_limit(users, monkeypatch):
    import monitoring.services

    monkeypatch.setattr(monitoring.services, "MAX_API_RECORDS", 3)
    response = api(users["policy_officer"]).post(URL, as_json(records(4)), format="json")
    assert response.status_code == 400 and response.json()["errors"][0]["code"] == "too_many_records"


def test_records_are_listed_for_dpo_and_auditor_only(users, import_bytes, django_assert_max_num_queries):
    import_bytes(csv_bytes(records(60)))
    for name in ("dpo", "auditor", "admin"):
        with django_assert_max_num_queries(8):
            response = api(users[name]).get(URL, {"page_size": 25, "nationality": "NGA"})
        assert response.status_code == 200
        body = response.json()
        assert body["count"] == 60 and len(body["results"]) == 25
        assert body["results"][0]["application_id"] == "A-0001"
    for name in ("policy_officer", "reviewer", "register_editor"):
        assert api(users[name]).get(URL).status_code == 403
    assert api(users["dpo"]).post(URL, as_json(records(1)), format="json").status_code == 403
    assert APIClient().get(URL).status_code == 401


def test_record_list_filters_by_period(users, import_bytes):
    rows = records(3)
    rows[0]["lodged_on"], rows[0]["decided_on"] = "2025-12-01", ""
    rows[0]["decision"], rows[0]["officer_id"] = "pending", ""
    import_bytes(csv_bytes(rows))
    body = api(users["auditor"]).get(URL, {"lodged_from": "2026-01-01"}).json()
    assert body["count"] == 2
    assert api(users["auditor"]).get(URL, {"lodged_from": "yesterday"}).status_code == 400


# --- command ---------------------------------------------------------------------------------------


def test_command_imports_and_exits_zero(tmp_path: Path):
    path = tmp_path / "records.csv"
    path.write_bytes(csv_bytes(records(3)))
    out = io.StringIO()
    call_command("import_monitoring", str(path), "--language", "en", stdout=out)
    assert "3 new" in out.getvalue()
    assert MonitoringRecord.objects.count() == 3
    event = AuditEvent.objects.get(event_type="monitoring.imported")
    # The command acts as a named system actor holding the import right.
    assert event.actor_username.startswith("system:manage.py import_monitoring")


def test_command_prints_the_report_and_exits_one(tmp_path: Path):
    path = tmp_path / "records.csv"
    rows = records(3)
    rows[2]["lodged_on"] = "2026-13-01"
    path.write_bytes(csv_bytes(rows))
    err = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_monitoring", str(path), "--language", "en", stderr=err)
    assert exit_info.value.code == 1
    report = err.getvalue()
    assert "Nothing was imported" in report
    assert "4\tlodged_on\tinvalid_date\t" in report
    assert MonitoringRecord.objects.count() == 0


def test_command_reads_json_lines(tmp_path: Path, users):
    path = tmp_path / "records.data"
    path.write_bytes(jsonl_bytes(records(2)))
    call_command("import_monitoring", str(path), "--format", "jsonl", "--user", "policy_officer", stdout=io.StringIO())
    assert MonitoringRecord.objects.count() == 2
    assert ImportRun.objects.get().created_by == users["policy_officer"]


# --- upload page and its job ----------------------------------------------------------------------


def test_upload_page_runs_the_import_as_a_job_and_shows_the_result(client, users, django_capture_on_commit_callbacks):
    client.force_login(users["policy_officer"])
    upload = SimpleUploadedFile("records.csv", csv_bytes(records(5)), content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("monitoring:upload"), {"file": upload, "file_format": ""})
    assert response.status_code == 302
    run = ImportRun.objects.get()
    assert response.url == reverse("monitoring:import_detail", args=[run.public_id])
    assert run.status == ImportStatus.IMPORTED and run.door == ImportDoor.UPLOAD
    assert run.upload_path == "" and MonitoringRecord.objects.count() == 5
    job = Job.objects.get(public_id=run.job_id)
    assert job.status == JobStatus.SUCCEEDED and job.result["inserted"] == 5
    page = client.get(response.url, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200 and 'id="import-result"' in page.content.decode()


def test_upload_page_shows_the_report_of_a_bad_file(client, users, django_capture_on_commit_callbacks):
    client.force_login(users["admin"])
    rows = records(3)
    rows[1]["gender"] = "Q"
    upload = SimpleUploadedFile("records.csv", csv_bytes(rows), content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("monitoring:upload"), {"file": upload})
    page = client.get(response.url).content.decode()
    assert 'data-code="unknown_value"' in page and MonitoringRecord.objects.count() == 0
    report = client.get(reverse("monitoring:import_report_csv", args=[ImportRun.objects.get().public_id]))
    assert report.status_code == 200 and b"3,gender,unknown_value,Q," in report.content


def test_a_queued_upload_shows_a_progress_bar(client, users):
    client.force_login(users["policy_officer"])
    upload = SimpleUploadedFile("records.csv", csv_bytes(records(2)), content_type="text/csv")
    response = client.post(reverse("monitoring:upload"), {"file": upload})  # the job is not run: no commit
    page = client.get(response.url).content.decode()
    run = ImportRun.objects.get()
    assert run.status == ImportStatus.QUEUED
    assert f'data-job-progress-url="{reverse("jobs:progress", args=[run.job_id])}"' in page and "<progress" in page


def test_job_run_twice_imports_once(users, django_capture_on_commit_callbacks):
    from monitoring.services import monitoring_import_job_run, monitoring_upload_start

    upload = SimpleUploadedFile("records.csv", csv_bytes(records(2)), content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        run = monitoring_upload_start(actor=users["policy_officer"], upload=upload)
    job = Job.objects.get(public_id=run.job_id)
    monitoring_import_job_run(job_id=job.pk, import_run_id=run.pk)  # a duplicate delivery
    assert ImportRun.objects.get().status == ImportStatus.IMPORTED
    assert AuditEvent.objects.filter(event_type="monitoring.imported").count() == 1


def test_job_whose_file_is_gone_fails_with_a_reason(users):
    from monitoring.services import monitoring_import_job_run, monitoring_upload_start

    upload = SimpleUploadedFile("records.csv", csv_bytes(records(2)), content_type="text/csv")
    run = monitoring_upload_start(actor=users["policy_officer"], upload=upload)
    Path(ImportRun.objects.get().upload_path).unlink()
    job = Job.objects.get(public_id=run.job_id)
    monitoring_import_job_run(job_id=job.pk, import_run_id=run.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "upload it again" in job.error
    assert ImportRun.objects.get().status == ImportStatus.FAILED


def test_upload_page_refuses_other_roles(client, users):
    client.force_login(users["reviewer"])
    assert client.get(reverse("monitoring:upload")).status_code == 403
    upload = SimpleUploadedFile("records.csv", csv_bytes([record()]), content_type="text/csv")
    assert client.post(reverse("monitoring:upload"), {"file": upload}).status_code == 403
    assert ImportRun.objects.count() == 0


def test_admin_shows_monitoring_data_read_only(client, import_bytes):
    from django.contrib.auth import get_user_model

    import_bytes(csv_bytes(records(2)))
    root = get_user_model().objects.create_superuser("root", "root@example.org", "pw-root")
    client.force_login(root)
    assert client.get(reverse("admin:monitoring_monitoringrecord_changelist")).status_code == 200
    assert client.get(reverse("admin:monitoring_importrun_changelist")).status_code == 200
    assert client.get(reverse("admin:monitoring_monitoringrecord_add")).status_code == 403
    record_id = MonitoringRecord.objects.first().pk
    response = client.post(reverse("admin:monitoring_monitoringrecord_delete", args=[record_id]), {"post": "yes"})
    assert response.status_code == 403 and MonitoringRecord.objects.count() == 2
