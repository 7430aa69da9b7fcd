"""The Datenschutz screen: search, page through and export the audit log (Protokoll).

The Auskunft answers a data subject's request for information (Art. 15 DSGVO, § 83 SGB X) as
a PDF letter: which office read or changed which of their data, when and why; the CSV/JSON
export is the technical record for the data-protection officer. Every search and export is
itself recorded (`PROTOKOLL_DURCHSUCHT`, `PROTOKOLL_EXPORTIERT`).
"""

from __future__ import annotations

import csv
import io
import json
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from vorort.core.actions import create_auskunft, record_protokoll_zugriff
from vorort.core.audit import EXPORT_SPALTEN, events_for_export, verify_chains
from vorort.core.forms import ProtokollFilterForm
from vorort.core.selectors import protokoll_zeilen, search_protokoll

JE_SEITE = 50


@login_required
@permission_required("core.view_auditlog", raise_exception=True)
def protokoll(request: HttpRequest) -> HttpResponse:
    form = ProtokollFilterForm(request.GET or None)
    seite, abfrage, suche = None, "", None
    if not request.GET or form.is_valid():
        suche = search_protokoll(request.user, form.cleaned_data if request.GET else {})
        seite = Paginator(suche.events, JE_SEITE).get_page(request.GET.get("seite"))
        record_protokoll_zugriff(
            acting_user=request.user,
            export_format=None,
            kriterien=suche.kriterien,
            treffer=seite.paginator.count,
        )
        abfrage = _ohne_seite(request)
        seite.object_list = protokoll_zeilen(request.user, seite.object_list, suche.personen)
    _geprueft, eigene = verify_chains(request.user.mandant_id)
    return render(
        request,
        "core/datenschutz/protokoll.html",
        {
            "form": form,
            "seite": seite,
            "suche": suche,
            "abfrage": abfrage,
            "zeitraum": urlencode({k: request.GET[k] for k in ("von", "bis") if request.GET.get(k)}),
            "probleme": eigene[:10],
            "anzahl_probleme": len(eigene),
        },
    )


@login_required
@permission_required("core.view_auditlog", raise_exception=True)
def protokoll_export(request: HttpRequest, format: str) -> HttpResponse:
    if format not in ("csv", "json"):
        raise Http404("Unbekanntes Exportformat.")
    form = ProtokollFilterForm(request.GET or None)
    if request.GET and not form.is_valid():
        return render(request, "core/datenschutz/protokoll.html", {"form": form, "seite": None}, status=400)
    suche = search_protokoll(request.user, form.cleaned_data if request.GET else {})
    zeilen = events_for_export(protokoll_zeilen(request.user, suche.events.order_by("seq"), suche.personen))
    record_protokoll_zugriff(
        acting_user=request.user, export_format=format, kriterien=suche.kriterien, treffer=len(zeilen)
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
        writer = csv.DictWriter(puffer, fieldnames=EXPORT_SPALTEN, delimiter=";")
        writer.writeheader()
        writer.writerows(zeilen)
        antwort = HttpResponse(puffer.getvalue(), content_type="text/csv; charset=utf-8")
    antwort["Content-Disposition"] = f'attachment; filename="{dateiname}"'
    return antwort


@login_required
@permission_required("core.view_auditlog", raise_exception=True)
def protokoll_auskunft(request: HttpRequest, person_id: int) -> HttpResponse:
    """The Auskunft nach Art. 15 DSGVO for one person as a PDF letter (period from the filter)."""
    form = ProtokollFilterForm(request.GET or None)
    if request.GET and not form.is_valid():
        return render(request, "core/datenschutz/protokoll.html", {"form": form, "seite": None}, status=400)
    daten = form.cleaned_data if request.GET else {}
    pdf = create_auskunft(person_id, acting_user=request.user, von=daten.get("von"), bis=daten.get("bis"))
    antwort = HttpResponse(pdf, content_type="application/pdf")
    dateiname = f"auskunft-art-15-{person_id}-{timezone.localdate():%Y-%m-%d}.pdf"
    antwort["Content-Disposition"] = f'attachment; filename="{dateiname}"'
    return antwort


def _ohne_seite(request: HttpRequest) -> str:
    abfrage = request.GET.copy()
    abfrage.pop("seite", None)
    return abfrage.urlencode()
