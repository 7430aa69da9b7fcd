"""The population model without a database: deterministic, and consistent within itself."""

from __future__ import annotations

import numpy as np
import polars as pl

from vorort.demo.profil import county_profile
from vorort.demo.sampling import pick, pick_until, quota, sample_county


def _sample(seed: int, n_bg: int = 700):
    return sample_county(county_profile(), seed=seed, n_bg=n_bg)


def test_same_seed_gives_identical_frames_and_another_seed_does_not():
    a, b, c = _sample(11), _sample(11), _sample(12)
    assert a.persons.equals(b.persons) and a.bgs.equals(b.bgs)
    assert not a.persons.equals(c.persons)


def test_structural_rules_hold():
    county = _sample(3)
    p = county.persons
    heads = p.filter(pl.col("role") == "head").group_by("bg").len()
    assert heads.height == county.bgs.height and heads["len"].max() == 1
    assert p.group_by("bg").agg(pl.col("elb").sum())["elb"].min() >= 1
    elb = p.filter(pl.col("elb"))
    assert elb["age"].min() >= 15 and elb["age"].max() <= 66
    assert p.filter(pl.col("age") < 15)["elb"].sum() == 0


def test_related_attributes_stay_consistent():
    p = _sample(5, n_bg=2000).persons.filter(pl.col("elb"))
    employed = p.filter(pl.col("status") == "employed_not_arbeitslos")
    assert employed["earnings"].min() > 0
    # arbeitslos: at most a Minijob (below a 15-hour job)
    assert p.filter(pl.col("status") == "arbeitslos")["earnings"].max() <= 556
    assert p.filter(pl.col("status") == "other_58plus_rule")["age"].min() >= 58
    assert p.filter(pl.col("status") == "").height == 0


def test_quota_and_picks_are_exact():
    assert quota([0.5, 0.3, 0.2], 7).tolist() == [4, 2, 1]
    rng = np.random.default_rng(1)
    assert pick(rng, np.array([1.0, 0.0, 2.0, 1.0]), 2).sum() == 2
    assert not pick(rng, np.array([1.0, 0.0, 2.0, 1.0]), 3)[1]
    mask = pick_until(rng, np.ones(10), np.full(10, 2), 7)
    assert mask.sum() in (3, 4)
