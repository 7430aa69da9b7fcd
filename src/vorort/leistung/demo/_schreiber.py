"""What the writing steps of one Mandant share: ids, dates, and the rows of an Antrag and its persons."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.db import connection

from vorort import recht
from vorort.core.models import Rolle, User
from vorort.demo.registry import DemoContext
from vorort.demo.sampling import HEAD
from vorort.leistung.models import ANTRAG_FAKTEN, Einkommen

from ._berechnungen import Ergebnisse
from ._bestand import Bestand
from ._einfuegen import db_datetime


def freigeber(context: DemoContext) -> dict[int, list[int]]:
    """Per team: users who release decisions (Teamleitung of the team first, then colleagues)."""
    leitung = defaultdict(list)
    for user_id, team_id in (
        User.teams.through.objects.filter(
            user__mandant=context.mandant, user__groups__name=Rolle.TEAMLEITUNG.value
        )
        .values_list("user_id", "team_id")
        .order_by("user__username")
    ):
        leitung[team_id].append(user_id)
    alle_leitungen = sorted({u for ids in leitung.values() for u in ids})
    ergebnis = {}
    for kuerzel, team in context.teams.items():
        kollegen = [u.pk for u in context.staff.get(kuerzel, [])]
        ergebnis[team.pk] = leitung.get(team.pk) or alle_leitungen or kollegen
    return ergebnis


class Schreiber:
    """What the writing steps of one Mandant share; keeps the ids they assigned to link the rows."""

    ANTRAG_SPALTEN = [
        "id",
        "mandant",
        "bedarfsgemeinschaft",
        "art",
        "status",
        "version",
        *ANTRAG_FAKTEN,
        "erstellt_von",
        "erstellt_am",
        "geaendert_am",
    ]
    AP_SPALTEN = [
        "id",
        "antrag",
        "person",
        "partner",
        "elternteil_1",
        "elternteil_2",
        "kindergeld_empfaenger",
        "alleinerziehend",
        "schueler_student_azubi",
        "schwanger_ab_13_woche",
        "mehrbedarf_behinderung",
        "mehrbedarf_ernaehrung_m",
        "mehrbedarf_unabweisbar_m",
        "vermoegen",
    ]
    EK_SPALTEN = [
        "id",
        "antrag",
        "person",
        "art",
        "monat_ab",
        "monat_bis",
        "brutto",
        "netto",
        "absetzbetraege",
    ]

    def __init__(self, context, bestand: Bestand, ergebnisse: Ergebnisse, jetzt, heute, aktuell):
        self.context, self.b, self.erg = context, bestand, ergebnisse
        self.mandant_id = context.mandant.pk
        self.jetzt, self.heute, self.aktuell = jetzt, heute, aktuell
        self.ts = db_datetime(jetzt)
        self.zaehler: dict[str, int] = {}
        self.rng = context.rng("leistung:schreiben")
        self.hash = recht.parameter_hash()
        self.freigeber: dict[int, list[int]] = {}
        self.bewilligung_ids: list[int] = []
        self._datum: dict = {None: None}

    def d(self, wert: date | None):
        """A date in the database's own form (SQLite: ISO text; its default date adapter is deprecated)."""
        if wert not in self._datum:
            self._datum[wert] = connection.ops.adapt_datefield_value(wert)
        return self._datum[wert]

    def konto(self, b: int) -> tuple[str, str, str]:
        """(holder, IBAN, BIC) of the account of BG position `b`'s head; empty when there is none."""
        iban, bic, inhaber = self.b.konto.get(int(self.b.p_ids[self.b.erster[b]]), ("", "", ""))
        return inhaber, iban, bic

    def macher(self, b: int) -> int:
        """Who prepares the BG's decisions: its caseworker, else the first releaser of its team."""
        return self.b.sachbearbeitung[b] or self.freigeber[self.b.team[b]][0]

    def antrag_zeile(self, antrag_id, b, art, status, antragsdatum, beginn, vorlaeufig, grund):
        """The Antrag row (`ANTRAG_SPALTEN`) of BG position `b` with the household's current facts."""
        inhaber, iban, bic = self.konto(b)
        return (
            antrag_id,
            self.mandant_id,
            int(self.b.bg_ids[b]),
            art,
            status,
            1,
            self.d(antragsdatum),
            self.d(beginn),
            vorlaeufig,
            grund,
            self.b.ags[b],
            self.b.flaeche[b],
            float(self.b.miete[b]),
            float(self.b.heizung[b]),
            bool(self.b.warmwasser[b]),
            False,
            inhaber,
            iban,
            bic,
            False,
            "",
            "",
            "",
            self.macher(b),
            self.ts,
            self.ts,
        )

    def personen_zeilen(self, antrag_id: int, b: int, stichtag: date, ap_id: int, ap, ek_id: int, ek):
        """AntragPerson and Einkommen rows of the BG's members at `stichtag`."""
        index = stichtag.year * 12 + stichtag.month - 1
        bs = self.b
        ende = bs.erster[b + 1] if b + 1 < len(bs.erster) else len(bs.p_ids)
        mitglieder = [j for j in range(bs.erster[b], ende) if bs.ab_index[j] <= index]
        alter = {
            j: stichtag.year
            - int(bs.geb_jahr[j])
            - int((stichtag.month, 1) < (int(bs.geb_monat[j]), int(bs.geb_tag[j])))
            for j in mitglieder
        }
        minderjaehrige = any(bs.ist_kind[j] and alter[j] < 18 for j in mitglieder)
        for j in mitglieder:
            partner = int(bs.p_partner[j])
            e1, e2 = int(bs.p_eltern_1[j]), int(bs.p_eltern_2[j])
            kg = int(bs.kopf[j]) if bs.ist_kind[j] and alter[j] < 18 else None
            allein = bool(bs.kind[j] == HEAD and not bs.hat_partner[b] and minderjaehrige)
            person_id = int(bs.p_ids[j])
            ap.append(
                (
                    ap_id,
                    antrag_id,
                    person_id,
                    partner if partner >= 0 else None,
                    e1 if e1 >= 0 else None,
                    e2 if e2 >= 0 else None,
                    kg,
                    allein,
                    False,
                    False,
                    False,
                    0.0,
                    0.0,
                    0.0,
                )
            )
            ap_id += 1
            if person_id in bs.beschaeftigung:
                brutto, netto, ab = bs.beschaeftigung[person_id]
                ek.append(
                    (
                        ek_id,
                        antrag_id,
                        person_id,
                        Einkommen.Art.ERWERB,
                        self.d(ab),
                        None,
                        float(brutto),
                        float(netto),
                        0.0,
                    )
                )
                ek_id += 1
            if bs.unterhalt[j]:
                ek.append(
                    (
                        ek_id,
                        antrag_id,
                        person_id,
                        Einkommen.Art.UNTERHALT,
                        self.d(bs.seit[b]),
                        None,
                        float(bs.unterhalt[j]),
                        float(bs.unterhalt[j]),
                        0.0,
                    )
                )
                ek_id += 1
        return ap_id, ek_id
