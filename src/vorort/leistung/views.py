"""Screens of the benefits department: worklists, Antrag, Berechnung, Bewilligung, Zahllauf.

Views parse, call one action or selector and render (STYLE §1); messages are German.
"""

from __future__ import annotations

from functools import partial
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from vorort.core.exceptions import InvalidTransition, NotAllowed
from vorort.core.forms import apply_validation_errors
from vorort.leistung import actions
from vorort.leistung.eingabe import plus_monate
from vorort.leistung.erklaerung import OHNE_RECHENWEG, erklaerung, rechtsstand_text
from vorort.leistung.forms import (
    AntragForm,
    AntragNeuForm,
    AntragPersonForm,
    EinkommenForm,
    ZahllaufForm,
    ZahllaufStartForm,
)
from vorort.leistung.models import NULL, AntragPerson, Bewilligung, Buchung, Zahlung
from vorort.leistung.pruefungen import kdu_warnungen
from vorort.leistung.selectors import (
    access_antrag_by_id,
    access_antrag_person,
    access_berechnung_by_id,
    access_bewilligung_by_id,
    access_einkommen,
    access_schreiben_by_id,
    access_zahllauf_by_id,
    access_zahlungsdatei,
    arbeitsvorrat_for_user,
    zahllaeufe_for_mandant,
)
from vorort.leistung.zahllauf import (
    StartNichtBestaetigt,
    Vorschau,
    ausfuehrungsdatum_fuer,
    monatsbereiche,
    preview_zahllauf,
    start_after_preview,
)
from vorort.personen.gemeinden import gemeinde_auswahl
from vorort.personen.selectors import access_bg_by_id


def _fehler(request: HttpRequest, exc: Exception) -> None:
    texte = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
    for text in texte:
        messages.error(request, text)


def _datei(dokument, *, anzeigen: bool = False) -> FileResponse:
    return FileResponse(
        dokument.datei.open("rb"),
        as_attachment=not anzeigen,
        filename=dokument.dateiname,
        content_type=dokument.mime_type,
    )


@login_required
def arbeitsvorrat(request: HttpRequest) -> HttpResponse:
    """One worklist at a time: tabs with totals, Zuständigkeit and order as GET parameters, 50 per page."""
    vorrat = arbeitsvorrat_for_user(
        request.user,
        liste=request.GET.get("liste", ""),
        wer=request.GET.get("wer", ""),
        sortierung=request.GET.get("sortierung", ""),
        seite=request.GET.get("seite") or 1,
    )
    abfrage = urlencode({"liste": vorrat.liste, "wer": vorrat.wer, "sortierung": vorrat.sortierung.key})
    return render(request, "leistung/arbeitsvorrat.html", {"vorrat": vorrat, "abfrage": abfrage})


@login_required
def antrag_neu(request: HttpRequest, bg_id: int) -> HttpResponse:
    bg = access_bg_by_id(request.user, bg_id)
    form = AntragNeuForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            antrag = actions.create_antrag(bg, acting_user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_errors(form, exc)
        except NotAllowed as exc:
            _fehler(request, exc)
        else:
            messages.success(request, "Antrag aufgenommen. Bitte die Angaben prüfen und ergänzen.")
            return redirect("leistung:antrag", antrag_id=antrag.pk)
    return render(request, "leistung/antrag_neu.html", {"bg": bg, "form": form})


@login_required
def antrag_detail(request: HttpRequest, antrag_id: int) -> HttpResponse:
    """The household facts; "Berechnen" submits this form too, so typed facts are saved first."""
    antrag = access_antrag_by_id(request.user, antrag_id, zweck="Antrag")
    gemeinden = gemeinde_auswahl(antrag.bedarfsgemeinschaft.haushalt)
    form = AntragForm(
        request.POST or None, instance=antrag, initial={"version": antrag.version}, gemeinden=gemeinden
    )
    berechnen = "berechnen" in request.POST
    if request.method == "POST" and form.is_valid():
        felder = {f: form.cleaned_data[f] for f in form.Meta.fields if f in form.changed_data}
        try:
            if felder or not berechnen:
                actions.update_antrag(
                    antrag, version=form.cleaned_data["version"], acting_user=request.user, **felder
                )
        except ValidationError as exc:
            apply_validation_errors(form, exc)
        except actions.AntragKonflikt as exc:
            form.add_error(None, str(exc))
        except (NotAllowed, InvalidTransition) as exc:
            _fehler(request, exc)
        else:
            if berechnen:
                if felder:
                    messages.success(request, "Angaben gespeichert.")
                return _berechnen(request, antrag)
            messages.success(request, "Antrag gespeichert.")
            return redirect("leistung:antrag", antrag_id=antrag.pk)
    return render(
        request,
        "leistung/antrag.html",
        {
            "antrag": antrag,
            "form": form,
            "gemeinde": gemeinden.name(antrag.gemeinde_ags),
            "personen": antrag.personen.select_related("person"),
            "einkommen": antrag.einkommen.select_related("person"),
            "unterlagen": antrag.unterlagen.all(),
            "berechnungen": antrag.berechnungen.select_related("erstellt_von")[:10],
            "bewilligungen": antrag.bewilligungen.select_related("erstellt_von", "freigegeben_von"),
        },
    )


def _person_seite(
    request: HttpRequest, ap: AntragPerson, fakten: AntragPersonForm, einkommen: EinkommenForm
) -> HttpResponse:
    antrag = ap.antrag
    return render(
        request,
        "leistung/antrag_person.html",
        {
            "antrag": antrag,
            "ap": ap,
            "fakten": fakten,
            "einkommen_form": einkommen,
            "einkommen": antrag.einkommen.filter(person_id=ap.person_id).order_by("monat_ab"),
        },
    )


@login_required
def antrag_person(request: HttpRequest, antrag_id: int, person_id: int) -> HttpResponse:
    """One person's facts in the Antrag (Mehrbedarfe, schooling, assets) and their incomes."""
    ap = access_antrag_person(request.user, antrag_id, person_id)
    antrag = ap.antrag
    fakten = AntragPersonForm(request.POST or None, instance=ap, initial={"version": antrag.version})
    if request.method == "POST" and fakten.is_valid():
        felder = {f: fakten.cleaned_data[f] for f in fakten.Meta.fields if f in fakten.changed_data}
        try:
            actions.update_antrag_person(
                antrag, person_id, version=fakten.cleaned_data["version"], acting_user=request.user, **felder
            )
        except ValidationError as exc:
            apply_validation_errors(fakten, exc)
        except actions.AntragKonflikt as exc:
            fakten.add_error(None, str(exc))
        except (NotAllowed, InvalidTransition) as exc:
            fakten.add_error(None, str(exc))
        else:
            messages.success(request, f"Angaben zu {ap.person.name} gespeichert.")
            return redirect("leistung:antrag_person", antrag_id=antrag.pk, person_id=person_id)
    return _person_seite(request, ap, fakten, EinkommenForm(initial={"version": antrag.version}))


def _einkommen_daten(daten: dict) -> dict:
    return {
        "art": daten["art"],
        "monat_ab": daten["monat_ab"],
        "monat_bis": daten["monat_bis"],
        "brutto": daten["brutto"],
        "netto": daten["netto"],
        "absetzbetraege": daten["absetzbetraege"] if daten["absetzbetraege"] is not None else NULL,
    }


def _einkommen_speichern(request: HttpRequest, form: EinkommenForm, action, **ziel) -> bool:
    """Call the income action with the form's data; its messages stand next to their fields."""
    if not form.is_valid():
        return False
    try:
        action(
            **ziel,
            version=form.cleaned_data["version"],
            acting_user=request.user,
            **_einkommen_daten(form.cleaned_data),
        )
    except ValidationError as exc:
        apply_validation_errors(form, exc)
    except (actions.AntragKonflikt, NotAllowed, InvalidTransition) as exc:
        form.add_error(None, str(exc))
    else:
        return True
    return False


@login_required
@require_POST
def einkommen_neu(request: HttpRequest, antrag_id: int, person_id: int) -> HttpResponse:
    ap = access_antrag_person(request.user, antrag_id, person_id)
    antrag = ap.antrag
    form = EinkommenForm(request.POST)
    if _einkommen_speichern(request, form, actions.add_einkommen, antrag=antrag, person_id=person_id):
        messages.success(request, f"Einkommen von {ap.person.name} erfasst.")
        return redirect("leistung:antrag_person", antrag_id=antrag.pk, person_id=person_id)
    fakten = AntragPersonForm(instance=ap, initial={"version": antrag.version})
    return _person_seite(request, ap, fakten, form)


@login_required
def einkommen_aendern(
    request: HttpRequest, antrag_id: int, person_id: int, einkommen_id: int
) -> HttpResponse:
    """Correct or delete one income; both carry the Antrag's version (optimistic locking)."""
    einkommen = access_einkommen(request.user, antrag_id, person_id, einkommen_id)
    ap = access_antrag_person(request.user, antrag_id, person_id)
    antrag = ap.antrag
    werte = {f: getattr(einkommen, f) for f in actions.EINKOMMEN_FELDER}
    form = EinkommenForm(request.POST or None, initial=werte | {"version": antrag.version})
    if request.method == "POST" and "loeschen" in request.POST:
        try:
            version = int(request.POST.get("version", ""))
            actions.delete_einkommen(einkommen, version=version, acting_user=request.user)
        except ValueError:
            return HttpResponseBadRequest("Die Version des Antrags fehlt.")
        except (actions.AntragKonflikt, NotAllowed, InvalidTransition) as exc:
            form = EinkommenForm(initial=werte | {"version": antrag.version})
            _fehler(request, exc)
        else:
            messages.success(
                request, f"Einkommen von {ap.person.name} gelöscht ({einkommen.get_art_display()})."
            )
            return redirect("leistung:antrag_person", antrag_id=antrag.pk, person_id=person_id)
    elif request.method == "POST":
        if _einkommen_speichern(request, form, actions.update_einkommen, einkommen=einkommen):
            messages.success(request, f"Einkommen von {ap.person.name} geändert.")
            return redirect("leistung:antrag_person", antrag_id=antrag.pk, person_id=person_id)
    return render(
        request, "leistung/einkommen.html", {"antrag": antrag, "ap": ap, "einkommen": einkommen, "form": form}
    )


def _berechnen(request: HttpRequest, antrag) -> HttpResponse:
    try:
        berechnung = actions.compute_berechnung(antrag, acting_user=request.user)
    except (ValidationError, NotAllowed, InvalidTransition) as exc:
        _fehler(request, exc)
        return redirect("leistung:antrag", antrag_id=antrag.pk)
    messages.success(request, "Berechnung gespeichert.")
    return redirect("leistung:berechnung", berechnung_id=berechnung.pk)


@login_required
@require_POST
def antrag_berechnen(request: HttpRequest, antrag_id: int) -> HttpResponse:
    """Recalculate with the stored facts ("Neu berechnen" on a Berechnung, which has no form)."""
    return _berechnen(request, access_antrag_by_id(request.user, antrag_id))


@login_required
def berechnung_detail(request: HttpRequest, berechnung_id: int) -> HttpResponse:
    berechnung = access_berechnung_by_id(request.user, berechnung_id)
    monat = request.GET.get("monat") or berechnung.monate[0]
    if monat not in berechnung.traces:
        monat = berechnung.monate[0]
    namen = {ap.person_id: ap.person.name for ap in berechnung.antrag.personen.select_related("person")}
    trace = berechnung.traces.get(monat)
    return render(
        request,
        "leistung/berechnung.html",
        {
            "berechnung": berechnung,
            "monat": monat,
            "namen": namen,
            "rechtsstand": rechtsstand_text(trace["parameter_stand"]) if trace else "",
            "schritte": erklaerung(trace, namen, kurz=False) if trace else [],
            "kurz": erklaerung(trace, namen, kurz=True) if trace else [],
            "ohne_rechenweg": "" if trace else OHNE_RECHENWEG,
            "bg_zeilen": [(m, berechnung.ergebnis[m]["bg"]) for m in berechnung.monate],
            "aktuell": berechnung.antrag_version == berechnung.antrag.version,
            "warnungen": kdu_warnungen(berechnung),
        },
    )


@login_required
@require_POST
def bewilligung_vorbereiten(request: HttpRequest, berechnung_id: int) -> HttpResponse:
    berechnung = access_berechnung_by_id(request.user, berechnung_id)
    try:
        bewilligung = actions.prepare_bewilligung(
            berechnung,
            acting_user=request.user,
            teamleitung_pruefen=request.POST.get("teamleitung_pruefen") == "1",
        )
    except (ValidationError, NotAllowed, InvalidTransition, actions.BescheidFehler) as exc:
        _fehler(request, exc)
        return redirect("leistung:berechnung", berechnung_id=berechnung.pk)
    if bewilligung.status == Bewilligung.Status.FREIGABE_AUSSTEHEND:
        messages.info(
            request,
            f"Bewilligung vorbereitet. Sie wartet auf Freigabe durch eine zweite Person "
            f"({bewilligung.vier_augen_grund}).",
        )
    else:
        messages.success(request, "Bewilligt; der Bescheid wurde erstellt und in der Akte abgelegt.")
    return redirect("leistung:bewilligung", bewilligung_id=bewilligung.pk)


@login_required
def bewilligung_detail(request: HttpRequest, bewilligung_id: int) -> HttpResponse:
    bewilligung = access_bewilligung_by_id(request.user, bewilligung_id)
    return render(
        request,
        "leistung/bewilligung.html",
        {
            "bewilligung": bewilligung,
            "betraege": bewilligung.betraege.select_related("person"),
            "schreiben": bewilligung.schreiben.select_related("dokument"),
            # The button only for those who may release; the maker and others read who must.
            "freigabe_verweigert": actions.freigabe_verweigert(bewilligung, request.user),
        },
    )


@login_required
@require_POST
def bescheid_erstellen(request: HttpRequest, bewilligung_id: int) -> HttpResponse:
    """File the missing Bescheid of an older grant (demo history), from the BG's "Dokumente" tab."""
    bewilligung = access_bewilligung_by_id(request.user, bewilligung_id)
    try:
        schreiben = actions.create_bescheid(bewilligung, acting_user=request.user)
    except (NotAllowed, InvalidTransition, actions.BescheidFehler) as exc:
        _fehler(request, exc)
    else:
        messages.success(
            request,
            f"{schreiben.dokument.titel} vom {schreiben.datum:%d.%m.%Y} erstellt und in der Akte abgelegt.",
        )
    return redirect("personen:bg_tab", bewilligung.bedarfsgemeinschaft_id, "dokumente")


@login_required
def schreiben_datei(request: HttpRequest, schreiben_id: int) -> FileResponse:
    return _datei(access_schreiben_by_id(request.user, schreiben_id).dokument)


@login_required
@require_POST
def bewilligung_freigeben(request: HttpRequest, bewilligung_id: int) -> HttpResponse:
    bewilligung = access_bewilligung_by_id(request.user, bewilligung_id)
    try:
        bewilligung = actions.approve_bewilligung(bewilligung, acting_user=request.user)
    except (NotAllowed, InvalidTransition, actions.BescheidFehler) as exc:
        _fehler(request, exc)
        return redirect("leistung:bewilligung", bewilligung_id=bewilligung.pk)
    messages.success(
        request, "Bewilligung freigegeben; der Bescheid wurde erstellt und in der Akte abgelegt."
    )
    return redirect("leistung:bewilligung", bewilligung_id=bewilligung.pk)


def _zahllauf_liste_seite(request: HttpRequest, form: ZahllaufForm) -> HttpResponse:
    zahllaeufe = list(zahllaeufe_for_mandant(request.user)[:24])
    if not form.is_bound:
        letzter = next((z for z in zahllaeufe if z.status == z.Status.ABGESCHLOSSEN), None)
        vorschlag = plus_monate(letzter.zahlmonat, 1) if letzter else timezone.localdate().replace(day=1)
        form = ZahllaufForm(initial={"monat": vorschlag})
    return render(
        request,
        "leistung/zahllaeufe.html",
        {
            "form": form,
            "zahllaeufe": zahllaeufe,
            "darf_starten": request.user.has_perm("leistung.run_zahllauf"),
        },
    )


@login_required
def zahllauf_liste(request: HttpRequest) -> HttpResponse:
    return _zahllauf_liste_seite(request, ZahllaufForm())


def _vorschau_seite(
    request: HttpRequest, vorschau: Vorschau, form: ZahllaufStartForm | None = None
) -> HttpResponse:
    form = form or ZahllaufStartForm(initial={"monat": vorschau.zahlmonat, "pruefwert": vorschau.pruefwert})
    return render(
        request,
        "leistung/zahllauf_vorschau.html",
        {
            "vorschau": vorschau,
            "form": form,
            "ausfuehrungsdatum": ausfuehrungsdatum_fuer(vorschau.zahlmonat),
            "monate": [(m, b, m < vorschau.zahlmonat) for m, b in vorschau.monate.items()],
            "fehlende": monatsbereiche(vorschau.fehlende_monate),
        },
    )


@login_required
def zahllauf_vorschau(request: HttpRequest) -> HttpResponse:
    """Step 1 of a run: what it would pay, with warnings; nothing is written."""
    form = ZahllaufForm(request.GET)
    if not form.is_valid():
        return _zahllauf_liste_seite(request, form)
    vorschau = preview_zahllauf(request.user.mandant, form.cleaned_data["monat"], acting_user=request.user)
    return _vorschau_seite(request, vorschau)


@login_required
@require_POST
def zahllauf_starten(request: HttpRequest) -> HttpResponse:
    """Step 2: start the previewed run if its numbers are unchanged and its warnings confirmed."""
    form = ZahllaufStartForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Bitte den Zahllauf über die Vorschau starten.")
        return redirect("leistung:zahllaeufe")
    daten = form.cleaned_data
    try:
        zahllauf, neu = start_after_preview(
            request.user.mandant,
            daten["monat"],
            pruefwert=daten["pruefwert"],
            fehlende_bestaetigt=daten["fehlende_bestaetigt"],
            acting_user=request.user,
        )
    except StartNichtBestaetigt as exc:
        # The new preview's stamp; the warning must be confirmed again.
        neues = ZahllaufStartForm({"monat": f"{daten['monat']:%m.%Y}", "pruefwert": exc.vorschau.pruefwert})
        neues.is_valid()
        neues.add_error(exc.feld, str(exc))
        return _vorschau_seite(request, exc.vorschau, neues)
    if zahllauf.status == zahllauf.Status.ABGESCHLOSSEN:
        messages.info(
            request,
            f"Der Zahllauf {zahllauf.zahlmonat:%m.%Y} ist bereits abgeschlossen; "
            "es wird nichts erneut gezahlt.",
        )
    else:
        from vorort.leistung.tasks import run_zahllauf_task

        transaction.on_commit(partial(run_zahllauf_task.enqueue, zahllauf.pk))
        messages.success(
            request,
            f"Zahllauf {zahllauf.zahlmonat:%m.%Y} {'gestartet' if neu else 'wird fortgesetzt'}.",
        )
    return redirect("leistung:zahllauf", zahllauf_id=zahllauf.pk)


@login_required
def zahllauf_detail(request: HttpRequest, zahllauf_id: int) -> HttpResponse:
    zahllauf = access_zahllauf_by_id(request.user, zahllauf_id)
    template = (
        "leistung/_zahllauf_status.html" if request.headers.get("HX-Request") else "leistung/zahllauf.html"
    )
    bericht = zahllauf.bericht or {}
    return render(
        request,
        template,
        {
            "zahllauf": zahllauf,
            "job": zahllauf.job,
            "dateien": zahllauf.dateien.select_related("dokument"),
            "buchungen": [
                (Buchung.Art(a).label, w) for a, w in bericht.get("buchungen_nach_art", {}).items()
            ],
            "zahlungen": [
                (Zahlung.Empfaenger(e).label, w)
                for e, w in bericht.get("zahlungen_nach_empfaenger", {}).items()
            ],
        },
    )


@login_required
def zahlungsdatei(request: HttpRequest, zahllauf_id: int, nummer: int) -> FileResponse:
    return _datei(access_zahlungsdatei(request.user, zahllauf_id, nummer).dokument)
