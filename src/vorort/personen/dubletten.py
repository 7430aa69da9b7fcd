"""The duplicate check: may a new entry be a person who is already registered?

Typing errors at intake come in combinations: "Susanne Schmid 03.07.1964" is "Susanne Schmidt
07.03.1964" with a letter missing *and* day and month swapped. So the check looks at every
stored person born on the same date or on a date one typing error away (day and month swapped,
one digit wrong, two neighbouring digits swapped), then compares the names: equal after folding,
equal Kölner Phonetik, or a small Damerau-Levenshtein distance; a married person's Geburtsname
counts as a surname. Each hint carries a score and the reasons in German, for the caseworker to
judge. The birth-date index finds the candidates (about 80 dates, a few persons each).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from rapidfuzz.distance import DamerauLevenshtein

from vorort.personen.models import Person
from vorort.personen.normalize import fold, phonetik

# Stricter names when the birth date differs: a father and son "Karl Krause" born 1949 and 1979
# are one digit apart, so only close names make a date typo plausible.
_SCHWELLE_GLEICHES_DATUM = (0.75, 0.6)  # surname, first name
_SCHWELLE_ANDERES_DATUM = (0.8, 0.75)


@dataclass(frozen=True)
class Dublettenhinweis:
    """A stored person who may be the same human, how sure (`prozent`) and why (`gruende`)."""

    person: Person
    prozent: int
    gruende: tuple[str, ...]


def duplicate_candidates(
    mandant_id: int,
    *,
    vorname: str,
    nachname: str,
    geburtsdatum: date,
    geburtsname: str = "",
    ausser: int | None = None,
) -> list[Dublettenhinweis]:
    """Stored, not merged persons of the Mandant who may be this person, most likely first."""
    naehe = _nahe_geburtsdaten(geburtsdatum)
    kandidaten = Person.objects.filter(mandant_id=mandant_id, geburtsdatum__in=list(naehe)).aktiv()
    if ausser is not None:
        kandidaten = kandidaten.exclude(pk=ausser)
    hinweise = []
    for person in kandidaten.order_by("pk"):
        datum_gewicht, datum_grund = naehe[person.geburtsdatum]
        nach, nach_grund = _nachname(nachname, geburtsname, person)
        vor, vor_grund = _vergleich("Vorname", vorname, person.vorname)
        mindest_nach, mindest_vor = (
            _SCHWELLE_GLEICHES_DATUM if datum_gewicht == 1.0 else _SCHWELLE_ANDERES_DATUM
        )
        if nach >= mindest_nach and vor >= mindest_vor:
            prozent = round(100 * (nach + vor + datum_gewicht) / 3)
            hinweise.append(Dublettenhinweis(person, prozent, (nach_grund, vor_grund, datum_grund)))
    hinweise.sort(key=lambda h: (-h.prozent, h.person.pk))
    return hinweise


def _nahe_geburtsdaten(geburtsdatum: date) -> dict[date, tuple[float, str]]:
    """The birth date and every real, past date one typing error away, with weight and reason."""
    heute = timezone.localdate()
    ziffern = geburtsdatum.strftime("%d%m%Y")
    naehe: dict[date, tuple[float, str]] = {}
    eingegeben = f"{geburtsdatum:%d.%m.%Y}"

    def dazu(text: str, gewicht: float, grund: str) -> None:
        try:
            kandidat = date(int(text[4:]), int(text[2:4]), int(text[:2]))
        except ValueError:
            return
        if kandidat not in naehe and 1900 <= kandidat.year and kandidat <= heute:
            # Both dates in the reason, so the caseworker sees the difference at a glance.
            if kandidat == geburtsdatum:
                naehe[kandidat] = (gewicht, "Geburtsdatum gleich")
            else:
                naehe[kandidat] = (gewicht, f"Geburtsdatum: {grund} ({eingegeben} / {kandidat:%d.%m.%Y})")

    dazu(ziffern, 1.0, "")
    dazu(ziffern[2:4] + ziffern[:2] + ziffern[4:], 0.9, "Tag und Monat vertauscht")
    for i in range(len(ziffern) - 1):
        getauscht = ziffern[:i] + ziffern[i + 1] + ziffern[i] + ziffern[i + 2 :]
        dazu(getauscht, 0.8, "zwei Ziffern vertauscht")
    for i in range(len(ziffern)):
        for ziffer in "0123456789":
            dazu(ziffern[:i] + ziffer + ziffern[i + 1 :], 0.8, "eine Ziffer anders")
    return naehe


def _nachname(nachname: str, geburtsname: str, person: Person) -> tuple[float, str]:
    """The best match of the surnames, a Geburtsname on either side counting as a surname."""
    paare = [
        ("Nachname", nachname, person.nachname),
        ("Geburtsname der vorhandenen Person", nachname, person.geburtsname),
        ("Geburtsname", geburtsname, person.nachname),
        ("Geburtsname", geburtsname, person.geburtsname),
    ]
    return max((_vergleich(*paar) for paar in paare), key=lambda ergebnis: ergebnis[0])


def _vergleich(was: str, neu: str, vorhanden: str) -> tuple[float, str]:
    """Similarity 0..1 of two names and the reason in German."""
    a, b = fold(neu), fold(vorhanden)
    if not a or not b:
        return 0.0, ""
    if a == b:
        return 1.0, f"{was} gleich ({vorhanden})"
    if phonetik(a) == phonetik(b):
        return 0.9, f"{was} klingt gleich ({neu} / {vorhanden})"
    abstand = DamerauLevenshtein.distance(a, b)
    aehnlich = 1 - abstand / max(len(a), len(b))
    if set(a.split()) & set(b.split()):
        return max(aehnlich, 0.85), f"{was} hat einen gleichen Namensteil ({neu} / {vorhanden})"
    buchstaben = "ein Buchstabe" if abstand == 1 else f"{abstand} Buchstaben"
    return aehnlich, f"{was} ähnlich, {buchstaben} anders ({neu} / {vorhanden})"
