"""Django's permission questions answered from the portal's roles, and nothing else.

`user.has_perm` (the admin site, `PermissionRequiredMixin`) and the services
(`accounts.actors.actor_has_right`) must give one answer, or a page would offer an
action the service refuses. So this backend ignores permissions granted to a user
directly and the superuser flag's "all permissions": a user holds what the roles in
`roles.ROLE_PERMISSIONS` give (one query for the user's roles, cached per request).
Django's `User.has_perm` still says yes to an active superuser before asking any
backend; the portal's doors therefore ask `actor_has_right`, never `has_perm`
(`accounts.permissions`), and `seed_demo` makes no superuser.
"""

from django.contrib.auth.backends import ModelBackend

from .roles import role_permissions


class PortalModelBackend(ModelBackend):
    def get_user_permissions(self, user_obj, obj=None):
        return set()

    def get_group_permissions(self, user_obj, obj=None):
        return self.get_all_permissions(user_obj, obj)

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            user_obj._perm_cache = role_permissions(user_obj)
        return user_obj._perm_cache
