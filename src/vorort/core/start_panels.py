"""The start page "Meine Aufgaben" is a list of panels ("Kacheln"), each contributed by an app.

A panel says for whom it is shown (`zeigen`), which template renders it and which data it
needs (`kontext`). Later apps register their worklists here, for example::

    register(Kachel("antraege", "Offene Anträge", "leistung/kachel_antraege.html",
                    zeigen=lambda user: user.has_perm("leistung.view_antrag"),
                    kontext=offene_antraege_kontext, reihenfolge=20))

Context functions receive the user and only read what the user may see.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from vorort.core.models import AuditEvent, Rolle, Team, User


@dataclass(frozen=True)
class Kachel:
    key: str
    titel: str
    template: str
    zeigen: Callable[[User], bool]
    kontext: Callable[[User], dict] = field(default=lambda user: {})
    reihenfolge: int = 100


_KACHELN: dict[str, Kachel] = {}


def register(kachel: Kachel) -> Kachel:
    _KACHELN[kachel.key] = kachel
    return kachel


def kacheln_for(user: User) -> list[dict]:
    """The panels for this user, in order, each with its rendered context."""
    sichtbar = sorted((k for k in _KACHELN.values() if k.zeigen(user)), key=lambda k: (k.reihenfolge, k.key))
    return [{"kachel": k, "kontext": k.kontext(user)} for k in sichtbar]


def _hat_rolle(*rollen: Rolle) -> Callable[[User], bool]:
    werte = {r.value for r in rollen}
    return lambda user: any(g.name in werte for g in user.groups.all())


def _meine_bgs(user: User) -> dict:
    from vorort.personen.models import Bedarfsgemeinschaft
    from vorort.personen.selectors import bg_kurznamen

    bgs = Bedarfsgemeinschaft.objects.visible_to(user)
    neueste = list(bgs.select_related("team").order_by("-erstellt_am", "-pk")[:5])
    namen = bg_kurznamen(bg.pk for bg in neueste)
    return {
        "anzahl": bgs.count(),
        "neueste": [(bg, namen.get(bg.pk, "")) for bg in neueste],
        "teams": list(user.teams.all()),
    }


def _zuletzt_geoeffnet(user: User) -> dict:
    """The user's own recent file reads, newest first, resolved to what the user may still see."""
    from vorort.personen.models import Bedarfsgemeinschaft, Person

    reads = (
        AuditEvent.objects.filter(
            mandant_id=user.mandant_id,
            acting_user=user,
            typ__in=[AuditEvent.Typ.PERSON_GELESEN, AuditEvent.Typ.BG_GELESEN],
        )
        .order_by("-seq")
        .values_list("typ", "person_id", "bedarfsgemeinschaft_id", "zeitpunkt")[:50]
    )
    gesehen, eintraege = set(), []
    for typ, person_id, bg_id, zeitpunkt in reads:
        schluessel = (typ, person_id or bg_id)
        if schluessel not in gesehen:
            gesehen.add(schluessel)
            eintraege.append((typ, person_id, bg_id, zeitpunkt))
        if len(eintraege) == 8:
            break
    personen = Person.objects.visible_to(user).in_bulk([p for _t, p, _b, _z in eintraege if p])
    bgs = Bedarfsgemeinschaft.objects.visible_to(user).in_bulk([b for _t, _p, b, _z in eintraege if b])
    akten = []
    for typ, person_id, bg_id, zeitpunkt in eintraege:
        if typ == AuditEvent.Typ.PERSON_GELESEN and person_id in personen:
            akten.append({"art": "Person", "objekt": personen[person_id], "zeitpunkt": zeitpunkt})
        elif typ == AuditEvent.Typ.BG_GELESEN and bg_id in bgs:
            akten.append({"art": "BG", "objekt": bgs[bg_id], "zeitpunkt": zeitpunkt})
    return {"akten": akten}


def _protokoll(user: User) -> dict:
    from vorort.core.audit import verify_chains

    _geprueft, eigene = verify_chains(user.mandant_id)
    return {"probleme": eigene[:5], "anzahl_probleme": len(eigene)}


def _verwaltung(user: User) -> dict:
    benutzer = User.objects.filter(mandant_id=user.mandant_id)
    return {
        "benutzer_aktiv": benutzer.filter(is_active=True).count(),
        "benutzer_gesamt": benutzer.count(),
        "teams": Team.objects.filter(mandant_id=user.mandant_id).count(),
    }


def _kennzahlen(user: User) -> dict:
    """Counts only (no personal data), so Controlling sees them without access to the files."""
    from vorort.personen.models import Bedarfsgemeinschaft, Person

    bgs = Bedarfsgemeinschaft.objects.filter(mandant_id=user.mandant_id)
    return {
        "bgs_gesamt": bgs.count(),
        "bgs_aktiv": bgs.filter(status=Bedarfsgemeinschaft.Status.AKTIV).count(),
        "personen": Person.objects.filter(mandant_id=user.mandant_id).aktiv().count(),
    }


_FALLARBEIT = (Rolle.LEISTUNG, Rolle.INTEGRATION, Rolle.TEAMLEITUNG)

register(
    Kachel(
        "suche",
        "Person suchen",
        "core/kacheln/suche.html",
        zeigen=lambda user: user.has_perm("personen.view_person"),
        reihenfolge=10,
    )
)
register(
    Kachel(
        "meine_bgs",
        "Bedarfsgemeinschaften meines Teams",
        "core/kacheln/meine_bgs.html",
        zeigen=_hat_rolle(*_FALLARBEIT),
        kontext=_meine_bgs,
        reihenfolge=20,
    )
)
register(
    Kachel(
        "zuletzt",
        "Zuletzt geöffnete Akten",
        "core/kacheln/zuletzt.html",
        zeigen=_hat_rolle(*_FALLARBEIT),
        kontext=_zuletzt_geoeffnet,
        reihenfolge=30,
    )
)
register(
    Kachel(
        "protokoll",
        "Protokoll",
        "core/kacheln/protokoll.html",
        zeigen=lambda user: user.has_perm("core.view_auditlog"),
        kontext=_protokoll,
        reihenfolge=40,
    )
)
register(
    Kachel(
        "verwaltung",
        "Verwaltung",
        "core/kacheln/verwaltung.html",
        zeigen=lambda user: user.has_perm("core.manage_users") or user.has_perm("core.manage_mandant"),
        kontext=_verwaltung,
        reihenfolge=50,
    )
)
register(
    Kachel(
        "kennzahlen",
        "Kennzahlen des Jobcenters",
        "core/kacheln/kennzahlen.html",
        zeigen=_hat_rolle(Rolle.CONTROLLING, Rolle.GESCHAEFTSFUEHRUNG),
        kontext=_kennzahlen,
        reihenfolge=60,
    )
)
