from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from profiles.characteristics import Characteristic

register = template.Library()


@register.filter
def characteristic_label(name: str) -> str:
    try:
        return str(Characteristic(name).label)
    except ValueError:
        return name


@register.filter
def kind_label(kind: str) -> str:
    return {"chance": _("Chance profile"), "risk": _("Risk profile"), "inbetween": _("In between")}.get(kind, kind)


@register.filter
def group_text(characteristics: dict) -> str:
    return ", ".join(f"{characteristic_label(c)}: {v}" for c, v in characteristics.items())


@register.filter
def percent(value: float) -> str:
    return f"{value * 100:.2f}%" if value is not None else "–"


@register.filter
def signed(value: int) -> str:
    return f"+{value}" if value > 0 else str(value)


def _node(node: dict) -> SafeString:
    head = format_html(
        "{}: <strong>{}</strong> · {} · n = {} · {} {} · {} {}",
        characteristic_label(node["c"]),
        node["v"],
        kind_label(node["label"]),
        node["n"],
        _("hit rate"),
        percent(node["hit_rate"]),
        _("refusal rate"),
        percent(node["refusal_rate"]),
    )
    if not node["children"]:
        return format_html('<li class="leaf leaf-{}">{}</li>', node["label"], head)
    return format_html(
        "<li><details><summary>{}</summary><ul>{}</ul></details></li>",
        head,
        mark_safe("".join(_node(child) for child in node["children"])),
    )  # noqa: S308 - escaped above


@register.simple_tag
def tree_outline(outline: list) -> SafeString:
    if not outline:
        return format_html("<p>{}</p>", _("The tree is empty: no group reached the minimum size."))
    return format_html("<ul>{}</ul>", format_html_join("", "{}", ((_node(n),) for n in outline)))
