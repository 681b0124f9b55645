"""The import page in plain language: what it expects (columns, formats, an example file
that imports cleanly), problems grouped by column and code instead of row after row,
correct plurals; and no cell of its CSV report runs as a formula."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import translation

from monitoring.models import ImportRun, MonitoringRecord
from monitoring.views import _summary_line

from .conftest import csv_bytes, records

pytestmark = pytest.mark.django_db


def test_upload_page_says_what_it_expects(client, users):
    client.force_login(users["policy_officer"])
    html = client.get(reverse("monitoring:upload"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="column-guide"' in html and "YYYY-MM-DD" in html and "JSON Lines" in html
    assert reverse("monitoring:import_example") in html
    assert "novalidate" in html and " required" not in html.split('id="upload-form"')[1].split("</form>")[0]


def test_the_example_file_imports_cleanly(client, users, import_bytes):
    client.force_login(users["policy_officer"])
    example = client.get(reverse("monitoring:import_example"))
    assert example["Content-Type"].startswith("text/csv")
    run = import_bytes(example.content)
    assert run.status == "imported" and run.row_count == 3 and MonitoringRecord.objects.count() == 3


def test_unknown_posts_are_grouped_by_code_with_their_row_counts(client, users, import_bytes):
    rows = records(7, application_location="UAIEV") + records(4, application_location="IRTHR") + records(2)
    for i, row in enumerate(rows):
        row["application_id"] = f"A-{i}"
    run = import_bytes(csv_bytes(rows))
    assert run.problem_groups[0]["column"] == "application_location"
    assert run.problem_groups[0]["values"] == [["UAIEV", 7], ["IRTHR", 4]]

    client.force_login(users["admin"])
    html = client.get(
        reverse("monitoring:import_detail", args=[run.public_id]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "2 codes of “Place of application” are not in the catalogue" in html
    assert "<code>UAIEV</code> (7 rows)" in html and "<code>IRTHR</code> (4 rows)" in html
    assert "11 problems in 11 of 13 rows" in html
    # An administrator gets a link to add the posts; a policy officer does not.
    assert f"{reverse('profiles:catalogues')}?characteristic=application_location" in html
    client.force_login(users["policy_officer"])
    html = client.get(reverse("monitoring:import_detail", args=[run.public_id])).content.decode()
    assert "?characteristic=application_location" not in html


@pytest.mark.parametrize(
    ("problems", "bad", "rows", "nl", "en"),
    [
        (1, 1, 1, "1 probleem in 1 van 1 rij.", "1 problem in 1 of 1 row."),
        (3, 2, 10, "3 problemen in 2 van 10 rijen.", "3 problems in 2 of 10 rows."),
        (1, 1, 0, "1 probleem; er kon geen record worden gelezen.", "1 problem; no record could be read."),
    ],
)
def test_the_summary_has_correct_plurals(problems, bad, rows, nl, en):
    run = ImportRun(problem_count=problems, bad_row_count=bad, row_count=rows)
    with translation.override("nl"):
        assert _summary_line(run).startswith(nl)
    with translation.override("en"):
        assert _summary_line(run).startswith(en)


def test_a_bad_header_is_not_one_of_zero_rows(client, users, import_bytes):
    run = import_bytes(b"application_id,shoe_size\nA-1,44\n")
    client.force_login(users["policy_officer"])
    html = client.get(reverse("monitoring:import_detail", args=[run.public_id])).content.decode()
    assert "van 0 rijen" not in html and "er kon geen record worden gelezen" in html


def test_an_officer_id_shaped_like_a_formula_is_refused(import_bytes):
    rows = records(5)
    for row, officer in zip(rows, ['=HYPERLINK("http://x")', "+1", "-2+3", "@SUM(A1)", "O-1"], strict=True):
        row["officer_id"] = officer
    run = import_bytes(csv_bytes(rows))
    assert [(p["row"], p["code"]) for p in run.problems] == [(r, "formula_like_value") for r in (2, 3, 4, 5)]
    assert "formula" in run.problems[0]["code"] and MonitoringRecord.objects.count() == 0


def test_the_report_csv_neutralises_formula_cells(client, users, import_bytes):
    rows = records(2)
    rows[0]["nationality"] = '=HYPERLINK("http://evil","click")'
    rows[1]["decision"] = "@cmd"
    run = import_bytes(csv_bytes(rows))
    client.force_login(users["policy_officer"])
    report = client.get(reverse("monitoring:import_report_csv", args=[run.public_id])).content.decode()
    cells = [cell for row in csv.reader(io.StringIO(report)) for cell in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "@", "\t", "\r") or (c[:1] == "-" and c[1:2] != "")]
    assert any(c.startswith("'=HYPERLINK(") for c in cells) and "'@cmd" in cells
