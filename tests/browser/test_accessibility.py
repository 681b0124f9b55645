"""Every page of the portal, as each role sees it, at 1280 and 390 pixels: axe-core finds
no violation, and at 390 pixels no page is wider than the screen.

The pages are data: `PAGES` lists, per role, the paths to visit (a path may be built from
the `world` of objects the fixture makes, and may be followed by a step such as sending an
empty form, so that error states are checked too). A new page is one more line here.
Screenshots of the pages named in `SCREENSHOTS` go to `$IOB_SCREENSHOTS` when it is set.
"""

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from problems import DomainError
from tests.conftest import current_window

WIDTHS = (1280, 390)
AXE = Axe()
# WCAG 2.1 A and AA, as the Dutch government requires (and axe-core's best practices).
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
    "resultTypes": ["violations"],
}


@dataclass
class Visit:
    """One page: a path (or a function of the world that gives one) and an optional step
    performed on it before checking (e.g. send the form empty to see its errors)."""

    name: str
    path: str | Callable[[Any], str]
    step: Callable[[Any], None] | None = None
    tags: set[str] = field(default_factory=set)

    def url(self, world: Any) -> str:
        return self.path(world) if callable(self.path) else self.path


def _click(name: str) -> Callable[[Any], None]:
    def step(page) -> None:
        page.get_by_role("button", name=name).first.click()
        page.wait_for_load_state()

    return step


def _detail(attr: str) -> Callable[[Any], str]:
    return lambda w: f"/profiles/{getattr(w, attr).public_id}/"


COMMON = [Visit("home", "/"), Visit("profiles", "/profiles/"), Visit("profiles-filtered", "/profiles/?status=draft")]

PAGES: dict[str, list[Visit]] = {
    "policy_officer": [
        *COMMON,
        Visit("profile-form", "/profiles/new/"),
        Visit("profile-form-errors", "/profiles/new/", step=_click("Concept opslaan")),
        Visit("profile-detail-draft", _detail("draft")),
        Visit("profile-edit", lambda w: f"/profiles/{w.draft.public_id}/edit/"),
        Visit("profile-discard", lambda w: f"/profiles/{w.draft.public_id}/discard/"),
        # The owner's own draft: the page says why it cannot be taken over.
        Visit("profile-take-over", lambda w: f"/profiles/{w.draft.public_id}/take-over/"),
        Visit("profile-compare", lambda w: f"/profiles/{w.second_version.public_id}/compare/"),
        Visit("impact", lambda w: f"/monitoring/impact/{w.draft.public_id}/"),
        Visit("monitoring-upload", "/monitoring/upload/"),
        Visit("advice", "/monitoring/advice/"),
    ],
    "reviewer": [
        *COMMON,
        Visit("review-queue", "/profiles/review/"),
        Visit("profile-detail-in-review", _detail("in_review")),
        Visit("profile-reject-without-reason", _detail("in_review"), step=_click("Afwijzen")),
        Visit("profile-approve-confirm", _detail("in_review"), step=_click("Goedkeuren")),
        Visit("reports", "/reports/"),
        Visit("report", lambda w: f"/reports/{w.report.public_id}/"),
        Visit("follow-ups", "/reports/follow-ups/"),
        Visit("advice", "/monitoring/advice/"),
    ],
    "dpo": [
        *COMMON,
        Visit("sign-off-queue", "/profiles/sign-off/"),
        Visit("profile-detail-risk", _detail("in_review")),
        Visit("profile-return-without-reason", _detail("in_review"), step=_click("Terugsturen naar de auteur (FG)")),
        Visit("audit", "/audit/"),
        Visit("audit-verify", "/audit/verify/"),
        Visit("reports", "/reports/"),
        Visit("report", lambda w: f"/reports/{w.report.public_id}/"),
    ],
    "register_editor": [*COMMON, Visit("profile-detail-active", _detail("active"))],
    "auditor": [
        *COMMON,
        Visit("profile-detail-active", _detail("active")),
        Visit("audit", "/audit/"),
        Visit("audit-filtered", "/audit/?event_type=profile.refused"),
        Visit("reports", "/reports/"),
        Visit("report", lambda w: f"/reports/{w.report.public_id}/"),
    ],
    "admin": [
        *COMMON,
        Visit("catalogues", "/profiles/catalogues/"),
        Visit("catalogue-errors", "/profiles/catalogues/", step=_click("Code controleren")),
        Visit("catalogue-retire", "/profiles/catalogues/application_location/SRPBM/retire/"),
        Visit("audit", "/audit/"),
        Visit("monitoring-upload", "/monitoring/upload/"),
        Visit("reports", "/reports/"),
    ],
}
ANONYMOUS = [Visit("login", "/login/")]

# Pages whose screenshots are looked at by people (issue 12): role → page names.
SCREENSHOTS = {
    "policy_officer": {"profile-form", "profile-form-errors"},
    "reviewer": {"profile-detail-in-review", "profile-reject-without-reason"},
    "admin": {"catalogues"},
}


@pytest.fixture
def world(users, make_profile):
    from profiles.services import profile_new_version, profile_transition
    from reports.services import report_generate, report_request
    from tests.reports.conftest import small_dataset
    from tests.reports.helpers import records_create

    officer, reviewer, dpo = users["policy_officer"], users["reviewer"], users["dpo"]
    draft = make_profile(title="Studiereizen uit Suriname")
    in_review = make_profile(kind="risk", title="Groepsbezoek familie, Lagos")
    profile_transition(actor=officer, profile=in_review, action="submit", comment="Klaar voor beoordeling.")
    active = make_profile(title="Zakenreizen Mumbai", window=current_window())
    profile_transition(actor=officer, profile=active, action="submit")
    active = profile_transition(actor=reviewer, profile=active, action="approve", comment="Goed onderbouwd.")
    second_version = profile_new_version(actor=officer, profile=active)
    # A refused attempt, so that the trail shows one in words.
    with pytest.raises(DomainError):
        profile_transition(actor=dpo, profile=draft, action="approve")
    rows = small_dataset()
    for row in rows:
        row["matched_profiles"] = row["matched_profiles"].replace("PROFILE", active.code)
    records_create(rows)
    report = report_request(
        actor=dpo, period_from="2025-01-01", period_to="2025-12-31", parameters={"min_cell": 5}, enqueue=False
    )
    report = report_generate(report_id=report.pk, job_id=report.job_id)
    return SimpleNamespace(
        draft=draft, in_review=in_review, active=active, second_version=second_version, report=report
    )


def _check(page, visit: Visit, role: str, width: int, problems: list[str]) -> None:
    shots = os.environ.get("IOB_SCREENSHOTS")
    results = AXE.run(page, options=AXE_OPTIONS)
    for violation in results.response["violations"]:
        targets = "; ".join(" ".join(n["target"]) for n in violation["nodes"][:3])
        problems.append(f"{role} {visit.name} @{width}: {violation['id']} ({violation['impact']}): {targets}")
    if width <= 390:
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        if scroll_width > width:
            wide = page.evaluate(
                """(w) => Array.from(document.querySelectorAll('body *'))
                .filter(e => e.getBoundingClientRect().right > w + 1 && !e.closest('.table-scroll'))
                .slice(0, 3).map(e => e.tagName + '.' + e.className + '#' + e.id)""",
                width,
            )
            problems.append(f"{role} {visit.name} @{width}: page is {scroll_width}px wide: {wide}")
    if shots and visit.name in SCREENSHOTS.get(role, set()):
        Path(shots).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{shots}/{role}-{visit.name}-{width}.png", full_page=True)


def _walk(browser, live_server, role: str | None, visits: list[Visit], world: Any) -> list[str]:
    problems: list[str] = []
    for width in WIDTHS:
        context = browser.new_context(locale="nl-NL", viewport={"width": width, "height": 900})
        page = context.new_page()
        page.set_default_timeout(15000)
        if role:
            page.goto(live_server.url + "/login/")
            page.get_by_label("Gebruikersnaam").fill(role)
            page.get_by_label("Wachtwoord").fill("pw-" + role)
            page.get_by_role("button", name="Inloggen").click()
            page.wait_for_load_state()
        for visit in visits:
            response = page.goto(live_server.url + visit.url(world))
            if response is None or response.status >= 400:
                problems.append(f"{role} {visit.name}: HTTP {response.status if response else '—'}")
                continue
            page.wait_for_load_state("networkidle")
            if visit.step:
                visit.step(page)
            _check(page, visit, role or "anonymous", width, problems)
        context.close()
    return problems


@pytest.mark.parametrize("role", sorted(PAGES))
def test_every_page_of_a_role_passes_axe_and_fits_390_pixels(browser, live_server, world, role):
    problems = _walk(browser, live_server, role, PAGES[role], world)
    assert not problems, "\n".join(problems)


def test_the_sign_in_page_passes_axe_and_fits_390_pixels(browser, live_server, db):
    problems = _walk(browser, live_server, None, ANONYMOUS, None)
    assert not problems, "\n".join(problems)


def test_the_narrow_menu_folds_and_opens_with_the_keyboard(browser, live_server, users):
    context = browser.new_context(locale="nl-NL", viewport={"width": 390, "height": 800})
    page = context.new_page()
    page.goto(live_server.url + "/login/")
    page.get_by_label("Gebruikersnaam").fill("auditor")
    page.get_by_label("Wachtwoord").fill("pw-auditor")
    page.get_by_role("button", name="Inloggen").click()
    menu = page.get_by_role("button", name="Menu")
    audit_link = page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Audittrail")
    assert menu.get_attribute("aria-expanded") == "false" and not audit_link.is_visible()
    menu.focus()
    page.keyboard.press("Enter")
    assert menu.get_attribute("aria-expanded") == "true" and audit_link.is_visible()
    page.keyboard.press("Escape")
    assert not audit_link.is_visible()
    page.set_viewport_size({"width": 1280, "height": 800})
    # The media query's change event fires at the next rendering step, after the resize
    # returns: wait for it rather than read the page in between.
    expect(audit_link).to_be_visible()
    expect(menu).to_be_hidden()
    context.close()
