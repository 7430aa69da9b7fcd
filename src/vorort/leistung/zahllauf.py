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
import queue
import threading
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from datetime import date, timedelta
from decimal import Decimal

from django.db import connection, models, transaction
from django.db.models import Case, Count, Exists, OuterRef, Subquery, Sum, When
from django.utils import timezone

from vorort.akte.actions import store_dokument
from vorort.akte.models import Dokument
from vorort.core.audit import record_event
from vorort.core.exceptions import NotAllowed
from vorort.core.models import AuditEvent, BackgroundJob, Mandant, User
from vorort.leistung.eingabe import monatsanfang
from vorort.leistung.models import (
    NULL,
    Bewilligung,
    Buchung,
    Leistungsbetrag,
    Zahllauf,
    Zahlung,
    Zahlungsdatei,
)
from vorort.leistung.sepa import Ueberweisung, build_pain001

CHUNK = 10_000
ARBEITER = 2
SEPA_MAX_JE_DATEI = 100_000
JOB_ART = "zahllauf"
BUCHUNG_SPALTEN = (
    "mandant_id",
    "bedarfsgemeinschaft_id",
    "person_id",
    "leistungsmonat",
    "art",
    "betrag",
    "leistungsbetrag_id",
    "zahlung_id",
    "gebucht_am",
)
ZAHLUNG_SPALTEN = (
    "mandant_id",
    "zahllauf_id",
    "bedarfsgemeinschaft_id",
    "zahlmonat",
    "empfaenger",
    "name",
    "iban",
    "bic",
    "betrag",
    "verwendungszweck",
    "end_to_end_id",
)


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


def _bewilligte(mandant_id: int, zahlmonat: date):
    """Released Bewilligungen that started by `zahlmonat`: the BGs a run looks at, and their bank details."""
    return Bewilligung.objects.filter(
        mandant_id=mandant_id, status=Bewilligung.Status.BEWILLIGT, von__lte=zahlmonat
    )


def naechste_bgs(mandant_id: int, zahlmonat: date, *, nach: int, anzahl: int) -> list[int]:
    """The next `anzahl` BG ids above `nach` with a released Bewilligung (keyset pagination, one query)."""
    return list(
        _bewilligte(mandant_id, zahlmonat)
        .filter(bedarfsgemeinschaft_id__gt=nach)
        .order_by("bedarfsgemeinschaft_id")
        .values_list("bedarfsgemeinschaft_id", flat=True)
        .distinct()[:anzahl]
    )


def _einfuegen(model: type[models.Model], spalten: Sequence[str], zeilen: list[tuple]) -> None:
    """Insert rows as one statement: COPY on PostgreSQL, one executemany elsewhere (SQLite).

    No model instances and no per-row SQL compilation. The statement is logged like every other
    query, so `django_assert_num_queries` counts it.
    """
    if not zeilen:
        return
    meta = model._meta
    felder = [meta.get_field(spalte) for spalte in spalten]
    liste = ", ".join(connection.ops.quote_name(f.column) for f in felder)
    tabelle = connection.ops.quote_name(meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sql = f"COPY {tabelle} ({liste}) FROM STDIN"
            protokoll = cursor.debug_sql(sql) if hasattr(cursor, "debug_sql") else nullcontext()
            with protokoll, cursor.cursor.copy(sql) as copy:
                for zeile in zeilen:
                    copy.write_row(zeile)
            return
        platzhalter = ", ".join(["%s"] * len(felder))
        vorbereitet = [
            tuple(f.get_db_prep_save(wert, connection) for f, wert in zip(felder, zeile, strict=True))
            for zeile in zeilen
        ]
        cursor.executemany(f"INSERT INTO {tabelle} ({liste}) VALUES ({platzhalter})", vorbereitet)


@transaction.atomic(durable=True)
def start_zahllauf(
    mandant: Mandant,
    zahlmonat: date,
    *,
    acting_user: User | None,
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
        mandant=mandant,
        art=JOB_ART,
        ausloeser=ausloeser,
        erstellt_von=acting_user,
        eingabe={"zahlmonat": f"{zahlmonat:%Y-%m}"},
    )
    zahllauf = Zahllauf.objects.create(
        mandant=mandant,
        zahlmonat=zahlmonat,
        ausfuehrungsdatum=ausfuehrungsdatum_fuer(zahlmonat),
        job=job,
        gestartet_von=acting_user,
    )
    job.eingabe["zahllauf_id"] = zahllauf.pk
    job.save(update_fields=["eingabe"])
    record_event(
        AuditEvent.Typ.ZAHLLAUF_GESTARTET,
        acting_user=acting_user,
        mandant=mandant,
        objekt=zahllauf,
        details={"zahlmonat": f"{zahlmonat:%Y-%m}", "ausloeser": ausloeser},
    )
    return zahllauf, True


def arbeiter_fuer(gewuenscht: int) -> int:
    """Chunks booked at once: parallel connections on PostgreSQL; SQLite has one writer, so one."""
    return max(1, gewuenscht) if connection.vendor == "postgresql" else 1


def run_zahllauf(
    zahllauf: Zahllauf,
    *,
    chunk: int = CHUNK,
    arbeiter: int = 1,
    fortschritt: Callable[[int, int], None] | None = None,
) -> Zahllauf:
    """Book and pay every due BG in chunks of BG ids, then finish the run; resumes where a crash stopped it.

    A resumed run walks all BGs again: chunks that were committed find nothing open and write nothing.
    With `arbeiter` > 1 (PostgreSQL only), that many chunks are booked at once, each on its own
    connection in its own transaction; the server's work per row (foreign-key checks at commit,
    index maintenance) then uses both cores (decision 0421).
    """
    zahllauf.refresh_from_db()
    if zahllauf.status == Zahllauf.Status.ABGESCHLOSSEN:
        return zahllauf
    job = zahllauf.job
    mandant_id, monat = zahllauf.mandant_id, zahllauf.zahlmonat
    job.gesamt = _bewilligte(mandant_id, monat).values("bedarfsgemeinschaft_id").distinct().count()
    job.fortschritt = 0
    job.save(update_fields=["gesamt", "fortschritt"])
    sperre = threading.Lock()

    def erledigt(anzahl: int) -> None:
        with sperre:
            job.fortschritt += anzahl
            BackgroundJob.objects.filter(pk=job.pk).update(fortschritt=job.fortschritt)
            if fortschritt is not None:
                fortschritt(job.fortschritt, job.gesamt)

    def bereiche():
        nach = 0
        while bg_ids := naechste_bgs(mandant_id, monat, nach=nach, anzahl=chunk):
            yield nach, bg_ids[-1], len(bg_ids)
            nach = bg_ids[-1]

    with job.running():
        anzahl_arbeiter = arbeiter_fuer(arbeiter)
        if anzahl_arbeiter == 1:
            for nach, bis, anzahl in bereiche():
                book_chunk(zahllauf, nach=nach, bis=bis)
                erledigt(anzahl)
        else:
            _parallel_buchen(zahllauf, bereiche(), anzahl_arbeiter, erledigt)
        zahllauf = finish_zahllauf(zahllauf)
        job.ergebnis = zahllauf.bericht
    return zahllauf


def _parallel_buchen(zahllauf: Zahllauf, bereiche, arbeiter: int, erledigt: Callable[[int], None]) -> None:
    """Book the ranges with `arbeiter` threads, each with its own connection; re-raise the first error."""
    auftraege: queue.Queue = queue.Queue(maxsize=2 * arbeiter)
    fehler: list[BaseException] = []

    def arbeite() -> None:
        try:
            while (auftrag := auftraege.get()) is not None:
                if fehler:
                    continue
                nach, bis, anzahl = auftrag
                try:
                    book_chunk(zahllauf, nach=nach, bis=bis)
                    erledigt(anzahl)
                except BaseException as exc:
                    fehler.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=arbeite, name=f"zahllauf-{i}") for i in range(arbeiter)]
    for thread in threads:
        thread.start()
    try:
        for bereich in bereiche:
            if fehler:
                break
            auftraege.put(bereich)
    finally:
        for _thread in threads:
            auftraege.put(None)
        for thread in threads:
            thread.join()
    if fehler:
        raise fehler[0]


def _sperren(zahllauf_id: int) -> Zahllauf:
    """Lock the run for a chunk: shared with other chunks, exclusive against `finish_zahllauf` (FOR UPDATE).

    SQLite has no row locks; its IMMEDIATE transactions serialise all writers.
    """
    if connection.vendor == "postgresql":
        tabelle = connection.ops.quote_name(Zahllauf._meta.db_table)
        return Zahllauf.objects.raw(f"SELECT * FROM {tabelle} WHERE id = %s FOR SHARE", [zahllauf_id])[0]
    return Zahllauf.objects.get(pk=zahllauf_id)


def _empfaenger_je_bg(mandant_id: int, monat: date, nach: int, bis: int) -> dict[int, tuple]:
    """BG id -> (nummer, name, IBAN, BIC, landlord's name, IBAN, BIC) of its latest released Bewilligung."""
    empfaenger: dict[int, tuple] = {}
    zeilen = (
        _bewilligte(mandant_id, monat)
        .filter(bedarfsgemeinschaft_id__gt=nach, bedarfsgemeinschaft_id__lte=bis)
        .order_by("bedarfsgemeinschaft_id", "-von", "-pk")
        .values_list(
            "bedarfsgemeinschaft_id",
            "bedarfsgemeinschaft__nummer",
            "empfaenger_name",
            "empfaenger_iban",
            "empfaenger_bic",
            "vermieter_name",
            "vermieter_iban",
            "vermieter_bic",
        )
    )
    for bg_id, *daten in zeilen:
        empfaenger.setdefault(bg_id, tuple(daten))
    return empfaenger


@transaction.atomic(durable=True)
def book_chunk(zahllauf: Zahllauf, *, nach: int, bis: int) -> int:
    """Book the open lines of the BGs with ids in (nach, bis] and create their Zahlungen; return their number.

    Set-based: the number of queries does not depend on the number of BGs (STYLE §3.4):
    lock the run (shared with other chunks); unbooked due Leistungsbeträge of BGs not yet paid this
    month; open older ledger lines of those BGs; bank details; insert Zahlungen (COPY on PostgreSQL);
    read their ids; insert Buchungen (COPY); and, only when there were older open lines, one UPDATE
    linking them.
    """
    lauf = _sperren(zahllauf.pk)
    if lauf.status == Zahllauf.Status.ABGESCHLOSSEN:
        return 0
    monat, mandant_id = lauf.zahlmonat, lauf.mandant_id
    schon_bezahlt = Zahlung.objects.filter(
        bedarfsgemeinschaft_id=OuterRef("bedarfsgemeinschaft_id"), zahlmonat=monat
    )
    betraege = (
        Leistungsbetrag.objects.filter(
            bewilligung__mandant_id=mandant_id,
            bewilligung__status=Bewilligung.Status.BEWILLIGT,
            bewilligung__bedarfsgemeinschaft_id__gt=nach,
            bewilligung__bedarfsgemeinschaft_id__lte=bis,
            monat__lte=monat,
        )
        .filter(~Exists(Buchung.objects.filter(leistungsbetrag_id=OuterRef("pk"))))
        .filter(
            ~Exists(
                Zahlung.objects.filter(
                    bedarfsgemeinschaft_id=OuterRef("bewilligung__bedarfsgemeinschaft_id"), zahlmonat=monat
                )
            )
        )
        .order_by()
        .values_list(
            "pk",
            "person_id",
            "monat",
            "auszahlung_regelbedarf",
            "auszahlung_mehrbedarf",
            "auszahlung_kdu",
            "bewilligung__bedarfsgemeinschaft_id",
            "bewilligung__kdu_an_vermieter",
        )
    )
    bg, vermieter = Zahlung.Empfaenger.BG, Zahlung.Empfaenger.VERMIETER
    neue: list[tuple] = []
    summen: dict[tuple[int, str], Decimal] = {}
    for pk, person_id, lmonat, regel, mehr, kdu, bg_id, an_vermieter in betraege:
        zeilen = [(Buchung.Art.REGELBEDARF, regel, bg)]
        if mehr:
            zeilen.append((Buchung.Art.MEHRBEDARF, mehr, bg))
        if kdu and an_vermieter:
            zeilen.append((Buchung.Art.KDU_VERMIETER, kdu, vermieter))
        elif kdu:
            zeilen.append((Buchung.Art.KDU, kdu, bg))
        for art, betrag, richtung in zeilen:
            key = (bg_id, richtung)
            summen[key] = summen.get(key, NULL) + betrag
            neue.append((bg_id, person_id, lmonat, art, betrag, pk, richtung))
    offene_alte = (
        Buchung.objects.filter(
            mandant_id=mandant_id,
            bedarfsgemeinschaft_id__gt=nach,
            bedarfsgemeinschaft_id__lte=bis,
            zahlung__isnull=True,
            leistungsmonat__lte=monat,
        )
        .filter(~Exists(schon_bezahlt))
        .order_by()
        .values_list("pk", "bedarfsgemeinschaft_id", "art", "betrag")
    )
    letzte_alte = 0
    for pk, bg_id, art, betrag in offene_alte:
        key = (bg_id, vermieter if art == Buchung.Art.KDU_VERMIETER else bg)
        summen[key] = summen.get(key, NULL) + betrag
        letzte_alte = max(letzte_alte, pk)
    if not summen:
        return 0
    empfaenger = _empfaenger_je_bg(mandant_id, monat, nach, bis)
    zahlungen = []
    for bg_id, richtung in sorted(summen):
        if bg_id not in empfaenger:
            raise ZahllaufFehler(
                f"Für die BG {bg_id} gibt es offene Buchungen, aber keine Bewilligung mit Bankverbindung."
            )
        nummer, name, iban, bic, v_name, v_iban, v_bic = empfaenger[bg_id]
        if richtung == vermieter:
            name, iban, bic = v_name, v_iban, v_bic
        zahlungen.append(
            (
                mandant_id,
                lauf.pk,
                bg_id,
                monat,
                richtung,
                name,
                iban,
                bic,
                summen[(bg_id, richtung)],
                _verwendungszweck(monat, nummer, richtung),
                _e2e(monat, bg_id, richtung),
            )
        )
    _einfuegen(Zahlung, ZAHLUNG_SPALTEN, zahlungen)
    zahlung_id = {
        (bg_id, richtung): pk
        for pk, bg_id, richtung in Zahlung.objects.filter(
            zahlmonat=monat, bedarfsgemeinschaft_id__gt=nach, bedarfsgemeinschaft_id__lte=bis
        ).values_list("pk", "bedarfsgemeinschaft_id", "empfaenger")
    }
    jetzt = timezone.now()
    _einfuegen(
        Buchung,
        BUCHUNG_SPALTEN,
        [
            (mandant_id, bg_id, person_id, lmonat, art, betrag, pk, zahlung_id[(bg_id, richtung)], jetzt)
            for bg_id, person_id, lmonat, art, betrag, pk, richtung in neue
        ],
    )
    if letzte_alte:
        _link_open_lines(
            lauf, nach=nach, bis=bis, letzte=letzte_alte, neue_ab=min(zahlung_id[key] for key in summen)
        )
    return len(zahlungen)


def _link_open_lines(lauf: Zahllauf, *, nach: int, bis: int, letzte: int, neue_ab: int) -> None:
    """Link the older open lines of the BGs paid by this chunk to their new Zahlung (one UPDATE).

    Only BGs whose Zahlung was created in this chunk (id >= `neue_ab`) are linked; a line added
    after a BG was paid this month stays open for the next run. `letzte` bounds the lines to those
    read when the sums were computed.
    """
    neue = Zahlung.objects.filter(
        zahllauf_id=lauf.pk, pk__gte=neue_ab, bedarfsgemeinschaft_id=OuterRef("bedarfsgemeinschaft_id")
    )
    Buchung.objects.filter(
        mandant_id=lauf.mandant_id,
        bedarfsgemeinschaft_id__gt=nach,
        bedarfsgemeinschaft_id__lte=bis,
        zahlung__isnull=True,
        leistungsmonat__lte=lauf.zahlmonat,
        pk__lte=letzte,
        bedarfsgemeinschaft_id__in=Zahlung.objects.filter(
            zahllauf_id=lauf.pk,
            pk__gte=neue_ab,
            bedarfsgemeinschaft_id__gt=nach,
            bedarfsgemeinschaft_id__lte=bis,
        ).values("bedarfsgemeinschaft_id"),
    ).update(
        zahlung_id=Case(
            When(
                art=Buchung.Art.KDU_VERMIETER,
                then=Subquery(neue.filter(empfaenger=Zahlung.Empfaenger.VERMIETER).values("pk")[:1]),
            ),
            default=Subquery(neue.filter(empfaenger=Zahlung.Empfaenger.BG).values("pk")[:1]),
        )
    )


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
        for zeile in zahlungen.values("empfaenger")
        .annotate(anzahl=Count("pk"), summe=Sum("betrag"))
        .order_by("empfaenger")
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
    verwaist = list(
        Buchung.objects.filter(
            mandant_id=lauf.mandant_id, zahlung__isnull=True, leistungsmonat__lte=lauf.zahlmonat
        )
        .exclude(
            bedarfsgemeinschaft_id__in=_bewilligte(lauf.mandant_id, lauf.zahlmonat).values(
                "bedarfsgemeinschaft_id"
            )
        )
        .order_by("bedarfsgemeinschaft_id")
        .values_list("bedarfsgemeinschaft_id", flat=True)
        .distinct()[:10]
    )
    if verwaist:
        raise ZahllaufFehler(
            f"Für die BG {', '.join(map(str, verwaist))} gibt es offene Buchungen, aber keine "
            "Bewilligung mit Bankverbindung. Es wurde keine Zahlungsdatei erzeugt."
        )
    mandant = lauf.mandant
    zahlungen = (
        Zahlung.objects.filter(zahllauf=lauf, betrag__gt=0)
        .order_by("pk")
        .values_list("name", "iban", "bic", "betrag", "verwendungszweck", "end_to_end_id")
    )
    dateien = []
    nummer, stapel = 0, []

    def ablegen(stapel: list[Ueberweisung], nummer: int) -> None:
        xml = build_pain001(mandant, lauf.ausfuehrungsdatum, stapel)
        dokument = store_dokument(
            mandant=mandant,
            inhalt=xml,
            dateiname=f"sepa_{lauf.zahlmonat:%Y-%m}_{nummer:02d}.xml",
            mime_type="application/xml",
            titel=f"SEPA-Überweisungen Zahllauf {lauf.zahlmonat:%m/%Y} ({nummer})",
            art=Dokument.Art.ZAHLUNGSDATEI,
            acting_user=lauf.gestartet_von,
        )
        dateien.append(
            Zahlungsdatei(
                zahllauf=lauf,
                nummer=nummer,
                dokument=dokument,
                anzahl=len(stapel),
                summe=sum((u.betrag for u in stapel), NULL),
            )
        )

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
    bericht["dateien"] = [
        {"nummer": d.nummer, "anzahl": d.anzahl, "summe": _geld(d.summe), "sha256": d.dokument.sha256}
        for d in dateien
    ]
    bericht_dokument = store_dokument(
        mandant=mandant,
        inhalt=json.dumps(bericht, ensure_ascii=False, indent=2).encode(),
        dateiname=f"zahllauf_{lauf.zahlmonat:%Y-%m}_bericht.json",
        mime_type="application/json",
        titel=f"Laufbericht Zahllauf {lauf.zahlmonat:%m/%Y}",
        art=Dokument.Art.BERICHT,
        acting_user=lauf.gestartet_von,
    )
    lauf.bericht = bericht
    lauf.bericht_dokument = bericht_dokument
    lauf.status = Zahllauf.Status.ABGESCHLOSSEN
    lauf.beendet_am = timezone.now()
    lauf.save(update_fields=["bericht", "bericht_dokument", "status", "beendet_am"])
    record_event(
        AuditEvent.Typ.ZAHLLAUF_ABGESCHLOSSEN,
        acting_user=lauf.gestartet_von,
        mandant=mandant,
        objekt=lauf,
        details={
            k: bericht[k] for k in ("zahlmonat", "bedarfsgemeinschaften", "summe_zahlungen", "ueberweisungen")
        },
    )
    return lauf
