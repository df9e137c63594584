"""The overview page: geo.overview (filters, KPIs, URL form of the view, clicks, escaped
HTML) as plain Python, and the page itself through AppTest."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from geo.core.datum import wgs84_to_gcj02
from geo.core.distance import haversine_m
from geo.data import facts
from geo.data.loader import load_bundled
from geo.maps.external import external_body, loaded_keys
from geo.maps.layers import DISTRICT_WIDE_ANCHOR
from geo.views import overview as ov
from tests.support.apptest import folium_args, map_js, run_app

HOSTILE = "<img src=x onerror=alert(1)>${alert(1)}`</script><script>alert(1)</script>"


@pytest.fixture(scope="module")
def ds():
    return load_bundled()


@pytest.fixture(scope="module")
def scope(ds):
    return ov.Scope.of(ds)


def ids(df) -> set[str]:
    return set(df["id"].astype(str))


# ---------------------------------------------------------------- view and URL


def test_default_view_round_trips_to_an_empty_url(scope):
    v = scope.default_view()
    assert v.sectors == facts.SECTOR_KEYS and v.layers == ov.LAYER_KEYS and v.base == ov.DEFAULT_BASE
    assert ov.view_to_params(v, scope) == {}
    assert ov.view_from_params({}, scope) == v


@pytest.mark.parametrize(
    "view",
    [
        dict(sectors=("education", "medical")),
        dict(sectors=()),
        dict(subdistrict="210213013000", query="助餐 湾里"),
        dict(layers=("meal",), base="osm", selection="m:M28"),
        dict(layers=(), base="amap_sat", selection="dw"),
        dict(selection="p:P11", base="blank"),
        dict(selection="s:210213001000"),
    ],
)
def test_url_round_trip(scope, view):
    v = scope.default_view().with_(**view)
    params = ov.view_to_params(v, scope)
    assert all(isinstance(x, str) for x in params.values())
    assert ov.view_from_params(params, scope) == v


def test_url_ignores_unknown_values(scope):
    v = ov.view_from_params(
        {
            "sectors": "education,bogus",
            "sub": "999",
            "base": "google",
            "layers": "meal,x",
            "sel": "p:NOPE",
            "q": "  a\x00b   c ",
        },
        scope,
    )
    assert v.sectors == ("education",)
    assert v.subdistrict is None and v.base == ov.DEFAULT_BASE and v.layers == ("meal",)
    assert v.selection is None and v.query == "ab c"
    assert ov.view_from_params({"sel": "m:M01"}, scope).selection == "m:M01"
    assert ov.view_from_params({"q": "x" * 500}, scope).query == "x" * ov.MAX_QUERY


# ---------------------------------------------------------------- filters


@pytest.mark.parametrize("sector", facts.SECTOR_KEYS)
def test_each_sector_filter_leaves_exactly_that_sector(ds, scope, sector):
    v = scope.default_view().with_(sectors=(sector,))
    got = ov.filter_projects(ds.projects, v)
    assert ids(got) == ids(ds.projects[ds.projects["sector"] == sector])
    assert len(got) == facts.SECTOR_BY_KEY[sector].count


def test_no_sector_means_no_project(ds, scope):
    assert len(ov.filter_projects(ds.projects, scope.default_view().with_(sectors=()))) == 0


def test_search_chinese_english_case_and_width(ds, scope):
    v = scope.default_view()
    assert ids(ov.filter_projects(ds.projects, v.with_(query="燃气"))) == {"P06"}
    assert ids(ov.filter_projects(ds.projects, v.with_(query="GAS pipe"))) == {"P06"}
    assert ids(ov.filter_projects(ds.projects, v.with_(query="ＧＡＳ"))) == {"P06"}  # full-width
    assert ids(ov.filter_meal_points(ds.meal_points, v.with_(query="石城"))) == {"M28"}
    assert ids(ov.filter_meal_points(ds.meal_points, v.with_(query="shicheng"))) == {"M28"}
    assert len(ov.filter_meal_points(ds.meal_points, v.with_(query="Wanli meal"))) >= 1
    assert len(ov.filter_projects(ds.projects, v.with_(query="zzzz-no-such"))) == 0


def test_subdistrict_filter_keeps_district_wide_projects(ds, scope):
    v = scope.default_view().with_(subdistrict="210213008000")  # 站前
    got = ov.filter_projects(ds.projects, v)
    wide = ds.projects[ov.is_district_wide(ds.projects)]
    assert ids(got) == ids(wide) | {"P16"}
    meals = ov.filter_meal_points(ds.meal_points, v)
    assert len(meals) and set(meals["subdistrict_code"]) == {"210213008000"}


def test_sector_counts_follow_scope(ds, scope):
    v = scope.default_view()
    assert ov.sector_counts(ds.projects, v, scope) == {s.key: s.count for s in facts.SECTORS}
    c = ov.sector_counts(ds.projects, v.with_(query="燃气"), scope)
    assert c["urban_renewal"] == 1 and sum(c.values()) == 1


# ---------------------------------------------------------------- KPIs


def test_kpis_bundled(ds, scope):
    v = scope.default_view()
    k = ov.kpis(ds, v, ov.filter_projects(ds.projects, v), ov.filter_meal_points(ds.meal_points, v))
    assert (k.projects_shown, k.projects_total) == (30, 30)
    assert (k.sectors_shown, k.sectors_total) == (6, 6)
    assert (k.meals_shown, k.meals_total) == (60, 60)
    assert (k.covered_shown, k.subdistricts_total) == (25, 25)
    assert k.programme_total_yi == 33.88 and k.district_wide_shown == 27
    html = ov.kpi_html(k, "zh")
    assert "33.88亿元" in html and "30 / 30" in html and "25 / 25" in html
    assert "33.88" in ov.kpi_html(k, "en")
    # no bundled meal point is at a verified position (the report published no addresses)
    assert k.meals_verified_shown == 0 and "0 / 60" in html and "已核实" in html


def test_kpis_count_the_verified_positions_shown(ds, scope):
    meals = ds.meal_points.copy()
    meals.loc[meals.index[:3], "location_precision"] = ["address", "surveyed", "subdistrict"]
    mine = ds.replace("meal_points", meals, "meals.csv")
    v = scope.default_view()
    k = ov.kpis(mine, v, ov.filter_projects(mine.projects, v), ov.filter_meal_points(mine.meal_points, v))
    assert (k.meals_verified_shown, k.meals_shown) == (2, 60)
    html = ov.kpi_html(k, "en")
    assert "2 / 60" in html and "Verified" in html
    sub = str(meals["subdistrict_code"].iloc[0])
    v = v.with_(subdistrict=sub)
    k = ov.kpis(mine, v, ov.filter_projects(mine.projects, v), ov.filter_meal_points(mine.meal_points, v))
    shown = meals[meals["subdistrict_code"].astype(str) == sub]
    assert k.meals_verified_shown == int(shown["location_precision"].isin(["address", "surveyed"]).sum())
    k = ov.kpis(mine, v.with_(layers=("sub",)), mine.projects.iloc[0:0], mine.meal_points.iloc[0:0])
    assert k.meals_verified_shown == 0


def test_kpis_follow_filters_and_layers(ds, scope):
    v = scope.default_view().with_(sectors=("medical",), subdistrict="210213013000")
    k = ov.kpis(ds, v, ov.filter_projects(ds.projects, v), ov.filter_meal_points(ds.meal_points, v))
    assert k.projects_shown == 2 and k.sectors_shown == 1 and k.covered_shown == 1
    v2 = v.with_(layers=("sub",))
    k2 = ov.kpis(ds, v2, ov.filter_projects(ds.projects, v2), ov.filter_meal_points(ds.meal_points, v2))
    assert k2.projects_shown == 0 and k2.meals_shown == 0 and k2.covered_shown == 0


def test_kpis_and_scope_come_from_the_dataset_not_constants(ds):
    """A user-supplied dataset with other counts: every total follows it."""
    small = ds.replace("projects", ds.projects[ds.projects["sector"].isin(["medical", "urban_renewal"])], "mine.csv")
    small = small.replace("meal_points", ds.meal_points.iloc[:10], "meals.csv")
    sc = ov.Scope.of(small)
    assert sc.sector_keys == ("medical", "urban_renewal")
    v = sc.default_view()
    k = ov.kpis(small, v, ov.filter_projects(small.projects, v), ov.filter_meal_points(small.meal_points, v))
    assert (k.projects_total, k.sectors_total, k.meals_total) == (13, 2, 10)
    assert k.covered_shown == small.meal_points["subdistrict_code"].nunique() < 25


# ---------------------------------------------------------------- positions and clicks


def test_display_frames_separate_shared_positions_without_touching_data(ds, scope):
    before = ds.meal_points[["lat", "lon"]].copy()
    p, m = ov.display_frames(ds.projects, ds.meal_points)
    pd.testing.assert_frame_equal(ds.meal_points[["lat", "lon"]], before)
    pos = ov.marker_positions(p, m, scope.default_view())
    keys = [(round(la * 1e6), round(lo * 1e6)) for _, la, lo in pos]
    assert len(keys) == len(set(keys))  # no two markers share a position
    # P16 sits on 站前's seat, like a meal point: both stay clickable, ≈0.2 m apart
    p16 = p.loc[p["id"] == "P16"].iloc[0]
    d = haversine_m(p16["lon"], p16["lat"], m["lon"], m["lat"])
    assert 0.1 < d.min() < 1.0
    assert len(pos) == 3 + 1 + 60  # located projects, the district-wide anchor, meal points


@pytest.mark.parametrize("base", ["amap", "amap_sat", "osm", "blank"])
def test_every_marker_click_maps_back_to_its_record(ds, scope, base):
    v = scope.default_view().with_(base=base)
    p, m = ov.display_frames(ds.projects, ds.meal_points)
    pos = ov.marker_positions(p, m, v)
    for key, lat, lon in pos:
        if base.startswith("amap"):  # what Leaflet reports: the displayed (GCJ-02) position
            lon, lat = wgs84_to_gcj02(lon, lat)
        assert ov.match_click({"lat": lat, "lng": lon}, base, pos) == key


def test_click_tolerance_and_datum(ds, scope):
    v = scope.default_view()
    p, m = ov.display_frames(ds.projects, ds.meal_points)
    pos = ov.marker_positions(p, m, v)
    row = m[m["id"] == "M28"].iloc[0]
    lon_g, lat_g = wgs84_to_gcj02(row["lon"], row["lat"])
    # a GCJ-02 click is shifted back: it matches under a GCJ base ...
    assert ov.match_click({"lat": lat_g, "lng": lon_g}, "amap", pos) == "m:M28"
    # ... but the same numbers under a WGS-84 base are ≈450 m away: no marker, only the subdistrict
    assert ov.match_click({"lat": lat_g, "lng": lon_g}, "osm", pos) is None
    assert ov.match_click({"lat": lat_g, "lng": lon_g}, "osm", pos, ds.subdistricts).startswith("s:")
    # a few metres off still matches; 30 m off does not
    assert ov.match_click({"lat": row["lat"] + 2e-5, "lng": row["lon"]}, "osm", pos) == "m:M28"
    assert ov.match_click({"lat": row["lat"] + 3e-4, "lng": row["lon"]}, "osm", pos) is None
    lat_a, lon_a = DISTRICT_WIDE_ANCHOR
    lon_ag, lat_ag = wgs84_to_gcj02(lon_a, lat_a)
    assert ov.match_click({"lat": lat_ag, "lng": lon_ag}, "amap_sat", pos) == "dw"
    for bad in (None, {}, {"lat": "x", "lng": 1}, {"lat": float("nan"), "lng": 1.0}):
        assert ov.match_click(bad, "amap", pos) is None


def test_hidden_layers_are_not_clickable(ds, scope):
    p, m = ov.display_frames(ds.projects, ds.meal_points)
    pos = ov.marker_positions(p, m, scope.default_view().with_(layers=("sub", "proj")))
    assert not any(k.startswith("m:") for k, _, _ in pos)


# ---------------------------------------------------------------- escaped HTML, both languages


@pytest.fixture(scope="module")
def hostile(ds):
    proj = ds.projects.copy()
    for col in ("name_zh", "name_en", "summary_zh", "summary_en", "figures_note", "location_note"):
        proj[col] = proj[col].astype(object)
        proj.loc[proj["id"].isin(["P01", "P11"]), col] = "P " + HOSTILE
    meals = ds.meal_points.copy()
    for col in ("name_zh", "name_en", "address", "hours", "source"):
        meals[col] = meals[col].astype(object)
        meals.loc[meals["id"] == "M28", col] = "M " + HOSTILE
    subs = ds.subdistricts.copy()
    subs.loc[subs["code"] == "210213013000", ["name_zh", "name_en"]] = "S " + HOSTILE
    return ds.replace("projects", proj, "h").replace("meal_points", meals, "h").replace("subdistricts", subs, "h")


def _safe(html: str) -> None:
    assert "<img" not in html and "<script" not in html and "</script" not in html
    assert "`" not in html and "${" not in html


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_all_html_is_escaped(hostile, lang):
    sc = ov.Scope.of(hostile)
    v = sc.default_view().with_(subdistrict="210213013000", query="")
    pr, me = ov.filter_projects(hostile.projects, v), ov.filter_meal_points(hostile.meal_points, v)
    out = [ov.legend_dynamic_html(hostile, v.with_(query=HOSTILE), {"education": 1}, 3, lang)]
    out += list(ov.subdistrict_tooltips(hostile, pr, me, v, lang).values())
    for sel in ("p:P11", "p:P01", "m:M28", "dw", "s:210213013000"):
        h = ov.details_html(sel, hostile, pr, me, v, lang)
        assert (h and "&lt;img src=x" in h) or sel == "dw"
        out.append(h)
    for h in out:
        _safe(h)
    assert any("&lt;img src=x onerror=alert(1)&gt;" in h for h in out)


def test_details_say_not_published_and_no_investment(ds, scope):
    v = scope.default_view()
    h = ov.details_html("m:M28", ds, ds.projects, ds.meal_points, v, "zh")
    assert "石城社区居家养老服务中心便民食堂" in h and "湾里西23号楼一层" in h and "未公布" in h and "湾里街道" in h
    h = ov.details_html("p:P16", ds, ds.projects, ds.meal_points, v, "en")
    assert "6,000 households" in h or "6000" in h.replace(",", "")
    assert "not published per project" in h
    assert ov.details_html("p:NOPE", ds, ds.projects, ds.meal_points, v, "zh") is None
    assert ov.details_html(None, ds, ds.projects, ds.meal_points, v, "zh") is None


# ---------------------------------------------------------------- page state and callbacks (no Streamlit)


def session_of(ps: ov.PageState) -> dict:
    return dict(ps.to_session())


def test_page_state_round_trips_through_the_session(scope):
    ps = ov.PageState.of_view(
        scope.default_view().with_(sectors=("medical",), subdistrict="210213008000", layers=("meal",), base="osm"),
        click_sig=(2, 39.1, 121.7, "osm"),
        zoomed=True,
    )
    s = session_of(ps)
    assert s["ov_sectors"] == ["medical"] and s["ov_sub"] == "210213008000" and s["ov_l_meal"] is True
    assert s["ov_l_sub"] is False and s["ov_base"] == "osm" and s["ov_zoomed"] is True
    assert ov.PageState.from_session(s) == ps
    assert ps.view() == scope.default_view().with_(
        sectors=("medical",), subdistrict="210213008000", layers=("meal",), base="osm"
    )
    for key in ov.WIDGET_KEYS:  # a widget key missing: the widgets were not drawn (first run, other page)
        assert ov.PageState.from_session({k: v for k, v in s.items() if k != key}) is None


def test_page_state_view_cleans_the_typed_query(scope):
    ps = ov.PageState(sectors=scope.sector_keys, query="  a\x00b   c ")
    assert ps.view().query == "ab c" and ps.query == "  a\x00b   c "


def test_start_reads_the_url_first_then_the_session(scope):
    params = {"sectors": "education", "sel": "p:P11", "base": "osm"}
    first = ov.start({"ov_zoomed": True}, params, scope)
    assert first.view() == ov.view_from_params(params, scope) and first.zoomed
    later = ov.start(session_of(ov.PageState(sectors=("medical",))), params, scope)
    assert later.sectors == ("medical",) and later.selection is None  # the session wins over the URL


def test_start_drops_what_the_dataset_does_not_have(ds, scope):
    small = ds.replace("projects", ds.projects[ds.projects["sector"] == "medical"], "mine.csv")
    sc = ov.Scope.of(small)
    stale = session_of(
        ov.PageState(sectors=("education", "medical"), subdistrict="999", base="google", selection="p:P01")
    )
    ps = ov.start(stale, {}, sc)
    assert ps.sectors == ("medical",) and ps.subdistrict == "" and ps.base == ov.DEFAULT_BASE
    assert ps.selection is None
    assert ov.fit(ps, sc) == ps


def test_reset_pick_and_clear(scope):
    ps = ov.PageState(
        sectors=("medical",), query="x", layers=("sub",), base="osm", selection="m:M01", click_sig=(1,), zoomed=True
    )
    r = ov.reset(ps, scope)
    assert r.view() == scope.default_view() and r.selection is None
    assert (r.click_sig, r.zoomed) == ((1,), True)  # what the map remembers is kept
    assert ov.pick(ps, "p:P11").selection == "p:P11" and ov.pick(ps, None).selection is None
    assert ov.clear_selection(ps).selection is None and ov.clear_selection(ps).sectors == ("medical",)


def test_filters_start_open_only_off_the_default(scope):
    default = ov.PageState.of_view(scope.default_view())
    assert not default.filters_open(scope)
    assert ov.PageState(sectors=("medical",)).filters_open(scope)
    assert ov.PageState(sectors=scope.sector_keys, layers=("sub", "proj")).filters_open(scope)
    assert ov.PageState(sectors=scope.sector_keys, base="osm").filters_open(scope)
    assert not ov.PageState(sectors=scope.sector_keys, query="x", subdistrict="210213008000").filters_open(scope)


def test_session_changes_write_differences_and_restate_the_select_boxes(scope):
    ps = ov.PageState.of_view(scope.default_view())
    restated = {k: session_of(ps)[k] for k in ov.RESTATED_KEYS}
    assert ov.session_changes(session_of(ps), ps) == restated
    moved = ov.pick(ps, "m:M28")
    assert ov.session_changes(session_of(ps), moved) == {**restated, "ov_sel": "m:M28"}
    typed = ov.PageState(sectors=scope.sector_keys, query="x")
    assert ov.session_changes(session_of(ps), typed)["ov_q"] == "x"
    changed = ov.PageState(sectors=("medical",), selection="dw")
    assert ov.session_changes(session_of(ps), changed, widgets=False) == {"ov_sel": "dw"}  # widgets drawn
    assert ov.session_changes({}, ps).keys() == session_of(ps).keys()


def test_map_click_selects_once_and_keeps_the_selection_on_nothing(ds, scope):
    v = scope.default_view()
    p, m = ov.display_frames(ds.projects, ds.meal_points)
    pos = ov.marker_positions(p, m, v)
    row = ds.meal_points[ds.meal_points["id"] == "M28"].iloc[0]
    lon_g, lat_g = wgs84_to_gcj02(row["lon"], row["lat"])
    ps = ov.PageState.of_view(v)
    out = {"last_object_clicked": {"lat": lat_g, "lng": lon_g}, "last_object_clicked_count": 1}
    hit = ov.on_map_click(ps, out, pos, ds.subdistricts)
    assert hit.selection == "m:M28" and hit.click_sig == (1, lat_g, lon_g, "amap")
    # the same click returned by the next rerun changes nothing (the user may have cleared it)
    cleared = ov.clear_selection(hit)
    assert ov.on_map_click(cleared, out, pos, ds.subdistricts) == cleared
    # a click in the sea: no record, the selection stays
    sea = {"last_object_clicked": {"lat": 38.5, "lng": 123.5}, "last_object_clicked_count": 2}
    after = ov.on_map_click(hit, sea, pos, ds.subdistricts)
    assert after.selection == "m:M28" and after.click_sig[0] == 2
    assert ov.on_map_click(ps, None, pos) == ps and ov.on_map_click(ps, {}, pos) == ps


def test_map_click_picks_a_subdistrict_only_when_its_layer_is_shown(ds, scope):
    seat = ds.subdistricts[ds.subdistricts["code"] == "210213008000"].iloc[0]
    click = {"last_object_clicked": {"lat": seat["seat_lat"] + 0.003, "lng": seat["seat_lon"]}}
    ps = ov.PageState.of_view(scope.default_view().with_(base="osm", layers=("sub",)))
    assert ov.on_map_click(ps, click, [], ds.subdistricts).selection == "s:210213008000"
    no_sub = ov.PageState.of_view(scope.default_view().with_(base="osm", layers=("proj",)))
    assert ov.on_map_click(no_sub, click, [], ds.subdistricts).selection is None


def test_map_focus_moves_to_a_subdistrict_and_back(ds, scope):
    ps = ov.PageState.of_view(scope.default_view().with_(base="osm"))
    assert ov.map_focus(ps, ds.subdistricts) == (ps, None, None)
    there = ov.PageState.of_view(scope.default_view().with_(base="osm", subdistrict="210213008000"))
    moved, center, zoom = ov.map_focus(there, ds.subdistricts)
    seat = ds.subdistricts[ds.subdistricts["code"] == "210213008000"].iloc[0]
    assert moved.zoomed and zoom == 12 and center == (seat["seat_lat"], seat["seat_lon"])
    back, center, zoom = ov.map_focus(ov.reset(moved, scope), ds.subdistricts)
    lon_g, lat_g = wgs84_to_gcj02(121.87, 39.24)  # the default base is a GCJ-02 one
    assert zoom == 9 and center == (lat_g, lon_g) and back.zoomed


def test_url_changes(scope):
    v = scope.default_view().with_(sectors=("medical",), selection="dw")
    sets, drops = ov.url_changes({"lang": "en", "q": "old", "sel": "dw"}, v, scope)
    assert sets == {"sectors": "medical"} and drops == ["q"]  # lang is not the view's
    assert ov.url_changes(ov.view_to_params(v, scope), v, scope) == ({}, [])


def test_map_layers_are_the_same_for_every_view(ds, scope):
    """The map holds every record: its script does not change with the filters (the view
    is a payload the browser applies), so Streamlit can send a reference to it."""
    v = scope.default_view()

    def script(view):
        m = ov.map_base(view, "en")
        for g in ov.map_layers(ds, view, scope, "en"):
            g.add_to(m)
        js = m.get_root().render()
        return re.sub(r"[0-9a-f]{32}", "X", js + "".join(external_body(k) for k in loaded_keys(js)))

    default = script(v)
    assert len(loaded_keys(default)) == 4  # shared data: every layer is a file the browser keeps
    assert len(ov.map_layers(ds, v, scope, "en")) == 4  # subdistricts, projects, meal points, the view script
    for other in (
        v.with_(sectors=("medical",)),
        v.with_(subdistrict="210213008000", query="站前"),
        v.with_(layers=()),
        v.with_(selection="m:M12"),
    ):
        assert script(other) == default, other
    assert default.count("jpId") >= len(ds.projects[ds.projects["lat"].notna()]) + 1  # each project and the anchor
    assert script(v.with_(base="osm")) != default  # another datum: other positions
    assert "jpOverviewView(m, window.jpGroups || {}, " in default  # the view script, last
    assert '"emphasis": {"color": "#000", "fillOpacity": 0.18, "weight": 4}' in default  # geo.maps.layers


def test_view_payload_follows_the_view(ds, scope):
    v = scope.default_view()
    pr, me = ov.filter_projects(ds.projects, v), ov.filter_meal_points(ds.meal_points, v)
    full = ov.view_payload(ds, v, pr, me, scope, "en")
    located = ds.projects[ds.projects["lat"].notna()]
    assert sorted(full["p"]) == sorted(located["id"]) and len(full["m"]) == 60 and full["dw"] is not None
    assert full["layers"] == ["sub", "proj", "meal"] and full["sub"] is None and full["focus"] is None
    assert len(full["tips"]) == 25 and "Zhanqian" in full["tips"]["210213008000"]
    assert str(len(ds.projects) - len(located)) in full["dw"]["icon"]
    medical = v.with_(sectors=("medical",), subdistrict="210213008000")
    pr2, me2 = ov.filter_projects(ds.projects, medical), ov.filter_meal_points(ds.meal_points, medical)
    p2 = ov.view_payload(ds, medical, pr2, me2, scope, "en", (39.1, 121.7, 12))
    assert set(p2["p"]) == set(pr2.loc[pr2["lat"].notna(), "id"]) and p2["sub"] == "210213008000"
    assert sorted(p2["m"]) == sorted(me2["id"]) and len(p2["m"]) < 60
    assert p2["focus"] == [39.1, 121.7, 12] and p2["n"] != full["n"]
    wide_medical = pr2[pr2["lat"].isna()]
    assert p2["dw"]["popup"].count('class="jp-dw-item"') == len(wide_medical)
    off = ov.view_payload(ds, v.with_(layers=("sub",)), pr, me, scope, "en")
    assert off["layers"] == ["sub"] and off["n"] != full["n"]
    # the layers that are off still have their markers, for a checkbox that turns them on
    assert (off["p"], off["m"], off["dw"]) == (full["p"], full["m"], full["dw"])
    assert len(off["tips"]) == 25  # (their counts are of what the map shows: no markers here)
    # the page's hidden element round-trips, and hostile text stays inside the attribute
    hostile = dict(full, legend='"><img src=x onerror=alert(1)>')
    h = ov.view_html(hostile)
    assert h.count("<") == 2 and "<img" not in h and ov.read_view_html(h) == hostile


def test_view_positions_are_the_shown_markers_at_their_map_positions(ds, scope):
    v = scope.default_view().with_(sectors=("urban_renewal",))
    pr, me = ov.filter_projects(ds.projects, v), ov.filter_meal_points(ds.meal_points, v)
    pos = ov.view_positions(ds, v, pr, me)
    all_pd, all_md = ov.display_frames(ds.projects, ds.meal_points)
    everything = dict((k, (la, lo)) for k, la, lo in ov.marker_positions(all_pd, all_md, v))
    assert {k for k, _, _ in pos} == {f"p:{i}" for i in pr.loc[pr["lat"].notna(), "id"]} | {"dw"} | {
        f"m:{i}" for i in me["id"]
    }
    assert all(everything[k] == (la, lo) for k, la, lo in pos)


def test_widget_labels(ds, scope):
    names = ov.subdistrict_names(ds.subdistricts, "en")
    subs = ov.subdistrict_options(scope, names, "en")
    assert subs[""] == "All subdistricts (25)" and subs["210213008000"] == "Zhanqian" and len(subs) == 26
    counts = ov.sector_counts(ds.projects, scope.default_view(), scope)
    assert ov.sector_options(counts, scope, "zh")["medical"] == "医 医疗保障 (2)"
    assert list(ov.base_options("en")) == list(ov.BASE_KEYS) and ov.base_options("zh")["amap"] == "高德地图"
    assert "Filters" in ov.filters_title("en") and "·" in ov.filters_title("zh")


def test_pick_list_keeps_a_selection_the_map_does_not_show(ds, scope):
    names = ov.subdistrict_names(ds.subdistricts, "en")
    v = scope.default_view().with_(selection="s:210213008000")
    opts = ov.pick_list(ds.projects, ds.meal_points, v, names, "en")
    assert opts["s:210213008000"] == "Subdistrict: Zhanqian" and opts["dw"].startswith("District-wide")
    hidden = v.with_(layers=("sub",), selection="m:M28")
    assert ov.pick_list(ds.projects, ds.meal_points, hidden, names, "en") == {"m:M28": "m:M28"}


def test_tooltip_lists_use_the_language_separator(ds, scope):
    v = scope.default_view()
    tips = ov.subdistrict_tooltips(ds, ds.projects, ds.meal_points, v, "zh", limit=2)
    en = ov.subdistrict_tooltips(ds, ds.projects, ds.meal_points, v, "en", limit=2)
    many = next(c for c, h in tips.items() if "另" in h)  # a subdistrict with more meal points than shown
    assert "、" in tips[many] and "; " in en[many] and "more" in en[many]


# ---------------------------------------------------------------- the page (AppTest)

DW_ID = re.compile(r'class="jp-dw-item" data-id="([^"]+)"')


def payload(at) -> dict:
    """The view the page hands the map (the KPI strip's data-jp-view)."""
    (p,) = [v for v in (ov.read_view_html(h.proto.body) for h in at.get("html")) if v is not None]
    return p


def shown_projects(at) -> set[str]:
    p = payload(at)
    if "proj" not in p["layers"]:
        return set()
    return set(p["p"]) | (set(DW_ID.findall(p["dw"]["popup"])) if p["dw"] else set())


def shown_meals(at) -> int:
    p = payload(at)
    return len(p["m"]) if "meal" in p["layers"] else 0


def test_page_default_and_each_sector(ds):
    at = run_app()
    assert shown_projects(at) == ids(ds.projects) and shown_meals(at) == 60
    args_before = folium_args(at)
    for sector in facts.SECTOR_KEYS:
        at.multiselect(key="ov_sectors").set_value([sector]).run()
        assert not at.exception
        assert shown_projects(at) == ids(ds.projects[ds.projects["sector"] == sector]), sector
        assert at.query_params["sectors"] in ([sector], sector)
    at.selectbox(key="ov_sub").set_value("210213008000").run()
    assert payload(at)["focus"] is not None and payload(at)["sub"] == "210213008000"
    # the map's arguments never changed: the same message (Streamlit sends a reference to
    # it), no remount; the view went to the browser in the payload
    assert folium_args(at) == args_before


def test_page_search_and_reset(ds):
    at = run_app()
    at.text_input(key="ov_q").set_value("湾里").run()
    assert shown_projects(at) == set()
    assert shown_meals(at) == len(
        ov.filter_meal_points(ds.meal_points, ov.Scope.of(ds).default_view().with_(query="湾里"))
    )
    assert at.query_params["q"] in (["湾里"], "湾里")
    at.button(key="ov_reset").click().run()
    assert shown_projects(at) == ids(ds.projects) and shown_meals(at) == 60
    assert "q" not in at.query_params


def test_page_sectors_survive_a_search_that_changes_their_counts(ds):
    """(In a browser, the case that matters: tests/browser/test_browser_overview.py.)"""
    at = run_app()
    at.text_input(key="ov_q").set_value("燃气").run()  # the sector labels now count 1 and 0
    assert shown_projects(at) == {"P06"}
    at.text_input(key="ov_q").set_value("").run()
    assert at.multiselect(key="ov_sectors").value == list(facts.SECTOR_KEYS)
    assert shown_projects(at) == ids(ds.projects) and "sectors" not in at.query_params


def test_page_url_round_trip_and_english(ds):
    q = {
        "lang": "en",
        "sectors": "urban_renewal",
        "sub": "210213008000",
        "layers": "sub,proj,meal",
        "base": "osm",
        "sel": "m:M12",
    }
    at = run_app(query=q)
    assert at.multiselect(key="ov_sectors").value == ["urban_renewal"]
    assert at.selectbox(key="ov_sub").value == "210213008000"
    assert at.selectbox(key="ov_base").value == "osm"
    assert shown_projects(at) == ids(ov.filter_projects(ds.projects, ov.view_from_params(q, ov.Scope.of(ds))))
    fg = map_js(at)
    assert "Zhanqian" in fg and "district-wide" in fg
    assert at.title[0].value == "Jinpu Livelihood Map"
    html = " ".join(h.proto.body for h in at.get("html"))
    assert "Zhanqian meal point" in html and "Meal points shown" in html  # details + KPI strip in English
    for k, v in q.items():
        if k != "layers":  # default layers are left out of the URL
            assert at.query_params[k] in ([v], v), k
    assert "layers" not in at.query_params
    # the view survives a language switch and the base map switch keeps the data in WGS-84 for clicks
    at.radio(key="lang_select").set_value("zh").run()
    assert at.query_params["sectors"] in (["urban_renewal"], "urban_renewal")
    assert "站前街道" in map_js(at)


def test_page_pick_list_selects_and_clears(ds):
    at = run_app()
    before = folium_args(at)
    at.selectbox(key="ov_pick").set_value("p:P11").run()
    assert at.query_params["sel"] in (["p:P11"], "p:P11")
    # a selection changes nothing on the map: identical arguments, so the iframe does nothing
    # (an open popup stays open)
    assert folium_args(at) == before
    html = " ".join(h.proto.body for h in at.get("html"))
    assert "先进街道响泉小区老旧小区改造工程" in html
    at.button(key="ov_clear").click().run()
    assert "sel" not in at.query_params


# ---------------------------------------------------------------- ways to a meal point, verified looks, clusters


def _hrefs(html: str) -> list[str]:
    """The ways to a meal point (the report link is not one)."""
    return [u for u in re.findall(r'href="([^"]+)"', html) if "report?" not in u]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_details_give_the_ways_to_a_meal_point_by_its_precision(ds, scope, lang):
    v = scope.default_view()
    # a named facility (subdistrict precision): searched by name, then 12345; never its coordinates
    h = ov.details_html("m:M28", ds, ds.projects, ds.meal_points, v, lang)
    links = _hrefs(h)
    assert links and "tel:12345" in links and not any("navigation" in u or "direction" in u for u in links)
    assert h.count('target="_blank" rel="noopener"') == len(links) and 'class="ovd-dir-why"' in h
    # an illustrative point: a search around its subdistrict's seat (no origin on the overview)
    row = ds.meal_points[ds.meal_points["id"] == "M03"].iloc[0]
    sub = ds.subdistricts[ds.subdistricts["code"] == row["subdistrict_code"]].iloc[0]
    h = ov.details_html("m:M03", ds, ds.projects, ds.meal_points, v, lang)
    links = _hrefs(h)
    assert any(f"location={sub['seat_lat']:.6f},{sub['seat_lon']:.6f}" in u for u in links)
    assert "tel:12345" in links and not any("navigation" in u or "direction" in u for u in links)
    assert {"zh": "示意", "en": "approx."}[lang] in h and "stroke-dasharray" in h  # the hollow symbol and its tag
    # a surveyed point: walking navigation to it
    meals = ds.meal_points.copy()
    meals.loc[meals["id"] == "M03", "location_precision"] = "surveyed"
    real = ds.replace("meal_points", meals, "mine.csv")
    h = ov.details_html("m:M03", real, real.projects, real.meal_points, v, lang)
    assert any("uri.amap.com/navigation" in u for u in _hrefs(h)) and "ovd-dir-why" not in h
    assert "stroke-dasharray" not in h


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_meal_details_link_to_the_report_page(ds, scope, lang):
    h = ov.details_html("m:M03", ds, ds.projects, ds.meal_points, scope.default_view(), lang)
    (a,) = re.findall(r'<a class="jp-report"[^>]*>[^<]*</a>', h)
    assert f'href="report?point=M03&amp;lang={lang}"' in a and 'target="_self"' in a
    assert {"zh": "信息有误？报告问题", "en": "Something wrong? Report it"}[lang] in a
    # a project has no report link
    assert "report?" not in ov.details_html("p:P01", ds, ds.projects, ds.meal_points, scope.default_view(), lang)


def test_seats_come_from_the_layer_then_the_facts(ds):
    seats = ov.seats(ds.subdistricts)
    assert len(seats) == len(ds.subdistricts)
    code = "210213008000"
    row = ds.subdistricts[ds.subdistricts["code"] == code].iloc[0]
    assert seats[code] == (row["seat_lon"], row["seat_lat"])
    moved = ds.subdistricts.copy()
    moved.loc[moved["code"] == code, ["seat_lon", "seat_lat"]] = (121.5, 39.5)
    moved.loc[moved["code"] == "210213001000", "seat_lat"] = float("nan")
    seats = ov.seats(moved)
    assert seats[code] == (121.5, 39.5)
    assert seats["210213001000"] == (facts.SEAT_BY_CODE["210213001000"].lon, facts.SEAT_BY_CODE["210213001000"].lat)


def test_legend_counts_checked_and_illustrative_meal_points(ds, scope):
    v = scope.default_view()
    h = ov.legend_dynamic_html(ds, v, {"education": 3}, 60, "en", meals_verified=0)
    assert "approximate position" in h and "position checked" not in h and ">60<" in h
    assert "tap to zoom in" in h  # the cluster row
    h = ov.legend_dynamic_html(ds, v, {"education": 3}, 60, "zh", meals_verified=2)
    assert "位置已核实" in h and ">2<" in h and ">58<" in h
    off = ov.legend_dynamic_html(ds, v.with_(layers=("sub",)), {}, 60, "zh", meals_verified=0)
    assert 'class="row off"' in off and "点按放大" not in off


def test_the_overview_map_clusters_its_meal_points(ds, scope):
    v = scope.default_view()
    h = ov.map_base(v, "zh").get_root().render()
    assert "/app/static/vendor/markercluster/leaflet.markercluster.js" in h
    me = ds.meal_points
    groups = ov.map_layers(ds, v, scope, "zh")
    # the meal layer's script (built once per process, geo.maps.cache; a file: geo.maps.external):
    # one cluster, holding every meal point
    m = ov.map_base(v, "zh")
    groups[2].add_to(m)
    (key,) = loaded_keys(m.get_root().render())
    script = external_body(key)
    (cluster,) = re.findall(r"var (\w+) = \(function\(\)\{\s*// Meal points clustered", script)
    assert cluster.startswith("meal_cluster")
    (data,) = [json.loads(x) for x in re.findall(rf"jpMeals\({cluster}, (\{{.*?\}}), \{{", script)]
    assert [r[0] for r in data["p"]] == list(me["id"]) and len(me) > 1
