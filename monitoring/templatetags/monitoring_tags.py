from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def percent(value, digits: int = 1) -> str:
    """0.1234 → "12.3 %" in the active language's number format; None (no denominator) → "—"."""
    if value is None:
        return "—"
    # number_format cuts decimals off; round first so 2/3 reads 66.7, not 66.6.
    return f"{number_format(round(value * 100, int(digits)), decimal_pos=int(digits))} %"


@register.filter
def signed(value) -> str:
    if not value:
        return "0"
    return f"+{number_format(value, force_grouping=True)}" if value > 0 else number_format(value, force_grouping=True)
