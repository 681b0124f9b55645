"""The register entry as files: the delivery API's JSON body, the internal review PDF
and the applicant factsheet; and the `register` export kind (documents/exports.py)."""

from __future__ import annotations

import json
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from documents.exports import ExportFile, ExportKind, Progress, export_kind_register
from documents.pdf import pdf_render
from problems import DomainError

from . import selectors
from .models import EntryVersion
from .standard import FIELDS, TABS


def register_body(version: EntryVersion) -> dict[str, Any]:
    """The flat JSON object the register's delivery API takes for POST and PUT: the keys
    of publication standard 1.0 in the register's order; empty text as null, lists as
    lists; `lars` once the register has assigned one; `publication_dt` never (the
    register sets it)."""
    body: dict[str, Any] = {}
    for f in FIELDS:
        if f.key == "publication_dt":
            continue
        if f.key == "lars":
            if version.entry.lars:
                body["lars"] = version.entry.lars
            continue
        value = version.fields.get(f.key)
        if f.kind in ("themes", "groups"):
            body[f.key] = list(value or [])
        else:
            body[f.key] = value if value not in ("", None) else None
    body["lang"], body["standard_version"] = "nld", "1.0"
    return body


def register_json(version: EntryVersion) -> bytes:
    return json.dumps(register_body(version), ensure_ascii=False, indent=2).encode()


def _footer(version: EntryVersion) -> str:
    return (
        f"IOB · Algoritmeregister · {version.entry.system} v{version.number} · {version.get_status_display()} · "
        f"content sha256 {version.content_hash or '(concept)'}"
    )


def review_pdf(version: EntryVersion) -> bytes:
    """The internal review PDF, laid out like the register's page: the card, then the
    four tabs, every field with its label, "niet ingevuld" when empty, and the sign-off."""
    with translation.override("nl"):
        tabs = [
            {
                "label": label_nl,
                "fields": [
                    {
                        "key": f.key,
                        "label": f.label_nl,
                        "kind": f.kind,
                        "value": version.fields.get(f.key)
                        if f.kind != "readonly"
                        else (
                            version.entry.lars
                            if f.key == "lars"
                            else version.register_answer.get("publish", {}).get("publication_dt")
                        ),
                    }
                    for f in FIELDS
                    if f.tab == tab
                ],
            }
            for tab, (label_nl, _en) in TABS.items()
        ]
        body = render_to_string(
            "register/review_pdf.html",
            {
                "version": version,
                "tabs": tabs,
                "fields": version.fields,
                "transitions": version.transitions.all(),
                "generated_at": timezone.now(),
            },
        )
        return pdf_render(
            body_html=body,
            footer=_footer(version),
            title=f"Algoritmeregister: {version.fields.get('name') or version.entry.system}",
            lang="nl",
            tagged=True,
        ).content


def _check_params(params: dict[str, Any]) -> dict[str, Any]:
    unknown = set(params) - {"version"}
    if unknown:
        raise DomainError.single(
            "invalid_export_params",
            _("Unknown parameters: %(names)s.") % {"names": ", ".join(sorted(unknown))},
            "params",
        )
    _version_for(params)
    return params


def _version_for(params: dict[str, Any]) -> EntryVersion:
    if params.get("version"):
        try:
            return selectors.version_get(public_id=params["version"])
        except (EntryVersion.DoesNotExist, ValueError, Exception) as error:  # noqa: BLE001 - bad ids too
            raise DomainError.single(
                "unknown_version", _("No such version of the register entry."), "params"
            ) from error
    entry = selectors.entry_current()
    version = selectors.version_current(entry=entry) if entry else None
    if version is None:
        raise DomainError.single("no_register_entry", _("There is no register entry yet; create a draft first."))
    return version


def render_register(*, fmt: str, params: dict[str, Any], progress: Progress) -> ExportFile:
    version = _version_for(params)
    subject = f"{version.entry.system} v{version.number} ({version.status})"
    stem = f"algoritmeregister-{version.entry.system.lower()}-v{version.number}"
    if fmt == "json":
        return ExportFile(register_json(version), f"{stem}.json", "application/json", subject)
    progress(30, gettext("Drawing the PDF"))
    return ExportFile(review_pdf(version), f"{stem}.pdf", "application/pdf", subject)


def register_export_kind() -> None:
    from accounts.roles import VIEW_REGISTER

    export_kind_register(
        ExportKind(
            name="register",
            label=_("Algorithm Register entry"),
            permission=VIEW_REGISTER,
            render=render_register,
            check_params=_check_params,
        )
    )
