"""SEPA credit-transfer files (pain.001.001.09) for a Zahllauf, built with sepaxml and validated.

Validation uses the XSD that ships with sepaxml. For files of national size the pure-Python
`xmlschema` takes minutes, so `xmllint` (libxml2, streaming) validates when it is installed and
`xmlschema` otherwise; both read the same XSD.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import sepaxml
from sepaxml import SepaTransfer

from vorort.core.models import Mandant

SCHEMA = "pain.001.001.09"
XSD = Path(sepaxml.__file__).parent / "schemas" / f"{SCHEMA}.xsd"


class SepaFehler(Exception):
    """The payment file does not match the XSD; it is never filed or sent."""


@dataclass(frozen=True)
class Ueberweisung:
    name: str
    iban: str
    bic: str
    betrag: Decimal
    verwendungszweck: str
    end_to_end_id: str


def build_pain001(mandant: Mandant, ausfuehrungsdatum: date, ueberweisungen: Iterable[Ueberweisung]) -> bytes:
    """Return one pain.001.001.09 document with all transfers in one batch, validated against the XSD."""
    if not mandant.iban:
        raise SepaFehler(
            f"Für {mandant.name} ist keine IBAN hinterlegt. Bitte in den Mandantendaten das Auszahlungskonto eintragen."
        )
    config = {"name": mandant.name[:70], "IBAN": mandant.iban, "batch": True, "currency": "EUR"}
    if mandant.bic:
        config["BIC"] = mandant.bic
    transfer = SepaTransfer(config, schema=SCHEMA, clean=True)
    for u in ueberweisungen:
        zahlung = {
            "name": u.name[:70], "IBAN": u.iban, "amount": int(u.betrag * 100), "execution_date": ausfuehrungsdatum,
            "description": u.verwendungszweck[:140], "endtoend_id": u.end_to_end_id,
        }
        if u.bic:
            zahlung["BIC"] = u.bic
        transfer.add_payment(zahlung)
    xml = transfer.export(validate=False)
    validate_pain001(xml)
    return xml


def validate_pain001(xml: bytes) -> None:
    """Raise SepaFehler unless `xml` is valid against the pain.001.001.09 XSD."""
    xmllint = shutil.which("xmllint")
    if xmllint:
        with tempfile.NamedTemporaryFile(suffix=".xml") as datei:
            datei.write(xml)
            datei.flush()
            ergebnis = subprocess.run(
                [xmllint, "--noout", "--stream", "--schema", str(XSD), datei.name], capture_output=True, text=True
            )
        if ergebnis.returncode != 0:
            raise SepaFehler(f"SEPA-Datei entspricht nicht dem Schema {SCHEMA}: {ergebnis.stderr.strip()[:500]}")
        return
    import xmlschema

    try:
        xmlschema.XMLSchema(str(XSD)).validate(xml.decode())
    except xmlschema.XMLSchemaValidationError as exc:
        raise SepaFehler(f"SEPA-Datei entspricht nicht dem Schema {SCHEMA}: {exc.reason}") from None
