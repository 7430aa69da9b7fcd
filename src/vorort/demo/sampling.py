"""Vectorised sampling of a county's Bedarfsgemeinschaften and persons from the profile.

Pure NumPy/Polars, no Django: the same function feeds the database build (`vorort demo`) and the
national Parquet run (`vorort demo --parquet`), so both follow one model. It follows the profile's
README ("sample jointly, top down"):

1. BG type and municipality by quota; then members per BG (minor children, adult children under
   25, partner and whether the partner is an eLb, children without own entitlement).
2. Ages: heads and partners of non-single BGs from type-specific priors, children conditioned on
   their parents; single heads then take the *residual* of the eLb age target, and the same for
   sex. This is raking with one free margin: children and families push the eLb marginals away
   from the target, the singles (the largest group) pull them back exactly.
3. Nationality, months in receipt, labour-market status, vocational qualification and earnings
   by weighted quotas, so that related attributes stay consistent (an employed eLb earns, an
   arbeitslos one earns below a 15-hour job, a pupil is young, Ukrainians arrived from 6/2022,
   under-15s are never eLb).
4. KdU: Bruttokaltmiete, heating and floor area per BG size and Vergleichsraum.

Quotas (largest remainder) instead of independent draws keep every share within a fraction of
a percentage point at county size, while the weighted random order keeps the data varied. Every
step draws from its own stream derived from the seed (`Streams`), so the result is a pure
function of (profile, seed, number of BGs).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import date

import numpy as np
import polars as pl

from vorort.demo.namen import WEITERE_STAATSANGEHOERIGKEITEN

BG_TYPEN = ("single", "single_parent", "couple", "couple_children", "other")
SINGLE, SINGLE_PARENT, COUPLE, COUPLE_CHILDREN, OTHER = range(5)
# Kinds of members while sampling; the export's role is head, partner or child (all others).
HEAD, PARTNER, MINOR, ADULT_CHILD, NON_ENTITLED = range(5)
STATUS = (
    "arbeitslos",
    "employed_not_arbeitslos",
    "in_measure",
    "caring",
    "school_training_study",
    "incapacity_or_sick",
    "other_58plus_rule",
)
NATIONALITIES = ("DE", "UA", "SY", "AF", "PL", "RO", *WEITERE_STAATSANGEHOERIGKEITEN)
# Months since a group could first draw SGB II benefits, up to the reference month 2025-01:
# Ukrainians from 6/2022 (Rechtskreiswechsel), refugees of 2015/16; SGB II itself began 1/2005.
MAX_MONATE = {"UA": 31, "SY": 120, "AF": 120, "IQ": 120, "IR": 120, "ER": 120, "SO": 120}
MAX_MONATE_SONST = 180
MAX_MONATE_SGB2 = 240

# Age priors (eLb age bands of the profile) for heads of non-single BGs; singles take the rest.
KOPF_ALTER_PRIOR = {
    SINGLE_PARENT: [0.08, 0.35, 0.47, 0.07, 0.03],
    COUPLE: [0.05, 0.18, 0.27, 0.15, 0.35],
    COUPLE_CHILDREN: [0.05, 0.35, 0.48, 0.09, 0.03],
    OTHER: [0.0, 0.0, 0.40, 0.25, 0.35],
}
KOPF_WEIBLICH = {SINGLE_PARENT: None, COUPLE: 0.5, COUPLE_CHILDREN: 0.5, OTHER: 0.7}
# Relative chance that a BG of a type is a BG of foreigners, and which nationality it has.
AUSLAENDER_TYP_GEWICHT = np.array([0.8, 1.3, 1.1, 2.0, 0.8])
NATIONALITAET_TYP_GEWICHT = {
    "UA": np.array([1.0, 3.0, 0.8, 1.2, 1.5]),
    "SY": np.array([1.0, 0.6, 1.5, 3.0, 1.0]),
    "AF": np.array([1.5, 0.6, 1.2, 2.5, 1.0]),
}


class Streams:
    """One independent random stream per named step, all derived from one seed."""

    def __init__(self, seed: int):
        self.seed = int(seed)

    def __call__(self, name: str) -> np.random.Generator:
        return np.random.Generator(
            np.random.PCG64(np.random.SeedSequence([self.seed, zlib.crc32(name.encode())]))
        )


def quota(shares, n: int) -> np.ndarray:
    """Split n into integer counts proportional to shares (largest remainder)."""
    shares = np.asarray(shares, dtype=float)
    if n <= 0 or shares.sum() <= 0:
        return np.zeros(len(shares), dtype=np.int64)
    raw = shares / shares.sum() * n
    counts = np.floor(raw).astype(np.int64)
    rest = int(n - counts.sum())
    counts[np.argsort(-(raw - counts), kind="stable")[:rest]] += 1
    return counts


def labels(rng: np.random.Generator, shares, n: int) -> np.ndarray:
    """n category codes in random order whose counts are the quota of shares."""
    return rng.permutation(np.repeat(np.arange(len(shares)), quota(shares, n)))


def _keys(rng: np.random.Generator, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Candidates (weight > 0) and their Efraimidis-Spirakis keys: larger key = drawn earlier."""
    candidates = np.flatnonzero(weights > 0)
    return candidates, np.log(rng.random(len(candidates))) / weights[candidates]


def pick(rng: np.random.Generator, weights, k: int) -> np.ndarray:
    """Boolean mask of k indices drawn without replacement with the given weights."""
    weights = np.asarray(weights, dtype=float)
    mask = np.zeros(len(weights), dtype=bool)
    candidates, keys = _keys(rng, weights)
    k = min(max(int(k), 0), len(candidates))
    if k == len(candidates):
        mask[candidates] = True
    elif k > 0:
        mask[candidates[np.argpartition(-keys, k - 1)[:k]]] = True
    return mask


def pick_until(rng: np.random.Generator, weights, amounts, target: float) -> np.ndarray:
    """Mask of a weighted random prefix whose summed amounts come closest to target."""
    weights = np.asarray(weights, dtype=float)
    amounts = np.asarray(amounts)
    mask = np.zeros(len(weights), dtype=bool)
    candidates, keys = _keys(rng, weights)
    if len(candidates) == 0 or target <= 0:
        return mask
    # Only the head of the random order is needed: partition first, then sort just that head.
    head = min(len(candidates), int(target / max(amounts[candidates].min(), 1e-9)) + 2)
    top = np.argpartition(-keys, head - 1)[:head] if head < len(candidates) else np.arange(len(candidates))
    order = candidates[top[np.argsort(-keys[top], kind="stable")]]
    total = np.cumsum(amounts[order])
    cut = int(np.searchsorted(total, target))
    if cut < len(order) and (cut == 0 or abs(total[cut] - target) <= abs(total[cut - 1] - target)):
        cut += 1
    mask[order[:cut]] = True
    return mask


def _bands(labels_: list[str], open_end: int) -> list[tuple[int, int]]:
    out = []
    for label in labels_:
        if label.endswith("+"):
            out.append((int(label[:-1]), open_end))
        else:
            lo, hi = label.split("-")
            out.append((int(lo), int(hi)))
    return out


def _age_in_band(rng, band_idx: np.ndarray, bands: list[tuple[int, int]], minimum: int = 18) -> np.ndarray:
    lo = np.maximum(np.array([b[0] for b in bands])[band_idx], minimum)
    hi = np.array([b[1] for b in bands])[band_idx]
    return lo + np.floor(rng.random(len(band_idx)) * (hi - lo + 1)).astype(np.int64)


@dataclass(frozen=True)
class County:
    """The sampled county: one frame of BGs and one of persons (sorted by BG, head first)."""

    bgs: pl.DataFrame
    persons: pl.DataFrame
    seed: int


def sample_county(
    profile: dict,
    *,
    seed: int,
    n_bg: int,
    gemeinden: list[dict] | None = None,
    stichtag: date = date(2025, 1, 1),
) -> County:
    """Sample n_bg BGs and their members; `gemeinden` replaces the profile's municipalities."""
    s = Streams(seed)
    comp = profile["bg_composition"]
    gemeinden = gemeinden or profile["municipalities"]
    n = int(n_bg)

    # 1. BG type and municipality, then the members of each BG.
    typ = labels(s("bg_type"), [comp["type_share"][t] for t in BG_TYPEN], n)
    gemeinde = labels(s("municipality"), [g["bg_share"] for g in gemeinden], n)
    n_minor = np.zeros(n, dtype=np.int64)
    n_adult = np.zeros(n, dtype=np.int64)
    partner_elb = np.zeros(n, dtype=bool)
    rng = s("members")
    for t in (SINGLE_PARENT, COUPLE_CHILDREN):
        idx = np.flatnonzero(typ == t)
        dist = comp["minor_children_distribution"][BG_TYPEN[t]]
        anzahl = np.array(sorted(int(k) for k in dist))
        n_minor[idx] = anzahl[labels(rng, [dist[k] for k in sorted(dist, key=int)], len(idx))]
    for t_name, mean in comp["adult_children_u25_per_bg_mean"].items():
        idx = np.flatnonzero(typ == BG_TYPEN.index(t_name))
        whole, frac = int(mean), mean - int(mean)
        n_adult[idx] = whole + pick(rng, np.ones(len(idx)), round(frac * len(idx)))
    for t_name, share in comp["partner_is_elb_share"].items():
        idx = np.flatnonzero(typ == BG_TYPEN.index(t_name))
        partner_elb[idx] = pick(rng, np.ones(len(idx)), round(share * len(idx)))
    has_partner = np.isin(typ, [COUPLE, COUPLE_CHILDREN])
    stock = profile["stock"]
    rlb = n + int(has_partner.sum()) + int(n_minor.sum()) + int(n_adult.sum())
    familien = np.isin(typ, [SINGLE_PARENT, COUPLE_CHILDREN])
    # Children whose own income (Unterhalt, Kindergeld) covers their need live in the household
    # without an own claim (§ 7 Abs. 3 Nr. 4 SGB II); they make up persons_in_bg - rlb.
    n_nonent = round((stock["persons_in_bg_incl_non_entitled"] / stock["rlb"] - 1) * rlb)
    nonent = pick(rng, familien.astype(float), n_nonent)

    bg = np.concatenate(
        [
            np.arange(n),
            np.flatnonzero(has_partner),
            np.repeat(np.arange(n), n_minor),
            np.repeat(np.arange(n), n_adult),
            np.flatnonzero(nonent),
        ]
    )
    kind = np.concatenate(
        [
            np.full(n, HEAD),
            np.full(int(has_partner.sum()), PARTNER),
            np.full(int(n_minor.sum()), MINOR),
            np.full(int(n_adult.sum()), ADULT_CHILD),
            np.full(int(nonent.sum()), NON_ENTITLED),
        ]
    )
    p = len(bg)

    # 2. Ages: families first, children conditioned on their parents.
    dem = profile["elb_demography"]
    band_labels = list(dem["age_band_share"])
    bands = _bands(band_labels, 66)
    rng = s("age")
    age = np.zeros(p, dtype=np.int64)
    head_age = np.zeros(n, dtype=np.int64)
    for t, prior in KOPF_ALTER_PRIOR.items():
        idx = np.flatnonzero(typ == t)
        head_age[idx] = _age_in_band(rng, rng.choice(len(bands), size=len(idx), p=prior), bands)
    is_adult = kind == ADULT_CHILD
    is_child = np.isin(kind, [MINOR, NON_ENTITLED])
    age[is_adult] = 18 + rng.integers(0, 7, size=int(is_adult.sum()))
    age[is_child] = rng.integers(0, 18, size=int(is_child.sum()))
    # Parents are at least 17 years older than their oldest child.
    oldest = np.full(n, -1, dtype=np.int64)
    np.maximum.at(oldest, bg[is_adult | is_child], age[is_adult | is_child])
    with_child = oldest >= 0
    head_age[with_child] = np.minimum(
        np.maximum(head_age[with_child], oldest[with_child] + 17 + rng.integers(0, 8, int(with_child.sum()))),
        66,
    )
    is_partner = kind == PARTNER
    partner_age = np.zeros(n, dtype=np.int64)
    pbg = bg[is_partner]
    partner_age[pbg] = np.clip(
        head_age[pbg] + np.rint(rng.normal(-1.5, 4.0, len(pbg))).astype(np.int64), 18, 66
    )
    partner_age[pbg] = np.minimum(np.maximum(partner_age[pbg], oldest[pbg] + 17), 66)
    age[is_partner] = partner_age[pbg]

    entitled = kind != NON_ENTITLED
    elb = (kind == HEAD) | (is_partner & partner_elb[bg]) | ((kind == MINOR) & (age >= 15)) | is_adult
    n_elb = int(elb.sum())
    single_idx = np.flatnonzero(typ == SINGLE)
    single_head = (kind == HEAD) & (typ[bg] == SINGLE)
    age_of_others = np.where(kind == HEAD, head_age[bg], age)
    others = elb & ~single_head
    counts_others = np.array(
        [((age_of_others[others] >= lo) & (age_of_others[others] <= hi)).sum() for lo, hi in bands]
    )
    residual = np.maximum(quota([dem["age_band_share"][b] for b in band_labels], n_elb) - counts_others, 0)
    head_age[single_idx] = _age_in_band(rng, labels(rng, residual, len(single_idx)), bands)
    is_head = kind == HEAD
    age[is_head] = head_age[bg[is_head]]

    # Sex: single parents by their share, couples one of each, singles take the residual.
    rng = s("sex")
    sex_f = np.zeros(p, dtype=bool)
    head_f = np.zeros(n, dtype=bool)
    sp = np.flatnonzero(typ == SINGLE_PARENT)
    head_f[sp] = pick(rng, np.ones(len(sp)), round(comp["single_parent_female_share"] * len(sp)))
    for t, share in KOPF_WEIBLICH.items():
        if share is not None:
            idx = np.flatnonzero(typ == t)
            head_f[idx] = pick(rng, np.ones(len(idx)), round(share * len(idx)))
    sex_f[is_partner] = ~head_f[bg[is_partner]]
    sex_f[is_child | is_adult] = rng.random(int((is_child | is_adult).sum())) < 0.5
    sex_f[is_head] = head_f[bg[is_head]]
    needed = round(dem["female_share"] * n_elb) - int((sex_f & elb & ~single_head).sum())
    head_f[single_idx] = pick(rng, np.ones(len(single_idx)), min(max(needed, 0), len(single_idx)))
    sex_f[is_head] = head_f[bg[is_head]]

    # 3. Nationality per BG: foreign BGs until the eLb share is reached, then the mix.
    rng = s("nationality")
    elb_per_bg = np.bincount(bg, weights=elb, minlength=n)
    ort_gewicht = np.array([1.4 if g.get("population", 0) >= 10000 else 0.6 for g in gemeinden])
    foreign = pick_until(
        rng, AUSLAENDER_TYP_GEWICHT[typ] * ort_gewicht[gemeinde], elb_per_bg, dem["foreign_share"] * n_elb
    )
    nat = np.zeros(n, dtype=np.int64)
    mix = dem["nationality_mix_of_foreigners"]
    f_idx = np.flatnonzero(foreign)
    counts = quota(list(mix.values()), len(f_idx))
    frei = np.ones(len(f_idx), dtype=bool)
    for code, k in zip(mix, counts, strict=True):
        if code == "other":
            continue
        gewicht = NATIONALITAET_TYP_GEWICHT.get(code, np.ones(5))[typ[f_idx]] * frei
        chosen = pick(rng, gewicht, int(k))
        nat[f_idx[chosen]] = NATIONALITIES.index(code)
        frei &= ~chosen
    weitere = list(WEITERE_STAATSANGEHOERIGKEITEN)
    w = np.array(list(WEITERE_STAATSANGEHOERIGKEITEN.values()))
    nat[f_idx[frei]] = [
        NATIONALITIES.index(weitere[i]) for i in rng.choice(len(weitere), int(frei.sum()), p=w / w.sum())
    ]

    # Months in receipt per BG, quotas counted in eLb (the check weighs by eLb).
    sit = profile["elb_situation"]
    rng = s("duration")
    max_m = np.full(n, MAX_MONATE_SGB2, dtype=np.int64)
    max_m[nat > 0] = MAX_MONATE_SONST
    for code, m in MAX_MONATE.items():
        max_m[nat == NATIONALITIES.index(code)] = m
    max_m = np.minimum(max_m, np.maximum((head_age - 17) * 12, 2))
    dur_labels = list(sit["duration_in_receipt_months_share"])
    dur_bands = _bands(dur_labels, MAX_MONATE_SGB2)
    targets = quota([sit["duration_in_receipt_months_share"][b] for b in dur_labels], n_elb)
    months = np.full(n, -1, dtype=np.int64)
    for b in range(len(dur_bands) - 1, -1, -1):
        lo, hi = dur_bands[b]
        open_ = (months < 0) & (max_m >= lo)
        chosen = (
            open_ if b == 0 else pick_until(rng, open_ * (1.0 + (head_age >= 50)), elb_per_bg, targets[b])
        )
        top = np.minimum(hi, max_m[chosen])
        if b == len(dur_bands) - 1:
            months[chosen] = lo + np.minimum(
                np.floor(rng.exponential(50.0, int(chosen.sum()))).astype(np.int64), top - lo
            )
        else:
            months[chosen] = lo + np.floor(rng.random(int(chosen.sum())) * (top - lo + 1)).astype(np.int64)
    months[months < 0] = 0

    # Labour-market status of every eLb, in an order that keeps it plausible.
    rng = s("status")
    e = np.flatnonzero(elb)
    a = age[e]
    f = sex_f[e]
    youngest = np.full(n, 99, dtype=np.int64)
    np.minimum.at(youngest, bg[is_child], age[is_child])
    u3 = youngest[bg[e]] < 3
    minors = n_minor[bg[e]] > 0
    status_counts = dict(
        zip(STATUS, quota([sit["labour_market_status_share"][x] for x in STATUS], len(e)), strict=True)
    )
    gewichte = {
        "other_58plus_rule": (a >= 58) * (1.0 + (a - 58) / 4),
        "school_training_study": np.select([a <= 17, a <= 20, a <= 24, a <= 29], [1e4, 8.0, 3.0, 0.3], 0.02),
        "caring": np.select([f & u3, f & minors, minors], [60.0, 6.0, 1.5], 0.15) * (a >= 18),
        "incapacity_or_sick": a / 30.0,
        "in_measure": np.where((a >= 18) & (a <= 60), 1.0, 0.3),
        "employed_not_arbeitslos": np.where((a >= 25) & (a <= 54), 2.0, 1.0) * (a >= 18),
    }
    st = np.full(len(e), -1, dtype=np.int64)
    for name, gewicht in gewichte.items():
        chosen = pick(rng, gewicht * (st < 0), status_counts[name])
        st[chosen] = STATUS.index(name)
    st[st < 0] = STATUS.index("arbeitslos")

    # No completed vocational training: nearly all under 25, more often among refugees.
    rng = s("qualification")
    nat_e = nat[bg[e]]
    code = {c: NATIONALITIES.index(c) for c in ("DE", "UA", "PL", "RO", "BG")}
    herkunft = np.select(
        [nat_e == code["DE"], nat_e == code["UA"], np.isin(nat_e, [code["PL"], code["RO"], code["BG"]])],
        [1.0, 1.2, 1.5],
        3.0,
    )
    novq_e = pick(
        rng, np.where(a <= 24, 25.0, 1.0) * herkunft, round(sit["no_vocational_qualification_share"] * len(e))
    )

    # Earnings: employed eLb take the highest band slots; other earners (mostly arbeitslos
    # with a Minijob) the rest, the non-arbeitslos first, so arbeitslos stays below 15 hours.
    rng = s("earnings")
    earn_labels = list(sit["earnings_band_share_among_earners"])
    n_earn = round(sit["aufstocker_share"] * len(e))
    slots = np.sort(
        np.repeat(
            np.arange(len(earn_labels)),
            quota([sit["earnings_band_share_among_earners"][x] for x in earn_labels], n_earn),
        )
    )[::-1]
    emp = rng.permutation(np.flatnonzero(st == STATUS.index("employed_not_arbeitslos")))[:n_earn]
    status_gewicht = np.array([3.0, 0.0, 0.5, 1.2, 2.0, 0.2, 0.4])
    rest = np.flatnonzero(pick(rng, status_gewicht[st], n_earn - len(emp)))
    rest = rest[np.lexsort((rng.random(len(rest)), st[rest] == STATUS.index("arbeitslos")))]
    band_e = np.full(len(e), -1, dtype=np.int64)
    band_e[emp] = slots[: len(emp)]
    band_e[rest] = slots[len(emp) : len(emp) + len(rest)]
    earnings_e = np.zeros(len(e))
    for b, label in enumerate(earn_labels):
        chosen = band_e == b
        k = int(chosen.sum())
        if label.endswith("+"):
            lo = float(label[:-1])
            cents = np.round((lo + np.minimum(rng.exponential(450.0, k), 2500.0)) * 100) + 1
        else:
            lo, hi = (float(x) for x in label.split("-"))
            lo = max(lo, 20.0) if b == 0 else lo + 0.01
            cents = np.floor((lo + rng.random(k) * (hi - lo)) * 100)
        earnings_e[chosen] = cents / 100

    # 4. KdU: rent per size and Vergleichsraum, a share above the limit; heating; floor area.
    kdu = profile["kdu"]
    rng = s("kdu")
    n_rlb = np.bincount(bg, weights=entitled, minlength=n).astype(np.int64)
    n_all = np.bincount(bg, minlength=n).astype(np.int64)
    vr_codes = sorted(kdu["vergleichsraeume"])
    vr = np.array([vr_codes.index(g["vergleichsraum"]) for g in gemeinden])[gemeinde]
    limit = np.zeros(n)
    for i, code in enumerate(vr_codes):
        limit[vr == i] = _per_size(kdu["vergleichsraeume"][code]["bruttokaltmiete_max_eur"], n_rlb[vr == i])
    act = kdu["actual_costs"]
    over = pick(rng, np.ones(n), round(act["bruttokaltmiete_over_limit_share"] * n))
    base = _per_size(act["bruttokaltmiete_mean_eur_by_size"], n_rlb, extra=70.0) * rng.lognormal(0.0, 0.13, n)
    rent = np.where(
        over, limit * rng.uniform(1.01, 1.25, n), np.minimum(base, limit * rng.uniform(0.93, 1.0, n))
    )
    heating = _per_size(act["heating_mean_eur_month_by_size"], n_rlb, extra=15.0) * rng.lognormal(
        0.0, 0.22, n
    )
    owner = pick(rng, np.ones(n), round(act["owner_occupier_share"] * n))
    area = _per_size(kdu["floor_area_m2"], n_all) * rng.uniform(0.72, 1.08, n)

    # Birth dates consistent with the age in completed years at the Stichtag.
    rng = s("birth")
    year0 = (np.int64(stichtag.year - 1) - age - 1970).astype("datetime64[Y]").astype("datetime64[D]")
    geburtsdatum = year0 + (1 + rng.integers(0, 365, p)).astype("timedelta64[D]")

    order = np.lexsort((kind, bg))
    status_p = np.full(p, len(STATUS), dtype=np.int64)
    status_p[e] = st
    novq_p = np.zeros(p, dtype=bool)
    novq_p[e] = novq_e
    earnings_p = np.zeros(p)
    earnings_p[e] = earnings_e
    ids = [g["id"] for g in gemeinden]
    bgs = pl.DataFrame(
        {
            "bg": np.arange(n),
            "bg_type": _enum(BG_TYPEN, typ),
            "gemeinde": _enum(ids, gemeinde),
            "ags": _enum([g.get("ags", "") for g in gemeinden], gemeinde),
            "vergleichsraum": _enum(vr_codes, vr),
            "nationality": _enum(NATIONALITIES, nat),
            "months_in_receipt": months,
            "bruttokaltmiete": np.round(rent, 2),
            "heizkosten": np.round(heating, 2),
            "wohnflaeche": np.round(area * 2) / 2,
            "eigentum": owner,
            "personen": n_all,
        }
    )
    persons = pl.DataFrame(
        {
            "bg": bg[order],
            "kind": kind[order],
            "role": _enum(["head", "partner", "child"], np.minimum(kind[order], 2)),
            "age": age[order],
            "sex": _enum(["m", "f"], sex_f[order].astype(np.int64)),
            "elb": elb[order],
            "entitled": entitled[order],
            "nationality": _enum(NATIONALITIES, nat[bg[order]]),
            "status": _enum([*STATUS, ""], status_p[order]),
            "novq": novq_p[order],
            "earnings": earnings_p[order],
            "geburtsdatum": geburtsdatum[order],
        }
    ).with_row_index("person")
    return County(bgs=bgs, persons=persons, seed=seed)


def _enum(categories, codes: np.ndarray) -> pl.Series:
    """Strings for integer codes as a Polars Enum (fast to build, dictionary-encoded in Parquet)."""
    categories = list(dict.fromkeys(str(c) for c in categories))
    return pl.Series(categories, dtype=pl.Enum(categories)).gather(
        pl.Series(np.asarray(codes, dtype=np.int64))
    )


def _per_size(table: dict, size: np.ndarray, extra: float | None = None) -> np.ndarray:
    """Look up a value by household size (1..5) with `each_further` (or `extra`) beyond 5."""
    keys = sorted(k for k in table if str(k).isdigit())
    top = int(keys[-1])
    values = np.array([float(table[k]) for k in keys])
    step = float(table.get("each_further", extra if extra is not None else 0.0))
    size = np.maximum(np.asarray(size), 1)
    clipped = np.minimum(size, top)
    return values[clipped - 1] + np.maximum(size - top, 0) * step
