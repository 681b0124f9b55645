"""The stored files: the JSON is the figures; the CSV holds the tables; the PDF (read back
with pypdf) holds the findings in Dutch and English, the statement on its first page, the
method, and on every page a footer with the report's id, period, parameters and hash."""

import csv
import hashlib
import io
import json
import re

import pytest
from pypdf import PdfReader

from reports.models import ArtifactKind
from reports.selectors import report_artifact, report_view
from reports.services import report_run_now

from .helpers import figures, records_create
from .test_figures import PARAMS, dataset_a


@pytest.fixture
def report(users, db):
    records_create(dataset_a())
    return report_run_now(actor=users["dpo"], period_from="2025-01-01", period_to="2025-12-31", parameters=PARAMS)


def pages(content: bytes) -> list[str]:
    return [re.sub(r"[ \t]+", " ", p.extract_text()) for p in PdfReader(io.BytesIO(content)).pages]


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_the_files_json_csv_and_archival_pdf(report):
    _json_is_the_figures(report)
    _csv_holds_every_table(report)
    _pdf_is_archival_and_carries_its_data(report)


def _json_is_the_figures(report):
    content = report_artifact(report=report, kind=ArtifactKind.JSON)
    assert hashlib.sha256(content).hexdigest() == report.content_hash
    assert json.loads(content) == json.loads(json.dumps(figures(**PARAMS).report))


def test_the_pdf_text_holds_footer_statement_findings_and_method(report):
    """One report, read back once (drawing it takes seconds)."""
    text = pages(report_artifact(report=report, kind=ArtifactKind.PDF))
    _footer_on_every_page(report, text)
    _statement_on_page_one(text)
    _findings_first_in_both_languages(report, text)
    _method_parameters_counts_and_suppression(text)


def _footer_on_every_page(report, text):
    assert len(text) > 1
    for number, page in enumerate(text, start=1):
        page = re.sub(r"\s+", "", page)
        assert report.content_hash in page, number
        assert str(report.public_id) in page
        assert "period2025-01-01–2025-12-31" in page
        assert "min_cell=5,alpha=0.1,ratio_low=0.8,ratio_high=1.25,follow_threshold=0.95" in page
        assert f"{number}/{len(text)}" in page


def _statement_on_page_one(text):
    first = flat(text[0])
    assert "“Geweigerd” is de eigen beslissing van de beslismedewerker, geen onafhankelijke waarheid." in first
    assert "“Refused” is the decision officer's own decision, not an independent truth." in first
    assert "Bevindingen" in first and "Findings" in first


def _findings_first_in_both_languages(report, text):
    text = flat(" ".join(text))
    view = report_view(report=report)
    assert view["findings"], "dataset A raises flags"
    for finding in view["findings"]:
        assert flat(finding["text"]["nl"]) in text
        assert flat(finding["text"]["en"]) in text
    syr = (
        "Aanvragen in de groep “Nationaliteit: Syrië” krijgen vaker dan gemiddeld het intensieve spoor: "
        "40,0% tegen 25,0%"
    )
    assert syr in text
    assert "Officer O-3 decided in line with the advice in 100.0% of decisions on fast or intensive advice" in text
    # Findings come before the charts and tables.
    assert text.index(syr) < text.index("Grafieken") < text.index("Tabellen")


def _method_parameters_counts_and_suppression(text):
    text = flat(" ".join(text))
    assert "Methode en kanttekeningen" in text and "Method and caveats" in text
    assert "Cochran–Mantel–Haenszel" in text and "Benjamini–Hochberg" in text and "Wilson" in text
    assert "Fisher" in text
    assert "De periode bevat 40 records, waarvan 38 beslist." in text
    assert "The period holds 40 records, of which 38 decided." in text
    # Gender X holds three records: named as left out, never with a figure.
    assert "Geslacht: Onbepaald" in text
    assert re.search(r"Geslacht: Onbepaald\s+\d", text) is None


def _pdf_is_archival_and_carries_its_data(report):
    content = report_artifact(report=report, kind=ArtifactKind.PDF)
    assert hashlib.sha256(content).hexdigest() == report.pdf_sha256
    reader = PdfReader(io.BytesIO(content))
    xmp = reader.xmp_metadata.stream.get_data().decode()
    assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="A"' in xmp
    root = reader.trailer["/Root"]
    # Tagged for screen readers: a structure tree, marked content.
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
    assert "/OutputIntents" in root and root["/Lang"] == "nl"
    [embedded] = reader.attachments["bias-report.json"]
    assert embedded == report_artifact(report=report, kind=ArtifactKind.JSON)
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            descriptor = (
                font.get_object().get("/FontDescriptor")
                or font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            )
            fonts.add(any(k in descriptor.get_object() for k in ("/FontFile", "/FontFile2", "/FontFile3")))
    assert fonts == {True}  # every font embedded


def _csv_holds_every_table(report):
    rows = list(csv.DictReader(io.StringIO(report_artifact(report=report, kind=ArtifactKind.CSV).decode())))
    kinds = [r["table"] for r in rows]
    # The findings lead (one row per signal), then the tables.
    leading = kinds.index("population")
    assert set(kinds[:leading]) <= {"finding"} and "finding" not in kinds[leading:]
    findings = json.loads(report_artifact(report=report, kind=ArtifactKind.JSON))["findings"]
    assert [r["finding_id"] for r in rows[:leading]] == [f["id"] for f in findings for _ in f["signals"]]
    kinds = kinds[leading:]
    assert kinds[0] == "population" and {"group_one_way", "group_two_way", "officer", "profile", "month"} <= set(kinds)
    syr = next(r for r in rows if r["table"] == "group_one_way" and r["code_1"] == "SYR")
    assert (syr["n"], syr["n_decided"], float(syr["refusal_rate"])) == ("20", "19", 9 / 19)
    x = next(r for r in rows if r["table"] == "group_one_way" and r["code_1"] == "X")
    assert x["suppressed"] == "true" and x["n"] == "" and x["intensive_rate"] == ""
    # P-B has three hits: under min_cell, so not listed at all.
    assert [r["profile_code"] for r in rows if r["table"] == "profile"] == ["P-A", "P-C"]


def test_every_pdf_heading_has_dutch_and_english():
    from pathlib import Path

    from django.utils import translation

    from reports.pdf_terms import PDF_TERMS, REVIEW_RECORD_TERMS

    folder = Path(__file__).resolve().parents[2] / "reports/templates/reports/pdf"
    for name, terms in (("report.html", PDF_TERMS), ("review_record.html", REVIEW_RECORD_TERMS)):
        used = set(re.findall(r'{% bi "([^"]+)" %}', (folder / name).read_text()))
        assert used == set(terms), name
    # Dutch uses these words too (another app's catalogue may translate "Hits" first).
    same_in_both = {"Parameters", "Records", "Parameter", "Hits"}
    with translation.override("nl"):
        untranslated = [
            t for t in PDF_TERMS + REVIEW_RECORD_TERMS if translation.gettext(t) == t and t not in same_in_both
        ]
    assert not untranslated
