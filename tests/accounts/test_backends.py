"""Permissions come from roles only (never from a permission given to the user directly,
nor from the superuser flag); one query answers, and a role change counts from the next
request."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission

from accounts.roles import ROLE_PERMISSIONS, Role


def fresh(user):
    return get_user_model().objects.get(pk=user.pk)


def test_role_permissions_in_one_query(users, django_assert_num_queries):
    reviewer = fresh(users["reviewer"])
    with django_assert_num_queries(1):
        perms = reviewer.get_all_permissions()
        assert reviewer.has_perm("profiles.review_profile") and not reviewer.has_perm("profiles.author_profile")
    assert perms == ROLE_PERMISSIONS[Role.REVIEWER]


def test_own_permissions_count_for_nothing(users):
    nobody = fresh(users["nobody"])
    assert nobody.get_all_permissions() == set()
    nobody.user_permissions.add(Permission.objects.get(codename="view_auditevent"))
    assert fresh(nobody).get_all_permissions() == set()
    assert not fresh(nobody).has_perm("audit.view_auditevent")


def test_superuser_flag_adds_no_permission(users):
    boss = fresh(users["nobody"])
    boss.is_superuser = True
    boss.save()
    assert fresh(boss).get_all_permissions() == set()


def test_a_removed_role_counts_from_the_next_request(users):
    dpo = fresh(users["dpo"])
    assert dpo.has_perm("profiles.dpo_sign_off_profile")
    dpo.groups.remove(Group.objects.get(name=Role.DPO))
    assert not fresh(dpo).has_perm("profiles.dpo_sign_off_profile")


def test_inactive_users_have_no_permissions(users):
    admin = fresh(users["admin"])
    admin.is_active = False
    assert admin.get_all_permissions() == set() and not admin.has_perm("profiles.manage_catalogue")
