"""OpenID Connect sign-in against a real provider served over HTTP by the tests
(tests/accounts/oidc_provider.py): accounts, roles from claims, and every refusal."""

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.contrib.auth import get_user_model

from accounts.models import OidcIdentity
from accounts.roles import user_roles
from audit.models import AuditEvent

from .oidc_provider import CLIENT_ID, CLIENT_SECRET, RunningProvider

ROLE_MAP = {
    "iob-reviewer": "reviewer",
    "iob-dpo": "dpo",
    "iob-admin": "administrator",
    "iob-policy": "policy_officer",
}


@pytest.fixture(scope="module")
def running_provider():
    with RunningProvider() as provider:
        yield provider


@pytest.fixture
def provider(running_provider, settings):
    from accounts import oidc

    oidc._discovery.clear()
    running_provider.reset()
    running_provider.redirect_uris = {"http://testserver/oidc/callback/"}
    running_provider.person = {
        "sub": "5f1c2a9e-0001",
        "preferred_username": "j.jansen",
        "email": "j.jansen@minbuza.example",
        "given_name": "Jan",
        "family_name": "Jansen",
        "roles": ["iob-reviewer", "offline_access"],
    }
    settings.IOB_OIDC_ISSUER = running_provider.issuer
    settings.IOB_OIDC_CLIENT_ID = CLIENT_ID
    settings.IOB_OIDC_CLIENT_SECRET = CLIENT_SECRET
    settings.IOB_OIDC_ROLE_CLAIM = "roles"
    settings.IOB_OIDC_ROLE_MAP = ROLE_MAP
    return running_provider


def to_provider(client, next_url: str = "/") -> str:
    response = client.get("/oidc/authenticate/", {"next": next_url})
    assert response.status_code == 302, response.content[:300]
    return response["Location"]


def provider_answer(authorize_url: str) -> str:
    """What the browser does at the provider: it signs in and is sent back with a code."""
    answer = requests.get(authorize_url, allow_redirects=False, timeout=5)
    assert answer.status_code == 302, answer.text
    return answer.headers["Location"]


def callback(client, location: str):
    url = urlsplit(location)
    assert url.netloc == "testserver" and url.path == "/oidc/callback/"
    return client.get(url.path, {k: v[0] for k, v in parse_qs(url.query).items()})


def oidc_sign_in(client, next_url: str = "/"):
    return callback(client, provider_answer(to_provider(client, next_url)))


def events(event_type: str):
    return AuditEvent.objects.filter(event_type=event_type).order_by("seq")


def signed_in_as(client) -> str | None:
    from django.contrib.auth import get_user

    class Request:
        session = client.session

    user = get_user(Request())
    return user.username if user.is_authenticated else None


# --- signing in --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_authorization_request_carries_state_nonce_and_a_pkce_challenge(client, provider):
    query = parse_qs(urlsplit(to_provider(client)).query)
    assert query["client_id"] == [CLIENT_ID] and query["response_type"] == ["code"]
    assert query["redirect_uri"] == ["http://testserver/oidc/callback/"]
    assert query["state"][0] and query["nonce"][0] and query["code_challenge_method"] == ["S256"]
    assert "openid" in query["scope"][0].split()


@pytest.mark.django_db
def test_a_first_sign_in_makes_an_account_with_the_mapped_role_and_no_password(client, provider):
    response = oidc_sign_in(client, next_url="/profiles/")
    assert response.status_code == 302 and response["Location"] == "/profiles/"
    user = get_user_model().objects.get(username="j.jansen")
    assert signed_in_as(client) == "j.jansen"
    assert user_roles(user) == {"reviewer"}  # "offline_access" names no portal role
    assert not user.has_usable_password()
    assert (user.email, user.first_name, user.last_name) == ("j.jansen@minbuza.example", "Jan", "Jansen")
    identity = OidcIdentity.objects.get(user=user)
    assert (identity.issuer, identity.subject) == (provider.issuer, "5f1c2a9e-0001")
    (synced,) = events("user.roles_synced")
    assert synced.data == {
        "before": [],
        "after": ["reviewer"],
        "claimed": ["iob-reviewer", "offline_access"],
        "source": "oidc",
    }
    assert synced.actor_username == "system:oidc"
    (signed,) = events("auth.oidc_sign_in")
    assert signed.data["created"] is True and signed.actor_username == "j.jansen"
    assert events("auth.login").filter(actor_username="j.jansen").count() == 1
    # The portal really talked to the provider: discovery, token, keys, userinfo.
    assert {"/.well-known/openid-configuration", "/token", "/jwks", "/userinfo"} <= set(provider.requests)
    assert client.get("/profiles/review/").status_code == 200


@pytest.mark.django_db
def test_roles_change_at_the_next_sign_in_and_the_change_is_audited(client, provider):
    oidc_sign_in(client)
    client.post("/logout/")
    provider.person["roles"] = ["iob-dpo"]
    assert oidc_sign_in(client).status_code == 302
    user = get_user_model().objects.get(username="j.jansen")
    assert user_roles(get_user_model().objects.get(pk=user.pk)) == {"dpo"}
    assert get_user_model().objects.filter(username__startswith="j.jansen").count() == 1
    last = events("user.roles_synced").last()
    assert (last.data["before"], last.data["after"]) == (["reviewer"], ["dpo"])
    # The same roles again: no event, nothing changed.
    client.post("/logout/")
    oidc_sign_in(client)
    assert events("user.roles_synced").count() == 2
    assert events("auth.oidc_sign_in").count() == 3


@pytest.mark.django_db
def test_a_claim_naming_no_known_role_gives_no_role(client, provider):
    provider.person["roles"] = ["iob-superuser", "administrator-ish", "reviewer"]  # not in the map
    assert oidc_sign_in(client).status_code == 302
    user = get_user_model().objects.get(username="j.jansen")
    assert user_roles(user) == set()
    # Signed in, but a user without a role reaches nothing that needs one.
    assert client.get("/profiles/").status_code == 403


@pytest.mark.django_db
def test_keycloak_realm_roles_and_the_role_names_themselves_when_no_map_is_given(client, provider, settings):
    settings.IOB_OIDC_ROLE_CLAIM = "realm_access.roles"
    settings.IOB_OIDC_ROLE_MAP = {}
    del provider.person["roles"]
    provider.person["realm_access"] = {"roles": ["auditor", "default-roles-iob"]}
    assert oidc_sign_in(client).status_code == 302
    assert user_roles(get_user_model().objects.get(username="j.jansen")) == {"auditor"}


@pytest.mark.django_db
def test_roles_are_taken_away_when_the_claim_no_longer_gives_them(client, provider):
    oidc_sign_in(client)
    client.post("/logout/")
    provider.person["roles"] = []
    oidc_sign_in(client)
    assert user_roles(get_user_model().objects.get(username="j.jansen")) == set()


@pytest.mark.django_db
def test_claims_that_mix_administrator_and_a_workflow_role_are_refused_and_audited(client, provider):
    oidc_sign_in(client)
    client.post("/logout/")
    provider.person["roles"] = ["iob-admin", "iob-reviewer"]
    response = oidc_sign_in(client)
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert signed_in_as(client) is None
    refused = events("auth.oidc_refused").last()
    assert refused.data["reason"] == "administrator_with_workflow_role"
    assert refused.data["subject"] == "5f1c2a9e-0001"
    # Nothing changed: the account keeps the roles it had.
    assert user_roles(get_user_model().objects.get(username="j.jansen")) == {"reviewer"}
    page = client.get("/login/")
    assert "administrator" in page.content.decode() or "beheerder" in page.content.decode()


@pytest.mark.django_db
def test_a_local_account_is_never_taken_over_by_a_provider_username(client, provider, users):
    provider.person["preferred_username"] = "dpo"
    provider.person["roles"] = ["iob-reviewer"]
    oidc_sign_in(client)
    local = get_user_model().objects.get(username="dpo")
    assert local.has_usable_password() and user_roles(local) == {"dpo"}
    other = OidcIdentity.objects.get(subject="5f1c2a9e-0001").user
    assert other.pk != local.pk and other.username.startswith("dpo.")
    assert signed_in_as(client) == other.username


@pytest.mark.django_db
def test_a_deactivated_account_is_refused(client, provider):
    oidc_sign_in(client)
    client.post("/logout/")
    get_user_model().objects.filter(username="j.jansen").update(is_active=False)
    oidc_sign_in(client)
    assert signed_in_as(client) is None
    assert events("auth.oidc_refused").last().data["reason"] == "account_inactive"


@pytest.mark.django_db
def test_password_sign_in_still_works_and_never_asks_the_provider(client, provider, users):
    provider.requests.clear()
    response = client.post("/login/", {"username": "reviewer", "password": "pw-reviewer"})
    assert response.status_code == 302 and signed_in_as(client) == "reviewer"
    assert provider.requests == []


# --- refusals ---------------------------------------------------------------------------------


def _refused(client, reason_part: str) -> None:
    assert signed_in_as(client) is None
    refused = events("auth.oidc_refused").last()
    assert refused is not None
    assert reason_part.lower() in (refused.data["reason"] + " " + refused.data["detail"]).lower()
    assert not get_user_model().objects.filter(username="j.jansen").exists()


@pytest.mark.django_db
def test_a_changed_state_is_refused(client, provider):
    location = provider_answer(to_provider(client))
    response = callback(client, location.replace("state=", "state=forged"))
    assert response.status_code == 302 and response["Location"] == "/login/"
    _refused(client, "unknown_state")


@pytest.mark.django_db
def test_an_answer_nobody_asked_for_is_refused(client, provider):
    """A code from a sign-in started in another browser (login CSRF)."""
    other = type(client)()
    location = provider_answer(to_provider(other))
    callback(client, location)
    _refused(client, "no_matching_sign_in")


@pytest.mark.django_db
def test_a_replayed_callback_is_refused(client, provider):
    location = provider_answer(to_provider(client))
    assert callback(client, location).status_code == 302
    assert signed_in_as(client) == "j.jansen"
    client.post("/logout/")
    callback(client, location)
    assert signed_in_as(client) is None
    assert events("auth.oidc_refused").count() == 1


@pytest.mark.django_db
def test_a_wrong_nonce_is_refused(client, provider):
    provider.misbehave.nonce = "replayed-from-another-sign-in"
    oidc_sign_in(client)
    _refused(client, "nonce_mismatch")


@pytest.mark.django_db
def test_a_token_signed_with_another_key_is_refused(client, provider):
    provider.misbehave.sign_with_other_key = True
    oidc_sign_in(client)
    _refused(client, "id_token_invalid")
    assert "signature" in events("auth.oidc_refused").last().data["detail"].lower()


@pytest.mark.django_db
def test_a_token_for_another_client_is_refused(client, provider):
    provider.misbehave.audience = "some-other-application"
    oidc_sign_in(client)
    _refused(client, "audience")


@pytest.mark.django_db
def test_a_token_from_another_issuer_is_refused(client, provider):
    provider.misbehave.issuer = "http://127.0.0.1:1/realms/evil"
    oidc_sign_in(client)
    _refused(client, "issuer")


@pytest.mark.django_db
def test_userinfo_about_another_person_is_refused(client, provider):
    provider.misbehave.userinfo_subject = "someone-else"
    oidc_sign_in(client)
    _refused(client, "another subject")


@pytest.mark.django_db
def test_an_error_from_the_provider_is_refused_and_audited(client, provider):
    to_provider(client)
    client.get("/oidc/callback/", {"error": "access_denied", "state": "x"})
    _refused(client, "provider_error")


@pytest.mark.django_db
def test_an_unreachable_provider_sends_back_to_the_sign_in_page(client, provider, settings):
    settings.IOB_OIDC_ISSUER = "http://127.0.0.1:9/realms/none"
    response = client.get("/oidc/authenticate/")
    assert response.status_code == 302 and response["Location"] == "/login/"


# --- with the second factor, and the sign-in page ----------------------------------------------


@pytest.mark.django_db
def test_a_reviewer_signed_in_by_the_provider_still_gives_a_portal_code(client, provider, settings):
    settings.IOB_SECOND_FACTOR_REQUIRED = True
    oidc_sign_in(client, next_url="/profiles/review/")
    response = client.get("/profiles/review/")
    assert response.status_code == 302 and response["Location"].startswith("/account/second-factor/enrol/")


@pytest.mark.django_db
def test_the_sign_in_page_offers_the_government_account_only_when_configured(client, settings, provider):
    page = client.get("/login/").content.decode()
    assert "Inloggen met Rijksoverheid-account" in page and 'href="/oidc/authenticate/' in page
    client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    assert "Sign in with your government account" in client.get("/login/").content.decode()
    settings.IOB_OIDC_ISSUER = ""
    page = client.get("/login/").content.decode()
    assert "/oidc/authenticate/" not in page
    # Off, the doors lead back to the sign-in page.
    assert client.get("/oidc/authenticate/")["Location"] == "/login/"
    assert client.get("/oidc/callback/", {"code": "x", "state": "y"})["Location"] == "/login/"


@pytest.mark.django_db
def test_the_oidc_backend_grants_no_right_of_its_own(users):
    from django.contrib.auth.models import Permission

    from accounts.oidc import PortalOIDCBackend

    user = users["nobody"]
    user.user_permissions.add(Permission.objects.get(codename="review_profile"))
    backend = PortalOIDCBackend()
    assert backend.get_all_permissions(user) == set()
    assert not backend.has_perm(user, "profiles.review_profile")
    # And building it for a request's user costs no network (OIDC is off here).
    assert backend.authenticate(None, username="nobody", password="pw-nobody") is None
