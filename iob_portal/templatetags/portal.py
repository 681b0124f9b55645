"""The portal's shared template tags: the error summary every form uses.

`{% error_summary form %}` lists every problem once, each a link to the input it
concerns, above the form; `static/js/portal.js` moves the focus to it so that a
screen-reader user hears it and a keyboard user is one Tab away from the first field.
The inline errors stay beside the fields (`_field.html`).
"""

from typing import Any

from django import template
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

register = template.Library()


def _rows_from_form(form: Any, form_id: str) -> list[dict[str, str]]:
    if hasattr(form, "error_summary"):  # a form that knows its own anchors (the profile form)
        return list(form.error_summary())
    rows = []
    for name, errors in form.errors.as_data().items():
        anchor = form_id if name == "__all__" else form[name].auto_id
        rows += [{"anchor": anchor, "code": e.code or "invalid", "message": " ".join(e.messages)} for e in errors]
    return rows


def _rows_from_problems(problems: Any, anchors: dict[str, str] | None, default_anchor: str) -> list[dict[str, str]]:
    rows = []
    for problem in problems or []:
        field = getattr(problem, "field", None)
        anchor = (anchors or {}).get(field or "", default_anchor) if anchors is not None else default_anchor
        rows.append({"anchor": anchor, "code": getattr(problem, "code", ""), "message": str(problem.message)})
    return rows


@register.inclusion_tag("includes/error_summary.html")
def error_summary(
    source: Any = None,
    heading: str = "",
    form_id: str = "main",
    anchors: dict[str, str] | None = None,
) -> dict[str, Any]:
    """`source` is a bound form or a list of `Problem`s (with `anchors`: field → input id)."""
    if source is None:
        rows: list[dict[str, str]] = []
    elif hasattr(source, "errors") and hasattr(source, "fields"):
        rows = _rows_from_form(source, form_id)
    else:
        rows = _rows_from_problems(source, anchors, form_id)
    if rows and not heading:
        heading = ngettext(
            "There is %(count)d problem; nothing was saved.",
            "There are %(count)d problems; nothing was saved.",
            len(rows),
        ) % {"count": len(rows)}
    return {"rows": rows, "heading": heading or _("This could not be done")}
