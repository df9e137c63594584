"""geo.views.coverage (the coverage page's views, plain Python, no streamlit): view, page state
and its callbacks, what-if list, choropleth classes and colours, tooltips, legend, table,
suggestions and exports; and the page's map layers (geo.maps.coverage)."""

from __future__ import annotations

import dataclasses
import json
import re

import numpy as np
import pandas as pd
import pytest

from geo.core import coverage as cv
from geo.core.datum import wgs84_to_gcj02
from geo.data.loader import load_bundled
from geo.maps import coverage as mp
from geo.views import coverage as pl

HOSTILE = "<img src=x onerror=alert(1)>${alert(1)}`"


@pytest.fixture(scope="module")
def ds():
    return load_bundled()


@pytest.fixture(scope="module")
def metrics(ds):
    return cv.subdistrict_metrics(ds.subdistricts, ds.meal_points, 500, "straight", cell_m=pl.CELL_M)


def with_population(ds):
    sub = ds.subdistricts.copy()
    area = sub.to_crs(cv.METRIC_CRS).area.to_numpy() / 1e6
    sub["pop_total"] = np.round(200_000 / (1 + np.arange(len(sub)))) + 1000
    sub["pop_60plus"] = np.round(sub["pop_total"] * 0.22)
    assert len(area) == 25
    return ds.replace("subdistricts", sub, "pop.geojson")


def test_view_validation_and_radius_text():
    v = pl.View(metric="nope", radius_m=123, mode="x", scheme="natural", k=9, base="tencent").valid()
    assert v == pl.View()
    w = pl.View(radius_m=500, mode="walking")
    assert w.r_eff == pytest.approx(500 / 1.3)
    assert "385" in pl.radius_text(w, "zh") and "步行" in pl.radius_text(w, "zh")
    assert "straight line" in pl.radius_text(pl.View(radius_m=300), "en")
    assert pl.suggest_cell_m(500) == 200 and pl.suggest_cell_m(1000) == 400


def test_fingerprint_follows_data(ds):
    a = pl.fingerprint(ds.subdistricts, ds.meal_points)
    assert a == pl.fingerprint(ds.subdistricts.copy(), ds.meal_points.copy())
    assert a != pl.fingerprint(ds.subdistricts, ds.meal_points.iloc[1:])
    assert a != pl.fingerprint(with_population(ds).subdistricts, ds.meal_points)


def test_whatif_add_remove(ds):
    district = pl.district_area(ds.subdistricts)
    pts, msg = pl.whatif_add([], 121.9, 39.3, district)
    assert msg is None and pts == [(121.9, 39.3)]
    assert pl.whatif_add(pts, 121.9, 39.3, district) == (pts, "cv.wi.duplicate")
    assert pl.whatif_add(pts, 120.0, 38.0, district)[1] == "cv.wi.outside"
    full = [(121.8 + i * 1e-3, 39.3) for i in range(pl.MAX_WHATIF)]
    assert pl.whatif_add(full, 121.95, 39.31, district)[1] == "cv.wi.too_many"
    pts, _ = pl.whatif_add(pts, 121.8, 39.2, district)
    assert pl.whatif_remove(pts, 0) == [(121.8, 39.2)]
    # the what-if points enter the metrics
    after = pl.points_with_whatif(ds.meal_points, pts)
    assert len(after) == len(ds.meal_points) + 2 and after["is_whatif"].sum() == 2


# ---------------------------------------------------------------- the page state and its callbacks


@pytest.fixture(scope="module")
def district(ds):
    return pl.district_area(ds.subdistricts)


def test_state_defaults_and_widgets():
    s = pl.PlannerState()
    assert s.view == pl.View() and s.whatif == () and s.message is None and not s.sg_on
    defaults = pl.widget_defaults()
    assert set(defaults) == {*pl.WIDGETS, pl.COORDS_WIDGET}
    assert defaults["cv_radius"] == 500 and defaults["cv_sg_focus"] == [] and defaults[pl.COORDS_WIDGET] == ""
    # widget values come in; missing widget keys keep the state's value; an invalid view falls back
    w = pl.from_widgets(s, {"cv_radius": 1000, "cv_sg_focus": ["210213028000"], "cv_metric": "nope"})
    assert w.radius_m == 1000 and w.sg_focus == ("210213028000",) and w.mode == "straight"
    assert w.view.metric == "covered_share" and w.view.radius_m == 1000
    assert pl.widget_values(w)["cv_sg_focus"] == ["210213028000"]


def test_state_checked_and_widget_writes():
    s = pl.PlannerState(sg_focus=("a", "gone"), sg_weights="population")
    c = s.checked(["a", "b"], population_ok=False)
    assert c.sg_focus == ("a",) and c.sg_weights == "area"
    assert s.checked(["a", "gone"], population_ok=True) == s
    session = pl.widget_values(s)
    writes = pl.widget_writes(session, c)
    # the corrected values, and the focus on every run (it outlives the hidden multiselect)
    assert writes == {"cv_sg_focus": ["a"], "cv_sg_weights": "area"}
    assert pl.widget_writes(pl.widget_values(c), c) == {"cv_sg_focus": ["a"]}


def test_state_add_duplicate_outside_and_limit(district):
    s0 = pl.PlannerState()
    s1, key = pl.add_point(s0, 121.9, 39.3, district)
    assert key == "cv.wi.added" and s1.whatif == ((121.9, 39.3),) and s1.message == ("cv.wi.added", 1)
    assert s0.whatif == ()  # the state is frozen: a new one is returned
    s2, key = pl.add_point(s1, 121.9000001, 39.3, district)  # the same point to 1e-6°
    assert key == "cv.wi.duplicate" and s2.whatif == s1.whatif and s2.message == ("cv.wi.duplicate", None)
    s3, key = pl.add_point(s1, 120.0, 38.0, district)
    assert key == "cv.wi.outside" and s3.whatif == s1.whatif
    full = pl.PlannerState(whatif=tuple((121.8 + i * 1e-3, 39.3) for i in range(pl.MAX_WHATIF)))
    s4, key = pl.add_point(full, 121.95, 39.31, district)
    assert key == "cv.wi.too_many" and s4.whatif == full.whatif


def test_state_remove_clear_and_message(district):
    s, _ = pl.add_point(pl.PlannerState(), 121.9, 39.3, district)
    s, _ = pl.add_point(s, 121.8, 39.2, district)
    assert s.message == ("cv.wi.added", 2)
    r, key = pl.remove_point(s, 0)
    assert key is None and r.whatif == ((121.8, 39.2),)
    assert pl.remove_point(s, 5)[0].whatif == s.whatif  # an index that is gone removes nothing
    c, key = pl.clear_points(s)
    assert key is None and c.whatif == ()
    shown, msg = pl.take_message(s)
    assert msg == ("cv.wi.added", 2) and shown.message is None and shown.whatif == s.whatif
    assert pl.take_message(shown)[1] is None  # said once


def test_state_typed_coordinates(district):
    s, key = pl.typed_point(pl.PlannerState(), "39.30, 121.90", district)
    assert key == "cv.wi.added" and s.whatif == ((121.9, 39.3),)
    bad, key = pl.typed_point(s, "not a place", district)
    assert key == "cv.wi.bad_coords" and bad.whatif == s.whatif and bad.message == ("cv.wi.bad_coords", None)
    assert pl.typed_point(s, "121.90 39.30", district)[1] == "cv.wi.duplicate"  # lon lat works too


def test_state_click_on_gcj02_base_is_shifted_back(district):
    s = pl.PlannerState(base="amap")
    glon, glat = wgs84_to_gcj02(121.75, 39.45)
    tap = {"last_clicked": {"lat": glat, "lng": glon}}
    s, key = pl.record_click(s, tap)
    assert key is None and s.pending_click == tap["last_clicked"] and s.whatif == ()
    s, key = pl.apply_click(s, district)
    assert key == "cv.wi.added" and s.pending_click is None
    ((lon, lat),) = s.whatif
    assert lon == pytest.approx(121.75, abs=1e-5) and lat == pytest.approx(39.45, abs=1e-5)
    # the map reports the same tap again (any rerun): not a new tap
    again, _ = pl.record_click(s, tap)
    assert again.pending_click is None and pl.apply_click(again, district) == (again, None)
    # on a WGS-84 base the tap is taken as it is; a tap outside the district is refused
    w, _ = pl.record_click(pl.PlannerState(), {"last_clicked": {"lat": 39.45, "lng": 121.75}})
    assert pl.apply_click(w, district)[0].whatif == ((121.75, 39.45),)
    out, _ = pl.record_click(pl.PlannerState(), {"last_clicked": {"lat": 38.5, "lng": 121.0}})
    out, key = pl.apply_click(out, district)
    assert key == "cv.wi.outside" and out.whatif == () and out.pending_click is None
    assert pl.record_click(pl.PlannerState(), None)[0] == pl.PlannerState()


def test_state_suggestions_exact_and_adopt():
    s = pl.PlannerState(sg_on=True, sg_k=2, sg_focus=("210213028000",), whatif=((121.9, 39.3),))
    call, bad = pl.suggest_call(s, "fp")
    assert bad == [] and call.fingerprint == "fp" and call.radius_m == 500 and call.whatif == ((121.9, 39.3),)
    assert call.request == pl.SuggestRequest(k=2, weights="area", candidates=(), focus=("210213028000",))
    assert pl.suggest_call(pl.PlannerState(), "fp")[0] is None  # suggestions off
    empty, bad = pl.suggest_call(pl.PlannerState(sg_on=True, sg_cmode="list", sg_text="x 1\n"), "fp")
    assert empty is None and bad == [1]
    # the exact solve is asked for one suggestion: it stays asked for while nothing changes
    assert not s.wants_exact(call)
    e, key = pl.request_exact(s, call)
    assert key is None and e.wants_exact(call) and e.wants_exact(pl.suggest_call(e, "fp")[0])
    assert not e.wants_exact(pl.suggest_call(e, "other data")[0])
    assert not e.wants_exact(pl.suggest_call(dataclasses.replace(e, sg_k=3), "fp")[0])
    # adopt: the sites suggested last become what-if points; one already there is skipped
    sites = pd.DataFrame({"lon": [121.9, 121.8, 121.7], "lat": [39.3, 39.2, 39.1]})
    a = pl.with_suggestions(s, sites)
    assert a.sg_sites == ((121.9, 39.3), (121.8, 39.2), (121.7, 39.1))
    a, key = pl.adopt_suggestions(a)
    assert key == "cv.sg.adopted" and a.message == ("cv.sg.adopted", 2)
    assert a.whatif == ((121.9, 39.3), (121.8, 39.2), (121.7, 39.1))
    assert pl.with_suggestions(a, None).sg_sites == ()
    assert pl.adopt_suggestions(pl.PlannerState())[0].message == ("cv.sg.adopted", 0)


def test_parse_candidates():
    pts, bad = pl.parse_candidates("lat,lon\n39.108, 121.712\n\n# note\n121.8 39.2\nfoo 1\n39.1，121.75")
    assert pts == [(121.712, 39.108), (121.8, 39.2), (121.75, 39.1)]
    assert bad == [6]


def test_choropleth_quantiles_red_is_worst(metrics):
    ch = pl.choropleth(metrics, "covered_share", "quantiles", 5)
    assert ch.n == 25 and len(ch.bins) == 5 and sum(ch.counts) == 25
    worst = ch.values.idxmin()
    best = ch.values.idxmax()
    assert ch.colors[worst] == pl.RAMPS[5][0]  # red
    assert ch.colors[best] == pl.RAMPS[5][-1]  # blue
    assert ch.ranks[best] == 1 and ch.ranks[worst] == 25
    assert ch.underserved[worst] and not ch.underserved[best]
    assert int(ch.underserved.sum()) == ch.counts[0]
    # distances: higher is worse, so the ramp is reversed
    d = pl.choropleth(metrics, "mean_dist_m", "fisher_jenks", 4)
    far = d.values.idxmax()
    assert d.colors[far] == pl.RAMPS[4][0] and d.underserved[far]
    assert len(set(d.colors)) >= 2


def test_policy_breaks_labels_and_fallback(metrics):
    ch = pl.choropleth(metrics, "covered_share", "policy")
    assert ch.bins == [0.25, 0.5, 0.75, 1.0]
    assert pl.class_labels(ch, "zh") == ["0–25%", "25–50%", "50–75%", "75–100%"]
    d = pl.choropleth(metrics, "p90_dist_m", "policy")
    assert d.bins[:3] == [300.0, 500.0, 1000.0]
    assert pl.class_labels(d, "en")[0] == "0 – 300"
    n = pl.choropleth(metrics, "n_points", "policy", 4)
    assert n.fallback and not ch.fallback


def test_unavailable_population_metric(ds, metrics):
    reasons = pl.unavailable_texts(ds.subdistricts, "zh")
    assert set(reasons) == {"points_per_10k_60plus", "pop_weighted_covered_share"}
    assert "未提供人口数据" in reasons["points_per_10k_60plus"]
    en = pl.unavailable_texts(ds.subdistricts, "en")
    assert all("No population figures were supplied" in r and "published" in r for r in en.values())
    partial = ds.subdistricts.copy()
    partial["pop_60plus"] = [float("nan")] * 3 + [1000.0] * (len(partial) - 3)
    assert "3 of 25" in pl.unavailable_texts(partial, "en")["points_per_10k_60plus"]
    ch = pl.choropleth(metrics, "points_per_10k_60plus", "quantiles", 5, reasons)
    assert not ch.available and "未公开" in ch.reason
    assert set(ch.colors) == {pl.NO_DATA} and (ch.classes == -1).all()
    html = pl.legend_html(ch, pl.View(metric="points_per_10k_60plus"), "zh")
    assert "不可用" in html and "无数据" in html


def test_population_metrics_available_when_supplied(ds):
    pds = with_population(ds)
    assert cv.unavailable_metrics(pds.subdistricts) == {}
    assert pl.unavailable_texts(pds.subdistricts, "en") == {}
    m = cv.subdistrict_metrics(pds.subdistricts, pds.meal_points, 500, cell_m=400)
    ch = pl.choropleth(m, "points_per_10k_60plus", "quantiles", 5)
    assert ch.available and ch.classes.min() >= 0 and len(set(ch.colors)) == 5
    table = pl.metrics_table(pds.subdistricts, m, ch, "en")
    assert any("aged 60+" in c for c in table.columns)
    assert any("Population-weighted" in c for c in table.columns)


def test_formatting_units():
    assert pl.fmt_value("covered_share", 0.1234, "zh") == "12.3%"
    assert pl.fmt_value("mean_dist_m", 1234.4, "en") == "1,234 m"
    assert pl.fmt_value("n_points", 3, "zh") == "3 个"
    assert pl.fmt_value("points_per_10km2", float("nan"), "zh") == "—"
    assert pl.fmt_delta("covered_share", 0.015, "en") == "+1.5 pp"
    assert pl.fmt_delta("mean_dist_m", -200, "en") == "−200 m"


def test_tooltips_escape_and_rank(ds, metrics):
    ch = pl.choropleth(metrics, "covered_share")
    nm = pl.subdistrict_names(ds.subdistricts, "zh")
    code = ch.values.index[0]
    nm[code] = HOSTILE
    tips = pl.tooltips(ch, nm, "zh", delta=pd.Series(0.01, index=ch.values.index))
    assert "<img" not in tips[code] and "&lt;img" in tips[code] and "${" not in tips[code] and "`" not in tips[code]
    assert re.search(r"第 \d+ / 25", tips[code]) and "试加点后变化" in tips[code]


def test_legend_states_metric_breaks_units_and_radius(metrics):
    ch = pl.choropleth(metrics, "covered_share", "quantiles", 5)
    v = pl.View(radius_m=1000, mode="walking")
    html = pl.legend_html(ch, v, "en", n_whatif=2, n_sugg=3)
    assert 'data-metric="covered_share"' in html and "Share of area within R" in html
    assert "1000 m walk" in html and "769 m straight line" in html
    assert html.count('class="row cv-class"') == 5
    for label in pl.class_labels(ch, "en"):
        assert label in html
    assert "What-if points (2)" in html and "Suggested sites (3)" in html and "Quantiles" in html


def test_summary_and_table_worst_first(ds, metrics):
    s0 = cv.district_summary(ds.subdistricts, ds.meal_points, 500, metrics=metrics)
    pts = pl.points_with_whatif(ds.meal_points, [(121.9, 39.3)])
    m1 = cv.subdistrict_metrics(ds.subdistricts, pts, 500, cell_m=pl.CELL_M)
    s1 = cv.district_summary(ds.subdistricts, pts, 500, metrics=m1)
    cards = {k: (v, c) for k, _l, v, c in pl.summary_cards(s1, s0, "zh")}
    assert cards["points_total"] == ("61", "+1")
    assert cards["subdistricts_with_points"][0] == "25 / 25"
    assert cards["covered_area_km2"][1].startswith("+0.7")  # one new 500 m circle ≈ 0.785 km²
    html = pl.summary_html(s1, s0, pl.View(), "zh")
    assert "试加点后" in html and ("42." in html or "43." in html)
    ch = pl.choropleth(m1, "covered_share")
    table = pl.metrics_table(ds.subdistricts, m1, ch, "zh", before=metrics)
    col = "R 范围内的面积比例 (%)"
    assert list(table[col]) == sorted(table[col])  # worst (smallest) first
    assert table["服务不足"].iloc[0] == "是"
    assert (
        1 <= (table["变化：R 范围内的面积比例"] > 1e-9).sum() <= 4
        and (table["变化：R 范围内的面积比例"] >= -1e-9).all()
    )
    assert not any("60" in c for c in table.columns)  # unavailable population metrics are left out


def test_table_csv_neutralises_formulas(ds, metrics):
    sub = ds.subdistricts.copy()
    sub.loc[0, "name_zh"] = '=HYPERLINK("http://x")'
    ch = pl.choropleth(metrics, "n_points")
    data = pl.table_csv(pl.metrics_table(sub, metrics, ch, "zh")).decode("utf-8-sig")
    assert "'=HYPERLINK" in data and "\n=HYPERLINK" not in data and ",=HYPERLINK" not in data
    assert data.splitlines()[0].startswith("街道,代码")


def test_suggest_greedy_then_exact_with_status(ds):
    v = pl.View(radius_m=500)
    req = pl.SuggestRequest(k=3, focus=("210213028000",))  # 复州湾
    quick = pl.suggest(ds.subdistricts, ds.meal_points, v, req, exact=False)
    assert len(quick.sites) == 3 and quick.exact is None
    assert set(quick.sites["subdistrict_code"]) == {"210213028000"}
    lines = pl.status_lines(quick, "km²", "zh")
    assert lines[0][0] == "info" and "上界" in lines[0][1]
    full = pl.suggest(ds.subdistricts, ds.meal_points, v, req, exact=True)
    assert full.exact.status in ("optimal", "time_limit")
    text = " ".join(x for _, x in pl.status_lines(full, "km²", "en"))
    assert ("optimal (proven)" in text) if full.exact.status == "optimal" else ("time limit" in text)
    assert full.new_covered_weight >= quick.greedy.objective - 1e-9


def test_suggest_user_list_and_population(ds):
    v = pl.View(radius_m=1000)
    cands = ((121.75, 39.45), (121.70, 39.50), (121.65, 39.52))
    r = pl.suggest(ds.subdistricts, ds.meal_points, v, pl.SuggestRequest(k=2, candidates=cands), exact=True)
    got = {(round(a, 4), round(b, 4)) for a, b in zip(r.sites["lon"], r.sites["lat"])}
    assert got <= {(round(a, 4), round(b, 4)) for a, b in cands} and 1 <= len(got) <= 2
    assert r.exact.status == "optimal" or r.greedy.proven
    with pytest.raises(ValueError):
        pl.suggest(ds.subdistricts, ds.meal_points, v, pl.SuggestRequest(k=2, weights="population"), exact=False)
    pds = with_population(ds)
    rp = pl.suggest(pds.subdistricts, pds.meal_points, v, pl.SuggestRequest(k=2, weights="population"), exact=False)
    assert len(rp.sites) == 2 and pl.weight_unit(rp, pds.subdistricts, "zh") == "名 60 岁以上老人"


def test_suggestion_exports(ds):
    v = pl.View(radius_m=500)
    r = pl.suggest(ds.subdistricts, ds.meal_points, v, pl.SuggestRequest(k=2), exact=False)
    nm = pl.subdistrict_names(ds.subdistricts, "en")
    g = pl.suggestions_export(r, nm, v)
    csv = pl.suggestions_csv(g).decode("utf-8-sig")
    assert csv.splitlines()[0].startswith("rank,lon,lat") and "radius_m" in csv.splitlines()[0]
    gj = json.loads(pl.suggestions_geojson(g))
    assert len(gj["features"]) == 2 and gj["features"][0]["geometry"]["type"] == "Point"
    assert gj["features"][0]["properties"]["datum"] == "WGS-84"
    tbl = pl.suggestion_table(r, nm, "km²", "en")
    assert list(tbl["Rank"]) == [1, 2]


def test_export_map_html_is_standalone(ds, metrics):
    v = pl.View()
    ch = pl.choropleth(metrics, "covered_share")
    nm = pl.subdistrict_names(ds.subdistricts, "zh")
    gap = cv.gap_geometry(ds.subdistricts, ds.meal_points, 500, simplify_m=5)
    import shapely

    layers = [
        mp.choropleth_layer(ds.subdistricts, ch, pl.tooltips(ch, nm, "zh"), "blank"),
        mp.gap_layer(shapely.to_geojson(gap), "blank"),
        mp.meal_layer(ds.meal_points, "zh", "blank", nm),
        mp.whatif_layer([(121.9, 39.3)], v, "zh"),
    ]
    html = pl.export_map_html(layers, pl.legend_html(ch, v, "zh", 1), "zh", "blank", "t").decode("utf-8")
    assert not re.search(r"<script[^>]+src=", html) and not re.search(r"<link[^>]+href=", html)
    assert not re.search(r"cdn|unpkg|jsdelivr", html, re.IGNORECASE)  # nothing is fetched from a CDN
    assert "/app/static" not in html
    assert "L.map(" in html and ".leaflet-container" in html  # Leaflet JS and CSS inlined
    assert mp.HATCH_ID in html and "cv-legend" in html
    # the what-if marker: its icon HTML is JSON in the script (the legend's sample symbol has no data-i)
    assert re.search(r'class=\\?"cv-wi\\?" data-i=\\?"1\\?"', html)


def test_layers_shift_for_gcj02(ds, metrics):
    ch = pl.choropleth(metrics, "covered_share")
    v = pl.View(base="amap")
    fg = mp.whatif_layer([(121.9, 39.3)], v, "zh")
    marker = next(c for c in fg._children.values() if c.__class__.__name__ == "Marker")
    glon, glat = wgs84_to_gcj02(121.9, 39.3)
    assert marker.location == pytest.approx([glat, glon])
    cl = mp.choropleth_layer(ds.subdistricts, ch, {}, "amap")
    gj = next(c for c in cl._children.values() if c.__class__.__name__ == "GeoJson")
    x0 = gj.data["features"][0]["geometry"]["coordinates"]
    flat = np.asarray(json.dumps(x0).replace("[", "").replace("]", "").split(","), dtype=float)
    raw = (
        ds.subdistricts.geometry.iloc[0].exterior.coords[0]
        if ds.subdistricts.geometry.iloc[0].geom_type == "Polygon"
        else ds.subdistricts.geometry.iloc[0].geoms[0].exterior.coords[0]
    )
    assert abs(flat[0] - raw[0]) > 1e-3  # shifted by ≈ 0.005°
