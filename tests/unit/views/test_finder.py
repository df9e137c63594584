"""Meal-point finder: geo.views.finder (origins, answers, edge cases, words, page state and cards),
geo.maps.finder with its asset files, and the page (AppTest)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from urllib.parse import parse_qs, urlsplit

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point, box

from geo.core.datum import wgs84_to_gcj02
from geo.core.distance import haversine_m
from geo.data import facts
from geo.data.loader import load_bundled
from geo.i18n import TABLE, t
from geo.maps.assets import read
from geo.maps.base import VENDOR_URL
from geo.maps.finder import finder_base_map, result_layer
from geo.views import finder as fd
from geo.views.poster import PRECISION_ORDER
from tests.support.apptest import map_js, run_app

YONGZHENG = "210213001000"
WANLI = "210213013000"


@pytest.fixture(scope="module")
def ds():
    return load_bundled()


@pytest.fixture(scope="module")
def finder(ds):
    return fd.Finder(ds.meal_points, ds.subdistricts)


def _points(rows):
    df = pd.DataFrame(rows)
    for col in ("name_en", "location_precision", "kind", "phone", "hours", "delivery", "price_note", "address"):
        if col not in df:
            df[col] = None
    if "name_en" in df:
        df["name_en"] = df["name_en"].fillna(df["name_zh"])
    df["location_precision"] = df["location_precision"].fillna("illustrative")
    return gpd.GeoDataFrame(df, geometry=[Point(x, y) for x, y in zip(df["lon"], df["lat"])], crs=4326)


def _subs():
    """Two square subdistricts side by side: A = [0,1]x[0,1] shifted to Jinpu, B to its east."""
    x0, y0 = 121.70, 39.00
    return gpd.GeoDataFrame(
        {
            "code": ["A", "B"],
            "name_zh": ["甲街道", "乙街道"],
            "name_en": ["Alpha", "Beta"],
            "seat_lat": [y0 + 0.05, y0 + 0.05],
            "seat_lon": [x0 + 0.05, x0 + 0.15],
            "seat_uncertainty_km": [1.0, 2.0],
        },
        geometry=[box(x0, y0, x0 + 0.1, y0 + 0.1), box(x0 + 0.1, y0, x0 + 0.2, y0 + 0.1)],
        crs=4326,
    )


# ------------------------------------------------------------------ origins


def test_origin_from_text_gcj02_is_shifted_back():
    g = wgs84_to_gcj02(121.712, 39.108)
    o = fd.origin_from_text(f"{g[1]}, {g[0]}", datum="gcj02")
    assert (o.lon, o.lat) == pytest.approx((121.712, 39.108), abs=1e-8)
    assert o.kind == "typed" and o.user_given


def test_origin_from_seat_uses_layer_then_facts(ds):
    o = fd.origin_from_seat(ds.subdistricts, YONGZHENG)
    seat = facts.SEAT_BY_CODE[YONGZHENG]
    assert (o.lon, o.lat, o.kind, o.code) == (seat.lon, seat.lat, "seat", YONGZHENG)
    assert o.uncertainty_km == seat.uncertainty_km and not o.user_given
    assert fd.origin_from_seat(None, YONGZHENG).lat == seat.lat
    with pytest.raises(KeyError):
        fd.origin_from_seat(None, "nope")


def test_origin_from_click_and_datum():
    assert fd.origin_from_click(None) is None
    assert fd.origin_from_click({"lat": None, "lng": 1}) is None
    o = fd.origin_from_click({"lat": 39.1, "lng": 121.7})
    assert (o.lon, o.lat, o.kind) == (121.7, 39.1, "map")
    # a wrapped world copy comes back to [-180, 180)
    assert fd.origin_from_click({"lat": 39.1, "lng": 121.7 + 360}).lon == pytest.approx(121.7)
    g = wgs84_to_gcj02(121.7, 39.1)
    o = fd.origin_from_click({"lat": g[1], "lng": g[0]}, base_datum="gcj02")
    assert (o.lon, o.lat) == pytest.approx((121.7, 39.1), abs=1e-8)


# ------------------------------------------------------------------ answers


def test_nearest_matches_brute_force_and_walk(finder, ds):
    o = fd.Origin("map", 121.75, 39.07)
    a = finder.answer(o, "zh")
    d = haversine_m(o.lon, o.lat, ds.meal_points["lon"].to_numpy(), ds.meal_points["lat"].to_numpy())
    order = np.lexsort((np.arange(len(d)), d))[:5]
    assert [r.id for r in a.results] == list(ds.meal_points["id"].to_numpy()[order])
    assert [r.rank for r in a.results] == [1, 2, 3, 4, 5]
    for r, i in zip(a.results, order):
        assert r.straight_m == pytest.approx(d[i])
        assert r.walk_m == pytest.approx(d[i] * 1.3)
        assert r.walk_min == pytest.approx(d[i] * 1.3 / (4670 / 60))
    assert not a.outside and not a.empty and a.origin_code is not None


def test_nav_links_datum_and_origin():
    # a real (address) position: walking navigation from the tapped point, GCJ-02 for Amap
    pts = _points(
        [
            {
                "id": "R",
                "name_zh": "真点",
                "subdistrict_code": "A",
                "lat": 39.05,
                "lon": 121.76,
                "location_precision": "address",
            }
        ]
    )
    f = fd.Finder(pts, _subs())
    o = fd.Origin("map", 121.75, 39.07)
    r = f.answer(o, "zh").results[0]
    amap, baidu = (a.url for a in r.ways.actions)
    q = parse_qs(urlsplit(amap).query)
    to = q["to"][0].split(",")
    assert (float(to[0]), float(to[1])) == pytest.approx(wgs84_to_gcj02(r.lon, r.lat), abs=2e-6)
    assert q["mode"] == ["walk"] and q["coordinate"] == ["gaode"]
    fr = q["from"][0].split(",")
    assert (float(fr[0]), float(fr[1])) == pytest.approx(wgs84_to_gcj02(o.lon, o.lat), abs=2e-6)
    b = parse_qs(urlsplit(baidu).query)
    assert b["destination"][0].startswith(f"latlng:{r.lat:.6f},{r.lon:.6f}|")
    assert b["coord_type"] == ["wgs84"] and b["mode"] == ["walking"]
    # from a seat estimate the apps start at the phone's own location: no origin sent
    seat = f.answer(fd.origin_from_seat(_subs(), "A"), "zh").results[0]
    amap, baidu = (a.url for a in seat.ways.actions)
    assert "from" not in parse_qs(urlsplit(amap).query)
    assert "origin" not in parse_qs(urlsplit(baidu).query)


def test_within_mode_uses_walking_radius(finder, ds):
    o = fd.Origin("map", 121.712, 39.108)
    a = finder.answer(o, "zh", mode="within", walk_radius_m=1000)
    d = haversine_m(o.lon, o.lat, ds.meal_points["lon"].to_numpy(), ds.meal_points["lat"].to_numpy())
    assert len(a.results) == int(np.sum(d <= 1000 / 1.3))
    assert all(r.walk_m <= 1000 + 1e-6 for r in a.results)
    with pytest.raises(ValueError):
        finder.answer(o, "zh", mode="within")
    # from a seat estimate no distance applies: the subdistrict's list, whatever the mode
    seat = finder.answer(fd.origin_from_seat(ds.subdistricts, YONGZHENG), "zh", mode="within", walk_radius_m=300)
    assert seat.mode == "subdistrict" and seat.walk_radius_m is None and not seat.none_within


def test_within_none_falls_back_to_nearest():
    f = fd.Finder(
        _points([{"id": "P1", "name_zh": "远点", "subdistrict_code": "B", "lat": 39.05, "lon": 121.86}]), _subs()
    )
    a = f.answer(fd.Origin("map", 121.75, 39.05), "zh", mode="within", walk_radius_m=300)
    assert a.none_within and [r.id for r in a.results] == ["P1"]
    assert any("300 米" in text for _, text in fd.messages(a, "zh"))


def test_within_truncates():
    rows = [
        {"id": f"P{i}", "name_zh": f"点{i}", "subdistrict_code": "A", "lat": 39.05, "lon": 121.75 + i * 1e-5}
        for i in range(fd.MAX_WITHIN + 3)
    ]
    a = fd.Finder(_points(rows), _subs()).answer(
        fd.Origin("map", 121.75, 39.05), "en", mode="within", walk_radius_m=500
    )
    assert len(a.results) == fd.MAX_WITHIN and a.truncated == 3
    assert any("3 more" in text for _, text in fd.messages(a, "en"))


def test_empty_layer(ds):
    empty = ds.meal_points.iloc[0:0]
    f = fd.Finder(empty, ds.subdistricts)
    a = f.answer(fd.origin_from_seat(ds.subdistricts, YONGZHENG), "zh")
    assert a.empty and a.results == []
    msgs = fd.messages(a, "zh")
    assert msgs == [("error", t("fd.msg.empty", "zh"))]


def test_outside_district_answers_anyway(finder):
    for lon, lat in [(116.4, 39.9), (121.0, 38.5), (0.0, 0.0)]:
        a = finder.answer(fd.Origin("typed", lon, lat), "en")
        assert a.outside and len(a.results) == 5 and a.origin_code is None
        level, text = fd.messages(a, "en")[0]
        assert level == "warning" and "outside Jinpu" in text


def test_ties_are_flagged_including_beyond_k():
    # six points on a circle of ~1 km around the origin: all equally near
    o = (121.75, 39.05)
    rows = []
    for i in range(6):
        ang = i * np.pi / 3
        rows.append(
            {
                "id": f"T{i}",
                "name_zh": f"等距{i}",
                "subdistrict_code": "A",
                "lat": o[1] + 0.009 * np.sin(ang),
                "lon": o[0] + 0.009 * np.cos(ang) / np.cos(np.radians(o[1])),
            }
        )
    pts = _points(rows)
    d = haversine_m(o[0], o[1], pts["lon"].to_numpy(), pts["lat"].to_numpy())
    # make them exactly equal by moving each point to the same great-circle distance
    assert d.max() - d.min() < 5
    r0 = float(d.min())
    from pyproj import Geod

    g = Geod(ellps="sphere", a=6371008.8, b=6371008.8)
    for i in range(6):
        lon, lat, _ = g.fwd(o[0], o[1], i * 60.0, r0)
        pts.loc[i, "lon"], pts.loc[i, "lat"] = lon, lat
    a = fd.Finder(pts, _subs()).answer(fd.Origin("map", *o), "zh")
    assert all(len(r.tie_with) == 4 for r in a.results)
    assert a.tie_beyond == 1
    texts = [text for _, text in fd.messages(a, "zh")]
    assert t("fd.msg.ties", "zh") in texts
    assert any("还有 1 个" in x for x in texts)
    assert "一样近" in fd.tie_note(a.results[0], "zh")


def test_no_ties_for_distinct_points(finder):
    a = finder.answer(fd.Origin("map", 121.75, 39.07), "zh")
    assert not any(r.tie_with for r in a.results) and a.tie_beyond == 0


def test_subdistrict_whose_only_point_is_far():
    # B's only point is ~6 km from B's seat; A's point is nearer to B's seat than that
    subs = _subs()
    rows = [
        {"id": "A1", "name_zh": "甲点", "subdistrict_code": "A", "lat": 39.05, "lon": 121.80},
        {"id": "B1", "name_zh": "乙点", "subdistrict_code": "B", "lat": 39.05, "lon": 121.92},
    ]
    f = fd.Finder(_points(rows), subs)
    # from B's seat (an estimate): B's own point first, then the neighbour's; no distance, so no "far"
    a = f.answer(fd.origin_from_seat(subs, "B"), "zh")
    assert a.own.code == "B" and a.own.n_points == 1 and a.own.far
    assert [(r.id, r.group) for r in a.results] == [("B1", "own"), ("A1", "near")]
    assert not a.far and not a.distances
    msgs = [text for _, text in fd.messages(a, "zh")]
    assert msgs == [t("fd.msg.seat", "zh")]
    # from a tap at the same place, the distances speak: the neighbour's point first, and both warnings
    b = f.answer(fd.Origin("map", *subs.loc[1, ["seat_lon", "seat_lat"]]), "zh")
    assert b.results[0].id == "A1" and b.own.code == "B" and b.far
    msgs = [text for _, text in fd.messages(b, "zh")]
    assert any(m.startswith("乙街道只有 1 个助餐点") for m in msgs)
    assert any("超过 1 公里" in m for m in msgs)
    # a subdistrict with no point at all
    f2 = fd.Finder(_points(rows[:1]), subs)
    a2 = f2.answer(fd.origin_from_seat(subs, "B"), "en")
    assert a2.own.n_points == 0 and [r.group for r in a2.results] == ["near"]
    assert any("no meal point in Beta" in text for _, text in fd.messages(a2, "en"))


def test_near_point_gives_no_far_warning(finder, ds):
    a = finder.answer(fd.Origin("map", 121.712, 39.108), "zh")
    assert not a.far and not a.own.far and a.own.n_points == 3
    assert [lvl for lvl, _ in fd.messages(a, "zh")] == []


def test_invalid_rows_are_dropped():
    pts = _points(
        [
            {"id": "ok", "name_zh": "好", "subdistrict_code": "A", "lat": 39.05, "lon": 121.75},
            {"id": "bad", "name_zh": "坏", "subdistrict_code": "A", "lat": 39.05, "lon": 121.75},
        ]
    )
    pts.loc[1, "lat"] = np.nan
    f = fd.Finder(pts, _subs())
    assert len(f) == 1


# ------------------------------------------------------------------ words


def test_formatting():
    assert fd.fmt_distance(344, "zh") == "340 米"
    assert fd.fmt_distance(1234, "zh") == "1.2 公里"
    assert fd.fmt_distance(1234, "en") == "1.2 km"
    assert fd.fmt_distance(123456, "en") == "123 km"
    assert fd.fmt_minutes(0.2, "zh") == "约 1 分钟"
    assert fd.fmt_minutes(16.7, "en") == "about 17 min"
    assert fd.fmt_minutes(80, "zh") == "约 1 小时 20 分钟"
    assert fd.fmt_minutes(120, "en") == "about 2 h"


def test_distance_line_and_group_line(finder, ds):
    a = finder.answer(fd.Origin("map", 121.75, 39.07), "zh")
    r = a.results[0]
    line = fd.distance_line(r, "zh")
    assert line.startswith("直线 ") and "步行约" in line and "分钟" in line
    assert line.endswith(t("fd.dist.guide", "zh"))  # to an illustrative position: a guide only
    here = finder.answer(fd.Origin("map", 121.712, 39.108), "zh")
    assert fd.distance_line(here.results[0], "zh").startswith("就在附近")
    real = fd.Result(**{**vars(r), "precision": "surveyed"})
    assert fd.distance_line(real, "zh") == line.removesuffix(t("fd.dist.guide", "zh"))
    seat = finder.answer(fd.origin_from_seat(ds.subdistricts, WANLI), "zh")
    assert {fd.group_line(x, "zh") for x in seat.results if x.group == "own"} == {"在您的街道 · 湾里街道"}
    assert all(fd.group_line(x, "zh").startswith("附近街道 · ") for x in seat.results if x.group == "near")
    assert fd.group_line(fd.Result(**{**vars(r), "group": "other"}), "en").startswith("In ")


def test_details_not_published_and_tel():
    pts = _points(
        [
            {
                "id": "D",
                "name_zh": "有电话",
                "subdistrict_code": "A",
                "lat": 39.05,
                "lon": 121.75,
                "phone": "0411-8765 4321 <script>",
                "hours": "11:00-13:00",
                "delivery": "yes",
            }
        ]
    )
    r = fd.Finder(pts, _subs()).answer(fd.Origin("map", 121.75, 39.05), "zh").results[0]
    assert r.tel == "0411-87654321"
    rows = {label: (val, kind) for label, val, kind in fd.detail_rows(r, "zh")}
    assert rows["营业时间"] == ("11:00-13:00", "text")
    assert rows["电话"][1] == "tel"
    assert rows["送餐"] == ("有", "text")
    assert rows["价格"] == (None, "text")  # "not published"
    assert len(fd.detail_rows(r, "zh", essentials_only=True)) < len(fd.detail_rows(r, "zh"))


@pytest.mark.parametrize(
    ("raw", "want"),
    [
        ("+86 411 1234", "+864111234"),
        ("12", None),
        (None, None),
        ("1+2+3", "123"),
        ("javascript:alert(1)", None),
        ("110", "110"),
    ],
)
def test_sanitize_tel(raw, want):
    assert fd.sanitize_tel(raw) == want


def test_assumptions_in_plain_words():
    zh, en = fd.assumptions("zh"), fd.assumptions("en")
    assert "1.3" in zh and "4.67" in zh and "17 分钟" in zh
    assert "1.3 times" in en and "4.67 km" in en


def test_strings_complete():
    keys = [k for k in TABLE if k.startswith("fd.")]
    assert len(keys) > 50
    for k in keys:
        assert TABLE[k]["zh"] and TABLE[k]["en"]


def test_view_for():
    (lat, lon), z = fd.view_for([(121.70, 39.10)])
    assert (lat, lon, z) == (39.10, 121.70, 16)
    (_, _), z_near = fd.view_for([(121.70, 39.10), (121.71, 39.11)])
    (_, _), z_far = fd.view_for([(121.5, 39.0), (122.2, 39.5)])
    assert 8 <= z_far < z_near <= 16


# ------------------------------------------------------------------ page state (the callbacks, without Streamlit)


def test_state_choose_subdistrict():
    subs = _subs()
    s = fd.choose_subdistrict(fd.PageState(), "B", subs)
    assert s.sub == "B" and s.origin == fd.origin_from_seat(subs, "B")
    # clearing the choice keeps the origin
    assert fd.choose_subdistrict(s, None, subs) == fd.PageState(origin=s.origin, sub=None)


def test_state_map_click_uses_the_base_datum():
    start = fd.PageState(origin=fd.Origin("typed", 121.0, 39.0), sub="A", coords_err="fd.coords.range")
    click = {"lat": 39.1, "lng": 121.7}
    s = fd.map_click(start, click, "blank")
    assert (s.origin.kind, s.origin.lon, s.origin.lat) == ("map", 121.7, 39.1)
    assert s.sub is None and s.last_click == click and s.coords_err == "fd.coords.range"
    # st_folium repeats the last click on every run: handled once
    assert fd.map_click(fd.PageState(last_click=click), click, "blank") == fd.PageState(last_click=click)
    assert fd.map_click(start, None, "blank") == start
    # a click that is not a position is remembered and changes nothing else
    bad = {"lat": None, "lng": 1}
    assert fd.map_click(start, bad, "blank") == fd.PageState(start.origin, "A", bad, "fd.coords.range")
    # on the Amap base (GCJ-02) the click is shifted back to WGS-84
    g = wgs84_to_gcj02(121.7, 39.1)
    s = fd.map_click(fd.PageState(), {"lat": g[1], "lng": g[0]}, "amap")
    assert (s.origin.lon, s.origin.lat) == pytest.approx((121.7, 39.1), abs=1e-8)
    assert fd.map_click(fd.PageState(), {"lat": g[1], "lng": g[0]}, "osm").origin.lon == pytest.approx(g[0])


def test_state_typed_coordinates_with_datum():
    seat = fd.PageState(origin=fd.origin_from_seat(_subs(), "A"), sub="A")
    s = fd.typed_coords(seat, "hello", "wgs84")
    assert s == fd.PageState(seat.origin, "A", None, "fd.coords.two_numbers")  # the previous answer stays
    s = fd.typed_coords(s, "39.07, 121.75", "wgs84")
    assert s == fd.PageState(fd.Origin("typed", 121.75, 39.07), None, None, None)
    g = wgs84_to_gcj02(121.75, 39.07)
    s = fd.typed_coords(fd.PageState(), f"{g[1]}, {g[0]}", "gcj02")
    assert (s.origin.lon, s.origin.lat) == pytest.approx((121.75, 39.07), abs=1e-8)
    assert fd.typed_coords(fd.PageState(), "", None).coords_err == "fd.coords.empty"


# ------------------------------------------------------------------ the page's pieces


def _tie_answer(lang):
    """Three points, two of them equally near; one with a phone and hours."""
    rows = [
        {"id": "P1", "name_zh": "<b>甲</b>", "name_en": "A&B", "subdistrict_code": "A", "lat": 39.05, "lon": 121.76},
        {"id": "P2", "name_zh": "乙", "subdistrict_code": "A", "lat": 39.05, "lon": 121.74},
        {"id": "P3", "name_zh": "丙", "subdistrict_code": "A", "lat": 39.06, "lon": 121.75},
    ]
    pts = _points(rows)
    pts.loc[0, "phone"], pts.loc[0, "hours"] = "0411-1234 <x>", "11:00-13:00"
    return fd.Finder(pts, _subs()).answer(fd.Origin("map", 121.75, 39.05), lang)


def test_cards_head_tie_and_why():
    a = _tie_answer("zh")
    cards = fd.cards(a, "zh")
    assert [c.key for c in cards] == ["fd_item_1", "fd_item_2", "fd_item_3"]
    by_id = {r.id: (r, c) for r, c in zip(a.results, cards)}
    r1, c1 = by_id["P1"]
    assert f'data-rank="{r1.rank}" data-id="P1" data-precision="illustrative">' in c1.head_html
    assert "&lt;b&gt;甲&lt;/b&gt;" in c1.head_html and "<b>甲" not in c1.head_html
    assert f'<span class="fd-tie">（与第 {r1.tie_with[0]} 个一样近）</span>' in c1.head_html
    assert f'<div class="fd-caveat">⚠ {t("dir.why.illustrative", "zh")}</div>' in c1.head_html
    assert "fd-tie" not in by_id["P3"][1].head_html
    en = fd.cards(_tie_answer("en"), "en")
    assert any('<span class="fd-tie">(as near as no. ' in c.head_html for c in en)
    assert any("A&amp;B" in c.head_html for c in en)
    # the ways there come from geo.data.directions: large buttons first, the smaller one last
    assert [(k.kind, k.wide, k.url) for k in c1.links] == [
        ("primary", True, r1.ways.actions[0].url),
        ("primary", True, "tel:12345"),
        ("tertiary", False, r1.ways.actions[2].url),
    ]
    assert c1.links[0].icon == ":material/travel_explore:" and c1.links[1].icon == ":material/call:"
    assert c1.point_id == "P1" and not c1.pinned and c1.speech.startswith("<b>甲</b>。 直线")
    # ranks of a three-way tie are listed the way the language lists them
    three = fd.Result(**{**vars(r1), "tie_with": (2, 3)})
    assert fd.tie_note(three, "zh") == "与第 2、3 个一样近" and fd.tie_note(three, "en") == "as near as no. 2, 3"


def _no_hours_words(monkeypatch):
    """geo.data.hours with nothing to say (no status, price or seats line), so a card
    shows the raw fields; the lines themselves are tested in tests/unit/core/test_hours.py."""
    for name in ("status_line", "price_line", "seats_line"):
        monkeypatch.setattr(fd.hours_words, name, lambda *_a, **_k: None)


def test_card_details_tel_and_not_published(monkeypatch):
    _no_hours_words(monkeypatch)
    a = _tie_answer("zh")
    r1 = next(r for r in a.results if r.id == "P1")
    zh = fd.details_html(r1, "zh")
    assert zh.startswith('<div class="fd-details">')
    assert "<div><b>营业时间</b>：11:00-13:00</div>" in zh
    assert '<div><b>电话</b>：<a class="fd-tel" href="tel:0411-1234">☎ 0411-1234 &lt;x&gt;</a></div>' in zh
    assert '<div class="np"><b>未公布</b>：送餐、价格、地址、堂食、类型</div>' in zh
    en = fd.details_html(r1, "en")
    assert '<div class="np"><b>not published</b>: Delivery, Prices, Address, Dine-in, Kind</div>' in en
    assert "<div><b>Hours</b>: 11:00-13:00</div>" in en
    # the elder mode lists the essentials only
    assert "类型" not in fd.details_html(r1, "zh", elder=True)
    # last, the link to report a wrong fact about this point (pages/report.py), in the same tab
    assert zh.endswith(
        '<div class="fd-report"><a class="fd-report-a" data-kind="report" href="report?point=P1&amp;lang=zh" '
        'target="_self" style="display:inline-flex;align-items:center;min-height:44px">信息有误？报告问题</a></div></div>'
    )
    assert 'href="report?point=P1&amp;lang=en"' in en and "Something wrong? Report it" in en
    assert "min-height:60px" in fd.details_html(r1, "zh", elder=True)  # a large tap target in the elder mode


def test_results_heading_origin_and_notes(ds):
    f = fd.Finder(ds.meal_points, ds.subdistricts)
    a = f.answer(fd.Origin("map", 121.75, 39.07), "en")
    assert fd.results_heading(a, "en") == "The 5 meal points nearest to you"
    html = fd.origin_html(a, f, "en")
    assert html.startswith('<div class="fd-origin">Starting point: the place you chose on the map')
    assert " · in " in html
    assert fd.nav_note(a, "en") is None  # a tapped point: navigation starts there
    seat = f.answer(fd.origin_from_seat(ds.subdistricts, YONGZHENG), "zh")
    assert fd.origin_html(seat, f, "zh") == '<div class="fd-origin">您选择的街道：拥政街道</div>'
    assert fd.results_heading(seat, "zh") == "拥政街道和附近街道的助餐点"
    assert fd.nav_note(seat, "zh") is None  # no card navigates anywhere (no real position in the data)
    w = fd.answer_for(f, fd.Origin("map", 121.712, 39.108), 2000, "zh")
    assert w.mode == "within" and not w.none_within
    assert fd.results_heading(w, "zh") == f"步行 2.0 公里 以内的助餐点：{len(w.results)} 个"
    far = fd.answer_for(f, a.origin, 300, "zh")
    assert far.none_within and fd.results_heading(far, "zh") == "最近的助餐点"
    assert fd.answer_for(f, seat.origin, 300, "zh").mode == "subdistrict"
    assert fd.answer_for(f, None, "nearest", "zh") is None
    assert [fd.mode_label(m, "en") for m in fd.MODES] == [
        "The nearest 5",
        "All within a 300 m walk",
        "All within a 500 m walk",
        "All within a 1.0 km walk",
        "All within a 2.0 km walk",
    ]
    assert fd.start_message(f, "zh") == ("info", t("fd.start", "zh"))
    assert fd.start_message(fd.Finder(ds.meal_points.iloc[0:0], ds.subdistricts), "en")[0] == "error"


def test_map_view_centre_in_the_base_datum(ds):
    f = fd.Finder(ds.meal_points, ds.subdistricts)
    a = f.answer(fd.Origin("map", 121.75, 39.07), "zh")
    v = fd.map_view(a, "zh", "blank", False, ds.subdistricts, ds.meal_points)
    (clat, clon), zoom = fd.view_for([(121.75, 39.07)] + [(r.lon, r.lat) for r in a.results], height_px=360)
    assert (v.center, v.zoom, v.height) == ((clat, clon), zoom, 360)
    g = fd.map_view(a, "zh", "amap", True, ds.subdistricts, ds.meal_points)
    assert g.center == pytest.approx(wgs84_to_gcj02(clon, clat)[::-1]) and g.height == 380
    none = fd.map_view(None, "zh", "no such base", False, None, None)
    assert (none.center, none.zoom) == (None, None)


# ------------------------------------------------------------------ map pieces


def test_js_wgs_to_gcj_matches_python():
    node = shutil.which("node")
    if not node:
        pytest.skip("node is not installed")
    pts = [(121.712, 39.108), (122.3, 39.54), (121.44, 38.94), (116.4, 39.9), (139.7, 35.7)]
    js = (
        read("finder_wgs_to_gcj.js")
        + f"console.log(JSON.stringify({json.dumps(pts)}.map(p => jpWgsToGcj(p[0], p[1]))));"
    )
    out = json.loads(subprocess.run([node, "-e", js], capture_output=True, text=True, check=True).stdout)
    for (lon, lat), got in zip(pts, out):
        assert got == pytest.approx(list(wgs84_to_gcj02(lon, lat)), abs=1e-9)


def test_locate_script_parses():
    node = shutil.which("node")
    if not node:
        pytest.skip("node is not installed")
    src = read("finder_wgs_to_gcj.js") + read("finder_locate.js")
    js = f"new Function({json.dumps(src)}); console.log('ok');"  # a syntax error throws here
    assert subprocess.run([node, "-e", js], capture_output=True, text=True, check=True).stdout.strip() == "ok"


def test_map_layers_escape_and_shift(ds):
    pts = _points(
        [
            {
                "id": 'x"><img src=x onerror=alert(1)>',
                "name_zh": "<img src=x onerror=alert(1)>`${1}`",
                "subdistrict_code": "A",
                "lat": 39.05,
                "lon": 121.75,
            }
        ]
    )
    f = fd.Finder(pts, _subs())
    a = f.answer(fd.Origin("map", 121.751, 39.051), "zh")

    def render(fg):
        m = folium.Map()
        fg.add_to(m)
        return m.get_root().render()

    html = render(result_layer(a, "zh", "blank", False))
    assert "<img src=x" not in html and "${1}" not in html and "onerror=alert(1)>" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;&#96;&#36;{1}&#96;" in html  # the tooltip, escaped
    assert "fd-num" in html and "data-rank" in html
    html_g = render(result_layer(a, "zh", "amap", False))
    glon, glat = wgs84_to_gcj02(121.75, 39.05)
    assert f"{glat:.4f}"[:6] in html_g and f"{glon:.4f}"[:7] in html_g
    m = finder_base_map("zh", "blank", True, ds.subdistricts, ds.meal_points).get_root().render()
    assert "fd-locate" in m and "min-height: 60px" in m  # the large button, elder-sized

    def call_opts(fn, html=m):
        """The options the map's script passes to the asset function ``fn`` (Jinja's tojson)."""
        found = re.findall(rf"^\s*{fn}\(\w+, (.*)\);$", html, re.M)
        assert len(found) == 1, fn
        return json.loads(found[0])

    assert call_opts("jpControls")["locate"] is None  # the base map's small locate button is left out
    opts = call_opts("jpFinderLocate")
    assert opts["label"] == t("fd.loc.button", "zh") and opts["gcj"] is False and opts["coarseM"] == 1000
    assert opts["msgs"]["denied"] == t("fd.loc.denied", "zh")
    amap = finder_base_map("en", "amap", False, None, None).get_root().render()
    assert call_opts("jpFinderLocate", amap)["gcj"] is True  # a located position is shifted to GCJ-02
    assert "map.fire('click'" in m
    # Leaflet comes from the app's own static files: every script and style sheet the map
    # loads is local, none from a CDN or any other host
    loaded = re.findall(r'<script[^>]*\ssrc="([^"]*)"', m) + re.findall(r'<link[^>]*\shref="([^"]*)"', m)
    assert f"{VENDOR_URL}/leaflet/leaflet.js" in loaded, loaded
    assert all(u.startswith(f"{VENDOR_URL}/") for u in loaded), loaded


def test_base_map_is_identical_each_run(ds):
    def norm(s):
        return re.sub(r"_[0-9a-f]{32}", "", s)

    a = finder_base_map("zh", "blank", False, ds.subdistricts, ds.meal_points).get_root().render()
    b = finder_base_map("zh", "blank", False, ds.subdistricts, ds.meal_points).get_root().render()
    assert norm(a) == norm(b)


# ------------------------------------------------------------------ page (AppTest)


def _items(at):
    return [m.value for m in at.markdown if 'class="fd-item"' in m.value]


def test_page_choose_subdistrict_lists_own_then_nearby_without_distances(ds):
    at = run_app("pages/finder.py")
    assert not _items(at)
    assert any(t("fd.start", "zh") in i.value for i in at.info)
    at.selectbox(key="fd_sub").select(YONGZHENG).run()
    assert not at.exception
    items = _items(at)
    assert len(items) == 5
    own = sorted(ds.meal_points.loc[ds.meal_points["subdistrict_code"] == YONGZHENG, "id"])
    got = [s.split('data-id="')[1].split('"')[0] for s in items]
    assert got[:3] == own and not set(got[3:]) & set(own)
    assert all("在您的街道 · 拥政街道" in s for s in items[:3])
    assert all("附近街道 · " in s for s in items[3:])
    for s in items:  # a seat is an estimate: no metres, minutes or "right here"
        assert not re.search(r"\d\s*(米|公里)|分钟|就在附近|直线", s), s
    assert any(t("fd.msg.seat", "zh") in i.value for i in at.info)
    links = [b.proto.url for b in at.get("link_button")]
    assert len(links) == 15 and links.count("tel:12345") == 5
    assert not [u for u in links if "/navigation" in u or "/direction" in u]  # no point is real
    assert any("您选择的街道：拥政街道" in m.value for m in at.markdown)
    # the map carries the numbered markers and the seat, but no dashed lines from it
    js = map_js(at)
    assert js.count("fd-num") >= 5 and "fd-seat" in js and "dashArray" not in js


def test_page_typed_coordinates_list(ds):
    at = run_app("pages/finder.py", query={"lang": "en"})
    at.text_input(key="fd_coords_text").input("39.07, 121.75")
    at.button(key="fd_coords_go").click().run()
    assert not at.exception
    items = _items(at)
    assert len(items) == 5
    d = haversine_m(121.75, 39.07, ds.meal_points["lon"].to_numpy(), ds.meal_points["lat"].to_numpy())
    order = np.argsort(d, kind="stable")[:5]
    got = [s.split('data-id="')[1].split('"')[0] for s in items]
    assert got == list(ds.meal_points["id"].to_numpy()[order])
    for s, i in zip(items, order):
        assert fd.fmt_distance(d[i], "en") + " in a straight line" in s
        assert fd.fmt_distance(d[i] * 1.3, "en") in s
    # typed coordinates are "where I am": the nearby search is centred there (GCJ-02 for Amap)
    q = parse_qs(urlsplit(at.get("link_button")[0].proto.url).query)
    assert q["center"][0] == "{:.6f},{:.6f}".format(*wgs84_to_gcj02(121.75, 39.07))
    assert "dashArray" in map_js(at)  # lines from a real start
    # bad input: a clear message, the previous answer stays
    at.text_input(key="fd_coords_text").input("hello").run()
    assert any(t("fd.coords.two_numbers", "en") in e.value for e in at.error)
    assert len(_items(at)) == 5


def test_page_outside_district_and_within_mode():
    at = run_app("pages/finder.py", query={"lang": "en"})
    at.text_input(key="fd_coords_text").input("39.9, 116.4").run()
    assert any("outside Jinpu" in w.value for w in at.warning)
    assert len(_items(at)) == 5
    at.selectbox(key="fd_mode").select(300).run()
    assert any("no meal point within a 300 m walk" in w.value for w in at.warning)
    assert len(_items(at)) == 1


def test_page_elder_mode_essentials_only():
    at = run_app("pages/finder.py", query={"elder": "1"})
    assert at.session_state["elder"] is True
    assert not [s for s in at.selectbox if s.key == "fd_mode"]  # options hidden in the elder mode
    assert any("min-height: 60px" in m.value for m in at.markdown)
    at.selectbox(key="fd_sub").select(YONGZHENG).run()
    assert len(_items(at)) == 5


# ------------------------------------------------------------------ honest directions on the cards

PRECISIONS = ("surveyed", "address", "subdistrict", "illustrative")


def _one_each():
    """One point of each precision in subdistrict A (a named facility for "subdistrict")."""
    rows = [
        {
            "id": f"P{i}",
            "name_zh": f"{p}食堂",
            "subdistrict_code": "A",
            "lat": 39.03 + 0.01 * i,
            "lon": 121.73 + 0.01 * i,
        }
        for i, p in enumerate(PRECISIONS)
    ]
    pts = _points(rows)
    pts["location_precision"] = list(PRECISIONS)
    return fd.Finder(pts, _subs())


def _coords_in(url: str, lon: float, lat: float) -> bool:
    """True when ``url`` carries the position (WGS-84 or GCJ-02, either order, 6 decimals)."""
    glon, glat = wgs84_to_gcj02(lon, lat)
    marks = {f"{lon:.6f}", f"{lat:.6f}", f"{glon:.6f}", f"{glat:.6f}"}
    return any(m in url for m in marks)


@pytest.mark.parametrize("start", ["map", "typed", "seat"])
def test_card_actions_per_precision(start):
    f = _one_each()
    origin = fd.origin_from_seat(_subs(), "A") if start == "seat" else fd.Origin(start, 121.755, 39.062)
    a = f.answer(origin, "zh", k=4)
    by = {r.precision: (r, c) for r, c in zip(a.results, fd.cards(a, "zh"))}
    assert set(by) == set(PRECISIONS)
    for p in ("surveyed", "address"):  # a real position: walking navigation, 高德 large, 百度 smaller
        r, c = by[p]
        assert [(k.kind, k.wide) for k in c.links] == [("primary", True), ("tertiary", False)]
        assert urlsplit(c.links[0].url)[1:3] == ("uri.amap.com", "/navigation")
        assert urlsplit(c.links[1].url)[1:3] == ("api.map.baidu.com", "/direction")
        assert _coords_in(c.links[0].url, r.lon, r.lat)
        assert ("from" in parse_qs(urlsplit(c.links[0].url).query)) == (start != "seat")
        assert 'class="fd-caveat"' not in c.head_html  # nothing to explain
    # a named facility, position unknown: a search by its name in Dalian, and 12345
    r, c = by["subdistrict"]
    assert [(k.kind, k.wide, k.url.split(":")[0]) for k in c.links] == [
        ("primary", True, "https"),
        ("secondary", True, "tel"),
        ("tertiary", False, "https"),
    ]
    assert parse_qs(urlsplit(c.links[0].url).query)["keyword"] == ["subdistrict食堂"]
    assert parse_qs(urlsplit(c.links[2].url).query)["query"] == ["subdistrict食堂"]
    assert t("dir.why.subdistrict", "zh") in c.head_html
    # an illustrative point: a search for meal services near the resident (or the seat), and 12345
    r, c = by["illustrative"]
    assert [(k.kind, k.wide) for k in c.links] == [("primary", True), ("primary", True), ("tertiary", False)]
    assert c.links[1].url == "tel:12345"
    centre = parse_qs(urlsplit(c.links[0].url).query)["center"][0]
    assert centre == "{:.6f},{:.6f}".format(*wgs84_to_gcj02(origin.lon, origin.lat))
    assert (t("dir.nearby.area.amap", "zh") if start == "seat" else t("dir.nearby.me.amap", "zh")) == c.links[0].label
    assert t("dir.why.illustrative", "zh") in c.head_html
    # no link on a card of a point whose position is not real carries that position
    for p in ("subdistrict", "illustrative"):
        r, c = by[p]
        assert not r.ways.navigates_to_point
        assert not [k.url for k in c.links if _coords_in(k.url, r.lon, r.lat)], p
        assert not [k.url for k in c.links if "/navigation" in k.url or "/direction" in k.url or "/marker" in k.url]


def test_distances_hidden_from_a_seat_start(ds):
    f = fd.Finder(ds.meal_points, ds.subdistricts)
    for lang in ("zh", "en"):
        a = f.answer(fd.origin_from_seat(ds.subdistricts, WANLI), lang)
        assert a.mode == "subdistrict" and not a.distances and not a.far
        own = set(ds.meal_points.loc[ds.meal_points["subdistrict_code"] == WANLI, "id"])
        assert {r.id for r in a.results if r.group == "own"} == own and len(a.results) == fd.K_NEAREST
        assert [r.group for r in a.results] == ["own"] * len(own) + ["near"] * (fd.K_NEAREST - len(own))
        # the own points in the poster's order: real positions first, then named facilities, then illustrative
        ranks = [PRECISION_ORDER[r.precision] for r in a.results if r.group == "own"]
        assert ranks == sorted(ranks)
        text = " ".join(c.head_html + c.speech for c in fd.cards(a, lang, elder=True))
        text += " ".join(m for _, m in fd.messages(a, lang))
        for unit in (
            ("米", "公里", "分钟", "就在附近", "直线")
            if lang == "zh"
            else (" m ", " km", " min", "Right here", "straight line")
        ):
            assert unit not in text.replace(t("fd.msg.seat", lang), ""), unit
        assert ("在您的街道 · 湾里街道" if lang == "zh" else "In your subdistrict · Wanli") in text
        assert not any(r.tie_with for r in a.results)
    # the map: the seat is marked as such and no dashed line leaves it; a tap draws them
    seat_layer = result_layer(a, "en", "blank", False)
    assert not [c for c in seat_layer._children.values() if type(c).__name__ == "PolyLine"]
    html = folium.Map().add_child(seat_layer).get_root().render()
    assert "fd-seat" in html and ">Me</div>" not in html
    tap = f.answer(fd.Origin("map", 121.83, 39.065), "en")
    lines = [c for c in result_layer(tap, "en", "blank", False)._children.values() if type(c).__name__ == "PolyLine"]
    assert len(lines) == len(tap.results)


def test_open_lines(monkeypatch):
    a = _tie_answer("zh")
    r = next(x for x in a.results if x.id == "P1")
    _no_hours_words(monkeypatch)  # nothing to say: the card goes without those lines
    assert fd.open_lines(r, "zh") == []
    assert "fd-status" not in fd.head_html(r, a, "zh") and "营业时间" in fd.details_html(r, "zh")
    monkeypatch.setattr(fd.hours_words, "status_line", lambda hours, lang, now=None: f"营业中 · 午餐到 13:00 <{hours}>")
    monkeypatch.setattr(fd.hours_words, "price_line", lambda row, lang: "")  # nothing known: no line
    assert fd.open_lines(r, "zh") == [("status", "营业中 · 午餐到 13:00 <11:00-13:00>")]
    head = fd.head_html(r, a, "zh")
    assert '<div class="fd-status">营业中 · 午餐到 13:00 &lt;11:00-13:00&gt;</div>' in head
    assert "营业时间" not in fd.details_html(r, "zh")  # the status line says the hours
    monkeypatch.setattr(fd.hours_words, "price_line", lambda row, lang: "8 元")
    monkeypatch.setattr(fd.hours_words, "seats_line", lambda row, lang: "56 个座位")
    head = fd.head_html(r, a, "zh")
    assert '<div class="fd-price">8 元</div><div class="fd-seats">56 个座位</div>' in head
    assert "8 元。 56 个座位。" in fd.speech_text(r, a, "zh")


def test_shared_point_first(ds):
    f = fd.Finder(ds.meal_points, ds.subdistricts)
    # from a seat: the shared point first even when it is in the list already
    a = f.answer(fd.origin_from_seat(ds.subdistricts, WANLI), "zh", pin="M30")
    assert a.results[0].id == "M30" and a.results[0].pinned and a.results[0].rank == 1
    assert len(a.results) == fd.K_NEAREST and [r.rank for r in a.results] == [1, 2, 3, 4, 5]
    assert a.results[0].group == "other" and not any(r.pinned for r in a.results[1:])
    assert fd.group_line(a.results[0], "zh") == "位于湾里街道"  # no claim that the reader lives there
    # from a tap elsewhere: added in front of the nearest five, with its distance
    tap = f.answer(fd.Origin("map", 121.712, 39.108), "zh", pin="M30")
    assert tap.results[0].id == "M30" and len(tap.results) == fd.K_NEAREST + 1
    assert tap.results[0].straight_m > 5000 and not tap.far  # "far" looks at the nearest, not the shared one
    assert fd.results_heading(tap, "zh") == "离您最近的 5 个助餐点"
    cs = fd.cards(tap, "zh")
    assert cs[0].pinned and 'data-pinned="1"' in cs[0].head_html and not cs[1].pinned
    assert f.answer(fd.Origin("map", 121.712, 39.108), "zh", pin="nope").results[0].id != "nope"


def test_from_query(ds):
    f = fd.Finder(ds.meal_points, ds.subdistricts)
    codes = fd.subdistrict_codes(ds.subdistricts)
    s = fd.from_query(fd.PageState(), {"point": "M28", "sub": None}, f, ds.subdistricts, codes)
    assert s.point == "M28" and s.sub == WANLI and s.origin == fd.origin_from_seat(ds.subdistricts, WANLI)
    s = fd.from_query(fd.PageState(), {"sub": WANLI}, f, ds.subdistricts, codes)
    assert s.sub == WANLI and s.point is None and s.origin.kind == "seat"
    assert fd.from_query(fd.PageState(), {}, f, ds.subdistricts, codes) == fd.PageState()
    bad = fd.from_query(fd.PageState(), {"point": "<x>"}, f, ds.subdistricts, codes)
    assert bad == fd.PageState(share_err="fd.share.unknown")
    assert fd.from_query(fd.PageState(), {"sub": "9"}, f, ds.subdistricts, codes).share_err == "fd.share.unknown_sub"
    # choosing a subdistrict afterwards lists it as usual (the shared point no longer first)
    s = fd.from_query(fd.PageState(), {"point": "M28"}, f, ds.subdistricts, codes)
    assert fd.choose_subdistrict(s, YONGZHENG, ds.subdistricts).point is None
    assert fd.map_click(s, {"lat": 39.1, "lng": 121.7}, "blank").point == "M28"  # "from here to it"
    # the poster is of the subdistrict listed from its seat, even when the choice is cleared
    assert fd.listed_subdistrict(s) == WANLI
    assert fd.listed_subdistrict(fd.choose_subdistrict(s, None, ds.subdistricts)) == WANLI
    assert fd.listed_subdistrict(fd.map_click(s, {"lat": 39.1, "lng": 121.7}, "blank")) is None
    assert fd.listed_subdistrict(fd.PageState()) is None


def test_links_share_poster_and_base():
    assert fd.app_base("https://jinpu.streamlit.app/finder") == "https://jinpu.streamlit.app"
    assert fd.app_base("http://127.0.0.1:8501/app/finder/") == "http://127.0.0.1:8501/app"
    assert fd.app_base("http://127.0.0.1:8501") == "http://127.0.0.1:8501"
    assert fd.app_base(None, "example.org:8080", "https") == "https://example.org:8080"
    assert fd.app_base(None, "example.org", "gopher") == "http://example.org"
    assert fd.app_base(None, "evil.org/<x>") is None and fd.app_base(None, None) is None
    assert fd.app_base("javascript:alert(1)", None) is None
    assert fd.share_url("https://a.b", "M07", "zh") == "https://a.b/finder?point=M07&lang=zh"
    assert fd.share_url(None, 'x"&y=<1>', "en") == "/finder?point=x%22%26y%3D%3C1%3E&lang=en"
    assert fd.poster_url("https://a.b", WANLI, "en") == f"https://a.b/finder?sub={WANLI}&lang=en"
    assert fd.poster_file_name(WANLI, "zh") == f"jinpu_meal_points_{WANLI}_zh.pdf"
    assert fd.poster_file_name("../<x>", "xx") == "jinpu_meal_points_x_zh.pdf"


def test_read_aloud_snippet():
    hostile = "</script><img src=x onerror=alert(1)>'\"`${x}`"
    html = fd.say_html(hostile, "en")
    assert html.startswith('<div class="fd-say-box"><button type="button" class="fd-say" hidden>▶ Read aloud</button>')
    call = re.search(r"jpFinderSay\(document\.currentScript, (.*)\);</script></div>$", html)
    opts = json.loads(call.group(1))
    assert opts == {"text": hostile, "lang": "en-US", "label": "▶ Read aloud", "stop": "■ Stop reading"}
    assert "<img" not in html and html.count("</script>") == 1  # the text is JSON with < > & ' escaped
    assert json.loads(re.search(r"currentScript, (.*)\);", fd.say_html("第一", "zh")).group(1))["lang"] == "zh-CN"
    # DOMPurify (st.html) drops a script whose text looks like markup: the asset must not
    assert not re.search(r"<[/\w!]", read("finder_say.js"))
    node = shutil.which("node")
    if node:
        js = f"new Function({json.dumps(read('finder_say.js'))}); console.log('ok');"
        assert subprocess.run([node, "-e", js], capture_output=True, text=True, check=True).stdout.strip() == "ok"


def test_page_shared_link_and_elder_read_aloud(ds):
    at = run_app("pages/finder.py", query={"point": "M28", "elder": "1"})
    items = _items(at)
    assert items and 'data-id="M28"' in items[0] and 'data-pinned="1"' in items[0]
    assert at.selectbox(key="fd_sub").value == WANLI
    assert any(h.value == t("fd.shared", "zh") for h in at.subheader)
    says = [h for h in at.get("html") if "jpFinderSay" in h.proto.body]
    assert len(says) == len(items) and all(h.proto.unsafe_allow_javascript for h in says)
    codes = [c.value for c in at.code]
    assert codes[0] == "/finder?point=M28&lang=zh" and len(codes) == len(items)  # no browser URL in AppTest
    # an unknown point: a message, nothing chosen
    at = run_app("pages/finder.py", query={"point": "nope", "lang": "en"})
    assert any(t("fd.share.unknown", "en") in w.value for w in at.warning) and not _items(at)
    at = run_app("pages/finder.py", query={"sub": WANLI})
    assert at.selectbox(key="fd_sub").value == WANLI and len(_items(at)) == fd.K_NEAREST
