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
    status: int = 200  # the status the page answers with (an error page is a page too)

    def url(self, world: Any) -> str:
        return self.path(world) if callable(self.path) else self.path


def _click(name: str) -> Callable[[Any], None]:
    def step(page) -> None:
        page.get_by_role("button", name=name).first.click()
        page.wait_for_load_state()

    return step


def _detail(attr: str) -> Callable[[Any], str]:
    return lambda w: f"/profiles/{getattr(w, attr).public_id}/"


def _fill_and_click(label: str, value: str, button: str) -> Callable[[Any], None]:
    def step(page) -> None:
        page.get_by_label(label).first.fill(value)
        _click(button)(page)

    return step


def _report(name: str, tail: str = "") -> Callable[[Any], str]:
    return lambda w: f"/reports/{getattr(w, name).public_id}/{tail}"


def _assessment(name: str, tail: str = "") -> Callable[[Any], str]:
    return lambda w: f"/assessments/v/{getattr(w.assessment, name).public_id}/{tail}"


def _register(name: str, tail: str = "") -> Callable[[Any], str]:
    return lambda w: f"/register/versions/{getattr(w.register, name).public_id}/{tail}"


COMMON = [
    Visit("home", "/"),
    Visit("profiles", "/profiles/"),
    Visit("profiles-filtered", "/profiles/?status=draft"),
    # The portal's own error pages, inside its frame.
    Visit("not-found", "/profiles/00000000-0000-0000-0000-000000000000/", status=404),
]
GENERATION = [
    Visit("generation", "/generation/"),
    Visit("parameter-set", lambda w: f"/generation/parameter-sets/{w.generation.parameter_set.public_id}/"),
    Visit("run", lambda w: f"/generation/runs/{w.generation.run.public_id}/"),
    Visit("run-filtered", lambda w: f"/generation/runs/{w.generation.run.public_id}/?kind=risk"),
]
ASSESSMENTS = [
    Visit("assessments", "/assessments/"),
    Visit("assessment-signed", _assessment("signed")),
    Visit("assessment-draft", _assessment("draft")),
    Visit("assessment-section", _assessment("draft", "s/A01/")),
    Visit("assessment-section-proposal", _assessment("draft", "s/A09/")),
    Visit(
        "assessment-proposal-changes",
        lambda w: f"/assessments/v/{w.assessment.draft.public_id}/q/{w.assessment.prefilled_key}/refresh/",
    ),
    Visit("assessment-compare", "/assessments/dpia/compare/"),
    Visit("assessment-compare-all", "/assessments/dpia/compare/?left=1&right=2&all=1"),
]
REGISTER_READ = [
    Visit("register", "/register/"),
    Visit("register-published", _register("published")),
    Visit("register-draft", _register("draft")),
    Visit(
        "register-diff",
        lambda w: f"/register/versions/{w.register.draft.public_id}/diff/{w.register.published.public_id}/",
    ),
]
REPORTS_READ = [
    Visit("reports", "/reports/"),
    Visit("report", _report("report")),
    Visit("report-in-review", _report("report_in_review")),
    Visit("report-signed", _report("report_signed")),
    Visit("report-tables", _report("report", "tables/")),
    Visit("report-tables-two-way", _report("report", "tables/?table=two_way&show=flagged")),
    Visit("report-tables-officers", _report("report", "tables/?table=officers")),
    Visit("report-tables-profiles", _report("report", "tables/?table=profiles")),
    Visit("report-tables-months", _report("report", "tables/?table=months")),
]

PAGES: dict[str, list[Visit]] = {
    "policy_officer": [
        *COMMON,
        Visit("forbidden", "/audit/", status=403),
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
        Visit("import-rejected", lambda w: f"/monitoring/imports/{w.import_run.public_id}/"),
        Visit("advice", "/monitoring/advice/"),
        *GENERATION,
        Visit("parameter-set-form", "/generation/parameter-sets/new/"),
        Visit("parameter-set-form-errors", "/generation/parameter-sets/new/", step=_click("Opslaan als concept")),
        Visit(
            "parameter-set-draft", lambda w: f"/generation/parameter-sets/{w.generation.draft_parameter_set.public_id}/"
        ),
        *ASSESSMENTS,
        Visit("assessment-section-saved", _assessment("draft", "s/A02/"), step=_click("Onderdeel opslaan")),
    ],
    "reviewer": [
        *COMMON,
        Visit("review-queue", "/profiles/review/"),
        Visit("profile-detail-in-review", _detail("in_review")),
        Visit("profile-reject-without-reason", _detail("in_review"), step=_click("Afwijzen")),
        Visit("profile-approve-confirm", _detail("in_review"), step=_click("Goedkeuren")),
        *REPORTS_READ,
        Visit("follow-ups", "/reports/follow-ups/"),
        Visit("advice", "/monitoring/advice/"),
        *GENERATION,
        *ASSESSMENTS,
        *REGISTER_READ,
    ],
    "dpo": [
        *COMMON,
        Visit("sign-off-queue", "/profiles/sign-off/"),
        Visit("profile-detail-risk", _detail("in_review")),
        Visit("profile-return-without-reason", _detail("in_review"), step=_click("Terugsturen naar de auteur (FG)")),
        Visit("audit", "/audit/"),
        Visit("audit-verify", "/audit/verify/"),
        *REPORTS_READ,
        Visit("import-rejected", lambda w: f"/monitoring/imports/{w.import_run.public_id}/"),
        *GENERATION,
        *ASSESSMENTS,
        *REGISTER_READ,
    ],
    "register_editor": [
        *COMMON,
        Visit("profile-detail-active", _detail("active")),
        *REGISTER_READ,
        Visit("register-edit", _register("draft", "edit/")),
        Visit(
            "register-edit-errors",
            _register("draft", "edit/"),
            step=_fill_and_click("Begindatum (begin_date)", "2017", "Opslaan"),
        ),
        Visit("register-translations", _register("draft", "translations/")),
        Visit("export-progress", lambda w: f"/exports/{w.register.export.public_id}/"),
        *ASSESSMENTS,
    ],
    "auditor": [
        *COMMON,
        Visit("profile-detail-active", _detail("active")),
        Visit("audit", "/audit/"),
        Visit("audit-filtered", "/audit/?event_type=profile.refused"),
        *REPORTS_READ,
        Visit("import-rejected", lambda w: f"/monitoring/imports/{w.import_run.public_id}/"),
        *GENERATION,
        *ASSESSMENTS,
    ],
    "admin": [
        *COMMON,
        Visit("catalogues", "/profiles/catalogues/"),
        Visit("catalogue-errors", "/profiles/catalogues/", step=_click("Code controleren")),
        Visit("catalogue-retire", "/profiles/catalogues/application_location/SRPBM/retire/"),
        Visit("audit", "/audit/"),
        Visit("monitoring-upload", "/monitoring/upload/"),
        Visit("import-rejected", lambda w: f"/monitoring/imports/{w.import_run.public_id}/"),
        *REPORTS_READ,
        Visit("assessments", "/assessments/"),
        Visit("api-docs", "/api/docs/"),
    ],
}
ANONYMOUS = [
    Visit("login", "/login/"),
    Visit("register-public", "/algoritmeregister/"),
    Visit("register-public-en", "/algoritmeregister/en/"),
]

# Pages whose screenshots are looked at by people (issue 12): role → page names.
SCREENSHOTS = {
    "policy_officer": {"profile-form", "profile-form-errors"},
    "reviewer": {"profile-detail-in-review", "profile-reject-without-reason"},
    "admin": {"catalogues"},
}


def _generation_world(users) -> SimpleNamespace:
    """Records over the past years, an approved parameter set and a completed run, through
    the services (the run as the worker runs it); a second set left in draft."""
    from generation.services import parameter_set_create, parameter_set_transition, run_execute, run_request
    from monitoring.models import MonitoringRecord
    from tests.generation.helpers import group

    records = group(10, nat="SUR") + group(10, nat="NGA", hits=5) + group(30, loc="MACAS", purpose="business")
    # Bulk rows as the generation tests make them: the import service's checks are not
    # what these pages are about, and it would take longer than the pages themselves.
    MonitoringRecord.objects.bulk_create(
        [
            MonitoringRecord(application_id=f"G-{i}", advice="regular", officer_id="O-1", **r)
            for i, r in enumerate(records)
        ]
    )
    officer, reviewer = users["policy_officer"], users["reviewer"]
    ps = parameter_set_create(
        actor=officer,
        name="Toegankelijkheid",
        min_group_size=10,
        chance_max_hit_rate=0.1,
        chance_max_refusal_rate=0.2,
        risk_min_hit_rate=0.3,
    )
    ps = parameter_set_transition(actor=officer, parameter_set=ps, action="submit")
    ps = parameter_set_transition(actor=reviewer, parameter_set=ps, action="approve", comment="Drempels nagekeken.")
    run = run_request(actor=officer, origin="portal", parameter_set=ps, enqueue=False)
    run = run_execute(run_id=run.pk, job_id=run.job_id)
    draft_ps = parameter_set_create(
        actor=officer,
        name="Strenger",
        min_group_size=50,
        chance_max_hit_rate=0.05,
        chance_max_refusal_rate=0.1,
        risk_min_hit_rate=0.4,
    )
    return SimpleNamespace(parameter_set=ps, draft_parameter_set=draft_ps, run=run)


def _assessment_world(users) -> SimpleNamespace:
    """A DPIA whose first version is signed and whose second is a draft with one changed answer."""
    from assessments import services

    officer = users["policy_officer"]
    dpia = services.assessment_ensure(actor=officer, kind="dpia")
    first = dpia.versions.get()
    services.section_save(
        actor=officer, version=first, section_id="A01", answers={"dpia3.A01_proposal": {"text": "IOB geeft advies."}}
    )
    services.version_transition(actor=officer, version=first, action="submit")
    services.version_transition(actor=users["dpo"], version=first, action="record_dpo_advice", advice="Positief.")
    first = services.version_transition(actor=users["reviewer"], version=first, action="sign")
    second = services.version_new(actor=officer, assessment=dpia)
    services.section_save(
        actor=officer,
        version=second,
        section_id="A01",
        answers={"dpia3.A01_proposal": {"text": "IOB geeft een behandeladvies; de medewerker beslist."}},
    )
    # A proposal of the portal taken over, so that its "what changed" page has a source.
    from assessments.questionsets import questionset_data
    from prefill import registry

    section = questionset_data(second.question_set).section("A09")
    prefilled = next(q for q in section.questions if services.prefill_codes(q))
    proposal = registry.proposal_compute(services.prefill_codes(prefilled))
    services.prefill_accept_answer(actor=officer, version=second, key=prefilled.key, fingerprint=proposal.fingerprint)
    services.assessment_ensure(actor=officer, kind="iama")
    return SimpleNamespace(signed=first, draft=second, prefilled_key=prefilled.key)


def _register_world(users) -> SimpleNamespace:
    """A published first version of the register entry and a prefilled second draft, and a
    queued export of it (its progress page)."""
    from documents.exports import export_request
    from register.services import version_create_draft, version_transition

    editor, reviewer = users["register_editor"], users["reviewer"]
    first = version_create_draft(actor=editor)
    first = version_transition(actor=editor, version=first, action="submit")
    first = version_transition(actor=reviewer, version=first, action="approve")
    first = version_transition(actor=reviewer, version=first, action="publish")
    second = version_create_draft(actor=editor, entry=first.entry)
    export = export_request(
        actor=editor, kind="register", fmt="pdf", params={"version": str(second.public_id)}, enqueue=False
    )
    return SimpleNamespace(published=first, draft=second, export=export)


def _import_world(users):
    """A rejected upload (a post the catalogue does not know), so that its page groups problems."""
    import io

    from monitoring.columns import COLUMNS, EXAMPLE_ROWS
    from monitoring.models import ImportDoor
    from monitoring.services import monitoring_records_import

    rows = [dict(row) for row in EXAMPLE_ROWS]
    rows[0]["application_location"] = "UAIEV"
    lines = [",".join(COLUMNS)] + [",".join(row[name] for name in COLUMNS) for row in rows]
    return monitoring_records_import(
        actor=users["admin"],
        door=ImportDoor.UPLOAD,
        file_format="csv",
        stream=io.BytesIO(("\n".join(lines) + "\n").encode()),
        filename="maart.csv",
    )


def _report_world(users, active) -> SimpleNamespace:
    """Three reports over the same records: generated, in review with one decision, and
    signed off with a request to withdraw a profile (which fills the follow-up queue)."""
    from reports.selectors import report_view
    from reports.services import report_finding_record, report_generate, report_request, report_transition
    from tests.reports.conftest import small_dataset
    from tests.reports.helpers import records_create

    dpo = users["dpo"]
    rows = small_dataset()
    for row in rows:
        row["matched_profiles"] = row["matched_profiles"].replace("PROFILE", active.code)
    records_create(rows)

    def generated():
        report = report_request(
            actor=dpo, period_from="2025-01-01", period_to="2025-12-31", parameters={"min_cell": 5}, enqueue=False
        )
        return report_generate(report_id=report.pk, job_id=report.job_id)

    def decide(report, finding, **extra):
        report_finding_record(
            actor=dpo,
            report=report,
            finding_id=finding["id"],
            decision="mitigate",
            note="Bespreken met de teamleider.",
            **extra,
        )

    report = generated()
    findings = report_view(report=report)["findings"]
    in_review = report_transition(actor=dpo, report=generated(), action="start_review")
    decide(in_review, findings[0])
    signed = report_transition(actor=dpo, report=generated(), action="start_review")
    decide(signed, findings[0], follow_ups=[{"kind": "withdraw_profile", "profile_code": active.code}])
    signed = report_transition(actor=dpo, report=signed, action="sign_off")
    return SimpleNamespace(report=report, in_review=in_review, signed=signed)


@pytest.fixture
def world(users, make_profile, monkeypatch):
    from profiles.services import profile_new_version, profile_transition
    from reports import services as report_services

    # Drawing the report and review-record PDFs takes seconds each and no page shows their
    # insides (they have their own tests): stand-ins with a real hash.
    def pdf_stand_in(*, report_id, view, content_hash, **kwargs):
        return _stand_in_pdf(f"report {report_id} {content_hash}")

    def record_stand_in(*, report, view, decisions, signer, signed_at):
        return _stand_in_pdf(f"review {report.public_id} {signer}")

    monkeypatch.setattr(report_services, "pdf_document", pdf_stand_in)
    monkeypatch.setattr(report_services, "review_record_pdf", record_stand_in)

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
    reports = _report_world(users, active)
    return SimpleNamespace(
        draft=draft,
        in_review=in_review,
        active=active,
        second_version=second_version,
        report=reports.report,
        report_in_review=reports.in_review,
        report_signed=reports.signed,
        generation=_generation_world(users),
        assessment=_assessment_world(users),
        register=_register_world(users),
        import_run=_import_world(users),
    )


def _stand_in_pdf(text: str):
    import hashlib

    from documents.pdf import RenderedPdf

    content = f"%PDF-1.7 stand-in {text}".encode()
    return RenderedPdf(content=content, sha256=hashlib.sha256(content).hexdigest())


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
            if response is None or response.status != visit.status:
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


def test_the_public_pages_pass_axe_and_fit_390_pixels(browser, live_server, world):
    problems = _walk(browser, live_server, None, ANONYMOUS, world)
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
