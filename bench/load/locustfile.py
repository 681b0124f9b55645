"""Load test of the portal (issue 13): the advice API and the main pages, as signed-in users.

Run it through `bench/load_bench.py`, which prepares PostgreSQL, Redis and gunicorn and
writes the fixtures this file reads (`IOB_LOAD_FIXTURES`, a JSON file):

- `applications`: real application inputs (the characteristics of the seeded monitoring
  records, with the known-party flags), sent one per request to `POST /api/advice/`;
- `profiles`, `reports`: ids of profile versions and bias reports whose pages are read;
- `password`: the demo users' password.

Every request carries `X-Forwarded-Proto: https`, as behind the TLS proxy of production
(the server runs with `DJANGO_SECURE_PROXY_SSL=1`), and the session's secure cookies are
sent over the plain local connection (see `_ProxiedCookies`). Request names are the
endpoint classes the runner reports on.
"""

import json
import os
import random

from locust import HttpUser, between, task
from requests.cookies import RequestsCookieJar

with open(os.environ["IOB_LOAD_FIXTURES"], encoding="utf-8") as handle:
    FIXTURES = json.load(handle)

PROXY = {"X-Forwarded-Proto": "https"}


class _ProxiedCookies(RequestsCookieJar):
    """Production cookies are `Secure`; the TLS proxy would carry them. Here the load
    generator talks plain HTTP to gunicorn, so the jar keeps them as plain cookies (a
    cookie policy would not do: requests copies the cookies into a fresh jar per request)."""

    def set_cookie(self, cookie, *args, **kwargs):
        cookie.secure = False
        return super().set_cookie(cookie, *args, **kwargs)


def _proxied(user: HttpUser) -> None:
    user.client.cookies = _ProxiedCookies()
    user.client.headers.update(PROXY)


class AdviceApiUser(HttpUser):
    """A case-handling system asking for advice on one application at a time."""

    weight = 1
    wait_time = between(0.5, 2)

    def on_start(self) -> None:
        _proxied(self)
        response = self.client.post(
            "/api/auth/token/",
            json={"username": "policy_officer", "password": FIXTURES["password"]},
            name="sign-in (token)",
        )
        response.raise_for_status()
        self.client.headers["Authorization"] = f"Token {response.json()['token']}"

    @task
    def advice(self) -> None:
        application = dict(random.choice(FIXTURES["applications"]))
        application["application_id"] = f"LOAD-{random.randrange(10**9)}"
        with self.client.post("/api/advice/", json=application, name="advice API", catch_response=True) as response:
            body = response.json() if response.status_code == 200 else {}
            if response.status_code != 200 or body.get("track") not in ("fast", "regular", "intensive"):
                response.failure(f"{response.status_code}: {response.text[:200]}")


class PortalUser(HttpUser):
    """An auditor reading the portal's main pages in a browser session."""

    weight = 1
    wait_time = between(0.5, 2)

    def on_start(self) -> None:
        _proxied(self)
        self.client.get("/login/", name="sign-in (page)")
        with self.client.post(
            "/login/",
            data={
                "username": "auditor",
                "password": FIXTURES["password"],
                "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", ""),
            },
            # Django checks the Referer of a secure POST against the host.
            headers={"Referer": f"https://{self.host.split('://', 1)[1]}/login/"},
            name="sign-in (page)",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"sign-in failed: {response.status_code}")

    def _page(self, path: str, name: str) -> None:
        with self.client.get(path, name=name, catch_response=True, allow_redirects=False) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} for {path}")

    @task(2)
    def home(self) -> None:
        self._page("/", "home page")

    @task(2)
    def profile_list(self) -> None:
        self._page("/profiles/", "profile list")

    @task(3)
    def profile_page(self) -> None:
        self._page(f"/profiles/{random.choice(FIXTURES['profiles'])}/", "profile page")

    @task(1)
    def report_list(self) -> None:
        self._page("/reports/", "report list")

    @task(1)
    def report_page(self) -> None:
        self._page(f"/reports/{random.choice(FIXTURES['reports'])}/", "report page")
