"""Users and roles: writes."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction

from . import events
from .roles import ROLE_PERMISSIONS, WORKFLOW_ROLES, Role


@transaction.atomic
def roles_sync() -> None:
    """Make each role's group hold exactly the permissions of ROLE_PERMISSIONS."""
    for role, perms in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        wanted = []
        for perm in perms:
            app_label, codename = perm.split(".")
            wanted.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        group.permissions.set(wanted)


@transaction.atomic
def user_create_or_update(
    *, username: str, password: str, roles: list[str], actor=None, is_staff: bool = False, is_superuser: bool = False
):
    """Create a user with roles, or bring an existing one to this state (idempotent)."""
    User = get_user_model()
    unknown = set(roles) - set(Role.values)
    if unknown:
        raise ValueError(f"unknown roles: {sorted(unknown)}")
    if Role.ADMINISTRATOR in roles and WORKFLOW_ROLES & set(roles):
        raise ValueError("an administrator takes part in no workflow: give these roles to another account")
    user, created = User.objects.get_or_create(username=username)
    user.set_password(password)
    user.is_staff = is_staff
    user.is_superuser = is_superuser
    user.save()
    user.groups.set(Group.objects.filter(name__in=roles))
    events.user_saved(actor=actor, user=user, created=created, roles=sorted(roles))
    return user


def service_account_get(*, username: str):
    """The user that work done by the system is recorded under where a row needs a user
    (a generated profile's writer): inactive, no password, no role, so it can never sign
    in or take part in a workflow. Created once (idempotent)."""
    User = get_user_model()
    user, created = User.objects.get_or_create(username=username, defaults={"is_active": False})
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
        events.user_saved(actor=None, user=user, created=True, roles=[])
    return user
