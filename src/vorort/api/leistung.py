"""Benefits over the API: Anträge, Berechnungen with their German Rechenweg, Bewilligungen.

The same selectors and actions as the web UI (`leistung.selectors`, `leistung.actions`), so the
need-to-know, the Vier-Augen-Prinzip and the audit events are the same. Errors are German.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from vorort.api.fehler import MONAT_MUSTER, FehlerOut
from vorort.core.exceptions import InvalidTransition, NotAllowed
from vorort.leistung import actions
from vorort.leistung.erklaerung import OHNE_RECHENWEG, erklaerung
from vorort.leistung.models import Antrag, Berechnung, Bewilligung
from vorort.leistung.selectors import (
    access_antrag_by_id,
    access_berechnung_by_id,
    access_bewilligung_by_id,
    antraege_for_bg,
    berechnungen_for_bg,
    bewilligungen_for_bg,
)
from vorort.personen.selectors import access_bg_by_id

router = Router(tags=["Leistung"])


class AntragOut(Schema):
    id: int
    bedarfsgemeinschaft_id: int
    art: Antrag.Art
    status: Antrag.Status
    version: int
    antragsdatum: date
    leistungsbeginn: date
    vorlaeufig: bool
    kaltmiete_m: Decimal
    heizkosten_m: Decimal


class RechenschrittOut(Schema):
    wer: str = Field(description="Person, Bedarfsgemeinschaft oder Rechtsstand")
    schritt: str
    wert: str = Field(description="deutsch formatiert, z. B. 1.234,56 €")
    formel: str
    rechtsgrundlage: str = Field(description="z. B. § 20 Abs. 1a und 2 SGB II")


class BerechnungOut(Schema):
    id: int
    antrag_id: int
    antrag_version: int
    monat_von: date
    monat_bis: date
    engine_version: str
    parameter_hash: str
    zahlbetrag_erster_monat: Decimal
    zahlbetrag_summe: Decimal
    erstellt_am: datetime


class BerechnungMitRechenwegOut(BerechnungOut):
    monat: str = Field(description="Monat des Rechenwegs, JJJJ-MM")
    rechenweg: list[RechenschrittOut]
    hinweis: str = Field(
        "", description="leer, oder warum der Rechenweg fehlt (kompakt gespeicherte Berechnung)"
    )


class BewilligungOut(Schema):
    id: int
    antrag_id: int
    berechnung_id: int
    bedarfsgemeinschaft_id: int
    status: Bewilligung.Status
    von: date
    bis: date
    vorlaeufig: bool
    zahlbetrag_monat: Decimal
    nachzahlung: Decimal
    vier_augen_erforderlich: bool
    vier_augen_grund: str
    erstellt_von_id: int
    freigegeben_von_id: int | None
    freigegeben_am: datetime | None


def _mit_rechenweg(berechnung: Berechnung, monat: str | None) -> BerechnungMitRechenwegOut:
    monat = monat or berechnung.monate[0]
    trace = berechnung.traces.get(monat)
    namen = {ap.person_id: ap.person.name for ap in berechnung.antrag.personen.select_related("person")}
    schritte = [
        RechenschrittOut(wer=z.wer, schritt=z.text, wert=z.wert, formel=z.formel, rechtsgrundlage=z.norm)
        for z in (erklaerung(trace, namen, kurz=False) if trace else [])
    ]
    return BerechnungMitRechenwegOut(
        **BerechnungOut.from_orm(berechnung).dict(),
        monat=monat,
        rechenweg=schritte,
        hinweis="" if trace else OHNE_RECHENWEG,
    )


@router.get("/bedarfsgemeinschaften/{bg_id}/antraege", response=list[AntragOut], summary="Anträge einer BG")
def antraege_lesen(request: HttpRequest, bg_id: int):
    bg = access_bg_by_id(request.auth, bg_id, zweck="API: Anträge lesen")
    return antraege_for_bg(request.auth, bg.pk)


@router.get(
    "/bedarfsgemeinschaften/{bg_id}/berechnungen",
    response=list[BerechnungOut],
    summary="Berechnungen einer BG",
)
def berechnungen_lesen(request: HttpRequest, bg_id: int):
    bg = access_bg_by_id(request.auth, bg_id, zweck="API: Berechnungen lesen")
    return berechnungen_for_bg(request.auth, bg.pk)


@router.get(
    "/berechnungen/{berechnung_id}",
    response={200: BerechnungMitRechenwegOut, 422: FehlerOut},
    summary="Berechnung mit Rechenweg",
)
def berechnung_lesen(
    request: HttpRequest,
    berechnung_id: int,
    monat: str | None = Query(None, pattern=MONAT_MUSTER, description="Monat JJJJ-MM; ohne Angabe der erste"),
):
    """Der Rechenweg eines Monats der Berechnung mit Formel und Rechtsgrundlage.

    Ein Monat außerhalb der Berechnung ergibt 422 mit den Monaten, die es gibt.
    """
    berechnung = access_berechnung_by_id(request.auth, berechnung_id)
    if monat is not None and monat not in berechnung.ergebnis:
        return Status(
            422,
            {
                "detail": f"Parameter „monat“ in der Abfrage: {monat} gehört nicht zu dieser Berechnung "
                f"(Monate {berechnung.monate[0]} bis {berechnung.monate[-1]})."
            },
        )
    return _mit_rechenweg(berechnung, monat)


@router.get(
    "/bedarfsgemeinschaften/{bg_id}/bewilligungen",
    response=list[BewilligungOut],
    summary="Bewilligungen einer BG",
)
def bewilligungen_lesen(request: HttpRequest, bg_id: int):
    bg = access_bg_by_id(request.auth, bg_id, zweck="API: Bewilligungen lesen")
    return bewilligungen_for_bg(request.auth, bg.pk)


@router.post(
    "/antraege/{antrag_id}/berechnen",
    response={201: BerechnungMitRechenwegOut, 403: FehlerOut, 409: FehlerOut, 422: FehlerOut},
    summary="Antrag berechnen",
)
def antrag_berechnen(request: HttpRequest, antrag_id: int):
    """Speichert eine neue Berechnung über den beantragten Bewilligungszeitraum (wie „Berechnen“)."""
    antrag = access_antrag_by_id(request.auth, antrag_id)
    try:
        berechnung = actions.compute_berechnung(antrag, acting_user=request.auth)
    except NotAllowed as exc:
        return Status(403, {"detail": str(exc)})
    except InvalidTransition as exc:
        return Status(409, {"detail": str(exc)})
    except ValidationError as exc:
        return Status(422, {"detail": " ".join(exc.messages)})
    return Status(201, _mit_rechenweg(berechnung, None))


@router.post(
    "/bewilligungen/{bewilligung_id}/freigeben",
    response={200: BewilligungOut, 403: FehlerOut, 409: FehlerOut, 500: FehlerOut},
    summary="Bewilligung freigeben (Vier-Augen-Prinzip)",
)
def bewilligung_freigeben(request: HttpRequest, bewilligung_id: int):
    """Gibt als zweite Person frei und legt den Bescheid in der Akte ab (beides oder nichts).

    403, wenn die Person nicht freigeben darf (wer vorbereitet hat; eine Rolle, die der Grund nicht
    zulässt); 500, wenn der Bescheid nicht erstellt werden konnte (dann ist nichts freigegeben).
    """
    bewilligung = access_bewilligung_by_id(request.auth, bewilligung_id)
    try:
        bewilligung = actions.approve_bewilligung(bewilligung, acting_user=request.auth)
    except NotAllowed as exc:
        return Status(403, {"detail": str(exc)})
    except InvalidTransition as exc:
        return Status(409, {"detail": str(exc)})
    except actions.BescheidFehler as exc:
        return Status(500, {"detail": str(exc)})
    return Status(200, bewilligung)
