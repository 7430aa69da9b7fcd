"""SEPA credit-transfer files (pain.001.001.09) for a Zahllauf, written as text and validated.

`build_pain001` writes the same document sepaxml's `SepaTransfer(batch=True)` builds (decision
0421: sepaxml builds an ElementTree and needs ~8 s per 100,000 transfers; a run of a million BGs
would spend over a minute there). Texts are transliterated to ASCII with `text_unidecode`, as
sepaxml does with `clean=True`. `tests/test_zahllauf_sepa.py` checks that both produce the same tree.

Validation uses the XSD that ships with sepaxml. For files of national size the pure-Python
`xmlschema` takes minutes, so `xmllint` (libxml2, streaming) validates when it is installed and
`xmlschema` otherwise; both read the same XSD.
"""

from __future__ import annotations

import secrets
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape

import sepaxml
from text_unidecode import unidecode

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


def _text(wert: str, laenge: int) -> str:
    return escape((wert if wert.isascii() else unidecode(wert))[:laenge])


def _transaktion(u: Ueberweisung) -> str:
    agent = f"<CdtrAgt><FinInstnId><BICFI>{escape(u.bic)}</BICFI></FinInstnId></CdtrAgt>" if u.bic else ""
    return (
        f"<CdtTrfTxInf><PmtId><EndToEndId>{escape(u.end_to_end_id)}</EndToEndId></PmtId>"
        f'<Amt><InstdAmt Ccy="EUR">{u.betrag:.2f}</InstdAmt></Amt>{agent}'
        f"<Cdtr><Nm>{_text(u.name, 70)}</Nm></Cdtr>"
        f"<CdtrAcct><Id><IBAN>{escape(u.iban)}</IBAN></Id></CdtrAcct>"
        f"<RmtInf><Ustrd>{_text(u.verwendungszweck, 140)}</Ustrd></RmtInf></CdtTrfTxInf>"
    )


def build_pain001(mandant: Mandant, ausfuehrungsdatum: date, ueberweisungen: Iterable[Ueberweisung]) -> bytes:
    """Return one pain.001.001.09 document with all transfers in one batch, validated against the XSD."""
    if not mandant.iban:
        raise SepaFehler(
            f"Für {mandant.name} ist keine IBAN hinterlegt. "
            "Bitte in den Mandantendaten das Auszahlungskonto eintragen."
        )
    teile, anzahl, summe = [], 0, Decimal("0.00")
    for u in ueberweisungen:
        teile.append(_transaktion(u))
        anzahl += 1
        summe += u.betrag
    name = escape(mandant.name[:70])
    jetzt = datetime.now()
    kopf_id = "".join(c for c in mandant.name if c.isascii() and c.isalnum())[:22]
    bic = f"<BICFI>{escape(mandant.bic)}</BICFI>" if mandant.bic else ""
    kopf = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:{SCHEMA}" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><CstmrCdtTrfInitn>'
        f"<GrpHdr><MsgId>{jetzt:%Y%m%d%I%M%S}-{secrets.token_hex(6)}</MsgId><CreDtTm>{jetzt:%Y-%m-%dT%H:%M:%S}</CreDtTm>"
        f"<NbOfTxs>{anzahl}</NbOfTxs><CtrlSum>{summe:.2f}</CtrlSum><InitgPty><Nm>{name}</Nm></InitgPty></GrpHdr>"
        f"<PmtInf><PmtInfId>{kopf_id}-{secrets.token_hex(6)}</PmtInfId><PmtMtd>TRF</PmtMtd><BtchBookg>true</BtchBookg>"
        f"<NbOfTxs>{anzahl}</NbOfTxs><CtrlSum>{summe:.2f}</CtrlSum><PmtTpInf><SvcLvl><Cd>SEPA</Cd></SvcLvl></PmtTpInf>"
        f"<ReqdExctnDt><Dt>{ausfuehrungsdatum:%Y-%m-%d}</Dt></ReqdExctnDt><Dbtr><Nm>{name}</Nm></Dbtr>"
        f"<DbtrAcct><Id><IBAN>{escape(mandant.iban)}</IBAN></Id></DbtrAcct>"
        f"<DbtrAgt><FinInstnId>{bic}</FinInstnId></DbtrAgt><ChrgBr>SLEV</ChrgBr>"
    )
    xml = "".join([kopf, *teile, "</PmtInf></CstmrCdtTrfInitn></Document>"]).encode()
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
                [xmllint, "--noout", "--stream", "--schema", str(XSD), datei.name],
                capture_output=True,
                text=True,
            )
        if ergebnis.returncode != 0:
            raise SepaFehler(
                f"SEPA-Datei entspricht nicht dem Schema {SCHEMA}: {ergebnis.stderr.strip()[:500]}"
            )
        return
    import xmlschema

    try:
        xmlschema.XMLSchema(str(XSD)).validate(xml.decode())
    except xmlschema.XMLSchemaValidationError as exc:
        raise SepaFehler(f"SEPA-Datei entspricht nicht dem Schema {SCHEMA}: {exc.reason}") from None
