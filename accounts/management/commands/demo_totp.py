"""Print the current TOTP code of a demo account, so that the demo can be used without
an authenticator app. Only for devices that seed_demo made, and never in production."""

import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.second_factor import DEMO_DEVICE_NAME


class Command(BaseCommand):
    help = "Print the current second-factor code of a demo account made by seed_demo (not in production)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--uri", action="store_true", help="also print the otpauth:// URI for an app")

    def handle(self, *args, username: str, uri: bool, **options):
        if getattr(settings, "PRODUCTION", False):
            raise CommandError("Refused: this is a production installation (IOB_ENV=production).")
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No account {username!r}.")
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None or device.name != DEMO_DEVICE_NAME:
            # A real person's device: its codes are theirs alone.
            raise CommandError(f"{username!r} has no second-factor device made by seed_demo.")
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        now = time.time()
        totp.time = now
        left = int(device.step - (now - device.t0) % device.step)
        if uri:
            self.stdout.write(device.config_url)
        self.stdout.write(f"Current code for {username} (changes in {left} s; each code works once):")
        self.stdout.write(f"{totp.token():0{device.digits}d}")
