"""The second factor (TOTP, django-otp) and step-up: the one place that decides both.

Who: accounts holding a role in `SECOND_FACTOR_ROLES` (reviewer, DPO, administrator), when
`IOB_SECOND_FACTOR_REQUIRED` is on. They pass a code after their password (or OpenID
Connect) sign-in before any page opens (`SecondFactorMiddleware`), and a session that still
owes its code is no API session either (`PortalSessionAuthentication`).

Step-up: the acts that bind the ministry (`STEP_UP_ACTIONS`: approving a profile or a
register entry, the DPO's sign-offs, signing a DPIA/IAMA, publishing a register entry)
need a code younger than `IOB_STEP_UP_SECONDS`. `step_up_needed` is the one predicate;
the web doors call `step_up_redirect` (to the step-up page and back), the API doors
`step_up_require_api` (a code in the `IOB-OTP` header, or a token issued with a code
within the window). A stolen session or token alone can then no longer approve.

Every verification and every failure is audited; a failure counts toward django-axes'
lock-out of the account, and the device itself waits longer after each wrong code.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import logout
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext_lazy as _
from drf_spectacular.authentication import SessionScheme
from rest_framework.authentication import SessionAuthentication

from problems import DomainError

from . import events
from .roles import Role, user_roles

if TYPE_CHECKING:
    from django_otp.plugins.otp_totp.models import TOTPDevice

SECOND_FACTOR_ROLES = frozenset({Role.REVIEWER, Role.DPO, Role.ADMINISTRATOR})

# (app, workflow action) pairs that need a recent code. Publishing a register entry makes
# it public in the ministry's name, so it is a sign-off like the others; approving a
# generation run's chance profiles in bulk approves profiles, so it is one too.
STEP_UP_ACTIONS: dict[str, frozenset[str]] = {
    "profiles": frozenset({"approve", "dpo_sign_off"}),
    "generation": frozenset({"bulk_approve"}),
    "reports": frozenset({"sign_off"}),
    "assessments": frozenset({"sign"}),
    "register": frozenset({"approve", "publish"}),
}

OTP_HEADER = "IOB-OTP"
_OTP_META = "HTTP_IOB_OTP"
SESSION_AT = "iob_second_factor_at"
SESSION_USER = "iob_second_factor_user"
DEMO_DEVICE_NAME = "seed_demo"


# --- who, and whether they have passed -------------------------------------------------------


def second_factor_required(user: Any) -> bool:
    """True when this account must pass a TOTP code (the setting is on and a role asks it)."""
    if not getattr(settings, "IOB_SECOND_FACTOR_REQUIRED", True):
        return False
    return bool(user_roles(user) & SECOND_FACTOR_ROLES)


def second_factor_device(user: Any) -> TOTPDevice | None:
    """The user's confirmed TOTP device (one per user), or None."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if not getattr(user, "is_authenticated", False):
        return None
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def _session_verified_at(request: HttpRequest) -> float | None:
    session = getattr(request, "session", None)
    user = getattr(request, "user", None)
    if session is None or user is None or not user.is_authenticated:
        return None
    # The mark names its user: a session that changes hands never inherits it.
    if session.get(SESSION_USER) != user.pk:
        return None
    at = session.get(SESSION_AT)
    return float(at) if isinstance(at, int | float) else None


def second_factor_passed(request: HttpRequest) -> bool:
    """The session's user needs no code, or has given one since signing in."""
    return not second_factor_required(request.user) or _session_verified_at(request) is not None


def _recent(at: float | None) -> bool:
    return at is not None and time.time() - at <= settings.IOB_STEP_UP_SECONDS


def _is_step_up_action(scope: str, action: str) -> bool:
    return action in STEP_UP_ACTIONS.get(scope, frozenset())


def step_up_needed(request: Any, scope: str, action: str) -> bool:
    """THE predicate: must this request give a fresh code before `action` of `scope` runs?

    True when the action is one of `STEP_UP_ACTIONS`, the user must use a second factor,
    and the credential this request carries (its session, or its API token) was not
    verified within IOB_STEP_UP_SECONDS."""
    if not _is_step_up_action(scope, action):
        return False
    user = getattr(request, "user", None)
    if not second_factor_required(user):
        return False
    from .models import ApiToken

    auth = getattr(request, "auth", None)
    if isinstance(auth, ApiToken):
        at = auth.second_factor_at.timestamp() if auth.second_factor_at else None
        return not _recent(at)
    return not _recent(_session_verified_at(getattr(request, "_request", request)))


# --- verifying a code ---------------------------------------------------------------------------


def _django_request(request: Any) -> HttpRequest:
    return getattr(request, "_request", request)


def _count_failure(request: HttpRequest, user: Any) -> None:
    """A wrong code counts toward django-axes' lock-out, like a wrong password."""
    from axes.handlers.proxy import AxesProxyHandler

    AxesProxyHandler.update_request(request)
    AxesProxyHandler.user_login_failed(
        sender=second_factor_verify, credentials={"username": user.get_username()}, request=request
    )


def second_factor_locked(request: Any, user: Any) -> bool:
    from axes.handlers.proxy import AxesProxyHandler

    django_request = _django_request(request)
    AxesProxyHandler.update_request(django_request)
    return AxesProxyHandler.is_locked(django_request, {"username": user.get_username()})


def second_factor_verify(*, request: Any, user: Any, code: str, purpose: str, device: Any = None) -> bool:
    """Check `code` against the user's own confirmed device (or the given one, during
    enrolment). A code is good once: django-otp keeps the last time step used, so a
    replayed code fails. Audited either way; a failure counts toward the lock-out."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    django_request = _django_request(request)
    code = (code or "").strip().replace(" ", "")
    with transaction.atomic():
        # Locked while checking, so that two requests with one code cannot both pass.
        query = TOTPDevice.objects.select_for_update().filter(user=user)
        found = query.filter(pk=device.pk).first() if device is not None else query.filter(confirmed=True).first()
        reason = ""
        if found is None:
            reason = "no_device"
        elif not (code.isdigit() and len(code) == found.digits):
            reason = "malformed"
            found.throttle_increment(commit=True)
        else:
            allowed, _details = found.verify_is_allowed()
            if not allowed:
                reason = "throttled"
            elif not found.verify_token(code):
                reason = "wrong_code"
        ip = django_request.META.get("REMOTE_ADDR")
        if reason:
            events.second_factor_failed(user=user, purpose=purpose, reason=reason, ip=ip)
        else:
            events.second_factor_verified(user=user, purpose=purpose, ip=ip)
    if reason:
        # A throttled attempt checked no code, so it is no guess to count.
        if reason != "throttled":
            _count_failure(django_request, user)
        return False
    return True


def session_mark_verified(request: HttpRequest) -> None:
    request.session[SESSION_USER] = request.user.pk
    request.session[SESSION_AT] = time.time()


def session_clear(request: HttpRequest) -> None:
    for key in (SESSION_AT, SESSION_USER):
        request.session.pop(key, None)


# --- enrolment ------------------------------------------------------------------------------------


def enrolment_device(user: Any) -> TOTPDevice:
    """The user's unconfirmed device to enrol (made once, kept until confirmed)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="portal", confirmed=False)
    return device


def enrolment_confirm(*, request: HttpRequest, code: str) -> bool:
    """Confirm the user's new device with its first code; the session counts as verified."""
    user = request.user
    if second_factor_device(user) is not None:
        return False
    device = enrolment_device(user)
    if not second_factor_verify(request=request, user=user, code=code, purpose="enrolment", device=device):
        return False
    with transaction.atomic():
        device.refresh_from_db()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        events.second_factor_enrolled(actor=user, user=user, device_name=device.name)
    session_mark_verified(request)
    return True


@transaction.atomic
def second_factor_reset(*, actor: Any, user: Any) -> int:
    """Remove every device of `user` (a lost phone): they enrol again at their next sign-in."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    count, _ = TOTPDevice.objects.filter(user=user).delete()
    events.second_factor_reset(actor=actor, user=user, devices=count)
    return count


@transaction.atomic
def demo_device_enrol(*, user: Any) -> TOTPDevice:
    """seed_demo's device for a demo account (named so that `demo_totp` may show its code)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        TOTPDevice.objects.filter(user=user).delete()
        device = TOTPDevice.objects.create(user=user, name=DEMO_DEVICE_NAME, confirmed=True)
        events.second_factor_enrolled(actor="manage.py seed_demo", user=user, device_name=device.name)
    return device


# --- the doors --------------------------------------------------------------------------------------


def _safe_next(request: HttpRequest, candidate: str | None) -> str | None:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return None


def next_url(request: HttpRequest) -> str:
    return _safe_next(request, request.POST.get("next") or request.GET.get("next")) or reverse("home")


def step_up_redirect(request: HttpRequest, scope: str, action: str, back: str | None = None) -> HttpResponse | None:
    """For a web door: None when the action may go ahead, else a redirect to the step-up
    page, which returns to `back` (or the page the form was on) once the code is given."""
    if not step_up_needed(request, scope, action):
        return None
    return_to = _safe_next(request, back) or _safe_next(request, request.META.get("HTTP_REFERER")) or reverse("home")
    return HttpResponseRedirect(reverse("second-factor-step-up") + "?" + urlencode({"next": return_to}))


def step_up_require_api(request: Any, scope: str, action: str) -> None:
    """For an API door: return when the action may go ahead; check a code sent in the
    `IOB-OTP` header; else refuse with 403 `second_factor_required` / `second_factor_invalid`."""
    if not step_up_needed(request, scope, action):
        return
    from .models import ApiToken

    user = request.user
    code = request.META.get(_OTP_META, "")
    if not code:
        raise DomainError.single(
            "second_factor_required",
            _("This step needs a current code from your authenticator app in the IOB-OTP header."),
            status=403,
        )
    if second_factor_locked(request, user) or not second_factor_verify(
        request=request, user=user, code=code, purpose=f"step_up:{scope}.{action}"
    ):
        raise DomainError.single("second_factor_invalid", _("The code is wrong, already used or expired."), status=403)
    if isinstance(request.auth, ApiToken):
        ApiToken.objects.filter(pk=request.auth.pk).update(second_factor_at=timezone.now())
    else:
        session_mark_verified(_django_request(request))


# Pages a user who still owes a code may open: the second-factor pages themselves, signing
# out, the language switch and static files. The API has its own rule (below).
_OPEN_PREFIXES = ("/account/second-factor/", "/static/", "/api/", "/i18n/")
_OPEN_NAMES = ("logout", "admin:logout")


class SecondFactorMiddleware:
    """Sends a signed-in user who owes a code to verification (or enrolment, when they
    have no device yet) before any page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path_info.startswith(_OPEN_PREFIXES)
            and request.path_info not in {reverse(name) for name in _OPEN_NAMES}
            and not second_factor_passed(request)
        ):
            target = "second-factor-verify" if second_factor_device(user) else "second-factor-enrol"
            query = urlencode({"next": request.get_full_path()}) if request.method == "GET" else ""
            return HttpResponseRedirect(reverse(target) + ("?" + query if query else ""))
        return self.get_response(request)


class PortalSessionAuthentication(SessionAuthentication):
    """DRF's session sign-in, refused while the session still owes its second factor."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None and not second_factor_passed(request._request):
            return None
        return result


class PortalSessionScheme(SessionScheme):
    """The schema describes it as the session cookie it is."""

    target_class = "accounts.second_factor.PortalSessionAuthentication"


def second_factor_sign_out(request: HttpRequest) -> None:
    """Locked out while owing a code: the half-finished sign-in ends."""
    logout(request)


def token_second_factor(request: Any, *, user: Any, code: str) -> bool:
    """The token door's second step, for accounts that need one: the `otp` field must hold a
    current code. True when a code was checked (the token then counts as verified)."""
    if not second_factor_required(user):
        return False
    if second_factor_device(user) is None:
        raise DomainError.single(
            "second_factor_not_enrolled",
            _("Your role needs a second factor: sign in on the portal's web pages once to set it up."),
            field="otp",
        )
    if not code:
        raise DomainError.single(
            "second_factor_required", _("Your role needs a second factor: send the current code as otp."), field="otp"
        )
    if not second_factor_verify(request=request, user=user, code=code, purpose="api_token"):
        raise DomainError.single("second_factor_invalid", _("The code is wrong, already used or expired."), field="otp")
    return True
