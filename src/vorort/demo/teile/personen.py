"""Part "personen": writes the sampled county into the person registry.

One Haushalt per BG (street, PLZ and AGS of its municipality; rent, heating and floor area from
the sample), the BG with its Zuständigkeit (Leistung team by municipality, Merseburg split by the
head's surname A–K / L–Z; caseworkers round-robin; Integrationsfachkraft U25 or Ü25 by site),
persons with names that fit nationality, sex and generation, memberships, addresses, bank
accounts with valid IBANs, and employments for everyone with earnings.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import numpy as np

from vorort.demo.iban import draw_ibans
from vorort.demo.namen import (
    ARBEITGEBER,
    GEBURTSORTE,
    GEBURTSORTE_DE,
    GEMEINDEN,
    NACHNAMEN,
    NACHNAMEN_DE,
    NAMENSGRUPPE,
    STRASSEN_ALLGEMEIN,
    VORNAMEN,
    VORNAMEN_DE_ALT,
    VORNAMEN_DE_JUNG,
)
from vorort.demo.registry import DemoContext, teil
from vorort.demo.sampling import ADULT_CHILD, HEAD, NON_ENTITLED, PARTNER
from vorort.demo.teile.personal import KREIS_TEAMS
from vorort.personen.models import (
    Adresse,
    Bankverbindung,
    Bedarfsgemeinschaft,
    Beschaeftigung,
    Gemeinde,
    Haushalt,
    Mitgliedschaft,
    Person,
    Rolle,
)

BATCH = 2000
ROLLE_DB = {HEAD: Rolle.ANTRAGSTELLER, PARTNER: Rolle.PARTNER}
MINIJOB_GRENZE = Decimal("556.00")  # § 8 Abs. 1a SGB IV, 2025
# Rough net share of gross pay above the Minijob limit (tax class I/II, social insurance).
NETTO_ANTEIL = Decimal("0.79")
CENT = Decimal("0.01")


def _bulk(context: DemoContext, model, objs: list, desc: str) -> list:
    created = []
    with context.progress(total=len(objs), desc=desc) as bar:
        for start in range(0, len(objs), BATCH):
            created.extend(model.objects.bulk_create(objs[start : start + BATCH], batch_size=BATCH))
            bar.update(min(BATCH, len(objs) - start))
    return created


def _money(value: float) -> Decimal:
    return Decimal(f"{value:.2f}")


def _monatsanfang(stichtag: date, monate_zurueck: int) -> date:
    index = stichtag.year * 12 + stichtag.month - 1 - int(monate_zurueck)
    return date(index // 12, index % 12 + 1, 1)


def _kundennummer(nummer: int) -> str:
    """K + 8 digits + a Luhn check digit, e.g. K100000017."""
    digits = f"{nummer:08d}"
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return f"K{digits}{(10 - total % 10) % 10}"


def _namen(context: DemoContext, bgs, persons) -> tuple[list[str], list[str]]:
    """First and last names per person: one family name per BG, first names by origin and age."""
    rng = context.rng("namen")
    bg_nat = bgs["nationality"].to_list()
    gruppen = [NAMENSGRUPPE.get(code, "XX") if code != "DE" else "DE" for code in bg_nat]
    familienname = [
        (NACHNAMEN_DE if g == "DE" else NACHNAMEN[g])[
            int(r * len(NACHNAMEN_DE if g == "DE" else NACHNAMEN[g]))
        ]
        for g, r in zip(gruppen, rng.random(len(gruppen)), strict=True)
    ]
    vornamen, nachnamen = [], []
    draws = rng.random((persons.height, 3))
    for (bg, kind, sex, geburt), (r_vor, r_eigen, r_nach) in zip(
        persons.select("bg", "kind", "sex", "geburtsdatum").iter_rows(), draws, strict=True
    ):
        gruppe = gruppen[bg]
        geschlecht = "w" if sex == "f" else "m"
        if gruppe == "DE":
            liste = (VORNAMEN_DE_ALT if geburt.year < 1988 else VORNAMEN_DE_JUNG)[geschlecht]
            andere = NACHNAMEN_DE
        else:
            liste, andere = VORNAMEN[gruppe][geschlecht], NACHNAMEN[gruppe]
        vornamen.append(liste[int(r_vor * len(liste))])
        eigener = kind == PARTNER and r_eigen < 0.3
        nachnamen.append(andere[int(r_nach * len(andere))] if eigener else familienname[bg])
    return vornamen, nachnamen


def _teams_fuer(context: DemoContext, bgs, head_nachname: list[str], head_alter: np.ndarray):
    """(Leistung team kuerzel, Integration team kuerzel) per BG."""
    if context.art != "kreis":
        return ["LNK"] * bgs.height, ["INK"] * bgs.height
    team_of = {g: spec.kuerzel for spec in KREIS_TEAMS for g in spec.gemeinden}
    leistung, integration = [], []
    for gemeinde, vr, name, alter in zip(
        bgs["gemeinde"].to_list(), bgs["vergleichsraum"].to_list(), head_nachname, head_alter, strict=True
    ):
        if gemeinde == "merseburg":
            leistung.append("LMER1" if name[:1].upper() <= "K" else "LMER2")
        else:
            leistung.append(team_of[gemeinde])
        integration.append("IU25" if alter < 25 else ("IUE25M" if vr == "VR1" else "IUE25Q"))
    return leistung, integration


@teil("personen", order=200)
def build_personen(context: DemoContext) -> None:
    """Write Haushalte, BGs, persons, memberships, addresses, bank accounts and employments."""
    mandant = context.mandant
    stichtag = context.stichtag
    bgs = context.county.bgs
    persons = context.county.persons
    n_bg = bgs.height
    gemeinde_info = {g["id"]: g for g in context.gemeinden}

    vornamen, nachnamen = _namen(context, bgs, persons)
    kind = persons["kind"].to_numpy()
    bg_of = persons["bg"].to_numpy()
    head_row = np.flatnonzero(kind == HEAD)  # persons are sorted by BG, head first
    head_nachname = [nachnamen[i] for i in head_row]
    leistung, integration = _teams_fuer(context, bgs, head_nachname, persons["age"].to_numpy()[head_row])

    # The Mandant's municipalities with their postcodes: an address finds its AGS there.
    Gemeinde.objects.bulk_create(
        Gemeinde(
            mandant=mandant,
            ags=g["ags"],
            name=g["name"],
            postleitzahlen=(GEMEINDEN.get(g["id"]) or (g.get("plz", ""),))[0],
        )
        for g in context.gemeinden
        if g.get("ags")
    )

    # Haushalte
    rng = context.rng("adressen")
    energie_anteile = context.profile["kdu"]["actual_costs"]["heating_energy_share"]
    heizenergie = context.rng("heizenergie").choice(
        list(energie_anteile),
        size=n_bg,
        p=np.array(list(energie_anteile.values())) / sum(energie_anteile.values()),
    )
    haushalte = []
    for (gemeinde, miete, heizung, flaeche, eigentum), energie in zip(
        bgs.select("gemeinde", "bruttokaltmiete", "heizkosten", "wohnflaeche", "eigentum").iter_rows(),
        heizenergie,
        strict=True,
    ):
        plz, ort, strassen = GEMEINDEN.get(gemeinde) or (
            gemeinde_info[gemeinde]["plz"],
            gemeinde_info[gemeinde]["ort"],
            [],
        )
        auswahl = strassen + STRASSEN_ALLGEMEIN
        nr = int(rng.integers(1, 120))
        haushalte.append(
            Haushalt(
                mandant=mandant,
                strasse=auswahl[int(rng.integers(len(auswahl)))],
                hausnummer=f"{nr}{'abc'[int(rng.integers(3))] if rng.random() < 0.08 else ''}",
                plz=plz,
                ort=ort,
                gemeinde_ags=gemeinde_info[gemeinde].get("ags", ""),
                wohnflaeche_m2=Decimal(f"{flaeche:.2f}"),
                bruttokaltmiete_m=_money(miete),
                heizkosten_m=_money(heizung),
                heizenergie=str(energie),
                warmwasser_dezentral=bool(rng.random() < 0.1),
                eigentum=bool(eigentum),
            )
        )
    haushalte = _bulk(context, Haushalt, haushalte, "Haushalte")

    # Bedarfsgemeinschaften with their Zuständigkeit
    counters: dict[str, int] = {}

    def next_of(kuerzel: str):
        staff = context.staff.get(kuerzel) or [None]
        counters[kuerzel] = counters.get(kuerzel, -1) + 1
        return staff[counters[kuerzel] % len(staff)]

    seit = [_monatsanfang(stichtag, m) for m in bgs["months_in_receipt"].to_list()]
    ks = mandant.kreisschluessel
    bg_objs = [
        Bedarfsgemeinschaft(
            mandant=mandant,
            nummer=f"{ks}BG{i + 1:07d}",
            haushalt=haushalte[i],
            team=context.teams[leistung[i]],
            sachbearbeitung=next_of(leistung[i]),
            fallmanagement=next_of(integration[i]),
            status=Bedarfsgemeinschaft.Status.AKTIV,
            leistungsbezug_seit=seit[i],
        )
        for i in range(n_bg)
    ]
    bg_objs = _bulk(context, Bedarfsgemeinschaft, bg_objs, "Bedarfsgemeinschaften")
    context.bg_ids = np.array([b.pk for b in bg_objs])

    # Persons
    rng = context.rng("personen")
    nummer0 = 10_000_000 if context.art == "kreis" else 90_000_000
    person_objs = []
    for j, (sex, geburt, nat, status, novq, elb) in enumerate(
        persons.select("sex", "geburtsdatum", "nationality", "status", "novq", "elb").iter_rows()
    ):
        orte = GEBURTSORTE_DE if nat == "DE" else GEBURTSORTE.get(nat, [""])
        p = Person(
            mandant=mandant,
            kundennummer=_kundennummer(nummer0 + j),
            vorname=vornamen[j],
            nachname=nachnamen[j],
            geburtsdatum=geburt,
            geburtsort=orte[int(rng.integers(len(orte)))],
            geschlecht="w" if sex == "f" else "m",
            staatsangehoerigkeit=nat,
            arbeitsmarktstatus=status,
            ohne_berufsabschluss=bool(novq and elb),
            telefon=f"01{int(rng.integers(51, 80))} {int(rng.integers(1_000_000, 99_999_999))}"
            if kind[j] == HEAD and rng.random() < 0.6
            else "",
        )
        p.refresh_search_keys()
        person_objs.append(p)
    person_objs = _bulk(context, Person, person_objs, "Personen")
    context.person_ids = np.array([p.pk for p in person_objs])

    # Memberships and addresses, from the BG's start (or the person's birth)
    mitglieder, adressen = [], []
    for j, (bg, k, elb, entitled, geburt) in enumerate(
        persons.select("bg", "kind", "elb", "entitled", "geburtsdatum").iter_rows()
    ):
        ab = max(seit[bg], geburt)
        rolle = ROLLE_DB.get(k, Rolle.KIND)
        mitglieder.append(
            Mitgliedschaft(
                person=person_objs[j],
                bedarfsgemeinschaft=bg_objs[bg],
                rolle=rolle,
                erwerbsfaehig=bool(elb),
                leistungsberechtigt=bool(entitled),
                gueltig_ab=ab,
            )
        )
        h = haushalte[bg]
        adressen.append(
            Adresse(
                person=person_objs[j],
                strasse=h.strasse,
                hausnummer=h.hausnummer,
                plz=h.plz,
                ort=h.ort,
                gueltig_ab=ab,
            )
        )
    _bulk(context, Mitgliedschaft, mitglieder, "Mitgliedschaften")
    _bulk(context, Adresse, adressen, "Anschriften")

    # Bank accounts: every head, half of the eLb partners, some adult children.
    rng = context.rng("bank")
    r = rng.random(persons.height)
    konto = (
        (kind == HEAD)
        | ((kind == PARTNER) & persons["elb"].to_numpy() & (r < 0.5))
        | ((kind == ADULT_CHILD) & (r < 0.3))
    )
    inhaber = np.flatnonzero(konto)
    ibans, bics = draw_ibans(rng, len(inhaber))
    _bulk(
        context,
        Bankverbindung,
        [
            Bankverbindung(
                person=person_objs[j],
                iban=iban,
                bic=bic,
                kontoinhaber=f"{vornamen[j]} {nachnamen[j]}",
                gueltig_ab=seit[bg_of[j]],
            )
            for j, iban, bic in zip(inhaber, ibans, bics, strict=True)
        ],
        "Bankverbindungen",
    )

    # Employments for everyone with earnings, valid at the Stichtag.
    rng = context.rng("arbeit")
    earnings = persons["earnings"].to_numpy()
    alter = persons["age"].to_numpy()
    beschaeftigungen = []
    for j in np.flatnonzero((earnings > 0) & (kind != NON_ENTITLED)):
        tage = int(rng.integers(30, 1500 if alter[j] >= 19 else 300))
        brutto = _money(earnings[j])
        minijob = brutto <= MINIJOB_GRENZE
        beschaeftigungen.append(
            Beschaeftigung(
                person=person_objs[j],
                arbeitgeber=ARBEITGEBER[int(rng.integers(len(ARBEITGEBER)))],
                brutto_m=brutto,
                netto_m=brutto if minijob else (brutto * NETTO_ANTEIL).quantize(CENT),
                minijob=minijob,
                gueltig_ab=stichtag - timedelta(days=tage),
            )
        )
    _bulk(context, Beschaeftigung, beschaeftigungen, "Beschäftigungen")

    context.zaehler.update(
        {
            "haushalte": len(haushalte),
            "bedarfsgemeinschaften": len(bg_objs),
            "personen": len(person_objs),
            "bankverbindungen": len(inhaber),
            "beschaeftigungen": len(beschaeftigungen),
        }
    )
