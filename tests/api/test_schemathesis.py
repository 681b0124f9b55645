"""Schemathesis over the whole API, as an administrator and as a policy officer.

The app runs in-process (WSGI) against the test database. Every operation of
/api/schema/ gets generated requests (positive data: what the schema says is valid);
each answer must not be a server error and must match the schema: a documented status,
a documented content type, a body of the documented shape. So the schema is held to
what the API really answers, and the API to what the schema promises.

Random ids find nothing, so the operations on one profile also get the id of a real
draft half of the time: the workflow, the edit and the impact preview are then reached.

Bounded for CI: `IOB_SCHEMATHESIS_EXAMPLES` examples per operation and role (default 25,
about two minutes for both roles on a quiet machine). A longer run by hand:
`IOB_SCHEMATHESIS_EXAMPLES=250 pytest tests/api/test_schemathesis.py -s` prints the number
of requests and their statuses (docs/security.md has the figures).
"""

import os
from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

EXAMPLES = int(os.environ.get("IOB_SCHEMATHESIS_EXAMPLES", "25"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
ROLES = ["admin", "policy_officer"]


def _schema_dict() -> dict:
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


@pytest.fixture
def wsgi_app():
    """The project's WSGI handler, kept from closing the test's database connection at the
    end of each request (as Django's own test client does), so that every request sees and
    rolls back with the test's transaction."""
    from django.core.signals import request_finished, request_started
    from django.core.wsgi import get_wsgi_application
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _strategy(operation, seeds: dict[str, str]):
    generated = operation.as_strategy()
    for prefix, public_id in seeds.items():
        if operation.path.startswith(prefix):
            return st.one_of(generated, operation.as_strategy(path_parameters={"id": public_id}))
    return generated


def _property(operation, user, statuses: Counter, failures: list, seeds: dict[str, str]):
    """One hypothesis test of one operation: each generated case is sent with a fresh
    token (signing out ends the token a request came with) and its answer checked."""
    from accounts.tokens import token_issue

    @hypothesis_settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.generate],
    )
    @given(case=_strategy(operation, seeds))
    def check(case):
        _token, secret = token_issue(user=user)
        headers = {"Authorization": f"Token {secret}"}
        response = case.call(headers=headers)
        statuses[(operation.label, response.status_code)] += 1
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except (Exception, BaseExceptionGroup) as error:
            failures.append(f"{user.username} {operation.label}: {error}\n{case.as_curl_command(headers)}")
            raise

    return check


def _run(schema, user, statuses: Counter, failures: list, seeds: dict[str, str]) -> None:
    for result in schema.get_all_operations():
        operation = result.ok()
        try:
            _property(operation, user, statuses, failures, seeds)()
        except (Exception, BaseExceptionGroup) as error:  # noqa: BLE001 - listed once, with every other
            if not failures or operation.label not in failures[-1]:
                failures.append(f"{user.username} {operation.label}: {error!r}")


@pytest.mark.django_db
@pytest.mark.parametrize("username", ROLES)
def test_the_whole_api_answers_as_its_schema_says(username, users, make_profile, wsgi_app, settings):
    from profiles.services import catalogue_sync

    settings.ALLOWED_HOSTS = ["*"]
    catalogue_sync()  # the schema's enums are the catalogue's codes
    schema = schemathesis.openapi.from_dict(_schema_dict())
    schema.app = wsgi_app
    statuses: Counter = Counter()
    failures: list[str] = []
    draft = make_profile(kind="risk", author=users["policy_officer"])
    seeds = {"/api/profiles/{id}/": str(draft.public_id)}
    _run(schema, users[username], statuses, failures, seeds)
    total = sum(statuses.values())
    by_code = Counter()
    for (_label, code), n in statuses.items():
        by_code[code] += n
    reached = {label for label, _ in statuses}
    print(f"\n{username}: {total} requests over {len(reached)} operations; {dict(by_code)}")
    assert not failures, f"{len(failures)} failures:\n\n" + "\n\n".join(failures)
    every = {result.ok().label for result in schema.get_all_operations()}
    assert len(every) > 70 and reached == every, every - reached
