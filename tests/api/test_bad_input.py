"""Bad input at the API's edge gets the API's JSON errors with codes: deep JSON (400),
oversized bodies (413), malformed ids (404); the documented 10,000-record batch fits."""

import json

import pytest
from rest_framework.test import APIClient

from iob_portal.parsers import MAX_DEPTH, json_depth_exceeds

DEEP = "[" * 1500 + "]" * 1500


def codes(response) -> list[str]:
    return [e["code"] for e in response.json()["errors"]]


@pytest.fixture
def officer(users):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(users["policy_officer"])
    return client


@pytest.mark.parametrize("path", ["/api/profiles/", "/api/advice/", "/api/monitoring-records/"])
def test_deeply_nested_json_is_a_400_with_a_code(officer, path):
    response = officer.post(path, DEEP, content_type="application/json")
    assert response.status_code == 400 and codes(response) == ["json_too_deep"]


def test_deep_json_on_the_token_door_needs_no_sign_in_and_gets_a_400(db):
    response = APIClient().post("/api/auth/token/", DEEP, content_type="application/json")
    assert response.status_code == 400 and codes(response) == ["json_too_deep"]


def test_depth_is_counted_outside_strings():
    assert not json_depth_exceeds(json.dumps({"a": "[" * 500}), MAX_DEPTH)
    assert json_depth_exceeds("[" * (MAX_DEPTH + 1), MAX_DEPTH)
    assert not json_depth_exceeds(json.dumps([[['\\"[']]]), MAX_DEPTH)


def test_an_oversized_body_is_a_json_413(officer):
    body = "[" + "1," * 1_400_000 + "1]"
    response = officer.post("/api/profiles/", body, content_type="application/json")
    assert response.status_code == 413 and codes(response) == ["request_too_large"]


def test_the_batch_route_has_a_limit_too(officer, settings):
    settings.IOB_API_BATCH_MAX_BYTES = 1000
    response = officer.post(
        "/api/monitoring-records/", json.dumps([{"x": "y" * 2000}]), content_type="application/json"
    )
    assert response.status_code == 413 and codes(response) == ["request_too_large"]


def test_the_documented_ten_thousand_record_batch_is_taken(officer):
    from tests.monitoring.conftest import records

    body = json.dumps(records(10_000))
    assert len(body) > 2_621_440  # more than Django's default body limit
    response = officer.post("/api/monitoring-records/", body, content_type="application/json")
    assert response.status_code == 201, response.content[:300]
    assert response.json()["inserted"] == 10_000


@pytest.mark.parametrize(
    "path", ["/api/profiles/not-a-uuid/", "/api/jobs/123/", "/api/reports/%00/", "/api/no-such-thing/"]
)
def test_malformed_ids_get_the_apis_json_404(officer, path):
    response = officer.get(path)
    assert response.status_code == 404 and response["Content-Type"] == "application/json"
    assert codes(response) == ["not_found"]
