"""Door-side permission helpers: web views and API views ask the same question."""

from django.contrib.auth.mixins import PermissionRequiredMixin
from rest_framework.permissions import BasePermission


class PermissionRequired(PermissionRequiredMixin):
    """Web views: a signed-in user without the permission gets 403, not a login loop."""

    raise_exception = True


def api_permission(*perms: str) -> type[BasePermission]:
    """An API permission class requiring all of `perms` (and a signed-in user)."""

    class _HasPerms(BasePermission):
        def has_permission(self, request, view) -> bool:
            user = request.user
            return bool(user and user.is_authenticated and user.has_perms(perms))

    _HasPerms.__name__ = "Has_" + "_".join(p.split(".")[1] for p in perms)
    return _HasPerms
