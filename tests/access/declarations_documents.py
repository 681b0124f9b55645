"""Who may start, follow and download document exports: whoever holds the exported kind's
right (here the test-only kind of tests/documents/kinds.py, readers of bias reports). The
service decides on starting (403); to anyone else an export does not exist (404)."""

from tests.documents.kinds import TEST_KIND

from .matrix import REPORT_READERS, access


def _export(w):
    if not hasattr(w, "_document_export"):
        from documents.exports import export_run_now

        w._document_export = export_run_now(actor=w.users["dpo"], kind=TEST_KIND, fmt="pdf")
    return {"id": w._document_export.public_id}


ROUTES = [
    access("api-export-list", body={"kind": TEST_KIND, "format": "pdf"}, POST=REPORT_READERS),
    access("api-export-detail", kwargs=_export, denied_status=404, GET=REPORT_READERS),
    access("api-export-file", kwargs=_export, denied_status=404, GET=REPORT_READERS),
    access(
        "documents:export-start",
        body={"kind": TEST_KIND, "format": "pdf"},
        POST=REPORT_READERS,
        note="signed-in callers without the right get 403 from the service",
    ),
    access("documents:export", kwargs=_export, denied_status=404, GET=REPORT_READERS),
    access("documents:export-file", kwargs=_export, denied_status=404, GET=REPORT_READERS),
]
