"""Projects logic: table, search in both languages, filters, counts, footprints."""

from __future__ import annotations

import pytest

from geo.data.loader import load_bundled
from geo.views import projects as P


@pytest.fixture(scope="module")
def ds():
    return load_bundled()


def test_table_has_30_rows_in_both_languages(ds):
    for lang in ("zh", "en"):
        df = P.table(ds.projects, ds.subdistricts, lang)
        assert len(df) == 30 and df["id"].is_unique


def test_counts_by_sector_shape(ds):
    c = P.sector_counts(ds.projects, "zh")
    assert list(c["count"]) == [3, 2, 11, 5, 6, 3]
    assert next(iter(c["sector"])) == "教育提升"


def test_programme_total_only(ds):
    assert "33.88" in P.programme_total("zh") and "亿元" in P.programme_total("zh")
    assert P.programme_total("en") == "¥3.388 bn" and "33.88亿元" in P.programme_total_note("en")
    df = P.table(ds.projects, ds.subdistricts, "en")
    assert not any("invest" in c.lower() for c in df.columns)


@pytest.mark.parametrize(
    ("q", "lang", "ids"),
    [
        ("燃气", "zh", {"P06"}),
        ("gas", "en", {"P06"}),
        ("GAS", "zh", {"P06"}),  # English works in the Chinese view too, case-insensitive
        ("响泉", "en", {"P11"}),
        ("xianjin", "zh", {"P11"}),
        ("先进", "en", {"P11"}),
    ],
)
def test_search(ds, q, lang, ids):
    df = P.table(ds.projects, ds.subdistricts, lang)
    assert set(P.search_filter(df, q)["id"]) >= ids


def test_filters(ds):
    df = P.table(ds.projects, ds.subdistricts, "zh")
    assert len(P.search_filter(df, sectors=["urban_renewal"])) == 11
    wide = P.search_filter(df, precisions=["district"])
    assert len(wide) > 0 and (wide["codes"] == "").all()
    xianjin = P.search_filter(df, codes=["210213009000"])
    assert "P11" in set(xianjin["id"]) and (xianjin["codes"] != "").all()
    both = P.search_filter(df, "改造", sectors=["urban_renewal"], precisions=["site"])
    assert set(both["id"]) <= set(P.search_filter(df, sectors=["urban_renewal"])["id"])


def test_footprints(ds):
    site = ds.projects[ds.projects["id"] == "P11"].iloc[0]
    fp, wide = P.footprint(site, ds.subdistricts)
    assert not wide and list(fp["code"]) == ["210213009000"]
    district = ds.projects[ds.projects["location_precision"] == "district"].iloc[0]
    fp, wide = P.footprint(district, ds.subdistricts)
    assert wide and len(fp) == 25
    html = P.footprint_map(site, ds.subdistricts, "zh").get_root().render()
    assert "210213009000" in html


def test_detail_has_published_figures(ds):
    p11 = ds.projects[ds.projects["id"] == "P11"].iloc[0]
    d = P.detail_lines(p11, ds.subdistricts, "en")
    assert ("Buildings", 35) in d["figures"]
    assert d["where"] == "Xianjin"


def test_hostile_names_are_escaped_in_the_map(ds):
    p = ds.projects.copy()
    i = p.index[p["id"] == "P11"][0]
    p.at[i, "name_en"] = "<img src=x onerror=alert(1)>`${x}`"
    html = P.footprint_map(p.loc[i], ds.subdistricts, "en").get_root().render()
    assert "<img src=x onerror" not in html and "${x}" not in html
