"""The facts of every BG and person of the Mandant, as arrays and as law-engine columns."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import numpy as np
import polars as pl

from vorort.demo.registry import DemoContext
from vorort.demo.sampling import HEAD, NON_ENTITLED, PARTNER
from vorort.leistung.eingabe import monatsanfang
from vorort.personen.models import Bankverbindung, Bedarfsgemeinschaft, Beschaeftigung

#: Maintenance a child without own entitlement receives (covers its need, § 7 Abs. 3 Nr. 4 SGB II).
UNTERHALT_NEF = 650.0


class Bestand:
    """The Mandant's BGs and persons as arrays (persons sorted by BG, head first, as sampled)."""

    def __init__(self, context: DemoContext, grenzen: dict[tuple[str, int], tuple[float, float]]):
        persons = context.county.persons
        self.bg_ids = np.asarray(context.bg_ids, dtype=np.int64)
        self.p_ids = np.asarray(context.person_ids, dtype=np.int64)
        self.bg_index = persons["bg"].to_numpy()
        self.p_bg = self.bg_ids[self.bg_index]
        self.kind = persons["kind"].to_numpy()
        geburt = persons["geburtsdatum"].to_list()
        self.geb_jahr = np.array([d.year for d in geburt])
        self.geb_monat = np.array([d.month for d in geburt])
        self.geb_tag = np.array([d.day for d in geburt])
        self.geb_monatsindex = self.geb_jahr * 12 + self.geb_monat - 1

        bgs = {
            row[0]: row
            for row in Bedarfsgemeinschaft.objects.filter(pk__in=self.bg_ids.tolist()).values_list(
                "pk",
                "nummer",
                "team_id",
                "sachbearbeitung_id",
                "leistungsbezug_seit",
                "haushalt_id",
                "haushalt__gemeinde_ags",
                "haushalt__bruttokaltmiete_m",
                "haushalt__heizkosten_m",
                "haushalt__warmwasser_dezentral",
                "haushalt__wohnflaeche_m2",
            )
        }
        zeilen = [bgs[int(b)] for b in self.bg_ids]
        self.nummer = [z[1] for z in zeilen]
        self.team = [z[2] for z in zeilen]
        self.sachbearbeitung = [z[3] for z in zeilen]
        self.seit = [monatsanfang(z[4]) for z in zeilen]
        self.seit_index = np.array([s.year * 12 + s.month - 1 for s in self.seit])
        self.hh = np.array([z[5] for z in zeilen], dtype=np.int64)
        self.ags = [z[6] for z in zeilen]
        self.miete = [z[7] or Decimal("0") for z in zeilen]
        self.heizung = [z[8] or Decimal("0") for z in zeilen]
        self.warmwasser = np.array([bool(z[9]) for z in zeilen])
        self.flaeche = [z[10] for z in zeilen]
        # Members join at the BG's start or at birth (as the memberships say).
        self.ab_index = np.maximum(self.seit_index[self.bg_index], self.geb_monatsindex + 1)
        self.ab_index = np.where(
            self.geb_tag == 1, np.maximum(self.seit_index[self.bg_index], self.geb_monatsindex), self.ab_index
        )

        # Relations as in leistung.actions._personen_anlegen: partner of the head; children of both.
        n = len(self.p_ids)
        erster = np.searchsorted(self.bg_index, np.arange(len(self.bg_ids)))
        kopf = self.p_ids[erster][self.bg_index]
        ist_partner = self.kind == PARTNER
        partner_je_bg = np.full(len(self.bg_ids), -1, dtype=np.int64)
        partner_je_bg[self.bg_index[ist_partner]] = self.p_ids[ist_partner]
        partner = partner_je_bg[self.bg_index]
        ist_kind = (self.kind != HEAD) & ~ist_partner
        self.ist_kind = ist_kind
        self.p_partner = np.where(self.kind == HEAD, partner, np.where(ist_partner, kopf, -1))
        self.p_eltern_1 = np.where(ist_kind, kopf, -1)
        self.p_eltern_2 = np.where(ist_kind, partner, -1)
        self.kopf = kopf
        self.hat_partner = partner_je_bg >= 0

        # Earned income from the employments (§ 11 SGB II), from their first month.
        self.brutto = np.zeros(n)
        self.netto = np.zeros(n)
        self.erwerb_ab_index = np.zeros(n, dtype=np.int64)
        position = {int(p): j for j, p in enumerate(self.p_ids)}
        self.beschaeftigung: dict[int, tuple[Decimal, Decimal, date]] = {}
        for person_id, brutto, netto, ab in Beschaeftigung.objects.filter(
            person_id__in=self.p_ids.tolist()
        ).values_list("person_id", "brutto_m", "netto_m", "gueltig_ab"):
            j = position[person_id]
            self.brutto[j] += float(brutto)
            self.netto[j] += float(netto)
            self.erwerb_ab_index[j] = ab.year * 12 + ab.month - 1
            self.beschaeftigung[person_id] = (brutto, netto, monatsanfang(ab))
        self.unterhalt = np.where(self.kind == NON_ENTITLED, UNTERHALT_NEF, 0.0)
        self.konto = {
            person_id: (iban, bic, inhaber)
            for person_id, iban, bic, inhaber in Bankverbindung.objects.filter(
                person_id__in=self.p_ids[erster].tolist()
            ).values_list("person_id", "iban", "bic", "kontoinhaber")
        }
        self.grenzen = grenzen
        self.erster = erster

    def frame(self, monat: date) -> tuple[pl.DataFrame, np.ndarray]:
        """Engine input for `monat` (members on the first of the month) and the persons' row numbers."""
        index = monat.year * 12 + monat.month - 1
        drin = np.flatnonzero(self.ab_index <= index)
        bg_i = self.bg_index[drin]
        groesse = np.bincount(bg_i, minlength=len(self.bg_ids))[bg_i]
        alter = (monat.year - self.geb_jahr[drin]) - (
            (monat.month < self.geb_monat[drin])
            | ((monat.month == self.geb_monat[drin]) & (self.geb_tag[drin] > 1))
        )
        minderjaehrig = np.bincount(
            bg_i, weights=(self.ist_kind[drin] & (alter < 18)), minlength=len(self.bg_ids)
        )
        kopf_zeile = self.kind[drin] == HEAD
        grenze_miete = np.empty(len(drin))
        grenze_heizung = np.empty(len(drin))
        for k, (b, g) in enumerate(zip(bg_i.tolist(), groesse.tolist(), strict=True)):
            miete, heizung = self.grenzen.get((self.ags[b], min(g, 5)), (np.nan, np.nan))
            if g > 5:
                je_miete, je_heizung = self.grenzen.get((self.ags[b], 6), (0.0, 0.0))
                miete, heizung = miete + (g - 5) * je_miete, heizung + (g - 5) * je_heizung
            grenze_miete[k], grenze_heizung[k] = miete, heizung
        erwerb = self.erwerb_ab_index[drin] <= index
        frame = pl.DataFrame(
            {
                "bg_id": self.p_bg[drin],
                "hh_id": self.hh[bg_i],
                "p_id": self.p_ids[drin],
                "alter": alter,
                "p_id_partner": self.p_partner[drin],
                "p_id_elternteil_1": self.p_eltern_1[drin],
                "p_id_elternteil_2": self.p_eltern_2[drin],
                "p_id_kindergeld_empfaenger": np.where(
                    self.ist_kind[drin] & (alter < 18), self.kopf[drin], -1
                ),
                "alleinerziehend": kopf_zeile & ~self.hat_partner[bg_i] & (minderjaehrig[bg_i] > 0),
                "brutto_erwerb_m": np.where(erwerb, self.brutto[drin], 0.0),
                "netto_erwerb_m": np.where(erwerb, self.netto[drin], 0.0),
                "unterhalt_m": self.unterhalt[drin],
                "kaltmiete_m_hh": np.array([float(self.miete[b]) for b in bg_i]),
                "heizkosten_m_hh": np.array([float(self.heizung[b]) for b in bg_i]),
                "warmwasser_dezentral_hh": self.warmwasser[bg_i],
                "grenze_bruttokaltmiete_m_hh": grenze_miete,
                "grenze_heizkosten_m_hh": grenze_heizung,
                "karenzzeit_abgelaufen": index >= self.seit_index[bg_i] + 12,
            }
        ).with_columns(pl.col("grenze_bruttokaltmiete_m_hh", "grenze_heizkosten_m_hh").fill_nan(None))
        return frame, drin
