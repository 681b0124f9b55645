"""The register pages and API: the editor's flow, field errors in every door, the public
page without login, the factsheet in four languages with untranslated text marked."""

import io

import pytest
from pypdf import PdfReader

from register.services import translation_approve, version_transition


def test_editor_pages_create_edit_and_show_errors(users, client):
    client.force_login(users["register_editor"])
    assert client.get("/register/").status_code == 200
    answer = client.post("/register/new/")
    assert answer.status_code == 302
    page = client.get(answer["Location"])
    assert page.status_code == 200
    assert "Vooringevuld uit" in page.content.decode()  # the provenance of prefilled fields (Dutch by default)
    edit_url = answer["Location"] + "edit/"
    form = client.get(edit_url)
    assert form.status_code == 200
    bad = client.post(
        edit_url,
        {
            "name": "x" * 101,
            "status": "In gebruik",
            "begin_date": "2017",
            "goal": "<p onclick='x()'>Doel<script>alert(1)</script></p>",
        },
    )
    assert bad.status_code == 200
    body = bad.content.decode()
    assert "101" in body and "yyyy-mm" in body
    good = client.post(
        edit_url,
        {
            "name": "IOB",
            "description_short": "Kort.",
            "organization": "Ministerie van Buitenlandse Zaken",
            "status": "In gebruik",
            "contact_email": "a@b.nl",
            "publication_category": "Impactvolle algoritmes",
            "begin_date": "2017-03",
            "category": ["Internationaal"],
            "goal": "<p onclick='x()'>Doel<script>alert(1)</script></p>",
            "lawful_basis_grouping": "AVG | https://eur-lex.europa.eu/eli/reg/2016/679/oj",
        },
    )
    assert good.status_code == 302
    from register.models import EntryVersion

    version = EntryVersion.objects.get()
    assert version.fields["goal"] == "<p>Doel</p>"
    assert version.fields["lawful_basis_grouping"] == [
        {"title": "AVG", "link": "https://eur-lex.europa.eu/eli/reg/2016/679/oj"}
    ]


def test_api_refuses_bad_fields_with_codes_and_changes_nothing(users, client, draft):
    client.force_login(users["register_editor"])
    answer = client.patch(
        f"/api/register/versions/{draft.public_id}/",
        {"fields": {"status": "Actief", "begin_date": "2017", "colour": "red"}},
        content_type="application/json",
    )
    assert answer.status_code == 400
    codes = {(e["code"], e["attr"]) for e in answer.json()["errors"]}
    assert codes == {("invalid_choice", "status"), ("invalid_year_month", "begin_date"), ("unknown_field", "colour")}
    draft.refresh_from_db()
    assert draft.fields["status"] == "In gebruik"
    client.force_login(users["reviewer"])
    denied = client.patch(
        f"/api/register/versions/{draft.public_id}/", {"fields": {"name": "x"}}, content_type="application/json"
    )
    assert denied.status_code == 403


def test_api_workflow_four_eyes(users, client, draft):
    client.force_login(users["register_editor"])
    assert client.post(f"/api/register/versions/{draft.public_id}/submit/").status_code == 200
    assert client.post(f"/api/register/versions/{draft.public_id}/approve/").status_code == 403
    client.force_login(users["reviewer"])
    assert client.post(f"/api/register/versions/{draft.public_id}/approve/").json()["status"] == "approved"
    published = client.post(f"/api/register/versions/{draft.public_id}/publish/").json()
    assert published["status"] == "published" and published["published_by"] == "reviewer"
    assert client.post(f"/api/register/versions/{draft.public_id}/publish/").status_code == 409


def test_public_page_needs_no_login_and_marks_untranslated_text(client, users, published):
    nl = client.get("/algoritmeregister/")
    assert nl.status_code == 200
    assert published.fields["name"] in nl.content.decode()
    translation_approve(
        actor=users["register_editor"],
        version=published,
        field="name",
        language="en",
        text="IOB: handling advice for short-stay visas",
    )
    en = client.get("/algoritmeregister/en/").content.decode()
    assert "IOB: handling advice for short-stay visas" in en
    assert 'lang="nl"' in en and "no approved English translation" in en
    assert '<html lang="en">' in en


def test_public_page_without_a_publication_is_404(client, db):
    assert client.get("/algoritmeregister/").status_code == 404


@pytest.mark.parametrize("language", ["nl", "en", "fr", "es"])
def test_factsheet_in_four_languages(client, users, published, language):
    answer = client.get(f"/algoritmeregister/factsheet/{language}.pdf")
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(answer.content)).pages)
    marker = {"nl": None, "en": "no approved English", "fr": "pas encore de traduction", "es": "todavía no hay"}
    if marker[language]:
        assert marker[language] in text
    assert "DCV-BAO@minbuza.nl" in text


def test_factsheet_uses_an_approved_translation_only_for_the_current_dutch(client, users, draft):
    translation_approve(
        actor=users["register_editor"],
        version=draft,
        field="description_short",
        language="fr",
        text="IOB donne un avis de traitement.",
    )
    v = version_transition(actor=users["register_editor"], version=draft, action="submit")
    v = version_transition(actor=users["reviewer"], version=v, action="approve")
    version_transition(actor=users["reviewer"], version=v, action="publish")
    text = PdfReader(io.BytesIO(client.get("/algoritmeregister/factsheet/fr.pdf").content)).pages[0].extract_text()
    assert "IOB donne un avis de traitement." in text


def test_seed_demo_creates_a_prefilled_draft_once(db):
    from django.core.management import call_command

    from register.models import EntryVersion

    call_command("seed_demo", "--password", "pw", stdout=io.StringIO())
    call_command("seed_demo", "--password", "pw", stdout=io.StringIO())
    version = EntryVersion.objects.get()
    assert version.status == "draft" and version.provenance


def test_export_document_register_writes_json_and_pdf(users, draft, tmp_path):
    import json

    from django.core.management import call_command

    call_command(
        "export_document", "register", "--out", str(tmp_path / "r.json"), "--format", "json", stdout=io.StringIO()
    )
    body = json.loads((tmp_path / "r.json").read_text())
    assert body["name"] == draft.fields["name"] and body["lang"] == "nld"
    call_command(
        "export_document", "register", "--out", str(tmp_path / "r.pdf"), "--format", "pdf", stdout=io.StringIO()
    )
    reader = PdfReader(str(tmp_path / "r.pdf"))
    text = "".join(p.extract_text() for p in reader.pages)
    assert "Algemene informatie" in text and "niet ingevuld" in text
    assert "/StructTreeRoot" in reader.trailer["/Root"]
