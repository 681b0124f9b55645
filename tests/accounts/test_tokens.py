"""API tokens: hashed at rest, expiring, ended by sign-out, a new password and
deactivation; listed per user without their secret."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ApiToken
from accounts.tokens import token_digest
from audit.models import AuditEvent

TOKEN_URL = "/api/auth/token/"
PROFILES = "/api/profiles/"


def issue(username: str) -> str:
    response = APIClient().post(TOKEN_URL, {"username": username, "password": f"pw-{username}"}, format="json")
    assert response.status_code == 200, response.content
    return response.json()["token"]


def works(secret: str) -> bool:
    return APIClient(HTTP_AUTHORIZATION=f"Token {secret}").get(PROFILES).status_code == 200


def test_the_secret_is_not_stored_only_its_digest(users):
    secret = issue("policy_officer")
    token = ApiToken.objects.get()
    assert token.digest == token_digest(secret) and secret not in {token.digest, token.prefix}
    assert secret.startswith(token.prefix) and len(secret) > 40
    # Nothing in the token table or the audit trail holds the secret.
    rows = list(ApiToken.objects.values_list(flat=False)) + list(AuditEvent.objects.values_list("data", flat=True))
    assert secret not in repr(rows)
    assert AuditEvent.objects.filter(event_type="auth.token_issued").count() == 1


def test_each_sign_in_gets_its_own_token(users):
    first, second = issue("policy_officer"), issue("policy_officer")
    assert first != second and works(first) and works(second)


def test_an_expired_token_is_refused(users):
    secret = issue("policy_officer")
    ApiToken.objects.update(
        created_at=timezone.now() - timedelta(days=2), expires_at=timezone.now() - timedelta(seconds=1)
    )
    response = APIClient(HTTP_AUTHORIZATION=f"Token {secret}").get(PROFILES)
    assert response.status_code == 401


def test_a_token_expires_after_its_lifetime(users, settings):
    settings.IOB_TOKEN_TTL_HOURS = 2
    issue("policy_officer")
    token = ApiToken.objects.get()
    assert timedelta(hours=2) - (token.expires_at - token.created_at) < timedelta(seconds=1)


def test_a_new_password_ends_every_token(users):
    secret = issue("policy_officer")
    user = users["policy_officer"]
    user.set_password("a new password 123")
    user.save()
    assert not works(secret)
    assert ApiToken.objects.get().revoked_reason == "password_change"
    assert AuditEvent.objects.filter(event_type="auth.token_revoked", data__reason="password_change").exists()


def test_saving_a_user_without_a_new_password_keeps_the_tokens(users):
    secret = issue("policy_officer")
    user = users["policy_officer"]
    user.first_name = "Piet"
    user.save()
    assert works(secret)


def test_deactivation_ends_every_token(users):
    secret = issue("reviewer")
    users["reviewer"].is_active = False
    users["reviewer"].save()
    assert ApiToken.objects.get().revoked_reason == "deactivated"
    users["reviewer"].is_active = True
    users["reviewer"].save()
    assert not works(secret)  # coming back does not bring the old token back


def test_a_deactivated_user_is_refused_even_if_the_row_was_not_revoked(users):
    secret = issue("reviewer")
    from django.contrib.auth import get_user_model

    get_user_model().objects.filter(username="reviewer").update(is_active=False)  # an insider's shortcut
    assert not works(secret)


def test_signing_out_of_the_web_ends_the_api_tokens(users):
    secret = issue("policy_officer")
    browser = Client()
    browser.force_login(users["policy_officer"])
    assert browser.post("/logout/").status_code == 302
    assert not works(secret)
    assert ApiToken.objects.get().revoked_reason == "logout"


def test_api_logout_ends_the_token_it_carries_and_no_other(users):
    first, second = issue("policy_officer"), issue("policy_officer")
    response = APIClient(HTTP_AUTHORIZATION=f"Token {first}").post("/api/auth/logout/")
    assert response.status_code == 204
    assert not works(first) and works(second)


def test_tokens_are_listed_per_user_without_their_secret(users):
    mine = issue("policy_officer")
    issue("reviewer")
    client = APIClient(HTTP_AUTHORIZATION=f"Token {mine}")
    listed = client.get("/api/auth/tokens/").json()["results"]
    assert len(listed) == 1
    (row,) = listed
    assert row["current"] is True and mine.startswith(row["prefix"]) and mine not in repr(row)
    assert set(row) == {
        "id",
        "prefix",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
        "revoked_reason",
        "current",
    }


def test_a_user_revokes_one_of_their_tokens_but_not_anothers(users):
    mine, theirs = issue("policy_officer"), issue("reviewer")
    their_id = ApiToken.objects.get(user=users["reviewer"]).public_id
    client = APIClient(HTTP_AUTHORIZATION=f"Token {mine}")
    assert client.delete(f"/api/auth/tokens/{their_id}/").status_code == 404
    assert works(theirs)
    my_id = ApiToken.objects.get(user=users["policy_officer"]).public_id
    assert client.delete(f"/api/auth/tokens/{my_id}/").status_code == 204
    assert not works(mine)


def test_the_plain_text_token_admin_is_gone(users):
    from django.contrib import admin

    labels = {model._meta.label for model in admin.site._registry}
    assert "authtoken.TokenProxy" not in labels and "authtoken.Token" not in labels
    assert "accounts.ApiToken" in labels


@pytest.mark.parametrize("header", ["Token iob_" + "x" * 43, "Token \u00e9\u00e9"])
def test_unknown_secrets_are_401(users, header):
    assert APIClient(HTTP_AUTHORIZATION=header).get(PROFILES).status_code == 401
