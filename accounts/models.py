"""API tokens, hashed at rest.

The secret is shown once, when issued; the database keeps only its SHA-256 digest (the
secret is 256 random bits, so a fast hash is enough: nothing to guess). A token expires,
and is revoked when its user signs out of the web, changes password or is deactivated.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TokenRevocation(models.TextChoices):
    LOGOUT = "logout", _("Signed out")
    PASSWORD_CHANGE = "password_change", _("Password changed")
    DEACTIVATED = "deactivated", _("Account deactivated")
    REVOKED = "revoked", _("Revoked")


class ApiToken(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    # The first characters of the secret, so that a user can tell their tokens apart.
    prefix = models.CharField(max_length=12)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=20, choices=TokenRevocation.choices, blank=True)
    # When the token's holder last gave a TOTP code through it (at issue, or in the IOB-OTP
    # header): approvals through this token need no new code within IOB_STEP_UP_SECONDS.
    second_factor_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(revoked_reason="") | models.Q(revoked_reason__in=TokenRevocation.values),
                name="apitoken_revoked_reason_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(revoked_at__isnull=True, revoked_reason="")
                | models.Q(revoked_at__isnull=False) & ~models.Q(revoked_reason=""),
                name="apitoken_revoked_with_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("created_at")), name="apitoken_expires_after_creation"
            ),
        ]
        indexes = [models.Index(fields=["user", "revoked_at"], name="apitoken_user_live_idx")]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user_id})"


class OidcIdentity(models.Model):
    """Which account an OpenID Connect subject signs in to. Accounts are matched on the
    provider's stable `sub`, never on a username or e-mail address the provider lets a
    person choose, so that nobody takes over a local account by naming themselves after it."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="oidc_identity")
    issuer = models.CharField(max_length=255)
    subject = models.CharField(max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)
    last_sign_in_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("OpenID Connect identity")
        verbose_name_plural = _("OpenID Connect identities")
        constraints = [models.UniqueConstraint(fields=["issuer", "subject"], name="oidcidentity_issuer_subject_unique")]

    def __str__(self) -> str:
        return f"{self.subject} @ {self.issuer}"
