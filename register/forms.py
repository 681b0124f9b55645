"""The editor's form: one input per field of publication standard 1.0. It only collects
input; the service validates with the one validator and its problems come back on the
fields (`problems_to_form`)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .standard import FIELDS, RICH_TAGS, TABS, Field


def _groups_to_text(items: list[dict[str, str]] | None) -> str:
    return "\n".join(f"{i.get('title', '')} | {i.get('link', '')}".rstrip(" |") for i in items or [])


def _text_to_groups(text: str | None) -> list[dict[str, str]]:
    out = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        title, _sep, link = line.partition("|")
        out.append({"title": title.strip(), "link": link.strip()})
    return out


def _form_field(f: Field) -> forms.Field:
    label = f"{f.label_nl} ({f.key})"
    limit = _("At most %(n)s characters, counted without HTML.") % {"n": f.max} if f.max else ""
    if f.kind == "rich":
        return forms.CharField(
            label=label,
            required=False,
            widget=forms.Textarea(attrs={"rows": 6}),
            help_text=f"{limit} "
            + str(_("Allowed HTML: %(tags)s; everything else is removed.") % {"tags": ", ".join(sorted(RICH_TAGS))}),
        )
    if f.kind in ("enum",):
        return forms.ChoiceField(label=label, required=False, choices=[("", "—"), *[(c, c) for c in f.choices]])
    if f.kind == "themes":
        return forms.MultipleChoiceField(
            label=label, required=False, choices=[(c, c) for c in f.choices], widget=forms.CheckboxSelectMultiple
        )
    if f.kind == "groups":
        return forms.CharField(
            label=label,
            required=False,
            widget=forms.Textarea(attrs={"rows": 3}),
            help_text=_("One item per line: title | link."),
        )
    if f.kind == "yearmonth":
        return forms.CharField(
            label=label,
            required=False,
            help_text=_("Year and month as yyyy-mm, e.g. 2017-03."),
            widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 8}),
        )
    long = f.max is not None and f.max > 200
    widget = forms.Textarea(attrs={"rows": 3}) if long else forms.TextInput(attrs={"size": 60})
    return forms.CharField(label=label, required=False, widget=widget, help_text=limit)


EDITED_KINDS = ("text", "rich", "enum", "themes", "yearmonth", "url", "contact", "groups", "tags")


class EntryForm(forms.Form):
    def __init__(self, *args: Any, initial_fields: dict[str, Any] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        for f in FIELDS:
            if f.kind in EDITED_KINDS and f.key != "source_id":
                self.fields[f.key] = _form_field(f)
                value = (initial_fields or {}).get(f.key)
                self.initial[f.key] = _groups_to_text(value) if f.kind == "groups" else value

    def tabs(self) -> list[dict[str, Any]]:
        return [
            {
                "key": tab,
                "label": label_nl,
                "fields": [self[f.key] for f in FIELDS if f.tab == tab and f.key in self.fields],
            }
            for tab, (label_nl, _en) in TABS.items()
        ]

    def entry_fields(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in FIELDS:
            if f.key not in self.fields:
                continue
            value = self.cleaned_data.get(f.key)
            out[f.key] = (
                _text_to_groups(value)
                if f.kind == "groups"
                else (list(value or []) if f.kind == "themes" else (value or ""))
            )
        return out


class CommentForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class TranslationForm(forms.Form):
    field = forms.CharField(widget=forms.HiddenInput)
    language = forms.CharField(widget=forms.HiddenInput)
    text = forms.CharField(label=_("Approved translation"), widget=forms.Textarea(attrs={"rows": 3}))
