"""manage.py import_monitoring FILE [--format csv|jsonl]: exit 0 imported, 1 rejected."""

import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from monitoring.columns import problem_message
from monitoring.models import ImportStatus
from monitoring.services import importer, monitoring_records_import_path
from problems import DomainError


class Command(BaseCommand):
    help = (
        "Import monitoring records from a CSV or JSON Lines file, whole or not at all. "
        "A bad file gets a report of every bad row and changes nothing (exit status 1)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--format",
            choices=["csv", "jsonl"],
            default=None,
            help="Default: by the file's extension (.jsonl/.ndjson: JSON Lines, else CSV).",
        )
        parser.add_argument(
            "--user",
            default=None,
            help="Portal user to record as the importer (needs the import right); "
            "default: the operator of this command.",
        )
        parser.add_argument("--language", choices=["nl", "en"], default=None, help="Language of the report.")
        parser.add_argument("--max-problems", type=int, default=200, help="Problems to print (all are counted).")

    def handle(
        self, *args, file: str, format: str | None, user: str | None, language: str | None, max_problems: int, **options
    ):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        actor = self._actor(user)
        with translation.override(language or translation.get_language() or "nl"):
            progress = self._progress if sys.stderr.isatty() else None
            try:
                run = monitoring_records_import_path(actor=actor, path=path, file_format=format, on_progress=progress)
            except DomainError as error:
                raise CommandError(str(error)) from None
            if run.status == ImportStatus.IMPORTED:
                self.stdout.write(
                    _(
                        "Imported %(rows)s records from %(file)s: %(inserted)s new, %(updated)s "
                        "updated, %(unchanged)s unchanged. SHA-256 %(sha)s."
                    )
                    % {
                        "rows": run.row_count,
                        "file": path.name,
                        "inserted": run.inserted_count,
                        "updated": run.updated_count,
                        "unchanged": run.unchanged_count,
                        "sha": run.sha256,
                    }
                )
                return
            self.stderr.write(
                _("Rejected %(file)s: %(problems)s problems in %(bad)s of %(rows)s rows. Nothing was imported.")
                % {"file": path.name, "problems": run.problem_count, "bad": run.bad_row_count, "rows": run.row_count}
            )
            self.stderr.write("row\tcolumn\tcode\tmessage")
            for entry in run.problems[:max_problems]:
                self.stderr.write(
                    f"{entry['row']}\t{entry.get('column') or '-'}\t{entry['code']}\t{problem_message(entry)}"
                )
            if run.problem_count > min(max_problems, len(run.problems)):
                self.stderr.write(
                    _("… and %(more)s more problems.")
                    % {"more": run.problem_count - min(max_problems, len(run.problems))}
                )
        sys.exit(1)

    def _actor(self, username: str | None):
        if not username:
            import getpass

            return importer(f"manage.py import_monitoring ({getpass.getuser()})")
        try:
            return get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"no such user: {username}") from None

    def _progress(self, percent: int, message: str) -> None:
        self.stderr.write(f"\r{percent:3d}% {message}", ending="")
