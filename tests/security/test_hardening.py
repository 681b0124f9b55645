"""Production settings: no DEBUG, `check --deploy` clean, HSTS; every answer carries a
content security policy that allows no inline script; idle sessions end."""

import os
import re
import secrets
import subprocess
import sys

import pytest
from django.conf import settings

ROOT = str(settings.BASE_DIR)


def production_env(tmp_path, **extra) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "IOB_"))}
    env.update(
        {
            "IOB_ENV": "production",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(60),
            "DJANGO_ALLOWED_HOSTS": "iob.example.org",
            "IOB_AUDIT_KEY": secrets.token_urlsafe(32),
            "IOB_VAR_DIR": str(tmp_path),
            "DJANGO_SETTINGS_MODULE": "iob_portal.settings",
            **extra,
        }
    )
    return env


def test_production_passes_check_deploy_without_warnings(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env(tmp_path),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_debug(tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=production_env(tmp_path, DJANGO_DEBUG="1"),
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0 and "DJANGO_DEBUG must not be set in production" in result.stderr


def test_production_sends_hsts_and_redirects_to_https(tmp_path):
    script = (
        "import django; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/login/', secure=True, HTTP_HOST='iob.example.org');"
        "print(r.status_code, r.headers.get('Strict-Transport-Security'));"
        "r = Client().get('/login/', HTTP_HOST='iob.example.org'); print(r.status_code, r.headers['Location'])"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=production_env(tmp_path), capture_output=True, text=True
    )
    first, second = result.stdout.strip().splitlines()[-2:]
    assert first.startswith("200 max-age=31536000") and "includeSubDomains" in first
    assert second == "301 https://iob.example.org/login/"


@pytest.mark.parametrize("path", ["/login/", "/", "/api/docs/", "/profiles/"])
def test_pages_carry_a_policy_without_inline_script(admin_client_like, path):
    response = admin_client_like.get(path)
    assert response.status_code == 200, path
    policy = response.headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'" and "unsafe-inline" not in policy
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"
    # Nothing inline for the policy to refuse: every <script> has a src (or is JSON data).
    html = response.content.decode()
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag or "application/json" in tag, tag
    assert not re.search(r"\son(click|load|change|submit)=", html)


@pytest.fixture
def admin_client_like(client, users):
    client.force_login(users["policy_officer"])
    return client


def test_idle_sessions_end(client, users):
    from datetime import timedelta

    from django.contrib.sessions.models import Session
    from django.utils import timezone

    assert settings.SESSION_COOKIE_AGE == 30 * 60 and settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    client.force_login(users["policy_officer"])
    assert client.get("/").status_code == 200
    session = Session.objects.get()
    assert session.expire_date - timezone.now() > timedelta(minutes=29)  # activity moved it on
    # Thirty idle minutes later (the expiry passed), the next request finds no session.
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
