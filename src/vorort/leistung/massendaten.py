"""Synthetic granted BGs in bulk, for the payment-run benchmark and the crash-and-resume test.

`seed_bewilligungen` writes N single-person BGs with everything a Zahllauf reads (Haushalt, BG,
person, Antrag, Berechnung, released Bewilligung, the month's Leistungsbeträge). The amounts come
from one vectorised call of the law engine for the month, so they are real Bürgergeld amounts.
Seeded and deterministic; writes with bulk_create in batches and no per-row audit events.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import numpy as np
import polars as pl
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from vorort import recht
from vorort.core.models import Mandant, Rolle, Team, User
from vorort.leistung.eingabe import monat_key, monatsende, plus_monate
from vorort.leistung.models import Antrag, AntragPerson, Berechnung, Bewilligung, Leistungsbetrag
from vorort.personen.models import Bedarfsgemeinschaft, Haushalt, Mitgliedschaft, Person

BATCH = 5000
CENT = Decimal("0.01")
TEST_IBANS = ["DE89370400440532013000", "DE02120300000000202051", "DE02500105170137075030", "DE88100900001234567892"]


def _geld(wert: float) -> Decimal:
    return Decimal(f"{wert:.2f}")


def seed_bewilligungen(mandant: Mandant, anzahl: int, monat: date, *, seed: int = 1, praefix: str = "SYN",
                       fortschritt=None) -> int:
    """Write `anzahl` granted single-person BGs paying in `monat`; return the number written."""
    rng = np.random.default_rng(seed)
    team, _ = Team.objects.get_or_create(mandant=mandant, kuerzel=f"{praefix}L", defaults={"name": f"{praefix} Leistung"})
    macher, _ = User.objects.get_or_create(username=f"{praefix.lower()}-macher", defaults={"mandant": mandant})
    pruefer, _ = User.objects.get_or_create(username=f"{praefix.lower()}-pruefer", defaults={"mandant": mandant})
    for user in (macher, pruefer):
        user.groups.add(*Group.objects.filter(name=Rolle.LEISTUNG.value))
    alter = rng.integers(25, 64, anzahl)
    miete = np.round(rng.uniform(280, 520, anzahl), 2)
    heizung = np.round(rng.uniform(55, 110, anzahl), 2)
    brutto = np.where(rng.random(anzahl) < 0.25, np.round(rng.uniform(100, 900, anzahl), 2), 0.0)
    netto = np.round(brutto * 0.82, 2)
    ids = np.arange(anzahl, dtype=np.int64)
    frame = pl.DataFrame({
        "bg_id": ids, "hh_id": ids, "p_id": ids, "alter": alter, "kaltmiete_m_hh": miete, "heizkosten_m_hh": heizung,
        "brutto_erwerb_m": brutto, "netto_erwerb_m": netto, "karenzzeit_abgelaufen": rng.random(anzahl) < 0.6,
    })
    person = recht.compute(frame, monat).person
    zahl = person["zahlbetrag_m"].to_numpy()
    regel = person["regelbedarf_m"].to_numpy()
    kdu = person["kdu_anerkannt_m"].to_numpy()
    einkommen = person["einkommen_bereinigt_m"].to_numpy()
    kdu_teil = np.minimum(kdu, zahl)
    regel_teil = np.round(zahl - kdu_teil, 2)
    heute = timezone.localdate()
    jetzt = timezone.now()
    key = monat_key(monat)
    geschrieben = 0
    for start in range(0, anzahl, BATCH):
        ende = min(start + BATCH, anzahl)
        with transaction.atomic():
            haushalte = Haushalt.objects.bulk_create([
                Haushalt(mandant=mandant, strasse="Musterweg", hausnummer=str(i % 200 + 1), plz="06217", ort="Merseburg",
                         gemeinde_ags="15088205", bruttokaltmiete_m=_geld(miete[i]), heizkosten_m=_geld(heizung[i]))
                for i in range(start, ende)
            ])
            bgs = Bedarfsgemeinschaft.objects.bulk_create([
                Bedarfsgemeinschaft(mandant=mandant, nummer=f"{praefix}{i:09d}", haushalt=haushalte[i - start], team=team,
                                    status=Bedarfsgemeinschaft.Status.AKTIV, leistungsbezug_seit=date(2024, 1, 1))
                for i in range(start, ende)
            ])
            personen = []
            for i in range(start, ende):
                p = Person(mandant=mandant, kundennummer=f"{praefix}{i:09d}", vorname="Alex", nachname=f"Muster{i}",
                           geburtsdatum=date(monat.year - int(alter[i]) - 1, 6, 1), geschlecht="x")
                p.refresh_search_keys()
                personen.append(p)
            personen = Person.objects.bulk_create(personen)
            Mitgliedschaft.objects.bulk_create([
                Mitgliedschaft(person=personen[k], bedarfsgemeinschaft=bgs[k], rolle="antragsteller",
                               gueltig_ab=date(2024, 1, 1)) for k in range(ende - start)
            ])
            antraege = Antrag.objects.bulk_create([
                Antrag(mandant=mandant, bedarfsgemeinschaft=bgs[k], art=Antrag.Art.WEITERBEWILLIGUNG,
                       status=Antrag.Status.BEWILLIGT, antragsdatum=heute, leistungsbeginn=monat,
                       gemeinde_ags="15088205", kaltmiete_m=_geld(miete[start + k]),
                       heizkosten_m=_geld(heizung[start + k]), kontoinhaber=personen[k].name,
                       iban=TEST_IBANS[(start + k) % len(TEST_IBANS)], erstellt_von=macher)
                for k in range(ende - start)
            ])
            AntragPerson.objects.bulk_create([AntragPerson(antrag=antraege[k], person=personen[k])
                                              for k in range(ende - start)])
            berechnungen = Berechnung.objects.bulk_create([
                Berechnung(
                    mandant=mandant, antrag=antraege[k], bedarfsgemeinschaft=bgs[k], antrag_version=1, monat_von=monat,
                    monat_bis=monat, engine_version=recht.ENGINE_VERSION, parameter_hash="massendaten",
                    eingabe={key: [frame.row(start + k, named=True)]},
                    ergebnis={key: {"bg": {"zahlbetrag_m": float(zahl[start + k])}}}, traces={},
                    zahlbetrag_erster_monat=_geld(zahl[start + k]), zahlbetrag_summe=_geld(zahl[start + k]),
                    erstellt_von=macher, erstellt_am=jetzt,
                ) for k in range(ende - start)
            ])
            bewilligungen = Bewilligung.objects.bulk_create([
                Bewilligung(
                    mandant=mandant, antrag=antraege[k], berechnung=berechnungen[k], bedarfsgemeinschaft=bgs[k],
                    status=Bewilligung.Status.BEWILLIGT, von=monat, bis=monatsende(plus_monate(monat, 11)),
                    zahlbetrag_monat=_geld(zahl[start + k]), vier_augen_erforderlich=True, vier_augen_grund="Massendaten",
                    empfaenger_name=personen[k].name, empfaenger_iban=antraege[k].iban, erstellt_von=macher,
                    freigegeben_von=pruefer, freigegeben_am=jetzt,
                ) for k in range(ende - start)
            ])
            Leistungsbetrag.objects.bulk_create([
                Leistungsbetrag(
                    bewilligung=bewilligungen[k], person=personen[k], monat=monat, regelbedarf=_geld(regel[i]),
                    mehrbedarf=Decimal("0.00"), kdu=_geld(kdu[i]), einkommen=_geld(einkommen[i]),
                    zahlbetrag=_geld(zahl[i]), auszahlung_regelbedarf=_geld(regel_teil[i]),
                    auszahlung_mehrbedarf=Decimal("0.00"), auszahlung_kdu=_geld(kdu_teil[i]),
                ) for k, i in enumerate(range(start, ende))
            ])
        geschrieben = ende
        if fortschritt is not None:
            fortschritt(geschrieben, anzahl)
    return geschrieben
