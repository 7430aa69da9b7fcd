"""The API object and its routers."""

from __future__ import annotations

from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import ValidationError

from vorort.api.auth import VerifiedSessionAuth
from vorort.api.fehler import fehlertext
from vorort.api.personen import router as personen_router

api = NinjaAPI(
    title="vorort API",
    version="1",
    description=(
        "REST-API des Fachverfahrens vorort (SGB II). Alle Antworten enthalten nur Daten, die die "
        "angemeldete Person sehen darf; jeder Zugriff auf eine Akte wird protokolliert."
    ),
    auth=VerifiedSessionAuth(),
    urls_namespace="api",
)
api.add_router("/", personen_router)
api.add_router("/", "vorort.api.leistung.router")


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": str(exc) or "Nicht gefunden."}, status=404)


@api.exception_handler(ValidationError)
def ungueltige_parameter(request, exc):
    return api.create_response(request, {"detail": fehlertext(exc.errors)}, status=422)
