from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import transaction
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from . import events
from .models import TokenRevocation
from .second_factor import session_clear
from .tokens import tokens_revoke_for_user


def _ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") if request is not None else None


@receiver(user_logged_in)
def _on_login(sender, request, user, **kwargs):
    with transaction.atomic():
        events.user_logged_in(user=user, ip=_ip(request))
    if request is not None and hasattr(request, "session"):
        # Every sign-in owes its own second factor; a code given earlier in this browser
        # (Django keeps the session's data when the same user signs in again) does not count.
        session_clear(request)


@receiver(user_logged_out)
def _on_logout(sender, request, user, **kwargs):
    if user is not None:
        with transaction.atomic():
            events.user_logged_out(user=user, ip=_ip(request))
            # Signing out of the web signs the user's API tokens out too.
            tokens_revoke_for_user(user=user, reason=TokenRevocation.LOGOUT)


@receiver(user_login_failed)
def _on_login_failed(sender, credentials, request=None, **kwargs):
    with transaction.atomic():
        events.user_login_failed(username=str(credentials.get("username", "")), ip=_ip(request))


# Every door that saves a user (admin, set_password + save, commands, services) passes
# here: a new password or a deactivation ends every API token the user holds.
@receiver(pre_save, sender=get_user_model(), dispatch_uid="accounts_user_token_state")
def _remember_credentials(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None:
        instance._iob_token_revocation = None
        return
    before = sender.objects.filter(pk=instance.pk).values("password", "is_active").first()
    reason = None
    if before is not None:
        if before["is_active"] and not instance.is_active:
            reason = TokenRevocation.DEACTIVATED
        elif before["password"] != instance.password:
            reason = TokenRevocation.PASSWORD_CHANGE
    instance._iob_token_revocation = reason


@receiver(post_save, sender=get_user_model(), dispatch_uid="accounts_user_token_revoke")
def _revoke_tokens(sender, instance, raw=False, **kwargs):
    reason = getattr(instance, "_iob_token_revocation", None)
    if reason and not raw:
        tokens_revoke_for_user(user=instance, reason=reason)
