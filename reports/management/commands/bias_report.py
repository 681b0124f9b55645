"""manage.py bias_report --from D --to D [--json P] [--pdf P] [--csv P] [--min-cell N]

Runs the bias report job in this process and writes its files; the report is stored like
any other and visible in the portal. Exit status 0 when the report is made."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from problems import DomainError
from reports.models import ArtifactKind, ReportOrigin
from reports.selectors import report_artifact
from reports.services import command_actor, report_run_now


class Command(BaseCommand):
    help = "Compute a bias report (docs/bias-report.md) synchronously and write its JSON, PDF and CSV."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="period_from", required=True, help="first day, YYYY-MM-DD")
        parser.add_argument("--to", dest="period_to", required=True, help="last day, YYYY-MM-DD")
        parser.add_argument("--json", dest="json_path", help="write the report JSON here")
        parser.add_argument("--pdf", dest="pdf_path", help="write the PDF here")
        parser.add_argument("--csv", dest="csv_path", help="write the CSV of the tables here")
        parser.add_argument("--min-cell", dest="min_cell", help="smallest group shown with figures (default 10)")
        for name in ("alpha", "ratio-low", "ratio-high", "follow-threshold"):
            parser.add_argument(
                f"--{name}", dest=name.replace("-", "_"), help="report parameter (see docs/bias-report.md)"
            )

    def handle(self, *args, **options):
        parameters = {
            k: options[k]
            for k in ("min_cell", "alpha", "ratio_low", "ratio_high", "follow_threshold")
            if options.get(k) is not None
        }
        try:
            report = report_run_now(
                actor=command_actor(),
                period_from=options["period_from"],
                period_to=options["period_to"],
                parameters=parameters,
                origin=ReportOrigin.COMMAND,
            )
        except DomainError as error:
            raise CommandError("\n".join(f"{p.code}: {p.message}" for p in error.problems)) from error
        for kind, path in (
            (ArtifactKind.JSON, options["json_path"]),
            (ArtifactKind.PDF, options["pdf_path"]),
            (ArtifactKind.CSV, options["csv_path"]),
        ):
            if path:
                Path(path).write_bytes(report_artifact(report=report, kind=kind))
        # Flags are the true *_flagged values of the JSON; the PDF's findings count an officer
        # flagged for two reasons twice.
        self.stdout.write(
            f"bias report {report.public_id}: {report.record_count} records, {report.flagged_count} "
            f"flags, content SHA-256 {report.content_hash}"
        )
