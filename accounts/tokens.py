"""API tokens: issue, authenticate, revoke (the only writers of ApiToken).

`POST /api/auth/token/` issues a new token per sign-in (the old answer, one token per
user for ever, was readable in the admin and survived every sign-out). The secret is
returned once; what is stored is its digest, its first characters and its lifetime.
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from . import events
from .models import ApiToken, TokenRevocation

SECRET_PREFIX = "iob_"
PREFIX_LENGTH = 12
# Writing last_used_at on every call would turn every read into a write.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def token_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def token_lifetime() -> timedelta:
    return timedelta(hours=getattr(settings, "IOB_TOKEN_TTL_HOURS", 12))


@transaction.atomic
def token_issue(*, user, second_factor: bool = False) -> tuple[ApiToken, str]:
    """A new token for `user`: the row, and the secret (shown once, never stored).
    `second_factor`: a TOTP code was given with the request (step-up counts from now)."""
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    now = timezone.now()
    token = ApiToken.objects.create(
        user=user,
        prefix=secret[:PREFIX_LENGTH],
        digest=token_digest(secret),
        created_at=now,
        expires_at=now + token_lifetime(),
        second_factor_at=now if second_factor else None,
    )
    events.token_issued(user=user, token=token)
    return token, secret


def token_authenticate(*, secret: str) -> ApiToken | None:
    """The live token with this secret (not revoked, not expired, its user active), or None."""
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=token_digest(secret), revoked_at__isnull=True, expires_at__gt=now)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def _revoke(tokens: QuerySet[ApiToken], *, reason: str, actor=None) -> int:
    live = list(tokens.filter(revoked_at__isnull=True).select_related("user"))
    if not live:
        return 0
    with transaction.atomic():
        count = ApiToken.objects.filter(pk__in=[t.pk for t in live], revoked_at__isnull=True).update(
            revoked_at=timezone.now(), revoked_reason=reason
        )
        for token in live:
            events.token_revoked(actor=actor or token.user, token=token, reason=reason)
    return count


def tokens_revoke_for_user(*, user, reason: str, actor=None) -> int:
    """Revoke every live token of `user` (sign-out, password change, deactivation)."""
    if user is None or user.pk is None:
        return 0
    return _revoke(ApiToken.objects.filter(user=user), reason=reason, actor=actor)


def token_revoke(*, actor, token: ApiToken) -> int:
    """A user revokes one of their own tokens (an administrator may revoke anyone's)."""
    return _revoke(ApiToken.objects.filter(pk=token.pk), reason=TokenRevocation.REVOKED, actor=actor)


def tokens_for(*, user) -> QuerySet[ApiToken]:
    """A user's tokens, newest first, without their secret (the secret is not stored)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at")


class PortalTokenAuthentication(authentication.TokenAuthentication):
    """`Authorization: Token <secret>`, checked against the stored digest. (A subclass of
    DRF's class for the schema's sake only: DRF's token table is not used.)"""

    keyword = "Token"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Invalid token header."))
        try:
            secret = header[1].decode()
        except UnicodeError as error:
            raise exceptions.AuthenticationFailed(_("Invalid token header.")) from error
        token = token_authenticate(secret=secret)
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid, expired or revoked token."))
        return token.user, token

    def authenticate_header(self, request) -> str:
        return self.keyword
