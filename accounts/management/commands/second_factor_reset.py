"""A lost phone: remove a user's second-factor device; they enrol again at next sign-in."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts.actors import SystemActor
from accounts.second_factor import second_factor_reset


class Command(BaseCommand):
    help = "Remove a user's TOTP device (audited); the user sets up a new one at the next sign-in."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username: str, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No account {username!r}.")
        count = second_factor_reset(actor=SystemActor("manage.py second_factor_reset"), user=user)
        self.stdout.write(f"{username}: {count} device(s) removed; a new one is set up at the next sign-in.")
