"""manage.py advise FILE --out P: the track and its reasons for every application in a CSV.

In: the seven characteristics and the three known-party hit columns (applicant_hit,
referent_hit, employer_hit), optionally lodged_on (default today) and application_id.
Out: the same rows with track, known_party_hits, matched_profiles (CODE@VERSION;…) and
reasons. A bad file stops the command with every problem listed and no output file.
An active profile that the engine re-checked and refused to use is named on stderr (and
is in the audit trail); the advice is written without it.
"""

import os
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from accounts.actors import SystemActor
from accounts.roles import REQUEST_ADVICE
from advice.csv_io import advice_csv
from problems import DomainError

# The operator runs the command; the trail names it as such.
OPERATOR = SystemActor("command:advise", rights=frozenset({REQUEST_ADVICE}))


class Command(BaseCommand):
    help = "Advise every application of a CSV file (the seven characteristics and three known-party hits)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--out", required=True)
        parser.add_argument("--language", choices=["nl", "en"], default=None, help="Language of the reasons.")

    def handle(self, *args, file: str, out: str, language: str | None, **options):
        source, target = Path(file), Path(out)
        if not source.is_file():
            raise CommandError(f"no such file: {source}")
        target.parent.mkdir(parents=True, exist_ok=True)
        # Written beside the target and renamed when complete: a bad file leaves nothing behind.
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".advise-", suffix=".csv")
        try:
            with (
                translation.override(language or translation.get_language() or "nl"),
                open(source, newline="", encoding="utf-8-sig") as inp,
                os.fdopen(handle, "w", newline="", encoding="utf-8") as outp,
            ):
                count, refused = advice_csv(actor=OPERATOR, source=inp, target=outp, door="command")
            os.replace(temporary, target)
        except DomainError as error:
            raise CommandError("\n".join(f"{p.field}: {p.code}: {p.message}" for p in error.problems)) from None
        except UnicodeDecodeError:
            raise CommandError(f"{source} is not UTF-8 text") from None
        finally:
            if os.path.exists(temporary):
                os.unlink(temporary)
        for profile in refused:
            self.stderr.write(
                f"warning: active profile {profile.code}@{profile.version} fails the profile rules "
                f"({', '.join(profile.codes)}) and was not used; see the audit trail"
            )
        self.stdout.write(f"advised {count} applications; written to {target}")
