"""The calculation trace of one BG (CONTRACT §6), recorded while the engine computes it, and its German text.

`engine.rechne` records every rule it runs on a single BG or a trace batch (`ctx["_protokoll"]`: the rule
in force and the dated parameter values it was given); the batch path records nothing. `baue_trace`
reads that record for one BG: nothing here says which rule or § applies, the rules do (a rule that
applies different norms by case names them itself, `rule(fundstellen=...)`).

A trace is a JSON-ready dict `{"version", "bg_id", "stichtag", "parameter_stand", "steps": [...]}`. Each
step has `name` (the rule's, input's or parameter's stable name), `key` (`name<YYYY-MM>[p_id]`), `p_id`
(None for BG or parameter steps), `value`, `unit` ("EUR", "ratio" for dimensionless numbers such as the
Regelbedarfsstufe, or "bool"), `rule` (the norm applied), `formula` (the rule in German words), `label`
and `kind` ("parameter", "input" or "rule"). A rule step also has `inputs` (its arguments' values for
this person, household or BG; a person column read by a BG step as `{p_id: value}`) and `parameter`
(the keys of the parameters it used; the trace's top-level `parameter` holds each one's values in
force with `gueltig_ab` and `reference`). Steps come in calculation
order: the parameters, then stage by stage (person steps person by person, then the BG sums they
feed). Summing the member steps of an output column reproduces the BG output row. Traces stored
before version 2 (no `version` key) have the same fields except `kind`, `inputs` and `parameter`.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from typing import Any

import numpy as np

from . import regeln
from .eingabe import BOOL, GELD, GRENZE, ID_VERWEISE, INT, SCHEMA
from .engine import EINGABE_UMBENENNUNG
from .parameter import PARAMETER

#: Version of the trace's JSON. 2: recorded while the engine runs; every rule step also carries `kind`,
#: `inputs` and `parameter`, and the stored traces of version 1 (no `version` key) read the same way.
TRACE_VERSION = 2

_NORM = re.compile(r"§§?\s[^;:()]*?(?:SGB II|SGB IV|SGB XII|EStG|Bürgergeld-V)")

#: Parameter fields shown in the trace: (parameter key, field, label, unit).
_PARAMETER_SCHRITTE = [
    *[("regelbedarf", f"rbs_{i}", f"Regelbedarf Stufe {i}", "EUR") for i in range(1, 7)],
    ("kindersofortzuschlag", "wert", "Kindersofortzuschlag", "EUR"),
    ("kindergeld", "wert", "Kindergeld je Kind", "EUR"),
    ("grundfreibetrag", "betrag", "Grundfreibetrag", "EUR"),
    ("grundfreibetrag", "schwelle_nachweis", "Schwelle für höhere nachgewiesene Absetzbeträge", "EUR"),
    (
        "erwerbstaetigenfreibetrag",
        "obergrenze_ohne_kind",
        "Obergrenze Erwerbstätigenfreibetrag ohne Kind",
        "EUR",
    ),
    (
        "erwerbstaetigenfreibetrag",
        "obergrenze_mit_kind",
        "Obergrenze Erwerbstätigenfreibetrag mit Kind",
        "EUR",
    ),
    ("geringfuegigkeitsgrenze", "wert", "Geringfügigkeitsgrenze", "EUR"),
    ("versicherungspauschale", "wert", "Versicherungspauschale", "EUR"),
]

#: German labels of the recorded steps by stable name: every rule (a test checks) and the money inputs.
LABEL = {
    # Inputs (CONTRACT §2), shown where non-zero.
    "brutto_erwerb_m": "Bruttoerwerbseinkommen (Eingabe)",
    "netto_erwerb_m": "Nettoerwerbseinkommen (Eingabe)",
    "gewinn_selbststaendig_m": "Gewinn aus selbständiger Tätigkeit (Eingabe)",
    "steuern_selbststaendig_m": "Steuern auf den Gewinn (Eingabe)",
    "absetzbetraege_erwerb_m": "nachgewiesene Absetzbeträge (Eingabe)",
    "unterhalt_m": "Unterhalt",
    "unterhaltsvorschuss_m": "Unterhaltsvorschuss",
    "rente_m": "Rente",
    "alg1_m": "Arbeitslosengeld",
    "sonstiges_einkommen_m": "sonstiges Einkommen",
    "vermoegen": "Vermögen (Eingabe)",
    "mehrbedarf_ernaehrung_eingabe_m": "anerkannter Mehrbedarf Ernährung (Eingabe)",
    "mehrbedarf_unabweisbar_eingabe_m": "anerkannter unabweisbarer Bedarf (Eingabe)",
    # Rules.
    "kind_der_bg": "Kind der BG",
    "regelbedarfsstufe": "Regelbedarfsstufe",
    "regelbedarf_m": "Regelbedarf",
    "kindersofortzuschlag_m": "Kindersofortzuschlag",
    "mehrbedarf_schwangerschaft_m": "Mehrbedarf Schwangerschaft",
    "kinder_alleinerziehend": "minderjährige Kinder im Haushalt (insgesamt / unter 7 / unter 16)",
    "mehrbedarf_alleinerziehend_m": "Mehrbedarf Alleinerziehung",
    "mehrbedarf_behinderung_m": "Mehrbedarf Behinderung",
    "mehrbedarf_ernaehrung_m": "Mehrbedarf kostenaufwändige Ernährung",
    "mehrbedarf_unabweisbar_m": "Mehrbedarf unabweisbarer Bedarf",
    "mehrbedarf_warmwasser_m": "Mehrbedarf dezentrale Warmwassererzeugung",
    "mehrbedarf_gesamt_m": "Mehrbedarfe nach Deckelung",
    "kdu_regel_hh": "angewandte Regel für Unterkunft und Heizung",
    "kdu_unterkunft_anerkannt_m_hh": "anerkannte Bruttokaltmiete des Haushalts",
    "kdu_heizung_anerkannt_m_hh": "anerkannte Heizkosten des Haushalts",
    "kdu_anerkannt_m_hh": "anerkannte Unterkunft und Heizung des Haushalts",
    "kdu_anerkannt_m": "Kopfteil Unterkunft und Heizung",
    "gesamtbedarf_m": "Gesamtbedarf",
    "bedarf_anteilig_m": "Bedarf für die Anspruchstage",
    "minderjaehriges_kind_vorhanden": "minderjähriges Kind in der BG oder eigenes minderjähriges Kind",
    "erwerbseinkommen_brutto_m": "Erwerbseinkommen brutto",
    "erwerbseinkommen_netto_m": "Erwerbseinkommen netto",
    "freibetrag_schueler_anwendbar": "Freibetrag für Schüler, Studierende und Auszubildende anwendbar",
    "grundfreibetrag_m": "Grundfreibetrag",
    "erwerbstaetigenfreibetrag_obergrenze_m": "Obergrenze des Erwerbstätigenfreibetrags",
    "erwerbstaetigenfreibetrag_m": "Erwerbstätigenfreibetrag",
    "freibetrag_erwerb_m": "Freibeträge auf Erwerbseinkommen",
    "erwerbseinkommen_anrechenbar_m": "anrechenbares Erwerbseinkommen",
    "einkommen_sonstiges_m": "sonstige Einnahmen",
    "pauschale_berechtigt": "Versicherungspauschale absetzbar",
    "kindergeld_m": "Kindergeld für die Person",
    "kindergeld_zuordnung": "Zuordnung des Kindergelds",
    "einkommen_ohne_kindergeld_m": "Einkommen ohne Kindergeld",
    "kind_deckt_bedarf": "Kind deckt seinen Bedarf selbst",
    "kindergeld_angerechnet_m": "Kindergeld als Einkommen der Person",
    "kindergeld_ueberhang_m": "nicht benötigtes Kindergeld an den Empfänger",
    "kindergeld_ueberhang_erhalten_m": "erhaltener Kindergeldüberhang",
    "versicherungspauschale_m": "Versicherungspauschale",
    "einkommen_bereinigt_m": "bereinigtes Einkommen",
    "bg_mitglied": "Mitglied der BG",
    "anzahl_mitglieder_bg": "Mitglieder der BG",
    "vermoegen_bg": "Vermögen der BG",
    "vermoegensfreibetrag_bg": "Vermögensfreibetrag der BG",
    "vermoegen_ueber_freibetrag_bg": "Vermögen über dem Freibetrag (kein Anspruch)",
    "ungedeckter_bedarf_m": "ungedeckter Bedarf",
    "ungedeckter_bedarf_m_bg": "R: ungedeckter Bedarf der Mitglieder",
    "einkommen_pool_m_bg": "E_pool: Einkommen der übrigen Mitglieder",
    "bedarfsanteil": "Bedarfsanteil",
    "anspruch_m": "Anspruch nach Bedarfsanteil",
    "wegfall_m": "Wegfall wegen Nichterreichbarkeit",
    "leistungsanspruch_m": "Leistungsanspruch",
    "minderung_m": "Minderung",
    "zahlbetrag_m": "Zahlbetrag",
}
#: Structure arrays that only wire rows together; a step's inputs leave them out.
_VERDRAHTUNG = {"bg_idx", "hh_idx", "anzahl_bg", "anzahl_hh", "hh_der_bg"}
#: Relations as row indices, recorded in a step's inputs as the p_id they point to (None: nobody).
_VERWEIS = {name.removeprefix("p_id_") + "_idx": name for name in ID_VERWEISE}
_EINGABE_NAME = {intern: name for name, intern in EINGABE_UMBENENNUNG.items()}
_EINGABE_EINHEIT = {GELD: "EUR", GRENZE: "EUR", BOOL: "bool", INT: "int"}


def _norm(text: str) -> str:
    treffer = _NORM.search(text)
    return treffer.group(0) if treffer else text


@lru_cache(maxsize=128)
def parameter_stand(stichtag: dt.date | str) -> str:
    """Name the law applied on `stichtag`.

    E.g. "Buergergeld 2026-01-01" or "Grundsicherungsgeld 2026-07-01".
    """
    if isinstance(stichtag, str):
        stichtag = dt.date.fromisoformat(stichtag)
    beginn = max(
        [w.gueltig_ab for p in PARAMETER.values() for w in p.values if w.gueltig_ab <= stichtag]
        + [r.gueltig_ab for r in regeln.REGELN if r.gueltig_ab <= stichtag]
    )
    return f"{PARAMETER['rechtsstand'].am(stichtag).leistung} {beginn.isoformat()}"


def _wert(einheit: str, roh: Any) -> Any:
    if isinstance(roh, np.ndarray):
        return [_wert(einheit, r) for r in roh.tolist()]
    if einheit == "EUR":
        return round(int(roh) / 100.0, 2)
    if einheit == "bool":
        return bool(roh)
    if einheit == "ratio" and isinstance(roh, float | np.floating):
        return round(float(roh), 6)
    return int(roh)


def _einheit(name: str, regel: regeln.Regel | None) -> str:
    """The trace's unit of a column: a rule's own, an input's by its schema type, "ratio" for counts."""
    if regel is not None:
        return {"int": "ratio"}.get(regel.einheit, regel.einheit)
    typ = SCHEMA.get(_EINGABE_NAME.get(name, name), (INT,))[0]
    return {"int": "ratio"}.get(_EINGABE_EINHEIT[typ], _EINGABE_EINHEIT[typ])


def _json(wert: Any) -> Any:
    if isinstance(wert, dt.date):
        return wert.isoformat()
    if isinstance(wert, dict):
        return {k: _json(v) for k, v in wert.items()}
    if isinstance(wert, list | tuple):
        return [_json(v) for v in wert]
    return wert


class _Leser:
    """Reads one BG's values out of the computed columns, each column once: per person of the BG (by
    position in `zeilen`), or the one value of its household or of the BG."""

    def __init__(self, ctx: dict[str, Any], code: int, zeilen: np.ndarray, aktiv: dict) -> None:
        self.ctx, self.code, self.zeilen, self.aktiv = ctx, code, zeilen, aktiv
        self.p_ids = ctx["p_id"][zeilen].tolist()
        self.hh = int(ctx["hh_der_bg"][code])
        self.spalten: dict[str, tuple[bool, Any]] = {}

    def _lies(self, name: str) -> tuple[bool, Any]:
        werte = self.ctx[name]
        if name in _VERWEIS:
            p_id = self.ctx["p_id"]
            return True, [int(p_id[z]) if z >= 0 else None for z in werte[self.zeilen].tolist()]
        regel = self.aktiv.get(name)
        einheit = _einheit(name, regel)
        ebene = regel.ebene if regel is not None else regeln.ebene_nach_name(name)
        grenze = SCHEMA.get(_EINGABE_NAME.get(name, name), (None,))[0] == GRENZE

        def wert(roh: Any) -> Any:
            if grenze and roh < 0:
                return None  # -1 cent: no limit given
            return _wert(einheit, roh)

        if ebene == "hh":
            return False, wert(werte[self.hh])
        if ebene == "bg":
            return False, wert(werte[self.code])
        if werte.ndim == 2:
            return True, [[wert(r) for r in zeile] for zeile in werte[:, self.zeilen].T.tolist()]
        return True, [wert(r) for r in werte[self.zeilen].tolist()]

    def wert(self, name: str, j: int | None) -> Any:
        """Column `name` as the trace shows it (Euro, bool, number; a relation as the p_id it points to)
        for the person at position `j`, or for the BG (`j` None; a person column as `{p_id: value}`)."""
        if name not in self.spalten:
            self.spalten[name] = self._lies(name)
        je_person, werte = self.spalten[name]
        if not je_person:
            return werte
        if j is None:
            return dict(zip(self.p_ids, werte, strict=True))
        return werte[j]


def _stufen(protokoll: list) -> dict[str, int]:
    """Stage of each recorded rule: even for person and household steps, odd for BG sums over them.

    A step's stage is at least that of its inputs, so steps shown stage by stage (and person by person
    within an even stage) never come before a step they use from the same person.
    """
    stufe: dict[str, int] = {}
    for aufruf in protokoll:
        regel = aufruf.regel
        s = max((stufe[a] for a in regel.argumente if a in stufe), default=0)
        stufe[regel.name] = s + ((s % 2 == 0) == (regel.ebene == "bg"))
    return stufe


_RANG = {name: i for i, name in enumerate(LABEL)}


def _lesefolge(teil: list) -> list:
    """The recorded rule runs of one stage in reading order: the order of `LABEL` (needs before income),
    never a rule before one whose result it uses (a topological order, as the engine's)."""
    rang = _RANG
    offen = {aufruf.regel.name: aufruf for aufruf in teil}
    folge = []
    while offen:
        bereit = [
            a
            for name, a in offen.items()
            if not any(arg in offen and arg != name for arg in a.regel.argumente)
        ]
        naechste = min(bereit, key=lambda a: rang.get(a.regel.name, len(rang)))
        folge.append(offen.pop(naechste.regel.name))
    return folge


@lru_cache(maxsize=256)
def _regel_info(
    regel: regeln.Regel, parameter: frozenset[str]
) -> tuple[str, tuple[tuple[str, str], ...], list[str]]:
    """A rule's unit, its arguments shown as inputs (name, name in the trace) and its parameters' keys."""
    argumente = tuple(
        (a, _VERWEIS.get(a, a)) for a in regel.argumente if a not in parameter and a not in _VERDRAHTUNG
    )
    return _einheit(regel.name, regel), argumente, sorted(parameter)


_PARAMETER_JSON: dict[tuple[str, dt.date], dict[str, Any]] = {}


def _parameter_json(key: str, wert: Any) -> dict[str, Any]:
    """A parameter value in force as the trace lists it (the dated values never change: kept)."""
    schluessel = (key, wert.gueltig_ab)
    if schluessel not in _PARAMETER_JSON:
        _PARAMETER_JSON[schluessel] = {
            "gueltig_ab": wert.gueltig_ab.isoformat(),
            "reference": wert.reference,
            "werte": _json(wert.felder),
        }
    return _PARAMETER_JSON[schluessel]


#: Stages and reading order by plan (the rules run and their versions); a handful of law versions.
_ANORDNUNGEN: dict[tuple, list[tuple[int, list[int]]]] = {}


def _anordnung(protokoll: list) -> list[tuple[int, list[int]]]:
    """Each stage with the positions in `protokoll` of its rule runs, in reading order."""
    schluessel = tuple((a.regel.name, a.regel.gueltig_ab) for a in protokoll)
    if (anordnung := _ANORDNUNGEN.get(schluessel)) is None:
        stufe = _stufen(protokoll)
        position = {a.regel.name: i for i, a in enumerate(protokoll)}
        anordnung = [
            (
                s,
                [
                    position[a.regel.name]
                    for a in _lesefolge([a for a in protokoll if stufe[a.regel.name] == s])
                ],
            )
            for s in sorted(set(stufe.values()))
        ]
        _ANORDNUNGEN[schluessel] = anordnung
    return anordnung


def baue_trace(ctx: dict[str, Any], stichtag: dt.date, bg_id: int) -> dict[str, Any]:
    """Return the trace of BG `bg_id` from the record of a computed context (see module docstring)."""
    bg_ids = ctx["bg_ids"]
    code = int(np.searchsorted(bg_ids, bg_id))
    if code >= len(bg_ids) or bg_ids[code] != bg_id:
        raise KeyError(f"BG {bg_id} is not in the input")
    protokoll = ctx.get("_protokoll")
    if protokoll is None:
        raise ValueError("the context was computed without a record (compute with a trace or behalte_werte)")
    aktiv = {aufruf.regel.name: aufruf.regel for aufruf in protokoll}
    periode = f"{stichtag:%Y-%m}"
    zeilen = np.flatnonzero(ctx["bg_idx"] == code)
    zeilen = zeilen[np.argsort(ctx["p_id"][zeilen], kind="stable")]
    leser = _Leser(ctx, code, zeilen, aktiv)
    steps: list[dict[str, Any]] = []

    def schritt(
        name: str, p_id: int | None, wert: Any, einheit: str, rule: str, formula: str, **mehr
    ) -> None:
        key = f"{name}<{periode}>" if p_id is None else f"{name}<{periode}>[{p_id}]"
        steps.append(
            {
                "name": name,
                "key": key,
                "p_id": p_id,
                "value": wert,
                "unit": einheit,
                "rule": rule,
                "formula": formula,
                "label": LABEL.get(name, name),
                **mehr,
            }
        )

    benutzt = {key: wert for aufruf in protokoll for key, wert in aufruf.parameter.items()}
    for key, feld, label, einheit in _PARAMETER_SCHRITTE:
        if key not in benutzt:
            continue
        wert = benutzt[key]
        steps.append(
            {
                "name": f"parameter.{key}.{feld}",
                "key": f"parameter.{key}.{feld}<{periode}>",
                "p_id": None,
                "value": _wert(einheit, round(wert[feld] * 100)),
                "unit": einheit,
                "rule": _norm(PARAMETER[key].description["de"]),
                "formula": f"Parameter ({wert.reference})",
                "label": label,
                "kind": "parameter",
                "gueltig_ab": wert.gueltig_ab.isoformat(),
            }
        )
    _parameter_stufen(steps, benutzt, periode)

    # Money inputs read by a rule: shown where non-zero, cited with the § of the first rule reading them.
    eingaben: dict[str, regeln.Regel] = {}
    for aufruf in protokoll:
        for a in aufruf.regel.argumente:
            if (
                a not in aktiv
                and a in ctx
                and regeln.ebene_nach_name(a) == "person"
                and SCHEMA.get(_EINGABE_NAME.get(a, a), (None,))[0] == GELD
            ):
                eingaben.setdefault(a, aufruf.regel)

    def regel_schritt(aufruf: Any, j: int | None, p_id: int | None) -> None:
        regel = aufruf.regel
        einheit, argumente, parameter = _regel_info(regel, frozenset(aufruf.parameter))
        inputs = {aussen: leser.wert(a, j) for a, aussen in argumente}
        wert = leser.wert(regel.name, j)
        rule = (
            regel.reference if regel.fundstellen is None else regel.fundstelle({**inputs, regel.name: wert})
        )
        schritt(
            regel.name,
            p_id,
            wert,
            einheit,
            rule,
            regel.formula,
            kind="rule",
            inputs=inputs,
            parameter=parameter,
        )

    for s, folge in _anordnung(protokoll):
        teil = [protokoll[i] for i in folge]
        if s % 2:
            for aufruf in teil:
                regel_schritt(aufruf, None, None)
            continue
        for j, p_id in enumerate(leser.p_ids):
            if s == 0:
                for name, regel in eingaben.items():
                    if betrag := leser.wert(name, j):
                        schritt(
                            name,
                            p_id,
                            betrag,
                            "EUR",
                            regel.reference,
                            f"Angabe im Antrag, verwendet für: {LABEL[regel.name]}",
                            kind="input",
                        )
            for aufruf in teil:
                regel_schritt(aufruf, j, p_id)
    return {
        "version": TRACE_VERSION,
        "bg_id": int(bg_id),
        "stichtag": stichtag.isoformat(),
        "parameter_stand": parameter_stand(stichtag),
        "parameter": {key: _parameter_json(key, w) for key, w in sorted(benutzt.items())},
        "steps": steps,
    }


def _parameter_stufen(steps: list[dict[str, Any]], benutzt: dict[str, Any], periode: str) -> None:
    """Add the graded parameters (Erwerbstätigenfreibetrag rates, Vermögensfreibeträge) the rules used."""

    def neu(name: str, wert: Any, einheit: str, rule: str, quelle: Any, label: str) -> None:
        steps.append(
            {
                "name": name,
                "key": f"{name}<{periode}>",
                "p_id": None,
                "value": wert,
                "unit": einheit,
                "rule": rule,
                "formula": f"Parameter ({quelle.reference})",
                "label": label,
                "kind": "parameter",
                "gueltig_ab": quelle.gueltig_ab.isoformat(),
            }
        )

    if freibetrag := benutzt.get("erwerbstaetigenfreibetrag"):
        for stufe in freibetrag.stufen:
            neu(
                f"parameter.erwerbstaetigenfreibetrag.promille_ab_{int(stufe['ab'])}",
                stufe["promille"] / 1000,
                "ratio",
                "§ 11b Abs. 3 SGB II",
                freibetrag,
                f"Erwerbstätigenfreibetrag: Satz ab {int(stufe['ab'])} €",
            )
    if vermoegen := benutzt.get("vermoegensfreibetrag"):
        for feld, wert in vermoegen.felder.items():
            if isinstance(wert, float | int) and not isinstance(wert, bool):
                neu(
                    f"parameter.vermoegensfreibetrag.{feld}",
                    _wert("EUR", round(wert * 100)),
                    "EUR",
                    "§ 12 Abs. 2 und 3 SGB II",
                    vermoegen,
                    f"Vermögensfreibetrag ({feld})",
                )
        for stufe in vermoegen.felder.get("stufen", []):
            neu(
                f"parameter.vermoegensfreibetrag.bis_alter_{stufe['bis_alter']}",
                _wert("EUR", round(stufe["betrag"] * 100)),
                "EUR",
                "§ 12 Abs. 2 SGB II idF 13. SGB II-ÄndG",
                vermoegen,
                f"Vermögensfreibetrag bis Alter {stufe['bis_alter']}",
            )


def _euro(wert: float) -> str:
    text = f"{wert:,.2f}"
    return text.replace(",", "X").replace(".", ",").replace("X", ".") + " €"


def trace_als_text(trace: dict[str, Any]) -> str:
    """Render a trace as readable German lines, one per step, each with its § (for the Bescheid)."""
    zeilen = [
        f"Berechnung für Bedarfsgemeinschaft {trace['bg_id']}, Monat des Stichtags {trace['stichtag']} "
        f"(Rechtsstand: {trace['parameter_stand']})"
    ]
    for step in trace["steps"]:
        wer = (
            "Parameter"
            if step["name"].startswith("parameter.")
            else (f"Person {step['p_id']}" if step["p_id"] is not None else "Bedarfsgemeinschaft")
        )
        wert = step["value"]
        if step["unit"] == "EUR":
            text = _euro(wert)
        elif step["unit"] == "bool":
            text = "ja" if wert else "nein"
        elif isinstance(wert, float):
            text = f"{wert:.6f}".replace(".", ",")
        else:
            text = str(wert)
        zeilen.append(f"{wer}: {step['label']} = {text} — {step['rule']}")
    return "\n".join(zeilen)
