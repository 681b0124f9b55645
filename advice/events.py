"""Audit events of the advice engine: one function per event type."""

from typing import Any

from accounts.actors import SystemActor
from audit.services import audit_event_record

# The engine acts on its own when it loads the active profiles; it holds no right.
ENGINE = SystemActor("advice-engine")


def profile_refused_by_engine(*, profile: Any, problems: list[dict[str, str]]) -> None:
    """An active profile that failed the validator when the engine loaded it, and so is
    not used: someone changed the database around the services and their triggers."""
    audit_event_record(
        event_type="advice.profile_refused",
        actor=ENGINE,
        target=profile,
        data={
            "code": profile.code,
            "version": profile.version,
            "codes": sorted({p["code"] for p in problems}),
            "problems": problems,
        },
    )


def banned_characteristic_refused(*, actor: Any, door: str, codes: list[str], fields: list[str]) -> None:
    """An advice request that named a special category of personal data (rule 5 of the
    characteristics contract): refused, and on record like every such attempt."""
    audit_event_record(
        event_type="advice.banned_characteristic_refused",
        actor=actor,
        target_type="advice.application",
        data={"door": door, "codes": codes, "fields": fields},
    )
