"""The authorisation matrix: what a route declares, the roles it is tried with, and the
objects its URL can point at. See README.md in this folder for how to declare a route."""

import importlib
import pkgutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

# The portal's six roles (accounts/roles.py), a signed-in user without any role, and
# nobody signed in. Every declared method is tried with each of them.
POLICY_OFFICER = "policy_officer"
REVIEWER = "reviewer"
DPO = "dpo"
REGISTER_EDITOR = "register_editor"
AUDITOR = "auditor"
ADMINISTRATOR = "administrator"
NO_ROLE = "no_role"
ANONYMOUS = "anonymous"

ROLES = (POLICY_OFFICER, REVIEWER, DPO, REGISTER_EDITOR, AUDITOR, ADMINISTRATOR)
EVERY_CALLER = (*ROLES, NO_ROLE, ANONYMOUS)

# The user of tests/conftest.py's `users` fixture that plays each role.
USERNAME = {
    POLICY_OFFICER: "policy_officer",
    REVIEWER: "reviewer",
    DPO: "dpo",
    REGISTER_EDITOR: "register_editor",
    AUDITOR: "auditor",
    ADMINISTRATOR: "admin",
    NO_ROLE: "nobody",
}

# Who is allowed, in the terms of accounts/roles.py's ROLE_PERMISSIONS.
NOBODY: frozenset[str] = frozenset()
SIGNED_IN = frozenset({*ROLES, NO_ROLE})
PUBLIC = frozenset(EVERY_CALLER)
PROFILE_READERS = frozenset(ROLES)  # profiles.view_profile
PROFILE_AUTHORS = frozenset({POLICY_OFFICER})  # profiles.author_profile
PROFILE_REVIEWERS = frozenset({REVIEWER})  # profiles.review_profile
PROFILE_SIGNERS = frozenset({DPO})  # profiles.dpo_sign_off_profile
CATALOGUE_MANAGERS = frozenset({ADMINISTRATOR})  # profiles.manage_catalogue
AUDIT_READERS = frozenset({DPO, AUDITOR, ADMINISTRATOR})  # audit.view_auditevent
ADVICE_REQUESTERS = frozenset({POLICY_OFFICER, REVIEWER})  # profiles.request_advice
MONITORING_READERS = frozenset({DPO, AUDITOR, ADMINISTRATOR})  # monitoring.view_monitoringrecord
MONITORING_IMPORTERS = frozenset({POLICY_OFFICER, ADMINISTRATOR})  # monitoring.import_monitoringrecord
REPORT_READERS = frozenset({REVIEWER, DPO, AUDITOR, ADMINISTRATOR})  # reports.view_biasreport
REPORT_GENERATORS = frozenset({DPO, ADMINISTRATOR})  # reports.generate_biasreport
REPORT_REVIEWERS = frozenset({DPO})  # reports.review_biasreport


def only(*roles: str) -> frozenset[str]:
    unknown = set(roles) - set(EVERY_CALLER)
    if unknown:
        raise ValueError(f"unknown roles {sorted(unknown)}; use the names in tests/access/matrix.py")
    return frozenset(roles)


@dataclass(frozen=True)
class Route:
    """One URL name and, per HTTP method, the callers allowed past its access check."""

    name: str
    methods: dict[str, frozenset[str]]
    kwargs: Callable[["World"], dict[str, Any]] | None = None
    body: dict[str, Any] | Callable[["World"], dict[str, Any]] | None = None
    query: str = ""
    # 404 where the route hides from a denied caller that the object exists at all.
    denied_status: int = 403
    note: str = ""

    def __str__(self) -> str:
        return self.name


def access(
    name: str,
    *,
    kwargs=None,
    body=None,
    query: str = "",
    denied_status: int = 403,
    note: str = "",
    **methods: Iterable[str],
) -> Route:
    """`access("profiles:detail", kwargs=lambda w: {"public_id": w.draft.public_id}, GET=PROFILE_READERS)`."""
    if not methods:
        raise ValueError(f"{name}: declare at least one method, e.g. GET=PROFILE_READERS")
    if denied_status not in (403, 404):
        raise ValueError(f"{name}: a denied caller gets 403, or 404 where the route hides the object")
    declared = {method.upper(): only(*allowed) for method, allowed in methods.items()}
    return Route(
        name=name, methods=declared, kwargs=kwargs, body=body, query=query, denied_status=denied_status, note=note
    )


class World:
    """Objects a route's URL can point at, made on first use through the services, so a
    route only pays for what it names. A declaration may also make its own objects in its
    `kwargs` callable: `w.users` holds one user per role, `w.make_profile` makes a draft."""

    def __init__(self, users: dict, make_profile: Callable[..., Any]):
        self.users = users
        self.make_profile = make_profile

    def _moved(self, profile, *steps: tuple[str, str, str]):
        from profiles.services import profile_transition

        for username, action, comment in steps:
            profile = profile_transition(actor=self.users[username], profile=profile, action=action, comment=comment)
        return profile

    @cached_property
    def draft(self):
        return self.make_profile(title="Matrix draft")

    @cached_property
    def in_review(self):
        return self._moved(self.make_profile(title="Matrix in review"), ("policy_officer", "submit", ""))

    @cached_property
    def in_review_risk(self):
        return self._moved(
            self.make_profile(kind="risk", title="Matrix risk in review"), ("policy_officer", "submit", "")
        )

    @cached_property
    def changes_requested(self):
        return self._moved(
            self.make_profile(title="Matrix changes requested"),
            ("policy_officer", "submit", ""),
            ("reviewer", "request_changes", "more evidence"),
        )

    @cached_property
    def approved(self):
        return self._moved(
            self.make_profile(title="Matrix approved"), ("policy_officer", "submit", ""), ("reviewer", "approve", "")
        )

    @cached_property
    def job(self):
        """A job of the policy officer: visible to its creator and to readers of the trail."""
        from jobs.models import Job

        return Job.objects.create(kind="matrix", created_by=self.users["policy_officer"])


def load_declarations() -> list[Route]:
    """Every `ROUTES` list of every `declarations_*.py` module in this folder."""
    from tests import access as package

    routes: list[Route] = []
    for module in pkgutil.iter_modules(package.__path__):
        if module.name.startswith("declarations_"):
            routes += importlib.import_module(f"{package.__name__}.{module.name}").ROUTES
    return routes
