"""In Chromium: the DPO opens a generated bias report, records a finding on a profile with a
request to withdraw it, and signs off; the reviewer finds the request on the home page and
withdraws the profile."""

import re

import pytest
from playwright.sync_api import expect

from tests.reports.conftest import small_dataset
from tests.reports.helpers import records_create


@pytest.fixture
def generated_report(users, approved_profile):
    from reports.services import report_generate, report_request

    rows = small_dataset()
    for row in rows:
        row["matched_profiles"] = row["matched_profiles"].replace("PROFILE", approved_profile.code)
    records_create(rows)
    report = report_request(actor=users["dpo"], period_from="2025-01-01", period_to="2025-12-31",
                            parameters={"min_cell": 5}, enqueue=False)
    return report_generate(report_id=report.pk, job_id=report.job_id)


@pytest.fixture
def approved_profile(users, make_profile):
    from profiles.services import profile_transition

    profile = make_profile(title="Profile the DPO will question")
    profile = profile_transition(actor=users["policy_officer"], profile=profile, action="submit")
    return profile_transition(actor=users["reviewer"], profile=profile, action="approve")


def test_dpo_finding_with_withdraw_request_reaches_the_reviewer(page, live_server, sign_in, sign_out,
                                                                 generated_report, approved_profile):
    code = approved_profile.code
    sign_in("dpo")
    page.goto(live_server.url + "/reports/")
    page.get_by_role("link", name=re.compile("2025-01-01 – 2025-12-31")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Biasrapportage 2025-01-01 – 2025-12-31")
    expect(page.locator("#report-status")).to_have_text("Gemaakt")
    expect(page.get_by_text("“Geweigerd” is de eigen beslissing van de beslismedewerker")).to_be_visible()

    page.get_by_role("button", name="Beoordeling starten").click()
    expect(page.locator("#report-status")).to_have_text("In beoordeling")

    page.get_by_label("Waar de bevinding over gaat").select_option(f"profile:{code}")
    page.get_by_label("Beperken").check()
    page.get_by_label("Bevinding", exact=True).fill("Aanvragen met dit profiel worden vaker geweigerd.")
    page.get_by_label("Vraag de reviewers een profiel in te trekken").check()
    page.get_by_label("Waarom intrekken").fill("Het profiel versterkt weigeringen; intrekken tot herziening.")
    page.get_by_role("button", name="Bevinding vastleggen").click()
    expect(page.get_by_text("De bevinding is vastgelegd.")).to_be_visible()
    findings = page.get_by_role("table", name="Bevindingen van de FG bij deze rapportage")
    expect(findings).to_contain_text(f"Profiel: {code}")
    expect(findings).to_contain_text("Het profiel intrekken")

    page.get_by_role("button", name="Rapportage ondertekenen").click()
    expect(page.locator("#report-status")).to_have_text("Ondertekend")
    expect(page.get_by_role("button", name="Rapportage ondertekenen")).to_have_count(0)
    page.screenshot(path="/tmp/bias_report_review.png", full_page=False)
    sign_out()

    sign_in("reviewer")
    section = page.get_by_role("region", name="Vervolgacties uit biasrapportages")
    expect(section).to_contain_text(f"Profiel {code} intrekken")
    expect(section).to_contain_text("Aanvragen met dit profiel worden vaker geweigerd.")
    section.get_by_label("Uw toelichting (verplicht)").fill("Ingetrokken op verzoek van de FG.")
    section.get_by_role("button", name=f"{code} intrekken").click()
    expect(page.get_by_text("Het profiel is zoals gevraagd ingetrokken.")).to_be_visible()
    expect(page.get_by_role("region", name="Vervolgacties uit biasrapportages")).to_contain_text(
        "Er staan geen vervolgverzoeken open.")
    approved_profile.refresh_from_db()
    assert approved_profile.status == "withdrawn"
