from django.core.management.base import BaseCommand, CommandError

from audit.selectors import audit_chain_verify


class Command(BaseCommand):
    help = "Check the audit trail's hash chain. Exit 0 when intact, 1 when broken."

    def handle(self, *args, **options):
        verdict = audit_chain_verify()
        if verdict.intact:
            self.stdout.write(f"Audit trail intact: {verdict.checked} events checked.")
            return
        raise CommandError(
            f"Audit trail broken at event #{verdict.first_bad_seq}: {verdict.reason} "
            f"({verdict.checked} events before it are intact).",
            returncode=1,
        )
