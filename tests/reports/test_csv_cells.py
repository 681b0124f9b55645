"""No cell of a CSV the portal writes runs as a spreadsheet formula (OWASP, CSV injection):
the bias report's CSV, with an officer id of formula shape that reached the records
before the import refused such ids, and the one helper every CSV writer uses."""

import csv
import io

import pytest

from documents.spreadsheet import SafeWriter, csv_cell
from reports.models import ArtifactKind
from reports.selectors import report_artifact
from reports.services import report_run_now

from .helpers import rec, records_create
from .test_figures import PARAMS, dataset_a

FORMULA = '=HYPERLINK("http://evil.example","O-2")'


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+31 6", "'+31 6"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("O-2", "O-2"),
        ("", ""),
        (None, None),
        (-0.25, -0.25),
        ("-0.25", "-0.25"),
        ("1e-5", "1e-5"),
        (3, 3),
        (True, True),
    ],
)
def test_formula_cells_get_an_apostrophe_and_numbers_stay_numbers(value, written):
    assert csv_cell(value) == written


def test_the_safe_writer_neutralises_every_cell():
    out = io.StringIO()
    SafeWriter(out).writerow(["=cmd|' /C calc'!A0", "ok", -1])
    assert next(csv.reader(io.StringIO(out.getvalue()))) == ["'=cmd|' /C calc'!A0", "ok", "-1"]


def test_the_bias_report_csv_neutralises_an_officer_id_of_formula_shape(users, db):
    rows = dataset_a() + rec(8, lodged="2025-03-10", decision="refused", officer=FORMULA)
    records_create(rows)
    report = report_run_now(actor=users["dpo"], period_from="2025-01-01", period_to="2025-12-31", parameters=PARAMS)
    table = list(csv.DictReader(io.StringIO(report_artifact(report=report, kind=ArtifactKind.CSV).decode())))
    officers = [r["officer_id"] for r in table if r["table"] == "officer"]
    assert "'" + FORMULA in officers and FORMULA not in officers
    cells = [v for r in table for v in r.values() if isinstance(v, str)]
    assert not [c for c in cells if c[:1] in ("=", "@", "+", "\t", "\r")]
