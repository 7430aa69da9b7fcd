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

import hashlib
import json
import queue
import re
import threading
from collections.abc import Callable, Iterable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db import connection, models, transaction
from django.db.models import Case, Count, Exists, OuterRef, Subquery, Sum, When
from django.utils import timezone

from vorort.akte.actions import store_dokument
from vorort.akte.models import Dokument
from vorort.core.audit import record_event
from vorort.core.exceptions import NotAllowed, require_permission
from vorort.core.models import AuditEvent, BackgroundJob, Mandant, User
from vorort.leistung.eingabe import monatsanfang, plus_monate
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


@dataclass
class Vorschau:
    """What the run for a month would book and pay if it started now; nothing is written.

    Sums come from the same lines `book_chunk` books (`offene_posten`), so a run started right after
    pays exactly this. `monate`: Leistungsmonat -> sum of its lines; `nachzahlungen`: payments that
    also pay earlier months, with the sum of those earlier lines; `fehlende_monate`: earlier months
    that had granted amounts but no finished run; `ohne_bewilligung`: BGs with open lines but no
    released grant (the run would stop with an error).
    """

    zahlmonat: date
    lauf: Zahllauf | None
    bedarfsgemeinschaften: int = 0
    zahlungen: int = 0
    ueberweisungen: int = 0
    summe_ueberweisungen: Decimal = NULL
    summe_zahlungen: Decimal = NULL
    monate: dict[date, Decimal] = field(default_factory=dict)
    nachzahlungen: int = 0
    summe_nachzahlungen: Decimal = NULL
    fehlende_monate: list[date] = field(default_factory=list)
    ohne_bewilligung: list[int] = field(default_factory=list)

    @property
    def ohne_ueberweisung(self) -> int:
        return self.zahlungen - self.ueberweisungen

    @property
    def pruefwert(self) -> str:
        """A stamp of the numbers; the start is refused when they changed after the preview was shown."""
        zahlen = (
            f"{self.zahlmonat:%Y-%m}",
            self.zahlungen,
            self.ueberweisungen,
            _geld(self.summe_zahlungen),
            self.nachzahlungen,
            _geld(self.summe_nachzahlungen),
            sorted((f"{m:%Y-%m}", _geld(b)) for m, b in self.monate.items()),
        )
        return hashlib.sha256(repr(zahlen).encode()).hexdigest()[:16]


def preview_zahllauf(mandant: Mandant, zahlmonat: date, *, acting_user: User, chunk: int = CHUNK) -> Vorschau:
    """Sum what the run for `zahlmonat` would pay now, chunk by chunk as the run walks the BGs (read only)."""
    require_permission(acting_user, "leistung.run_zahllauf", "einen Zahllauf zu starten")
    if acting_user.mandant_id != mandant.pk:
        raise NotAllowed("Zahlläufe anderer Jobcenter können nicht gestartet werden.")
    monat = monatsanfang(zahlmonat)
    vorschau = Vorschau(
        zahlmonat=monat,
        lauf=Zahllauf.objects.filter(mandant=mandant, zahlmonat=monat).first(),
        fehlende_monate=fehlende_monate(mandant.pk, monat),
        ohne_bewilligung=_bgs_ohne_bewilligung(mandant.pk, monat),
    )
    bgs: set[int] = set()
    nach = 0
    while bg_ids := naechste_bgs(mandant.pk, monat, nach=nach, anzahl=chunk):
        posten = offene_posten(mandant.pk, monat, nach=nach, bis=bg_ids[-1])
        nach = bg_ids[-1]
        for (bg_id, _richtung), summe in posten.summen.items():
            bgs.add(bg_id)
            vorschau.zahlungen += 1
            vorschau.summe_zahlungen += summe
            if summe > 0:
                vorschau.ueberweisungen += 1
                vorschau.summe_ueberweisungen += summe
        vorschau.nachzahlungen += sum(1 for monate in posten.monate.values() if min(monate) < monat)
        for zeile in posten.neue:
            lmonat, betrag = zeile[2], zeile[4]
            vorschau.monate[lmonat] = vorschau.monate.get(lmonat, NULL) + betrag
        for lmonat, betrag in posten.alte:
            vorschau.monate[lmonat] = vorschau.monate.get(lmonat, NULL) + betrag
    vorschau.monate = dict(sorted(vorschau.monate.items()))
    vorschau.summe_nachzahlungen = sum((b for m, b in vorschau.monate.items() if m < monat), NULL)
    vorschau.bedarfsgemeinschaften = len(bgs)
    return vorschau


class StartNichtBestaetigt(Exception):
    """Not started: the numbers changed or a warning was not confirmed; carries the new preview."""

    def __init__(self, vorschau: Vorschau, meldung: str, feld: str | None = None) -> None:
        self.vorschau, self.feld = vorschau, feld
        super().__init__(meldung)


def start_after_preview(
    mandant: Mandant, zahlmonat: date, *, pruefwert: str, fehlende_bestaetigt: bool, acting_user: User
) -> tuple[Zahllauf, bool]:
    """Start the run the user confirmed: only if the numbers still are those of the preview shown.

    Earlier months without a run must be confirmed (`fehlende_bestaetigt`), since this run pays them
    as back payments; with BGs the run cannot pay, it is not started at all.
    """
    vorschau = preview_zahllauf(mandant, zahlmonat, acting_user=acting_user)
    if vorschau.pruefwert != pruefwert:
        raise StartNichtBestaetigt(
            vorschau,
            "Seit der Vorschau haben sich die Zahlen geändert (z. B. durch eine neue Freigabe). "
            "Bitte prüfen Sie die aktuelle Vorschau und bestätigen Sie erneut.",
        )
    if vorschau.ohne_bewilligung:
        raise StartNichtBestaetigt(vorschau, "Der Zahllauf kann so nicht gestartet werden (siehe Hinweis).")
    if vorschau.fehlende_monate and not fehlende_bestaetigt:
        raise StartNichtBestaetigt(
            vorschau,
            "Bitte bestätigen Sie, dass die Monate ohne Zahllauf mit diesem Lauf nachgezahlt werden sollen.",
            feld="fehlende_bestaetigt",
        )
    return start_zahllauf(mandant, vorschau.zahlmonat, acting_user=acting_user)


def fehlende_monate(mandant_id: int, zahlmonat: date) -> list[date]:
    """Months before `zahlmonat` with a released grant but no finished run (since the first run, if any).

    Their amounts are still open, so the run for `zahlmonat` pays them as back payments.
    """
    laeufe = set(
        Zahllauf.objects.filter(
            mandant_id=mandant_id, status=Zahllauf.Status.ABGESCHLOSSEN, zahlmonat__lt=zahlmonat
        ).values_list("zahlmonat", flat=True)
    )
    ab = min(laeufe, default=date.min)
    faellig: set[date] = set()
    zeitraeume = (
        Bewilligung.objects.filter(
            mandant_id=mandant_id, status=Bewilligung.Status.BEWILLIGT, von__lt=zahlmonat, bis__gte=ab
        )
        .values_list("von", "bis")
        .distinct()
    )
    for von, bis in zeitraeume:
        monat = max(monatsanfang(von), ab)
        while monat < zahlmonat and monat <= bis:
            faellig.add(monat)
            monat = plus_monate(monat, 1)
    return sorted(faellig - laeufe)


def _bgs_ohne_bewilligung(mandant_id: int, zahlmonat: date) -> list[int]:
    """Up to ten BGs with open due ledger lines but no released grant: the run cannot pay them."""
    return list(
        Buchung.objects.filter(mandant_id=mandant_id, zahlung__isnull=True, leistungsmonat__lte=zahlmonat)
        .exclude(
            bedarfsgemeinschaft_id__in=_bewilligte(mandant_id, zahlmonat).values("bedarfsgemeinschaft_id")
        )
        .order_by("bedarfsgemeinschaft_id")
        .values_list("bedarfsgemeinschaft_id", flat=True)
        .distinct()[:10]
    )


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


@dataclass
class Posten:
    """What a run pays for a range of BGs: its new ledger lines and one sum per BG and payee.

    `neue`: (BG id, person id, Leistungsmonat, Art, Betrag, Leistungsbetrag id, payee) per line to book;
    `summen` and `monate`: per (BG id, payee) the amount of its Zahlung and the Leistungsmonate it pays
    (older open ledger lines included); `alte`: (Leistungsmonat, Betrag) of those older lines,
    `letzte_alte`: the highest id among them.
    """

    neue: list[tuple] = field(default_factory=list)
    summen: dict[tuple[int, str], Decimal] = field(default_factory=dict)
    monate: dict[tuple[int, str], set[date]] = field(default_factory=dict)
    alte: list[tuple[date, Decimal]] = field(default_factory=list)
    letzte_alte: int = 0


def offene_posten(mandant_id: int, monat: date, *, nach: int, bis: int) -> Posten:
    """The open lines the run for `monat` pays to the BGs with ids in (nach, bis], in two queries.

    Unbooked due Leistungsbeträge of BGs not yet paid this month, and the BGs' older open ledger lines.
    `book_chunk` books exactly these; `preview_zahllauf` sums them without writing.
    """
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
    posten = Posten()
    neue, summen, monate = posten.neue, posten.summen, posten.monate
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
            monate.setdefault(key, set()).add(lmonat)
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
        .values_list("pk", "bedarfsgemeinschaft_id", "art", "betrag", "leistungsmonat")
    )
    for pk, bg_id, art, betrag, lmonat in offene_alte:
        key = (bg_id, vermieter if art == Buchung.Art.KDU_VERMIETER else bg)
        summen[key] = summen.get(key, NULL) + betrag
        monate.setdefault(key, set()).add(lmonat)
        posten.alte.append((lmonat, betrag))
        posten.letzte_alte = max(posten.letzte_alte, pk)
    return posten


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
    posten = offene_posten(mandant_id, monat, nach=nach, bis=bis)
    neue, summen, letzte_alte = posten.neue, posten.summen, posten.letzte_alte
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
        if richtung == Zahlung.Empfaenger.VERMIETER:
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
                verwendungszweck(monat, nummer, richtung, posten.monate[(bg_id, richtung)]),
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


#: Outside SEPA's character set for texts (EPC: Latin letters, digits and / - ? : ( ) . , ' + space).
NICHT_SEPA = re.compile(r"[^A-Za-z0-9/\-?:().,'+ ]")
SEPA_TEXT_MAX = 140


def monatsbereiche(monate: Iterable[date]) -> list[tuple[date, date]]:
    """Runs of consecutive months, e.g. Jan, Feb, Mar, May -> [(Jan, Mar), (May, May)]."""
    bereiche: list[tuple[date, date]] = []
    for monat in sorted(set(monate)):
        if bereiche and plus_monate(bereiche[-1][1], 1) == monat:
            bereiche[-1] = (bereiche[-1][0], monat)
        else:
            bereiche.append((monat, monat))
    return bereiche


def verwendungszweck(monat: date, nummer: str, richtung: str, monate: Iterable[date] = ()) -> str:
    """The transfer text: payee's purpose, Zahlmonat and BG, and the earlier months a back payment covers.

    Within SEPA's 140 characters and character set: months of a back payment are named as runs
    ("Nachzahlung 09/2026-11/2026, 02/2027"); when the runs do not fit, their first and last month and
    their number.
    """
    if richtung == Zahlung.Empfaenger.VERMIETER:
        text = f"Miete {monat:%m/%Y} fuer BG {nummer} (Jobcenter, Par. 22 Abs. 7 SGB II)"
    else:
        text = f"Leistungen SGB II {monat:%m/%Y} BG {nummer}"
    frueher = sorted(m for m in set(monate) if m < monat)
    if frueher:
        bereiche = ", ".join(
            f"{von:%m/%Y}" if von == bis else f"{von:%m/%Y}-{bis:%m/%Y}"
            for von, bis in monatsbereiche(frueher)
        )
        zusatz = f" Nachzahlung {bereiche}"
        if len(text) + len(zusatz) > SEPA_TEXT_MAX:
            zusatz = f" Nachzahlung {len(frueher)} Monate {frueher[0]:%m/%Y}-{frueher[-1]:%m/%Y}"
        text += zusatz
    return NICHT_SEPA.sub("", text)[:SEPA_TEXT_MAX]


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
    nachgezahlt = buchungen.filter(leistungsmonat__lt=zahllauf.zahlmonat)
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
        # Payments that also pay earlier months (back payments), and the sum of those months' lines.
        "nachzahlungen": nachgezahlt.values("zahlung_id").distinct().count(),
        "summe_nachzahlungen": _geld(nachgezahlt.aggregate(s=Sum("betrag"))["s"]),
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
    verwaist = _bgs_ohne_bewilligung(lauf.mandant_id, lauf.zahlmonat)
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
