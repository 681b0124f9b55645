"""Authentication (session, token; anonymous gets 401) and messages in Dutch or English by
the request's Accept-Language."""

import pytest
from rest_framework.test import APIClient

from profiles.models import Profile

from .conftest import LIST_URL, codes, detail_url, valid_body

TOKEN_URL = "/api/auth/token/"


@pytest.mark.parametrize(
    "method,path",
    [
        ("get", LIST_URL),
        ("post", LIST_URL),
        ("get", "/api/audit-events/"),
        ("get", detail_url("00000000-0000-0000-0000-000000000000")),
        ("post", detail_url("00000000-0000-0000-0000-000000000000") + "approve/"),
    ],
)
def test_anonymous_requests_get_401(db, method, path):
    response = getattr(APIClient(HTTP_ACCEPT_LANGUAGE="en"), method)(path, {}, format="json")
    assert response.status_code == 401
    assert codes(response) == ["not_authenticated"]
    assert Profile.objects.count() == 0


def test_a_token_signs_in_the_api(users):
    anonymous = APIClient()
    response = anonymous.post(TOKEN_URL, {"username": "policy_officer", "password": "pw-policy_officer"}, format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    client = APIClient(HTTP_AUTHORIZATION=f"Token {token}")
    created = client.post(LIST_URL, valid_body(), format="json")
    assert created.status_code == 201 and created.json()["created_by"] == "policy_officer"
    assert client.get(LIST_URL).json()["count"] == 1
    # Each sign-in gets its own token (the secret is not stored, so it cannot be handed out again).
    again = anonymous.post(TOKEN_URL, {"username": "policy_officer", "password": "pw-policy_officer"}, format="json")
    assert again.json()["token"] != token
    assert APIClient(HTTP_AUTHORIZATION=f"Token {again.json()['token']}").get(LIST_URL).status_code == 200


@pytest.mark.parametrize("header", ["Token not-a-token", "Token ", "Bearer abc", "Token a b"])
def test_a_bad_token_is_401(users, header):
    assert APIClient(HTTP_AUTHORIZATION=header).get(LIST_URL).status_code == 401


@pytest.mark.parametrize(
    "credentials",
    [
        {"username": "policy_officer", "password": "wrong"},
        {"username": "ghost", "password": "pw-ghost"},
    ],
)
def test_wrong_credentials_get_no_token(users, credentials):
    response = APIClient(HTTP_ACCEPT_LANGUAGE="en").post(TOKEN_URL, credentials, format="json")
    assert response.status_code == 400 and codes(response) == ["invalid_credentials"]


def test_a_token_request_without_fields_is_a_400(db):
    response = APIClient().post(TOKEN_URL, {}, format="json")
    assert response.status_code == 400 and set(codes(response)) == {"required"}


def test_an_inactive_user_gets_no_token(users):
    users["reviewer"].is_active = False
    users["reviewer"].save()
    response = APIClient().post(TOKEN_URL, {"username": "reviewer", "password": "pw-reviewer"}, format="json")
    assert response.status_code == 400


def test_the_token_of_a_user_with_a_role_carries_only_that_role(users):
    token = (
        APIClient().post(TOKEN_URL, {"username": "auditor", "password": "pw-auditor"}, format="json").json()["token"]
    )
    client = APIClient(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get(LIST_URL).status_code == 200
    assert client.post(LIST_URL, valid_body(), format="json").status_code == 403


TOO_FEW_EN = "A profile uses at least 3 of the 7 characteristics; this one uses 2."


def two_criteria():
    return valid_body(
        criteria=[
            {"characteristic": "nationality", "values": ["NGA"]},
            {"characteristic": "travel_purpose", "values": ["tourism"]},
        ]
    )


def test_messages_are_english_when_asked(api):
    response = api("policy_officer", language="en").post(LIST_URL, two_criteria(), format="json")
    assert response.json()["errors"] == [{"code": "too_few_characteristics", "detail": TOO_FEW_EN, "attr": "criteria"}]


def test_messages_are_dutch_when_asked_and_the_codes_stay_the_same(api):
    response = api("policy_officer", language="nl").post(LIST_URL, two_criteria(), format="json")
    (error,) = response.json()["errors"]
    assert error["code"] == "too_few_characteristics" and error["attr"] == "criteria"
    assert error["detail"] != TOO_FEW_EN and "3" in error["detail"] and "7" in error["detail"]


def test_the_frameworks_own_messages_follow_the_language_too(db):
    english = APIClient(HTTP_ACCEPT_LANGUAGE="en").get(LIST_URL).json()["errors"][0]["detail"]
    dutch = APIClient(HTTP_ACCEPT_LANGUAGE="nl").get(LIST_URL).json()["errors"][0]["detail"]
    assert english == "Authentication credentials were not provided."
    assert dutch != english


def test_dutch_is_the_default(users):
    client = APIClient()
    client.force_login(users["policy_officer"])
    response = client.post(LIST_URL, two_criteria(), format="json")
    assert response.json()["errors"][0]["detail"] != TOO_FEW_EN
