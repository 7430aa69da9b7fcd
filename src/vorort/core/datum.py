"""Dates and months as people read and type them: TT.MM.JJJJ and MM.JJJJ, never ISO.

The one place that turns a typed date or month into a `date` and back. Forms use it through
`core.fields.DatumsFeld` / `MonatsFeld`, templates through the `datum` and `monat` filters,
messages through `datum_de` / `monat_de`. Machines (API, files, audit details) keep ISO.

Accepted input (decision 0303):

- dates: `24.12.2025`, `4.5.1979`, `24.12.25`; separators `.`, `/` or `-` between day, month, year;
- months: `03.2026`, `3.2026`, `3/2026`, `03.26`;
- a two-digit year means the year of the hundred years that end ten years from now (in 2026:
  `36` is 2036, `37` is 1937); for a date that cannot lie in the future (a birth date) the hundred
  years end this year (in 2026: `26` is 2026, `27` is 1927). The form then shows the four-digit year.

ISO input (`2025-12-24`, `2026-03`) is refused with a message that shows the German form, so a
date is never read the wrong way round.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

MONATSNAMEN = (
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
)

_DATUM = re.compile(r"(\d{1,2})\s*([./-])\s*(\d{1,2})\s*\2\s*(\d{2}|\d{4})")
_MONAT = re.compile(r"(\d{1,2})\s*[./-]\s*(\d{2}|\d{4})")
_ISO_DATUM = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_ISO_MONAT = re.compile(r"(\d{4})-(\d{1,2})")

#: How far into the future a two-digit year may point (see the module docstring).
ZUKUNFT_JAHRE = 10


def datum_de(tag: date | datetime) -> str:
    """24.12.2025; a datetime is shown in local time."""
    if isinstance(tag, datetime) and timezone.is_aware(tag):
        tag = timezone.localtime(tag)
    return f"{tag:%d.%m.%Y}"


def monat_de(monat: date) -> str:
    """03.2026"""
    return f"{monat:%m.%Y}"


def monat_lang(monat: date) -> str:
    """März 2026"""
    return f"{MONATSNAMEN[monat.month - 1]} {monat.year}"


def vierstellig(jahr: int, *, heute: date, nur_vergangenheit: bool = False) -> int:
    """Expand a two-digit year to the hundred years that end ten years (or, for past-only, 0) from now.

    >>> vierstellig(36, heute=date(2026, 12, 2)), vierstellig(37, heute=date(2026, 12, 2))
    (2036, 1937)
    >>> vierstellig(26, heute=date(2026, 12, 2), nur_vergangenheit=True)
    2026
    >>> vierstellig(27, heute=date(2026, 12, 2), nur_vergangenheit=True)
    1927
    """
    ende = heute.year + (0 if nur_vergangenheit else ZUKUNFT_JAHRE)
    kandidat = ende - (ende - jahr) % 100
    return kandidat


def parse_datum(text: str, *, nur_vergangenheit: bool = False, heute: date | None = None) -> date:
    """Read a date typed the German way; raise a German ValidationError saying what is wrong."""
    text = text.strip()
    treffer = _DATUM.fullmatch(text)
    if treffer is None:
        iso = _ISO_DATUM.fullmatch(text)
        if iso:
            jahr, monat, tag = map(int, iso.groups())
            raise ValidationError(
                f"Bitte geben Sie das Datum als TT.MM.JJJJ ein, also {tag:02d}.{monat:02d}.{jahr}.",
                code="iso",
            )
        raise ValidationError(
            f"„{text}“ ist kein Datum. Bitte geben Sie es als TT.MM.JJJJ ein, z. B. 24.12.2025.",
            code="invalid",
        )
    tag, _, monat, jahr_text = treffer.groups()
    tag, monat, jahr = int(tag), int(monat), int(jahr_text)
    if len(jahr_text) == 2:
        jahr = vierstellig(jahr, heute=heute or timezone.localdate(), nur_vergangenheit=nur_vergangenheit)
    if not 1 <= monat <= 12:
        raise ValidationError(
            f"Den {tag:02d}.{monat:02d}.{jahr} gibt es nicht. Einen Monat {monat:02d} gibt es nicht; "
            "bitte 01 bis 12 angeben.",
            code="unmoeglich",
        )
    if jahr < 1:
        raise ValidationError(f"Das Jahr {jahr_text} gibt es nicht.", code="unmoeglich")
    letzter = calendar.monthrange(jahr, monat)[1]
    if not 1 <= tag <= letzter:
        raise ValidationError(
            f"Den {tag:02d}.{monat:02d}.{jahr} gibt es nicht. Der {MONATSNAMEN[monat - 1]} {jahr} "
            f"hat {letzter} Tage.",
            code="unmoeglich",
        )
    return date(jahr, monat, tag)


def parse_monat(text: str, *, heute: date | None = None) -> date:
    """Read a month typed as MM.JJJJ (or M/JJJJ, MM.JJ); return its first day."""
    text = text.strip()
    treffer = _MONAT.fullmatch(text)
    if treffer is None:
        iso = _ISO_MONAT.fullmatch(text)
        if iso:
            jahr, monat = map(int, iso.groups())
            raise ValidationError(
                f"Bitte geben Sie den Monat als MM.JJJJ ein, also {monat:02d}.{jahr}.", code="iso"
            )
        raise ValidationError(
            f"„{text}“ ist kein Monat. Bitte geben Sie ihn als MM.JJJJ ein, z. B. 03.2026.",
            code="invalid",
        )
    monat_text, jahr_text = treffer.groups()
    monat, jahr = int(monat_text), int(jahr_text)
    if len(jahr_text) == 2:
        jahr = vierstellig(jahr, heute=heute or timezone.localdate())
    if not 1 <= monat <= 12:
        raise ValidationError(
            f"Den Monat {monat:02d}.{jahr} gibt es nicht. Bitte als Monat 01 bis 12 angeben.",
            code="unmoeglich",
        )
    if jahr < 1:
        raise ValidationError(f"Das Jahr {jahr_text} gibt es nicht.", code="unmoeglich")
    return date(jahr, monat, 1)
