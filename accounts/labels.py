"""Words for the audit events of accounts (see `audit.labels`)."""

from django.utils.translation import gettext_lazy as _

from audit.labels import labels_register

labels_register(
    events={
        "auth.login": _("Signed in"),
        "auth.logout": _("Signed out"),
        "auth.login_failed": _("Sign-in failed"),
        "user.created": _("User created"),
        "user.updated": _("User changed"),
    },
    facts={"roles": _("Roles"), "username": _("Username")},
)
