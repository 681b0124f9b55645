"""The delivery client against a stand-in of the register's API on 127.0.0.1 that checks
every request: create, update, publish, retract; retries on 429 (Retry-After) and 5xx;
idempotent repeats; configuration from the environment."""

import pytest

from audit.models import AuditEvent
from problems import DomainError
from register.delivery import RegisterApiConfig, RegisterApiError, RegisterClient, RegisterNotConfigured
from register.exports import register_body
from register.services import version_deliver, version_transition

from .register_server import ORG, TOKEN, RegisterStandIn


@pytest.fixture
def server():
    stand_in = RegisterStandIn().start()
    yield stand_in
    stand_in.stop()
    assert stand_in.problems == [], stand_in.problems


@pytest.fixture
def client(server):
    waits = []
    c = RegisterClient(
        RegisterApiConfig(base_url=server.base_url, organisation=ORG, token=TOKEN), backoff=0.5, sleep=waits.append
    )
    c.slept = waits
    return c


def test_config_comes_from_the_environment():
    with pytest.raises(RegisterNotConfigured):
        RegisterApiConfig.from_env({})
    with pytest.raises(RegisterNotConfigured):
        RegisterApiConfig.from_env({"IOB_REGISTER_API_URL": "https://x", "IOB_REGISTER_ORG": "bz"})
    config = RegisterApiConfig.from_env(
        {"IOB_REGISTER_API_URL": "https://x/", "IOB_REGISTER_ORG": "bz", "IOB_REGISTER_TOKEN": "t"}
    )
    assert config.base_url == "https://x" and "t" not in repr(config.password)


def test_deliver_creates_releases_publishes_and_repeating_changes_nothing(server, client, published):
    body = register_body(published)
    first = client.deliver(body)
    assert first["lars"] == "94596537" and first["publication_dt"] == "2026-11-30T05:00:00"
    assert [(r["method"], r["path"].split("/bz")[1]) for r in server.requests] == [
        ("GET", "/algorithms"),
        ("POST", "/algorithms"),
        ("GET", "/published-algorithms/94596537"),
        ("PUT", "/algorithms/94596537/release"),
        ("PUT", "/algorithms/94596537/publish"),
        ("GET", "/published-algorithms/94596537"),
    ]
    assert server.requests[1]["body"] == body
    again = client.deliver(body)
    assert again["lars"] == first["lars"] and len(server.algorithms) == 1
    assert again["saved"]["result"] == "NO_CHANGES" and again["published"]["result"] == "ALREADY_PUBLISHED"


def test_update_sends_a_new_version(server, client, published):
    body = register_body(published)
    lars = client.create(body)["lars"]
    changed = {**body, "name": "IOB: behandeladvies kort verblijf"}
    assert client.update(lars, changed)["lars"] == lars
    assert server.algorithms[lars]["name"] == "IOB: behandeladvies kort verblijf"


def test_429_waits_retry_after_then_succeeds(server, client, published):
    server.script(429, {"detail": "Too many requests"}, {"Retry-After": "7"})
    server.script(429, {"detail": "Too many requests"}, {"Retry-After": "3"})
    assert client.list() == []
    assert client.slept == [7.0, 3.0]


def test_5xx_is_retried_with_backoff_and_finally_raises(server, client):
    server.script(503, {"detail": "down"})
    server.script(502, {"detail": "down"})
    assert client.list() == []
    assert client.slept == [0.5, 1.0]
    for _ in range(5):
        server.script(500, {"detail": "broken"})
    with pytest.raises(RegisterApiError) as failed:
        client.list()
    assert failed.value.status == 500 and failed.value.detail == "broken"


def test_4xx_is_not_retried(server, client):
    server.script(422, {"detail": "bad"})
    with pytest.raises(RegisterApiError) as bad:
        client.list()
    assert bad.value.status == 422 and client.slept == []


def test_retract_and_retract_again(server, client, published):
    lars = client.deliver(register_body(published))["lars"]
    assert client.retract(lars)["state"] == "STATE_2"
    assert client.retract(lars)["result"] == "NOT_PUBLISHED"
    assert client.published(lars) is None


def test_service_delivers_stores_lars_and_audits(server, client, users, published):
    with pytest.raises(DomainError) as editor:
        version_deliver(actor=users["register_editor"], version=published, client=client)
    assert editor.value.codes == ["role_required"]
    v = version_deliver(actor=users["reviewer"], version=published, client=client)
    assert v.entry.lars == "94596537" and v.register_answer["publish"]["publication_dt"]
    assert AuditEvent.objects.filter(event_type="register.delivered").count() == 1
    retracted = version_transition(actor=users["reviewer"], version=v, action="retract", comment="Fout")
    version_deliver(actor=users["reviewer"], version=retracted, operation="retract", client=client)
    assert server.published == {}


def test_service_reports_a_register_refusal(server, client, users, published):
    for _ in range(5):
        server.script(503, {"detail": "down"})
    with pytest.raises(DomainError) as failed:
        version_deliver(actor=users["reviewer"], version=published, client=client)
    assert failed.value.codes == ["register_api_error"] and failed.value.status == 502
    assert AuditEvent.objects.filter(event_type="register.refused", data__action="deliver_publish").exists()


def test_command_delivers_with_the_environment(server, users, published, monkeypatch):
    import io

    from django.core.management import call_command
    from django.core.management.base import CommandError

    monkeypatch.setenv("IOB_REGISTER_API_URL", server.base_url)
    monkeypatch.setenv("IOB_REGISTER_ORG", ORG)
    monkeypatch.setenv("IOB_REGISTER_TOKEN", TOKEN)
    with pytest.raises(CommandError):
        call_command("register_deliver", "--as", "register_editor", stdout=io.StringIO())
    out = io.StringIO()
    call_command("register_deliver", "--as", "reviewer", stdout=out)
    assert "lars 94596537" in out.getvalue()
