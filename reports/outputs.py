"""The report's files: JSON (the figures as docs/bias-report.md defines them), and from the
disclosure-controlled view the CSV of its tables and the archival PDF."""

import hashlib
import io
import json
from datetime import datetime
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation

from documents.pdf import PdfAttachment, RenderedPdf, pdf_render
from documents.spreadsheet import SafeDictWriter

from .charts import report_charts
from .computation.schema import ADVICE, SCHEMA

# Two-way groups in the PDF: every flagged one and the most significant others, up to this
# many; the CSV and JSON hold them all (their hash is on every page).
PDF_TWO_WAY_ROWS = 100
PDF_SUPPRESSED_LISTED = 120


def json_bytes(report: dict[str, Any]) -> bytes:
    """Canonical JSON (stable key order as built, UTF-8): its SHA-256 is the content hash."""
    return json.dumps(report, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


CSV_COLUMNS = [
    "table",
    "finding_id",
    "direction",
    "signal",
    "signal_value",
    "signal_ratio",
    "signal_q",
    "characteristic_1",
    "code_1",
    "characteristic_2",
    "code_2",
    "officer_id",
    "profile_code",
    "month",
    "suppressed",
    "n",
    "n_decided",
    "n_fast",
    "n_regular",
    "n_intensive",
    "intensive_rate",
    "intensive_rate_ci_low",
    "intensive_rate_ci_high",
    "intensive_ratio",
    "intensive_p",
    "intensive_q",
    "intensive_flagged",
    "refusal_rate",
    "refusal_rate_ci_low",
    "refusal_rate_ci_high",
    "refusal_ratio",
    "refusal_p",
    "refusal_q",
    "refusal_flagged",
    "refusal_rate_fast",
    "refusal_rate_regular",
    "refusal_rate_intensive",
    "follow_rate",
    "cmh_odds_ratio",
    "cmh_p",
    "cmh_q",
    "amplification_flagged",
    "intensive_refusal_ratio",
    "p",
    "q",
    "flagged",
    # Schema /2, groups by two characteristics: against the rest of each parent.
    "intensive_within_1_ratio",
    "intensive_within_1_p",
    "intensive_within_1_q",
    "intensive_within_2_ratio",
    "intensive_within_2_p",
    "intensive_within_2_q",
    "intensive_beyond_parents",
    "refusal_within_1_ratio",
    "refusal_within_1_p",
    "refusal_within_1_q",
    "refusal_within_2_ratio",
    "refusal_within_2_p",
    "refusal_within_2_q",
    "refusal_beyond_parents",
]
# Columns holding counts of records: empty whenever under min_cell.
COUNT_COLUMNS = ("n", "n_decided", "n_fast", "n_regular", "n_intensive")


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def _ci(row: dict[str, Any], key: str) -> dict[str, Any]:
    ci = row.get(key)
    return {f"{key}_low": ci[0] if ci else None, f"{key}_high": ci[1] if ci else None}


def _by_advice(rates: dict[str, Any] | None) -> dict[str, Any]:
    return {f"refusal_rate_{a}": (rates or {}).get(a) for a in ADVICE}


def _subject_columns(finding: dict[str, Any]) -> dict[str, Any]:
    if finding["subject_type"] == "officer":
        return {"officer_id": finding["subject"]}
    if finding["subject_type"] == "profile":
        return {"profile_code": finding["subject"]}
    chars = list(finding["subject"].items())
    return {
        "characteristic_1": chars[0][0],
        "code_1": chars[0][1],
        "characteristic_2": chars[1][0] if len(chars) > 1 else None,
        "code_2": chars[1][1] if len(chars) > 1 else None,
    }


def _parent_columns(g: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for metric in ("intensive", "refusal"):
        for j, t in enumerate(g.get(f"{metric}_parent_tests") or [], start=1):
            out.update({f"{metric}_within_{j}_{k}": t[k] for k in ("ratio", "p", "q")})
        out[f"{metric}_beyond_parents"] = g.get(f"{metric}_beyond_parents")
    return out


def csv_rows(view: dict[str, Any]) -> list[dict[str, Any]]:
    # The findings lead (one row per signal), then the tables for reference.
    rows: list[dict[str, Any]] = [
        {
            "table": "finding",
            "finding_id": f["id"],
            "direction": f["direction"],
            **_subject_columns(f),
            "signal": s["metric"],
            "signal_value": s["value"],
            "signal_ratio": s["ratio"],
            "signal_q": s["q"],
        }
        for f in view["findings"]
        for s in f["signals"]
    ]
    pop = view["population"]
    rows.append(
        {
            "table": "population",
            "suppressed": False,
            "n": pop["n"],
            "n_decided": pop["n_decided"],
            **{f"n_{a}": pop["advice"][a] for a in ADVICE},
            "intensive_rate": pop["intensive_rate"],
            "refusal_rate": pop["refusal_rate"],
            **_by_advice(pop["refusal_rate_by_advice"]),
            "follow_rate": pop["follow_rate"],
        }
    )
    for g in view["groups"] + [dict(s, suppressed=True) for s in view["suppressed_groups"]]:
        chars = list(g["characteristics"].items())
        row = {
            "table": "group_one_way" if len(chars) == 1 else "group_two_way",
            "characteristic_1": chars[0][0],
            "code_1": chars[0][1],
            "characteristic_2": chars[1][0] if len(chars) > 1 else None,
            "code_2": chars[1][1] if len(chars) > 1 else None,
            "suppressed": bool(g.get("suppressed")),
        }
        if not row["suppressed"]:
            row.update(
                {
                    k: g.get(k)
                    for k in (
                        "n",
                        "n_decided",
                        "intensive_rate",
                        "intensive_ratio",
                        "intensive_p",
                        "intensive_q",
                        "intensive_flagged",
                        "refusal_rate",
                        "refusal_ratio",
                        "refusal_p",
                        "refusal_q",
                        "refusal_flagged",
                        "cmh_odds_ratio",
                        "cmh_p",
                        "cmh_q",
                        "amplification_flagged",
                    )
                }
            )
            row.update(_ci(g, "intensive_rate_ci"), **_ci(g, "refusal_rate_ci"))
            if "refusal_rate_by_advice" in g:
                row.update(_by_advice(g["refusal_rate_by_advice"]))
            else:
                row.update(_parent_columns(g))
        rows.append(row)
    for o in view["officers"]:
        rows.append(
            {
                "table": "officer",
                "officer_id": o["officer_id"],
                "suppressed": False,
                "n_decided": o["n_decided"],
                **_by_advice(o["refusal_rate_by_advice"]),
                "follow_rate": o["follow_rate"],
                "intensive_refusal_ratio": o["intensive_refusal_ratio"],
                "p": o["p"],
                "q": o["q"],
                "flagged": o["flagged"],
            }
        )
    for h in view["profiles"]:
        rows.append(
            {
                "table": "profile",
                "profile_code": h["code"],
                "suppressed": False,
                "n": h["n"],
                "n_decided": h["n_decided"],
                "refusal_rate": h["refusal_rate"],
                **_ci(h, "refusal_rate_ci"),
                "refusal_ratio": h["refusal_ratio"],
                "p": h["p"],
                "q": h["q"],
                "flagged": h["flagged"],
            }
        )
    for m in view["months"]:
        rows.append(
            {
                "table": "month",
                "month": m["month"],
                "suppressed": m["suppressed"],
                "n": m["n"],
                "intensive_rate": m["intensive_rate"],
                "refusal_rate": m["refusal_rate"],
            }
        )
    return rows


def csv_bytes(view: dict[str, Any]) -> bytes:
    out = io.StringIO()
    # Officer ids and codes come from imported files: no cell may run as a formula.
    writer = SafeDictWriter(out, fieldnames=CSV_COLUMNS, extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    minimum = view["min_cell"]
    for row in csv_rows(view):
        for column in COUNT_COLUMNS:
            # Defence in depth: the view already hides small counts.
            if row.get(column) is not None and row[column] < minimum:
                row[column] = None
        writer.writerow({k: _cell(v) for k, v in row.items()})
    return out.getvalue().encode("utf-8")


def _two_way_for_pdf(view: dict[str, Any]) -> tuple[list[dict[str, Any]], int]:
    rows = [g for g in view["groups"] if g["dims"] == 2]

    def rank(g):
        qs = [q for q in (g["intensive_q"], g["refusal_q"]) if q is not None]
        return (not g["flagged"], min(qs) if qs else 1.0, g["key"])

    rows.sort(key=rank)
    return rows[:PDF_TWO_WAY_ROWS], max(0, len(rows) - PDF_TWO_WAY_ROWS)


def pdf_footer(*, report_id: str, view: dict[str, Any], content_hash: str) -> str:
    p = view["parameters"]
    params = ", ".join(f"{k}={p[k]}" for k in ("min_cell", "alpha", "ratio_low", "ratio_high", "follow_threshold"))
    return (
        f"IOB bias report {report_id} · period {view['period']['from']} – {view['period']['to']} · {params} · "
        f"content SHA-256 {content_hash}"
    )


def pdf_document(
    *,
    report_id: str,
    view: dict[str, Any],
    content_hash: str,
    report_json: bytes,
    generated_at: datetime,
    record_count: int,
) -> RenderedPdf:
    """The archival PDF, Dutch first with English beside it. The report JSON is embedded,
    so the file carries the data its footer hash refers to."""
    two_way, two_way_more = _two_way_for_pdf(view)
    # Charts and tables are drawn once, in Dutch; headings and findings carry English too.
    with translation.override("nl"):
        body = render_to_string(
            "reports/pdf/report.html",
            {
                "view": view,
                "report_id": report_id,
                "content_hash": content_hash,
                "charts": report_charts(view),
                "two_way": two_way,
                "two_way_more": two_way_more,
                "one_way": [g for g in view["groups"] if g["dims"] == 1],
                "suppressed_listed": view["suppressed_groups"][:PDF_SUPPRESSED_LISTED],
                "suppressed_more": max(0, len(view["suppressed_groups"]) - PDF_SUPPRESSED_LISTED),
                "generated_at": generated_at,
                "record_count": record_count,
                "advice": ADVICE,
            },
        )
        stylesheet = render_to_string("reports/pdf/report.css")
    return pdf_render(
        body_html=body,
        title=f"IOB bias report {view['period']['from']} – {view['period']['to']}",
        lang="nl",
        footer=pdf_footer(report_id=report_id, view=view, content_hash=content_hash),
        stylesheet=stylesheet,
        attachments=[PdfAttachment("bias-report.json", report_json, SCHEMA)],
        created=generated_at,
    )
