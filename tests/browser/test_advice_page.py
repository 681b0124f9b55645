"""The advice page in a browser, in Dutch: an empty form gets the portal's error summary
(focused, with links to the fields; no browser pop-ups), a complete one the advice and,
per active profile, why it did or did not hit; axe-core finds nothing at 1280 and 390
pixels, and the page is no wider than a phone."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from profiles.services import profile_create, profile_transition
from tests.conftest import DEFAULT_CRITERIA, current_window


@pytest.fixture
def active_profile(users):
    valid_from, valid_until = current_window()
    profile = profile_create(
        actor=users["policy_officer"],
        kind="chance",
        title="Familiebezoek Lagos, mannen",
        criteria=DEFAULT_CRITERIA,
        valid_from=valid_from,
        valid_until=valid_until,
        justification={},
    )
    profile = profile_transition(actor=users["policy_officer"], profile=profile, action="submit")
    return profile_transition(actor=users["reviewer"], profile=profile, action="approve")


def _no_axe_violations(page) -> None:
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def test_advice_page_error_summary_and_why(page, live_server, users, sign_in, active_profile):
    sign_in("policy_officer")
    page.goto(live_server.url + "/monitoring/advice/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Behandeladvies")
    assert "manage.py" not in page.content()

    # Nothing chosen: the server's summary, focused, each problem a link to its field.
    page.get_by_role("button", name="Adviseren", exact=True).click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_count(7)
    summary.get_by_role("link").first.click()
    expect(page.locator("#id_nationality")).to_be_focused()
    _no_axe_violations(page)

    # A complete application: the advice, and why the profile hit.
    for name, value in {
        "nationality": "NGA",
        "age_group": "25-34",
        "gender": "M",
        "marital_status": "single",
        "occupation": "craft_trades",
        "travel_purpose": "family_friends",
        "application_location": "NGLOS",
    }.items():
        page.locator(f"#id_{name}").select_option(value)
    page.get_by_role("button", name="Adviseren", exact=True).click()
    expect(page.locator("#advice-result [data-track]")).to_have_text("Snel")
    expect(page.locator(f'[data-profile="{active_profile.code}@1"]')).to_contain_text("geraakt: elk criterium klopt")

    # A woman does not hit it, and the page says which criterion did not match.
    page.locator("#id_gender").select_option("F")
    page.get_by_role("button", name="Adviseren", exact=True).click()
    expect(page.locator("#advice-result [data-track]")).to_have_text("Regulier")
    expect(page.locator('[data-unmatched="Geslacht"]')).to_contain_text("Geslacht is Vrouw, niet een van: Man.")
    page.screenshot(path="/tmp/advice_page_1280.png", full_page=True)
    _no_axe_violations(page)

    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path="/tmp/advice_page_390.png", full_page=True)
    _no_axe_violations(page)
