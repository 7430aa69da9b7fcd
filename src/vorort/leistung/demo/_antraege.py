"""Anträge, Berechnungen and Bewilligungen of the history, the current ones and those awaiting release."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import polars as pl

from vorort import recht
from vorort.leistung.eingabe import monat_key, monatsende, plus_monate
from vorort.leistung.models import (
    FREIGABE_ROLLE,
    Antrag,
    AntragPerson,
    Berechnung,
    Bewilligung,
    Einkommen,
    VierAugenGrund,
)

from ._berechnungen import BG_SPALTEN, Ergebnisse
from ._einfuegen import db_datetime, einfuegen, naechste_id
from ._plan import Abschnitt
from ._schreiber import Schreiber

MONATSGRUENDE = (
    "Einkommen schwankt (§ 41a Abs. 1 S. 1 Nr. 2 SGB II)",
    "Einkommen aus selbstständiger Tätigkeit noch nicht feststellbar (§ 41a Abs. 1 SGB II)",
)


def _ergebnis_json(bg_json: list[list[str]], b: int, von_index: int, anzahl: int) -> str:
    return "{" + ", ".join(bg_json[mi][b] for mi in range(von_index, von_index + anzahl)) + "}"


def _bg_json(erg: Ergebnisse) -> list[list[str]]:
    """Per month and BG the JSON of its Berechnung's month, formatted column-wise by Polars."""
    bg_json = []
    for mi, monat in enumerate(erg.monate):
        frame = pl.DataFrame({k: erg.bg[k][mi] for k in BG_SPALTEN})
        teile = [f'"{monat_key(monat)}": {{{{"bg": {{{{']
        ausdruck = []
        for i, k in enumerate(BG_SPALTEN):
            ausdruck.append(pl.lit(("" if i == 0 else ", ") + f'"{k}": '))
            ausdruck.append(pl.col(k).round(2).cast(pl.String))
        zeilen = frame.select(pl.concat_str([pl.lit(teile[0].replace("{{", "{")), *ausdruck, pl.lit("}}")]))
        bg_json.append(zeilen.to_series().to_list())
    return bg_json


def antraege_und_bewilligungen(schreiber: Schreiber, abschnitte: list[Abschnitt]) -> None:
    """Per section its Antrag (with persons and incomes), Berechnung and Bewilligung; one insert per table.

    Prepared by the BG's caseworker, released a day later by a releaser of the team other than the
    maker (Vier-Augen-Prinzip); decisions awaiting release have no releaser yet.
    """
    b, erg = schreiber.b, schreiber.erg
    antrag_id, ap_id, ek_id = naechste_id(Antrag), naechste_id(AntragPerson), naechste_id(Einkommen)
    be_id, bw_id = naechste_id(Berechnung), naechste_id(Bewilligung)
    antraege, ap, ek, berechnungen, bewilligungen = [], [], [], [], []
    bg_json = _bg_json(erg)
    for a in abschnitte:
        von_index = erg.index(a.von)
        bis = plus_monate(a.von, a.monate - 1)
        antragsdatum = a.von
        if a.art == Antrag.Art.WEITERBEWILLIGUNG:
            antragsdatum = min(plus_monate(a.von, -1).replace(day=20), schreiber.heute - timedelta(days=4))
        grund = MONATSGRUENDE[a.bg % 2] if a.vorlaeufig else ""
        antraege.append(
            schreiber.antrag_zeile(
                antrag_id, a.bg, a.art, a.antrag_status, antragsdatum, a.von, a.vorlaeufig, grund
            )
        )
        ap_id, ek_id = schreiber.personen_zeilen(antrag_id, a.bg, a.von, ap_id, ap, ek_id, ek)
        bg_id = int(b.bg_ids[a.bg])
        macher = schreiber.macher(a.bg)
        pruefer = next((u for u in schreiber.freigeber[b.team[a.bg]] if u != macher), None)
        eingabe = {}
        if (von_index, a.bg) in erg.eingabe:
            eingabe = {monat_key(a.von): erg.eingabe[(von_index, a.bg)]}
        spuren = {
            monat_key(erg.monate[mi]): erg.traces[(mi, a.bg)]
            for mi in range(von_index, von_index + a.monate)
            if (mi, a.bg) in erg.traces
        }
        zahl = erg.bg["zahlbetrag_m"][von_index : von_index + a.monate, a.bg]
        erstellt = datetime.combine(antragsdatum + timedelta(days=3), datetime.min.time()).replace(
            hour=9, tzinfo=schreiber.jetzt.tzinfo
        )
        erstellt = min(erstellt, schreiber.jetzt)
        berechnungen.append(
            (
                be_id,
                schreiber.mandant_id,
                antrag_id,
                bg_id,
                1,
                schreiber.d(a.von),
                schreiber.d(bis),
                recht.ENGINE_VERSION,
                schreiber.hash,
                json.dumps(eingabe, default=str),
                _ergebnis_json(bg_json, a.bg, von_index, a.monate),
                json.dumps(spuren, default=str),
                round(float(zahl[0]), 2),
                round(float(zahl.sum()), 2),
                macher,
                db_datetime(erstellt),
            )
        )
        offen = a.status == Bewilligung.Status.FREIGABE_AUSSTEHEND
        grund_va = (
            VierAugenGrund.ERSTBEWILLIGUNG if a.art == Antrag.Art.ERSTANTRAG else VierAugenGrund.TEAMLEITUNG
        )
        rolle = FREIGABE_ROLLE[grund_va]
        inhaber, iban, bic = schreiber.konto(a.bg)
        bewilligungen.append(
            (
                bw_id,
                schreiber.mandant_id,
                antrag_id,
                be_id,
                bg_id,
                a.status,
                schreiber.d(a.von),
                schreiber.d(monatsende(bis)),
                a.vorlaeufig,
                round(float(zahl[0]), 2),
                0.0,
                True,
                str(grund_va.label),
                rolle.value if rolle else "",
                inhaber,
                iban,
                bic,
                False,
                "",
                "",
                "",
                macher,
                db_datetime(erstellt),
                None if offen else pruefer,
                None if offen else db_datetime(min(erstellt + timedelta(days=1), schreiber.jetzt)),
            )
        )
        schreiber.bewilligung_ids.append(bw_id)
        antrag_id += 1
        be_id += 1
        bw_id += 1
    einfuegen(Antrag, schreiber.ANTRAG_SPALTEN, antraege)
    einfuegen(AntragPerson, schreiber.AP_SPALTEN, ap)
    einfuegen(Einkommen, schreiber.EK_SPALTEN, ek)
    einfuegen(
        Berechnung,
        [
            "id",
            "mandant",
            "antrag",
            "bedarfsgemeinschaft",
            "antrag_version",
            "monat_von",
            "monat_bis",
            "engine_version",
            "parameter_hash",
            "eingabe",
            "ergebnis",
            "traces",
            "zahlbetrag_erster_monat",
            "zahlbetrag_summe",
            "erstellt_von",
            "erstellt_am",
        ],
        berechnungen,
    )
    einfuegen(
        Bewilligung,
        [
            "id",
            "mandant",
            "antrag",
            "berechnung",
            "bedarfsgemeinschaft",
            "status",
            "von",
            "bis",
            "vorlaeufig",
            "zahlbetrag_monat",
            "nachzahlung",
            "vier_augen_erforderlich",
            "vier_augen_grund",
            "freigabe_rolle",
            "empfaenger_name",
            "empfaenger_iban",
            "empfaenger_bic",
            "kdu_an_vermieter",
            "vermieter_name",
            "vermieter_iban",
            "vermieter_bic",
            "erstellt_von",
            "erstellt_am",
            "freigegeben_von",
            "freigegeben_am",
        ],
        bewilligungen,
    )
    schreiber.zaehler.update(
        {
            "antraege": len(antraege),
            "berechnungen": len(berechnungen),
            "bewilligungen": len(bewilligungen),
        }
    )
