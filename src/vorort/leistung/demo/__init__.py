"""Part "leistung" of the demo county: KdU limits and two years of benefit history for every BG.

For each BG, built from the persons, households and employments the "personen" part wrote:

- the Mandant's KdU limits per municipality and household size from the profile (§ 22 Abs. 1 SGB II);
- its Bewilligungen back to the start of the history (24 months before the current month): the
  current one (12 months, a few provisional ones of 6 months under § 41a SGB II), the ones before
  it, each with its Antrag (facts of the persons, the household and the employments), its
  Berechnung and its Leistungsbeträge, prepared by the BG's caseworker and released by a second
  person (Vier-Augen-Prinzip);
- the Zahlläufe of those 24 months with their Zahlungen and ledger lines (`Buchung`), exactly as
  `leistung.zahllauf.book_chunk` books them, so the live run for the current month pays only it;
- open work: renewals due within two months, Weiterbewilligungsanträge in draft or ready for
  decision (some with documents missing past their deadline) and decisions waiting for release.

Speed (the whole county builds in well under a minute): the law engine runs once per month over
all persons of the Mandant; the large tables (Leistungsbeträge, Zahlungen, Buchungen, Anträge …)
are written with one `executemany` per batch of 20,000 rows and explicit ids. No per-BG action, no
per-row audit event: the build records one DEMO_ERZEUGT event per Mandant with `context.zaehler`.

Demo Berechnungen keep the BG amounts of every month (the person amounts are in the
Leistungsbeträge). Only for the demo logins' own BGs (`TRACE_JE_LOGIN` each) do they also keep the
engine input of their first month and, for the months from eleven months ago on, the full trace,
so the Berechnung screens a visitor opens explain every step.

Modules (private; this package exports only what `__all__` lists):

- `_teil`: the registered part `leistungsgeschichte`, which runs the steps below in order;
- `_kdu_grenzen`: the KdU limits from the profile;
- `_bestand`: the BGs and persons as arrays, and the engine input of one month;
- `_plan`: which Bewilligungen each BG has, and which renewals are open;
- `_berechnungen`: the engine's results for every month, and the BGs that keep full traces;
- `_schreiber`: the state the writing steps share, and the rows of an Antrag and its persons;
- `_antraege`, `_offene_arbeit`, `_zahllaeufe`: the writing steps;
- `_einfuegen`: raw `executemany` inserts with explicit ids, SQLite index drop and rebuild.

Importing this package registers the part with the demo registry (`autodiscover_modules("demo")`).
Decision record: `docs/decisions/0411-leistung-demo-history.md`.
"""

from ._berechnungen import TRACE_JE_LOGIN
from ._teil import HISTORIE_MONATE, leistungsgeschichte

__all__ = ["HISTORIE_MONATE", "TRACE_JE_LOGIN", "leistungsgeschichte"]
