"""Shared fixtures: one user per role, a profile factory that goes through the services,
and the rule that PostgreSQL and Redis tests may not be skipped where they are required."""

import os
from datetime import date, timedelta

import pytest
from django.db import connection

REQUIRE_SERVICES = os.environ.get("IOB_REQUIRE_SERVICES") == "1"


def _flush_with_guards_lifted() -> None:
    """Django empties the test database between transactional tests (TRUNCATE on
    PostgreSQL, DELETE on SQLite), which the database's guards refuse, as they refuse
    it to anyone. The flush lifts them the way only the database's owner can: on
    PostgreSQL as superuser (`session_replication_role = replica` skips the triggers, for
    this transaction only); on SQLite by dropping the triggers and creating them again in
    the same transaction."""
    from django.db import transaction

    def postgres_flush(self, sql_list):
        with transaction.atomic(using=self.connection.alias):
            with self.connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = replica")
                for sql in sql_list:
                    cursor.execute(sql)

    def sqlite_flush(self, sql_list):
        with transaction.atomic(using=self.connection.alias):
            with self.connection.cursor() as cursor:
                cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
                triggers = cursor.fetchall()
                for name, _sql in triggers:
                    cursor.execute(f'DROP TRIGGER "{name}"')
                for sql in sql_list:
                    cursor.execute(sql)
                for _name, sql in triggers:
                    cursor.execute(sql)

    operations = type(connection.ops)
    if connection.vendor == "postgresql":
        operations.execute_sql_flush = postgres_flush
    elif connection.vendor == "sqlite":
        operations.execute_sql_flush = sqlite_flush


@pytest.fixture(scope="session", autouse=True)
def _guards_lifted_for_the_flush():
    _flush_with_guards_lifted()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    # In CI a skipped postgres/redis test is a failure: the real components must run.
    outcome = yield
    report = outcome.get_result()
    if (
        REQUIRE_SERVICES
        and report.skipped
        and (item.get_closest_marker("postgres") or item.get_closest_marker("redis"))
    ):
        report.outcome = "failed"
        report.longrepr = f"required service test was skipped: {report.longrepr}"


@pytest.fixture
def on_postgres(db):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: set DATABASE_URL")


@pytest.fixture
def users(db):
    """The demo users of seed_demo (one per role, two policy officers and two reviewers) and
    a user without a role; passwords "pw-<username>"."""
    from accounts.services import user_create_or_update
    from iob_portal.management.commands.seed_demo import DEMO_USERS

    spec = {**DEMO_USERS, "nobody": []}
    return {
        name: user_create_or_update(username=name, password="pw-" + name, roles=roles) for name, roles in spec.items()
    }


def next_month_window(days: int = 30) -> tuple[date, date]:
    start = date.today() + timedelta(days=1)
    return start, start + timedelta(days=days - 1)


def current_window(days: int = 60) -> tuple[date, date]:
    start = date.today() - timedelta(days=1)
    return start, start + timedelta(days=days - 1)


RISK_JUSTIFICATION = {
    "legitimate_aim": "Prevent irregular stay after a short-stay visa.",
    "suitability": "The group showed a later chain-partner hit rate well above average.",
    "necessity": "Only an extra interview is asked; no refusal follows from the hit.",
    "proportionality": "The extra effort is limited and reviewed monthly.",
    "nationality_use": "Nationality separates groups whose outcomes differ; no ethnicity is used.",
}

DEFAULT_CRITERIA = [
    {"characteristic": "nationality", "values": ["NGA"]},
    {"characteristic": "travel_purpose", "values": ["family_friends"]},
    {"characteristic": "gender", "values": ["M"]},
]


@pytest.fixture
def make_profile(users):
    from profiles.services import profile_create

    def make(*, kind="chance", criteria=None, window=None, author=None, title="Test profile", justification=None):
        valid_from, valid_until = window or next_month_window()
        return profile_create(
            actor=author or users["policy_officer"],
            kind=kind,
            title=title,
            criteria=criteria or DEFAULT_CRITERIA,
            valid_from=valid_from,
            valid_until=valid_until,
            justification=justification
            if justification is not None
            else (RISK_JUSTIFICATION if kind == "risk" else {}),
        )

    return make
