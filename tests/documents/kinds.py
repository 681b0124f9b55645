"""A document kind that exists only in the tests, so the shared export machinery is tested
apart from any app's content (readers of bias reports may export it)."""

import json

from documents.exports import ExportFile, ExportKind, export_kind_register
from problems import DomainError

TEST_KIND = "test_note"


def _render(*, fmt, params, progress):
    if params.get("fail"):
        raise DomainError.single("nothing_to_export", "Nothing to export.")
    progress(50, "half way")
    body = {"note": params.get("note", "hello")}
    if fmt == "json":
        return ExportFile(
            content=json.dumps(body).encode(), filename="note.json", content_type="application/json", subject="note"
        )
    return ExportFile(content=b"%PDF-1.7 note", filename="note.pdf", content_type="application/pdf", subject="note")


def _check(params):
    if "bad" in params:
        raise DomainError.single("invalid_export_params", "bad parameter", "params")
    return params


def register_test_kind() -> None:
    export_kind_register(
        ExportKind(
            name=TEST_KIND, label="Test note", permission="reports.view_biasreport", render=_render, check_params=_check
        )
    )


register_test_kind()
