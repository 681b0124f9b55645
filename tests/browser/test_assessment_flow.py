"""In Chromium: a policy officer takes over a proposal and writes an answer, submits; the
DPO records advice; the responsible official signs; the PDF downloads. axe-core finds no
violations on the assessment pages at 1280 and 390 pixels."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from assessments.models import Answer, AssessmentVersion
from assessments.services import assessment_ensure

AXE = Axe()


def _no_violations(page, what: str) -> None:
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        results = AXE.run(page)
        assert results.violations_count == 0, f"{what} at {width}px:\n{results.generate_report()}"
    page.set_viewport_size({"width": 1280, "height": 900})


@pytest.fixture
def dpia(users):
    return assessment_ensure(actor=users["policy_officer"], kind="dpia")


def test_officer_dpo_and_responsible_official_take_a_dpia_to_a_signed_pdf(page, live_server, sign_in, sign_out, dpia):
    version = dpia.versions.get()
    page.set_default_timeout(60000)  # a shared two-core machine can be slow; no timing is asserted
    sign_in("policy_officer")
    page.get_by_role("link", name="DPIA en IAMA").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("DPIA en IAMA")
    _no_violations(page, "list")
    page.get_by_role("link", name="Versie 1").first.click()
    _no_violations(page, "version")

    # A section with a proposal: take it over.
    page.get_by_role("link", name=re.compile("A09 Juridisch en beleidsmatig kader")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("A09 Juridisch en beleidsmatig kader")
    _no_violations(page, "section with a proposal")
    page.get_by_text("Het voorstel van het portaal").first.click() if not page.get_by_role(
        "button", name=re.compile("Dit voorstel overnemen")
    ).is_visible() else None
    page.get_by_role("button", name=re.compile("Dit voorstel overnemen")).click()
    expect(page.get_by_text("Het voorstel is met zijn bronnen overgenomen.")).to_be_visible()
    expect(page.get_by_text("Overgenomen uit het voorstel van het portaal")).to_be_visible()

    # A hand-written answer, saved per section, then on to the next section.
    page.get_by_role("link", name=re.compile("A01 Voorstel")).click()
    page.get_by_label("Antwoord", exact=True).fill("IOB geeft een behandeladvies; de medewerker beslist.")
    page.get_by_role("button", name="Opslaan en naar het volgende onderdeel").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("A02 Persoonsgegevens")
    _no_violations(page, "repeatable section")
    expect(page.get_by_role("link", name=re.compile("A01 Voorstel.*beantwoord"))).to_be_visible()

    page.get_by_role("link", name=re.compile("version|versie 1", re.I)).first.click()
    page.get_by_role("button", name="Indienen ter beoordeling").click()
    expect(page.get_by_text("In beoordeling").first).to_be_visible()
    sign_out()

    sign_in("dpo")
    page.goto(f"{live_server.url}/assessments/v/{version.public_id}/")
    page.get_by_label("Het advies van de FG").fill("Positief advies; bespreek het biasrapport maandelijks.")
    page.get_by_role("button", name="Advies FG vastleggen").click()
    expect(page.get_by_text("Advies FG vastgelegd").first).to_be_visible()
    sign_out()

    sign_in("reviewer")
    page.goto(f"{live_server.url}/assessments/v/{version.public_id}/")
    page.get_by_role("button", name="Ondertekenen als verantwoordelijke").click()
    expect(page.get_by_text("Ondertekend").first).to_be_visible()
    _no_violations(page, "signed version")
    page.get_by_role("button", name="Exporteren als PDF/A").click()
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("dpia-iob-v1.pdf")).click()
    path = download.value.path()
    assert open(path, "rb").read(5) == b"%PDF-"
    page.screenshot(path="/tmp/assessment_signed.png", full_page=False)

    version = AssessmentVersion.objects.get(pk=version.pk)
    assert version.status == "signed" and version.signed_by.username == "reviewer"
    assert Answer.objects.filter(version=version).count() == 2

    # The section page at 390 px: navigator collapsed above the section, no overflow.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/assessments/v/{version.public_id}/s/A01/")
    overflow = page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth")
    assert not overflow
    page.screenshot(path="/tmp/assessment_390.png", full_page=False)


def test_iama_rights_clusters_are_ticked_by_their_labels(page, live_server, sign_in, users):
    iama = assessment_ensure(actor=users["policy_officer"], kind="iama")
    version = iama.versions.get()
    page.set_default_timeout(60000)
    sign_in("policy_officer")
    page.goto(f"{live_server.url}/assessments/v/{version.public_id}/s/4.1/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Aangetaste / beschermde grondrechten")
    _no_violations(page, "section with the 30 rights clusters")
    boxes = page.locator('input[name="iama26.4.1.1.1_rights_negative__choices"]')
    negative = page.locator("fieldset").filter(has=boxes)
    negative.get_by_label("Verbod van profilering").check()
    negative.get_by_label("Verbod van indirect onderscheid op bepaalde gronden").check()
    page.get_by_role("button", name="Onderdeel opslaan").click()
    expect(negative.get_by_label("Verbod van profilering")).to_be_checked()
    answer = Answer.objects.get(version=version, key="iama26.4.1.1.1_rights_negative")
    assert answer.value == {"choices": ["indirect_distinction", "profiling"]}
