"""Administration screens: users, teams and the Mandant's own data.

Every list and lookup is limited to the administrator's Mandant; another Mandant's users and
teams answer 404. Changes go through `core.actions`.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from vorort.core import actions
from vorort.core.forms import BenutzerForm, MandantForm, TeamForm, apply_validation_errors
from vorort.core.models import Mandant, Rolle, Team, User


def _benutzer_des_mandanten(request: HttpRequest, user_id: int) -> User:
    return get_object_or_404(User, pk=user_id, mandant_id=request.user.mandant_id)


@login_required
@permission_required("core.manage_users", raise_exception=True)
def benutzer_liste(request: HttpRequest) -> HttpResponse:
    benutzer = (
        User.objects.filter(mandant_id=request.user.mandant_id)
        .prefetch_related("teams", "groups")
        .order_by("last_name", "first_name")
    )
    return render(request, "core/verwaltung/benutzer_liste.html", {"benutzer": benutzer})


@login_required
@permission_required("core.manage_users", raise_exception=True)
def benutzer_neu(request: HttpRequest) -> HttpResponse:
    form = BenutzerForm(request.POST or None, mandant_id=request.user.mandant_id, neu=True)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            user = actions.create_user(
                username=d["username"],
                first_name=d["first_name"],
                last_name=d["last_name"],
                email=d["email"],
                password=d["password"],
                teams=d["teams"],
                rollen=[Rolle(r) for r in d["rollen"]],
                acting_user=request.user,
            )
        except ValidationError as fehler:
            apply_validation_errors(form, fehler)
        else:
            messages.success(request, f"Benutzer/in „{user.username}“ wurde angelegt.")
            return redirect("core:benutzer_liste")
    return render(request, "core/verwaltung/benutzer_form.html", {"form": form, "neu": True})


@login_required
@permission_required("core.manage_users", raise_exception=True)
def benutzer_bearbeiten(request: HttpRequest, user_id: int) -> HttpResponse:
    benutzer = _benutzer_des_mandanten(request, user_id)
    initial = {
        "first_name": benutzer.first_name,
        "last_name": benutzer.last_name,
        "email": benutzer.email,
        "is_active": benutzer.is_active,
        "teams": list(benutzer.teams.all()),
        "rollen": [r.value for r in benutzer.rollen],
    }
    form = BenutzerForm(request.POST or None, initial=initial, mandant_id=request.user.mandant_id, neu=False)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            actions.update_user(
                benutzer,
                first_name=d["first_name"],
                last_name=d["last_name"],
                email=d["email"],
                is_active=d["is_active"],
                teams=d["teams"],
                rollen=[Rolle(r) for r in d["rollen"]],
                acting_user=request.user,
            )
        except ValidationError as fehler:
            apply_validation_errors(form, fehler)
        else:
            messages.success(request, f"Die Änderungen an „{benutzer.username}“ wurden gespeichert.")
            return redirect("core:benutzer_liste")
    return render(
        request, "core/verwaltung/benutzer_form.html", {"form": form, "neu": False, "benutzer": benutzer}
    )


@login_required
@permission_required("core.manage_users", raise_exception=True)
@require_POST
def zweiten_faktor_zuruecksetzen(request: HttpRequest, user_id: int) -> HttpResponse:
    benutzer = _benutzer_des_mandanten(request, user_id)
    actions.reset_second_factor(benutzer, acting_user=request.user)
    messages.success(
        request,
        f"Der zweite Faktor von „{benutzer.username}“ wurde zurückgesetzt. "
        "Bei der nächsten Anmeldung richtet die Person ihn neu ein.",
    )
    return redirect("core:benutzer_bearbeiten", user_id=benutzer.pk)


@login_required
@permission_required("core.manage_users", raise_exception=True)
def team_liste(request: HttpRequest) -> HttpResponse:
    teams = (
        Team.objects.filter(mandant_id=request.user.mandant_id)
        .annotate(anzahl_mitglieder=Count("mitglieder", distinct=True))
        .order_by("name")
    )
    return render(request, "core/verwaltung/team_liste.html", {"teams": teams})


@login_required
@permission_required("core.manage_users", raise_exception=True)
def team_neu(request: HttpRequest) -> HttpResponse:
    form = TeamForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            team = actions.create_team(**form.cleaned_data, acting_user=request.user)
        except ValidationError as fehler:
            apply_validation_errors(form, fehler)
        else:
            messages.success(request, f"Das Team „{team.name}“ wurde angelegt.")
            return redirect("core:team_liste")
    return render(request, "core/verwaltung/team_form.html", {"form": form, "neu": True})


@login_required
@permission_required("core.manage_users", raise_exception=True)
def team_bearbeiten(request: HttpRequest, team_id: int) -> HttpResponse:
    team = get_object_or_404(
        Team.objects.prefetch_related(Prefetch("mitglieder", queryset=User.objects.order_by("last_name"))),
        pk=team_id,
        mandant_id=request.user.mandant_id,
    )
    form = TeamForm(
        request.POST or None,
        initial={"name": team.name, "kuerzel": team.kuerzel, "beschreibung": team.beschreibung},
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_team(team, **form.cleaned_data, acting_user=request.user)
        except ValidationError as fehler:
            apply_validation_errors(form, fehler)
        else:
            messages.success(request, f"Das Team „{team.name}“ wurde gespeichert.")
            return redirect("core:team_liste")
    return render(request, "core/verwaltung/team_form.html", {"form": form, "neu": False, "team": team})


@login_required
@permission_required("core.manage_mandant", raise_exception=True)
def mandant(request: HttpRequest) -> HttpResponse:
    form = MandantForm(request.POST or None, instance=Mandant.objects.get(pk=request.user.mandant_id))
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_mandant(
                {f: form.cleaned_data[f] for f in actions.MANDANT_AENDERBAR}, acting_user=request.user
            )
        except ValidationError as fehler:
            apply_validation_errors(form, fehler)
        else:
            messages.success(request, "Die Mandantendaten wurden gespeichert.")
            return redirect("core:mandant")
    return render(request, "core/verwaltung/mandant.html", {"form": form})
