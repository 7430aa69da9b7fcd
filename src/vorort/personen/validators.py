"""Validators with German messages."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from schwifty import IBAN
from schwifty.exceptions import SchwiftyException


def normalize_iban(value: str) -> str:
    return "".join(value.split()).upper()


def validate_iban(value: str) -> None:
    """Check country format and the ISO 7064 mod-97 checksum of an IBAN."""
    compact = normalize_iban(value)
    try:
        IBAN(compact)
    except SchwiftyException as exc:
        raise ValidationError(
            "Die IBAN %(iban)s ist ungültig: %(grund)s. Bitte prüfen Sie die Angabe (z. B. Zahlendreher).",
            code="iban",
            params={"iban": compact, "grund": _grund(exc)},
        ) from None


def _grund(exc: SchwiftyException) -> str:
    name = type(exc).__name__
    return {
        "InvalidChecksumDigits": "die Prüfziffer stimmt nicht",
        "InvalidLength": "die Länge passt nicht zum Land",
        "InvalidCountryCode": "unbekannter Ländercode",
        "InvalidStructure": "der Aufbau passt nicht zum Land",
        "InvalidBBANChecksum": "die Kontonummer-Prüfziffer stimmt nicht",
    }.get(name, "Format nicht erkannt")
