"""Part "leistung" of the demo county: KdU limits and two years of benefit history for every BG.

For each BG, built from the persons, households and employments the "personen" part wrote:

- the Mandant's KdU limits per municipality and household size from the profile (§ 22 Abs. 1 SGB II);
- its Bewilligungen back to the start of the history (24 months before the current month): the
  current one (12 months, a few provisional ones of 6 months under § 41a SGB II), the ones before
  it, each with its Antrag (facts of the persons, the household and the employments), its
  Berechnung and its Leistungsbeträge, prepared by the BG's caseworker and released by a second
  person (Vier-Augen-Prinzip);
- the Zahlläufe of those 24 months with their Zahlungen and ledger lines (`Buchung`), exactly as
  `leistung.zahllauf.book_chunk` books them, so the live run for the current month pays only it;
- open work: renewals due within two months, Weiterbewilligungsanträge in draft or ready for
  decision (some with documents missing past their deadline) and decisions waiting for release.

Speed (the whole county builds in well under a minute): the law engine runs once per month over
all persons of the Mandant; the large tables (Leistungsbeträge, Zahlungen, Buchungen, Anträge …)
are written with one `executemany` per table and explicit ids. No per-BG action, no per-row audit
event: the build records one DEMO_ERZEUGT event per Mandant with `context.zaehler`.

Demo Berechnungen keep the engine input of their first month, the BG amounts of every month and
the person amounts in the Leistungsbeträge; the full trace is kept for the current Berechnungen of
the demo logins' own BGs (`TRACE_JE_LOGIN`), so their Berechnung screens explain every step.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal

import numpy as np
import polars as pl
from django.core.management.color import no_style
from django.db import connection
from django.db.models import Max
from django.utils import timezone

from vorort import recht
from vorort.core.models import Rolle, User
from vorort.demo.registry import DemoContext, teil
from vorort.demo.sampling import HEAD, NON_ENTITLED, PARTNER
from vorort.leistung.eingabe import monat_key, monatsanfang, monatsende, plus_monate, rechtsstand
from vorort.leistung.models import (
    Antrag,
    AntragPerson,
    Berechnung,
    Bewilligung,
    Buchung,
    Einkommen,
    KdUGrenze,
    LeistungEinstellungen,
    Leistungsbetrag,
    Unterlage,
    Zahllauf,
    Zahlung,
)
from vorort.personen.models import Bankverbindung, Bedarfsgemeinschaft, Beschaeftigung

HISTORIE_MONATE = 24
#: Share of BGs whose current decision is provisional (§ 41a SGB II), and whose renewal is due.
ANTEIL_VORLAEUFIG = 0.03
ANTEIL_FAELLIG = 0.08
#: Of the BGs due for renewal: share with a draft WBA, with one ready for decision awaiting release.
ANTEIL_WBA_ENTWURF = 0.35
ANTEIL_WBA_FREIGABE = 0.25
#: Maintenance a child without own entitlement receives (covers its need, § 7 Abs. 3 Nr. 4 SGB II).
UNTERHALT_NEF = 650.0
TRACE_JE_LOGIN = 5
BATCH = 20_000
MONATSGRUENDE = (
    "Einkommen schwankt (§ 41a Abs. 1 S. 1 Nr. 2 SGB II)",
    "Einkommen aus selbstständiger Tätigkeit noch nicht feststellbar (§ 41a Abs. 1 SGB II)",
)
FEHLENDE_UNTERLAGEN = (
    "Kontoauszüge der letzten drei Monate",
    "Lohnabrechnungen der letzten drei Monate",
    "aktuelle Nebenkostenabrechnung",
    "Mietbescheinigung des Vermieters",
)


# --- helpers ----------------------------------------------------------------------------------


def _naechste_id(model) -> int:
    return (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1


def _einfuegen(model, spalten: list[str], zeilen: list[tuple]) -> None:
    """Insert rows (first column "id", values in the database's form) with one executemany per batch."""
    if not zeilen:
        return
    opts = model._meta
    namen = ", ".join(connection.ops.quote_name(opts.get_field(s).column) for s in spalten)
    sql = (
        f"INSERT INTO {connection.ops.quote_name(opts.db_table)} ({namen}) "
        f"VALUES ({', '.join(['%s'] * len(spalten))})"
    )
    with connection.cursor() as cursor:
        for start in range(0, len(zeilen), BATCH):
            cursor.executemany(sql, zeilen[start : start + BATCH])


def _einfuegen_spalten(model, spalten: dict[str, np.ndarray]) -> None:
    """Insert a large table given as NumPy columns, converted to Python values one batch at a time.

    On SQLite the table's secondary indexes are dropped and built again afterwards, in the same
    transaction: one sorted build instead of a b-tree insert per row.
    """
    namen = list(spalten)
    anzahl = len(next(iter(spalten.values())))
    indizes = []
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
                "AND sql IS NOT NULL",
                [model._meta.db_table],
            )
            indizes = cursor.fetchall()
            for name, _sql in indizes:
                cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    for start in range(0, anzahl, BATCH):
        teil = [spalte[start : start + BATCH].tolist() for spalte in spalten.values()]
        _einfuegen(model, namen, list(zip(*teil, strict=True)))
    with connection.cursor() as cursor:
        for _name, sql in indizes:
            cursor.execute(sql)


def _sequenzen_nachziehen(models: list) -> None:
    """After explicit ids, let PostgreSQL's sequences continue behind them (SQLite does it itself)."""
    for sql in connection.ops.sequence_reset_sql(no_style(), models):
        with connection.cursor() as cursor:
            cursor.execute(sql)


def _euro(cent: int) -> float:
    return int(cent) / 100


def _ts(wert: datetime):
    return connection.ops.adapt_datetimefield_value(wert)


def _monate(von: date, anzahl: int) -> list[date]:
    return [plus_monate(von, i) for i in range(anzahl)]


# --- KdU limits -------------------------------------------------------------------------------


def kdu_grenzen(context: DemoContext) -> dict[tuple[str, int], tuple[float, float]]:
    """Write the Mandant's KdU limits; return {(AGS, size 1..5): (Bruttokaltmiete, Heizkosten)}.

    Heating: the profile caps actual costs at the Heizspiegel's "zu hoch" column; the limit per size
    is the cap for gas heating times the floor area recognised for that size.
    """
    kdu = context.profile["kdu"]
    ab = date.fromisoformat(kdu["valid_from"])
    flaeche = kdu["floor_area_m2"]
    heiz_qm = kdu["heating_cap_eur_per_m2_month"]["gas"]
    grenzen, zeilen = {}, []
    for g in context.gemeinden:
        ags = g.get("ags", "")
        if not ags:
            continue
        tabelle = kdu["vergleichsraeume"][g["vergleichsraum"]]["bruttokaltmiete_max_eur"]
        for groesse in range(1, 6):
            miete = float(tabelle[groesse])
            heizung = round(heiz_qm * flaeche[groesse], 2)
            grenzen[(ags, groesse)] = (miete, heizung)
            zeilen.append(
                KdUGrenze(
                    mandant=context.mandant,
                    gemeinde_ags=ags,
                    vergleichsraum=g["vergleichsraum"],
                    haushaltsgroesse=groesse,
                    bruttokaltmiete_max=Decimal(f"{miete:.2f}"),
                    heizkosten_max=Decimal(f"{heizung:.2f}"),
                    je_weitere_person=Decimal(f"{tabelle['each_further']:.2f}") if groesse == 5 else None,
                    gueltig_ab=ab,
                    quelle=f"{kdu['guideline']}, gültig ab {ab:%d.%m.%Y}",
                )
            )
        # Each person beyond five (the last row's Zuschlag) and 10 m² more floor area.
        grenzen[(ags, 6)] = (float(tabelle["each_further"]), round(heiz_qm * flaeche["each_further"], 2))
    KdUGrenze.objects.bulk_create(zeilen)
    context.zaehler["kdu_grenzen"] = len(zeilen)
    return grenzen


# --- the facts of every person, as engine columns -----------------------------------------------


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


# --- the plan: which Bewilligungen each BG has ----------------------------------------------------


class Abschnitt:
    """One Bewilligung of one BG: its months, kind and state."""

    __slots__ = ("bg", "von", "monate", "vorlaeufig", "art", "status", "antrag_status")

    def __init__(self, bg, von, monate, vorlaeufig, art, status, antrag_status):
        self.bg, self.von, self.monate, self.vorlaeufig = bg, von, monate, vorlaeufig
        self.art, self.status, self.antrag_status = art, status, antrag_status


def plane(context: DemoContext, bestand: Bestand, aktuell: date, beginn: date):
    """Bewilligungen per BG, and the open work: (sections, draft WBAs, WBAs awaiting release)."""
    rng = context.rng("leistung:plan")
    n = len(bestand.bg_ids)
    vorlaeufig = rng.random(n) < ANTEIL_VORLAEUFIG
    faellig = rng.random(n) < ANTEIL_FAELLIG
    # Months since the current decision started: due renewals end within two months.
    zurueck = np.where(faellig, rng.integers(9, 11, n), rng.integers(0, 9, n))
    zurueck = np.where(vorlaeufig, np.where(faellig, 4, rng.integers(0, 4, n)), zurueck)
    wahl = rng.random(n)
    abschnitte: list[Abschnitt] = []
    entwuerfe, freigaben = [], []
    for b in range(n):
        erster = max(bestand.seit[b], beginn)
        laenge = 6 if vorlaeufig[b] else 12
        von = max(plus_monate(aktuell, -int(zurueck[b])), erster)
        folge = [(von, laenge, bool(vorlaeufig[b]))]
        while von > erster:
            vorher = max(plus_monate(von, -12), erster)
            folge.append((vorher, (von.year - vorher.year) * 12 + von.month - vorher.month, False))
            von = vorher
        for von, laenge, vl in reversed(folge):
            art = Antrag.Art.ERSTANTRAG if von == bestand.seit[b] else Antrag.Art.WEITERBEWILLIGUNG
            abschnitte.append(
                Abschnitt(b, von, laenge, vl, art, Bewilligung.Status.BEWILLIGT, Antrag.Status.BEWILLIGT)
            )
        ende = plus_monate(folge[0][0], folge[0][1])
        if faellig[b] and wahl[b] < ANTEIL_WBA_ENTWURF:
            entwuerfe.append((b, ende))
        elif faellig[b] and wahl[b] < ANTEIL_WBA_ENTWURF + ANTEIL_WBA_FREIGABE:
            abschnitte.append(
                Abschnitt(
                    b,
                    ende,
                    12,
                    False,
                    Antrag.Art.WEITERBEWILLIGUNG,
                    Bewilligung.Status.FREIGABE_AUSSTEHEND,
                    Antrag.Status.ENTSCHEIDUNGSREIF,
                )
            )
            freigaben.append(b)
    return abschnitte, entwuerfe, freigaben


# --- the part ---------------------------------------------------------------------------------


@teil("leistung", order=300)
def leistungsgeschichte(context: DemoContext) -> None:
    """KdU limits, Anträge, Berechnungen, Bewilligungen, 24 Zahlläufe and the open work of the Mandant."""
    mandant = context.mandant
    LeistungEinstellungen.for_mandant(mandant)
    grenzen = kdu_grenzen(context)
    if context.bg_ids is None or len(context.bg_ids) == 0:
        return
    heute = timezone.localdate()
    aktuell = monatsanfang(heute)
    beginn = plus_monate(aktuell, -HISTORIE_MONATE)
    bestand = Bestand(context, grenzen)
    abschnitte, entwuerfe, freigaben = plane(context, bestand, aktuell, beginn)
    letzter = max(plus_monate(a.von, a.monate - 1) for a in abschnitte)
    ergebnisse = Ergebnisse.rechnen(context, bestand, beginn, letzter, _login_bgs(context, bestand), aktuell)

    schreiber = _Schreiber(context, bestand, ergebnisse, timezone.now(), heute, aktuell)
    schreiber.freigeber = _freigeber(context)
    schreiber.antraege_und_bewilligungen(abschnitte)
    schreiber.entwuerfe(entwuerfe)
    schreiber.betraege_und_zahllaeufe(abschnitte)
    _sequenzen_nachziehen(
        [
            Antrag,
            AntragPerson,
            Einkommen,
            Unterlage,
            Berechnung,
            Bewilligung,
            Leistungsbetrag,
            Zahllauf,
            Zahlung,
            Buchung,
        ]
    )
    context.zaehler.update(schreiber.zaehler)
    context.zaehler["freigaben_offen"] = len(freigaben)


#: BG columns kept per month in a demo Berechnung (what the Berechnung screen shows).
BG_SPALTEN = [
    "regelbedarf_m",
    "mehrbedarf_gesamt_m",
    "kdu_anerkannt_m",
    "einkommen_bereinigt_m",
    "zahlbetrag_m",
]


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


def _freigeber(context: DemoContext) -> dict[int, list[int]]:
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


def _login_bgs(context: DemoContext, bestand: Bestand) -> list[int]:
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


class _Schreiber:
    """Writes the rows of one Mandant; keeps the ids it assigned to link them."""

    ANTRAG_SPALTEN = [
        "id",
        "mandant",
        "bedarfsgemeinschaft",
        "art",
        "status",
        "version",
        "antragsdatum",
        "leistungsbeginn",
        "vorlaeufig",
        "vorlaeufig_grund",
        "gemeinde_ags",
        "wohnflaeche_m2",
        "kaltmiete_m",
        "heizkosten_m",
        "warmwasser_dezentral",
        "kostensenkung_laeuft",
        "kontoinhaber",
        "iban",
        "bic",
        "kdu_an_vermieter",
        "vermieter_name",
        "vermieter_iban",
        "vermieter_bic",
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
        self.ts = _ts(jetzt)
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

    def _konto(self, b: int) -> tuple[str, str, str]:
        iban, bic, inhaber = self.b.konto.get(int(self.b.p_ids[self.b.erster[b]]), ("", "", ""))
        return inhaber, iban, bic

    def _macher(self, b: int) -> int:
        return self.b.sachbearbeitung[b] or self.freigeber[self.b.team[b]][0]

    def _antrag_zeile(self, antrag_id, b, art, status, antragsdatum, beginn, vorlaeufig, grund):
        inhaber, iban, bic = self._konto(b)
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
            self._macher(b),
            self.ts,
            self.ts,
        )

    def _personen_zeilen(self, antrag_id: int, b: int, stichtag: date, ap_id: int, ap, ek_id: int, ek):
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

    def _ergebnis_json(self, b: int, von_index: int, anzahl: int) -> str:
        return "{" + ", ".join(self._bg_json[mi][b] for mi in range(von_index, von_index + anzahl)) + "}"

    def _bg_json_vorbereiten(self) -> None:
        """Per month and BG the JSON of its Berechnung's month, formatted column-wise by Polars."""
        self._bg_json = []
        for mi, monat in enumerate(self.erg.monate):
            frame = pl.DataFrame({k: self.erg.bg[k][mi] for k in BG_SPALTEN})
            teile = [f'"{monat_key(monat)}": {{{{"bg": {{{{']
            ausdruck = []
            for i, k in enumerate(BG_SPALTEN):
                ausdruck.append(pl.lit(("" if i == 0 else ", ") + f'"{k}": '))
                ausdruck.append(pl.col(k).round(2).cast(pl.String))
            zeilen = frame.select(
                pl.concat_str([pl.lit(teile[0].replace("{{", "{")), *ausdruck, pl.lit("}}")])
            )
            self._bg_json.append(zeilen.to_series().to_list())

    def antraege_und_bewilligungen(self, abschnitte: list[Abschnitt]) -> None:
        b, erg = self.b, self.erg
        antrag_id, ap_id, ek_id = _naechste_id(Antrag), _naechste_id(AntragPerson), _naechste_id(Einkommen)
        be_id, bw_id = _naechste_id(Berechnung), _naechste_id(Bewilligung)
        antraege, ap, ek, berechnungen, bewilligungen = [], [], [], [], []
        self._bg_json_vorbereiten()
        for a in abschnitte:
            von_index = erg.index(a.von)
            bis = plus_monate(a.von, a.monate - 1)
            antragsdatum = a.von
            if a.art == Antrag.Art.WEITERBEWILLIGUNG:
                antragsdatum = min(plus_monate(a.von, -1).replace(day=20), self.heute - timedelta(days=4))
            grund = MONATSGRUENDE[a.bg % 2] if a.vorlaeufig else ""
            antraege.append(
                self._antrag_zeile(
                    antrag_id, a.bg, a.art, a.antrag_status, antragsdatum, a.von, a.vorlaeufig, grund
                )
            )
            ap_id, ek_id = self._personen_zeilen(antrag_id, a.bg, a.von, ap_id, ap, ek_id, ek)
            bg_id = int(b.bg_ids[a.bg])
            macher = self._macher(a.bg)
            pruefer = next((u for u in self.freigeber[b.team[a.bg]] if u != macher), None)
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
                hour=9, tzinfo=self.jetzt.tzinfo
            )
            erstellt = min(erstellt, self.jetzt)
            berechnungen.append(
                (
                    be_id,
                    self.mandant_id,
                    antrag_id,
                    bg_id,
                    1,
                    self.d(a.von),
                    self.d(bis),
                    recht.ENGINE_VERSION,
                    self.hash,
                    json.dumps(eingabe, default=str),
                    self._ergebnis_json(a.bg, von_index, a.monate),
                    json.dumps(spuren, default=str),
                    round(float(zahl[0]), 2),
                    round(float(zahl.sum()), 2),
                    macher,
                    _ts(erstellt),
                )
            )
            offen = a.status == Bewilligung.Status.FREIGABE_AUSSTEHEND
            grund_va = (
                "Erstbewilligung" if a.art == Antrag.Art.ERSTANTRAG else "Prüfung durch die Teamleitung"
            )
            inhaber, iban, bic = self._konto(a.bg)
            bewilligungen.append(
                (
                    bw_id,
                    self.mandant_id,
                    antrag_id,
                    be_id,
                    bg_id,
                    a.status,
                    self.d(a.von),
                    self.d(monatsende(bis)),
                    a.vorlaeufig,
                    round(float(zahl[0]), 2),
                    0.0,
                    True,
                    grund_va,
                    inhaber,
                    iban,
                    bic,
                    False,
                    "",
                    "",
                    "",
                    macher,
                    _ts(erstellt),
                    None if offen else pruefer,
                    None if offen else _ts(min(erstellt + timedelta(days=1), self.jetzt)),
                )
            )
            self.bewilligung_ids.append(bw_id)
            antrag_id += 1
            be_id += 1
            bw_id += 1
        _einfuegen(Antrag, self.ANTRAG_SPALTEN, antraege)
        _einfuegen(AntragPerson, self.AP_SPALTEN, ap)
        _einfuegen(Einkommen, self.EK_SPALTEN, ek)
        _einfuegen(
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
        _einfuegen(
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
        self.zaehler.update(
            {
                "antraege": len(antraege),
                "berechnungen": len(berechnungen),
                "bewilligungen": len(bewilligungen),
            }
        )

    def entwuerfe(self, entwuerfe: list[tuple[int, date]]) -> None:
        """Weiterbewilligungsanträge still open: drafts, some waiting for documents past their deadline."""
        antrag_id, ap_id, ek_id = _naechste_id(Antrag), _naechste_id(AntragPerson), _naechste_id(Einkommen)
        ul_id = _naechste_id(Unterlage)
        antraege, ap, ek, unterlagen = [], [], [], []
        for k, (b, beginn) in enumerate(entwuerfe):
            status = Antrag.Status.ENTWURF if k % 3 else Antrag.Status.ENTSCHEIDUNGSREIF
            eingang = min(self.heute - timedelta(days=int(self.rng.integers(5, 40))), beginn)
            antraege.append(
                self._antrag_zeile(
                    antrag_id, b, Antrag.Art.WEITERBEWILLIGUNG, status, eingang, beginn, False, ""
                )
            )
            ap_id, ek_id = self._personen_zeilen(
                antrag_id, b, min(beginn, self.aktuell), ap_id, ap, ek_id, ek
            )
            if status == Antrag.Status.ENTWURF:
                unterlagen.append(
                    (
                        ul_id,
                        antrag_id,
                        FEHLENDE_UNTERLAGEN[k % len(FEHLENDE_UNTERLAGEN)],
                        self.d(eingang + timedelta(days=14)),
                        self.d(eingang + timedelta(days=1)),
                        None,
                    )
                )
                ul_id += 1
            antrag_id += 1
        _einfuegen(Antrag, self.ANTRAG_SPALTEN, antraege)
        _einfuegen(AntragPerson, self.AP_SPALTEN, ap)
        _einfuegen(Einkommen, self.EK_SPALTEN, ek)
        _einfuegen(
            Unterlage,
            ["id", "antrag", "bezeichnung", "frist", "angefordert_am", "eingegangen_am"],
            unterlagen,
        )
        self.zaehler["antraege_offen"] = len(antraege)
        self.zaehler["unterlagen_offen"] = len(unterlagen)

    def betraege_und_zahllaeufe(self, abschnitte: list[Abschnitt]) -> None:
        """Leistungsbeträge of every decision; for past months a finished Zahllauf with its Zahlungen and
        Buchungen, booked as `leistung.zahllauf.book_chunk` books them: the live run pays only what is new.
        """
        b, erg = self.b, self.erg
        n_bg = len(b.bg_ids)
        groesse = np.diff(np.append(b.erster, len(b.p_ids)))
        s_bg = np.array([a.bg for a in abschnitte])
        s_von = np.array([erg.index(a.von) for a in abschnitte])
        s_len = np.array([a.monate for a in abschnitte])
        s_offen = np.array([a.status == Bewilligung.Status.FREIGABE_AUSSTEHEND for a in abschnitte])
        s_bw = np.array(self.bewilligung_ids)
        # sections x months, then x persons of the BG
        sm = np.repeat(np.arange(len(abschnitte)), s_len)
        mon = s_von[sm] + np.arange(len(sm)) - np.repeat(np.cumsum(s_len) - s_len, s_len)
        anzahl = groesse[s_bg[sm]]
        pm = np.repeat(np.arange(len(sm)), anzahl)
        j = b.erster[s_bg[sm[pm]]] + np.arange(len(pm)) - np.repeat(np.cumsum(anzahl) - anzahl, anzahl)
        mi = mon[pm]
        sec = sm[pm]
        drin = erg.mitglied[mi, j]
        j, mi, sec = j[drin], mi[drin], sec[drin]
        p = {k: v[mi, j] for k, v in erg.person.items()}
        teil_kdu = np.minimum(p["kdu"], p["zahl"])
        teil_mehr = np.minimum(p["mehr"], p["zahl"] - teil_kdu)
        teil_regel = p["zahl"] - teil_kdu - teil_mehr
        lb_ids = _naechste_id(Leistungsbetrag) + np.arange(len(j))
        monate = np.array([self.d(m) for m in erg.monate], dtype=object)
        person_ids = b.p_ids[j]

        def euro(werte: np.ndarray) -> np.ndarray:
            return werte / 100

        _einfuegen_spalten(
            Leistungsbetrag,
            {
                "id": lb_ids,
                "bewilligung": s_bw[sec],
                "person": person_ids,
                "monat": monate[mi],
                "regelbedarf": euro(p["regel"]),
                "mehrbedarf": euro(p["mehr"]),
                "kdu": euro(p["kdu"]),
                "einkommen": euro(p["einkommen"]),
                "minderung": euro(p["minderung"]),
                "zahlbetrag": euro(p["zahl"]),
                "auszahlung_regelbedarf": euro(teil_regel),
                "auszahlung_mehrbedarf": euro(teil_mehr),
                "auszahlung_kdu": euro(teil_kdu),
            },
        )

        # Past months of granted decisions were paid: one Zahlung per BG and month, lines per kind.
        bezahlt = ~s_offen[sec] & (mi < erg.index(self.aktuell))
        bg_pos = s_bg[sec][bezahlt]
        mi_b = mi[bezahlt]
        schluessel = bg_pos * len(erg.monate) + mi_b
        zahlungen, zuordnung = np.unique(schluessel, return_inverse=True)
        z_bg = zahlungen // len(erg.monate)
        z_mi = zahlungen % len(erg.monate)
        z_betrag = np.bincount(zuordnung, weights=p["zahl"][bezahlt], minlength=len(zahlungen)).astype(
            np.int64
        )
        z_ids = _naechste_id(Zahlung) + np.arange(len(zahlungen))
        zl0 = _naechste_id(Zahllauf)
        n_laeufe = erg.index(self.aktuell)
        konten = np.array([self._konto(x) for x in range(n_bg)], dtype=object).reshape(n_bg, 3)
        _einfuegen_spalten(
            Zahlung,
            {
                "id": z_ids,
                "mandant": np.full(len(z_ids), self.mandant_id),
                "zahllauf": zl0 + z_mi,
                "bedarfsgemeinschaft": b.bg_ids[z_bg],
                "zahlmonat": monate[z_mi],
                "empfaenger": np.full(len(z_ids), Zahlung.Empfaenger.BG.value, dtype=object),
                "name": konten[z_bg, 0],
                "iban": konten[z_bg, 1],
                "bic": konten[z_bg, 2],
                "betrag": euro(z_betrag),
                "verwendungszweck": np.array(
                    [
                        f"Leistungen SGB II {erg.monate[m]:%m/%Y} BG {b.nummer[x]}"
                        for x, m in zip(z_bg.tolist(), z_mi.tolist(), strict=True)
                    ],
                    dtype=object,
                ),
                "end_to_end_id": np.array(
                    [
                        f"SGB2-{erg.monate[m]:%Y%m}-{b.bg_ids[x]}-B"
                        for x, m in zip(z_bg.tolist(), z_mi.tolist(), strict=True)
                    ],
                    dtype=object,
                ),
            },
        )
        # Ledger lines: Regelbedarf always, Mehrbedarf and KdU when not zero (as book_chunk).
        arten, betraege, quelle = [], [], []
        for werte, immer in ((teil_regel, True), (teil_mehr, False), (teil_kdu, False)):
            auswahl = np.flatnonzero(bezahlt & ((werte != 0) | immer))
            quelle.append(auswahl)
            betraege.append(werte[auswahl])
            arten.append(np.full(len(auswahl), len(arten)))
        quelle_z = np.concatenate(quelle)
        ordnung = np.argsort(quelle_z, kind="stable")
        quelle_z = quelle_z[ordnung]
        art_z = np.concatenate(arten)[ordnung]
        betrag_z = np.concatenate(betraege)[ordnung]
        zahlung_je_zeile = np.full(len(j), -1, dtype=np.int64)
        zahlung_je_zeile[np.flatnonzero(bezahlt)] = z_ids[zuordnung]
        namen_art = np.array(
            [Buchung.Art.REGELBEDARF.value, Buchung.Art.MEHRBEDARF.value, Buchung.Art.KDU.value], dtype=object
        )
        gebucht = [
            _ts(
                datetime.combine(_ausfuehrung(m) - timedelta(days=2), datetime.min.time()).replace(
                    hour=6, tzinfo=self.jetzt.tzinfo
                )
            )
            for m in erg.monate
        ]
        mi_z = mi[quelle_z]
        _einfuegen_spalten(
            Buchung,
            {
                "id": _naechste_id(Buchung) + np.arange(len(quelle_z)),
                "mandant": np.full(len(quelle_z), self.mandant_id),
                "bedarfsgemeinschaft": b.bg_ids[s_bg[sec[quelle_z]]],
                "person": person_ids[quelle_z],
                "leistungsmonat": monate[mi_z],
                "art": namen_art[art_z],
                "betrag": euro(betrag_z),
                "leistungsbetrag": lb_ids[quelle_z],
                "zahlung": zahlung_je_zeile[quelle_z],
                "gebucht_am": np.array(gebucht, dtype=object)[mi_z],
            },
        )
        # The runs themselves, with the report a finished run keeps.
        summe_je_monat = np.bincount(z_mi, weights=z_betrag, minlength=n_laeufe)
        anzahl_je_monat = np.bincount(z_mi, minlength=n_laeufe)
        gestartet_von = self.freigeber[b.team[0]][0]
        laeufe = []
        for m in range(n_laeufe):
            summe = f"{summe_je_monat[m] / 100:.2f}"
            bericht = {
                "zahlmonat": f"{erg.monate[m]:%Y-%m}",
                "ausfuehrungsdatum": f"{_ausfuehrung(erg.monate[m]):%Y-%m-%d}",
                "bedarfsgemeinschaften": int(anzahl_je_monat[m]),
                "summe_buchungen": summe,
                "summe_zahlungen": summe,
                "abgestimmt": True,
                "hinweis": "Demo-Historie: die Zahlungsdateien sind nicht abgelegt.",
            }
            laeufe.append(
                (
                    zl0 + m,
                    self.mandant_id,
                    monate[m],
                    Zahllauf.Status.ABGESCHLOSSEN.value,
                    self.d(_ausfuehrung(erg.monate[m])),
                    json.dumps(bericht),
                    gestartet_von,
                    gebucht[m],
                    gebucht[m],
                )
            )
        _einfuegen(
            Zahllauf,
            [
                "id",
                "mandant",
                "zahlmonat",
                "status",
                "ausfuehrungsdatum",
                "bericht",
                "gestartet_von",
                "gestartet_am",
                "beendet_am",
            ],
            laeufe,
        )
        self.zaehler.update(
            {
                "leistungsbetraege": len(lb_ids),
                "zahllaeufe": n_laeufe,
                "zahlungen": len(z_ids),
                "buchungen": len(quelle_z),
            }
        )


def _ausfuehrung(monat: date) -> date:
    """The last bank working day before the month (as `zahllauf.ausfuehrungsdatum_fuer`, without today)."""
    tag = monat - timedelta(days=1)
    while tag.weekday() >= 5:
        tag -= timedelta(days=1)
    return tag
