"""The shared stored exports: a kind renders in a format as a job with progress, the file
is stored with its SHA-256, the audit trail records request and hash; refusals are audited."""

import hashlib
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.actors import SystemActor
from audit.models import AuditEvent
from documents.exports import export_file_for, export_get_for, export_request, export_run_now
from documents.models import DocumentExport, ExportStatus
from jobs.models import JobStatus
from problems import DomainError

from .kinds import TEST_KIND


@pytest.mark.django_db
def test_export_runs_as_job_and_stores_file_with_hash(users, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        export = export_request(actor=users["dpo"], kind=TEST_KIND, fmt="json", params={"note": "x"})
    export.refresh_from_db()
    assert export.status == ExportStatus.READY
    assert bytes(export.content) == b'{"note": "x"}'
    assert export.sha256 == hashlib.sha256(b'{"note": "x"}').hexdigest()
    export.job.refresh_from_db()
    assert export.job.status == JobStatus.SUCCEEDED and export.job.progress == 100
    stored = AuditEvent.objects.get(event_type="document.exported", target_id=str(export.public_id))
    assert stored.data["sha256"] == export.sha256 and stored.actor_username == "dpo"
    assert AuditEvent.objects.filter(event_type="document.export_requested").count() == 1


@pytest.mark.django_db
def test_unknown_kind_format_and_missing_right_are_refused_and_audited(users):
    with pytest.raises(DomainError) as unknown:
        export_request(actor=users["dpo"], kind="nope", fmt="pdf")
    assert unknown.value.codes == ["unknown_export_kind"]
    with pytest.raises(DomainError) as fmt:
        export_request(actor=users["dpo"], kind=TEST_KIND, fmt="docx")
    assert fmt.value.codes == ["unknown_export_format"]
    with pytest.raises(DomainError) as denied:
        export_request(actor=users["policy_officer"], kind=TEST_KIND, fmt="pdf")
    assert denied.value.status == 403
    with pytest.raises(DomainError) as bad:
        export_request(actor=users["dpo"], kind=TEST_KIND, fmt="pdf", params={"bad": 1})
    assert bad.value.codes == ["invalid_export_params"]
    assert DocumentExport.objects.count() == 0
    assert AuditEvent.objects.filter(event_type="document.export_refused").count() == 4


@pytest.mark.django_db
def test_failed_render_marks_export_failed_with_reason(users):
    with pytest.raises(DomainError):
        export_run_now(actor=users["dpo"], kind=TEST_KIND, fmt="pdf", params={"fail": True})
    export = DocumentExport.objects.get()
    assert export.status == ExportStatus.FAILED and "nothing_to_export" in export.failure
    assert AuditEvent.objects.filter(event_type="document.export_failed").count() == 1
    with pytest.raises(DomainError) as not_ready:
        export_file_for(actor=users["dpo"], public_id=export.public_id)
    assert not_ready.value.status == 409


@pytest.mark.django_db
def test_others_without_the_right_do_not_see_an_export(users):
    export = export_run_now(actor=users["dpo"], kind=TEST_KIND, fmt="pdf")
    with pytest.raises(DomainError) as hidden:
        export_get_for(actor=users["policy_officer"], public_id=export.public_id)
    assert hidden.value.status == 404
    assert export_get_for(actor=users["auditor"], public_id=export.public_id) == export


@pytest.mark.django_db
def test_api_starts_follows_and_downloads(users, client, django_capture_on_commit_callbacks):
    client.force_login(users["dpo"])
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post("/api/exports/", {"kind": TEST_KIND, "format": "json"}, content_type="application/json")
    assert answer.status_code == 202, answer.content
    body = answer.json()
    detail = client.get(body["url"]).json()
    assert detail["status"] == "ready" and detail["progress"] == 100
    file = client.get(detail["file"])
    assert file.status_code == 200 and json.loads(file.content) == {"note": "hello"}
    assert file["X-Content-SHA256"] == detail["sha256"]
    refused = client.post("/api/exports/", {"kind": TEST_KIND, "format": "odt"}, content_type="application/json")
    assert refused.status_code == 400


@pytest.mark.django_db
def test_page_starts_an_export_and_shows_its_download(users, client, django_capture_on_commit_callbacks):
    client.force_login(users["dpo"])
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post("/exports/start/", {"kind": TEST_KIND, "format": "pdf", "next": "/"})
    assert answer.status_code == 302
    page = client.get(answer["Location"])
    assert page.status_code == 200 and b"note.pdf" in page.content


@pytest.mark.django_db
def test_command_dispatches_on_registered_kinds(users, tmp_path):
    out = tmp_path / "note.pdf"
    with pytest.raises(CommandError):
        call_command("export_document", "unknown", "--out", str(out))
    call_command("export_document", TEST_KIND, "--out", str(out), "--format", "pdf")
    assert out.read_bytes() == b"%PDF-1.7 note"
    event = AuditEvent.objects.get(event_type="document.exported")
    assert event.actor_username == "system:export_document"
    assert SystemActor("x").audit_name == "system:x"
