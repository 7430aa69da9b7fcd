"""The plan: which Bewilligungen each BG has, and which renewals are open."""

from __future__ import annotations

from datetime import date

import numpy as np

from vorort.demo.registry import DemoContext
from vorort.leistung.eingabe import plus_monate
from vorort.leistung.models import Antrag, Bewilligung

from ._bestand import Bestand

#: Share of BGs whose current decision is provisional (§ 41a SGB II), and whose renewal is due.
ANTEIL_VORLAEUFIG = 0.03
ANTEIL_FAELLIG = 0.08
#: Of the BGs due for renewal: share with a draft WBA, with one ready for decision awaiting release.
ANTEIL_WBA_ENTWURF = 0.35
ANTEIL_WBA_FREIGABE = 0.25


class Abschnitt:
    """One Bewilligung of one BG: its months, kind and state."""

    __slots__ = ("bg", "von", "monate", "vorlaeufig", "art", "status", "antrag_status")

    def __init__(self, bg, von, monate, vorlaeufig, art, status, antrag_status):
        self.bg, self.von, self.monate, self.vorlaeufig = bg, von, monate, vorlaeufig
        self.art, self.status, self.antrag_status = art, status, antrag_status


def plane(context: DemoContext, bestand: Bestand, aktuell: date, beginn: date):
    """Bewilligungen per BG, and the open work: (sections, draft WBAs, WBAs awaiting release)."""
    rng = context.rng("leistung:plan")
    n = len(bestand.bg_ids)
    vorlaeufig = rng.random(n) < ANTEIL_VORLAEUFIG
    faellig = rng.random(n) < ANTEIL_FAELLIG
    # Months since the current decision started: due renewals end within two months.
    zurueck = np.where(faellig, rng.integers(9, 11, n), rng.integers(0, 9, n))
    zurueck = np.where(vorlaeufig, np.where(faellig, 4, rng.integers(0, 4, n)), zurueck)
    wahl = rng.random(n)
    abschnitte: list[Abschnitt] = []
    entwuerfe, freigaben = [], []
    for b in range(n):
        erster = max(bestand.seit[b], beginn)
        laenge = 6 if vorlaeufig[b] else 12
        von = max(plus_monate(aktuell, -int(zurueck[b])), erster)
        folge = [(von, laenge, bool(vorlaeufig[b]))]
        while von > erster:
            vorher = max(plus_monate(von, -12), erster)
            folge.append((vorher, (von.year - vorher.year) * 12 + von.month - vorher.month, False))
            von = vorher
        for von, laenge, vl in reversed(folge):
            art = Antrag.Art.ERSTANTRAG if von == bestand.seit[b] else Antrag.Art.WEITERBEWILLIGUNG
            abschnitte.append(
                Abschnitt(b, von, laenge, vl, art, Bewilligung.Status.BEWILLIGT, Antrag.Status.BEWILLIGT)
            )
        ende = plus_monate(folge[0][0], folge[0][1])
        if faellig[b] and wahl[b] < ANTEIL_WBA_ENTWURF:
            entwuerfe.append((b, ende))
        elif faellig[b] and wahl[b] < ANTEIL_WBA_ENTWURF + ANTEIL_WBA_FREIGABE:
            abschnitte.append(
                Abschnitt(
                    b,
                    ende,
                    12,
                    False,
                    Antrag.Art.WEITERBEWILLIGUNG,
                    Bewilligung.Status.FREIGABE_AUSSTEHEND,
                    Antrag.Status.ENTSCHEIDUNGSREIF,
                )
            )
            freigaben.append(b)
    return abschnitte, entwuerfe, freigaben
