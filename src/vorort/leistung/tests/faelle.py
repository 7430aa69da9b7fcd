"""Golden cases of the law contract (`recht/tests/cases`) as Antrag facts: expected values from outside."""

from __future__ import annotations

import datetime
from decimal import Decimal

import yaml

from vorort.recht.tests.faelle import VERTRAG as CASES


def lade_fall(fall_id: str) -> dict:
    (pfad,) = CASES.glob(f"{fall_id}_*.yaml")
    fall = yaml.safe_load(pfad.read_text(encoding="utf-8"))
    fall["stichtag"] = datetime.date.fromisoformat(str(fall["stichtag"]))
    return fall


def erwartet_bg(fall: dict, spalte: str, bg_id: int = 1) -> Decimal:
    return Decimal(str(fall["expected"]["bg"][bg_id][spalte])).quantize(Decimal("0.01"))


#: First names of the persons of a case, by p_id; the family name is the case's id.
VORNAMEN = {1: "Karla", 2: "Tom", 3: "Lina", 4: "Emil", 5: "Mara"}


def antrag_aus_fall(fall: dict, *, team, acting_user):
    """Take up an Antrag with the facts of a golden case: persons, roles, rent, KdU limits, incomes, needs.

    Persons are born `alter` years before the Stichtag; p_id 1 applies, a partner of p_id 1 is PARTNER,
    persons with a parent are KIND. A case after the Karenzzeit is a Weiterbewilligung of a BG in receipt
    since 2020; the case's KdU limits become the Mandant's limits for the BG's size.
    """
    from vorort.leistung import actions
    from vorort.leistung.models import Antrag, Einkommen, KdUGrenze
    from vorort.personen.models import Rolle
    from vorort.personen.tests.factories import (
        BedarfsgemeinschaftFactory,
        MitgliedschaftFactory,
        PersonFactory,
    )

    stichtag = fall["stichtag"]
    personen = [p for p in fall["persons"] if p["bg_id"] == fall["persons"][0]["bg_id"]]
    erste = personen[0]
    nach_karenzzeit = bool(erste.get("karenzzeit_abgelaufen"))
    seit = datetime.date(2020, 1, 1) if nach_karenzzeit else stichtag.replace(day=1)
    bg = BedarfsgemeinschaftFactory(
        mandant=team.mandant, team=team, nummer=f"15088BG{fall['id'][1:]:0>7}", leistungsbezug_seit=seit
    )
    ids = {}
    for p in personen:
        if p["p_id"] == erste["p_id"]:
            rolle = Rolle.ANTRAGSTELLER
        elif p.get("p_id_partner") == erste["p_id"]:
            rolle = Rolle.PARTNER
        else:
            rolle = Rolle.KIND
        person = PersonFactory(
            mandant=team.mandant,
            vorname=VORNAMEN[p["p_id"]],
            nachname=f"Fall{fall['id']}",
            geburtsdatum=stichtag.replace(year=stichtag.year - p["alter"], day=1),
            geschlecht="w" if p["p_id"] == erste["p_id"] else "m",
        )
        MitgliedschaftFactory(
            bedarfsgemeinschaft=bg,
            person=person,
            rolle=rolle,
            gueltig_ab=seit,
            erwerbsfaehig=p["alter"] >= 15,
        )
        ids[p["p_id"]] = person.pk
    if "grenze_bruttokaltmiete_m_hh" in erste:
        KdUGrenze.objects.create(
            mandant=team.mandant,
            gemeinde_ags=bg.haushalt.gemeinde_ags,
            haushaltsgroesse=len(personen),
            bruttokaltmiete_max=Decimal(str(erste["grenze_bruttokaltmiete_m_hh"])),
            heizkosten_max=Decimal(str(erste["grenze_heizkosten_m_hh"])),
            gueltig_ab=datetime.date(2021, 1, 1),
            quelle="KdU-Richtlinie Testkreis vom 01.01.2021",
        )
    antrag = actions.create_antrag(
        bg,
        acting_user=acting_user,
        antragsdatum=stichtag,
        art=Antrag.Art.WEITERBEWILLIGUNG if nach_karenzzeit else Antrag.Art.ERSTANTRAG,
        iban="DE89370400440532013000",
        kaltmiete_m=Decimal(str(erste["kaltmiete_m_hh"])),
        heizkosten_m=Decimal(str(erste["heizkosten_m_hh"])),
    )
    for p in personen:
        fakten = {k: p[k] for k in actions.PERSON_FELDER if k in p}
        if fakten:
            actions.update_antrag_person(
                antrag, ids[p["p_id"]], version=antrag.version, acting_user=acting_user, **fakten
            )
        if p.get("brutto_erwerb_m"):
            actions.add_einkommen(
                antrag,
                version=antrag.version,
                acting_user=acting_user,
                person_id=ids[p["p_id"]],
                art=Einkommen.Art.ERWERB,
                monat_ab=stichtag,
                brutto=Decimal(str(p["brutto_erwerb_m"])),
                netto=Decimal(str(p["netto_erwerb_m"])),
            )
    antrag.refresh_from_db()
    return antrag


def bewilligung_aus_fall(fall: dict, *, team, sachbearbeitung, teamleitung):
    """The case's Antrag calculated and prepared by `sachbearbeitung`, released by `teamleitung`."""
    from vorort.leistung import actions
    from vorort.leistung.models import Bewilligung

    antrag = antrag_aus_fall(fall, team=team, acting_user=sachbearbeitung)
    berechnung = actions.compute_berechnung(antrag, acting_user=sachbearbeitung)
    bewilligung = actions.prepare_bewilligung(berechnung, acting_user=sachbearbeitung)
    if bewilligung.status == Bewilligung.Status.FREIGABE_AUSSTEHEND:
        bewilligung = actions.approve_bewilligung(bewilligung, acting_user=teamleitung)
    return bewilligung
