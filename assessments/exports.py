"""The DPIA and the IAMA as export kinds (documents/exports.py): the JSON of a version
and its archival PDF, which embeds exactly that JSON. Registered at start-up."""

from __future__ import annotations

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.roles import VIEW_ASSESSMENTS
from documents.exports import ExportFile, ExportKind, export_kind_register
from problems import DomainError

from .models import AssessmentVersion, DocumentKind
from .selectors import version_current, version_export


def version_json_bytes(export: dict[str, Any]) -> bytes:
    """The JSON export's bytes: the same in the file and in the PDF's attachment."""
    return (json.dumps(export, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()


def _version(kind: str, params: dict[str, Any]) -> AssessmentVersion:
    from .models import Assessment

    if params.get("version"):
        version = (
            AssessmentVersion.objects.select_related("assessment", "question_set")
            .filter(public_id=params["version"], assessment__kind=kind)
            .first()
        )
    else:
        assessment = Assessment.objects.filter(kind=kind, system="IOB").first()
        version = version_current(assessment=assessment) if assessment else None
    if version is None:
        raise DomainError.single("nothing_to_export", _("There is no such document version to export."), status=404)
    return version


def _check_params(kind: str):
    def check(params: dict[str, Any]) -> dict[str, Any]:
        unknown = set(params) - {"version"}
        if unknown:
            raise DomainError.single(
                "invalid_export_params", _("Unknown parameter: %(p)s.") % {"p": ", ".join(sorted(unknown))}, "params"
            )
        if params.get("version"):
            try:
                _version(kind, params)
            except (DomainError, ValueError) as error:
                raise DomainError.single(
                    "invalid_export_params", _("No such version of this document."), "params"
                ) from error
        return params

    return check


def render_version(*, kind: str, fmt: str, params: dict[str, Any], progress: Any) -> ExportFile:
    version = _version(kind, params)
    progress(15, gettext("Collecting the answers"))
    data = version_export(version=version)
    body = version_json_bytes(data)
    name = f"{kind}-iob-v{version.number}"
    subject = f"{version.assessment} v{version.number} ({version.get_status_display()})"
    if fmt == "json":
        return ExportFile(content=body, filename=f"{name}.json", content_type="application/json", subject=subject)
    from .pdf import version_pdf

    progress(40, gettext("Drawing the PDF"))
    pdf = version_pdf(version=version, export=data, json_bytes=body, filename=f"{name}.json")
    return ExportFile(content=pdf.content, filename=f"{name}.pdf", content_type="application/pdf", subject=subject)


def _register(kind: str, label: Any) -> None:
    def render(*, fmt: str, params: dict[str, Any], progress: Any) -> ExportFile:
        return render_version(kind=kind, fmt=fmt, params=params, progress=progress)

    export_kind_register(
        ExportKind(name=kind, label=label, permission=VIEW_ASSESSMENTS, render=render, check_params=_check_params(kind))
    )


_register(DocumentKind.DPIA, _("DPIA"))
_register(DocumentKind.IAMA, _("IAMA"))
