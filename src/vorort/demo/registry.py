"""The parts ("Teile") the demo county is built from, and the context they share.

Each app contributes its own part of the demo county without touching the others. A part is a
function `(context: DemoContext) -> None` registered with a name and an order:

    # src/vorort/leistung/demo.py
    from vorort.demo.registry import DemoContext, teil

    @teil("leistung", order=300)
    def antraege_und_bewilligungen(context: DemoContext) -> None:
        rng = context.rng("leistung")                    # own stream, derived from the seed
        for bg_id in context.bg_ids: ...                 # BGs written by the "personen" part

`teile()` imports `vorort.demo.teile` (the parts for `core` and `personen`) and then every
installed app's `demo` module (`autodiscover_modules("demo")`), and returns the parts sorted by
(order, name). `vorort.demo.build.build_demo()` runs them once per demo Mandant, inside one
transaction. Orders in use and reserved:

    100 personal    teams, staff users, roles, TOTP devices            (vorort.demo.teile.personal)
    200 personen    Haushalte, BGs, persons, memberships, addresses,
                    bank accounts, employments                         (vorort.demo.teile.personen)
    300 leistung, 400 integration, 500 massnahmen, 700 akte, 800 statistik

Rules for a part: draw randomness only from `context.rng(<name>)`; write with `bulk_create`
(no per-row audit events: the build records one DEMO_ERZEUGT event per Mandant); add counts to
`context.zaehler` for that event; stay fast (the whole county builds in well under a minute).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
from django.utils.module_loading import autodiscover_modules

from vorort.demo.sampling import County, Streams


@dataclass(frozen=True)
class Teil:
    name: str
    order: int
    func: Callable[[DemoContext], None]


_TEILE: dict[str, Teil] = {}


def teil(
    name: str, *, order: int
) -> Callable[[Callable[[DemoContext], None]], Callable[[DemoContext], None]]:
    """Register a part of the demo county under a unique name."""

    def register(func: Callable[[DemoContext], None]) -> Callable[[DemoContext], None]:
        existing = _TEILE.get(name)
        if existing is not None and existing.func.__qualname__ != func.__qualname__:
            raise ValueError(f"Demo-Teil {name!r} ist schon registriert ({existing.func.__module__}).")
        _TEILE[name] = Teil(name=name, order=order, func=func)
        return func

    return register


def teile() -> list[Teil]:
    """All registered parts, in build order."""
    import vorort.demo.teile  # noqa: F401  (registers the core and personen parts)

    autodiscover_modules("demo")
    return sorted(_TEILE.values(), key=lambda t: (t.order, t.name))


@dataclass
class DemoContext:
    """What the parts of one demo Mandant share while it is built.

    `county` is the sampled population (`vorort.demo.sampling.County`); after the "personen"
    part, `bg_ids[i]` and `person_ids[j]` are the database ids of sampled BG i and person j.
    """

    mandant: Any
    art: str
    seed: int
    scale: float
    profile: dict
    stichtag: date
    county: County
    gemeinden: list[dict]
    verbose: bool = False
    teams: dict[str, Any] = field(default_factory=dict)
    staff: dict[str, list[Any]] = field(default_factory=dict)
    bg_ids: np.ndarray | None = None
    person_ids: np.ndarray | None = None
    zaehler: dict[str, int] = field(default_factory=dict)

    def rng(self, name: str) -> np.random.Generator:
        """An independent random stream for one step of one part, derived from the seed."""
        return Streams(self.seed)(f"{self.mandant.kurzname}:{name}")

    def progress(self, *, total: int, desc: str):
        """A progress bar on the terminal for a long step (a silent one in tests); call update(n)."""
        from tqdm import tqdm

        return tqdm(
            total=total, desc=desc, unit=" Zeilen", unit_scale=True, leave=False, disable=not self.verbose
        )
