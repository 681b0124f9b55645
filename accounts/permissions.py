"""Door-side permission helpers: web views, API views and templates ask the services' question.

Every door asks `accounts.actors.actor_has_right` (rights from roles only), so that a
page never offers what the service would refuse; Django's own `has_perm` says yes to
any superuser and is not asked.
"""

from typing import Any

from django.contrib.auth.mixins import PermissionRequiredMixin
from rest_framework.permissions import BasePermission

from .actors import actor_has_right


class PermissionRequired(PermissionRequiredMixin):
    """Web views: a signed-in user without the right gets 403, not a login loop."""

    raise_exception = True

    def has_permission(self) -> bool:
        return all(actor_has_right(self.request.user, perm) for perm in self.get_permission_required())


def api_permission(*perms: str) -> type[BasePermission]:
    """An API permission class requiring all of `perms` (and a signed-in user)."""

    class _HasPerms(BasePermission):
        def has_permission(self, request, view) -> bool:
            return all(actor_has_right(request.user, perm) for perm in perms)

    _HasPerms.__name__ = "Has_" + "_".join(p.split(".")[1] for p in perms)
    return _HasPerms


class RolePerms:
    """`perms` in templates (`{% if perms.profiles.review_profile %}`), answered from roles."""

    def __init__(self, user: Any, app_label: str | None = None) -> None:
        self.user, self.app_label = user, app_label

    def __getitem__(self, name: str) -> "RolePerms | bool":
        if self.app_label is None:
            return RolePerms(self.user, name)
        return actor_has_right(self.user, f"{self.app_label}.{name}")

    def __contains__(self, perm: str) -> bool:
        return actor_has_right(self.user, perm) if "." in perm else bool(self[perm])

    def __iter__(self):
        raise TypeError("RolePerms is not iterable.")

    def __bool__(self) -> bool:
        return True
