"""Screens of the benefits department: worklists, Antrag, Berechnung, Bewilligung, Zahllauf.

Views parse, call one action or selector and render (STYLE §1); messages are German.
"""

from __future__ import annotations

from datetime import date
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from vorort.core.exceptions import InvalidTransition, NotAllowed
from vorort.leistung import actions
from vorort.leistung.erklaerung import erklaerung
from vorort.leistung.forms import AntragForm, ZahllaufForm
from vorort.leistung.models import Bewilligung
from vorort.leistung.selectors import (
    access_antrag_by_id,
    access_berechnung_by_id,
    access_bewilligung_by_id,
    access_zahllauf_by_id,
    arbeitsvorrat_for_user,
    zahllaeufe_for_mandant,
)
from vorort.leistung.zahllauf import start_zahllauf


def _fehler(request: HttpRequest, exc: Exception) -> None:
    texte = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
    for text in texte:
        messages.error(request, text)


@login_required
def arbeitsvorrat(request: HttpRequest) -> HttpResponse:
    return render(request, "leistung/arbeitsvorrat.html", {"vorrat": arbeitsvorrat_for_user(request.user)})


@login_required
def antrag_detail(request: HttpRequest, antrag_id: int) -> HttpResponse:
    antrag = access_antrag_by_id(request.user, antrag_id, zweck="Antrag")
    form = AntragForm(request.POST or None, instance=antrag, initial={"version": antrag.version})
    if request.method == "POST" and form.is_valid():
        felder = {f: form.cleaned_data[f] for f in form.Meta.fields if f in form.changed_data}
        try:
            actions.update_antrag(antrag, version=form.cleaned_data["version"], acting_user=request.user, **felder)
        except ValidationError as exc:
            for feld, texte in exc.message_dict.items():
                form.add_error(feld if feld in form.fields else None, texte)
        except actions.AntragKonflikt as exc:
            messages.error(request, str(exc))
        except (NotAllowed, InvalidTransition) as exc:
            _fehler(request, exc)
        else:
            messages.success(request, "Antrag gespeichert.")
            return redirect("leistung:antrag", antrag_id=antrag.pk)
    return render(request, "leistung/antrag.html", {
        "antrag": antrag, "form": form, "personen": antrag.personen.select_related("person"),
        "einkommen": antrag.einkommen.select_related("person"), "unterlagen": antrag.unterlagen.all(),
        "berechnungen": antrag.berechnungen.select_related("erstellt_von")[:10],
        "bewilligungen": antrag.bewilligungen.select_related("erstellt_von", "freigegeben_von"),
    })


@login_required
@require_POST
def antrag_berechnen(request: HttpRequest, antrag_id: int) -> HttpResponse:
    antrag = access_antrag_by_id(request.user, antrag_id)
    try:
        berechnung = actions.compute_berechnung(antrag, acting_user=request.user)
    except (ValidationError, NotAllowed, InvalidTransition) as exc:
        _fehler(request, exc)
        return redirect("leistung:antrag", antrag_id=antrag.pk)
    messages.success(request, "Berechnung gespeichert.")
    return redirect("leistung:berechnung", berechnung_id=berechnung.pk)


@login_required
def berechnung_detail(request: HttpRequest, berechnung_id: int) -> HttpResponse:
    berechnung = access_berechnung_by_id(request.user, berechnung_id)
    monat = request.GET.get("monat") or berechnung.monate[0]
    if monat not in berechnung.traces:
        monat = berechnung.monate[0]
    namen = {ap.person_id: ap.person.name for ap in berechnung.antrag.personen.select_related("person")}
    trace = berechnung.traces.get(monat)
    return render(request, "leistung/berechnung.html", {
        "berechnung": berechnung, "monat": monat, "namen": namen,
        "schritte": erklaerung(trace, namen, kurz=False) if trace else [],
        "kurz": erklaerung(trace, namen, kurz=True) if trace else [],
        "bg_zeilen": [(m, berechnung.ergebnis[m]["bg"]) for m in berechnung.monate],
        "aktuell": berechnung.antrag_version == berechnung.antrag.version,
    })


@login_required
@require_POST
def bewilligung_vorbereiten(request: HttpRequest, berechnung_id: int) -> HttpResponse:
    berechnung = access_berechnung_by_id(request.user, berechnung_id)
    try:
        bewilligung = actions.prepare_bewilligung(berechnung, acting_user=request.user)
    except (ValidationError, NotAllowed, InvalidTransition) as exc:
        _fehler(request, exc)
        return redirect("leistung:berechnung", berechnung_id=berechnung.pk)
    if bewilligung.status == Bewilligung.Status.FREIGABE_AUSSTEHEND:
        messages.info(request, f"Bewilligung vorbereitet. Sie wartet auf Freigabe durch eine zweite Person "
                               f"({bewilligung.vier_augen_grund}).")
    else:
        actions.create_bescheid(bewilligung, acting_user=request.user)
        messages.success(request, "Bewilligt; der Bescheid wurde erstellt.")
    return redirect("leistung:bewilligung", bewilligung_id=bewilligung.pk)


@login_required
def bewilligung_detail(request: HttpRequest, bewilligung_id: int) -> HttpResponse:
    bewilligung = access_bewilligung_by_id(request.user, bewilligung_id)
    return render(request, "leistung/bewilligung.html", {
        "bewilligung": bewilligung, "betraege": bewilligung.betraege.select_related("person"),
        "schreiben": bewilligung.schreiben.select_related("dokument"),
        "darf_freigeben": bewilligung.status == Bewilligung.Status.FREIGABE_AUSSTEHEND
        and bewilligung.erstellt_von_id != request.user.pk and request.user.has_perm("leistung.release_bewilligung"),
    })


@login_required
@require_POST
def bewilligung_freigeben(request: HttpRequest, bewilligung_id: int) -> HttpResponse:
    bewilligung = access_bewilligung_by_id(request.user, bewilligung_id)
    try:
        bewilligung = actions.approve_bewilligung(bewilligung, acting_user=request.user)
    except (NotAllowed, InvalidTransition) as exc:
        _fehler(request, exc)
        return redirect("leistung:bewilligung", bewilligung_id=bewilligung.pk)
    actions.create_bescheid(bewilligung, acting_user=request.user)
    messages.success(request, "Bewilligung freigegeben; der Bescheid wurde erstellt und in der Akte abgelegt.")
    return redirect("leistung:bewilligung", bewilligung_id=bewilligung.pk)


@login_required
def zahllauf_liste(request: HttpRequest) -> HttpResponse:
    form = ZahllaufForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        jahr, monat = map(int, form.cleaned_data["monat"].split("-"))
        try:
            zahllauf, neu = start_zahllauf(request.user.mandant, date(jahr, monat, 1), acting_user=request.user)
        except NotAllowed as exc:
            _fehler(request, exc)
        else:
            if zahllauf.status == zahllauf.Status.ABGESCHLOSSEN:
                messages.info(request, f"Der Zahllauf {zahllauf.zahlmonat:%m/%Y} ist bereits abgeschlossen; "
                                       "es wird nichts erneut gezahlt.")
            else:
                from vorort.leistung.tasks import run_zahllauf_task

                transaction.on_commit(partial(run_zahllauf_task.enqueue, zahllauf.pk))
                messages.success(request, f"Zahllauf {zahllauf.zahlmonat:%m/%Y} "
                                          f"{'gestartet' if neu else 'wird fortgesetzt'}.")
            return redirect("leistung:zahllauf", zahllauf_id=zahllauf.pk)
    return render(request, "leistung/zahllaeufe.html", {
        "form": form, "zahllaeufe": zahllaeufe_for_mandant(request.user)[:24],
        "darf_starten": request.user.has_perm("leistung.run_zahllauf"),
    })


@login_required
def zahllauf_detail(request: HttpRequest, zahllauf_id: int) -> HttpResponse:
    zahllauf = access_zahllauf_by_id(request.user, zahllauf_id)
    template = "leistung/_zahllauf_status.html" if request.headers.get("HX-Request") else "leistung/zahllauf.html"
    return render(request, template, {"zahllauf": zahllauf, "job": zahllauf.job,
                                      "dateien": zahllauf.dateien.select_related("dokument")})
