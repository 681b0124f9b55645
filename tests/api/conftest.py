"""Fixtures of the API tests: an API client signed in as a given user, and a valid body."""

import copy

import pytest
from rest_framework.test import APIClient

from tests.conftest import RISK_JUSTIFICATION, next_month_window

LIST_URL = "/api/profiles/"


def detail_url(profile_or_id) -> str:
    public_id = getattr(profile_or_id, "public_id", profile_or_id)
    return f"/api/profiles/{public_id}/"


def action_url(profile_or_id, segment: str) -> str:
    return f"{detail_url(profile_or_id)}{segment}/"


def valid_body(**overrides) -> dict:
    start, end = next_month_window()
    body = {
        "kind": "risk",
        "title": "Family visits, Lagos, men",
        "criteria": [
            {"characteristic": "nationality", "values": ["NGA"]},
            {"characteristic": "travel_purpose", "values": ["family_friends"]},
            {"characteristic": "gender", "values": ["M"]},
        ],
        "valid_from": start.isoformat(),
        "valid_until": end.isoformat(),
        "justification": copy.deepcopy(RISK_JUSTIFICATION),
    }
    body.update(overrides)
    return body


def codes(response) -> list[str]:
    return [e["code"] for e in response.json()["errors"]]


@pytest.fixture
def api(users):
    """`api("reviewer")` is a client authenticated as that user (session sign-in, as a browser would)."""

    def client_for(username: str | None = None, language: str = "en") -> APIClient:
        client = APIClient(HTTP_ACCEPT_LANGUAGE=language)
        if username:
            client.force_login(users[username])
        return client

    return client_for
