from .permissions import RolePerms
from .roles import user_roles


def roles(request):
    """Expose the user's roles to templates (for the navigation and the home page), and
    `perms` answered from roles only: this processor runs after Django's `auth` one and
    replaces its `perms`, which would show a superuser every action."""
    user = getattr(request, "user", None)
    return {"user_roles": user_roles(user) if user is not None else set(), "perms": RolePerms(user)}
