"""Rights come from roles only: a superuser or a directly granted permission counts for nothing."""

import pytest
from django.contrib.auth.models import Permission

from accounts.actors import SystemActor, actor_has_right, actor_has_role, actor_name, actor_require
from accounts.roles import REVIEW_PROFILES, Role
from accounts.services import user_create_or_update
from problems import DomainError


@pytest.mark.django_db
def test_superuser_without_role_holds_no_workflow_right():
    boss = user_create_or_update(username="boss", password="x", roles=[])
    boss.is_superuser = True
    boss.save()
    assert boss.has_perm(REVIEW_PROFILES)  # Django would let it through …
    assert not actor_has_right(boss, REVIEW_PROFILES)  # … the portal does not
    assert not actor_has_role(boss, Role.REVIEWER)
    with pytest.raises(DomainError) as refused:
        actor_require(boss, REVIEW_PROFILES)
    assert refused.value.codes == ["role_required"] and refused.value.status == 403


@pytest.mark.django_db
def test_direct_permission_grants_nothing():
    user = user_create_or_update(username="sneaky", password="x", roles=[Role.POLICY_OFFICER])
    app, codename = REVIEW_PROFILES.split(".")
    user.user_permissions.add(Permission.objects.get(content_type__app_label=app, codename=codename))
    assert not actor_has_right(user, REVIEW_PROFILES)


@pytest.mark.django_db
def test_role_grants_and_inactive_user_loses_it():
    reviewer = user_create_or_update(username="rev", password="x", roles=[Role.REVIEWER])
    assert actor_has_right(reviewer, REVIEW_PROFILES) and actor_has_role(reviewer, Role.REVIEWER)
    reviewer.is_active = False
    assert not actor_has_right(reviewer, REVIEW_PROFILES)


def test_system_actor_holds_only_what_it_is_given():
    beat = SystemActor("beat", rights=frozenset({"reports.generate_biasreport"}))
    assert actor_has_right(beat, "reports.generate_biasreport")
    assert not actor_has_right(beat, REVIEW_PROFILES)
    assert not actor_has_role(beat, Role.REVIEWER)
    assert actor_name(beat) == "system:beat"
    assert not actor_has_right(None, REVIEW_PROFILES) and not actor_has_right("system", REVIEW_PROFILES)
