"""Every page and API endpoint against every role: the authorisation matrix.

The URL conf is walked as a whole, so a route that nobody declared fails here: a new page
or endpoint must say who may use it (see README.md). Each declared method is then tried by
each role, by a signed-in user without a role, and anonymously:

- allowed: past the access check (not 401, not 403, not 404, not sent to the login page);
- denied: 403 (or 404 where the route declares that it hides the object);
- anonymous and not allowed: a page sends to /login/, the API answers 401.

Every request runs in a savepoint that is rolled back, so each caller meets the same state
(the first reviewer's approval does not turn the second caller's try into a 409).
"""

import json
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.db import transaction
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.views.generic.edit import ProcessFormView

from .matrix import ANONYMOUS, EVERY_CALLER, USERNAME, Route, World, load_declarations

EXCLUDED_PREFIXES = ("admin/",)  # the admin site has its own staff check (tests/admin)
IGNORED_METHODS = {"head", "options", "trace"}

DECLARED = load_declarations()


def url_conf_routes() -> dict[str, tuple[str, object]]:
    """Qualified name → (route, callback) for every route of the URL conf, admin excluded."""
    found: dict[str, tuple[str, object]] = {}

    def walk(resolver: URLResolver, prefix: str, namespace: str) -> None:
        for entry in resolver.url_patterns:
            route = prefix + str(entry.pattern)
            if route.startswith(EXCLUDED_PREFIXES):
                continue
            if isinstance(entry, URLResolver):
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                walk(entry, route, inner)
            elif isinstance(entry, URLPattern):
                name = f"{namespace}{entry.name}" if entry.name else f"<unnamed {route}>"
                found.setdefault(name, (route, entry.callback))

    walk(get_resolver(), "", "")
    return found


def methods_answered(callback) -> set[str]:
    """The HTTP methods a class-based view implements (function views cannot be asked)."""
    view_class = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    if view_class is None:
        return set()
    answered = set()
    for method in view_class.http_method_names:
        handler = getattr(view_class, method, None)
        if handler is None or method in IGNORED_METHODS:
            continue
        # FormView's PUT only repeats its POST.
        if method == "put" and handler is ProcessFormView.put:
            continue
        answered.add(method.upper())
    return answered


def test_declarations_are_unique():
    names = [route.name for route in DECLARED]
    assert sorted({n for n in names if names.count(n) > 1}) == []


def test_every_route_is_declared():
    routes = url_conf_routes()
    declared = {route.name for route in DECLARED}
    undeclared = sorted(set(routes) - declared)
    assert not undeclared, (
        "These routes do not say who may use them. Declare each in tests/access/declarations_<app>.py "
        "(see tests/access/README.md):\n" + "\n".join(f"  {name}  ({routes[name][0]})" for name in undeclared)
    )
    stale = sorted(declared - set(routes))
    assert not stale, f"Declared but not in the URL conf (renamed or removed?): {stale}"


def test_every_method_a_view_answers_is_declared():
    routes = url_conf_routes()
    missing = []
    for route in DECLARED:
        if route.name in routes:
            extra = methods_answered(routes[route.name][1]) - set(route.methods)
            if extra:
                missing.append(f"{route.name}: {sorted(extra)}")
    assert not missing, f"Methods the view answers but the matrix does not try: {missing}"


def _send(client: Client, method: str, url: str, body: dict | None, api: bool):
    if method == "GET":
        return client.get(url)
    if api:
        return client.generic(method, url, json.dumps(body or {}), content_type="application/json")
    if method == "POST":
        return client.post(url, body or {})
    return client.generic(method, url, "")


def _verdict(route: Route, method: str, caller: str, response, api: bool) -> str | None:
    status = response.status_code
    login_url = resolve_url(settings.LOGIN_URL)
    # Sent to sign in first (with `next`), as opposed to landing there after signing out.
    location = urlparse(response.get("Location", ""))
    to_login = status in (301, 302) and location.path == login_url and "next=" in location.query
    allowed = caller in route.methods[method]
    if allowed:
        if status in (401, 403, 404) or to_login or status >= 500:
            return f"{caller} is allowed but got {status}{' (to the login page)' if to_login else ''}"
        return None
    if caller == ANONYMOUS:
        if api and status != 401:
            return f"anonymous API call got {status}, expected 401"
        if not api and not to_login:
            return f"anonymous page request got {status}, expected a redirect to {login_url}"
        return None
    if status != route.denied_status:
        return f"{caller} is denied but got {status}, expected {route.denied_status}"
    return None


@pytest.mark.parametrize("route", DECLARED, ids=str)
def test_access(route: Route, users, make_profile):
    world = World(users, make_profile)
    url = reverse(route.name, kwargs=route.kwargs(world) if route.kwargs else None)
    api = url.startswith("/api/")
    body = route.body(world) if callable(route.body) else route.body
    clients = {}
    for caller in EVERY_CALLER:
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        if caller != ANONYMOUS:
            client.force_login(users[USERNAME[caller]])
        clients[caller] = client
    failures = []
    for method in route.methods:
        for caller, client in clients.items():
            try:
                with transaction.atomic():
                    response = _send(client, method, url + (f"?{route.query}" if route.query else ""), body, api)
                    transaction.set_rollback(True)
            except Exception as error:  # a crash is a finding too, reported with the rest
                failures.append(f"{method} {url} as {caller}: raised {error!r}")
                continue
            problem = _verdict(route, method, caller, response, api)
            if problem:
                failures.append(f"{method} {url}: {problem}")
    assert not failures, "\n".join(failures)
