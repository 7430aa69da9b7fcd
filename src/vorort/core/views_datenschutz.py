"""The Datenschutz screen: search, page through and export the audit log (Protokoll).

Export answers a data subject's request for information (Art. 15 DSGVO, § 83 SGB X): which
staff member read or changed which of their data, when and why. Every search and export is
itself recorded (`PROTOKOLL_DURCHSUCHT`, `PROTOKOLL_EXPORTIERT`).
"""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, time, timedelta

from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from vorort.core.actions import record_protokoll_zugriff
from vorort.core.audit import events_for_export, verify_chains
from vorort.core.forms import ProtokollFilterForm
from vorort.core.models import AuditEvent, User
from vorort.personen.selectors import persons_for_protokoll

JE_SEITE = 50


def _filtered(user: User, daten: dict) -> tuple[object, dict]:
    """The events matching the filter, newest first, and the criteria as recorded."""
    events = AuditEvent.objects.visible_to(user).select_related("acting_user").order_by("-seq")
    kriterien = {}
    if daten.get("person"):
        personen = persons_for_protokoll(user, daten["person"].strip())
        events = events.filter(person_id__in=list(personen))
        kriterien["person"] = daten["person"].strip()
    if daten.get("benutzer"):
        events = events.filter(acting_user=daten["benutzer"])
        kriterien["benutzer"] = daten["benutzer"].username
    if daten.get("typ"):
        events = events.filter(typ=daten["typ"])
        kriterien["typ"] = daten["typ"]
    tz = timezone.get_current_timezone()
    if daten.get("von"):
        events = events.filter(zeitpunkt__gte=datetime.combine(daten["von"], time.min, tzinfo=tz))
        kriterien["von"] = daten["von"].isoformat()
    if daten.get("bis"):
        events = events.filter(
            zeitpunkt__lt=datetime.combine(daten["bis"] + timedelta(days=1), time.min, tzinfo=tz)
        )
        kriterien["bis"] = daten["bis"].isoformat()
    return events, kriterien


@login_required
@permission_required("core.view_auditlog", raise_exception=True)
def protokoll(request: HttpRequest) -> HttpResponse:
    form = ProtokollFilterForm(request.GET or None, mandant_id=request.user.mandant_id)
    seite, abfrage = None, ""
    if not request.GET or form.is_valid():
        events, kriterien = _filtered(request.user, form.cleaned_data if request.GET else {})
        seite = Paginator(events, JE_SEITE).get_page(request.GET.get("seite"))
        record_protokoll_zugriff(
            acting_user=request.user, export_format=None, kriterien=kriterien, treffer=seite.paginator.count
        )
        abfrage = _ohne_seite(request)
        seite.object_list = _namen_aufloesen(request.user, seite.object_list)
    _geprueft, eigene = verify_chains(request.user.mandant_id)
    return render(
        request,
        "core/datenschutz/protokoll.html",
        {
            "form": form,
            "seite": seite,
            "abfrage": abfrage,
            "probleme": eigene[:10],
            "anzahl_probleme": len(eigene),
        },
    )


@login_required
@permission_required("core.view_auditlog", raise_exception=True)
def protokoll_export(request: HttpRequest, format: str) -> HttpResponse:
    if format not in ("csv", "json"):
        raise Http404("Unbekanntes Exportformat.")
    form = ProtokollFilterForm(request.GET or None, mandant_id=request.user.mandant_id)
    if request.GET and not form.is_valid():
        return render(request, "core/datenschutz/protokoll.html", {"form": form, "seite": None}, status=400)
    events, kriterien = _filtered(request.user, form.cleaned_data if request.GET else {})
    zeilen = events_for_export(events.order_by("seq"))
    record_protokoll_zugriff(
        acting_user=request.user, export_format=format, kriterien=kriterien, treffer=len(zeilen)
    )
    dateiname = f"protokoll-{timezone.localdate().strftime('%Y-%m-%d')}.{format}"
    if format == "json":
        antwort = HttpResponse(
            json.dumps(zeilen, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
        )
    else:
        puffer = io.StringIO()
        # Semicolon and BOM: the format German spreadsheet programs open without an import dialog.
        puffer.write("\ufeff")
        spalten = [
            "nummer",
            "zeitpunkt",
            "ereignis",
            "benutzer",
            "name",
            "person_id",
            "bg_id",
            "zweck",
            "details",
        ]
        writer = csv.DictWriter(puffer, fieldnames=spalten, delimiter=";")
        writer.writeheader()
        writer.writerows(zeilen)
        antwort = HttpResponse(puffer.getvalue(), content_type="text/csv; charset=utf-8")
    antwort["Content-Disposition"] = f'attachment; filename="{dateiname}"'
    return antwort


def _ohne_seite(request: HttpRequest) -> str:
    abfrage = request.GET.copy()
    abfrage.pop("seite", None)
    return abfrage.urlencode()


def _namen_aufloesen(user: User, events) -> list[AuditEvent]:
    """Attach person and BG labels to one page of events (two queries, whatever the page size)."""
    from vorort.personen.models import Bedarfsgemeinschaft, Person

    events = list(events)
    personen = (
        Person.objects.filter(mandant_id=user.mandant_id)
        .only("pk", "vorname", "nachname", "kundennummer")
        .in_bulk({e.person_id for e in events if e.person_id})
    )
    bgs = (
        Bedarfsgemeinschaft.objects.filter(mandant_id=user.mandant_id)
        .only("pk", "nummer")
        .in_bulk({e.bedarfsgemeinschaft_id for e in events if e.bedarfsgemeinschaft_id})
    )
    for event in events:
        event.person_obj = personen.get(event.person_id)
        event.bg_obj = bgs.get(event.bedarfsgemeinschaft_id)
    return events
