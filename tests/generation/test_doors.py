"""The doors into profile generation: API, pages and the command, all through the services."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from generation import services
from generation.models import GenerationRun, ParameterSet
from profiles.models import Profile

from .helpers import group


def _login(client, users, name):
    client.force_login(users[name])
    return client


def _data(records_in_db):
    records_in_db(group(10, nat="SUR") + group(10, nat="NGA", hits=5) + group(30, loc="MACAS", purpose="business"))


def test_api_starts_a_run_with_202_and_the_job_url_once(
    client, users, approved_set, records_in_db, django_capture_on_commit_callbacks
):
    approved_set()
    _data(records_in_db)
    api = _login(client, users, "policy_officer")
    with django_capture_on_commit_callbacks(execute=True):
        first = api.post("/api/generation-runs/", {}, content_type="application/json")
    assert first.status_code == 202
    assert first["Location"].endswith(f"/api/jobs/{first.json()['job']['id']}/")
    second = api.post("/api/generation-runs/", {}, content_type="application/json")
    assert second.json()["id"] == first.json()["id"] and GenerationRun.objects.count() == 1
    run = api.get(first.json()["url"]).json()
    assert run["status"] == "completed" and run["counts"]["risk"] == 1
    doc = api.get(run["links"]["document"]).json()
    assert doc["schema"] == "iob-profile-run/1" and len(doc["profiles"]) == 3
    page = api.get(run["links"]["candidates"] + "?kind=chance").json()
    assert page["count"] == 2 and {c["type"] for c in page["results"]} == {"chance"}
    page = api.get(run["links"]["candidates"] + "?characteristic=nationality&value=nga").json()
    assert page["count"] == 1


def test_api_refuses_a_run_without_an_approved_set_with_a_code(client, users):
    response = _login(client, users, "policy_officer").post(
        "/api/generation-runs/", {}, content_type="application/json"
    )
    assert response.status_code == 409
    assert response.json()["errors"][0]["code"] == "no_approved_parameter_set"
    assert (
        _login(client, users, "reviewer").post("/api/generation-runs/", {}, content_type="application/json").status_code
        == 403
    )


def test_api_parameter_set_workflow(client, users):
    officer = _login(client, users, "policy_officer")
    created = officer.post(
        "/api/parameter-sets/",
        {
            "name": "API",
            "min_group_size": 50,
            "chance_max_hit_rate": 0.01,
            "chance_max_refusal_rate": 0.05,
            "risk_min_hit_rate": 0.05,
            "min_depth": 2,
        },
        content_type="application/json",
    )
    assert created.status_code == 400 and created.json()["errors"][0]["code"] == "invalid_min_depth"
    created = officer.post(
        "/api/parameter-sets/",
        {
            "name": "API",
            "min_group_size": 50,
            "chance_max_hit_rate": 0.01,
            "chance_max_refusal_rate": 0.05,
            "risk_min_hit_rate": 0.05,
        },
        content_type="application/json",
    )
    assert created.status_code == 201
    url = created.json()["url"]
    assert officer.post(url + "submit/", {}, content_type="application/json").status_code == 200
    assert officer.post(url + "approve/", {}, content_type="application/json").status_code == 403
    reviewer = _login(client, users, "reviewer")
    assert reviewer.post(url + "approve/", {}, content_type="application/json").json()["status"] == "approved"
    assert reviewer.patch(url, {"min_group_size": 5}, content_type="application/json").status_code == 403
    officer = _login(client, users, "policy_officer")
    assert officer.patch(url, {"min_group_size": 5}, content_type="application/json").status_code == 409


def test_command_dry_run_writes_the_document_and_stores_nothing(users, approved_set, records_in_db, tmp_path):
    approved_set()
    _data(records_in_db)
    out = tmp_path / "run.json"
    call_command("generate_profiles", "--dry-run", "--json", str(out))
    doc = json.loads(out.read_text())
    assert doc["schema"] == "iob-profile-run/1" and doc["n_records"] == 50
    assert {p["type"] for p in doc["profiles"]} == {"chance", "risk"}
    assert not GenerationRun.objects.exists() and not Profile.objects.filter(origin="generated").exists()


def test_command_params_file_is_a_dry_run_and_reports_drops(users, records_in_db, tmp_path):
    records_in_db(group(20))
    params = tmp_path / "p.json"
    params.write_text(
        json.dumps(
            {
                "features_ordered": [
                    "nationality",
                    "age_group",
                    "gender",
                    "application_location",
                    "travel_purpose",
                    "marital_status",
                    "occupation",
                ],
                "min_group_size": 10,
                "chance_max_hit_rate": 0.1,
                "chance_max_refusal_rate": 0.2,
                "risk_min_hit_rate": 0.3,
                "min_depth": 3,
            }
        )
    )
    out = tmp_path / "run.json"
    call_command(
        "generate_profiles", "--params", str(params), "--from", "2020-01-01", "--to", "2025-12-31", "--json", str(out)
    )
    doc = json.loads(out.read_text())
    assert doc["profiles"] == [] and doc["dropped"][0]["codes"] == ["missing_application_characteristic"]
    assert not GenerationRun.objects.exists()
    params.write_text(json.dumps({"min_group_size": 0}))
    with pytest.raises(CommandError, match="invalid_min_group_size"):
        call_command("generate_profiles", "--params", str(params), "--dry-run")


def test_command_stores_the_months_run_once(users, approved_set, records_in_db, tmp_path):
    approved_set()
    _data(records_in_db)
    call_command("generate_profiles", "--json", str(tmp_path / "a.json"))
    call_command("generate_profiles")
    assert GenerationRun.objects.count() == 1
    assert GenerationRun.objects.get().started_by_name == "system:command:generate_profiles"


def test_pages_start_review_and_bulk_approve(
    client, users, approved_set, records_in_db, django_capture_on_commit_callbacks
):
    ps = approved_set()
    _data(records_in_db)
    officer = _login(client, users, "policy_officer")
    assert officer.get(reverse("generation:index")).status_code == 200
    assert officer.get(reverse("generation:parameter_set", args=[ps.public_id])).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = officer.post(reverse("generation:index"))
    run = GenerationRun.objects.get()
    assert response.url == reverse("generation:run", args=[run.public_id])
    reviewer = _login(client, users, "reviewer")
    page = reviewer.get(response.url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "<details>" in html and 'name="candidate"' in html
    filtered = reviewer.get(response.url + "?kind=risk")
    assert filtered.context["page"].paginator.count == 1
    ids = page.context["chance_ids"]
    reviewer.post(
        reverse("generation:run_approve_chance", args=[run.public_id]),
        {"candidate": ids, "comment": "Summary checked.", "back": "kind=chance"},
    )
    assert Profile.objects.filter(generation_run_id=run.public_id, kind="chance", status="approved").count() == 2


def test_parameter_set_form_and_workflow_pages(client, users):
    officer = _login(client, users, "policy_officer")
    response = officer.post(
        reverse("generation:parameter_set_create"),
        {
            "name": "Web",
            "features_ordered": "application_location, travel_purpose, age_group, nationality, gender, "
            "marital_status, occupation",
            "min_group_size": 100,
            "chance_max_hit_rate": 0.01,
            "chance_max_refusal_rate": 0.05,
            "risk_min_hit_rate": 0.05,
            "min_depth": 3,
        },
    )
    ps = ParameterSet.objects.get()
    assert response.url == reverse("generation:parameter_set", args=[ps.public_id])
    officer.post(reverse("generation:parameter_set_action", args=[ps.public_id]), {"action": "submit"})
    reviewer = _login(client, users, "reviewer")
    reviewer.post(reverse("generation:parameter_set_action", args=[ps.public_id]), {"action": "approve"})
    ps.refresh_from_db()
    assert ps.status == "approved" and services.parameter_set_current() == ps
