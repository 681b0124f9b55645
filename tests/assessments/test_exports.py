"""Exports read back: every section's text in the PDF, the JSON attached and equal to the
JSON export, PDF/A identification, the content hash in the footer; stored and audited."""

import io
import json

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from assessments import services
from assessments.exports import version_json_bytes
from assessments.questionsets import questionset_data
from assessments.selectors import version_export
from audit.models import AuditEvent
from documents.exports import export_run_now
from documents.models import DocumentExport

pytestmark = pytest.mark.django_db


def _fill(users, version):
    qs = questionset_data(version.question_set)
    for section in qs.sections:
        answers = {}
        for q in section.questions:
            if q.kind == "repeatable":
                answers[q.key] = {"items": [{"values": {q.fields[0]["name"]: f"Item of {q.number}"}}]}
            elif q.kind == "form":
                answers[q.key] = {"fields": {q.fields[0]["name"]: f"Field of {q.number}"}}
            elif q.kind == "yesno":
                answers[q.key] = {"yes": "no", "text": f"Answer to {q.number}"}
            elif q.kind == "multiselect":
                answers[q.key] = {"choices": [q.options[-1]], "text": f"Answer to {q.number}"}
            else:
                answers[q.key] = {"text": f"Answer to {q.number}"}
        services.section_save(actor=users["policy_officer"], version=version, section_id=section.id, answers=answers)


def _pdf_text(content: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(content))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def test_dpia_pdf_has_every_section_the_json_attached_and_pdfa_identification(users, signed):
    export = export_run_now(actor=users["auditor"], kind="dpia", fmt="pdf")
    reader, text = _pdf_text(bytes(export.content))
    flat = " ".join(text.split())
    data = version_export(version=signed)
    for section in data["sections"]:
        assert f"{section['id']} {section['title_nl']}" in flat
    assert "IOB advises a track." in flat
    assert "Not answered." in flat or "Niet beantwoord." in flat
    assert signed.content_hash in flat.replace(" ", "") or signed.content_hash[:32] in flat.replace(" ", "")
    # The JSON attachment is byte for byte the JSON export.
    attachments = reader.attachments
    assert list(attachments) == ["dpia-iob-v1.json"]
    attached = attachments["dpia-iob-v1.json"][0]
    json_export = export_run_now(actor=users["auditor"], kind="dpia", fmt="json")
    assert attached == bytes(json_export.content) == version_json_bytes(data)
    assert json.loads(attached)["content_hash"] == signed.content_hash
    # PDF/A identification in the XMP metadata; tagged (a structure tree).
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert "pdfaid:part" in xmp and "pdfaid:conformance" in xmp
    assert "/StructTreeRoot" in reader.trailer["/Root"]
    assert reader.trailer["/Root"]["/MarkInfo"]["/Marked"]
    # Stored with its hash and audited.
    assert DocumentExport.objects.filter(kind="dpia", sha256=export.sha256).exists()
    assert AuditEvent.objects.filter(event_type="document.exported", data__sha256=export.sha256).exists()


def test_full_iama_pdf_prints_every_answer_and_action_points(users, iama):
    version = iama.versions.get()
    _fill(users, version)
    services.action_point_save(
        actor=users["policy_officer"],
        version=version,
        part="3.4",
        text="Train decision officers on automation bias.",
        owner="CA/VV",
        due_on=None,
    )
    services.participant_add(actor=users["policy_officer"], version=version, name="A. Jurist", role_code="JUR")
    export = export_run_now(actor=users["dpo"], kind="iama", fmt="pdf")
    _reader, text = _pdf_text(bytes(export.content))
    flat = " ".join(text.split())
    for q in questionset_data(version.question_set).questions:
        if q.kind in ("text", "yesno", "choice", "multiselect"):
            assert f"Answer to {q.number}" in flat, q.key
    assert "Train decision officers on automation bias." in flat
    assert "A. Jurist" in flat
    assert "CONCEPT" in flat
    # Chosen rights clusters print by their label; the JSON keeps the stable key.
    assert "Strafrechtelijk legaliteitsvereiste (geen straf zonder wet)" in flat
    rights = next(
        q
        for s in version_export(version=version)["sections"]
        for q in s["questions"]
        if q["key"] == "iama26.4.1.1.1_rights_negative"
    )
    assert rights["answer"]["value"]["choices"] == ["criminal_legality"]


def test_export_command_writes_pdf_and_json(users, signed, tmp_path):
    out = tmp_path / "dpia.json"
    call_command("export_document", "dpia", "--out", str(out), "--format", "json")
    data = json.loads(out.read_bytes())
    assert data["schema"] == "iob-assessment/1" and data["status"] == "signed"
    assert {s["id"] for s in data["sections"]} >= {"A01", "B11", "C16", "D17", "R20"}
    pdf = tmp_path / "dpia.pdf"
    call_command("export_document", "dpia", "--out", str(pdf), "--format", "pdf")
    assert pdf.read_bytes().startswith(b"%PDF")


def test_export_of_a_missing_document_is_a_clear_error(users):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("export_document", "iama", "--out", "/tmp/never.json", "--format", "json")
