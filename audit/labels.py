"""Words for machine keys: event types, refusal codes and recorded values as people read them.

Every app that writes events registers its words in its own `labels.py` (found by
`autodiscover_modules`), so that the audit trail, the profile page and every other page
show "Profile refused (role required)" instead of `profile.refused (role_required)`.
The audit app keeps the registry because it imports nothing of ours; the other apps
depend on it. A key nobody registered is shown as it is, never hidden.
"""

from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.module_loading import autodiscover_modules

EVENT_LABELS: dict[str, Any] = {}
CODE_LABELS: dict[str, Any] = {}
VALUE_LABELS: dict[str, Any] = {}
FACT_LABELS: dict[str, Any] = {}

_discovered = False


def labels_register(
    *,
    events: Mapping[str, Any] | None = None,
    codes: Mapping[str, Any] | None = None,
    values: Mapping[str, Any] | None = None,
    facts: Mapping[str, Any] | None = None,
) -> None:
    """Add words for event types, refusal codes, recorded values and the names of facts."""
    EVENT_LABELS.update(events or {})
    CODE_LABELS.update(codes or {})
    VALUE_LABELS.update(values or {})
    FACT_LABELS.update(facts or {})


def _discover() -> None:
    global _discovered
    if not _discovered:
        _discovered = True
        autodiscover_modules("labels")


def event_label(event_type: str) -> str:
    _discover()
    return str(EVENT_LABELS.get(event_type, event_type))


def code_label(code: str) -> str:
    _discover()
    return str(CODE_LABELS.get(code, code))


def value_label(value: Any) -> Any:
    """A recorded value in words when it is a registered key (a status, a characteristic)."""
    _discover()
    if isinstance(value, str) and value in VALUE_LABELS:
        return str(VALUE_LABELS[value])
    return value


def fact_label(name: str) -> str:
    _discover()
    return str(FACT_LABELS.get(name, name))


def event_text(event_type: str, codes: Iterable[str] | None = None) -> str:
    """ "Profile refused (role required)": the event and, for a refusal, its reasons."""
    text = event_label(event_type)
    reasons = [code_label(c) for c in codes or []]
    return f"{text} ({', '.join(reasons)})" if reasons else text
