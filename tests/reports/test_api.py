"""The report API: start (202 + job), follow, fetch files, and the DPO's review below
/api/reports/{id}/; errors with machine codes in the caller's language."""

import json

import pytest
from rest_framework.test import APIClient

from accounts.tokens import token_issue
from reports.models import BiasReport, ReportStatus


def api(users, username, language="en"):
    client = APIClient(HTTP_ACCEPT_LANGUAGE=language)
    _token, secret = token_issue(user=users[username])
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return client


def test_starting_a_report_answers_202_with_its_url_and_job(
    users, dataset, stub_pdf, django_capture_on_commit_callbacks
):
    client = api(users, "admin")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/reports/",
            {"from": "2025-01-01", "to": "2025-12-31", "min_cell": 5, "alpha": 0.01},
            format="json",
            HTTP_IDEMPOTENCY_KEY="req-7",
        )
    assert response.status_code == 202
    body = response.json()
    report = BiasReport.objects.get()
    assert body["id"] == str(report.public_id) and response["Location"] == body["url"]
    assert body["url"].endswith(f"/api/reports/{report.public_id}/")
    assert body["job"]["url"].endswith(f"/api/jobs/{report.job.public_id}/")
    assert body["parameters"] == {
        "min_cell": 5,
        "alpha": 0.01,
        "ratio_low": 0.8,
        "ratio_high": 1.25,
        "follow_threshold": 0.95,
    }
    again = client.post(
        "/api/reports/", {"from": "2025-01-01", "to": "2025-12-31"}, format="json", HTTP_IDEMPOTENCY_KEY="req-7"
    )
    assert again.json()["id"] == body["id"] and BiasReport.objects.count() == 1

    detail = client.get(body["url"]).json()
    assert detail["status"] == "generated" and detail["progress"] == 100
    assert detail["content_hash"] == BiasReport.objects.get().content_hash
    assert set(detail["links"]) >= {"json", "csv", "pdf", "findings"}
    # Review actions are offered to the DPO only: the administrator who started it sees none.
    assert "start-review" not in detail["links"] and detail["review"]["actions"] == []
    dpo_view = api(users, "dpo").get(body["url"]).json()
    assert "start-review" in dpo_view["links"] and dpo_view["review"]["actions"] == ["start_review"]
    figures = client.get(detail["links"]["json"])
    assert figures.status_code == 200 and json.loads(figures.content)["schema"] == "iob-bias-report/2"
    assert figures["X-Content-SHA256"] == detail["content_hash"]
    assert client.get(detail["links"]["csv"])["Content-Type"].startswith("text/csv")
    assert client.get(detail["links"]["pdf"])["Content-Type"] == "application/pdf"
    listing = client.get("/api/reports/").json()
    assert listing["count"] == 1 and listing["results"][0]["id"] == body["id"]


@pytest.mark.parametrize(("language", "text"), [("nl", "De periode moet beginnen"), ("en", "The period must start")])
def test_bad_requests_list_every_problem_with_a_code(users, language, text):
    response = api(users, "dpo", language).post(
        "/api/reports/", {"from": "2025-03-01", "to": "2025-01-01", "min_cell": 3, "colour": 1}, format="json"
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert [(e["code"], e["attr"]) for e in errors] == [
        ("invalid_period", "to"),
        ("unknown_parameter", "colour"),
        ("invalid_parameter", "min_cell"),
    ]
    assert text in errors[0]["detail"]
    assert not BiasReport.objects.exists()


def test_a_non_object_body_is_a_clear_400(users):
    response = api(users, "dpo").post("/api/reports/", [1, 2], format="json")
    assert response.status_code == 400 and response.json()["errors"][0]["code"] == "invalid_body"


def test_who_may_start_and_read(users):
    assert (
        api(users, "reviewer")
        .post("/api/reports/", {"from": "2025-01-01", "to": "2025-01-31"}, format="json")
        .status_code
        == 403
    )
    assert api(users, "reviewer").get("/api/reports/").status_code == 200
    assert api(users, "policy_officer").get("/api/reports/").status_code == 403
    assert APIClient().get("/api/reports/").status_code == 401


def test_files_of_a_pending_report_answer_409(users):
    from reports.services import report_request

    report = report_request(actor=users["dpo"], period_from="2025-01-01", period_to="2025-01-31", enqueue=False)
    response = api(users, "dpo").get(f"/api/reports/{report.public_id}/pdf/")
    assert response.status_code == 409 and response.json()["errors"][0]["code"] == "not_ready"
    detail = api(users, "dpo").get(f"/api/reports/{report.public_id}/").json()
    assert detail["status"] == "pending" and detail["links"]["pdf"] is None


def test_an_unknown_report_is_404(users):
    assert api(users, "dpo").get("/api/reports/00000000-0000-4000-8000-000000000000/").status_code == 404


def test_the_review_through_the_api(users, generated, approved_profile):
    dpo = api(users, "dpo")
    base = f"/api/reports/{generated.public_id}/"
    assert api(users, "auditor").post(base + "start-review/", {}, format="json").status_code == 403
    assert dpo.post(base + "sign-off/", {}, format="json").status_code == 409
    assert dpo.post(base + "start-review/", {}, format="json").json()["status"] == "in_review"
    response = dpo.post(
        base + "findings/",
        {
            "subject_type": "profile",
            "profile_code": approved_profile.code,
            "decision": "escalate",
            "note": "Hits a group refused more often.",
            "follow_ups": [{"kind": "withdraw_profile", "note": "Withdraw."}],
        },
        format="json",
    )
    assert response.status_code == 201
    finding = response.json()
    assert finding["follow_ups"][0]["kind"] == "withdraw_profile"
    bad = dpo.post(
        base + "findings/",
        {"subject_type": "group", "group": {"nationality": "XXX"}, "decision": "accept", "note": "x"},
        format="json",
    )
    assert bad.status_code == 400 and bad.json()["errors"][0]["code"] == "unknown_subject"
    group = dpo.post(
        base + "findings/",
        {"subject_type": "group", "group": {"nationality": "SYR"}, "decision": "accept", "note": "Seen."},
        format="json",
    ).json()
    assert dpo.delete(base + f"findings/{group['id']}/").status_code == 204
    assert [f["id"] for f in dpo.get(base + "findings/").json()] == [finding["id"]]
    assert api(users, "reviewer").post(base + "return/", {"comment": "no"}, format="json").status_code == 403
    signed = dpo.post(base + "sign-off/", {"comment": "Signed."}, format="json").json()
    assert signed["status"] == ReportStatus.SIGNED_OFF and signed["review"]["decided_by"] == "dpo"
    assert (
        dpo.post(
            base + "findings/",
            {"subject_type": "officer", "officer_id": "O-2", "decision": "accept", "note": "late"},
            format="json",
        ).status_code
        == 409
    )

    reviewer = api(users, "reviewer")
    [follow_up] = reviewer.get("/api/reports/follow-ups/").json()
    assert follow_up["profile_code"] == approved_profile.code
    assert api(users, "dpo").get("/api/reports/follow-ups/").status_code == 403
    done = reviewer.post(follow_up["resolve_url"], {"action": "withdraw", "comment": "Done."}, format="json")
    assert done.status_code == 200 and done.json()["status"] == "done"
    approved_profile.refresh_from_db()
    assert approved_profile.status == "withdrawn"
    assert reviewer.get("/api/reports/follow-ups/").json() == []


def test_the_schema_documents_the_report_api(users):
    schema = APIClient().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    paths = json.loads(schema.content)["paths"] if schema.status_code == 200 else {}
    if not paths:  # the schema view may need a signed-in caller
        paths = json.loads(
            api(users, "dpo").get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").content
        )["paths"]
    assert {
        "/api/reports/",
        "/api/reports/{id}/",
        "/api/reports/{id}/sign-off/",
        "/api/reports/{id}/findings/",
        "/api/reports/follow-ups/{id}/resolve/",
    } <= set(paths)
