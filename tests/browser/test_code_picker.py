"""The code picker: keyboard only, chips that remove themselves, the live indicator; and
the same form without script, on its native checkboxes."""

from playwright.sync_api import expect

from profiles.models import Profile
from tests.conftest import next_month_window


def _sign_in(page, live_server, name: str) -> None:
    page.set_default_timeout(60000)  # a loaded CI machine: patience, not flakiness
    page.goto(live_server.url + "/login/")
    page.get_by_label("Gebruikersnaam").fill(name)
    page.get_by_label("Wachtwoord").fill("pw-" + name)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_load_state()


def test_choose_and_remove_codes_with_the_keyboard(page, live_server, users):
    _sign_in(page, live_server, "policy_officer")
    page.goto(live_server.url + "/profiles/new/")
    indicator = page.locator("#criteria-indicator")
    expect(indicator).to_contain_text("0 van 7 kenmerken")
    posts = page.get_by_role("combobox", name="Zoek in Locatie van aanvraag")
    posts.fill("param")
    expect(page.get_by_role("option", name="Paramaribo (SRPBM)")).to_be_visible()
    posts.press("ArrowDown")
    posts.press("Enter")
    nationality = page.get_by_role("combobox", name="Zoek in Nationaliteit")
    nationality.fill("egypte")  # accents do not count: Egypte
    nationality.press("ArrowDown")
    nationality.press("Enter")
    nationality.fill("nigeria")
    nationality.press("ArrowDown")
    nationality.press("Enter")
    page.get_by_label("Man (M)", exact=True).check()
    expect(indicator).to_contain_text("3 van 7 kenmerken, aanvraag + persoonlijk")
    chip = page.get_by_role("button", name="Verwijder Egypte (EGY)")
    expect(chip).to_be_visible()
    chip.focus()
    page.keyboard.press("Enter")
    expect(chip).to_have_count(0)
    expect(page.get_by_role("button", name="Verwijder Nigeria (NGA)")).to_be_focused()
    # The native checkboxes carry the choice: what is posted is what the chips show.
    assert page.locator("input[name=criterion_nationality]:checked").evaluate_all("els => els.map(e => e.value)") == [
        "NGA"
    ]


def test_the_form_works_without_script(browser, live_server, users):
    context = browser.new_context(locale="nl-NL", java_script_enabled=False, viewport={"width": 390, "height": 900})
    page = context.new_page()
    _sign_in(page, live_server, "policy_officer")
    page.goto(live_server.url + "/profiles/new/")
    start, end = next_month_window()
    page.get_by_label("Titel", exact=True).fill("Zonder script")
    page.get_by_label("Geldig vanaf").fill(start.isoformat())
    page.get_by_label("Geldig tot en met").fill(end.isoformat())
    page.get_by_label("Paramaribo (SRPBM)").check()
    page.get_by_label("Nigeria (NGA)").check()
    page.get_by_label("Man (M)", exact=True).check()
    page.get_by_role("button", name="Concept opslaan").click()
    expect(page.get_by_role("status")).to_contain_text("is opgeslagen")
    profile = Profile.objects.get(title="Zonder script")
    assert {c.characteristic: c.values for c in profile.criteria.all()}["nationality"] == ["NGA"]
    context.close()
