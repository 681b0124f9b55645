"""`manage.py export_document KIND --out P [--format pdf|json]`: writes the current
version of a registered document kind (register, dpia, iama). The export is stored and
audited like one made in the portal, under the operator's system actor."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.actors import SystemActor
from documents.exports import export_kind_get, export_kinds, export_run_now
from problems import DomainError


class Command(BaseCommand):
    help = "Write the current version of a document (register, dpia, iama) as PDF or JSON."

    def add_arguments(self, parser):
        parser.add_argument("kind", help="Document kind: " + ", ".join(export_kinds()) if export_kinds() else "kind")
        parser.add_argument("--out", required=True, help="File to write.")
        parser.add_argument("--format", default="pdf", choices=["pdf", "json"])

    def handle(self, *args, kind: str, out: str, format: str, **options):
        try:
            registered = export_kind_get(kind)
            actor = SystemActor("export_document", rights=frozenset({registered.permission}))
            export = export_run_now(actor=actor, kind=kind, fmt=format)
        except DomainError as error:
            raise CommandError(str(error)) from error
        Path(out).write_bytes(bytes(export.content))
        self.stdout.write(f"{export.filename}: {export.size} bytes, sha256 {export.sha256} -> {out}")
