"""Lock-out after repeated failed sign-ins, on the web and on the token door: after five
wrong passwords even the right one is refused for a while (429, with a code in the API)."""

from django.test import Client
from rest_framework.test import APIClient

TOKEN_URL = "/api/auth/token/"


def test_the_token_door_locks_after_five_failures(users):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    for _ in range(5):
        response = client.post(TOKEN_URL, {"username": "reviewer", "password": "wrong"}, format="json")
    response = client.post(TOKEN_URL, {"username": "reviewer", "password": "pw-reviewer"}, format="json")
    assert response.status_code == 429
    assert [e["code"] for e in response.json()["errors"]] == ["account_locked"]
    assert "token" not in response.json()


def test_the_web_sign_in_locks_after_five_failures(users):
    browser = Client(HTTP_ACCEPT_LANGUAGE="en")
    for _ in range(5):
        browser.post("/login/", {"username": "dpo", "password": "wrong"})
    response = browser.post("/login/", {"username": "dpo", "password": "pw-dpo"})
    assert response.status_code == 429 and b"Account locked" in response.content
    assert "_auth_user_id" not in browser.session


def test_a_lock_on_the_web_holds_on_the_token_door_too(users):
    browser = Client()
    for _ in range(5):
        browser.post("/login/", {"username": "auditor", "password": "wrong"})
    response = APIClient().post(TOKEN_URL, {"username": "auditor", "password": "pw-auditor"}, format="json")
    assert response.status_code == 429


def test_fewer_failures_than_the_limit_do_not_lock(users):
    client = APIClient()
    for _ in range(4):
        client.post(TOKEN_URL, {"username": "reviewer", "password": "wrong"}, format="json")
    assert client.post(TOKEN_URL, {"username": "reviewer", "password": "pw-reviewer"}, format="json").status_code == 200
