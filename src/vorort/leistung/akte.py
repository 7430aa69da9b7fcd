"""The benefits app's contributions to other screens: the "Leistungen" tab of the BG's and the
person's file, the BG's "Dokumente" tab with its letters, and the start page panel "Leistung:
Arbeitsvorrat" (registered in `apps.ready`)."""

from __future__ import annotations

from vorort.core.models import User
from vorort.core.start_panels import Kachel, register
from vorort.leistung.selectors import (
    aufgabenzahlen_for_user,
    dokumente_for_bg,
    dokumente_for_person,
    leistungen_for_bg,
    team_hinweis,
)
from vorort.personen.akte_tabs import AkteTab, register_bg_tab, register_person_tab
from vorort.personen.models import Bedarfsgemeinschaft, Person


def _leistungen_der_bg(user: User, bg: Bedarfsgemeinschaft, *, seite: str) -> dict:
    return {"leistungen": leistungen_for_bg(user, bg.pk, seite=seite)}


def _leistungen_der_person(user: User, person: Person, *, seite: str) -> dict:
    mitgliedschaft = person.mitgliedschaften.order_by("-gueltig_ab").first()
    if mitgliedschaft is None:
        return {"leistungen": None}
    return {"leistungen": leistungen_for_bg(user, mitgliedschaft.bedarfsgemeinschaft_id, seite=seite)}


def _dokumente_der_bg(user: User, bg: Bedarfsgemeinschaft) -> dict:
    return {"dokumente": dokumente_for_bg(user, bg.pk), "bg": bg}


def _dokumente_der_person(user: User, person: Person) -> dict:
    return {"dokumente": dokumente_for_person(user, person.pk)}


def _aufgaben(user: User) -> dict:
    return {"aufgaben": aufgabenzahlen_for_user(user), "team_hinweis": team_hinweis(user)}


def registrieren() -> None:
    register_bg_tab(
        AkteTab(
            "leistungen",
            "Leistungen",
            "leistung/akte_leistungen.html",
            _leistungen_der_bg,
            40,
            parameter=("seite",),
        )
    )
    # Replace the plain lists of `personen`: the letters with their date, kind and download.
    register_bg_tab(AkteTab("dokumente", "Dokumente", "leistung/akte_dokumente.html", _dokumente_der_bg, 30))
    register_person_tab(
        AkteTab("dokumente", "Dokumente", "leistung/akte_dokumente.html", _dokumente_der_person, 30)
    )
    register_person_tab(
        AkteTab(
            "leistungen",
            "Leistungen",
            "leistung/akte_leistungen.html",
            _leistungen_der_person,
            40,
            parameter=("seite",),
        )
    )
    register(
        Kachel(
            "leistung_aufgaben",
            "Leistung: Arbeitsvorrat",
            "leistung/kachel_aufgaben.html",
            zeigen=lambda user: user.has_perm("leistung.view_antrag"),
            kontext=_aufgaben,
            reihenfolge=20,
        )
    )
