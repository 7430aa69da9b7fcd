"""The main navigation: which screens a user's roles open, in the order staff use them.

Later apps add entries to `EINTRAEGE` (e.g. "Anträge" for `leistung.view_antrag`); the header
shows every entry whose permission the user has.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from vorort.core.models import User


@dataclass(frozen=True)
class Eintrag:
    label: str
    url_name: str
    permission: str | None = None
    exact: bool = False


EINTRAEGE: list[Eintrag] = [
    Eintrag("Meine Aufgaben", "core:start", exact=True),
    Eintrag("Personensuche", "personen:suche", "personen.view_person"),
    Eintrag("Person anlegen", "personen:neu", "personen.add_person"),
    Eintrag("Arbeitsvorrat Leistung", "leistung:arbeitsvorrat", "leistung.view_antrag", exact=True),
    Eintrag("Zahlläufe", "leistung:zahllaeufe", "leistung.view_zahllauf"),
    Eintrag("Protokoll", "core:protokoll", "core.view_auditlog"),
    Eintrag("Benutzer/innen", "core:benutzer_liste", "core.manage_users"),
    Eintrag("Teams", "core:team_liste", "core.manage_users"),
    Eintrag("Mandant", "core:mandant", "core.manage_mandant"),
]


def navigation_for(user: User, path: str) -> list[dict]:
    """Return the entries the user may open, with `current` set for the one showing `path`."""
    eintraege = []
    for eintrag in EINTRAEGE:
        if eintrag.permission and not user.has_perm(eintrag.permission):
            continue
        url = reverse(eintrag.url_name)
        current = path == url if eintrag.exact else path.startswith(url)
        eintraege.append({"label": eintrag.label, "url": url, "current": current})
    return eintraege
