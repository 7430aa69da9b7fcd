"""`vorort demo_code USERNAME`: print a demo user's current TOTP code.

So that newcomers can log in to the demo without an authenticator app. Refused for users of a
Mandant that is not a demo Mandant: there, the second factor must stay a secret.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from vorort.core.models import User
from vorort.demo.build import is_demo_mandant


def current_code(device: TOTPDevice) -> str:
    """The device's code for the current time step, zero-padded to its number of digits."""
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):0{device.digits}d}"


class Command(BaseCommand):
    help = "Zeigt den aktuellen TOTP-Code einer Demo-Benutzerin / eines Demo-Benutzers (nur Demo-Mandanten)."

    def add_arguments(self, parser):
        parser.add_argument("username", help="Benutzername, z. B. schulz")

    def handle(self, *args, username: str, **options):
        user = User.objects.select_related("mandant").filter(username=username).first()
        if user is None:
            raise CommandError(
                f"Benutzer/in {username!r} gibt es nicht. "
                f"Die Demo-Anmeldungen zeigt `vorort demo --no-serve`."
            )
        if not is_demo_mandant(user.mandant):
            raise CommandError(
                f"{username!r} gehört nicht zu einem Demo-Mandanten. "
                f"Codes werden nur für Demo-Daten angezeigt; "
                f"bitte die Authenticator-App verwenden."
            )
        device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
        if device is None:
            raise CommandError(f"{username!r} hat kein bestätigtes TOTP-Gerät.")
        self.stdout.write(current_code(device))
