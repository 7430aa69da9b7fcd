"""Leistungsbeträge of every decision, and the finished Zahlläufe of the past months (no SEPA files)."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import numpy as np

from vorort.leistung.models import Bewilligung, Buchung, Leistungsbetrag, Zahllauf, Zahlung

from ._einfuegen import db_datetime, einfuegen, einfuegen_spalten, naechste_id
from ._plan import Abschnitt
from ._schreiber import Schreiber


def betraege_und_zahllaeufe(schreiber: Schreiber, abschnitte: list[Abschnitt]) -> None:
    """Leistungsbeträge of every decision; for past months a finished Zahllauf with its Zahlungen and
    Buchungen, booked as `leistung.zahllauf.book_chunk` books them: the live run pays only what is new.
    """
    b, erg = schreiber.b, schreiber.erg
    n_bg = len(b.bg_ids)
    groesse = np.diff(np.append(b.erster, len(b.p_ids)))
    s_bg = np.array([a.bg for a in abschnitte])
    s_von = np.array([erg.index(a.von) for a in abschnitte])
    s_len = np.array([a.monate for a in abschnitte])
    s_offen = np.array([a.status == Bewilligung.Status.FREIGABE_AUSSTEHEND for a in abschnitte])
    s_bw = np.array(schreiber.bewilligung_ids)
    # sections x months, then x persons of the BG
    sm = np.repeat(np.arange(len(abschnitte)), s_len)
    mon = s_von[sm] + np.arange(len(sm)) - np.repeat(np.cumsum(s_len) - s_len, s_len)
    anzahl = groesse[s_bg[sm]]
    pm = np.repeat(np.arange(len(sm)), anzahl)
    j = b.erster[s_bg[sm[pm]]] + np.arange(len(pm)) - np.repeat(np.cumsum(anzahl) - anzahl, anzahl)
    mi = mon[pm]
    sec = sm[pm]
    drin = erg.mitglied[mi, j]
    j, mi, sec = j[drin], mi[drin], sec[drin]
    p = {k: v[mi, j] for k, v in erg.person.items()}
    teil_kdu = np.minimum(p["kdu"], p["zahl"])
    teil_mehr = np.minimum(p["mehr"], p["zahl"] - teil_kdu)
    teil_regel = p["zahl"] - teil_kdu - teil_mehr
    lb_ids = naechste_id(Leistungsbetrag) + np.arange(len(j))
    monate = np.array([schreiber.d(m) for m in erg.monate], dtype=object)
    person_ids = b.p_ids[j]

    def euro(werte: np.ndarray) -> np.ndarray:
        return werte / 100

    einfuegen_spalten(
        Leistungsbetrag,
        {
            "id": lb_ids,
            "bewilligung": s_bw[sec],
            "person": person_ids,
            "monat": monate[mi],
            "regelbedarf": euro(p["regel"]),
            "mehrbedarf": euro(p["mehr"]),
            "kdu": euro(p["kdu"]),
            "einkommen": euro(p["einkommen"]),
            "minderung": euro(p["minderung"]),
            "zahlbetrag": euro(p["zahl"]),
            "auszahlung_regelbedarf": euro(teil_regel),
            "auszahlung_mehrbedarf": euro(teil_mehr),
            "auszahlung_kdu": euro(teil_kdu),
        },
    )

    # Past months of granted decisions were paid: one Zahlung per BG and month, lines per kind.
    bezahlt = ~s_offen[sec] & (mi < erg.index(schreiber.aktuell))
    bg_pos = s_bg[sec][bezahlt]
    mi_b = mi[bezahlt]
    schluessel = bg_pos * len(erg.monate) + mi_b
    zahlungen, zuordnung = np.unique(schluessel, return_inverse=True)
    z_bg = zahlungen // len(erg.monate)
    z_mi = zahlungen % len(erg.monate)
    z_betrag = np.bincount(zuordnung, weights=p["zahl"][bezahlt], minlength=len(zahlungen)).astype(np.int64)
    z_ids = naechste_id(Zahlung) + np.arange(len(zahlungen))
    zl0 = naechste_id(Zahllauf)
    n_laeufe = erg.index(schreiber.aktuell)
    konten = np.array([schreiber.konto(x) for x in range(n_bg)], dtype=object).reshape(n_bg, 3)
    einfuegen_spalten(
        Zahlung,
        {
            "id": z_ids,
            "mandant": np.full(len(z_ids), schreiber.mandant_id),
            "zahllauf": zl0 + z_mi,
            "bedarfsgemeinschaft": b.bg_ids[z_bg],
            "zahlmonat": monate[z_mi],
            "empfaenger": np.full(len(z_ids), Zahlung.Empfaenger.BG.value, dtype=object),
            "name": konten[z_bg, 0],
            "iban": konten[z_bg, 1],
            "bic": konten[z_bg, 2],
            "betrag": euro(z_betrag),
            "verwendungszweck": np.array(
                [
                    f"Leistungen SGB II {erg.monate[m]:%m/%Y} BG {b.nummer[x]}"
                    for x, m in zip(z_bg.tolist(), z_mi.tolist(), strict=True)
                ],
                dtype=object,
            ),
            "end_to_end_id": np.array(
                [
                    f"SGB2-{erg.monate[m]:%Y%m}-{b.bg_ids[x]}-B"
                    for x, m in zip(z_bg.tolist(), z_mi.tolist(), strict=True)
                ],
                dtype=object,
            ),
        },
    )
    # Ledger lines: Regelbedarf always, Mehrbedarf and KdU when not zero (as book_chunk).
    arten, betraege, quelle = [], [], []
    for werte, immer in ((teil_regel, True), (teil_mehr, False), (teil_kdu, False)):
        auswahl = np.flatnonzero(bezahlt & ((werte != 0) | immer))
        quelle.append(auswahl)
        betraege.append(werte[auswahl])
        arten.append(np.full(len(auswahl), len(arten)))
    quelle_z = np.concatenate(quelle)
    ordnung = np.argsort(quelle_z, kind="stable")
    quelle_z = quelle_z[ordnung]
    art_z = np.concatenate(arten)[ordnung]
    betrag_z = np.concatenate(betraege)[ordnung]
    zahlung_je_zeile = np.full(len(j), -1, dtype=np.int64)
    zahlung_je_zeile[np.flatnonzero(bezahlt)] = z_ids[zuordnung]
    namen_art = np.array(
        [Buchung.Art.REGELBEDARF.value, Buchung.Art.MEHRBEDARF.value, Buchung.Art.KDU.value], dtype=object
    )
    gebucht = [
        db_datetime(
            datetime.combine(_ausfuehrung(m) - timedelta(days=2), datetime.min.time()).replace(
                hour=6, tzinfo=schreiber.jetzt.tzinfo
            )
        )
        for m in erg.monate
    ]
    mi_z = mi[quelle_z]
    einfuegen_spalten(
        Buchung,
        {
            "id": naechste_id(Buchung) + np.arange(len(quelle_z)),
            "mandant": np.full(len(quelle_z), schreiber.mandant_id),
            "bedarfsgemeinschaft": b.bg_ids[s_bg[sec[quelle_z]]],
            "person": person_ids[quelle_z],
            "leistungsmonat": monate[mi_z],
            "art": namen_art[art_z],
            "betrag": euro(betrag_z),
            "leistungsbetrag": lb_ids[quelle_z],
            "zahlung": zahlung_je_zeile[quelle_z],
            "gebucht_am": np.array(gebucht, dtype=object)[mi_z],
        },
    )
    # The runs themselves, with the report a finished run keeps.
    summe_je_monat = np.bincount(z_mi, weights=z_betrag, minlength=n_laeufe)
    anzahl_je_monat = np.bincount(z_mi, minlength=n_laeufe)
    ueberweisungen_je_monat = np.bincount(z_mi[z_betrag > 0], minlength=n_laeufe)
    gestartet_von = schreiber.freigeber[b.team[0]][0]
    laeufe = []
    for m in range(n_laeufe):
        summe = f"{summe_je_monat[m] / 100:.2f}"
        bericht = {
            "zahlmonat": f"{erg.monate[m]:%Y-%m}",
            "ausfuehrungsdatum": f"{_ausfuehrung(erg.monate[m]):%Y-%m-%d}",
            "bedarfsgemeinschaften": int(anzahl_je_monat[m]),
            "summe_buchungen": summe,
            "summe_zahlungen": summe,
            "ueberweisungen": int(ueberweisungen_je_monat[m]),
            "summe_ueberweisungen": summe,
            "abgestimmt": True,
            "hinweis": "Demo-Historie: die Zahlungsdateien sind nicht abgelegt.",
        }
        laeufe.append(
            (
                zl0 + m,
                schreiber.mandant_id,
                monate[m],
                Zahllauf.Status.ABGESCHLOSSEN.value,
                schreiber.d(_ausfuehrung(erg.monate[m])),
                json.dumps(bericht),
                gestartet_von,
                gebucht[m],
                gebucht[m],
            )
        )
    einfuegen(
        Zahllauf,
        [
            "id",
            "mandant",
            "zahlmonat",
            "status",
            "ausfuehrungsdatum",
            "bericht",
            "gestartet_von",
            "gestartet_am",
            "beendet_am",
        ],
        laeufe,
    )
    schreiber.zaehler.update(
        {
            "leistungsbetraege": len(lb_ids),
            "zahllaeufe": n_laeufe,
            "zahlungen": len(z_ids),
            "buchungen": len(quelle_z),
        }
    )


def _ausfuehrung(monat: date) -> date:
    """The last bank working day before the month (as `zahllauf.ausfuehrungsdatum_fuer`, without today)."""
    tag = monat - timedelta(days=1)
    while tag.weekday() >= 5:
        tag -= timedelta(days=1)
    return tag
