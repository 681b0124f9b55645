"""Display of report figures: rounding and language only here (the JSON is unrounded)."""

from django import template
from django.utils import translation
from django.utils.formats import number_format
from django.utils.html import format_html

from ..presentation import (
    DIRECTION_NAMES,
    METRIC_NAMES,
    PART_NAMES,
    finding_anchor,
    fmt_count,
    fmt_p,
    fmt_pct,
    fmt_ratio,
)

register = template.Library()


def _lang() -> str:
    return (translation.get_language() or "nl")[:2]


@register.filter
def pct(value):
    return fmt_pct(value, _lang())


@register.filter
def ratio(value):
    return fmt_ratio(value, _lang())


@register.filter
def pval(value):
    return fmt_p(value, _lang())


@register.filter
def count(value, min_cell):
    return fmt_count(value, _lang(), int(min_cell))


@register.filter
def num(value):
    """A whole number as the page's language writes it: 1.011 in Dutch, 1,011 in English
    (the portal leaves USE_THOUSAND_SEPARATOR off, so that ids and years in forms stay bare)."""
    if value is None or value == "":
        return "—"
    return number_format(value, force_grouping=True)


@register.filter
def interval(value):
    if not value:
        return "—"
    return f"{fmt_pct(value[0], _lang())} – {fmt_pct(value[1], _lang())}"


@register.filter
def label(value):
    """A {"nl": ..., "en": ...} label in the current language."""
    if isinstance(value, dict):
        return value.get(_lang()) or value.get("en") or ""
    return value


@register.filter
def get(mapping, key):
    return (mapping or {}).get(key)


@register.filter
def sortnum(value):
    """A machine-readable sort key for a table cell (empty when there is no figure)."""
    return "" if value is None else repr(float(value))


@register.simple_tag
def bi(msgid: str):
    """A heading in Dutch with its English beneath, for the bilingual PDF."""
    with translation.override("nl"):
        nl = translation.gettext(msgid)
    with translation.override("en"):
        en = translation.gettext(msgid)
    if nl == en:
        return nl
    return format_html('<span lang="nl">{}</span><span class="en" lang="en">{}</span>', nl, en)


@register.filter
def part_name(value):
    return PART_NAMES.get(value, value)


@register.filter
def direction_name(value):
    return DIRECTION_NAMES.get(value, value)


@register.filter
def metric_name(value):
    return METRIC_NAMES.get(value, value)


@register.filter
def signal_value(signal):
    """A signal's value as a reader sees it: a rate as a percentage, an odds ratio as a number."""
    if signal.get("metric") == "amplification":
        return fmt_ratio(signal.get("value"), _lang())
    return fmt_pct(signal.get("value"), _lang())


@register.filter
def anchor(finding_id):
    return finding_anchor(str(finding_id))
