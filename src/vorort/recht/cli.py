"""`vorort calc`: compute a batch from a CSV or Parquet file (CONTRACT §1), without Django.

On bad input the command exits with status 2, writes no output file (the result goes to a
temporary file that is renamed only on success) and prints one line on stderr, e.g.
`error: row 17 (p_id 4711), column netto_erwerb_m: negative amount -12.5`.
Each `--trace BG_ID` prints that BG's trace as one JSON object per line on stdout.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import sys
import tempfile
from pathlib import Path

import polars as pl

from .eingabe import EingabeFehler, pruefe_stichtag
from .engine import _NICHT_GELD, compute

FEHLER_EXIT = 2


class _Abbruch(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line on stderr instead of usage + message
        raise _Abbruch(message)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="vorort calc", description="Compute SGB II claims for a batch of persons (CONTRACT §1)."
    )
    parser.add_argument("--stichtag", required=True, help="YYYY-MM-DD, 2023-01-01 .. 2026-12-31")
    parser.add_argument("--input", required=True, type=Path, help="persons, .csv or .parquet")
    parser.add_argument("--output", required=True, type=Path, help="result, .csv or .parquet")
    parser.add_argument("--level", choices=["bg", "person"], default="bg")
    parser.add_argument(
        "--trace", action="append", default=[], metavar="BG_ID", help="print the trace of this BG"
    )
    return parser


def lese_eingabe(pfad: Path) -> pl.DataFrame:
    """Read the persons file; CSV is read as text so that every cell is validated with its row."""
    endung = pfad.suffix.lower()
    if endung not in (".csv", ".parquet"):
        raise _Abbruch(f"input {pfad}: unknown extension {pfad.suffix!r}, use .csv or .parquet")
    if not pfad.is_file():
        raise _Abbruch(f"input {pfad}: file not found")
    try:
        if endung == ".csv":
            return pl.read_csv(pfad, infer_schema=False, encoding="utf8")
        return pl.read_parquet(pfad)
    except (pl.exceptions.PolarsError, OSError, UnicodeDecodeError) as fehler:
        raise _Abbruch(f"input {pfad}: cannot be read ({str(fehler).splitlines()[0]})") from None


def _fuer_csv(frame: pl.DataFrame) -> pl.DataFrame:
    """Format money with exactly two decimals and the ratio with six (CONTRACT §3)."""
    ausdruecke = []
    for name, dtype in frame.schema.items():
        if name in _NICHT_GELD or not dtype.is_float():
            if name == "bedarfsanteil":
                ausdruecke.append(pl.col(name).round(6))
            else:
                ausdruecke.append(pl.col(name))
            continue
        cent = (pl.col(name) * 100).round(0).cast(pl.Int64)
        ausdruecke.append(
            pl.format("{}.{}", cent // 100, (cent % 100).cast(pl.String).str.zfill(2)).alias(name)
        )
    return frame.select(ausdruecke)


def schreibe_ausgabe(frame: pl.DataFrame, pfad: Path) -> None:
    """Write atomically: a temporary file in the target directory, renamed on success."""
    endung = pfad.suffix.lower()
    ordner = pfad.parent if str(pfad.parent) else Path(".")
    handle, temp = tempfile.mkstemp(prefix=f".{pfad.name}.", suffix=endung, dir=ordner)
    os.close(handle)
    try:
        if endung == ".csv":
            _fuer_csv(frame).write_csv(temp)
        else:
            frame.write_parquet(temp, compression="lz4", statistics=False)
        os.replace(temp, pfad)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def speicher_wiederverwenden() -> None:
    """Let glibc malloc reuse freed memory instead of returning it to the system (see docs/decisions/0103).

    A batch allocates many short-lived column arrays of tens of MB; by default each is a fresh mmap whose
    pages are faulted in again, which costs more than the arithmetic on this kind of machine.
    """
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return
    m_trim_threshold, m_mmap_threshold = -1, -3
    libc.mallopt(m_mmap_threshold, 1 << 30)
    libc.mallopt(m_trim_threshold, (1 << 31) - 1)


def main(argv: list[str]) -> int:
    """Run `vorort calc` with `argv` (without the subcommand name); return the exit status."""
    speicher_wiederverwenden()
    try:
        args = _parser().parse_args(argv)
        stichtag = pruefe_stichtag(args.stichtag)
        if args.output.suffix.lower() not in (".csv", ".parquet"):
            raise _Abbruch(
                f"output {args.output}: unknown extension {args.output.suffix!r}, use .csv or .parquet"
            )
        if not (args.output.parent if str(args.output.parent) else Path(".")).is_dir():
            raise _Abbruch(f"output {args.output}: directory does not exist")
        trace_ids = []
        for text in args.trace:
            try:
                trace_ids.append(int(text))
            except ValueError:
                raise _Abbruch(f"--trace {text!r}: BG_ID must be an integer") from None
        personen = lese_eingabe(args.input)
        ergebnis = compute(
            personen, stichtag, behalte_werte=bool(trace_ids), mit_personen=args.level == "person"
        )
        vorhanden = set(ergebnis.bg.get_column("bg_id").to_list()) if trace_ids else set()
        fehlend = [b for b in trace_ids if b not in vorhanden]
        if fehlend:
            raise _Abbruch(f"--trace {fehlend[0]}: no BG with this bg_id in the input")
        from .trace import baue_trace

        traces = [baue_trace(ergebnis.werte, stichtag, b) for b in trace_ids]
        schreibe_ausgabe(ergebnis.bg if args.level == "bg" else ergebnis.person, args.output)
    except EingabeFehler as fehler:
        print(f"error: {fehler.zeile_en()}", file=sys.stderr)
        return FEHLER_EXIT
    except _Abbruch as fehler:
        print(f"error: {fehler}", file=sys.stderr)
        return FEHLER_EXIT
    for trace in traces:
        sys.stdout.write(json.dumps(trace, ensure_ascii=False) + "\n")
    return 0
