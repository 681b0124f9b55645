"""Who acts: one type for every service, and the one check of what an actor may do.

An actor is a signed-in user or an explicit `SystemActor` (Celery beat, a worker, a
management command run by the operator), whose name is written to the audit trail.
`None` and bare strings are not actors: a service that gets one refuses.

Rights come only from the role table in `roles.py`. Django's superuser flag and
permissions granted to a user directly are deliberately ignored, so that no account
can step around the workflow (four eyes, the DPO's sign-off) by being an administrator.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeAlias

from django.utils.translation import gettext_lazy as _

from problems import forbidden

from .roles import WORKFLOW_ROLES, Role, role_permissions, user_roles

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


@dataclass(frozen=True)
class SystemActor:
    """Work nobody clicked: beat schedules, workers, the operator's commands.

    `rights` lists the permissions it holds, explicitly; a system actor never holds a
    workflow role, so it can never approve, sign off or review anything.
    """

    name: str
    rights: frozenset[str] = field(default_factory=frozenset)

    @property
    def audit_name(self) -> str:
        return f"system:{self.name}"

    is_authenticated = False
    pk = None


Actor: TypeAlias = "AbstractBaseUser | SystemActor"


def actor_is_user(actor: Any) -> bool:
    return getattr(actor, "is_authenticated", False) is True and not isinstance(actor, SystemActor)


def actor_name(actor: Any) -> str:
    """The name written to the audit trail."""
    if isinstance(actor, SystemActor):
        return actor.audit_name
    if actor_is_user(actor):
        return actor.get_username()
    return ""


def actor_has_right(actor: Any, perm: str) -> bool:
    """True when one of the actor's roles grants `perm` (roles.py), or a system actor
    was given it explicitly. Superuser status and direct user permissions count for nothing."""
    if isinstance(actor, SystemActor):
        return perm in actor.rights
    if not actor_is_user(actor):
        return False
    return perm in role_permissions(actor)


def actor_has_role(actor: Any, role: str) -> bool:
    """Membership of a workflow role. System actors hold none, and an administrator
    takes part in no workflow even if someone gave the account a workflow role too."""
    if not (actor_is_user(actor) and getattr(actor, "is_active", False)):
        return False
    roles = user_roles(actor)
    if role in WORKFLOW_ROLES and Role.ADMINISTRATOR in roles:
        return False
    return role in roles


def actor_require(actor: Any, perm: str, message: Any = None) -> None:
    """Raise 403 `role_required` unless the actor's roles grant `perm`."""
    if not actor_has_right(actor, perm):
        raise forbidden("role_required", message or _("Your role does not allow this action."))


def actor_require_role(actor: Any, role: str, message: Any = None) -> None:
    """Raise 403 `role_required` unless the actor is a member of `role` (workflow actions)."""
    if not actor_has_role(actor, role):
        raise forbidden("role_required", message or _("Your role does not allow this action."))


def actor_pk(actor: Any) -> int | None:
    """The user id for foreign keys (`created_by`, …); None for a system actor."""
    return actor.pk if actor_is_user(actor) else None


def actor_user(actor: Any):
    """The user for foreign keys; None for a system actor."""
    return actor if actor_is_user(actor) else None
