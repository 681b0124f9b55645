"""The signed review record: what the DPO decided on a report's findings, as an archival,
tagged PDF (PDF/A-3a) stored beside the report's own PDF. It names every finding (its
stable id and its plain-words label), the decision, note and follow-ups where one was
recorded, the signer and the time, and the hashes of the report it signs; the report's
JSON is not repeated (its hash identifies it)."""

import json
from datetime import datetime
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation

from documents.pdf import PdfAttachment, RenderedPdf, pdf_render

from .computation.findings import PARTS


def _decision_data(decisions: list) -> dict[str, dict[str, Any]]:
    out = {}
    for d in decisions:
        out[d.finding_id or f"note:{d.public_id}"] = {
            "decision": d.decision,
            "decision_label": d.get_decision_display(),
            "note": d.note,
            "by": d.created_by.get_username(),
            "at": d.created_at,
            "follow_ups": [
                {"kind": a.kind, "label": a.get_kind_display(), "profile_code": a.profile_code, "note": a.note}
                for a in d.follow_ups.all()
            ],
            "subject": d.subject_label,
            "finding_id": d.finding_id,
        }
    return out


def review_record_pdf(
    *, report, view: dict[str, Any], decisions: list, signer: str, signed_at: datetime
) -> RenderedPdf:
    """Render the record (Dutch, with English headings). `decisions` are the report's
    ReportFinding rows with their follow-ups."""
    with translation.override("nl"):
        decided = _decision_data(decisions)
        rows = [{"finding": f, "decision": decided.get(f["id"])} for f in view["findings"]]
        other = [
            d
            for key, d in decided.items()
            if not d["finding_id"] or d["finding_id"] not in {f["id"] for f in view["findings"]}
        ]
        summary = {
            "decided": sum(1 for r in rows if r["decision"]),
            "findings": len(rows),
            "by_decision": {},
        }
        for r in rows:
            if r["decision"]:
                label = r["decision"]["decision_label"]
                summary["by_decision"][label] = summary["by_decision"].get(label, 0) + 1
        context = {
            "report": report,
            "view": view,
            "rows": rows,
            "other": other,
            "summary": summary,
            "signer": signer,
            "signed_at": signed_at,
            "parts": PARTS,
        }
        body = render_to_string("reports/pdf/review_record.html", context)
        stylesheet = render_to_string("reports/pdf/report.css")
    data = json.dumps(
        {
            "report": str(report.public_id),
            "content_hash": report.content_hash,
            "pdf_sha256": report.pdf_sha256,
            "signed_by": signer,
            "signed_at": signed_at.isoformat(),
            "decisions": [
                {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in d.items() if k != "decision_label"}
                for d in decided.values()
            ],
        },
        ensure_ascii=False,
        sort_keys=True,
    ).encode("utf-8")
    return pdf_render(
        body_html=body,
        lang="nl",
        stylesheet=stylesheet,
        created=signed_at,
        title=f"IOB bias report review {view['period']['from']} – {view['period']['to']}",
        footer=(
            f"IOB bias report review · report {report.public_id} · report content SHA-256 "
            f"{report.content_hash} · report PDF SHA-256 {report.pdf_sha256} · signed by {signer} "
            f"{signed_at:%Y-%m-%d %H:%M} UTC"
        ),
        attachments=[PdfAttachment("review-decisions.json", data, "The DPO's decisions (JSON)")],
    )
