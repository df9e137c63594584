"""geo.mapping: escaping, base maps and datums, layers, legend and controls (no browser)."""

from __future__ import annotations

import re

import folium
import pytest

from geo.core.datum import wgs84_to_gcj02
from geo.data import facts
from geo.data.escape import esc
from geo.data.loader import load_bundled
from geo.maps import finder as fm
from geo.maps.base import (
    BASEMAPS,
    DISTRICT_WIDE_ANCHOR,
    Legend,
    LegendUpdate,
    base_map,
    basemap_datum,
    meal_point_layer,
    overview_legend,
    project_layer,
    shift_for_display,
    subdistrict_layer,
)

HOSTILE = "<img src=x onerror=alert(1)>${alert(1)}`</script><script>alert(1)</script>\\"


@pytest.fixture(scope="module")
def ds():
    return load_bundled()


def render(m: folium.Map) -> str:
    return m.get_root().render()


def test_esc_neutralises_html_and_template_literals():
    e = esc(HOSTILE)
    for bad in ("<", ">", "`", "${", "\\"):
        assert bad not in e
    assert esc(None) == "" and esc(float("nan")) == "" and esc(3) == "3"
    assert esc("\"'") == "&quot;&#x27;"


@pytest.mark.parametrize("base", list(BASEMAPS))
def test_base_maps_are_local_attributed_and_deterministic(base):
    a, b = render(base_map("en", base)), render(base_map("en", base))

    def strip(s):
        return re.sub(r"_[0-9a-f]{32}", "_X", s)  # folium's random element ids

    assert strip(a) == strip(b)
    links = re.findall(r'(?:src|href)="([^"]+)"', a)
    assert links and all(x.startswith("/app/static/vendor/") for x in links), links
    assert "cdn" not in a.lower() and "d3" not in re.sub(r"[0-9a-f]{32}", "", a)
    attr = {"blank": "Blank base map", "osm": "OpenStreetMap", "amap": "Amap", "amap_sat": "imagery"}[base]
    assert attr in a
    assert "zoomSnap" in a
    url = BASEMAPS[base][0]
    assert (url is None) == ("L.tileLayer" not in a)
    assert basemap_datum(base) == ("gcj02" if base.startswith("amap") else "wgs84")


def test_controls_use_svg_icons_and_locate():
    h = render(base_map("en", "osm"))
    assert "jp-fullscreen" in h and "jp-locate" in h and "\\u003csvg" in h
    assert "Full screen" in h and "Show my location" in h and "navigator.geolocation" in h


def test_project_layer_one_marker_per_located_and_labelled_anchor(ds):
    m = base_map("zh", "osm")
    project_layer(ds.projects, "zh").add_to(m)
    h = render(m)
    located = ds.projects[ds.projects["lat"].notna()]
    assert h.count('class=\\"jp-proj\\"') == len(located)
    wide = ds.projects[ds.projects["lat"].isna()]
    items = re.findall(r'class="jp-dw-item" data-id="(\w+)"', h)
    assert sorted(items) == sorted(wide["id"])  # the anchor's popup lists every district-wide project
    assert h.count("jp-district-wide") == 1 and f'data-n=\\"{len(wide)}\\"' in h
    assert f"[{DISTRICT_WIDE_ANCHOR[0]}, {DISTRICT_WIDE_ANCHOR[1]}]" in h
    for s in facts.SECTORS:  # colour and glyph: never colour alone
        if s.key in set(located["sector"]):
            assert s.color in h and s.symbol in h


def test_layers_shift_to_gcj02_for_display_only(ds):
    before = ds.meal_points[["lat", "lon"]].copy()
    m = base_map("zh", "amap")
    meal_point_layer(ds.meal_points.iloc[:1], "zh", "gcj02").add_to(m)
    project_layer(ds.projects, "zh", "gcj02").add_to(m)
    h = render(m)
    r = ds.meal_points.iloc[0]
    lon_g, lat_g = wgs84_to_gcj02(r["lon"], r["lat"])
    assert f"[{lat_g}, {lon_g}]" in h and f"[{r['lat']}, {r['lon']}]" not in h
    lon_a, lat_a = wgs84_to_gcj02(DISTRICT_WIDE_ANCHOR[1], DISTRICT_WIDE_ANCHOR[0])
    assert f"[{lat_a}, {lon_a}]" in h
    assert ds.meal_points[["lat", "lon"]].equals(before)  # the data is never stored shifted
    shifted = shift_for_display(ds.meal_points, "amap")
    assert abs(shifted.geometry.iloc[0].x - lon_g) < 1e-9
    assert shift_for_display(ds.meal_points, "osm") is ds.meal_points


def test_subdistrict_layer_tooltips_labels_and_emphasis(ds):
    tips = {c: f"<b>{esc(HOSTILE)}</b>" for c in ds.subdistricts["code"]}
    m = base_map("zh", "blank")
    subdistrict_layer(ds.subdistricts, "zh", tooltips=tips, emphasis="210213001000").add_to(m)
    h = render(m)
    assert "<img" not in h and "${alert" not in h
    assert h.count('class=\\"jp-sublabel') == len(ds.subdistricts)
    assert '"weight": 4' in h  # the chosen subdistrict is drawn heavier


def test_popups_escape_hostile_names(ds):
    proj = ds.projects.copy()
    proj["name_zh"] = HOSTILE
    proj["summary_zh"] = HOSTILE
    meals = ds.meal_points.copy()
    meals["name_zh"] = HOSTILE
    meals["address"] = HOSTILE
    m = base_map("zh", "osm")
    project_layer(proj, "zh").add_to(m)
    meal_point_layer(meals, "zh", subdistrict_names={c: HOSTILE for c in ds.subdistricts["code"]}).add_to(m)
    h = render(m)
    assert "<img" not in h and "${alert" not in h and "alert(1)`" not in h
    assert "<script>alert" not in h and "</script><script>alert" not in h
    assert "&lt;img src=x onerror=alert(1)&gt;" in h


def test_legend_is_collapsible_and_dynamic():
    m = base_map("en", "blank")
    overview_legend("en", dynamic=True, position="topright").add_to(m)
    fg = folium.FeatureGroup()
    LegendUpdate("<b>" + esc(HOSTILE) + "</b>").add_to(fg)
    fg.add_to(m)
    h = render(m)
    assert "jp-legend-toggle" in h and "aria-expanded" in h and "collapsed" in h
    assert "jp-legend-dyn" in h and "__jpLegendDyn" in h and '"topright"' in h
    assert "<img" not in h and "\\u003cb\\u003e" in h  # tojson: no raw markup in the script
    static = overview_legend("zh")  # the static form other pages use still lists every sector
    assert isinstance(static, Legend) and all(s.symbol in static.body for s in facts.SECTORS)


def test_md_escape_shows_markdown_as_text():
    from geo.data.escape import md_escape

    assert md_escape("[x](javascript:alert(1)) **b**") == r"\[x\]\(javascript:alert\(1\)\) \*\*b\*\*"
    assert md_escape("先进街道") == "先进街道"
    assert md_escape(None) == ""


def test_locate_outcomes_name_the_fallback():
    assert fm.locate_outcome(secure=False) == "insecure"
    assert fm.locate_outcome(supported=False) == "unsupported"
    assert [fm.locate_outcome(code=c) for c in (0, 1, 2, 3, 9)] == [
        "unsupported",
        "denied",
        "unavailable",
        "timeout",
        "unavailable",
    ]
    assert fm.locate_outcome(accuracy_m=5000) == "coarse" and fm.locate_outcome(accuracy_m=20) == "found"
    for lang, words in (("zh", ("地图上点", "选择街道")), ("en", ("tap", "subdistrict"))):
        msgs = fm.locate_messages(lang)
        for key in ("denied", "unavailable", "timeout", "unsupported", "insecure"):
            assert all(w in msgs[key].lower() for w in words), (lang, key)
