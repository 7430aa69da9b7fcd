"""Every state change of an Antrag, Berechnung, Bewilligung and letter: one function each.

Each entry point checks the permission and state, writes, and records its audit event in one
durable transaction (STYLE §3.1). The payment run has its own module, `leistung.zahllauf`.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from vorort import recht
from vorort.akte.actions import store_dokument
from vorort.akte.models import Dokument
from vorort.core.audit import record_event
from vorort.core.exceptions import InvalidTransition, NotAllowed, require_permission
from vorort.core.models import AuditEvent, Rolle, User
from vorort.leistung.eingabe import (
    aufteilen,
    monat_key,
    monate,
    monatsanfang,
    monatsende,
    plus_monate,
    rechtsstand,
    runde,
    zeilen_fuer_monat,
)
from vorort.leistung.models import (
    ANTRAG_FAKTEN,
    FREIGABE_ROLLE,
    NULL,
    Antrag,
    AntragPerson,
    Berechnung,
    Bewilligung,
    Einkommen,
    LeistungEinstellungen,
    Leistungsbetrag,
    Schreiben,
    Unterlage,
    VierAugenGrund,
)
from vorort.personen.actions import start_leistungsbezug
from vorort.personen.gemeinden import ags_fuer_anschrift
from vorort.personen.models import Bankverbindung, Bedarfsgemeinschaft, Person
from vorort.personen.models import Rolle as BgRolle
from vorort.personen.validators import normalize_iban, validate_iban

#: Bewilligungszeitraum in months (§ 41 Abs. 3 SGB II; § 41a: provisional decisions 6 months).
logger = logging.getLogger(__name__)

MONATE_REGULAER = 12
MONATE_VORLAEUFIG = 6


class AntragKonflikt(Exception):
    """Someone else saved the Antrag after the form was opened (optimistic locking)."""


def _euro(betrag: Decimal) -> str:
    text = f"{betrag:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")
    return f"{text} €"


# --- Antrag -------------------------------------------------------------------------------

_GELDFELDER_ANTRAG = {"kaltmiete_m": "Die Bruttokaltmiete", "heizkosten_m": "Die Heizkosten"}
ANTRAG_FELDER = set(ANTRAG_FAKTEN)
PERSON_FELDER = {
    "alleinerziehend",
    "schueler_student_azubi",
    "schwanger_ab_13_woche",
    "mehrbedarf_behinderung",
    "mehrbedarf_ernaehrung_m",
    "mehrbedarf_unabweisbar_m",
    "vermoegen",
}


def check_antrag_fakten(werte: dict, *, heute: date | None = None) -> None:
    """Refuse implausible household facts with a German message next to the field."""
    heute = heute or timezone.localdate()
    fehler: dict[str, str] = {}
    for feld, name in _GELDFELDER_ANTRAG.items():
        if feld in werte and werte[feld] is not None and Decimal(werte[feld]) < 0:
            fehler[feld] = f"{name} darf nicht negativ sein (eingegeben: {_euro(Decimal(werte[feld]))})."
    if werte.get("wohnflaeche_m2") is not None and Decimal(werte["wohnflaeche_m2"]) <= 0:
        fehler["wohnflaeche_m2"] = "Die Wohnfläche muss größer als 0 m² sein."
    if werte.get("antragsdatum") and werte["antragsdatum"] > heute:
        fehler["antragsdatum"] = "Das Antragsdatum liegt in der Zukunft. Bitte das Eingangsdatum eintragen."
    if werte.get("antragsdatum") and werte.get("leistungsbeginn"):
        if werte["leistungsbeginn"] < monatsanfang(werte["antragsdatum"]):
            fehler["leistungsbeginn"] = (
                "Der Leistungsbeginn liegt vor dem Antragsmonat. Der Antrag wirkt frühestens auf den Ersten "
                "des Antragsmonats zurück (§ 37 Abs. 2 SGB II)."
            )
    for feld in ("iban", "vermieter_iban"):
        if werte.get(feld):
            werte[feld] = normalize_iban(werte[feld])
            try:
                validate_iban(werte[feld])
            except ValidationError as exc:
                fehler[feld] = exc.messages[0]
    if werte.get("kdu_an_vermieter") and not (werte.get("vermieter_name") and werte.get("vermieter_iban")):
        fehler.setdefault(
            "vermieter_iban",
            "Für die Direktzahlung an die Vermieterin oder den Vermieter (§ 22 Abs. 7 SGB II) "
            "werden Name und IBAN gebraucht.",
        )
    if werte.get("vorlaeufig") and not werte.get("vorlaeufig_grund"):
        fehler["vorlaeufig_grund"] = (
            "Bitte den Grund der vorläufigen Entscheidung nennen (§ 41a Abs. 1 SGB II)."
        )
    if fehler:
        raise ValidationError(fehler)


def _default_iban(person: Person, stichtag: date) -> Bankverbindung | None:
    return person.bankverbindungen.gueltig_am(stichtag).order_by("-gueltig_ab").first()


@transaction.atomic(durable=True)
def create_antrag(
    bg: Bedarfsgemeinschaft,
    *,
    acting_user: User,
    antragsdatum: date,
    leistungsbeginn: date | None = None,
    art: Antrag.Art = Antrag.Art.ERSTANTRAG,
    **fakten,
) -> Antrag:
    """Open an Antrag for the BG with its current members and the household's known facts."""
    require_permission(acting_user, "leistung.add_antrag", "Anträge aufzunehmen")
    if bg.mandant_id != acting_user.mandant_id:
        raise NotAllowed("Diese Bedarfsgemeinschaft gehört zu einem anderen Jobcenter.")
    haushalt = bg.haushalt
    werte = {
        "antragsdatum": antragsdatum,
        "leistungsbeginn": leistungsbeginn or monatsanfang(antragsdatum),
        "gemeinde_ags": ags_fuer_anschrift(bg.mandant_id, haushalt.plz, haushalt.gemeinde_ags),
        "wohnflaeche_m2": haushalt.wohnflaeche_m2,
        "kaltmiete_m": haushalt.bruttokaltmiete_m if haushalt.bruttokaltmiete_m is not None else NULL,
        "heizkosten_m": haushalt.heizkosten_m if haushalt.heizkosten_m is not None else NULL,
        "warmwasser_dezentral": haushalt.warmwasser_dezentral,
        **fakten,
    }
    unbekannt = set(werte) - ANTRAG_FELDER
    if unbekannt:
        raise TypeError(f"unknown Antrag fields: {sorted(unbekannt)}")
    mitglieder = list(bg.mitgliedschaften.gueltig_am(werte["leistungsbeginn"]).select_related("person"))
    if not mitglieder:
        raise ValidationError("Die Bedarfsgemeinschaft hat zum Leistungsbeginn keine Mitglieder.")
    antragsteller = next(
        (m.person for m in mitglieder if m.rolle == BgRolle.ANTRAGSTELLER), mitglieder[0].person
    )
    konto = _default_iban(antragsteller, werte["leistungsbeginn"])
    if konto is not None and not werte.get("iban"):
        werte.update(iban=konto.iban, bic=konto.bic, kontoinhaber=konto.kontoinhaber)
    werte.setdefault("kontoinhaber", antragsteller.name)
    check_antrag_fakten(werte)
    for m in mitglieder:
        if m.person.geburtsdatum > timezone.localdate():
            raise ValidationError(
                f"Das Geburtsdatum von {m.person.name} ({m.person.geburtsdatum:%d.%m.%Y}) liegt in der Zukunft. "
                "Bitte im Personenstamm korrigieren."
            )
    antrag = Antrag.objects.create(
        mandant_id=bg.mandant_id, bedarfsgemeinschaft=bg, art=art, erstellt_von=acting_user, **werte
    )
    _personen_anlegen(antrag, mitglieder)
    record_event(
        AuditEvent.Typ.ANTRAG_ANGELEGT,
        acting_user=acting_user,
        bedarfsgemeinschaft_id=bg.pk,
        objekt=antrag,
        details={"art": art, "leistungsbeginn": werte["leistungsbeginn"]},
    )
    return antrag


def _personen_anlegen(antrag: Antrag, mitglieder) -> None:
    """Derive relations from the roles in the BG: partner of the applicant; children of both."""
    erwachsene = [m.person for m in mitglieder if m.rolle in (BgRolle.ANTRAGSTELLER, BgRolle.PARTNER)]
    antragsteller = next((m.person for m in mitglieder if m.rolle == BgRolle.ANTRAGSTELLER), None)
    partner = next((m.person for m in mitglieder if m.rolle == BgRolle.PARTNER), None)
    kinder = [m.person for m in mitglieder if m.rolle == BgRolle.KIND]
    stichtag = antrag.leistungsbeginn
    minderjaehrige = [k for k in kinder if k.alter_am(stichtag) < 18]
    zeilen = []
    for m in mitglieder:
        ap = AntragPerson(antrag=antrag, person=m.person)
        if m.person == antragsteller and partner is not None:
            ap.partner = partner
        elif m.person == partner and antragsteller is not None:
            ap.partner = antragsteller
        elif m.rolle == BgRolle.KIND:
            ap.elternteil_1 = erwachsene[0] if erwachsene else None
            ap.elternteil_2 = erwachsene[1] if len(erwachsene) > 1 else None
            # § 1 Abs. 1 S. 1 BKGG / § 66 EStG: Kindergeld up to 18 (longer only in school, recorded by hand).
            if m.person.alter_am(stichtag) < 18 and antragsteller is not None:
                ap.kindergeld_empfaenger = antragsteller
        if m.person == antragsteller and partner is None and minderjaehrige:
            ap.alleinerziehend = True
        zeilen.append(ap)
    AntragPerson.objects.bulk_create(zeilen)


def _bump_version(antrag: Antrag, version: int, acting_user: User, **felder) -> None:
    """Optimistic locking: write only if nobody saved since `version` was read."""
    geaendert = Antrag.objects.filter(pk=antrag.pk, version=version).update(
        version=version + 1, geaendert_von=acting_user, geaendert_am=timezone.now(), **felder
    )
    if geaendert == 0:
        aktuell = Antrag.objects.select_related("geaendert_von").get(pk=antrag.pk)
        wer = aktuell.geaendert_von or aktuell.erstellt_von
        raise AntragKonflikt(
            f"Der Antrag wurde inzwischen von {wer} geändert (um "
            f"{timezone.localtime(aktuell.geaendert_am):%H:%M} Uhr). Ihre Änderungen wurden nicht gespeichert. "
            "Bitte laden Sie den Antrag neu und tragen Sie Ihre Änderungen erneut ein."
        )
    antrag.refresh_from_db()


def _check_bearbeitbar(antrag: Antrag) -> None:
    if not antrag.bearbeitbar:
        raise InvalidTransition(
            antrag.status,
            antrag.status,
            f"Der Antrag ist {antrag.get_status_display()} und kann nicht mehr geändert werden.",
        )


@transaction.atomic(durable=True)
def update_antrag(antrag: Antrag, *, version: int, acting_user: User, **felder) -> Antrag:
    """Save changed household facts; refuse if someone else saved in between."""
    require_permission(acting_user, "leistung.change_antrag", "Anträge zu ändern")
    _check_bearbeitbar(antrag)
    unbekannt = set(felder) - ANTRAG_FELDER
    if unbekannt:
        raise TypeError(f"unknown Antrag fields: {sorted(unbekannt)}")
    werte = {f: getattr(antrag, f) for f in ANTRAG_FELDER} | felder
    check_antrag_fakten(werte)
    neu = {f: werte[f] for f in felder}
    alt = {f: getattr(antrag, f) for f in felder if getattr(antrag, f) != werte[f]}
    _bump_version(antrag, version, acting_user, **neu)
    record_event(
        AuditEvent.Typ.ANTRAG_GEAENDERT,
        acting_user=acting_user,
        bedarfsgemeinschaft_id=antrag.bedarfsgemeinschaft_id,
        objekt=antrag,
        details={"geaendert": sorted(alt), "version": antrag.version},
    )
    return antrag


@transaction.atomic(durable=True)
def update_antrag_person(
    antrag: Antrag, person_id: int, *, version: int, acting_user: User, **felder
) -> AntragPerson:
    """Change one person's facts (needs, assets, schooling) in the Antrag."""
    require_permission(acting_user, "leistung.change_antrag", "Anträge zu ändern")
    _check_bearbeitbar(antrag)
    unbekannt = set(felder) - PERSON_FELDER
    if unbekannt:
        raise TypeError(f"unknown person fields: {sorted(unbekannt)}")
    fehler = {}
    for feld in ("mehrbedarf_ernaehrung_m", "mehrbedarf_unabweisbar_m", "vermoegen"):
        if feld in felder and Decimal(felder[feld]) < 0:
            fehler[feld] = f"Der Betrag darf nicht negativ sein (eingegeben: {_euro(Decimal(felder[feld]))})."
    if fehler:
        raise ValidationError(fehler)
    ap = antrag.personen.get(person_id=person_id)
    for feld, wert in felder.items():
        setattr(ap, feld, wert)
    ap.save(update_fields=list(felder))
    _bump_version(antrag, version, acting_user)
    record_event(
        AuditEvent.Typ.ANTRAG_GEAENDERT,
        acting_user=acting_user,
        person_id=person_id,
        bedarfsgemeinschaft_id=antrag.bedarfsgemeinschaft_id,
        objekt=antrag,
        details={"person": sorted(felder), "version": antrag.version},
    )
    return ap


@transaction.atomic(durable=True)
def add_einkommen(
    antrag: Antrag,
    *,
    version: int,
    acting_user: User,
    person_id: int,
    art: Einkommen.Art,
    monat_ab: date | None,
    brutto: Decimal,
    netto: Decimal | None = None,
    monat_bis: date | None = None,
    absetzbetraege: Decimal = NULL,
) -> Einkommen:
    """Record an income of a person for a month or from a month on (§ 11 Abs. 2, 3 SGB II)."""
    require_permission(acting_user, "leistung.change_antrag", "Anträge zu ändern")
    _check_bearbeitbar(antrag)
    werte = _einkommen_werte_pruefen(
        antrag, person_id, art, monat_ab, monat_bis, brutto, netto, absetzbetraege
    )
    einkommen = Einkommen.objects.create(antrag=antrag, person_id=person_id, **werte)
    _bump_version(antrag, version, acting_user)
    record_event(
        AuditEvent.Typ.ANTRAG_GEAENDERT,
        acting_user=acting_user,
        person_id=person_id,
        bedarfsgemeinschaft_id=antrag.bedarfsgemeinschaft_id,
        objekt=antrag,
        details={"einkommen": art, "monat_ab": einkommen.monat_ab, "version": antrag.version},
    )
    return einkommen


def _einkommen_werte_pruefen(
    antrag, person_id, art, monat_ab, monat_bis, brutto, netto, absetzbetraege
) -> dict:
    """Check an income as typed and return the values to store (netto defaults to brutto)."""
    netto = brutto if netto is None else netto
    _check_einkommen(antrag, person_id, monat_ab, monat_bis, brutto, netto, absetzbetraege)
    return {
        "art": art,
        "monat_ab": monatsanfang(monat_ab),
        "monat_bis": monatsanfang(monat_bis) if monat_bis else None,
        "brutto": Decimal(brutto),
        "netto": Decimal(netto),
        "absetzbetraege": Decimal(absetzbetraege),
    }


def _check_einkommen(antrag, person_id, monat_ab, monat_bis, brutto, netto, absetzbetraege) -> None:
    """Refuse an implausible income with a German message next to the field."""
    fehler = {}
    if monat_ab is None:
        fehler["monat_ab"] = (
            "Bitte den Monat des Zuflusses angeben: Einkommen wird in dem Monat berücksichtigt, "
            "in dem es zufließt (§ 11 Abs. 2 SGB II)."
        )
    if brutto is None or Decimal(brutto) < 0:
        fehler["brutto"] = "Der Betrag darf nicht negativ sein."
    elif Decimal(netto) < 0:
        fehler["netto"] = "Der Nettobetrag darf nicht negativ sein."
    elif Decimal(netto) > Decimal(brutto):
        fehler["netto"] = (
            f"Der Nettobetrag ({_euro(Decimal(netto))}) ist höher als der Bruttobetrag ({_euro(Decimal(brutto))})."
        )
    if Decimal(absetzbetraege) < 0:
        fehler["absetzbetraege"] = "Die Absetzbeträge dürfen nicht negativ sein."
    if monat_ab and monat_bis and monatsanfang(monat_bis) < monatsanfang(monat_ab):
        fehler["monat_bis"] = "Der letzte Monat liegt vor dem ersten Monat."
    if not antrag.personen.filter(person_id=person_id).exists():
        fehler["person_id"] = "Die Person gehört nicht zu diesem Antrag."
    if fehler:
        raise ValidationError(fehler)


#: The facts of an income a caseworker can correct.
EINKOMMEN_FELDER = ("art", "monat_ab", "monat_bis", "brutto", "netto", "absetzbetraege")


def _einkommen_werte(einkommen: Einkommen) -> dict:
    return {f: getattr(einkommen, f) for f in EINKOMMEN_FELDER}


@transaction.atomic(durable=True)
def update_einkommen(
    einkommen: Einkommen,
    *,
    version: int,
    acting_user: User,
    art: Einkommen.Art,
    monat_ab: date | None,
    brutto: Decimal,
    netto: Decimal | None = None,
    monat_bis: date | None = None,
    absetzbetraege: Decimal = NULL,
) -> Einkommen:
    """Correct a recorded income (a typing error, a new amount); the audit event keeps old and new."""
    require_permission(acting_user, "leistung.change_antrag", "Anträge zu ändern")
    antrag = einkommen.antrag
    _check_bearbeitbar(antrag)
    neu = _einkommen_werte_pruefen(
        antrag, einkommen.person_id, art, monat_ab, monat_bis, brutto, netto, absetzbetraege
    )
    vorher = _einkommen_werte(einkommen)
    geaendert = [f for f in EINKOMMEN_FELDER if vorher[f] != neu[f]]
    if not geaendert:
        return einkommen
    for feld in geaendert:
        setattr(einkommen, feld, neu[feld])
    einkommen.save(update_fields=geaendert)
    _bump_version(antrag, version, acting_user)
    record_event(
        AuditEvent.Typ.ANTRAG_GEAENDERT,
        acting_user=acting_user,
        person_id=einkommen.person_id,
        bedarfsgemeinschaft_id=antrag.bedarfsgemeinschaft_id,
        objekt=antrag,
        details={
            "einkommen": einkommen.art,
            "einkommen_aktion": "geaendert",
            "monat_ab": einkommen.monat_ab,
            "alt": {f: vorher[f] for f in geaendert},
            "neu": {f: neu[f] for f in geaendert},
            "version": antrag.version,
        },
    )
    return einkommen


@transaction.atomic(durable=True)
def delete_einkommen(einkommen: Einkommen, *, version: int, acting_user: User) -> None:
    """Remove an income recorded by mistake; the audit event keeps what it said."""
    require_permission(acting_user, "leistung.change_antrag", "Anträge zu ändern")
    antrag = einkommen.antrag
    _check_bearbeitbar(antrag)
    vorher = _einkommen_werte(einkommen)
    person_id = einkommen.person_id
    einkommen.delete()
    _bump_version(antrag, version, acting_user)
    record_event(
        AuditEvent.Typ.ANTRAG_GEAENDERT,
        acting_user=acting_user,
        person_id=person_id,
        bedarfsgemeinschaft_id=antrag.bedarfsgemeinschaft_id,
        objekt=antrag,
        details={
            "einkommen": vorher["art"],
            "einkommen_aktion": "geloescht",
            "monat_ab": vorher["monat_ab"],
            "alt": vorher,
            "version": antrag.version,
        },
    )


@transaction.atomic(durable=True)
def add_unterlage(
    antrag: Antrag, *, acting_user: User, bezeichnung: str, frist: date | None = None
) -> Unterlage:
    """Note a document still missing for the decision (§ 60 Abs. 1 SGB I)."""
    require_permission(acting_user, "leistung.change_antrag", "Anträge zu ändern")
    if not bezeichnung.strip():
        raise ValidationError({"bezeichnung": "Bitte angeben, welche Unterlage fehlt."})
    tage = LeistungEinstellungen.for_mandant(antrag.mandant).unterlagen_frist_tage
    unterlage = Unterlage.objects.create(
        antrag=antrag,
        bezeichnung=bezeichnung.strip(),
        frist=frist or timezone.localdate() + timedelta(days=tage),
    )
    record_event(
        AuditEvent.Typ.ANTRAG_GEAENDERT,
        acting_user=acting_user,
        bedarfsgemeinschaft_id=antrag.bedarfsgemeinschaft_id,
        objekt=antrag,
        details={"unterlage": unterlage.bezeichnung, "frist": unterlage.frist},
    )
    return unterlage


@transaction.atomic(durable=True)
def mark_unterlage_eingegangen(
    unterlage: Unterlage, *, acting_user: User, am: date | None = None
) -> Unterlage:
    require_permission(acting_user, "leistung.change_antrag", "Anträge zu ändern")
    unterlage.eingegangen_am = am or timezone.localdate()
    unterlage.save(update_fields=["eingegangen_am"])
    record_event(
        AuditEvent.Typ.ANTRAG_GEAENDERT,
        acting_user=acting_user,
        bedarfsgemeinschaft_id=unterlage.antrag.bedarfsgemeinschaft_id,
        objekt=unterlage.antrag,
        details={"unterlage_eingegangen": unterlage.bezeichnung},
    )
    return unterlage


# --- Berechnung -----------------------------------------------------------------------------


def _bewilligungsmonate(antrag: Antrag) -> list[date]:
    anzahl = MONATE_VORLAEUFIG if antrag.vorlaeufig else MONATE_REGULAER
    erster = monatsanfang(antrag.leistungsbeginn)
    return monate(erster, plus_monate(erster, anzahl - 1))


@transaction.atomic(durable=True)
def compute_berechnung(antrag: Antrag, *, acting_user: User) -> Berechnung:
    """Run the law engine over the Bewilligungszeitraum applied for and store the run with its trace.

    One engine call per month (the law may change within the period, e.g. on 1 January). Input
    errors come back as a German message naming the person and the field.
    """
    require_permission(acting_user, "leistung.add_berechnung", "Berechnungen zu erstellen")
    if antrag.status not in (Antrag.Status.ENTWURF, Antrag.Status.ENTSCHEIDUNGSREIF):
        raise InvalidTransition(antrag.status, "berechnet", "Für diesen Antrag wird nicht mehr gerechnet.")
    if not antrag.gemeinde_ags:
        raise ValidationError(
            "Bitte wählen Sie im Antrag die Gemeinde der Wohnung: Von ihr hängen die Grenzen für "
            "Unterkunft und Heizung ab (§ 22 Abs. 1 SGB II)."
        )
    bg_id = antrag.bedarfsgemeinschaft_id
    eingabe, ergebnis, traces = {}, {}, {}
    namen = {ap.person_id: ap.person.name for ap in antrag.personen.select_related("person")}
    for monat in _bewilligungsmonate(antrag):
        zeilen = zeilen_fuer_monat(antrag, monat)
        try:
            e = recht.compute(zeilen, rechtsstand(monat), trace_bg_ids=[bg_id])
        except recht.EingabeFehler as fehler:
            wer = namen.get(fehler.p_id, "")
            raise ValidationError(
                f"Berechnung für {monat:%m.%Y} nicht möglich"
                + (f" (Angaben zu {wer})" if wer else "")
                + f": {fehler.message_de}"
            ) from None
        key = monat_key(monat)
        eingabe[key] = zeilen
        ergebnis[key] = {"bg": e.bg.to_dicts()[0], "personen": e.person.to_dicts()}
        traces[key] = e.traces[bg_id]
    betraege = [Decimal(str(v["bg"]["zahlbetrag_m"])) for v in ergebnis.values()]
    monatsliste = sorted(ergebnis)
    berechnung = Berechnung.objects.create(
        mandant_id=antrag.mandant_id,
        antrag=antrag,
        bedarfsgemeinschaft_id=bg_id,
        antrag_version=antrag.version,
        monat_von=date.fromisoformat(monatsliste[0] + "-01"),
        monat_bis=date.fromisoformat(monatsliste[-1] + "-01"),
        engine_version=recht.ENGINE_VERSION,
        parameter_hash=recht.parameter_hash(),
        eingabe=eingabe,
        ergebnis=ergebnis,
        traces=traces,
        zahlbetrag_erster_monat=runde(betraege[0]),
        zahlbetrag_summe=runde(sum(betraege, NULL)),
        erstellt_von=acting_user,
    )
    record_event(
        AuditEvent.Typ.BERECHNUNG_ERSTELLT,
        acting_user=acting_user,
        bedarfsgemeinschaft_id=bg_id,
        objekt=berechnung,
        details={
            "antrag_version": antrag.version,
            "engine_version": recht.ENGINE_VERSION,
            "zahlbetrag_erster_monat": berechnung.zahlbetrag_erster_monat,
        },
    )
    return berechnung


# --- Bewilligung ----------------------------------------------------------------------------


def _vier_augen(
    antrag: Antrag, monatsbetrag: Decimal, nachzahlung: Decimal, *, teamleitung_pruefen: bool = False
) -> tuple[str, str]:
    """Why a second person must release the decision, and who (`FREIGABE_ROLLE`); ('', '') if nobody.

    The reasons come from the Mandant's settings, or from the maker asking the team lead to check.
    """
    einstellungen = LeistungEinstellungen.for_mandant(antrag.mandant)
    gruende: list[tuple[VierAugenGrund, str]] = []
    if einstellungen.vier_augen_erstbewilligung and antrag.art == Antrag.Art.ERSTANTRAG:
        gruende.append((VierAugenGrund.ERSTBEWILLIGUNG, "Erstbewilligung"))
    grenze = einstellungen.vier_augen_nachzahlung_ab
    if grenze is not None and nachzahlung >= grenze:
        gruende.append(
            (VierAugenGrund.NACHZAHLUNG, f"Nachzahlung von {_euro(nachzahlung)} (ab {_euro(grenze)})")
        )
    grenze = einstellungen.vier_augen_monatsbetrag_ab
    if grenze is not None and monatsbetrag >= grenze:
        gruende.append(
            (VierAugenGrund.MONATSBETRAG, f"Monatsbetrag von {_euro(monatsbetrag)} (ab {_euro(grenze)})")
        )
    if teamleitung_pruefen:
        gruende.append((VierAugenGrund.TEAMLEITUNG, str(VierAugenGrund.TEAMLEITUNG.label)))
    rolle = next((FREIGABE_ROLLE[g] for g, _ in gruende if FREIGABE_ROLLE[g] is not None), None)
    return "; ".join(text for _, text in gruende), rolle.value if rolle else ""


def freigabe_verweigert(bewilligung: Bewilligung, user: User) -> str:
    """Why `user` may not release `bewilligung`, as a German sentence; '' if they may.

    The one check behind the release action and the "Freigeben" button (Vier-Augen-Prinzip and
    `FREIGABE_ROLLE`).
    """
    if bewilligung.status != Bewilligung.Status.FREIGABE_AUSSTEHEND:
        return f"Die Bewilligung ist {bewilligung.get_status_display()} und wartet nicht auf Freigabe."
    grund = f"Grund: {bewilligung.vier_augen_grund}"
    if bewilligung.erstellt_von_id == user.pk:
        wer = (
            f"die {Rolle(bewilligung.freigabe_rolle).label}"
            if bewilligung.freigabe_rolle
            else "eine zweite Person"
        )
        return f"Sie haben diese Entscheidung selbst vorbereitet. Bitte lassen Sie {wer} freigeben ({grund})."
    if not user.has_perm("leistung.release_bewilligung"):
        return "Sie haben keine Berechtigung, Bewilligungen freizugeben."
    if bewilligung.freigabe_rolle and bewilligung.freigabe_rolle not in {r.value for r in user.rollen}:
        return (
            f"Diese Bewilligung darf nur die {Rolle(bewilligung.freigabe_rolle).label} freigeben ({grund})."
        )
    return ""


def leistungsbetraege(berechnung: Berechnung) -> list[Leistungsbetrag]:
    """Build the monthly amounts per person of a Berechnung (not yet saved)."""
    zeilen = []
    for key, monat_ergebnis in sorted(berechnung.ergebnis.items()):
        monat = date.fromisoformat(key + "-01")
        for p in monat_ergebnis["personen"]:
            if not p["bg_mitglied"]:
                continue
            regel = runde(Decimal(str(p["regelbedarf_m"])) + Decimal(str(p["kindersofortzuschlag_m"])))
            mehr = runde(Decimal(str(p["mehrbedarf_gesamt_m"])))
            kdu = runde(Decimal(str(p["kdu_anerkannt_m"])))
            zahl = runde(Decimal(str(p["zahlbetrag_m"])))
            teil_regel, teil_mehr, teil_kdu = aufteilen(zahl, regel, mehr, kdu, int(p["anspruchstage"]))
            zeilen.append(
                Leistungsbetrag(
                    person_id=p["p_id"],
                    monat=monat,
                    regelbedarf=regel,
                    mehrbedarf=mehr,
                    kdu=kdu,
                    einkommen=runde(Decimal(str(p["einkommen_bereinigt_m"]))),
                    minderung=runde(Decimal(str(p["minderung_m"]))),
                    zahlbetrag=zahl,
                    auszahlung_regelbedarf=teil_regel,
                    auszahlung_mehrbedarf=teil_mehr,
                    auszahlung_kdu=teil_kdu,
                )
            )
    return zeilen


@transaction.atomic(durable=True)
def prepare_bewilligung(
    berechnung: Berechnung,
    *,
    acting_user: User,
    heute: date | None = None,
    teamleitung_pruefen: bool = False,
) -> Bewilligung:
    """Prepare the decision from a Berechnung of the current Antrag version.

    If the Mandant's rules require a second person, or the maker asks the team lead to check
    (`teamleitung_pruefen`), the Bewilligung waits for release; otherwise it is granted at once,
    the Antrag is bewilligt and the Bescheid is filed.
    """
    require_permission(acting_user, "leistung.add_bewilligung", "Bewilligungen vorzubereiten")
    antrag = Antrag.objects.select_for_update().get(pk=berechnung.antrag_id)
    if not antrag.bearbeitbar:
        raise InvalidTransition(antrag.status, Antrag.Status.BEWILLIGT, "Der Antrag ist bereits entschieden.")
    if berechnung.antrag_version != antrag.version:
        raise InvalidTransition(
            antrag.status,
            Antrag.Status.BEWILLIGT,
            "Der Antrag wurde nach dieser Berechnung geändert. Bitte zuerst neu berechnen.",
        )
    if antrag.bewilligungen.filter(status=Bewilligung.Status.FREIGABE_AUSSTEHEND).exists():
        raise InvalidTransition(
            antrag.status, Antrag.Status.BEWILLIGT, "Eine Bewilligung wartet bereits auf Freigabe."
        )
    if not antrag.iban:
        raise ValidationError(
            {"iban": "Für die Auszahlung fehlt die IBAN (Bankverbindung im Antrag eintragen)."}
        )
    heute = heute or timezone.localdate()
    betraege = leistungsbetraege(berechnung)
    nachzahlung = sum((b.zahlbetrag for b in betraege if b.monat < monatsanfang(heute)), NULL)
    monatsbetrag = berechnung.zahlbetrag_erster_monat
    grund, freigabe_rolle = _vier_augen(
        antrag, monatsbetrag, nachzahlung, teamleitung_pruefen=teamleitung_pruefen
    )
    bewilligung = Bewilligung.objects.create(
        mandant_id=antrag.mandant_id,
        antrag=antrag,
        berechnung=berechnung,
        bedarfsgemeinschaft_id=antrag.bedarfsgemeinschaft_id,
        status=Bewilligung.Status.FREIGABE_AUSSTEHEND if grund else Bewilligung.Status.BEWILLIGT,
        von=berechnung.monat_von,
        bis=monatsende(berechnung.monat_bis),
        vorlaeufig=antrag.vorlaeufig,
        zahlbetrag_monat=monatsbetrag,
        nachzahlung=nachzahlung,
        vier_augen_erforderlich=bool(grund),
        vier_augen_grund=grund,
        freigabe_rolle=freigabe_rolle,
        empfaenger_name=antrag.kontoinhaber,
        empfaenger_iban=antrag.iban,
        empfaenger_bic=antrag.bic,
        kdu_an_vermieter=antrag.kdu_an_vermieter,
        vermieter_name=antrag.vermieter_name,
        vermieter_iban=antrag.vermieter_iban,
        vermieter_bic=antrag.vermieter_bic,
        erstellt_von=acting_user,
    )
    for b in betraege:
        b.bewilligung = bewilligung
    Leistungsbetrag.objects.bulk_create(betraege)
    record_event(
        AuditEvent.Typ.BEWILLIGUNG_VORBEREITET,
        acting_user=acting_user,
        bedarfsgemeinschaft_id=antrag.bedarfsgemeinschaft_id,
        objekt=bewilligung,
        details={"berechnung": berechnung.pk, "vier_augen": grund, "zahlbetrag_monat": monatsbetrag},
    )
    if not grund:
        _bewilligen(bewilligung, antrag, acting_user, _bescheid_pdf(bewilligung))
    return bewilligung


@transaction.atomic(durable=True)
def approve_bewilligung(bewilligung: Bewilligung, *, acting_user: User) -> Bewilligung:
    """Release a decision as the second person (Vier-Augen-Prinzip); the maker never can, and a
    reason that names a role (`FREIGABE_ROLLE`) admits only that role."""
    require_permission(acting_user, "leistung.release_bewilligung", "Bewilligungen freizugeben")
    bewilligung = Bewilligung.objects.select_for_update().get(pk=bewilligung.pk)
    if bewilligung.status != Bewilligung.Status.FREIGABE_AUSSTEHEND:
        raise InvalidTransition(
            bewilligung.status, Bewilligung.Status.BEWILLIGT, freigabe_verweigert(bewilligung, acting_user)
        )
    if grund := freigabe_verweigert(bewilligung, acting_user):
        raise NotAllowed(grund)
    antrag = Antrag.objects.select_for_update().get(pk=bewilligung.antrag_id)
    if bewilligung.berechnung.antrag_version != antrag.version:
        raise InvalidTransition(
            bewilligung.status,
            Bewilligung.Status.BEWILLIGT,
            "Der Antrag wurde nach der Berechnung geändert. Die Bewilligung muss neu vorbereitet werden.",
        )
    pdf = _bescheid_pdf(bewilligung)  # before the first write: SQLite holds its write lock from there
    bewilligung.freigegeben_von = acting_user
    bewilligung.freigegeben_am = timezone.now()
    bewilligung.status = Bewilligung.Status.BEWILLIGT
    bewilligung.save(update_fields=["freigegeben_von", "freigegeben_am", "status"])
    record_event(
        AuditEvent.Typ.BEWILLIGUNG_FREIGEGEBEN,
        acting_user=acting_user,
        bedarfsgemeinschaft_id=bewilligung.bedarfsgemeinschaft_id,
        objekt=bewilligung,
        details={"vorbereitet_von": bewilligung.erstellt_von_id, "grund": bewilligung.vier_augen_grund},
    )
    _bewilligen(bewilligung, antrag, acting_user, pdf)
    return bewilligung


def _bewilligen(bewilligung: Bewilligung, antrag: Antrag, acting_user: User, pdf: bytes) -> None:
    """Grant: the Antrag is bewilligt, the BG receives benefits, and the Bescheid is filed (decision 0412)."""
    antrag.status = Antrag.Status.BEWILLIGT
    antrag.save(update_fields=["status"])
    start_leistungsbezug(antrag.bedarfsgemeinschaft, ab=antrag.leistungsbeginn, acting_user=acting_user)
    record_event(
        AuditEvent.Typ.ANTRAG_BEWILLIGT,
        acting_user=acting_user,
        bedarfsgemeinschaft_id=antrag.bedarfsgemeinschaft_id,
        objekt=antrag,
        details={"bewilligung": bewilligung.pk, "von": bewilligung.von, "bis": bewilligung.bis},
    )
    _bescheid_ablegen(bewilligung, pdf, acting_user=acting_user)


# --- Letters ----------------------------------------------------------------------------------


class BescheidFehler(Exception):
    """The Bescheid could not be written; the decision it belongs to was not saved either."""


def _bescheid_pdf(bewilligung: Bewilligung, *, datum: date | None = None) -> bytes:
    """Render the Bewilligungsbescheid, or raise `BescheidFehler` with a German message."""
    from vorort.leistung.pdf import render_bewilligungsbescheid

    try:
        return render_bewilligungsbescheid(bewilligung, datum=datum)
    except Exception as exc:
        logger.exception("Bescheid for Bewilligung %s could not be rendered", bewilligung.pk)
        raise BescheidFehler(
            "Der Bescheid konnte nicht erstellt werden; die Entscheidung wurde deshalb nicht gespeichert. "
            "Bitte versuchen Sie es erneut. Bleibt der Fehler, informieren Sie bitte die IT-Betreuung "
            f"(Bewilligung {bewilligung.pk}, Fehler {type(exc).__name__})."
        ) from exc


def _bescheid_ablegen(
    bewilligung: Bewilligung, pdf: bytes, *, acting_user: User, nachtraeglich: bool = False
) -> Schreiben:
    """File the rendered Bescheid in the BG's e-Akte, linked to its addressee (in the caller's transaction)."""
    from vorort.leistung.pdf import empfaenger_person

    bg = bewilligung.bedarfsgemeinschaft
    dokument = store_dokument(
        mandant=bewilligung.mandant,
        inhalt=pdf,
        dateiname=f"bewilligungsbescheid_{bg.nummer}_{bewilligung.von:%Y-%m}.pdf",
        mime_type="application/pdf",
        titel=f"Bewilligungsbescheid {bewilligung.von:%m.%Y}–{bewilligung.bis:%m.%Y}",
        art=Dokument.Art.BESCHEID,
        acting_user=acting_user,
        person=empfaenger_person(bg),
        bedarfsgemeinschaft=bg,
    )
    schreiben = Schreiben.objects.create(
        mandant_id=bewilligung.mandant_id,
        art=Schreiben.Art.BEWILLIGUNGSBESCHEID,
        bedarfsgemeinschaft=bg,
        antrag_id=bewilligung.antrag_id,
        bewilligung=bewilligung,
        dokument=dokument,
        erstellt_von=acting_user,
    )
    record_event(
        AuditEvent.Typ.BESCHEID_ERSTELLT,
        acting_user=acting_user,
        bedarfsgemeinschaft_id=bg.pk,
        objekt=schreiben,
        details={"dokument": dokument.pk, "sha256": dokument.sha256, "nachtraeglich": nachtraeglich},
    )
    return schreiben


@transaction.atomic(durable=True)
def create_bescheid(bewilligung: Bewilligung, *, acting_user: User) -> Schreiben:
    """File the missing Bescheid of a granted decision, dated the day it was decided.

    Releases file their Bescheid themselves; this is for decisions without one, e.g. the demo
    history or decisions taken over from an earlier system (decision 0412).
    """
    require_permission(acting_user, "leistung.add_bewilligung", "Bescheide zu erstellen")
    bewilligung = Bewilligung.objects.select_for_update().get(pk=bewilligung.pk)
    if bewilligung.status != Bewilligung.Status.BEWILLIGT:
        raise InvalidTransition(bewilligung.status, "bescheid", "Ein Bescheid folgt erst auf die Freigabe.")
    if bewilligung.schreiben.filter(art=Schreiben.Art.BEWILLIGUNGSBESCHEID).exists():
        raise InvalidTransition(
            bewilligung.status, "bescheid", "Der Bescheid zu dieser Bewilligung ist bereits abgelegt."
        )
    pdf = _bescheid_pdf(bewilligung, datum=bewilligung.entschieden_am)
    return _bescheid_ablegen(bewilligung, pdf, acting_user=acting_user, nachtraeglich=True)


@transaction.atomic(durable=True)
def request_unterlagen(antrag: Antrag, *, acting_user: User) -> Schreiben:
    """Write and file the request for the missing documents (§ 60 SGB I, deadline, § 66 SGB I)."""
    from vorort.leistung.pdf import empfaenger_person, render_unterlagenanforderung

    require_permission(acting_user, "leistung.change_antrag", "Unterlagen anzufordern")
    offen = list(antrag.unterlagen.filter(eingegangen_am__isnull=True))
    if not offen:
        raise ValidationError("Es fehlen keine Unterlagen; es gibt nichts anzufordern.")
    pdf = render_unterlagenanforderung(antrag, offen)
    bg = antrag.bedarfsgemeinschaft
    dokument = store_dokument(
        mandant=antrag.mandant,
        inhalt=pdf,
        dateiname=f"unterlagen_{bg.nummer}_{timezone.localdate():%Y-%m-%d}.pdf",
        mime_type="application/pdf",
        titel="Anforderung fehlender Unterlagen (§ 60 SGB I)",
        art=Dokument.Art.ANSCHREIBEN,
        acting_user=acting_user,
        person=empfaenger_person(bg),
        bedarfsgemeinschaft=bg,
    )
    Unterlage.objects.filter(pk__in=[u.pk for u in offen]).update(angefordert_am=timezone.localdate())
    schreiben = Schreiben.objects.create(
        mandant_id=antrag.mandant_id,
        art=Schreiben.Art.UNTERLAGENANFORDERUNG,
        bedarfsgemeinschaft=bg,
        antrag=antrag,
        dokument=dokument,
        erstellt_von=acting_user,
    )
    record_event(
        AuditEvent.Typ.UNTERLAGEN_ANGEFORDERT,
        acting_user=acting_user,
        bedarfsgemeinschaft_id=bg.pk,
        objekt=schreiben,
        details={"unterlagen": [u.bezeichnung for u in offen], "sha256": dokument.sha256},
    )
    return schreiben
