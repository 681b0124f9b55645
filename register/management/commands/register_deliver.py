"""`manage.py register_deliver --as USER [--retract]`: send the published version of the
entry to the Algorithm Register's delivery API (or send the retraction of the newest
retracted version). A reviewer's act: USER must hold the reviewer role and the
register's API must be configured in the environment (docs/register.md)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from problems import DomainError
from register import selectors
from register.models import VersionStatus
from register.services import version_deliver


class Command(BaseCommand):
    help = "Deliver the published register entry (or its retraction) to the Algorithm Register."

    def add_arguments(self, parser):
        parser.add_argument("--as", dest="username", required=True, help="The reviewer who delivers.")
        parser.add_argument("--retract", action="store_true", help="Send the retraction instead.")

    def handle(self, *args, username: str, retract: bool, **options):
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"no active user {username!r}")
        entry = selectors.entry_current()
        wanted = VersionStatus.RETRACTED if retract else VersionStatus.PUBLISHED
        version = selectors.version_list(entry=entry).filter(status=wanted).first() if entry else None
        if version is None:
            raise CommandError(f"there is no {wanted} version")
        try:
            version = version_deliver(actor=user, version=version, operation="retract" if retract else "publish")
        except DomainError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"delivered version {version.number}: lars {version.entry.lars or '-'}")
