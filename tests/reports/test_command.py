"""manage.py bias_report: synchronous, writes the files, stores the report, exit 0."""

import json

import pytest
from django.core.management import CommandError, call_command

from reports.models import BiasReport, ReportOrigin, ReportStatus

from .helpers import rec, records_create


def test_the_command_writes_the_files_and_stores_the_report(db, tmp_path, capsys):
    records_create(rec(12, advice="intensive", decision="refused") + rec(12, nationality="SUR"))
    paths = {kind: tmp_path / f"report.{kind}" for kind in ("json", "pdf", "csv")}
    call_command(
        "bias_report",
        "--from",
        "2025-01-01",
        "--to",
        "2025-12-31",
        "--min-cell",
        "6",
        "--json",
        str(paths["json"]),
        "--pdf",
        str(paths["pdf"]),
        "--csv",
        str(paths["csv"]),
    )
    report = BiasReport.objects.get()
    assert report.status == ReportStatus.GENERATED and report.origin == ReportOrigin.COMMAND
    assert report.parameters["min_cell"] == 6 and report.created_by is None
    figures = json.loads(paths["json"].read_text())
    assert figures["population"]["n"] == 24 and figures["parameters"]["min_cell"] == 6
    assert paths["pdf"].read_bytes().startswith(b"%PDF-") and paths["csv"].read_text().startswith("table,")
    assert report.content_hash in capsys.readouterr().out


def test_bad_input_fails_with_every_problem_and_stores_nothing(db):
    with pytest.raises(CommandError) as failed:
        call_command("bias_report", "--from", "2025-02-30", "--to", "2025-01-01", "--min-cell", "1")
    assert "invalid_date" in str(failed.value) and "invalid_parameter" in str(failed.value)
    # A CommandError is Django's exit status 1.
    assert not BiasReport.objects.exists()
