"""In Chromium, at real volume: the DPO reviews a bias report over 20,000 demo records
(monitoring's demo generator), records decisions on three findings from their rows
without scrolling back, signs off, and downloads the signed review record, whose text
names those findings. Every report page passes axe-core at 1280 and 390 px, and none is
wider than 390 px at 390. The reviewer then acts on a withdraw request."""

import io
import re

import pytest
from playwright.sync_api import expect

from tests.reports.conftest import small_dataset
from tests.reports.helpers import records_create

WIDTHS = (1280, 390)


def axe_clean(page, label: str) -> None:
    """axe-core (from axe-playwright-python) at both widths; no sideways scrolling at 390."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        results = axe.run(page)
        assert results.violations_count == 0, (label, width, results.generate_report())
        if width == 390:
            scroll = page.evaluate("document.documentElement.scrollWidth")
            wide = page.evaluate("""() => [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > 391)
                .slice(0, 8).map(e => e.tagName + '#' + e.id + '.' + e.className + ' ' +
                                 Math.round(e.getBoundingClientRect().right))""")
            assert scroll <= 390, (label, scroll, wide)
    page.set_viewport_size({"width": 1280, "height": 900})


def in_viewport(page, selector: str) -> bool:
    return page.evaluate(
        """(sel) => { const r = document.querySelector(sel).getBoundingClientRect();
        return r.top < window.innerHeight && r.bottom > 0; }""",
        selector,
    )


@pytest.fixture
def demo_report(users):
    from monitoring.demo import demo_period, monitoring_demo_records_generate
    from reports.services import report_run_now

    assert monitoring_demo_records_generate(n=20_000, seed=12, actor=users["admin"]) == 20_000
    start, end = demo_period()
    return report_run_now(actor=users["dpo"], period_from=start.isoformat(), period_to=end.isoformat())


def test_dpo_reviews_a_20000_record_report_from_the_finding_rows(page, live_server, sign_in, demo_report):
    from reports.selectors import report_view

    # At this volume a busy machine answers slowly: wait longer than the default.
    page.set_default_timeout(90_000)
    report = demo_report
    view = report_view(report=report)
    findings = view["findings"]
    flags = view["flags_count"]
    assert len(findings) >= 3 and flags > len(findings)
    sign_in("dpo")
    url = f"{live_server.url}/reports/{report.public_id}/"
    page.goto(url)
    expect(page.locator("#report-status")).to_have_text("Gemaakt")
    # Summary first: counts by part and direction, the top findings in plain words.
    expect(page.get_by_role("table", name="Bevindingen per deel en richting")).to_be_visible()
    page.screenshot(path="/tmp/report_generated_1280.png", full_page=False)
    axe_clean(page, "report, generated")

    page.get_by_role("button", name="Beoordeling starten").click()
    expect(page.locator("#report-status")).to_have_text("In beoordeling")
    assert page.url.endswith("#review")

    # Three findings from different parts of the list, decided in their own rows.
    chosen = [findings[0], findings[len(findings) // 2], findings[-1]]
    for i, f in enumerate(chosen):
        row = page.locator(f"#{f['anchor']}")
        row.scroll_into_view_if_needed()
        row.locator("summary").click()
        if i == 0:
            # First an empty decision: the error summary appears in the row, focused.
            row.get_by_role("button", name="Beslissing vastleggen").click()
            row = page.locator(f"#{f['anchor']}")
            summary = row.locator(".error-summary")
            expect(summary).to_be_visible()
            expect(summary).to_be_focused()
            assert in_viewport(page, f"#{f['anchor']} .error-summary")
            expect(summary.get_by_role("link", name="Kies accepteren, beperken of escaleren.")).to_be_visible()
            axe_clean(page, "report, decision error")
        row.get_by_label(("Accepteren", "Beperken", "Escaleren")[i], exact=True).check()
        row.get_by_label("Uw bevinding").fill(f"Beslissing {i + 1}: bespreken met de teamleider.")
        row.get_by_role("button", name="Beslissing vastleggen").click()
        page.wait_for_load_state()
        assert page.url.endswith("#" + f["anchor"])
        done = page.locator(f"#{f['anchor']} .message.success")
        expect(done).to_have_text("De beslissing is vastgelegd.")
        # The reader stays where they were: the row with its result is on screen.
        assert in_viewport(page, f"#{f['anchor']} .message.success"), f["id"]
        expect(page.locator(f"#{f['anchor']}")).to_contain_text(("Accepteren", "Beperken", "Escaleren")[i])
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path="/tmp/report_in_review_390.png", full_page=False)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path="/tmp/report_in_review_1280.png", full_page=False)
    axe_clean(page, "report, in review")

    # Sign off from the closing panel after the list.
    end = page.locator("#review-end")
    end.scroll_into_view_if_needed()
    end.get_by_role("button", name="Rapportage ondertekenen").click()
    expect(page.locator("#report-status")).to_have_text("Ondertekend")
    link = page.locator("#review").get_by_role("link", name="Het ondertekende beoordelingsverslag downloaden (pdf)")
    expect(link).to_be_visible()
    axe_clean(page, "report, signed")
    response = page.request.get(
        link.get_attribute("href")
        if link.get_attribute("href").startswith("http")
        else live_server.url + link.get_attribute("href")
    )
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    from pypdf import PdfReader

    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages))
    for i, f in enumerate(chosen):
        assert re.sub(r"\s+", " ", f["label"]["nl"]) in text, f["label"]["nl"]
        assert f["id"] in text.replace(" ", "") or f["id"] in text
        assert f"Beslissing {i + 1}: bespreken met de teamleider." in text

    # The full tables, filtered and paged, on their own page.
    page.goto(f"{url}tables/?table=two_way&show=flagged")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tabellen van biasrapportage")
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path="/tmp/report_tables_390.png", full_page=False)
    page.set_viewport_size({"width": 1280, "height": 900})
    axe_clean(page, "tables, two-way")
    page.get_by_role("link", name=re.compile("Volgende pagina")).click()
    axe_clean(page, "tables, page 2")
    page.goto(f"{url}tables/?table=officers")
    axe_clean(page, "tables, officers")
    page.goto(f"{live_server.url}/reports/")
    axe_clean(page, "report list")


@pytest.fixture
def generated_report(users, approved_profile):
    from reports.services import report_generate, report_request

    rows = small_dataset()
    for row in rows:
        row["matched_profiles"] = row["matched_profiles"].replace("PROFILE", approved_profile.code)
    records_create(rows)
    report = report_request(
        actor=users["dpo"], period_from="2025-01-01", period_to="2025-12-31", parameters={"min_cell": 5}, enqueue=False
    )
    return report_generate(report_id=report.pk, job_id=report.job_id)


@pytest.fixture
def approved_profile(users, make_profile):
    from profiles.services import profile_transition

    profile = make_profile(title="Profile the DPO will question")
    profile = profile_transition(actor=users["policy_officer"], profile=profile, action="submit")
    return profile_transition(actor=users["reviewer"], profile=profile, action="approve")


def test_dpo_finding_with_withdraw_request_reaches_the_reviewer(
    page, live_server, sign_in, sign_out, generated_report, approved_profile
):
    code = approved_profile.code
    anchor = "finding-profile-" + re.sub(r"[^A-Za-z0-9_]+", "-", code)
    sign_in("dpo")
    page.goto(live_server.url + "/reports/")
    page.get_by_role("link", name=re.compile("2025-01-01 – 2025-12-31")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Biasrapportage 2025-01-01 – 2025-12-31")
    expect(page.get_by_text("“Geweigerd” is de eigen beslissing van de beslismedewerker")).to_be_visible()
    page.get_by_role("button", name="Beoordeling starten").click()
    expect(page.locator("#report-status")).to_have_text("In beoordeling")

    row = page.locator(f"#{anchor}")
    row.locator("summary").click()
    row.get_by_label("Beperken").check()
    row.get_by_label("Uw bevinding").fill("Aanvragen met dit profiel worden vaker geweigerd.")
    row.get_by_label(f"Vraag de reviewers profiel {code} in te trekken").check()
    row.get_by_label("Waarom intrekken").fill("Het profiel versterkt weigeringen; intrekken tot herziening.")
    row.get_by_role("button", name="Beslissing vastleggen").click()
    expect(page.locator(f"#{anchor}")).to_contain_text("De beslissing is vastgelegd.")
    expect(page.locator(f"#{anchor}")).to_contain_text("Het profiel intrekken")
    page.locator("#review").get_by_role("button", name="Rapportage ondertekenen").click()
    expect(page.locator("#report-status")).to_have_text("Ondertekend")
    sign_out()

    sign_in("reviewer")
    section = page.get_by_role("region", name="Vervolgacties uit biasrapportages")
    expect(section).to_contain_text(f"Profiel {code} intrekken")
    section.get_by_label("Uw toelichting (verplicht)").fill("Ingetrokken op verzoek van de FG.")
    section.get_by_role("button", name=f"{code} intrekken").click()
    expect(page.get_by_text("Het profiel is zoals gevraagd ingetrokken.")).to_be_visible()
    approved_profile.refresh_from_db()
    assert approved_profile.status == "withdrawn"
