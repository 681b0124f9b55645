"""The archival PDF of a DPIA or IAMA version: cover, version and dossier data, contents,
every section with its answers and their sources, action points, DPO advice, signature
page; the content hash in every footer; the JSON export embedded (PDF/A-3a, tagged)."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation

from documents.pdf import PdfAttachment, RenderedPdf, pdf_render

from .models import VersionStatus
from .questionsets import Question, questionset_data
from .selectors import versions_of

STYLE = """
h1 { font-size: 20pt; margin: 0 0 4mm; }
h2 { font-size: 13pt; margin: 6mm 0 2mm; page-break-after: avoid; border-bottom: 0.6pt solid #555; }
h3 { font-size: 10.5pt; margin: 4mm 0 1mm; page-break-after: avoid; }
.cover { page-break-after: always; padding-top: 40mm; }
.cover .draft { font-size: 28pt; color: #8a1c1c; letter-spacing: 2pt; margin-top: 12mm; }
.part { page-break-before: always; }
.section { margin-bottom: 4mm; }
.q { margin: 0 0 3mm; page-break-inside: auto; }
.meta { font-size: 7.5pt; color: #333; }
.badge { font-size: 7pt; border: 0.5pt solid #333; padding: 0 1mm; margin-left: 1mm; }
.answer { margin: 1mm 0 1mm 3mm; white-space: pre-wrap; }
.empty { font-style: italic; color: #444; }
.sources { font-size: 7.5pt; color: #333; margin: 0 0 0 3mm; padding-left: 4mm; }
table { border-collapse: collapse; width: 100%; font-size: 8pt; margin: 1mm 0 2mm; }
th, td { border: 0.4pt solid #888; padding: 0.8mm 1.2mm; text-align: left; vertical-align: top; }
.toc a { color: #1a1a1a; text-decoration: none; }
.toc a::after { content: leader('.') target-counter(attr(href), page); }
.toc li { list-style: none; }
.toc ul { padding-left: 0; }
.signature { page-break-before: always; }
.hash { font-family: "DejaVu Sans Mono", monospace; font-size: 8pt; overflow-wrap: anywhere; }
"""


def _value_rows(
    q: dict[str, Any], fields: dict[str, dict[str, Any]], question: Question | None
) -> list[tuple[str, str]]:
    answer = q["answer"] or {}
    v = answer.get("value") or {}
    label = question.label if question else str
    rows = []
    if "yes" in v:
        rows.append(("", "ja" if v["yes"] else "nee"))
    if v.get("choice"):
        rows.append(("", label(v["choice"])))
    if v.get("choices"):
        rows.append(("", ", ".join(label(c) for c in v["choices"])))
    if v.get("date"):
        rows.append(("", v["date"]))
    for name, value in (v.get("fields") or {}).items():
        label = fields.get(name, {}).get("label", {}).get("nl", name)
        rows.append((label, "ja" if value is True else "nee" if value is False else str(value)))
    return rows


def version_pdf(*, version: Any, export: dict[str, Any], json_bytes: bytes, filename: str) -> RenderedPdf:
    qs = questionset_data(version.question_set)
    fields_of = {q.key: {f["name"]: f for f in q.fields} for q in qs.questions}
    sections = []
    for section in export["sections"]:
        questions = []
        for q in section["questions"]:
            fields = fields_of.get(q["key"], {})
            items = (q["answer"] or {}).get("items") or []
            item_rows = [[it["values"].get(name, "") for name in fields] for it in items]
            questions.append(
                {
                    **q,
                    "rows": _value_rows(q, fields, qs.by_key.get(q["key"])),
                    "item_columns": [f["label"]["nl"] for f in fields.values()],
                    "item_rows": item_rows,
                }
            )
        sections.append({**section, "questions": questions})
    status = version.status
    final = status in (VersionStatus.SIGNED, VersionStatus.SUPERSEDED)
    content_hash = export["content_hash"]
    with translation.override("nl"):
        body = render_to_string(
            "assessments/pdf.html",
            {
                "version": version,
                "export": export,
                "sections": sections,
                "final": final,
                "qs": qs,
                "versions": list(versions_of(assessment=version.assessment)),
                "content_hash": content_hash,
                "now": timezone.now(),
            },
        )
        footer = (
            f"{export['document']['title']} · v{version.number} · {version.get_status_display()} · "
            f"{qs.prefix} v{qs.version} · sha256 {content_hash}"
        )
    return pdf_render(
        body_html=body,
        footer=footer,
        title=f"{export['document']['title']} v{version.number}",
        lang="nl",
        stylesheet=STYLE,
        tagged=True,
        created=version.signed_at or version.created_at,
        attachments=[
            PdfAttachment(name=filename, content=json_bytes, description="Answers of this version (iob-assessment/1)")
        ],
    )
