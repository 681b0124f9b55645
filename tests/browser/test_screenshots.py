"""Screenshots of the pages people look at most (issue 12), with demo data, for a person to
look at: the DPO's report review, the profile page (reviewer and DPO) and the profile form,
at 1280 and 390 pixels, each as the first screen and as the whole page.

Runs only when `IOB_SCREENSHOTS` names a folder (it takes minutes and checks nothing a
person does not check better by eye):

    IOB_SCREENSHOTS=/tmp/shots .venv/bin/python -m pytest -n 0 tests/browser/test_screenshots.py
"""

import io
import os
from pathlib import Path

import pytest
from django.core.management import call_command

SHOTS = os.environ.get("IOB_SCREENSHOTS", "")
pytestmark = pytest.mark.skipif(not SHOTS, reason="set IOB_SCREENSHOTS to a folder to take the screenshots")
WIDTHS = (1280, 390)


@pytest.fixture
def demo(db):
    """seed_demo with 20,000 monitoring records, and a report over them in review with two
    decisions recorded."""
    from django.contrib.auth import get_user_model

    from monitoring.demo import demo_period
    from profiles.models import Profile
    from reports.selectors import report_view
    from reports.services import report_finding_record, report_run_now, report_transition

    call_command("seed_demo", "--password", "pw", "--records", "20000", stdout=io.StringIO())
    dpo = get_user_model().objects.get(username="dpo")
    start, end = demo_period()
    report = report_run_now(actor=dpo, period_from=start.isoformat(), period_to=end.isoformat())
    report = report_transition(actor=dpo, report=report, action="start_review")
    findings = report_view(report=report)["findings"]
    for finding, decision in zip(findings[:2], ("mitigate", "accept"), strict=True):
        report_finding_record(
            actor=dpo, report=report, finding_id=finding["id"], decision=decision, note="Besproken met de teamleider."
        )
    risk = Profile.objects.filter(kind="risk", status="in_review").first()
    return report, risk


def _shoot(browser, live_server, user: str, path: str, name: str, step=None) -> None:
    Path(SHOTS).mkdir(parents=True, exist_ok=True)
    for width in WIDTHS:
        context = browser.new_context(locale="nl-NL", viewport={"width": width, "height": 900 if width > 400 else 844})
        page = context.new_page()
        page.set_default_timeout(90_000)
        page.goto(live_server.url + "/login/")
        page.get_by_label("Gebruikersnaam").fill(user)
        page.get_by_label("Wachtwoord").fill("pw")
        page.get_by_role("button", name="Inloggen").click()
        page.wait_for_load_state()
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
        if step:
            step(page)
        page.screenshot(path=f"{SHOTS}/{name}-{width}-top.png")
        page.screenshot(path=f"{SHOTS}/{name}-{width}-full.png", full_page=True)
        context.close()


def test_screenshots_of_the_review_profile_and_form_pages(browser, live_server, demo):
    report, risk = demo

    def open_first_undecided(page):
        page.locator(".finding-row details.decide summary").first.click()

    _shoot(browser, live_server, "dpo", f"/reports/{report.public_id}/", "report-review")
    _shoot(
        browser, live_server, "dpo", f"/reports/{report.public_id}/#review", "report-review-open", open_first_undecided
    )
    _shoot(browser, live_server, "reviewer", f"/profiles/{risk.public_id}/", "profile-reviewer")
    _shoot(browser, live_server, "dpo", f"/profiles/{risk.public_id}/", "profile-dpo")
    _shoot(browser, live_server, "policy_officer", "/profiles/new/", "profile-form")

    def send_empty(page):
        page.get_by_role("button", name="Concept opslaan").click()
        page.wait_for_load_state()

    _shoot(browser, live_server, "policy_officer", "/profiles/new/", "profile-form-errors", send_empty)
