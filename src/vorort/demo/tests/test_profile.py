from __future__ import annotations

import pytest

from vorort.demo.profil import COUNTY_FILE, GERMANY_FILE, UngueltigerMassstab, parse_scale


@pytest.mark.shared
@pytest.mark.parametrize("name", ["demo-county.yaml", "germany.yaml"])
def test_profile_copy_mirrors_shared_data(name, shared):
    ours = {"demo-county.yaml": COUNTY_FILE, "germany.yaml": GERMANY_FILE}[name]
    assert ours.read_bytes() == (shared / "data" / name).read_bytes(), (
        f"src/vorort/demo/profile/{name} differs from shared/data/{name}: copy it again"
    )


@pytest.mark.parametrize(
    ("value", "factor"),
    [("county", 1.0), ("zkt", 96.3), ("national", 458.7), ("0.5", 0.5), ("2,5", 2.5), (3, 3.0)],
)
def test_parse_scale_accepts_names_and_numbers(value, factor):
    assert parse_scale(value) == factor


@pytest.mark.parametrize("value", ["abc", "0", "-1", "nan", "inf", ""])
def test_parse_scale_names_the_bad_argument(value):
    with pytest.raises(UngueltigerMassstab, match=r"--scale"):
        parse_scale(value)
