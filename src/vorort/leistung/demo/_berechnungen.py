"""The law engine's results for every month of the history: one vectorised call per month."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import numpy as np
import polars as pl

from vorort import recht
from vorort.core.models import User
from vorort.demo.registry import DemoContext
from vorort.leistung.eingabe import plus_monate, rechtsstand

from ._bestand import Bestand

#: BGs per demo login whose current Berechnungen keep the full trace (the first ones of its caseload).
TRACE_JE_LOGIN = 5

#: BG columns kept per month in a demo Berechnung (what the Berechnung screen shows).
BG_SPALTEN = [
    "regelbedarf_m",
    "mehrbedarf_gesamt_m",
    "kdu_anerkannt_m",
    "einkommen_bereinigt_m",
    "zahlbetrag_m",
]


def _monate(von: date, anzahl: int) -> list[date]:
    return [plus_monate(von, i) for i in range(anzahl)]


class Ergebnisse:
    """The engine's results for every month (rows) and person or BG (columns), in cents."""

    def __init__(self, beginn: date, anzahl_monate: int, n_personen: int, n_bg: int):
        self.beginn = beginn
        self.monate = _monate(beginn, anzahl_monate)
        form = (anzahl_monate, n_personen)
        self.mitglied = np.zeros(form, dtype=bool)
        self.person = {
            k: np.zeros(form, dtype=np.int64)
            for k in ("regel", "mehr", "kdu", "einkommen", "minderung", "zahl")
        }
        self.bg = {k: np.zeros((anzahl_monate, n_bg)) for k in BG_SPALTEN}
        self.eingabe: dict[tuple[int, int], list[dict]] = {}
        self.traces: dict[tuple[int, int], dict] = {}

    def index(self, monat: date) -> int:
        return (monat.year - self.beginn.year) * 12 + monat.month - self.beginn.month

    @classmethod
    def rechnen(
        cls, context, bestand: Bestand, beginn: date, letzter: date, login_bgs: list[int], aktuell: date
    ):
        """One engine call per month over all persons of the Mandant."""
        anzahl = (letzter.year - beginn.year) * 12 + letzter.month - beginn.month + 1
        erg = cls(beginn, anzahl, len(bestand.p_ids), len(bestand.bg_ids))
        login_ids = {int(bestand.bg_ids[b]): b for b in login_bgs}
        with context.progress(total=anzahl, desc="Leistungsberechnung") as bar:
            for mi, monat in enumerate(erg.monate):
                frame, drin = bestand.frame(monat)
                trace_ids = list(login_ids) if monat >= plus_monate(aktuell, -11) else []
                e = recht.compute(frame, rechtsstand(monat), trace_bg_ids=trace_ids)
                ordnung = np.argsort(frame["p_id"].to_numpy())
                person = e.person
                zeile = drin[
                    ordnung[
                        np.searchsorted(frame["p_id"].to_numpy(), person["p_id"].to_numpy(), sorter=ordnung)
                    ]
                ]
                erg.mitglied[mi, zeile] = person["bg_mitglied"].to_numpy()
                for key, spalten in (
                    ("regel", ("regelbedarf_m", "kindersofortzuschlag_m")),
                    ("mehr", ("mehrbedarf_gesamt_m",)),
                    ("kdu", ("kdu_anerkannt_m",)),
                    ("einkommen", ("einkommen_bereinigt_m",)),
                    ("minderung", ("minderung_m",)),
                    ("zahl", ("zahlbetrag_m",)),
                ):
                    erg.person[key][mi, zeile] = sum(
                        np.rint(person[s].to_numpy() * 100).astype(np.int64) for s in spalten
                    )
                spalte_bg = np.searchsorted(bestand.bg_ids, e.bg["bg_id"].to_numpy())
                for key in BG_SPALTEN:
                    erg.bg[key][mi, spalte_bg] = e.bg[key].to_numpy()
                if login_ids:
                    teil = frame.filter(pl.col("bg_id").is_in(list(login_ids)))
                    for bg_id, zeilen in teil.partition_by("bg_id", as_dict=True).items():
                        erg.eingabe[(mi, login_ids[bg_id[0]])] = zeilen.to_dicts()
                for bg_id, trace in e.traces.items():
                    erg.traces[(mi, login_ids[bg_id])] = trace
                bar.update(1)
        return erg


def demo_login_bgs(context: DemoContext, bestand: Bestand) -> list[int]:
    """BG positions of the demo logins' own caseloads (a few each), to keep full traces for them."""
    from vorort.demo.teile.personal import DEMO_LOGINS

    namen = [c.username for c in DEMO_LOGINS if c.art == context.art]
    ids = set(User.objects.filter(mandant=context.mandant, username__in=namen).values_list("pk", flat=True))
    gezaehlt: dict[int, int] = defaultdict(int)
    auswahl = []
    for b, user_id in enumerate(bestand.sachbearbeitung):
        if user_id in ids and gezaehlt[user_id] < TRACE_JE_LOGIN:
            gezaehlt[user_id] += 1
            auswahl.append(b)
    return auswahl
