"""Part "personal": teams, staff users with their roles, and TOTP devices.

About 200 staff at county size, after the profile's staff section: Leistungssachbearbeitung in
five teams by municipality (≈ 1:115 BGs), Integrationsfachkräfte in a U25 team and two Ü25 teams
by site (U25 ≈ 1:75, Ü25 ≈ 1:140 eLb), plus Arbeitgeberservice, Maßnahmeplanung, Widerspruch,
Eingangszone, Teamleitungen, Geschäftsführung, Controlling, Datenschutz and Administration. Staff
who never use the Fachverfahren (HR, finance, facility) are left out. A fixed cast of named demo
logins (`DEMO_LOGINS`) is part of it; everybody shares one demo password (hashed once) and has a
TOTP device whose key is derived from the seed and the user name.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django_otp.plugins.otp_totp.models import TOTPDevice

from vorort.core.models import Rolle, Team, User
from vorort.demo.namen import NACHNAMEN, NACHNAMEN_DE, VORNAMEN, VORNAMEN_DE_ALT, VORNAMEN_DE_JUNG
from vorort.demo.registry import DemoContext, teil
from vorort.personen.normalize import fold

DEMO_PASSWORT = "Vorort-Demo-2025"
TOTP_GERAET = "Demo-Authenticator"


@dataclass(frozen=True)
class TeamSpec:
    kuerzel: str
    name: str
    rolle: Rolle
    anzahl: float
    gemeinden: tuple[str, ...] = ()
    beschreibung: str = ""


@dataclass(frozen=True)
class DemoLogin:
    username: str
    titel: str
    vorname: str
    nachname: str
    rolle: Rolle
    teams: tuple[str, ...]
    art: str = "kreis"


MERSEBURG = ("merseburg",)
KREIS_TEAMS = [
    TeamSpec("LMER1", "Leistung Merseburg 1", Rolle.LEISTUNG, 7.9, MERSEBURG, "Merseburg, Nachnamen A–K"),
    TeamSpec("LMER2", "Leistung Merseburg 2", Rolle.LEISTUNG, 7.9, MERSEBURG, "Merseburg, Nachnamen L–Z"),
    TeamSpec(
        "LLEU",
        "Leistung Leuna, Bad Dürrenberg, Schkopau",
        Rolle.LEISTUNG,
        11.4,
        ("leuna", "bad_duerrenberg", "schkopau"),
    ),
    TeamSpec(
        "LNORD",
        "Leistung Saalekreis Nord",
        Rolle.LEISTUNG,
        16.3,
        ("landsberg", "kabelsketal", "petersberg", "wettin_loebejuen", "salzatal", "teutschenthal"),
    ),
    TeamSpec(
        "LQUE",
        "Leistung Querfurt",
        Rolle.LEISTUNG,
        14.5,
        (
            "querfurt",
            "muecheln",
            "braunsbedra",
            "bad_lauchstaedt",
            "barnstaedt",
            "farnstaedt",
            "nemsdorf_goehrendorf",
            "obhausen",
            "schraplau",
            "steigra",
        ),
        "Standort Querfurt, Geiseltal, Weida-Land",
    ),
    TeamSpec("IU25", "Integration U25", Rolle.INTEGRATION, 17, (), "Jugendberufsagentur, eLb unter 25"),
    TeamSpec("IUE25M", "Integration Ü25 Merseburg", Rolle.INTEGRATION, 36, (), "Vergleichsraum 1"),
    TeamSpec("IUE25Q", "Integration Ü25 Querfurt", Rolle.INTEGRATION, 15, (), "Vergleichsraum 2"),
    TeamSpec("AGS", "Arbeitgeberservice", Rolle.ARBEITGEBERSERVICE, 8),
    TeamSpec("MAP", "Maßnahmeplanung und Vergabe", Rolle.MASSNAHMEN, 12),
    TeamSpec("WUR", "Widerspruch und Recht", Rolle.LEISTUNG, 10),
    TeamSpec("EZ", "Eingangszone und Service", Rolle.LEISTUNG, 25),
    TeamSpec("TL", "Teamleitung", Rolle.TEAMLEITUNG, 9),
    TeamSpec("GF", "Geschäftsführung", Rolle.GESCHAEFTSFUEHRUNG, 3),
    TeamSpec("CON", "Controlling", Rolle.CONTROLLING, 6),
    TeamSpec("DS", "Datenschutz", Rolle.DATENSCHUTZ, 2),
    TeamSpec("ADM", "Administration", Rolle.ADMINISTRATION, 5),
]
# Which teams each Teamleitung leads, in the order generated Teamleitungen are assigned.
GEFUEHRTE_TEAMS = [
    ("LMER1", "LMER2"),
    ("LLEU",),
    ("LNORD",),
    ("LQUE",),
    ("IU25",),
    ("IUE25M",),
    ("IUE25Q",),
    ("AGS", "MAP"),
    ("WUR", "EZ"),
]
NACHBAR_TEAMS = [
    TeamSpec("LNK", "Leistung Nachbarkreis", Rolle.LEISTUNG, 1, ("*",)),
    TeamSpec("INK", "Integration Nachbarkreis", Rolle.INTEGRATION, 1),
    TeamSpec("TLNK", "Teamleitung Nachbarkreis", Rolle.TEAMLEITUNG, 1),
]

DEMO_LOGINS = [
    DemoLogin("schulz", "Frau", "Sabine", "Schulz", Rolle.LEISTUNG, ("LMER1",)),
    DemoLogin("yilmaz", "Herr", "Deniz", "Yılmaz", Rolle.INTEGRATION, ("IUE25M",)),
    DemoLogin("becker", "Herr", "Thomas", "Becker", Rolle.ARBEITGEBERSERVICE, ("AGS",)),
    DemoLogin("hoffmann", "Frau", "Katrin", "Hoffmann", Rolle.MASSNAHMEN, ("MAP",)),
    DemoLogin("weber", "Frau", "Monika", "Weber", Rolle.TEAMLEITUNG, ("TL", "LMER1", "LMER2")),
    DemoLogin("klein", "Herr Dr.", "Andreas", "Klein", Rolle.GESCHAEFTSFUEHRUNG, ("GF",)),
    DemoLogin("fischer", "Frau", "Julia", "Fischer", Rolle.CONTROLLING, ("CON",)),
    DemoLogin("wagner", "Herr", "Frank", "Wagner", Rolle.DATENSCHUTZ, ("DS",)),
    DemoLogin("admin", "Herr", "Torsten", "Lange", Rolle.ADMINISTRATION, ("ADM",)),
    DemoLogin("nachbar", "Frau", "Petra", "Krüger", Rolle.LEISTUNG, ("LNK",), art="nachbarkreis"),
]


def totp_key(seed: int, username: str) -> str:
    """The hex TOTP key of a demo user: HMAC of the user name under a key derived from the seed."""
    return hmac.new(f"vorort-demo-{seed}".encode(), username.encode(), hashlib.sha256).digest()[:20].hex()


@functools.cache
def demo_password_hash(seed: int) -> str:
    """Hash the shared demo password once (argon2 per user would cost seconds); salt from the seed."""
    salt = hashlib.sha256(f"vorort-demo-salt-{seed}".encode()).hexdigest()[:22]
    return make_password(DEMO_PASSWORT, salt=salt)


def _staff_names(context: DemoContext, k: int) -> list[tuple[str, str, str]]:
    """k (titel, vorname, nachname) for generated staff: mostly German, some of other origin."""
    rng = context.rng("personal-namen")
    out = []
    for _ in range(k):
        female = rng.random() < 0.68  # jobcenter staff are mostly women
        sex = "w" if female else "m"
        if rng.random() < 0.9:
            vornamen = (VORNAMEN_DE_ALT if rng.random() < 0.55 else VORNAMEN_DE_JUNG)[sex]
            nachnamen = NACHNAMEN_DE
        else:
            gruppe = ["TR", "PL", "RU", "UA"][int(rng.integers(0, 4))]
            vornamen, nachnamen = VORNAMEN[gruppe][sex], NACHNAMEN[gruppe]
        out.append(
            (
                "Frau" if female else "Herr",
                vornamen[int(rng.integers(len(vornamen)))],
                nachnamen[int(rng.integers(len(nachnamen)))],
            )
        )
    return out


def _username(vorname: str, nachname: str, taken: set[str]) -> str:
    base = f"{fold(vorname)[:1]}.{fold(nachname).replace(' ', '-')}"
    name, i = base, 1
    while name in taken:
        i += 1
        name = f"{base}{i}"
    taken.add(name)
    return name


@teil("personal", order=100)
def build_personal(context: DemoContext) -> None:
    """Create the Mandant's teams, staff users (roles, teams, password, TOTP device)."""
    kreis = context.art == "kreis"
    specs = KREIS_TEAMS if kreis else NACHBAR_TEAMS
    mandant = context.mandant
    teams = Team.objects.bulk_create(
        [Team(mandant=mandant, name=s.name, kuerzel=s.kuerzel, beschreibung=s.beschreibung) for s in specs]
    )
    context.teams = {t.kuerzel: t for t in teams}
    cast = [login for login in DEMO_LOGINS if login.art == context.art]

    # (titel, vorname, nachname, username or None, rolle, team kuerzel)
    plan: list[tuple[str, str, str, str | None, Rolle, tuple[str, ...]]] = [
        (c.titel, c.vorname, c.nachname, c.username, c.rolle, c.teams) for c in cast
    ]
    generated: list[tuple[Rolle, tuple[str, ...]]] = []
    for spec in specs:
        wanted = max(1, round(spec.anzahl * (context.scale if kreis else 1.0)))
        have = sum(1 for c in cast if c.teams[0] == spec.kuerzel)  # a cast member counts in their first team
        for i in range(max(wanted - have, 0)):
            if spec.rolle == Rolle.TEAMLEITUNG and kreis:
                geleitet = GEFUEHRTE_TEAMS[(i + have) % len(GEFUEHRTE_TEAMS)]
                generated.append((spec.rolle, (spec.kuerzel, *geleitet)))
            elif spec.rolle == Rolle.TEAMLEITUNG:
                generated.append((spec.rolle, (spec.kuerzel, "LNK", "INK")))
            else:
                generated.append((spec.rolle, (spec.kuerzel,)))
    taken = set(User.objects.values_list("username", flat=True)) | {c.username for c in DEMO_LOGINS}
    for (titel, vorname, nachname), (rolle, kuerzel) in zip(
        _staff_names(context, len(generated)), generated, strict=True
    ):
        plan.append((titel, vorname, nachname, _username(vorname, nachname, taken), rolle, kuerzel))

    domain = f"{mandant.kurzname}.example"
    password = demo_password_hash(context.seed)
    users = User.objects.bulk_create(
        [
            User(
                username=username,
                first_name=vorname,
                last_name=nachname,
                titel=titel,
                mandant=mandant,
                email=f"{username}@{domain}",
                password=password,
                telefon=f"03461 12345-{100 + i}",
                zimmer=f"{'A' if i % 2 else 'B'} {1 + i // 40}.{(i % 40) + 1:02d}",
            )
            for i, (titel, vorname, nachname, username, _rolle, _teams) in enumerate(plan)
        ]
    )
    groups = {g.name: g for g in Group.objects.filter(name__in=[r.value for r in Rolle])}
    User.groups.through.objects.bulk_create(
        [
            User.groups.through(user_id=u.pk, group_id=groups[p[4].value].pk)
            for u, p in zip(users, plan, strict=True)
        ]
    )
    User.teams.through.objects.bulk_create(
        [
            User.teams.through(user_id=u.pk, team_id=context.teams[k].pk)
            for u, p in zip(users, plan, strict=True)
            for k in p[5]
        ]
    )
    TOTPDevice.objects.bulk_create(
        [
            TOTPDevice(user=u, name=TOTP_GERAET, confirmed=True, key=totp_key(context.seed, u.username))
            for u in users
        ]
    )
    # Caseworkers per team in a stable order, for assigning BGs round-robin (even caseloads).
    context.staff = {}
    for user, (_t, _v, _n, _u, rolle, kuerzel) in sorted(
        zip(users, plan, strict=True), key=lambda x: x[0].username
    ):
        if rolle in (Rolle.LEISTUNG, Rolle.INTEGRATION):
            context.staff.setdefault(kuerzel[0], []).append(user)
    context.zaehler["benutzer"] = len(users)
    context.zaehler["teams"] = len(teams)
