"""In Chromium: a reviewer approves a parameter set, a policy officer starts the month's run
and watches its progress, the reviewer reviews the comparison and approves the chance
profiles in bulk, the DPO signs off and the reviewer approves one risk profile. axe-core
finds nothing on the run page at 1280 and 390 pixels."""

import threading

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.generation.helpers import group

pytestmark = pytest.mark.django_db(transaction=True)


def _no_axe_violations(page, where):
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        results = Axe().run(page)
        assert results.violations_count == 0, f"{where} at {width}px:\n{results.generate_report()}"
    page.set_viewport_size({"width": 1280, "height": 900})


@pytest.fixture
def data(users):
    from generation.services import parameter_set_create, parameter_set_transition
    from monitoring.models import MonitoringRecord

    records = group(10, nat="SUR") + group(10, nat="NGA", hits=5) + group(30, loc="MACAS", purpose="business")
    MonitoringRecord.objects.bulk_create(
        [
            MonitoringRecord(
                application_id=f"B-{i}",
                lodged_on=r["lodged_on"],
                nationality=r["nationality"],
                age_group=r["age_group"],
                gender=r["gender"],
                marital_status=r["marital_status"],
                occupation=r["occupation"],
                travel_purpose=r["travel_purpose"],
                application_location=r["application_location"],
                advice="regular",
                chain_hit=r["chain_hit"],
                decision=r["decision"],
                officer_id="O-1",
            )
            for i, r in enumerate(records)
        ]
    )
    ps = parameter_set_create(
        actor=users["policy_officer"],
        name="Browser",
        min_group_size=10,
        chance_max_hit_rate=0.1,
        chance_max_refusal_rate=0.2,
        risk_min_hit_rate=0.3,
    )
    return parameter_set_transition(actor=users["policy_officer"], parameter_set=ps, action="submit")


def test_approve_parameters_run_review_and_approve(page, live_server, sign_in, sign_out, users, data, monkeypatch):
    from generation import services
    from generation.models import GenerationRun
    from profiles.models import Profile

    # The machine is shared: give slow page loads time rather than fail on them.
    page.set_default_timeout(45000)
    page.set_default_navigation_timeout(45000)
    # The reviewer approves the parameter set.
    sign_in("reviewer")
    page.goto(f"{live_server.url}/generation/parameter-sets/{data.public_id}/")
    page.locator("button[name=action][value=approve]").click()
    expect(page.locator("#ps-status")).to_have_text("Goedgekeurd")
    sign_out()

    # The policy officer starts the run; the worker is held back so that the progress bar shows.
    monkeypatch.setattr(services, "job_enqueue_on_commit", lambda **kwargs: None)
    sign_in("policy_officer")
    page.goto(f"{live_server.url}/generation/")
    page.get_by_role("button", name="De run van deze maand starten").click()
    expect(page.locator("#job-progress")).to_be_visible()
    run = GenerationRun.objects.get()
    worker = threading.Thread(target=services.run_execute, kwargs={"run_id": run.pk, "job_id": run.job_id})
    worker.start()
    worker.join()
    # The page polls the job and reloads when it is done.
    expect(page.locator("#run-status")).to_have_text("Voltooid", timeout=20000)
    sign_out()

    # The reviewer reviews the comparison and approves the chance profiles in bulk.
    sign_in("reviewer")
    page.goto(f"{live_server.url}/generation/runs/{run.public_id}/")
    expect(page.locator("#run-counts")).to_contain_text("Nieuw: 3")
    page.locator("details summary").first.click()
    _no_axe_violations(page, "run page")
    page.locator("#id_kind").select_option("chance")
    page.locator("form.filters button[type=submit]").click()
    page.locator("#bulk-comment").fill("Samenvatting en grootste groepen nagekeken.")
    page.get_by_role("button", name="Deze kansprofielen goedkeuren").click()
    expect(page.get_by_text("2 kansprofielen goedgekeurd.")).to_be_visible()
    assert Profile.objects.filter(generation_run_id=run.public_id, kind="chance", status="approved").count() == 2
    sign_out()

    # The DPO signs off the risk profile; the reviewer approves it on its own page.
    risk = Profile.objects.get(generation_run_id=run.public_id, kind="risk")
    sign_in("dpo")
    page.goto(f"{live_server.url}/profiles/{risk.public_id}/")
    page.locator("button[name=action][value=dpo_sign_off]").click()
    # An irreversible step asks for confirmation first.
    page.locator("form:has(input[name=confirmed]) button[type=submit]").click()
    page.wait_for_load_state()
    sign_out()
    sign_in("reviewer")
    page.goto(f"{live_server.url}/profiles/{risk.public_id}/")
    page.locator("#id_comment").fill("Onderbouwing gelezen.")
    page.locator("button[name=action][value=approve]").click()
    page.locator("form:has(input[name=confirmed]) button[type=submit]").click()
    page.wait_for_load_state()
    risk.refresh_from_db()
    assert risk.status == "approved" and risk.dpo_signed_off_by == users["dpo"]
    page.goto(f"{live_server.url}/generation/runs/{run.public_id}/?kind=risk")
    page.set_viewport_size({"width": 390, "height": 900})
    page.screenshot(path="/tmp/generation-run-390.png", full_page=True)
