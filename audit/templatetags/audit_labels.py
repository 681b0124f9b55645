"""Template filters that put words on machine keys (see `audit.labels`)."""

from typing import Any

from django import template

from audit import labels

register = template.Library()


@register.filter
def event_label(event_type: str) -> str:
    return labels.event_label(event_type)


@register.filter
def event_text(event: Any) -> str:
    """An audit event's type with the reasons of a refusal, in words."""
    data = getattr(event, "data", None)
    codes = data.get("codes") if isinstance(data, dict) else None
    return labels.event_text(event.event_type, codes if isinstance(codes, list) else None)


@register.filter
def code_label(code: str) -> str:
    return labels.code_label(code)


@register.filter
def value_label(value: Any) -> Any:
    return labels.value_label(value)
