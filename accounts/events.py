"""Audit events of accounts: one function per event type."""

from audit.services import audit_event_record

from .actors import SystemActor


def user_saved(*, actor, user, created: bool, roles: list[str]) -> None:
    audit_event_record(
        event_type="user.created" if created else "user.updated",
        actor=actor,
        target=user,
        target_label=user.get_username(),
        data={"roles": roles},
    )


def user_password_changed(*, actor, user) -> None:
    audit_event_record(
        event_type="user.password_changed",
        actor=actor,
        target=user,
        target_label=user.get_username(),
        data={"door": "admin"},
    )


def user_logged_in(*, user, ip: str | None) -> None:
    audit_event_record(
        event_type="auth.login", actor=user, target=user, target_label=user.get_username(), data={"ip": ip}
    )


def user_logged_out(*, user, ip: str | None) -> None:
    audit_event_record(
        event_type="auth.logout", actor=user, target=user, target_label=user.get_username(), data={"ip": ip}
    )


def user_login_failed(*, username: str, ip: str | None) -> None:
    # A refused attempt: the actor is unknown, the username tried is kept as data.
    audit_event_record(
        event_type="auth.login_failed",
        target_type="auth.user",
        target_label=username[:150],
        data={"username": username[:150], "ip": ip},
    )


def token_issued(*, user, token) -> None:
    audit_event_record(
        event_type="auth.token_issued",
        actor=user,
        target=user,
        target_label=user.get_username(),
        data={"token": str(token.public_id), "prefix": token.prefix, "expires_at": token.expires_at.isoformat()},
    )


def token_revoked(*, actor, token, reason: str) -> None:
    audit_event_record(
        event_type="auth.token_revoked",
        actor=actor,
        target=token.user,
        target_label=token.user.get_username(),
        data={"token": str(token.public_id), "prefix": token.prefix, "reason": reason},
    )


def second_factor_verified(*, user, purpose: str, ip: str | None) -> None:
    audit_event_record(
        event_type="auth.second_factor_verified",
        actor=user,
        target=user,
        target_label=user.get_username(),
        data={"purpose": purpose, "ip": ip},
    )


def second_factor_failed(*, user, purpose: str, reason: str, ip: str | None) -> None:
    # The code is never recorded: only why it failed.
    audit_event_record(
        event_type="auth.second_factor_failed",
        actor=user,
        target=user,
        target_label=user.get_username(),
        data={"purpose": purpose, "reason": reason, "ip": ip},
    )


def second_factor_enrolled(*, actor, user, device_name: str) -> None:
    audit_event_record(
        event_type="auth.second_factor_enrolled",
        actor=actor,
        target=user,
        target_label=user.get_username(),
        data={"device": device_name},
    )


def second_factor_reset(*, actor, user, devices: int) -> None:
    audit_event_record(
        event_type="auth.second_factor_reset",
        actor=actor,
        target=user,
        target_label=user.get_username(),
        data={"devices": devices},
    )


def oidc_signed_in(*, user, issuer: str, subject: str, created: bool) -> None:
    audit_event_record(
        event_type="auth.oidc_sign_in",
        actor=user,
        target=user,
        target_label=user.get_username(),
        data={"issuer": issuer, "subject": subject, "created": created},
    )


def oidc_roles_synced(*, user, before: list[str], after: list[str], claimed: list[str]) -> None:
    audit_event_record(
        event_type="user.roles_synced",
        actor=SystemActor("oidc"),
        target=user,
        target_label=user.get_username(),
        data={"before": before, "after": after, "claimed": claimed, "source": "oidc"},
    )


def oidc_refused(*, reason: str, detail: str, subject: str = "", username: str = "", ip: str | None = None) -> None:
    audit_event_record(
        event_type="auth.oidc_refused",
        target_type="auth.user",
        target_label=username[:150],
        data={"reason": reason, "detail": detail[:300], "subject": subject[:255], "ip": ip},
    )
