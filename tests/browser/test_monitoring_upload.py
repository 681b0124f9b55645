"""A policy officer uploads monitoring data with errors, reads the report, fixes the file
and uploads it again; a reviewer then opens a profile under review and sees its impact
preview on the profile page. In headless Chromium, in Dutch."""

import csv
import io
from pathlib import Path

from playwright.sync_api import expect

from monitoring.columns import COLUMNS
from monitoring.models import ImportRun, MonitoringRecord
from profiles.services import profile_create, profile_transition
from tests.conftest import DEFAULT_CRITERIA, current_window

SCREENSHOT = "/tmp/monitoring_report.png"


def _records(bad: bool) -> bytes:
    base = {
        "lodged_on": "",
        "decided_on": "",
        "nationality": "NGA",
        "age_group": "25-34",
        "gender": "M",
        "marital_status": "single",
        "occupation": "craft_trades",
        "travel_purpose": "family_friends",
        "application_location": "NGLOS",
        "advice": "regular",
        "matched_profiles": "",
        "applicant_hit": "0",
        "referent_hit": "0",
        "employer_hit": "0",
        "chain_hit": "0",
        "decision": "granted",
        "officer_id": "O-3",
        "refusal_ground": "",
    }
    from datetime import date, timedelta

    lodged = date.today() - timedelta(days=30)
    rows = []
    for i in range(1, 13):
        row = dict(
            base,
            application_id=f"B-{i:03d}",
            lodged_on=lodged.isoformat(),
            decided_on=(lodged + timedelta(days=7)).isoformat(),
        )
        if i % 3 == 0:
            row.update(decision="refused", refusal_ground="10", chain_hit="1")
        if i > 8:
            row.update(nationality="CHN", application_location="CNBJS", travel_purpose="business")
        rows.append(row)
    if bad:
        rows[4]["nationality"] = "ZZZ"
        rows[11]["decided_on"] = "2020-01-01"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(COLUMNS), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def test_upload_with_errors_fix_and_see_the_preview(page, live_server, users, sign_in, sign_out, tmp_path: Path):
    bad_file, good_file = tmp_path / "aanvragen.csv", tmp_path / "aanvragen-hersteld.csv"
    bad_file.write_bytes(_records(bad=True))
    good_file.write_bytes(_records(bad=False))

    # The policy officer uploads a file with two bad rows.
    sign_in("policy_officer")
    page.goto(live_server.url + "/monitoring/upload/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Monitoringgegevens importeren")
    page.get_by_label("Bestand").set_input_files(str(bad_file))
    page.get_by_role("button", name="Uploaden en importeren").click()

    # The report: every problem with its row, column and message; nothing imported.
    expect(page.get_by_role("heading", name="Het bestand is geweigerd: er is niets geïmporteerd")).to_be_visible()
    report = page.locator("#import-report")
    expect(report.locator("tbody tr")).to_have_count(2)
    expect(report.locator("tr[data-code=unknown_value]")).to_contain_text("“ZZZ” is geen code van")
    expect(report.locator("tr[data-code=unknown_value] th")).to_have_text("6")
    expect(report.locator("tr[data-code=decided_before_lodged]")).to_contain_text("nationality" if False else "13")
    page.screenshot(path=SCREENSHOT, full_page=True)
    assert MonitoringRecord.objects.count() == 0

    # Fixed and uploaded again: imported.
    page.get_by_role("link", name="Nog een bestand importeren").click()
    page.get_by_label("Bestand").set_input_files(str(good_file))
    page.get_by_role("button", name="Uploaden en importeren").click()
    expect(page.locator("#import-result")).to_contain_text("12 records geïmporteerd: 12 nieuw")
    assert MonitoringRecord.objects.count() == 12
    assert [r.status for r in ImportRun.objects.order_by("created_at")] == ["rejected", "imported"]
    sign_out()

    # A profile under review: the reviewer sees what it would have hit, on the profile page.
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
    profile_transition(actor=users["policy_officer"], profile=profile, action="submit")
    sign_in("reviewer")
    page.goto(f"{live_server.url}/profiles/{profile.public_id}/")
    section = page.locator("#impact")
    expect(section.locator("#impact-summary")).to_contain_text("zou dit profiel er 8 hebben geraakt")
    expect(section.locator("[data-figure=hits-refusal-rate]")).to_have_text("25,0 %")
    expect(section.locator("table[data-dimension=nationality] tr[data-code=NGA]")).to_contain_text("100,0 %")
    section.screenshot(path="/tmp/monitoring_impact.png")
