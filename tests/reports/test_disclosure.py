"""No count under min_cell reaches the CSV or the PDF, whatever the data (property-based).

Datasets are drawn at random: a few nationalities, genders, officers, profiles and months,
groups of any size around min_cell. The CSV is checked cell by cell against counts taken
straight from the rows; the PDF (fewer examples: drawing one takes seconds) by the cells of
its HTML that hold counts, and the text read back from the file."""

import csv
import html
import io
import re
import subprocess
from datetime import UTC, datetime
from html.parser import HTMLParser
from unittest import mock

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from reports.outputs import COUNT_COLUMNS, csv_bytes, json_bytes, pdf_document, sha256
from reports.presentation import view_build

from .helpers import BASE, figures_from_rows

ADVICE = ["fast", "regular", "intensive"]
DECIDED = ("granted", "refused")


@st.composite
def datasets(draw, max_kinds=14):
    min_cell = draw(st.integers(min_value=5, max_value=12))
    kinds = draw(
        st.lists(
            st.tuples(
                st.sampled_from(["SYR", "SUR", "CHN", "IND"]),
                st.sampled_from(["F", "M", "X"]),
                st.sampled_from(ADVICE),
                st.sampled_from(["granted", "refused", "refused", "withdrawn", "pending"]),
                st.sampled_from(["O-1", "O-2", "O-3", "O-4"]),
                st.sampled_from(["", "P-1@1", "P-2@2;P-1", "P-3"]),
                st.sampled_from(["2025-01-15", "2025-02-15", "2025-03-15"]),
                st.integers(min_value=1, max_value=14),
            ),
            min_size=1,
            max_size=max_kinds,
        )
    )
    rows = []
    for nationality, gender, advice, decision, officer, profiles, lodged, times in kinds:
        row = {
            **BASE,
            "nationality": nationality,
            "gender": gender,
            "advice": advice,
            "decision": decision,
            "officer_id": "" if decision == "pending" else officer,
            "matched_profiles": profiles,
            "lodged_on": lodged,
        }
        rows += [dict(row) for _ in range(times)]
    return min_cell, rows


def _codes(row):
    return {p.strip().split("@")[0] for p in row["matched_profiles"].split(";")} - {""}


def _csv(view):
    return list(csv.DictReader(io.StringIO(csv_bytes(view).decode())))


def check_csv(rows, min_cell, table):
    decided = [r for r in rows if r["decision"] in DECIDED]
    for line in table:
        for column in COUNT_COLUMNS:
            assert line[column] == "" or int(line[column]) >= min_cell, (column, line)
        kind = line["table"]
        if kind.startswith("group"):
            chars = {line["characteristic_1"]: line["code_1"]}
            if line["characteristic_2"]:
                chars[line["characteristic_2"]] = line["code_2"]
            members = [r for r in rows if all(r[k] == v for k, v in chars.items())]
            n_decided = sum(r["decision"] in DECIDED for r in members)
            if len(members) < min_cell:
                assert line["suppressed"] == "true"
                figures = {
                    k: v
                    for k, v in line.items()
                    if k not in ("table", "characteristic_1", "code_1", "characteristic_2", "code_2", "suppressed")
                }
                assert set(figures.values()) == {""}, line
            elif n_decided < min_cell:
                assert line["n_decided"] == "" and line["refusal_rate"] == "" and line["refusal_p"] == ""
        elif kind == "officer":
            mine = [r for r in decided if r["officer_id"] == line["officer_id"]]
            assert len(mine) >= min_cell
            for advice in ADVICE:
                if sum(r["advice"] == advice for r in mine) < min_cell:
                    assert line[f"refusal_rate_{advice}"] == ""
            if sum(r["advice"] != "regular" for r in mine) < min_cell:
                assert line["follow_rate"] == ""
            if sum(r["advice"] == "intensive" for r in mine) < min_cell:
                assert line["intensive_refusal_ratio"] == ""
        elif kind == "profile":
            hits = [r for r in rows if line["profile_code"] in _codes(r)]
            assert len(hits) >= min_cell
            if sum(r["decision"] in DECIDED for r in hits) < min_cell:
                assert line["n_decided"] == "" and line["refusal_rate"] == ""
        elif kind == "month":
            mine = [r for r in rows if r["lodged_on"][:7] == line["month"]]
            if len(mine) < min_cell:
                assert line["suppressed"] == "true" and line["n"] == "" and line["intensive_rate"] == ""
            if sum(r["decision"] in DECIDED for r in mine) < min_cell:
                assert line["refusal_rate"] == ""
        elif kind == "population":
            for advice in ADVICE:
                if sum(r["advice"] == advice for r in decided) < min_cell:
                    assert line[f"refusal_rate_{advice}"] == ""
    # Every officer and profile resting on enough records is listed.
    listed = {line["officer_id"] for line in table if line["table"] == "officer"}
    assert listed == {
        o for o in {r["officer_id"] for r in decided} if sum(r["officer_id"] == o for r in decided) >= min_cell
    }


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(datasets())
def test_no_small_count_reaches_the_csv(data):
    min_cell, rows = data
    figures = figures_from_rows(rows, min_cell=min_cell)
    view = view_build(report=figures.report, support=figures.support)
    check_csv(rows, min_cell, _csv(view))


class _CountCells(HTMLParser):
    """The text of every cell that holds a count of records (class `count` in the PDF's HTML)."""

    def __init__(self):
        super().__init__()
        self.cells: list[str] = []
        self._depth = 0

    def handle_starttag(self, tag, attrs):
        if self._depth:
            self._depth += 1
        elif "count" in (dict(attrs).get("class") or "").split():
            self._depth = 1
            self.cells.append("")

    def handle_endtag(self, tag):
        if self._depth:
            self._depth -= 1

    def handle_data(self, data):
        if self._depth:
            self.cells[-1] += data


def _pdf_text(content: bytes) -> str:
    # Poppler's pdftotext (installed by the test setup) reads the file in a tenth of the time
    # pypdf takes, which is what lets this test run a few hundred times.
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()


@pytest.mark.django_db
# Drawing a PDF takes seconds: a few examples, and no long shrinking (a failure is shown
# as found). No example database: every run draws afresh, none replays an old failure.
@settings(
    max_examples=4,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=datasets(max_kinds=10))
def test_no_small_count_reaches_the_pdf(data):
    """Exact: the PDF is drawn from HTML in which every count of records sits in a cell
    marked `count`; each such cell shows "< min_cell" or a number of at least min_cell.
    Numbers elsewhere (the method's "at least 5", page numbers, the hash) are not counts
    of records and are not read, so a paragraph broken by text extraction cannot look
    like a leak."""
    from reports import outputs

    min_cell, rows = data
    figures = figures_from_rows(rows, min_cell=min_cell)
    view = view_build(report=figures.report, support=figures.support)
    report_json = json_bytes(figures.report)
    drawn: list[str] = []
    real_render = outputs.pdf_render

    def render(**kwargs):
        drawn.append(kwargs["body_html"])
        return real_render(**kwargs)

    with mock.patch.object(outputs, "pdf_render", render):
        pdf = pdf_document(
            report_id="00000000-0000-4000-8000-000000000000",
            view=view,
            content_hash=sha256(report_json),
            report_json=report_json,
            generated_at=datetime(2026, 1, 2, 3, 4, tzinfo=UTC),
            record_count=len(rows),
        )
    [body] = drawn
    parser = _CountCells()
    parser.feed(body)
    cells = [html.unescape(c).strip() for c in parser.cells]
    # The population table alone has five count cells.
    assert len(cells) >= 5
    for cell in cells:
        if cell.startswith("<"):
            assert cell == f"< {min_cell}", cell
        else:
            assert int(cell.replace(".", "")) >= min_cell, (cell, min_cell)
    # What was checked is what the PDF shows: every count cell's text is in the file's text.
    # Spacing is left out of the comparison: the text layer may join "< 9" into "<9".
    text = re.sub(r"\s+", "", _pdf_text(pdf.content))
    for cell in set(cells):
        assert re.sub(r"\s+", "", cell) in text, cell
    # And the CSV made from the same view passes the cell-by-cell check.
    check_csv(rows, min_cell, _csv(view))
