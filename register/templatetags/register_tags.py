"""Showing a field of the register entry: rich text is stored sanitised (standard.py),
so it is marked safe only after a second pass through the same sanitiser."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from register.standard import sanitise_rich

register = template.Library()


@register.simple_tag
def register_value(value, kind, empty_text=None):
    if value in (None, "", []):
        return format_html('<p class="empty">{}</p>', empty_text or gettext("not filled in"))
    if kind == "rich":
        return mark_safe(sanitise_rich(value))  # noqa: S308 - sanitised: only div, br, p, ul, ol, li survive
    if kind == "themes":
        return format_html("<p>{}</p>", ", ".join(value))
    if kind == "groups":
        items = format_html_join(
            "",
            "<li>{}{}</li>",
            (
                (
                    item.get("title"),
                    format_html(' — <a href="{}">{}</a>', item["link"], item["link"]) if item.get("link") else "",
                )
                for item in value
            ),
        )
        return format_html("<ul>{}</ul>", items)
    if kind in ("url", "contact") and str(value).startswith("https://"):
        return format_html('<p><a href="{}">{}</a></p>', value, value)
    return format_html("<p>{}</p>", value)
