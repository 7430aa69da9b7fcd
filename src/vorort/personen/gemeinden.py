"""The municipality (AGS) of an address, found through its postcode in the Mandant's list.

Readers only: the list itself is set up with the Mandant's KdU limits (demo: `demo/teile/personen.py`).
"""

from __future__ import annotations

from dataclasses import dataclass

from vorort.personen.models import Gemeinde, Haushalt


def gemeinden_fuer_plz(mandant_id: int, plz: str) -> list[Gemeinde]:
    """The Mandant's municipalities with this postcode: usually one, several where it spans."""
    plz = (plz or "").strip()
    if not plz:
        return []
    treffer = Gemeinde.objects.filter(mandant_id=mandant_id, postleitzahlen__contains=plz)
    return [g for g in treffer if plz in g.plz_liste]


def ags_fuer_anschrift(mandant_id: int, plz: str, bisher: str = "") -> str:
    """The AGS for an address: the one its postcode names; of several, the one known so far; else ''."""
    kandidaten = [g.ags for g in gemeinden_fuer_plz(mandant_id, plz)]
    if bisher in kandidaten or (bisher and not kandidaten):
        return bisher
    return kandidaten[0] if len(kandidaten) == 1 else ""


@dataclass(frozen=True)
class GemeindeAuswahl:
    """What the Antrag shows for the dwelling's municipality: the candidates and why."""

    haushalt: Haushalt
    kandidaten: list[Gemeinde]  # by postcode; all of the Mandant's if the postcode names none
    nach_plz: bool  # the candidates come from the postcode
    hat_liste: bool  # the Mandant has a municipality list at all

    @property
    def eindeutig(self) -> bool:
        return self.nach_plz and len(self.kandidaten) == 1

    def name(self, ags: str) -> str:
        return next((g.name for g in self.kandidaten if g.ags == ags), "")


def gemeinde_auswahl(haushalt: Haushalt) -> GemeindeAuswahl:
    """The municipalities an Antrag may name for the household's dwelling (one query, two if none match)."""
    nach_plz = gemeinden_fuer_plz(haushalt.mandant_id, haushalt.plz)
    if nach_plz:
        return GemeindeAuswahl(haushalt, nach_plz, nach_plz=True, hat_liste=True)
    alle = list(Gemeinde.objects.filter(mandant_id=haushalt.mandant_id))
    return GemeindeAuswahl(haushalt, alle, nach_plz=False, hat_liste=bool(alle))
