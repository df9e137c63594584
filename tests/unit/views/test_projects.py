"""Projects logic: table, search in both languages, filters, counts, footprints."""

from __future__ import annotations

import pytest

from geo.data import facts
from geo.data.loader import load_bundled
from geo.views import projects as pv


@pytest.fixture(scope="module")
def ds():
    return load_bundled()


def test_table_has_30_rows_in_both_languages(ds):
    for lang in ("zh", "en"):
        df = pv.table(ds.projects, ds.subdistricts, lang)
        assert len(df) == 30 and df["id"].is_unique


def test_counts_by_sector_shape(ds):
    c = pv.sector_counts(ds.projects, "zh")
    assert list(c["count"]) == [3, 2, 11, 5, 6, 3]
    assert next(iter(c["sector"])) == "教育提升"


def test_programme_total_only(ds):
    assert "33.88" in pv.programme_total("zh") and "亿元" in pv.programme_total("zh")
    assert pv.programme_total("en") == "¥3.388 bn" and "33.88亿元" in pv.programme_total_note("en")
    df = pv.table(ds.projects, ds.subdistricts, "en")
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
    df = pv.table(ds.projects, ds.subdistricts, lang)
    assert set(pv.search_filter(df, q)["id"]) >= ids


def test_filters(ds):
    df = pv.table(ds.projects, ds.subdistricts, "zh")
    assert len(pv.search_filter(df, sectors=["urban_renewal"])) == 11
    wide = pv.search_filter(df, precisions=["district"])
    assert len(wide) > 0 and (wide["codes"] == "").all()
    xianjin = pv.search_filter(df, codes=["210213009000"])
    assert "P11" in set(xianjin["id"]) and (xianjin["codes"] != "").all()
    both = pv.search_filter(df, "改造", sectors=["urban_renewal"], precisions=["site"])
    assert set(both["id"]) <= set(pv.search_filter(df, sectors=["urban_renewal"])["id"])


def test_footprints(ds):
    site = ds.projects[ds.projects["id"] == "P11"].iloc[0]
    fp, wide = pv.footprint(site, ds.subdistricts)
    assert not wide and list(fp["code"]) == ["210213009000"]
    district = ds.projects[ds.projects["location_precision"] == "district"].iloc[0]
    fp, wide = pv.footprint(district, ds.subdistricts)
    assert wide and len(fp) == 25
    html = pv.footprint_map(site, ds.subdistricts, "zh").get_root().render()
    assert "210213009000" in html


def test_detail_has_published_figures(ds):
    p11 = ds.projects[ds.projects["id"] == "P11"].iloc[0]
    d = pv.detail_lines(p11, ds.subdistricts, "en")
    assert ("Buildings", 35) in d["figures"]
    assert d["where"] == "Xianjin"


def test_hostile_names_are_escaped_in_the_map(ds):
    p = ds.projects.copy()
    i = p.index[p["id"] == "P11"][0]
    p.at[i, "name_en"] = "<img src=x onerror=alert(1)>`${x}`"
    html = pv.footprint_map(p.loc[i], ds.subdistricts, "en").get_root().render()
    assert "<img src=x onerror" not in html and "${x}" not in html


def test_headline_metrics(ds):
    labels = [label for label, _ in pv.metrics(ds.projects, "en")]
    values = [value for _, value in pv.metrics(ds.projects, "en")]
    assert labels == ["Projects", "Sectors", "Programme investment (total)"]
    assert values == [30, 6, "¥3.388 bn"]


def test_sector_chart_shows_glyph_and_number(ds):
    spec = pv.sector_chart(ds.projects, "en").to_dict()
    data = next(iter(spec["datasets"].values()))
    assert [r["label"] for r in data] == [f"{s.symbol} {s.count}" for s in facts.SECTORS]
    assert [r["color"] for r in data] == [s.color for s in facts.SECTORS]
    assert spec["layer"][0]["mark"]["type"] == "bar" and spec["layer"][1]["mark"]["type"] == "text"


def test_figures_text_separator_per_language(ds):
    p11 = ds.projects[ds.projects["id"] == "P11"].iloc[0]
    row = p11.copy()
    row["households"] = 1200
    assert pv.figures_text(row, "en").count("; ") == 1 and "1,200" in pv.figures_text(row, "en")
    assert pv.figures_text(row, "zh").count("；") == 1


def test_table_names_both_languages_and_lists_subdistricts(ds):
    en = pv.table(ds.projects, ds.subdistricts, "en").set_index("id")
    zh = pv.table(ds.projects, ds.subdistricts, "zh").set_index("id")
    assert en.loc["P11", "name"] == zh.loc["P11", "name_other"] and zh.loc["P11", "name"] == en.loc["P11", "name_other"]
    assert (
        en.loc["P16", "subdistricts"] == "Zhanqian, Yongzheng" and zh.loc["P16", "subdistricts"] == "站前街道、拥政街道"
    )
    assert list(pv.column_labels("en")) == list(pv.TABLE_COLUMNS) and pv.column_labels("zh")["name"] == "项目名称"


def test_pick_labels_follow_the_filters(ds):
    table = pv.table(ds.projects, ds.subdistricts, "en")
    gas = pv.search_filter(table, "gas")
    assert list(pv.pick_labels(table, gas)) == ["P06"] and pv.pick_labels(table, gas)["P06"].startswith("P06 · ")
    assert list(pv.pick_labels(table, table.iloc[0:0])) == list(table["id"])  # nothing shown: every project


def test_detail_blocks_are_plain_text_in_order(ds):
    p11 = ds.projects[ds.projects["id"] == "P11"].iloc[0]
    blocks = pv.detail_blocks(p11, ds.subdistricts, "en")
    kinds = [k for k, _ in blocks]
    texts = [x for _, x in blocks]
    assert texts[0] == p11["name_en"] and texts[1] == p11["name_zh"]
    assert "Footprint: Xianjin" in texts and "Buildings: 35" in texts
    assert kinds.count("heading") == 2 and texts[kinds.index("heading")] == "Published facts"
    wide = ds.projects[ds.projects["location_precision"] == "district"].iloc[0].copy()
    for f in ("households", "buildings", "institutions", "people", "centres", "meal_points"):
        wide[f] = None
    assert blocks_end(pv.detail_blocks(wide, ds.subdistricts, "zh")) == ("heading", "已公布数字", "未公布具体数字。")


def blocks_end(blocks):
    (k1, t1), (_k2, t2) = blocks[-2], blocks[-1]
    return k1, t1, t2
