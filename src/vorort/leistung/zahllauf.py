"""The monthly payment run: book the granted amounts, pay each BG once per month, write SEPA files.

Actions of the run (STYLE §3.1, §3.8):

- `start_zahllauf` creates the run for a Mandant and Zahlmonat with its BackgroundJob, or returns
  the existing one (a finished run is never repeated; a crashed run is resumed);
- `run_zahllauf` processes the BGs in chunks. Each chunk is one durable transaction that books the
  open lines (`Buchung`) and creates the BG's `Zahlung` rows, so a crash loses at most the chunk
  in progress, and a rerun skips every BG that already has its Zahlung for the month;
- `finish_zahllauf` reconciles the ledger with the payments, writes and validates the SEPA files
  and the run report, and files them in the e-Akte.

Which lines are paid is not the run's business: every `Buchung` of a BG that is still open and
whose Leistungsmonat is due is paid. Today the lines come from the Bewilligungen (`Leistungsbetrag`);
later rules (changes, Minderungen, Aufrechnungen, one-off payments) add lines of their own.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Sum
from django.utils import timezone

from vorort.akte.actions import store_dokument
from vorort.akte.models import Dokument
from vorort.core.audit import record_event
from vorort.core.exceptions import NotAllowed
from vorort.core.models import AuditEvent, BackgroundJob, Mandant, User
from vorort.leistung.eingabe import monatsanfang
from vorort.leistung.models import NULL, Bewilligung, Buchung, Leistungsbetrag, Zahllauf, Zahlung, Zahlungsdatei
from vorort.leistung.sepa import Ueberweisung, build_pain001

CHUNK = 2000
SEPA_MAX_JE_DATEI = 100_000
JOB_ART = "zahllauf"


class ZahllaufFehler(Exception):
    """The run cannot be completed (e.g. the ledger does not reconcile); nothing is filed."""


def ausfuehrungsdatum_fuer(zahlmonat: date, heute: date | None = None) -> date:
    """The last bank working day before the Zahlmonat (§ 42 Abs. 1 SGB II: paid in advance).

    Weekends are skipped; a date already past becomes today.
    """
    tag = zahlmonat - timedelta(days=1)
    while tag.weekday() >= 5:
        tag -= timedelta(days=1)
    return max(tag, heute or timezone.localdate())


def _bgs_mit_offenen_posten(mandant_id: int, zahlmonat: date):
    """BG ids with due amounts not yet booked, or booked lines not yet paid, up to `zahlmonat`."""
    ungebucht = Leistungsbetrag.objects.filter(
        bewilligung__mandant_id=mandant_id, bewilligung__status=Bewilligung.Status.BEWILLIGT, monat__lte=zahlmonat,
    ).filter(~Exists(Buchung.objects.filter(leistungsbetrag_id=OuterRef("pk"))))
    offen = Buchung.objects.filter(mandant_id=mandant_id, zahlung__isnull=True, leistungsmonat__lte=zahlmonat)
    bereits_bezahlt = Zahlung.objects.filter(mandant_id=mandant_id, zahlmonat=zahlmonat).values(
        "bedarfsgemeinschaft_id"
    )
    ids = set(ungebucht.values_list("bewilligung__bedarfsgemeinschaft_id", flat=True).distinct())
    ids |= set(offen.values_list("bedarfsgemeinschaft_id", flat=True).distinct())
    ids -= set(bereits_bezahlt.values_list("bedarfsgemeinschaft_id", flat=True))
    return sorted(ids)


@transaction.atomic(durable=True)
def start_zahllauf(
    mandant: Mandant, zahlmonat: date, *, acting_user: User | None,
    ausloeser: BackgroundJob.Ausloeser = BackgroundJob.Ausloeser.WEB,
) -> tuple[Zahllauf, bool]:
    """Create the run for the month, or return the existing one; True if it was created now."""
    if acting_user is not None and not acting_user.has_perm("leistung.run_zahllauf"):
        raise NotAllowed("Sie haben keine Berechtigung, einen Zahllauf zu starten.")
    if acting_user is not None and acting_user.mandant_id != mandant.pk:
        raise NotAllowed("Zahlläufe anderer Jobcenter können nicht gestartet werden.")
    zahlmonat = monatsanfang(zahlmonat)
    vorhanden = Zahllauf.objects.filter(mandant=mandant, zahlmonat=zahlmonat).first()
    if vorhanden is not None:
        return vorhanden, False
    job = BackgroundJob.objects.create(
        mandant=mandant, art=JOB_ART, ausloeser=ausloeser, erstellt_von=acting_user,
        eingabe={"zahlmonat": f"{zahlmonat:%Y-%m}"},
    )
    zahllauf = Zahllauf.objects.create(
        mandant=mandant, zahlmonat=zahlmonat, ausfuehrungsdatum=ausfuehrungsdatum_fuer(zahlmonat), job=job,
        gestartet_von=acting_user,
    )
    job.eingabe["zahllauf_id"] = zahllauf.pk
    job.save(update_fields=["eingabe"])
    record_event(
        AuditEvent.Typ.ZAHLLAUF_GESTARTET, acting_user=acting_user, mandant=mandant, objekt=zahllauf,
        details={"zahlmonat": f"{zahlmonat:%Y-%m}", "ausloeser": ausloeser},
    )
    return zahllauf, True


def run_zahllauf(
    zahllauf: Zahllauf, *, chunk: int = CHUNK, fortschritt: Callable[[int, int], None] | None = None
) -> Zahllauf:
    """Book and pay every due BG in chunks, then finish the run; resumes where a crash stopped it."""
    zahllauf.refresh_from_db()
    if zahllauf.status == Zahllauf.Status.ABGESCHLOSSEN:
        return zahllauf
    job = zahllauf.job
    bg_ids = _bgs_mit_offenen_posten(zahllauf.mandant_id, zahllauf.zahlmonat)
    erledigt = Zahlung.objects.filter(zahllauf=zahllauf).values("bedarfsgemeinschaft_id").distinct().count()
    job.gesamt, job.fortschritt = erledigt + len(bg_ids), erledigt
    job.save(update_fields=["gesamt", "fortschritt"])
    with job.running():
        for start in range(0, len(bg_ids), chunk):
            teil = bg_ids[start:start + chunk]
            book_chunk(zahllauf, teil)
            job.fortschritt += len(teil)
            BackgroundJob.objects.filter(pk=job.pk).update(fortschritt=job.fortschritt)
            if fortschritt is not None:
                fortschritt(job.fortschritt, job.gesamt)
        zahllauf = finish_zahllauf(zahllauf)
        job.ergebnis = zahllauf.bericht
    return zahllauf


@transaction.atomic(durable=True)
def book_chunk(zahllauf: Zahllauf, bg_ids: list[int]) -> int:
    """Book the open lines of these BGs and create their Zahlungen; return the number of Zahlungen.

    Queries: lock the run, BGs already paid, unbooked Leistungsbeträge with their Bewilligung,
    open ledger lines, insert Zahlungen, insert Buchungen (+ one update per payment with older open lines).
    """
    lauf = Zahllauf.objects.select_for_update().get(pk=zahllauf.pk)
    monat = lauf.zahlmonat
    bezahlt = set(
        Zahlung.objects.filter(bedarfsgemeinschaft_id__in=bg_ids, zahlmonat=monat).values_list(
            "bedarfsgemeinschaft_id", flat=True
        )
    )
    offen_ids = [b for b in bg_ids if b not in bezahlt]
    if not offen_ids:
        return 0
    betraege = (
        Leistungsbetrag.objects.filter(
            bewilligung__bedarfsgemeinschaft_id__in=offen_ids, bewilligung__status=Bewilligung.Status.BEWILLIGT,
            monat__lte=monat,
        )
        .filter(~Exists(Buchung.objects.filter(leistungsbetrag_id=OuterRef("pk"))))
        .values_list(
            "pk", "person_id", "monat", "auszahlung_regelbedarf", "auszahlung_mehrbedarf", "auszahlung_kdu",
            "bewilligung_id", "bewilligung__bedarfsgemeinschaft_id", "bewilligung__bedarfsgemeinschaft__nummer",
            "bewilligung__empfaenger_name", "bewilligung__empfaenger_iban", "bewilligung__empfaenger_bic",
            "bewilligung__kdu_an_vermieter", "bewilligung__vermieter_name", "bewilligung__vermieter_iban",
            "bewilligung__vermieter_bic",
        )
        .order_by("bewilligung_id", "monat", "person_id")
    )
    neue: list[tuple[tuple[int, str], Buchung]] = []
    empfaenger: dict[tuple[int, str], tuple[int, str, str, str, str]] = {}
    jetzt = timezone.now()
    for (pk, person_id, lmonat, regel, mehr, kdu, bew_id, bg_id, nummer, name, iban, bic, an_vermieter, v_name,
         v_iban, v_bic) in betraege.iterator(chunk_size=5000):
        bg_key = (bg_id, Zahlung.Empfaenger.BG)
        if bg_key not in empfaenger or empfaenger[bg_key][0] <= bew_id:
            empfaenger[bg_key] = (bew_id, nummer, name, iban, bic)
        zeilen = [(Buchung.Art.REGELBEDARF, regel, bg_key)]
        if mehr:
            zeilen.append((Buchung.Art.MEHRBEDARF, mehr, bg_key))
        if kdu and an_vermieter:
            v_key = (bg_id, Zahlung.Empfaenger.VERMIETER)
            if v_key not in empfaenger or empfaenger[v_key][0] <= bew_id:
                empfaenger[v_key] = (bew_id, nummer, v_name, v_iban, v_bic)
            zeilen.append((Buchung.Art.KDU_VERMIETER, kdu, v_key))
        elif kdu:
            zeilen.append((Buchung.Art.KDU, kdu, bg_key))
        for art, betrag, key in zeilen:
            neue.append((key, Buchung(
                mandant_id=lauf.mandant_id, bedarfsgemeinschaft_id=bg_id, person_id=person_id, leistungsmonat=lmonat,
                art=art, betrag=betrag, leistungsbetrag_id=pk, gebucht_am=jetzt,
            )))
    alte = defaultdict(list)
    summen: dict[tuple[int, str], Decimal] = defaultdict(lambda: NULL)
    for key, buchung in neue:
        summen[key] += buchung.betrag
    offene_alte = Buchung.objects.filter(
        bedarfsgemeinschaft_id__in=offen_ids, zahlung__isnull=True, leistungsmonat__lte=monat
    ).values_list("pk", "bedarfsgemeinschaft_id", "art", "betrag")
    for pk, bg_id, art, betrag in offene_alte:
        richtung = Zahlung.Empfaenger.VERMIETER if art == Buchung.Art.KDU_VERMIETER else Zahlung.Empfaenger.BG
        key = (bg_id, richtung)
        if key not in empfaenger:
            empfaenger[key] = _empfaenger_aus_bewilligung(bg_id, richtung, monat)
        alte[key].append(pk)
        summen[key] += betrag
    zahlungen = []
    for key in sorted(summen):
        bg_id, richtung = key
        _bew, nummer, name, iban, bic = empfaenger[key]
        zahlungen.append(Zahlung(
            mandant_id=lauf.mandant_id, zahllauf_id=lauf.pk, bedarfsgemeinschaft_id=bg_id, zahlmonat=monat,
            empfaenger=richtung, name=name, iban=iban, bic=bic, betrag=summen[key],
            verwendungszweck=_verwendungszweck(monat, nummer, richtung), end_to_end_id=_e2e(monat, bg_id, richtung),
        ))
    Zahlung.objects.bulk_create(zahlungen, batch_size=2000)
    if not all(z.pk for z in zahlungen):
        ids = dict(
            Zahlung.objects.filter(zahllauf_id=lauf.pk, bedarfsgemeinschaft_id__in=offen_ids).values_list(
                "end_to_end_id", "pk"
            )
        )
        for z in zahlungen:
            z.pk = ids[z.end_to_end_id]
    zahlung_id = {(z.bedarfsgemeinschaft_id, z.empfaenger): z.pk for z in zahlungen}
    for key, buchung in neue:
        buchung.zahlung_id = zahlung_id[key]
    Buchung.objects.bulk_create([b for _k, b in neue], batch_size=2000)
    for key, pks in alte.items():
        Buchung.objects.filter(pk__in=pks).update(zahlung_id=zahlung_id[key])
    return len(zahlungen)


def _empfaenger_aus_bewilligung(bg_id: int, richtung: str, monat: date) -> tuple[int, str, str, str, str]:
    bewilligung = (
        Bewilligung.objects.filter(bedarfsgemeinschaft_id=bg_id, status=Bewilligung.Status.BEWILLIGT, von__lte=monat)
        .select_related("bedarfsgemeinschaft").order_by("-von", "-pk").first()
    )
    if bewilligung is None:
        raise ZahllaufFehler(f"Für die BG {bg_id} gibt es offene Buchungen, aber keine Bewilligung mit Bankverbindung.")
    nummer = bewilligung.bedarfsgemeinschaft.nummer
    if richtung == Zahlung.Empfaenger.VERMIETER:
        return bewilligung.pk, nummer, bewilligung.vermieter_name, bewilligung.vermieter_iban, bewilligung.vermieter_bic
    return bewilligung.pk, nummer, bewilligung.empfaenger_name, bewilligung.empfaenger_iban, bewilligung.empfaenger_bic


def _verwendungszweck(monat: date, nummer: str, richtung: str) -> str:
    if richtung == Zahlung.Empfaenger.VERMIETER:
        return f"Miete {monat:%m/%Y} fuer BG {nummer} (Jobcenter, § 22 Abs. 7 SGB II)"
    return f"Leistungen SGB II {monat:%m/%Y} BG {nummer}"


def _e2e(monat: date, bg_id: int, richtung: str) -> str:
    return f"SGB2-{monat:%Y%m}-{bg_id}-{'V' if richtung == Zahlung.Empfaenger.VERMIETER else 'B'}"


def _geld(betrag: Decimal | None) -> str:
    return str((betrag or NULL).quantize(Decimal("0.01")))


def zahllauf_bericht(zahllauf: Zahllauf) -> dict:
    """Counts and sums of the run by kind and payee; `abgestimmt` says whether ledger and payments agree."""
    buchungen = Buchung.objects.filter(zahlung__zahllauf=zahllauf)
    nach_art = {
        zeile["art"]: {"anzahl": zeile["anzahl"], "summe": _geld(zeile["summe"])}
        for zeile in buchungen.values("art").annotate(anzahl=Count("pk"), summe=Sum("betrag")).order_by("art")
    }
    zahlungen = Zahlung.objects.filter(zahllauf=zahllauf)
    nach_empfaenger = {
        zeile["empfaenger"]: {"anzahl": zeile["anzahl"], "summe": _geld(zeile["summe"])}
        for zeile in zahlungen.values("empfaenger").annotate(anzahl=Count("pk"), summe=Sum("betrag")).order_by(
            "empfaenger"
        )
    }
    summe_buchungen = buchungen.aggregate(s=Sum("betrag"))["s"] or NULL
    summe_zahlungen = zahlungen.aggregate(s=Sum("betrag"))["s"] or NULL
    ueberweisungen = zahlungen.filter(betrag__gt=0).aggregate(n=Count("pk"), s=Sum("betrag"))
    return {
        "zahlmonat": f"{zahllauf.zahlmonat:%Y-%m}",
        "ausfuehrungsdatum": f"{zahllauf.ausfuehrungsdatum:%Y-%m-%d}",
        "bedarfsgemeinschaften": zahlungen.values("bedarfsgemeinschaft_id").distinct().count(),
        "buchungen_nach_art": nach_art,
        "zahlungen_nach_empfaenger": nach_empfaenger,
        "summe_buchungen": _geld(summe_buchungen),
        "summe_zahlungen": _geld(summe_zahlungen),
        "ueberweisungen": ueberweisungen["n"],
        "summe_ueberweisungen": _geld(ueberweisungen["s"]),
        "ohne_ueberweisung": zahlungen.filter(betrag__lte=0).count(),
        # Compared in cents: SQLite sums decimals as binary floats.
        "abgestimmt": _geld(summe_buchungen) == _geld(summe_zahlungen),
    }


@transaction.atomic(durable=True)
def finish_zahllauf(zahllauf: Zahllauf) -> Zahllauf:
    """Reconcile, write and validate the SEPA files, file them with the report, close the run."""
    lauf = Zahllauf.objects.select_for_update().select_related("mandant").get(pk=zahllauf.pk)
    if lauf.status == Zahllauf.Status.ABGESCHLOSSEN:
        return lauf
    bericht = zahllauf_bericht(lauf)
    if not bericht["abgestimmt"]:
        raise ZahllaufFehler(
            f"Zahllauf {lauf.zahlmonat:%m/%Y}: Buchungen ({bericht['summe_buchungen']} €) und Zahlungen "
            f"({bericht['summe_zahlungen']} €) stimmen nicht überein. Es wurde keine Zahlungsdatei erzeugt."
        )
    mandant = lauf.mandant
    zahlungen = Zahlung.objects.filter(zahllauf=lauf, betrag__gt=0).order_by("pk").values_list(
        "name", "iban", "bic", "betrag", "verwendungszweck", "end_to_end_id"
    )
    dateien = []
    nummer, stapel = 0, []

    def ablegen(stapel: list[Ueberweisung], nummer: int) -> None:
        xml = build_pain001(mandant, lauf.ausfuehrungsdatum, stapel)
        dokument = store_dokument(
            mandant=mandant, inhalt=xml, dateiname=f"sepa_{lauf.zahlmonat:%Y-%m}_{nummer:02d}.xml",
            mime_type="application/xml", titel=f"SEPA-Überweisungen Zahllauf {lauf.zahlmonat:%m/%Y} ({nummer})",
            art=Dokument.Art.ZAHLUNGSDATEI, acting_user=lauf.gestartet_von,
        )
        dateien.append(Zahlungsdatei(
            zahllauf=lauf, nummer=nummer, dokument=dokument, anzahl=len(stapel), summe=sum((u.betrag for u in stapel), NULL)
        ))

    for zeile in zahlungen.iterator(chunk_size=10000):
        stapel.append(Ueberweisung(*zeile))
        if len(stapel) == SEPA_MAX_JE_DATEI:
            nummer += 1
            ablegen(stapel, nummer)
            stapel = []
    if stapel:
        nummer += 1
        ablegen(stapel, nummer)
    Zahlungsdatei.objects.bulk_create(dateien)
    bericht["dateien"] = [{"nummer": d.nummer, "anzahl": d.anzahl, "summe": _geld(d.summe), "sha256": d.dokument.sha256}
                          for d in dateien]
    bericht_dokument = store_dokument(
        mandant=mandant, inhalt=json.dumps(bericht, ensure_ascii=False, indent=2).encode(),
        dateiname=f"zahllauf_{lauf.zahlmonat:%Y-%m}_bericht.json", mime_type="application/json",
        titel=f"Laufbericht Zahllauf {lauf.zahlmonat:%m/%Y}", art=Dokument.Art.BERICHT, acting_user=lauf.gestartet_von,
    )
    lauf.bericht = bericht
    lauf.bericht_dokument = bericht_dokument
    lauf.status = Zahllauf.Status.ABGESCHLOSSEN
    lauf.beendet_am = timezone.now()
    lauf.save(update_fields=["bericht", "bericht_dokument", "status", "beendet_am"])
    record_event(
        AuditEvent.Typ.ZAHLLAUF_ABGESCHLOSSEN, acting_user=lauf.gestartet_von, mandant=mandant, objekt=lauf,
        details={k: bericht[k] for k in ("zahlmonat", "bedarfsgemeinschaften", "summe_zahlungen", "ueberweisungen")},
    )
    return lauf
