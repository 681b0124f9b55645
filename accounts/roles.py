"""The portal's roles and what each may do: the one place where a role gets a right.

Roles are Django groups; rights are permissions declared on the models that own them
(see each app's `Meta.permissions`). `roles_sync` makes the groups match this table.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    POLICY_OFFICER = "policy_officer", _("Policy officer")
    REVIEWER = "reviewer", _("Reviewer")
    DPO = "dpo", _("Data protection officer")
    REGISTER_EDITOR = "register_editor", _("Register editor")
    AUDITOR = "auditor", _("Auditor")
    ADMINISTRATOR = "administrator", _("Administrator")


# Permission codenames as "app_label.codename".
VIEW_PROFILES = "profiles.view_profile"
AUTHOR_PROFILES = "profiles.author_profile"
REVIEW_PROFILES = "profiles.review_profile"
SIGN_OFF_PROFILES = "profiles.dpo_sign_off_profile"
MANAGE_CATALOGUES = "profiles.manage_catalogue"
VIEW_AUDIT = "audit.view_auditevent"
VIEW_MONITORING = "monitoring.view_monitoringrecord"
IMPORT_MONITORING = "monitoring.import_monitoringrecord"
REQUEST_ADVICE = "profiles.request_advice"
VIEW_REPORTS = "reports.view_biasreport"
GENERATE_REPORTS = "reports.generate_biasreport"
REVIEW_REPORTS = "reports.review_biasreport"
VIEW_GENERATION = "generation.view_generationrun"
AUTHOR_PARAMETERS = "generation.author_parameterset"
REVIEW_PARAMETERS = "generation.review_parameterset"
START_GENERATION = "generation.start_generationrun"
VIEW_ASSESSMENTS = "assessments.view_assessment"
AUTHOR_ASSESSMENTS = "assessments.author_assessment"
ADVISE_ASSESSMENTS = "assessments.dpo_advise_assessment"
SIGN_ASSESSMENTS = "assessments.sign_assessment"

# Administrators move the periodic jobs (daily status refresh, monthly bias report) in the admin.
EDIT_SCHEDULES = {
    "django_celery_beat.view_periodictask",
    "django_celery_beat.change_periodictask",
    "django_celery_beat.view_crontabschedule",
    "django_celery_beat.change_crontabschedule",
    "django_celery_beat.add_crontabschedule",
}

# Administrators keep the user accounts (and see the roles) in the admin site.
ADMINISTER_USERS = {"auth.view_user", "auth.add_user", "auth.change_user", "auth.view_group"}

# Roles that take part in a workflow (write, review, sign off). The administrator role
# administers and never acts in one: `accounts.actors` refuses a workflow role to an
# account that is also an administrator, and `user_create_or_update` refuses the mix.
WORKFLOW_ROLES = frozenset({"policy_officer", "reviewer", "dpo"})

ROLE_PERMISSIONS: dict[str, set[str]] = {
    Role.POLICY_OFFICER: {
        VIEW_PROFILES,
        AUTHOR_PROFILES,
        IMPORT_MONITORING,
        REQUEST_ADVICE,
        VIEW_GENERATION,
        AUTHOR_PARAMETERS,
        START_GENERATION,
    },
    Role.REVIEWER: {VIEW_PROFILES, REVIEW_PROFILES, REQUEST_ADVICE, VIEW_REPORTS, VIEW_GENERATION, REVIEW_PARAMETERS},
    Role.DPO: {
        VIEW_PROFILES,
        SIGN_OFF_PROFILES,
        VIEW_AUDIT,
        VIEW_MONITORING,
        VIEW_REPORTS,
        GENERATE_REPORTS,
        REVIEW_REPORTS,
        VIEW_GENERATION,
    },
    Role.REGISTER_EDITOR: {VIEW_PROFILES},
    Role.AUDITOR: {VIEW_PROFILES, VIEW_AUDIT, VIEW_MONITORING, VIEW_REPORTS, VIEW_GENERATION},
    Role.ADMINISTRATOR: {
        VIEW_PROFILES,
        MANAGE_CATALOGUES,
        VIEW_AUDIT,
        IMPORT_MONITORING,
        VIEW_MONITORING,
        GENERATE_REPORTS,
        VIEW_REPORTS,
        *EDIT_SCHEDULES,
        *ADMINISTER_USERS,
    },
}


# DPIA and IAMA: policy officers (and the DPO, for the DPO's questions) write; the DPO advises;
# the responsible official (RESP) holds the reviewer role and signs; everyone else reads.
for _role, _perms in {
    Role.POLICY_OFFICER: {VIEW_ASSESSMENTS, AUTHOR_ASSESSMENTS},
    Role.REVIEWER: {VIEW_ASSESSMENTS, SIGN_ASSESSMENTS},
    Role.DPO: {VIEW_ASSESSMENTS, AUTHOR_ASSESSMENTS, ADVISE_ASSESSMENTS},
    Role.REGISTER_EDITOR: {VIEW_ASSESSMENTS},
    Role.AUDITOR: {VIEW_ASSESSMENTS},
    Role.ADMINISTRATOR: {VIEW_ASSESSMENTS},
}.items():
    ROLE_PERMISSIONS[_role] |= _perms


def user_roles(user) -> set[str]:
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_iob_roles", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        user._iob_roles = cached
    return cached


def user_has_role(user, role: str) -> bool:
    return role in user_roles(user)


def role_permissions(user) -> set[str]:
    """Every right the user's roles give: the one answer to "may this user …" (Django's
    backend and `accounts.actors` both ask it). Direct permissions and the superuser flag
    are not part of it."""
    if not getattr(user, "is_active", False):
        return set()
    return {perm for role in user_roles(user) for perm in ROLE_PERMISSIONS.get(role, ())}


# The Algorithm Register (register/): the register editor writes; a reviewer (the senior
# approver, never an editor of the version) approves and publishes; readers see entries.
VIEW_REGISTER = "register.view_registerentry"
EDIT_REGISTER = "register.edit_registerentry"
APPROVE_REGISTER = "register.approve_registerentry"
for _role, _rights in {
    Role.REGISTER_EDITOR: {VIEW_REGISTER, EDIT_REGISTER},
    Role.REVIEWER: {VIEW_REGISTER, APPROVE_REGISTER},
    Role.DPO: {VIEW_REGISTER},
    Role.AUDITOR: {VIEW_REGISTER},
    Role.ADMINISTRATOR: {VIEW_REGISTER},
}.items():
    ROLE_PERMISSIONS[_role] |= _rights
