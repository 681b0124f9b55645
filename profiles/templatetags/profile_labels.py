"""Criteria in words in any list of profiles: "Nigeria, Ghana" instead of `NGA, GHA`."""

from typing import Any

from django import template
from django.utils.translation import get_language

from profiles import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def catalogue_labels(context: template.Context) -> dict[str, dict[str, str]]:
    """Every code's label in the page's language, read once per request."""
    request = context.get("request")
    key = f"_catalogue_labels_{(get_language() or 'nl')[:2]}"
    cached = getattr(request, key, None) if request is not None else None
    if cached is None:
        cached = {c: dict(rows) for c, rows in selectors.catalogue_choices().items()}
        if request is not None:
            setattr(request, key, cached)
    return cached


@register.filter
def criterion_text(criterion: Any, labels: dict[str, dict[str, str]]) -> str:
    names = labels.get(criterion.characteristic, {}) if isinstance(labels, dict) else {}
    return ", ".join(names.get(code, code) for code in criterion.values or [])
