"""Persons and Bedarfsgemeinschaften over the API; the same selectors as the web UI."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from vorort.api.fehler import FehlerOut
from vorort.personen.selectors import (
    SUCHE_MAX_ZEICHEN,
    access_bg_by_id,
    access_person_by_id,
    members_of_bg,
    search_persons,
)

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


@router.get("/personen", response={200: list[SuchtrefferOut], 422: FehlerOut}, summary="Personen suchen")
def personen_suchen(
    request: HttpRequest,
    q: str = Query(..., max_length=SUCHE_MAX_ZEICHEN, description="Suchbegriffe, durch Leerzeichen getrennt"),
):
    """Name (fehlertolerant), Geburtsdatum TT.MM.JJJJ, Kundennummer oder BG-Nummer.

    Höchstens 200 Zeichen und 10 Suchbegriffe; mehr ergibt 422 mit einer Erklärung.
    """
    try:
        return search_persons(request.auth, q).treffer
    except ValidationError as exc:
        return Status(422, {"detail": f"Parameter „q“ in der Abfrage: {exc.messages[0]}"})


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
