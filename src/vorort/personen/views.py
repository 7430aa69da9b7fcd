"""Person search, the person's and the BG's file (Akte), and the forms that change master data.

Files are opened through `access_person_by_id` / `access_bg_by_id`, which record the read and
answer 404 for missing and forbidden alike. Changes go through `personen.actions`.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from vorort.core.datum import datum_de
from vorort.core.forms import apply_validation_errors
from vorort.core.models import User
from vorort.personen import actions
from vorort.personen.akte_tabs import bg_tabs, person_tabs
from vorort.personen.forms import (
    AdresseForm,
    BankverbindungForm,
    DubletteWaehlenForm,
    PersonAendernForm,
    PersonNeuForm,
    TrennenForm,
    ZusammenfuehrenForm,
)
from vorort.personen.models import Mitgliedschaft, Person
from vorort.personen.selectors import (
    SUCHE_MAX_ZEICHEN,
    BgName,
    access_bg_by_id,
    access_person_by_id,
    bg_namen,
    bgs_of_person,
    likely_duplicates,
    merge_sides,
    person_by_kundennummer,
    search_persons,
    search_summaries,
)

SUCHHINWEIS = (
    "Name, Geburtsdatum (TT.MM.JJJJ oder TT.MM.JJ), Kundennummer (mit oder ohne K) oder BG-Nummer "
    "(auch nur die letzten Ziffern); mehrere Begriffe grenzen ein."
)


@login_required
@permission_required("personen.view_person", raise_exception=True)
def suche(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    try:
        ergebnis = search_persons(request.user, q) if q else None
    except ValidationError as exc:
        ergebnis, fehler = None, exc.messages[0]
    else:
        fehler = ""
    zeilen = search_summaries(request.user, ergebnis.treffer) if ergebnis else []
    q = q[:SUCHE_MAX_ZEICHEN]  # the form shows what was typed, up to what a search takes
    kontext = {"q": q, "zeilen": zeilen, "ergebnis": ergebnis, "fehler": fehler, "hinweis": SUCHHINWEIS}
    if request.headers.get("HX-Request"):
        return render(request, "personen/_suchergebnisse.html", kontext)
    return render(request, "personen/suche.html", kontext)


def _aktuelle_bg(user: User, person: Person) -> Mitgliedschaft | None:
    return bgs_of_person(user, person, stichtag=timezone.localdate()).first()


def _bg_name(bg_id: int | None) -> BgName | None:
    return bg_namen([bg_id]).get(bg_id) if bg_id else None


def _tab(tabs, key: str):
    for tab in tabs:
        if tab.key == key:
            return tab
    raise Http404("Diesen Reiter gibt es nicht.")


@login_required
def person(request: HttpRequest, person_id: int, tab: str = "stammdaten") -> HttpResponse:
    tabs = person_tabs(request.user)
    aktiv = _tab(tabs, tab)
    akte = access_person_by_id(request.user, person_id, zweck=f"Personenakte: {aktiv.label}")
    mitgliedschaft = _aktuelle_bg(request.user, akte)
    return render(
        request,
        "personen/person.html",
        {
            "person": akte,
            "mitgliedschaft": mitgliedschaft,
            "bg_name": _bg_name(mitgliedschaft and mitgliedschaft.bedarfsgemeinschaft_id),
            "tabs": tabs,
            "aktiv": aktiv,
            "tab_kontext": _tab_kontext(request, aktiv, akte),
        },
    )


def _tab_kontext(request: HttpRequest, tab, akte) -> dict:
    return tab.kontext(request.user, akte, **{name: request.GET.get(name, "") for name in tab.parameter})


@login_required
def bg(request: HttpRequest, bg_id: int, tab: str = "mitglieder") -> HttpResponse:
    tabs = bg_tabs(request.user)
    aktiv = _tab(tabs, tab)
    akte = access_bg_by_id(request.user, bg_id, zweck=f"BG-Akte: {aktiv.label}")
    return render(
        request,
        "personen/bg.html",
        {
            "bg": akte,
            "bg_name": _bg_name(akte.pk),
            "tabs": tabs,
            "aktiv": aktiv,
            "tab_kontext": _tab_kontext(request, aktiv, akte),
        },
    )


@login_required
@permission_required("personen.add_person", raise_exception=True)
@require_http_methods(["GET", "POST"])
def person_neu(request: HttpRequest) -> HttpResponse:
    form = PersonNeuForm(request.POST or None)
    kandidaten = []
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        daten = actions.PersonDaten(
            vorname=d["vorname"],
            nachname=d["nachname"],
            geburtsdatum=d["geburtsdatum"],
            geschlecht=d["geschlecht"],
            geburtsname=d["geburtsname"],
            geburtsort=d["geburtsort"],
            staatsangehoerigkeit=d["staatsangehoerigkeit"],
            telefon=d["telefon"],
            email=d["email"],
        )
        try:
            neu = actions.create_person(
                daten, acting_user=request.user, dubletten_geprueft=d["dubletten_geprueft"]
            )
        except actions.MoeglicheDublette as dublette:
            kandidaten = dublette.kandidaten
        except ValidationError as fehler:
            apply_validation_errors(form, fehler)
        else:
            messages.success(
                request,
                f"{neu.vorname} {neu.nachname} wurde mit der Kundennummer {neu.kundennummer} angelegt.",
            )
            return redirect("personen:person", person_id=neu.pk)
    return render(request, "personen/person_neu.html", {"form": form, "kandidaten": kandidaten})


@login_required
@permission_required("personen.change_person", raise_exception=True)
@require_http_methods(["GET", "POST"])
def person_aendern(request: HttpRequest, person_id: int) -> HttpResponse:
    akte = access_person_by_id(request.user, person_id, zweck="Stammdaten ändern")
    felder = list(PersonAendernForm.base_fields)
    form = PersonAendernForm(request.POST or None, initial={f: getattr(akte, f) for f in felder})
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_person(akte, form.cleaned_data, acting_user=request.user)
        except ValidationError as fehler:
            apply_validation_errors(form, fehler)
        else:
            messages.success(request, "Die Stammdaten wurden gespeichert.")
            return redirect("personen:person", person_id=akte.pk)
    return render(
        request,
        "personen/form.html",
        {
            "form": form,
            "person": akte,
            "titel": "Stammdaten ändern",
            "knopf": "Speichern",
        },
    )


def _neuer_zeitraum(request, akte, form, action, *, erfolg, texte: dict) -> HttpResponse:
    """A new dated fact (address, account): the action ends the old one; errors stay on the form.

    `erfolg` is the success message, or a function of the cleaned data that returns it.
    """
    if request.method == "POST" and form.is_valid():
        meldung = erfolg(form.cleaned_data) if callable(erfolg) else erfolg
        try:
            action(akte, **form.cleaned_data, acting_user=request.user)
        except ValidationError as fehler:
            apply_validation_errors(form, fehler)
        else:
            messages.success(request, meldung)
            return redirect("personen:person", person_id=akte.pk)
    return render(request, "personen/form.html", {"form": form, "person": akte, **texte})


@login_required
@permission_required("personen.change_person", raise_exception=True)
@require_http_methods(["GET", "POST"])
def adresse_neu(request: HttpRequest, person_id: int) -> HttpResponse:
    akte = access_person_by_id(request.user, person_id, zweck="Anschrift ändern")
    form = AdresseForm(request.POST or None, initial={"gueltig_ab": timezone.localdate()})
    bisherige = akte.adressen.filter(gueltig_bis__isnull=True).first()

    def erfolg(daten: dict) -> str:
        if bisherige is None or bisherige.gueltig_ab >= daten["gueltig_ab"]:
            return "Die Anschrift wurde gespeichert."
        ende = datum_de(daten["gueltig_ab"] - timedelta(days=1))
        return f"Die neue Anschrift wurde gespeichert; die bisherige ({bisherige}) endet am {ende}."

    return _neuer_zeitraum(
        request,
        akte,
        form,
        actions.change_adresse,
        erfolg=erfolg,
        texte={
            "titel": "Neue Anschrift" if bisherige else "Anschrift erfassen",
            "knopf": "Anschrift speichern",
            "hinweis": (
                f"Die bisherige Anschrift ({bisherige}) bleibt in der Historie erhalten "
                "und endet am Tag vor „gültig ab“."
                if bisherige
                else "Für diese Person ist noch keine Anschrift erfasst."
            ),
        },
    )


@login_required
@permission_required("personen.change_person", raise_exception=True)
@require_http_methods(["GET", "POST"])
def bankverbindung_neu(request: HttpRequest, person_id: int) -> HttpResponse:
    akte = access_person_by_id(request.user, person_id, zweck="Bankverbindung ändern")
    form = BankverbindungForm(
        request.POST or None, initial={"gueltig_ab": timezone.localdate(), "kontoinhaber": akte.name}
    )
    return _neuer_zeitraum(
        request,
        akte,
        form,
        actions.change_bankverbindung,
        erfolg="Die neue Bankverbindung wurde gespeichert.",
        texte={
            "titel": "Neue Bankverbindung",
            "knopf": "Bankverbindung speichern",
            "hinweis": "Zahlungen gehen ab „gültig ab“ auf dieses Konto; "
            "das bisherige bleibt in der Historie.",
        },
    )


@login_required
@permission_required("personen.merge_person", raise_exception=True)
def zusammenfuehren(request: HttpRequest, person_id: int) -> HttpResponse:
    """Step 1: choose the other record, from the likely duplicates or by its Kundennummer."""
    akte = access_person_by_id(request.user, person_id, zweck="Zusammenführung")
    form = DubletteWaehlenForm(request.GET or None)
    if form.is_valid():
        andere = person_by_kundennummer(request.user, form.cleaned_data["kundennummer"])
        if andere is None:
            form.add_error(
                "kundennummer",
                f"Keine Person mit der Kundennummer {form.cleaned_data['kundennummer']} gefunden, "
                "oder sie liegt nicht in Ihrer Zuständigkeit. Bitte prüfen Sie die Nummer.",
            )
        elif andere.pk == akte.pk:
            form.add_error(
                "kundennummer",
                "Das ist die Kundennummer dieser Akte. "
                "Bitte geben Sie die Kundennummer des anderen Eintrags ein.",
            )
        else:
            return redirect("personen:zusammenfuehren_vergleich", person_id=akte.pk, andere_id=andere.pk)
    return render(
        request,
        "personen/zusammenfuehren_waehlen.html",
        {"person": akte, "form": form, "kandidaten": likely_duplicates(request.user, akte)},
    )


@login_required
@permission_required("personen.merge_person", raise_exception=True)
@require_http_methods(["GET", "POST"])
def zusammenfuehren_vergleich(request: HttpRequest, person_id: int, andere_id: int) -> HttpResponse:
    """Step 2 and 3: both records side by side, choose the survivor and the reason, then confirm."""
    akte = access_person_by_id(request.user, person_id, zweck="Zusammenführung")
    andere = access_person_by_id(request.user, andere_id, zweck="Zusammenführung")
    if akte.pk == andere.pk:
        raise Http404("Eine Person kann nicht mit sich selbst zusammengeführt werden.")
    seiten = merge_sides(request.user, akte, andere)
    form = ZusammenfuehrenForm(
        request.POST or None, personen=[s.person for s in seiten], initial={"behalten": seiten[0].person.pk}
    )
    bestaetigen = False
    if request.method == "POST" and form.is_valid():
        behalten, aufloesen = (akte, andere) if form.cleaned_data["behalten"] == akte.pk else (andere, akte)
        if not form.cleaned_data["bestaetigt"]:
            bestaetigen = True
        else:
            try:
                actions.merge_persons(
                    behalten, aufloesen, acting_user=request.user, grund=form.cleaned_data["grund"]
                )
            except ValidationError as fehler:
                apply_validation_errors(form, fehler)
            else:
                messages.success(
                    request,
                    f"{aufloesen.kundennummer} wurde in {behalten.kundennummer} zusammengeführt. "
                    "Die Zusammenführung kann in der aufgelösten Akte rückgängig gemacht werden.",
                )
                return redirect("personen:person", person_id=behalten.pk)
    return render(
        request,
        "personen/zusammenfuehren.html",
        {
            "person": akte,
            "seiten": seiten,
            "verlauf": [(label, [s.anzahl[label] for s in seiten]) for label in seiten[0].anzahl],
            "form": form,
            "bestaetigen": bestaetigen,
        },
    )


@login_required
@permission_required("personen.merge_person", raise_exception=True)
@require_http_methods(["GET", "POST"])
def zusammenfuehrung_rueckgaengig(request: HttpRequest, person_id: int) -> HttpResponse:
    """Undo the merge that dissolved this person, from its audit event."""
    akte = access_person_by_id(request.user, person_id, zweck="Zusammenführung rückgängig machen")
    if not akte.zusammengefuehrt_in_id:
        messages.info(request, "Diese Person ist nicht zusammengeführt.")
        return redirect("personen:person", person_id=akte.pk)
    form = TrennenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.undo_merge(akte, acting_user=request.user, grund=form.cleaned_data["grund"])
        except ValidationError as fehler:
            apply_validation_errors(form, fehler)
        else:
            messages.success(
                request,
                f"Die Zusammenführung wurde rückgängig gemacht; {akte.kundennummer} ist wieder "
                "eine eigene Akte.",
            )
            return redirect("personen:person", person_id=akte.pk)
    return render(
        request,
        "personen/zusammenfuehrung_rueckgaengig.html",
        {"person": akte, "form": form, "ereignis": actions.merge_event_of(akte)},
    )
