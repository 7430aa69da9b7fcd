"""The Auskunft nach Art. 15 DSGVO (§ 83 SGB X): a letter telling a person who read or changed
their data, when and why, from the Protokoll.

Staff appear by their office (role and team), not by name (decision 0007): employees acting
for the jobcenter are not recipients (Art. 4 Nr. 9 DSGVO; EuGH, 22.06.2023, C-579/21).
`core.actions.create_auskunft` renders the letter and records that it was issued.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from django.utils import timezone

from vorort.core.models import AuditEvent, Rolle, User
from vorort.core.pdf import render_pdf
from vorort.core.protokoll import Empfaenger
from vorort.core.selectors import ProtokollZeile, events_about_persons, protokoll_zeilen, search_protokoll

SYSTEM = "automatisch (System)"


def stellen_of(user_ids: set[int]) -> dict[int, str]:
    """Each user's office: roles and teams ("Leistungssachbearbeitung, Team Leistung Merseburg 1")."""
    stellen = {}
    for user in User.objects.filter(pk__in=user_ids).prefetch_related("groups", "teams"):
        rollen = " / ".join(str(Rolle(g.name).label) for g in user.groups.all() if g.name in Rolle.values)
        teams = ", ".join(f"Team {t.name}" for t in user.teams.all())
        stellen[user.pk] = ", ".join(teil for teil in (rollen or "Beschäftigte/r", teams) if teil)
    return stellen


def auskunft_zeilen(user: User, person_id: int, von: date | None, bis: date | None) -> list[ProtokollZeile]:
    """The events that concern the person in the period, oldest first, described in German."""
    events = search_protokoll(user, {"von": von, "bis": bis}).events
    events = events_about_persons(events, [person_id]).order_by("seq")
    return protokoll_zeilen(user, events, {person_id: ""})


def auskunft_kontext(
    user: User, empfaenger: Empfaenger, zeilen: list[ProtokollZeile], von: date | None, bis: date | None
) -> dict:
    stellen = stellen_of({z.event.acting_user_id for z in zeilen if z.event.acting_user_id})
    eintraege = [
        {
            "zeitpunkt": z.event.zeitpunkt,
            "stelle": stellen.get(z.event.acting_user_id, SYSTEM),
            "ereignis": z.event.get_typ_display(),
            "beschreibung": z.beschreibung,
            "bg": z.bg if z.ueber_bg else "",
            "zweck": z.event.zweck,
            "gelesen": z.event.typ in LESEN,
        }
        for z in zeilen
    ]
    zaehler = Counter((e["stelle"], e["gelesen"]) for e in eintraege)
    uebersicht = [
        {"stelle": stelle, "gelesen": zaehler[(stelle, True)], "geaendert": zaehler[(stelle, False)]}
        for stelle in sorted({s for s, _g in zaehler})
    ]
    return {
        "mandant": user.mandant,
        "empfaenger": {"name": empfaenger.name, "zeilen": empfaenger.zeilen, "anrede": empfaenger.anrede},
        "datum": timezone.localdate(),
        "aktenzeichen_label": "Kundennummer",
        "aktenzeichen": empfaenger.kennung,
        "betreff": "Auskunft über die Verarbeitung Ihrer Daten (Art. 15 DSGVO)",
        "bearbeitung": user,
        "von": von,
        "bis": bis,
        "eintraege": eintraege,
        "uebersicht": uebersicht,
        "mit_bg": any(e["bg"] for e in eintraege),
    }


# Events that only look at data; an earlier Auskunft is one too (it read the Protokoll).
LESEN = {
    AuditEvent.Typ.PERSON_GELESEN,
    AuditEvent.Typ.BG_GELESEN,
    AuditEvent.Typ.DOKUMENT_GELESEN,
    AuditEvent.Typ.PROTOKOLL_EXPORTIERT,
}


def render_auskunft(kontext: dict) -> bytes:
    return render_pdf("core/datenschutz/auskunft.html", kontext)
