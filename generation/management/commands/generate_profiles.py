"""`manage.py generate_profiles [--from D --to D] [--params FILE] [--dry-run] [--json P]`

Runs the decision tree. Without --dry-run it makes (or finds) this month's run with the
approved parameter set, through the same service as the portal and the schedule, and
stores its candidates for review. --params takes a JSON parameter set instead of the
approved one; since only an approved set may propose profiles, such a run stores nothing
(it is a dry run). --from/--to set the window of a dry run."""

import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from accounts.actors import SystemActor
from accounts.roles import START_GENERATION
from generation import selectors, services
from generation.models import RunOrigin, RunStatus
from problems import DomainError

OPERATOR = SystemActor("command:generate_profiles", frozenset({START_GENERATION}))


def _date(text: str | None, name: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise CommandError(f"--{name}: expected a date YYYY-MM-DD, got {text!r}") from error


class Command(BaseCommand):
    help = "Run the profile-generation decision tree (docs/profile-generation.md)."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="window_from")
        parser.add_argument("--to", dest="window_to")
        parser.add_argument("--params", help="JSON file with a parameter set (implies --dry-run)")
        parser.add_argument("--dry-run", action="store_true", help="compute and report; store nothing")
        parser.add_argument("--json", dest="json_path", help="write the run as iob-profile-run/1 JSON")

    def handle(self, *args, **options):
        window_from, window_to = _date(options["window_from"], "from"), _date(options["window_to"], "to")
        dry = options["dry_run"] or bool(options["params"]) or bool(window_from or window_to)
        try:
            if dry:
                if options["params"]:
                    try:
                        with open(options["params"], encoding="utf-8") as handle:
                            parameters = json.load(handle)
                    except (OSError, ValueError, RecursionError) as error:
                        raise CommandError(f"--params: cannot read {options['params']}: {error}") from error
                    if not options["dry_run"]:
                        self.stderr.write(
                            "--params: only an approved parameter set proposes profiles; "
                            "this is a dry run and stores nothing."
                        )
                else:
                    current = services.parameter_set_current()
                    if current is None:
                        raise CommandError("No parameter set is approved; give one with --params or approve one.")
                    parameters = current.as_parameters()
                if (window_from or window_to) and not options["dry_run"] and not options["params"]:
                    self.stderr.write(
                        "--from/--to: a stored run always uses the five years before its month; "
                        "this is a dry run and stores nothing."
                    )
                document = services.run_dry(parameters=parameters, window_from=window_from, window_to=window_to)
            else:
                run = services.run_request(actor=OPERATOR, origin=RunOrigin.COMMAND, enqueue=False)
                if not run.is_finished:
                    run = services.run_execute(run_id=run.pk, job_id=run.job_id)
                if run.status != RunStatus.COMPLETED:
                    raise CommandError(f"The run failed: {run.error}")
                document = selectors.run_document_stored(run=run)
        except DomainError as error:
            raise CommandError("; ".join(f"{p.code}: {p.message}" for p in error.problems)) from error
        if options["json_path"]:
            with open(options["json_path"], "w", encoding="utf-8") as out:
                json.dump(document, out, ensure_ascii=False, indent=2)
        counts: dict[str, int] = {}
        for profile in document["profiles"]:
            counts[profile["type"]] = counts.get(profile["type"], 0) + 1
        self.stdout.write(
            f"{'dry run' if dry else 'run ' + document.get('run', '')}: window {document['window']['from']} – "
            f"{document['window']['to']}, {document['n_records']} records; "
            f"{counts.get('chance', 0)} chance, {counts.get('risk', 0)} risk, {len(document['dropped'])} dropped"
        )
