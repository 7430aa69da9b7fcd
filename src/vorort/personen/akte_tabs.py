"""The tabs of a person's file and a BG's file ("Akte"), as a registry later apps extend.

A tab names its key (part of the URL), its label, its template and a context function that
receives the user and the person or BG the view already accessed (and recorded as read).
Later apps register their own, e.g. `leistung` replaces the "Leistungen" placeholder::

    register_person_tab(AkteTab("leistungen", "Leistungen", "leistung/akte_leistungen.html",
                                kontext=leistungen_der_person, reihenfolge=40))

A tab whose context has no entries shows "Noch keine Einträge." (template `personen/akte/leer.html`).
A tab that reads query parameters names them in `parameter`; the view passes each as a keyword
argument (a string, empty when missing), e.g. `parameter=("seite",)` for a paged list.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone

from vorort.core.models import User
from vorort.personen.models import Bedarfsgemeinschaft, Person
from vorort.personen.selectors import bg_namen, bgs_of_person, members_of_bg


@dataclass(frozen=True)
class AkteTab:
    key: str
    label: str
    template: str
    kontext: Callable[[User, object], dict] = field(default=lambda user, akte: {"eintraege": []})
    reihenfolge: int = 100
    zeigen: Callable[[User], bool] = field(default=lambda user: True)
    parameter: tuple[str, ...] = ()


_PERSON_TABS: dict[str, AkteTab] = {}
_BG_TABS: dict[str, AkteTab] = {}


def register_person_tab(tab: AkteTab) -> AkteTab:
    _PERSON_TABS[tab.key] = tab
    return tab


def register_bg_tab(tab: AkteTab) -> AkteTab:
    _BG_TABS[tab.key] = tab
    return tab


def person_tabs(user: User) -> list[AkteTab]:
    return sorted((t for t in _PERSON_TABS.values() if t.zeigen(user)), key=lambda t: (t.reihenfolge, t.key))


def bg_tabs(user: User) -> list[AkteTab]:
    return sorted((t for t in _BG_TABS.values() if t.zeigen(user)), key=lambda t: (t.reihenfolge, t.key))


def _stammdaten(user: User, person: Person) -> dict:
    return {
        "adressen": list(person.adressen.order_by("-gueltig_ab")),
        "bankverbindungen": list(person.bankverbindungen.order_by("-gueltig_ab")),
        "beschaeftigungen": list(person.beschaeftigungen.order_by("-gueltig_ab")),
        "darf_aendern": user.has_perm("personen.change_person"),
        "darf_zusammenfuehren": user.has_perm("personen.merge_person"),
        "zusammengefuehrte": list(person.zusammengefuehrte.order_by("pk")),
    }


def _bg_der_person(user: User, person: Person) -> dict:
    mitgliedschaften = list(bgs_of_person(user, person))
    heute = timezone.localdate()
    aktuelle = next(
        (
            m
            for m in mitgliedschaften
            if m.gueltig_ab <= heute and (m.gueltig_bis is None or m.gueltig_bis >= heute)
        ),
        None,
    )
    mitglieder = list(members_of_bg(aktuelle.bedarfsgemeinschaft)) if aktuelle else []
    namen = bg_namen({m.bedarfsgemeinschaft_id for m in mitgliedschaften})
    return {
        "eintraege": [(m, namen.get(m.bedarfsgemeinschaft_id)) for m in mitgliedschaften],
        "aktuelle": aktuelle,
        "aktuelle_name": aktuelle and namen.get(aktuelle.bedarfsgemeinschaft_id),
        "mitglieder": mitglieder,
    }


def _dokumente_der_person(user: User, person: Person) -> dict:
    from vorort.akte.models import Dokument

    return {
        "eintraege": list(
            Dokument.objects.visible_to(user).filter(person=person).select_related("bedarfsgemeinschaft")
        )
    }


def _mitglieder_der_bg(user: User, bg: Bedarfsgemeinschaft) -> dict:
    eintraege = list(
        bg.mitgliedschaften.select_related("person").order_by("gueltig_bis", "rolle", "person__geburtsdatum")
    )
    heute = timezone.localdate()
    return {
        "aktuelle": [
            m
            for m in eintraege
            if m.gueltig_ab <= heute and (m.gueltig_bis is None or m.gueltig_bis >= heute)
        ],
        "fruehere": [m for m in eintraege if m.gueltig_bis is not None and m.gueltig_bis < heute],
        "kuenftige": [m for m in eintraege if m.gueltig_ab > heute],
        "eintraege": eintraege,
    }


def _dokumente_der_bg(user: User, bg: Bedarfsgemeinschaft) -> dict:
    from vorort.akte.models import Dokument

    return {
        "eintraege": list(
            Dokument.objects.visible_to(user).filter(bedarfsgemeinschaft=bg).select_related("person")
        )
    }


LEER = "personen/akte/leer.html"

register_person_tab(AkteTab("stammdaten", "Stammdaten", "personen/akte/stammdaten.html", _stammdaten, 10))
register_person_tab(
    AkteTab("bg", "Bedarfsgemeinschaft", "personen/akte/bg_der_person.html", _bg_der_person, 20)
)
register_person_tab(
    AkteTab("dokumente", "Dokumente", "personen/akte/dokumente.html", _dokumente_der_person, 30)
)
register_person_tab(AkteTab("leistungen", "Leistungen", LEER, reihenfolge=40))
register_person_tab(AkteTab("integration", "Integration", LEER, reihenfolge=50))
register_person_tab(AkteTab("termine", "Termine", LEER, reihenfolge=60))

register_bg_tab(
    AkteTab("mitglieder", "Bedarfsgemeinschaft", "personen/akte/mitglieder.html", _mitglieder_der_bg, 10)
)
register_bg_tab(AkteTab("dokumente", "Dokumente", "personen/akte/dokumente.html", _dokumente_der_bg, 30))
register_bg_tab(AkteTab("leistungen", "Leistungen", LEER, reihenfolge=40))
register_bg_tab(AkteTab("integration", "Integration", LEER, reihenfolge=50))
register_bg_tab(AkteTab("termine", "Termine", LEER, reihenfolge=60))
