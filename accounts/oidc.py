"""Sign-in through OpenID Connect (Keycloak or any provider), beside local accounts.

mozilla-django-oidc runs the authorization code flow (state, nonce, PKCE); this module
gives it its configuration from the environment (IOB_OIDC_*; off when no issuer is set),
reads the provider's endpoints from its discovery document, and closes what the library
leaves open: the ID token's issuer and audience are checked, the userinfo answer must
name the same subject, and accounts are found by (issuer, subject), never by e-mail.

Roles come from a claim (`IOB_OIDC_ROLE_CLAIM`, a dotted path) through `IOB_OIDC_ROLE_MAP`
and are set again at every sign-in (audited as `user.roles_synced` when they change). A
claim that names no known role gives no role. Claims that would make one account both
administrator and a workflow role are refused, as everywhere else in the portal.
"""

from __future__ import annotations

import hashlib
import re
import time
from typing import Any

import jwt
import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from . import events
from .models import OidcIdentity
from .roles import WORKFLOW_ROLES, Role

DISCOVERY_TTL_SECONDS = 3600
_discovery: dict[str, tuple[float, dict[str, Any]]] = {}


class OidcRefused(Exception):
    """A sign-in the portal refuses although the provider vouched for it."""

    def __init__(self, reason: str, detail: str = "", *, subject: str = "", username: str = ""):
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail
        self.subject = subject
        self.username = username


def oidc_enabled() -> bool:
    return bool(getattr(settings, "IOB_OIDC_ISSUER", "") and getattr(settings, "IOB_OIDC_CLIENT_ID", ""))


def provider_metadata() -> dict[str, Any]:
    """The provider's discovery document (cached an hour). Its `issuer` must be the one
    configured, or a document served elsewhere could redirect the portal's trust."""
    issuer = settings.IOB_OIDC_ISSUER.rstrip("/")
    cached = _discovery.get(issuer)
    if cached and time.monotonic() - cached[0] < DISCOVERY_TTL_SECONDS:
        return cached[1]
    response = requests.get(issuer + "/.well-known/openid-configuration", timeout=settings.IOB_OIDC_TIMEOUT_SECONDS)
    response.raise_for_status()
    metadata = response.json()
    if str(metadata.get("issuer", "")).rstrip("/") != issuer:
        raise SuspiciousOperation("The discovery document names another issuer.")
    for key in ("authorization_endpoint", "token_endpoint", "userinfo_endpoint", "jwks_uri"):
        if not isinstance(metadata.get(key), str):
            raise SuspiciousOperation(f"The discovery document lacks {key}.")
    _discovery[issuer] = (time.monotonic(), metadata)
    return metadata


def claim_values(claims: dict[str, Any], path: str) -> list[str]:
    """The strings at a dotted path of the claims ("roles", "realm_access.roles", "groups")."""
    value: Any = claims
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def roles_from_claims(claims: dict[str, Any]) -> tuple[list[str], list[str]]:
    """(portal roles, claim values read). Values the map does not know give no role."""
    mapping = settings.IOB_OIDC_ROLE_MAP or {role: role for role in Role.values}
    claimed = claim_values(claims, settings.IOB_OIDC_ROLE_CLAIM)
    roles = {mapping[value] for value in claimed if value in mapping and mapping[value] in Role.values}
    return sorted(roles), claimed


_USERNAME_UNSAFE = re.compile(r"[^\w.@+-]")


def _new_username(claims: dict[str, Any], subject: str) -> str:
    User = get_user_model()
    wanted = str(claims.get(settings.IOB_OIDC_USERNAME_CLAIM) or claims.get("email") or subject)
    base = _USERNAME_UNSAFE.sub("_", wanted)[:120] or "oidc"
    if not User.objects.filter(username=base).exists():
        return base
    # Taken (by a local account or another subject): never reuse it, add the subject's mark.
    return f"{base}.{hashlib.sha256(subject.encode()).hexdigest()[:10]}"


@transaction.atomic
def oidc_account_sync(*, issuer: str, claims: dict[str, Any]):
    """The account of this subject, made on first sign-in (no usable local password), with
    its roles set from the claims. Raises OidcRefused (and changes nothing) when refused."""
    subject = str(claims.get("sub") or "")
    if not subject:
        raise OidcRefused("no_subject", "The provider's answer names no subject.")
    roles, claimed = roles_from_claims(claims)
    username_hint = str(claims.get(settings.IOB_OIDC_USERNAME_CLAIM) or "")
    if Role.ADMINISTRATOR in roles and WORKFLOW_ROLES & set(roles):
        raise OidcRefused(
            "administrator_with_workflow_role",
            f"claims give {roles}",
            subject=subject,
            username=username_hint,
        )
    identity = OidcIdentity.objects.select_related("user").filter(issuer=issuer, subject=subject).first()
    created = identity is None
    if identity is None:
        User = get_user_model()
        user = User(
            username=_new_username(claims, subject),
            email=str(claims.get("email") or "")[:254],
            first_name=str(claims.get("given_name") or "")[:150],
            last_name=str(claims.get("family_name") or "")[:150],
        )
        # Signs in through the provider only: no password can open this account locally.
        user.set_unusable_password()
        user.save()
        identity = OidcIdentity.objects.create(user=user, issuer=issuer, subject=subject)
        events.user_saved(actor=None, user=user, created=True, roles=[])
    user = identity.user
    if not user.is_active:
        raise OidcRefused("account_inactive", "the account is deactivated", subject=subject, username=user.username)
    before = sorted(user.groups.values_list("name", flat=True))
    if before != roles:
        user.groups.set(Group.objects.filter(name__in=roles))
        events.oidc_roles_synced(user=user, before=before, after=roles, claimed=claimed)
    user._iob_roles = set(roles)  # the cached roles of this object follow the change
    identity.last_sign_in_at = timezone.now()
    identity.save(update_fields=["last_sign_in_at"])
    events.oidc_signed_in(user=user, issuer=issuer, subject=subject, created=created)
    return user


class PortalOIDCBackend(OIDCAuthenticationBackend):
    """Answers the callback only. It grants no permission itself: rights come from roles
    through `PortalModelBackend`, and nothing here may add to them."""

    def __init__(self, *args, **kwargs):
        # Django builds a backend for every request that reads the session's user: no
        # settings checks or network here (mozilla's __init__ needs the endpoints).
        self.UserModel = get_user_model()

    def _configure(self) -> None:
        metadata = provider_metadata()
        self.OIDC_OP_TOKEN_ENDPOINT = metadata["token_endpoint"]
        self.OIDC_OP_USER_ENDPOINT = metadata["userinfo_endpoint"]
        self.OIDC_OP_JWKS_ENDPOINT = metadata["jwks_uri"]
        self.OIDC_RP_CLIENT_ID = settings.IOB_OIDC_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.IOB_OIDC_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = settings.IOB_OIDC_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None

    def authenticate(self, request, **kwargs):
        # Only the callback view calls with a nonce and a PKCE verifier; a password sign-in
        # (which passes username and password to every backend) never reaches the provider.
        if not oidc_enabled() or request is None or "nonce" not in kwargs or "password" in kwargs:
            return None
        self._configure()
        return super().authenticate(request, **kwargs)

    def _verify_jws(self, payload, key):
        """The signature, and what mozilla-django-oidc does not check: the issuer, that the
        token is for this client, and its lifetime."""
        header = jwt.get_unverified_header(payload)
        if header.get("alg") != self.OIDC_RP_SIGN_ALGO:
            raise SuspiciousOperation("The ID token is signed with another algorithm.")
        try:
            return jwt.decode(
                payload,
                key,
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=settings.IOB_OIDC_ISSUER.rstrip("/"),
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
                leeway=30,
            )
        except jwt.PyJWTError as error:
            raise SuspiciousOperation(f"ID token refused: {error}") from error

    def get_or_create_user(self, access_token, id_token, payload):
        userinfo = self.get_userinfo(access_token, id_token, payload)
        if str(userinfo.get("sub")) != str(payload.get("sub")):
            # Not SuspiciousOperation: mozilla-django-oidc would swallow it here unrecorded.
            raise OidcRefused(
                "userinfo_subject_mismatch",
                "the userinfo answer names another subject than the ID token",
                subject=str(payload.get("sub") or ""),
            )
        # Roles may be in the ID token or in the userinfo answer; userinfo is the fresher.
        claims = {**payload, **userinfo}
        return oidc_account_sync(issuer=settings.IOB_OIDC_ISSUER.rstrip("/"), claims=claims)

    def get_user(self, user_id):
        user = self.UserModel._default_manager.filter(pk=user_id).first()
        return user if user is not None and user.is_active else None

    # No rights from this backend (Django asks every backend and takes any yes).
    def get_user_permissions(self, user_obj, obj=None):
        return set()

    def get_group_permissions(self, user_obj, obj=None):
        return set()

    def get_all_permissions(self, user_obj, obj=None):
        return set()

    def has_perm(self, user_obj, perm, obj=None):
        return False

    def has_module_perms(self, user_obj, app_label):
        return False


def _reason_of(message: str) -> str:
    """A stable reason code for the audit trail from the library's message."""
    for needle, reason in (
        ("state", "unknown_state"),
        ("Nonce", "nonce_mismatch"),
        ("ID token refused", "id_token_invalid"),
        ("JWS", "id_token_invalid"),
        ("JWKS", "unknown_signing_key"),
        ("algorithm", "id_token_invalid"),
        ("discovery", "discovery_invalid"),
    ):
        if needle in message:
            return reason
    return "invalid_answer"


def _ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR")


class PortalOIDCRequestView(OIDCAuthenticationRequestView):
    """Sends the browser to the provider (with state, nonce and a PKCE challenge)."""

    def __init__(self, *args, **kwargs):
        # The endpoint comes from discovery at request time, not from settings at start.
        super(OIDCAuthenticationRequestView, self).__init__(*args, **kwargs)

    def get(self, request):
        if not oidc_enabled():
            return HttpResponseRedirect(reverse("login"))
        try:
            metadata = provider_metadata()
        except (requests.RequestException, ValueError, SuspiciousOperation):
            messages.error(request, _("The government sign-in service cannot be reached. Try again later."))
            return HttpResponseRedirect(reverse("login"))
        self.OIDC_OP_AUTH_ENDPOINT = metadata["authorization_endpoint"]
        self.OIDC_RP_CLIENT_ID = settings.IOB_OIDC_CLIENT_ID
        return super().get(request)


class PortalOIDCCallbackView(OIDCAuthenticationCallbackView):
    """The provider's answer. Every refusal is audited (`auth.oidc_refused`) and the person
    is sent back to the sign-in page with a message; nothing answers 500 or 400."""

    _recorded = False

    def _refuse(self, reason: str, detail: str = "", subject: str = "", username: str = ""):
        if not self._recorded:
            self._recorded = True
            with transaction.atomic():
                events.oidc_refused(
                    reason=reason, detail=detail, subject=subject, username=username, ip=_ip(self.request)
                )
        if reason == "administrator_with_workflow_role":
            message = _(
                "Your government account gives you the administrator role and a workflow role at once. "
                "The portal does not allow that: ask the account administrators to change your roles."
            )
        else:
            message = _("Signing in with your government account did not succeed. Try again.")
        messages.error(self.request, message)
        return HttpResponseRedirect(reverse("login"))

    def login_failure(self):
        if self.request.GET.get("error"):
            return self._refuse("provider_error", str(self.request.GET.get("error"))[:100])
        return self._refuse("no_matching_sign_in", "no sign-in of this browser waits for this answer")

    def get(self, request):
        if not oidc_enabled():
            return HttpResponseRedirect(reverse("login"))
        try:
            return super().get(request)
        except OidcRefused as refused:
            return self._refuse(refused.reason, refused.detail, refused.subject, refused.username)
        except SuspiciousOperation as error:
            return self._refuse(_reason_of(str(error)), str(error))
        except (requests.RequestException, ValueError, KeyError) as error:
            return self._refuse("provider_unreachable", type(error).__name__)
