"""HTML to archival, tagged PDF (PDF/A-3a) with WeasyPrint.

Every page carries the caller's footer (ids, period, parameters, content hash) and its
page number. Fonts are the installed DejaVu family, embedded in the file; nothing is
fetched from the network (a URL fetcher that refuses everything but data: URLs). The
caller gets the bytes and their SHA-256 to store and audit.
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime

from django.template.loader import render_to_string

PDF_VARIANT = "pdf/a-3b"
# Level A adds the structure tree (headings, paragraphs, tables, reading order) that screen
# readers need; callers whose documents people read on screen ask for it (`tagged=True`).
PDF_VARIANT_TAGGED = "pdf/a-3a"


@dataclass(frozen=True)
class RenderedPdf:
    content: bytes
    sha256: str


@dataclass(frozen=True)
class PdfAttachment:
    """A file embedded in the PDF (PDF/A-3 allows any), e.g. the data the document shows."""

    name: str
    content: bytes
    description: str = ""


def _no_network(url: str, timeout: int = 10, ssl_context=None):
    from weasyprint.urls import default_url_fetcher

    if url.startswith("data:"):
        return default_url_fetcher(url, timeout=timeout, ssl_context=ssl_context)
    raise ValueError(f"documents never fetch resources: {url[:80]}")


def pdf_render(
    *,
    body_html: str,
    footer: str,
    title: str,
    lang: str = "nl",
    stylesheet: str = "",
    attachments: list[PdfAttachment] | None = None,
    created: datetime | None = None,
    tagged: bool = True,
) -> RenderedPdf:
    """Render `body_html` (the inside of <body>) into an archival PDF, tagged for screen
    readers (PDF/A-3a) unless `tagged=False` asks for the plain archival level (3b)."""
    from weasyprint import HTML, Attachment

    html = render_to_string(
        "documents/pdf_base.html",
        {
            "body": body_html,
            "footer": footer,
            "title": title,
            "lang": lang,
            "stylesheet": stylesheet,
        },
    )
    files = [
        Attachment(
            string=a.content,
            name=a.name,
            description=a.description or a.name,
            relationship="Data",
            url_fetcher=_no_network,
            created=created,
            modified=created,
        )
        for a in attachments or []
    ]
    document = HTML(string=html, url_fetcher=_no_network, base_url="about:blank")
    content = document.write_pdf(
        pdf_variant=PDF_VARIANT_TAGGED if tagged else PDF_VARIANT,
        attachments=files,
        custom_metadata=True,
        optimize_images=False,
        pdf_tags=tagged,
    )
    return RenderedPdf(content=content, sha256=hashlib.sha256(content).hexdigest())
