"""Synthetic granted BGs in bulk, for the payment-run benchmark and the crash-and-resume test.

`seed_bewilligungen` writes N single-person BGs with everything a Zahllauf reads (Haushalt, BG,
person, Antrag, Berechnung, released Bewilligung, the month's Leistungsbeträge). The amounts come
from vectorised calls of the law engine for the month (one per batch), so they are real Bürgergeld
amounts. Seeded and deterministic; no per-row audit events.

Rows are written column-wise with explicit ids, one statement per table and batch: `COPY` on
PostgreSQL (1,000,000 BGs in a few minutes), one `executemany` on SQLite. No model instances are
built, so `save()` hooks do not run; the person's search keys are filled here instead.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from itertools import repeat

import numpy as np
import polars as pl
from django.contrib.auth.models import Group
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Max
from django.utils import timezone

from vorort import recht
from vorort.core.models import Mandant, Rolle, Team, User
from vorort.leistung.eingabe import monat_key, monatsende, plus_monate
from vorort.leistung.models import Antrag, AntragPerson, Berechnung, Bewilligung, Leistungsbetrag
from vorort.personen.models import Bedarfsgemeinschaft, Haushalt, Mitgliedschaft, Person
from vorort.personen.normalize import fold, phonetik

BATCH = 50_000
TEST_IBANS = [
    "DE89370400440532013000",
    "DE02120300000000202051",
    "DE02500105170137075030",
    "DE88100900001234567892",
]
MODELLE = (
    Haushalt,
    Bedarfsgemeinschaft,
    Person,
    Mitgliedschaft,
    Antrag,
    AntragPerson,
    Berechnung,
    Bewilligung,
    Leistungsbetrag,
)


def _geld(werte: np.ndarray) -> list[str]:
    return [f"{w:.2f}" for w in werte.tolist()]


def _schreiben(model: type[models.Model], anzahl: int, erster_id: int, spalten: dict) -> None:
    """Insert `anzahl` rows with ids from `erster_id`; `spalten` maps attnames to a list or one value.

    Fields not given take their default, NULL or ""; a list has one value per row.
    """
    werte = []
    for feld in model._meta.concrete_fields:
        if feld.primary_key:
            wert = range(erster_id, erster_id + anzahl)
        elif feld.attname in spalten:
            wert = spalten[feld.attname]
        elif feld.has_default():
            wert = feld.get_default()
        elif feld.null:
            wert = None
        else:
            wert = ""
        if isinstance(wert, (list, range)):
            if connection.vendor != "postgresql" or isinstance(feld, models.JSONField):
                wert = [feld.get_db_prep_save(w, connection) for w in wert]
            werte.append(wert)
        else:
            werte.append(repeat(feld.get_db_prep_save(wert, connection), anzahl))
    spaltennamen = ", ".join(connection.ops.quote_name(f.column) for f in model._meta.concrete_fields)
    tabelle = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {tabelle} ({spaltennamen}) FROM STDIN") as copy:
                for zeile in zip(*werte, strict=False):
                    copy.write_row(zeile)
        else:
            platzhalter = ", ".join(["%s"] * len(werte))
            cursor.executemany(
                f"INSERT INTO {tabelle} ({spaltennamen}) VALUES ({platzhalter})",
                list(zip(*werte, strict=False)),
            )


def _naechste_ids() -> dict[type[models.Model], int]:
    return {m: (m.objects.aggregate(m=Max("pk"))["m"] or 0) + 1 for m in MODELLE}


def seed_bewilligungen(
    mandant: Mandant,
    anzahl: int,
    monat: date,
    *,
    seed: int = 1,
    praefix: str = "SYN",
    fortschritt: Callable[[int, int], None] | None = None,
) -> int:
    """Write `anzahl` granted single-person BGs paying in `monat`; return the number written."""
    rng = np.random.default_rng(seed)
    team, _ = Team.objects.get_or_create(
        mandant=mandant, kuerzel=f"{praefix}L", defaults={"name": f"{praefix} Leistung"}
    )
    macher, _ = User.objects.get_or_create(
        username=f"{praefix.lower()}-macher", defaults={"mandant": mandant}
    )
    pruefer, _ = User.objects.get_or_create(
        username=f"{praefix.lower()}-pruefer", defaults={"mandant": mandant}
    )
    for user in (macher, pruefer):
        user.groups.add(*Group.objects.filter(name=Rolle.LEISTUNG.value))
    alter = rng.integers(25, 64, anzahl)
    miete = np.round(rng.uniform(280, 520, anzahl), 2)
    heizung = np.round(rng.uniform(55, 110, anzahl), 2)
    brutto = np.where(rng.random(anzahl) < 0.25, np.round(rng.uniform(100, 900, anzahl), 2), 0.0)
    netto = np.round(brutto * 0.82, 2)
    karenz = rng.random(anzahl) < 0.6
    heute = timezone.localdate()
    jetzt = timezone.now()
    key = monat_key(monat)
    bis = monatsende(plus_monate(monat, 11))
    for start in range(0, anzahl, BATCH):
        ende = min(start + BATCH, anzahl)
        n = ende - start
        ids = np.arange(n, dtype=np.int64)
        frame = pl.DataFrame(
            {
                "bg_id": ids,
                "hh_id": ids,
                "p_id": ids,
                "alter": alter[start:ende],
                "kaltmiete_m_hh": miete[start:ende],
                "heizkosten_m_hh": heizung[start:ende],
                "brutto_erwerb_m": brutto[start:ende],
                "netto_erwerb_m": netto[start:ende],
                "karenzzeit_abgelaufen": karenz[start:ende],
            }
        )
        person = recht.compute(frame, monat).person
        zahl = person["zahlbetrag_m"].to_numpy()
        kdu = person["kdu_anerkannt_m"].to_numpy()
        kdu_teil = np.minimum(kdu, zahl)
        regel_teil = np.round(zahl - kdu_teil, 2)
        nummern = [f"{praefix}{i:09d}" for i in range(start, ende)]
        nachnamen = [f"Muster{i}" for i in range(start, ende)]
        ibans = [TEST_IBANS[i % len(TEST_IBANS)] for i in range(start, ende)]
        namen = [f"Alex {nachname}" for nachname in nachnamen]
        zahl_geld = _geld(zahl)
        with transaction.atomic():
            erste = _naechste_ids()
            bg_ids = list(range(erste[Bedarfsgemeinschaft], erste[Bedarfsgemeinschaft] + n))
            person_ids = list(range(erste[Person], erste[Person] + n))
            antrag_ids = list(range(erste[Antrag], erste[Antrag] + n))
            bewilligung_ids = list(range(erste[Bewilligung], erste[Bewilligung] + n))
            _schreiben(
                Haushalt,
                n,
                erste[Haushalt],
                {
                    "mandant_id": mandant.pk,
                    "strasse": "Musterweg",
                    "hausnummer": [str(i % 200 + 1) for i in range(start, ende)],
                    "plz": "06217",
                    "ort": "Merseburg",
                    "gemeinde_ags": "15088205",
                    "bruttokaltmiete_m": _geld(miete[start:ende]),
                    "heizkosten_m": _geld(heizung[start:ende]),
                },
            )
            _schreiben(
                Bedarfsgemeinschaft,
                n,
                erste[Bedarfsgemeinschaft],
                {
                    "mandant_id": mandant.pk,
                    "nummer": nummern,
                    "haushalt_id": list(range(erste[Haushalt], erste[Haushalt] + n)),
                    "team_id": team.pk,
                    "status": Bedarfsgemeinschaft.Status.AKTIV,
                    "leistungsbezug_seit": date(2024, 1, 1),
                    "erstellt_am": jetzt,
                },
            )
            _schreiben(
                Person,
                n,
                erste[Person],
                {
                    "mandant_id": mandant.pk,
                    "kundennummer": nummern,
                    "vorname": "Alex",
                    "nachname": nachnamen,
                    "geburtsdatum": [date(monat.year - a - 1, 6, 1) for a in alter[start:ende].tolist()],
                    "geschlecht": "x",
                    "nachname_suche": [fold(v) for v in nachnamen],
                    "vorname_suche": fold("Alex"),
                    "name_suche": [f"{fold(v)} {fold('Alex')}" for v in nachnamen],
                    "nachname_phonetik": [phonetik(v) for v in nachnamen],
                    "vorname_phonetik": phonetik("Alex"),
                    "erstellt_am": jetzt,
                    "geaendert_am": jetzt,
                },
            )
            _schreiben(
                Mitgliedschaft,
                n,
                erste[Mitgliedschaft],
                {
                    "person_id": person_ids,
                    "bedarfsgemeinschaft_id": bg_ids,
                    "rolle": "antragsteller",
                    "gueltig_ab": date(2024, 1, 1),
                },
            )
            _schreiben(
                Antrag,
                n,
                erste[Antrag],
                {
                    "mandant_id": mandant.pk,
                    "bedarfsgemeinschaft_id": bg_ids,
                    "art": Antrag.Art.WEITERBEWILLIGUNG,
                    "status": Antrag.Status.BEWILLIGT,
                    "antragsdatum": heute,
                    "leistungsbeginn": monat,
                    "gemeinde_ags": "15088205",
                    "kaltmiete_m": _geld(miete[start:ende]),
                    "heizkosten_m": _geld(heizung[start:ende]),
                    "kontoinhaber": namen,
                    "iban": ibans,
                    "erstellt_von_id": macher.pk,
                    "erstellt_am": jetzt,
                    "geaendert_am": jetzt,
                },
            )
            _schreiben(
                AntragPerson, n, erste[AntragPerson], {"antrag_id": antrag_ids, "person_id": person_ids}
            )
            _schreiben(
                Berechnung,
                n,
                erste[Berechnung],
                {
                    "mandant_id": mandant.pk,
                    "antrag_id": antrag_ids,
                    "bedarfsgemeinschaft_id": bg_ids,
                    "antrag_version": 1,
                    "monat_von": monat,
                    "monat_bis": monat,
                    "engine_version": recht.ENGINE_VERSION,
                    "parameter_hash": "massendaten",
                    "eingabe": [{key: [zeile]} for zeile in frame.to_dicts()],
                    "ergebnis": [{key: {"bg": {"zahlbetrag_m": z}}} for z in zahl.tolist()],
                    "traces": {},
                    "zahlbetrag_erster_monat": zahl_geld,
                    "zahlbetrag_summe": zahl_geld,
                    "erstellt_von_id": macher.pk,
                    "erstellt_am": jetzt,
                },
            )
            _schreiben(
                Bewilligung,
                n,
                erste[Bewilligung],
                {
                    "mandant_id": mandant.pk,
                    "antrag_id": antrag_ids,
                    "berechnung_id": list(range(erste[Berechnung], erste[Berechnung] + n)),
                    "bedarfsgemeinschaft_id": bg_ids,
                    "status": Bewilligung.Status.BEWILLIGT,
                    "von": monat,
                    "bis": bis,
                    "zahlbetrag_monat": zahl_geld,
                    "vier_augen_erforderlich": True,
                    "vier_augen_grund": "Massendaten",
                    "empfaenger_name": namen,
                    "empfaenger_iban": ibans,
                    "erstellt_von_id": macher.pk,
                    "erstellt_am": jetzt,
                    "freigegeben_von_id": pruefer.pk,
                    "freigegeben_am": jetzt,
                },
            )
            _schreiben(
                Leistungsbetrag,
                n,
                erste[Leistungsbetrag],
                {
                    "bewilligung_id": bewilligung_ids,
                    "person_id": person_ids,
                    "monat": monat,
                    "regelbedarf": _geld(person["regelbedarf_m"].to_numpy()),
                    "mehrbedarf": Decimal("0.00"),
                    "kdu": _geld(kdu),
                    "einkommen": _geld(person["einkommen_bereinigt_m"].to_numpy()),
                    "zahlbetrag": zahl_geld,
                    "auszahlung_regelbedarf": _geld(regel_teil),
                    "auszahlung_mehrbedarf": Decimal("0.00"),
                    "auszahlung_kdu": _geld(kdu_teil),
                },
            )
        if fortschritt is not None:
            fortschritt(ende, anzahl)
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), MODELLE):
            cursor.execute(sql)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return anzahl
