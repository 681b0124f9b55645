"""The whole profile workflow in headless Chromium, in Dutch, as people would click it:
write and submit a risk profile, be refused approving your own work, a reviewer
approves, the DPO signs off, an auditor finds every step in the trail."""

import re

from playwright.sync_api import expect

from accounts.roles import Role
from accounts.services import user_create_or_update
from profiles.models import Profile, ProfileStatus
from tests.conftest import RISK_JUSTIFICATION, current_window

SCREENSHOT = "/tmp/profile_detail.png"


def open_from_queue(page, queue_link: str, code: str):
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name=queue_link).click()
    page.get_by_role("link", name=code).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Groepsbezoek familie, Lagos")


def test_risk_profile_from_draft_to_sign_off_and_into_the_trail(page, live_server, users, sign_in, sign_out):
    user_create_or_update(username="both", password="pw-both", roles=[Role.POLICY_OFFICER, Role.REVIEWER])
    valid_from, valid_until = current_window()

    # A policy officer who is also a reviewer writes a risk profile.
    sign_in("both")
    page.get_by_role("link", name="Een nieuw profiel schrijven").first.click()
    page.get_by_label("Risicoprofiel").check()
    page.get_by_label("Titel", exact=True).fill("Groepsbezoek familie, Lagos")
    page.get_by_label("Geldig vanaf").fill(valid_from.isoformat())
    page.get_by_label("Geldig tot en met").fill(valid_until.isoformat())
    page.get_by_label("Bezoek aan familie of vrienden").check()
    page.get_by_label("Man (M)", exact=True).check()
    # Two characteristics only, and no justification: refused, explained, nothing saved.
    page.get_by_role("button", name="Concept opslaan").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("ten minste 3 van de 7 kenmerken")
    expect(summary).to_contain_text("onderbouwing nodig: legitiem doel")
    assert Profile.objects.count() == 0
    summary.get_by_role("link", name=re.compile("ten minste 3 van de 7")).click()  # jumps to the criteria

    # The nationality picker: search, choose with the keyboard, see the chip and the indicator.
    search = page.get_by_role("combobox", name="Zoek in Nationaliteit")
    search.fill("nigeria")
    search.press("ArrowDown")
    search.press("Enter")
    expect(page.get_by_role("button", name="Verwijder Nigeria (NGA)")).to_be_visible()
    expect(page.locator("#criteria-indicator")).to_contain_text("3 van 7 kenmerken, aanvraag + persoonlijk")
    for label, key in (
        ("Legitiem doel", "legitimate_aim"),
        ("Geschiktheid", "suitability"),
        ("Noodzakelijkheid", "necessity"),
        ("Proportionaliteit", "proportionality"),
        ("Waarom nationaliteit wordt gebruikt", "nationality_use"),
    ):
        page.get_by_label(label, exact=True).fill(RISK_JUSTIFICATION[key])
    page.get_by_role("button", name="Concept opslaan").click()
    expect(page.get_by_role("status")).to_contain_text("is opgeslagen")
    profile = Profile.objects.get()
    code = profile.code

    page.get_by_label("Toelichting").fill("Klaar voor beoordeling.")
    page.get_by_role("button", name="Indienen ter beoordeling").click()
    expect(page.locator("[data-status]")).to_have_text("In beoordeling")

    # Four eyes: the author may not approve, even holding the reviewer role, so the page
    # does not offer it (the service would refuse it: tests/profiles/test_separation_of_duties.py).
    expect(page.get_by_role("button", name="Goedkeuren")).to_have_count(0)
    expect(page.locator("[data-status]")).to_have_text("In beoordeling")
    sign_out()

    sign_in("reviewer")
    open_from_queue(page, "Beoordelingswachtrij", code)
    page.get_by_label("Toelichting").fill("Proportioneel en goed onderbouwd.")
    page.get_by_role("button", name="Goedkeuren").click()
    # Irreversible: asked first, on a page of its own.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Goedkeuren")
    page.get_by_role("button", name="Ja: Goedkeuren").click()
    expect(page.get_by_role("status")).to_contain_text("Het profiel is goedgekeurd.")
    expect(page.locator("[data-status]")).to_have_text("Goedgekeurd")  # not active before the DPO signs off
    sign_out()

    sign_in("dpo")
    open_from_queue(page, "Akkoordwachtrij", code)
    page.get_by_role("button", name="Akkoord geven als FG").click()
    page.get_by_role("button", name="Ja: Akkoord geven als FG").click()
    expect(page.get_by_role("status")).to_contain_text("U hebt akkoord gegeven")
    expect(page.locator("[data-status]")).to_have_text("Actief")
    page.screenshot(path=SCREENSHOT, full_page=True)
    sign_out()

    sign_in("auditor")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Audittrail").click()
    page.get_by_label("Doel bevat").fill(code)
    page.get_by_role("button", name="Filters toepassen").click()
    events = page.locator("table.audit-table tbody th code")
    expect(events.first).to_be_visible()
    found = set(events.all_text_contents())
    # (A refused approval is no longer offered on the page, so none is in this trail; the
    # refusal of a forged request is audited: tests/web/test_profile_pages.py.)
    assert {
        "profile.created",
        "profile.submit",
        "profile.approve",
        "profile.dpo_sign_off",
        "profile.activate",
    } <= found, found

    profile.refresh_from_db()
    assert profile.status == ProfileStatus.ACTIVE and profile.approved_by.username == "reviewer"
