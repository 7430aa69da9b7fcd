"""Persons and Bedarfsgemeinschaften over the API; the same selectors as the web UI."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema

from vorort.personen.selectors import access_bg_by_id, access_person_by_id, members_of_bg, search_persons

router = Router(tags=["Personen"])


class PersonOut(Schema):
    id: int
    kundennummer: str
    vorname: str
    nachname: str
    geburtsdatum: date
    geschlecht: str
    staatsangehoerigkeit: str


class SuchtrefferOut(Schema):
    person: PersonOut
    score: float = Field(description="Ähnlichkeit 0..1")


class MitgliedOut(Schema):
    person: PersonOut
    rolle: str
    erwerbsfaehig: bool
    gueltig_ab: date
    gueltig_bis: date | None


class BedarfsgemeinschaftOut(Schema):
    id: int
    nummer: str
    status: str
    team: str
    leistungsbezug_seit: date | None
    mitglieder: list[MitgliedOut]


@router.get("/personen", response=list[SuchtrefferOut], summary="Personen suchen")
def personen_suchen(request: HttpRequest, q: str):
    """Name (fehlertolerant), Geburtsdatum TT.MM.JJJJ, Kundennummer oder BG-Nummer."""
    return search_persons(request.auth, q).treffer


@router.get("/personen/{person_id}", response=PersonOut, summary="Person lesen")
def person_lesen(request: HttpRequest, person_id: int):
    return access_person_by_id(request.auth, person_id, zweck="API: Person lesen")


@router.get("/bedarfsgemeinschaften/{bg_id}", response=BedarfsgemeinschaftOut, summary="BG lesen")
def bg_lesen(request: HttpRequest, bg_id: int):
    bg = access_bg_by_id(request.auth, bg_id, zweck="API: BG lesen")
    mitglieder = [
        MitgliedOut(
            person=PersonOut.from_orm(m.person),
            rolle=m.rolle,
            erwerbsfaehig=m.erwerbsfaehig,
            gueltig_ab=m.gueltig_ab,
            gueltig_bis=m.gueltig_bis,
        )
        for m in members_of_bg(bg, stichtag=timezone.localdate())
    ]
    return BedarfsgemeinschaftOut(
        id=bg.pk,
        nummer=bg.nummer,
        status=bg.status,
        team=bg.team.name,
        leistungsbezug_seit=bg.leistungsbezug_seit,
        mitglieder=mitglieder,
    )
