"""Build the demo Mandanten: the demo county and a small neighbour county.

`build_demo()` is idempotent: if the demo county exists, nothing is written and the result says
with which seed and scale it was built (read from its DEMO_ERZEUGT audit event). Rebuilding in
place is not offered: the audit log is append-only (database triggers refuse deletes), so a new
county needs a new database, e.g. another `VORORT_DATA_DIR`. Everything is written in one
transaction, so a failed build leaves nothing behind and can simply be started again.

Demo Mandanten carry `Mandant.ist_demo` (`is_demo_mandant`).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field

from django.db import connection, transaction

from vorort.core.audit import record_event
from vorort.core.db import optimize
from vorort.core.models import AuditEvent, Mandant, Rolle, User
from vorort.core.roles import sync_roles
from vorort.demo.iban import bic_of, german_iban
from vorort.demo.profil import county_profile, stichtag
from vorort.demo.registry import DemoContext, teile
from vorort.demo.sampling import sample_county

KREIS_KURZNAME = "demo-saalekreis"
NACHBAR_KURZNAME = "demo-nachbarkreis"
NACHBAR_BGS = 36
URL = "http://127.0.0.1:8000"

KREIS = {
    "name": "Jobcenter Demo-Saalekreis",
    "kurzname": KREIS_KURZNAME,
    "ist_demo": True,
    "kreisschluessel": "15088",
    "traeger": "Landkreis Saalekreis (Demo), zugelassener kommunaler Träger (§ 6a SGB II)",
    "strasse": "Geusaer Straße 1",
    "plz": "06217",
    "ort": "Merseburg",
    "telefon": "03461 12345-0",
    "email": "kontakt@demo-saalekreis.example",
    "website": "https://demo-saalekreis.example",
    "briefkopf": (
        "Demo-Daten – alle Personen sind frei erfunden.\nSprechzeiten: Di 8–12 und 13–18 Uhr, Do 8–12 Uhr"
    ),
    "motto": "Stark. Sozial. Vor Ort.",
    "bank_name": "Saalesparkasse",
}
NACHBAR = {
    "name": "Jobcenter Demo-Nachbarkreis",
    "kurzname": NACHBAR_KURZNAME,
    "ist_demo": True,
    "kreisschluessel": "15990",
    "traeger": "Demo-Nachbarkreis, zugelassener kommunaler Träger (§ 6a SGB II)",
    "strasse": "Lindenallee 5",
    "plz": "06990",
    "ort": "Auenstedt",
    "telefon": "03400 54321-0",
    "email": "kontakt@demo-nachbarkreis.example",
    "website": "https://demo-nachbarkreis.example",
    "briefkopf": "Demo-Daten – alle Personen sind frei erfunden.",
    "bank_name": "Saalesparkasse",
}
# Fictitious towns of the neighbour county (AGS and PLZ outside the real ranges in use).
NACHBAR_GEMEINDEN = [
    {
        "id": "auenstedt",
        "name": "Auenstedt, Stadt",
        "ags": "15990001",
        "population": 21000,
        "bg_share": 0.55,
        "vergleichsraum": "VR1",
        "plz": "06990",
        "ort": "Auenstedt",
    },
    {
        "id": "lindenhain",
        "name": "Lindenhain",
        "ags": "15990002",
        "population": 7000,
        "bg_share": 0.25,
        "vergleichsraum": "VR2",
        "plz": "06991",
        "ort": "Lindenhain",
    },
    {
        "id": "birkenwalde",
        "name": "Birkenwalde",
        "ags": "15990003",
        "population": 5000,
        "bg_share": 0.20,
        "vergleichsraum": "VR2",
        "plz": "06992",
        "ort": "Birkenwalde",
    },
]


def is_demo_mandant(mandant: Mandant | None) -> bool:
    return mandant is not None and mandant.ist_demo


@dataclass
class Ergebnis:
    """What `build_demo()` did: built (with counts per Mandant) or found an existing county."""

    erzeugt: bool
    seed: int | None
    scale: float | None
    zaehler: dict[str, dict[str, int]] = field(default_factory=dict)

    def meldung(self, seed: int, scale: float) -> str:
        if self.erzeugt:
            z = self.zaehler.get(KREIS_KURZNAME, {})
            return (
                f"Demo-Landkreis erzeugt (Seed {seed}, Maßstab {scale:g}): "
                f"{_zahl(z.get('bedarfsgemeinschaften', 0))} BG, {_zahl(z.get('personen', 0))} Personen, "
                f"{_zahl(z.get('benutzer', 0))} Beschäftigte; dazu der Demo-Nachbarkreis."
            )
        text = (
            f"Demo-Landkreis besteht bereits (Seed {self.seed}, Maßstab {self.scale:g}); nichts neu erzeugt."
        )
        if (self.seed, self.scale) != (seed, scale):
            text += (
                f" Für Seed {seed} / Maßstab {scale:g} bitte eine neue Datenbank verwenden, "
                f"z. B. VORORT_DATA_DIR=/tmp/vorort-demo-{seed} .venv/bin/vorort demo."
            )
        return text


def _zahl(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def existing_build() -> tuple[int, float] | None:
    """(seed, scale) of the demo county in the database, or None if there is none."""
    mandant = Mandant.objects.filter(kurzname=KREIS_KURZNAME).first()
    if mandant is None:
        return None
    event = (
        AuditEvent.objects.filter(mandant=mandant, typ=AuditEvent.Typ.DEMO_ERZEUGT).order_by("seq").first()
    )
    details = event.details if event is not None else {}
    return int(details.get("seed", -1)), float(details.get("scale", 0.0))


def build_demo(*, seed: int = 2025, scale: float = 1.0, verbose: bool = False) -> Ergebnis:
    """Build both demo Mandanten unless the demo county exists (then return what exists)."""
    found = existing_build()
    if found is not None:
        return Ergebnis(erzeugt=False, seed=found[0], scale=found[1])
    sync_roles()
    _large_sqlite_cache()
    profile = county_profile()
    ergebnis = Ergebnis(erzeugt=True, seed=seed, scale=scale)
    with transaction.atomic():
        for stammdaten, gemeinden, n_bg, art, mandant_seed in (
            (KREIS, profile["municipalities"], max(1, round(profile["stock"]["bg"] * scale)), "kreis", seed),
            (
                NACHBAR,
                NACHBAR_GEMEINDEN,
                NACHBAR_BGS,
                "nachbarkreis",
                zlib.crc32(f"{seed}:nachbarkreis".encode()),
            ),
        ):
            mandant = _create_mandant(stammdaten)
            county = sample_county(
                profile, seed=mandant_seed, n_bg=n_bg, gemeinden=gemeinden, stichtag=stichtag()
            )
            context = DemoContext(
                mandant=mandant,
                art=art,
                seed=seed,
                scale=scale,
                profile=profile,
                stichtag=stichtag(),
                county=county,
                gemeinden=gemeinden,
                verbose=verbose,
            )
            namen = []
            for part in teile():
                part.func(context)
                namen.append(part.name)
            record_event(
                AuditEvent.Typ.DEMO_ERZEUGT,
                acting_user=None,
                mandant=mandant,
                zweck="vorort demo",
                details={
                    "seed": seed,
                    "scale": scale,
                    "schema_version": profile["schema_version"],
                    "teile": namen,
                    "anzahl": context.zaehler,
                },
            )
            ergebnis.zaehler[mandant.kurzname] = dict(context.zaehler)
    optimize()  # planner statistics for the freshly loaded tables (the person search needs them)
    return ergebnis


def _large_sqlite_cache() -> None:
    """Let SQLite keep the whole build in memory until it commits.

    The build is one transaction of ~70,000 rows; with the default 2 MB page cache SQLite spills
    pages to the WAL long before the commit, which on slow virtual disks costs more than the
    inserts themselves. The setting lasts only as long as this connection.
    """
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -524288")  # KiB, i.e. up to 512 MiB


def _create_mandant(stammdaten: dict) -> Mandant:
    iban = german_iban("80053762", "3100012345")
    return Mandant.objects.create(
        **stammdaten,
        iban=iban,
        bic=bic_of("80053762"),
        glaeubiger_id="DE98ZZZ09999999999",  # the Bundesbank's published test creditor id
    )


def logins() -> list[tuple[str, str, str, str]]:
    """(username, role label, team, Mandant) of every named demo login present in the database."""
    from vorort.demo.teile.personal import DEMO_LOGINS

    users = {
        u.username: u
        for u in User.objects.filter(username__in=[c.username for c in DEMO_LOGINS], mandant__ist_demo=True)
        .select_related("mandant")
        .prefetch_related("teams")
    }
    rows = []
    for cast in DEMO_LOGINS:
        user = users.get(cast.username)
        if user is None:
            continue
        team_names = {t.kuerzel: t.name for t in user.teams.all()}
        team = " / ".join(team_names[k] for k in cast.teams if k in team_names)
        rows.append((cast.username, str(Rolle(cast.rolle).label), team, user.mandant.name))
    return rows
