"""GET /api/audit-events/ (read-only, for auditor, DPO and administrator) and the OpenAPI
schema and docs."""

import pytest
from rest_framework.test import APIClient

from audit.models import AuditEvent
from profiles.services import profile_transition

AUDIT_URL = "/api/audit-events/"


@pytest.fixture
def trail(users, make_profile):
    profile = make_profile()
    profile_transition(actor=users["policy_officer"], profile=profile, action="submit", comment="first")
    return profile


@pytest.mark.parametrize("username", ["auditor", "dpo", "admin"])
def test_trail_readers_see_the_events(api, trail, username):
    response = api(username).get(AUDIT_URL)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == AuditEvent.objects.count()
    newest = next(e for e in body["results"] if e["event_type"].startswith("profile."))
    assert newest["event_type"] == "profile.submit" and newest["actor"] == "policy_officer"
    assert newest["data"]["comment"] == "first" and len(newest["hash"]) == 64
    assert [e["seq"] for e in body["results"]] == sorted((e["seq"] for e in body["results"]), reverse=True)


@pytest.mark.parametrize("username", ["policy_officer", "reviewer", "register_editor", "nobody"])
def test_others_may_not_read_the_trail(api, trail, username):
    assert api(username).get(AUDIT_URL).status_code == 403


def test_filters(api, trail):
    client = api("auditor")
    by_target = client.get(f"{AUDIT_URL}?target_id={trail.public_id}").json()["results"]
    assert {e["event_type"] for e in by_target} == {"profile.created", "profile.submit"}
    assert client.get(f"{AUDIT_URL}?event_type=profile.created").json()["count"] == 1
    assert {e["actor"] for e in client.get(f"{AUDIT_URL}?actor=policy_officer").json()["results"]} == {"policy_officer"}
    assert client.get(f"{AUDIT_URL}?target_type=profiles.profile&event_type=profile.submit").json()["count"] == 1
    assert client.get(f"{AUDIT_URL}?actor=nobody-at-all").json()["count"] == 0
    assert client.get(f"{AUDIT_URL}?event_type={'x' * 65}").status_code == 400


def test_pagination(api, trail):
    page = api("auditor").get(f"{AUDIT_URL}?page_size=1").json()
    assert len(page["results"]) == 1 and page["next"]


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_trail_cannot_be_written_through_the_api(api, trail, method):
    client = api("admin")
    before = list(AuditEvent.objects.values_list("seq", "hash"))
    response = getattr(client, method)(AUDIT_URL, {"event_type": "forged"}, format="json")
    assert response.status_code == 405
    assert list(AuditEvent.objects.values_list("seq", "hash")) == before


def signed_in_client(users) -> APIClient:
    client = APIClient()
    client.force_authenticate(users["auditor"])
    return client


def test_the_schema_and_docs_need_a_signed_in_user(db):
    assert APIClient().get("/api/schema/").status_code == 401
    assert APIClient().get("/api/docs/").status_code == 401


def test_the_schema_describes_the_profile_api(users):
    response = signed_in_client(users).get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/api/profiles/",
        "/api/profiles/{id}/",
        "/api/profiles/{id}/approve/",
        "/api/profiles/{id}/request-changes/",
        "/api/profiles/{id}/dpo-sign-off/",
        "/api/profiles/{id}/new-version/",
        "/api/audit-events/",
        "/api/auth/token/",
    ):
        assert path in paths, path
    create = paths["/api/profiles/"]["post"]
    assert {"201", "400", "401", "403"} <= set(create["responses"])
    assert {"403", "409"} <= set(paths["/api/profiles/{id}/approve/"]["post"]["responses"])


@pytest.mark.django_db  # the schema's code enums are the catalogue's
def test_the_schema_generates_without_warnings():
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator

    GENERATOR_STATS.reset()
    SchemaGenerator().get_schema(request=None, public=True)
    own = [w for w in GENERATOR_STATS._warn_cache if "profiles" in w or "audit" in w.lower()]
    assert not own, own
    assert not [e for e in GENERATOR_STATS._error_cache if "profiles" in e or "audit" in e.lower()]


def test_the_docs_use_no_cdn(users):
    response = signed_in_client(users).get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    # Inside the portal's frame (menu, language, a way back), no script or CDN of its own.
    assert '<html lang="nl">' in html and 'href="/"' in html and "/api/profiles/" in html
    assert "cdn" not in html.lower() and "//unpkg" not in html and "swagger-ui" not in html
