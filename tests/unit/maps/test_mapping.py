"""geo.maps: escaping, base maps and datums, symbols, popups, layers, legend and controls,
and their JavaScript and CSS asset files (no browser)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import folium
import pytest

from geo.core.datum import wgs84_to_gcj02
from geo.data import facts
from geo.data.escape import esc
from geo.data.loader import load_bundled
from geo.maps import finder as fm
from geo.maps.assets import read
from geo.maps.base import BASEMAPS, base_map, basemap_datum, shift_for_display
from geo.maps.ids import stable_ids
from geo.maps.layers import DISTRICT_WIDE_ANCHOR, display_latlon, meal_point_layer, project_layer, subdistrict_layer
from geo.maps.legend import Legend, LegendUpdate, overview_legend
from geo.maps.popups import figure_texts, meal_popup_html
from geo.maps.symbols import SHAPES, meal_svg, project_pin, sector_shape, sector_svg

MAPS = Path(__file__).resolve().parents[3] / "geo" / "maps"

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


# ---------------------------------------------------------------- the split of geo.maps and its assets


def test_names_other_modules_use_stay_importable_from_base():
    from geo.maps import base, ids, layers, legend, symbols

    for name in (
        "Legend",
        "LegendUpdate",
        "base_map",
        "basemap_datum",
        "shift_for_display",
        "stable_ids",
        "BASEMAPS",
        "DISTRICT_WIDE_ANCHOR",
        "meal_svg",
        "sector_svg",
        "ensure_static_assets",
        "VENDOR_URL",
        "esc",
    ):
        assert hasattr(base, name), name
    # one definition each, imported into base
    assert base.Legend is legend.Legend and base.LegendUpdate is legend.LegendUpdate
    assert base.stable_ids is ids.stable_ids and base.DISTRICT_WIDE_ANCHOR is layers.DISTRICT_WIDE_ANCHOR
    assert base.meal_svg is symbols.meal_svg and base.sector_svg is symbols.sector_svg


@pytest.mark.parametrize("module", ["base", "ids", "layers", "legend", "popups", "symbols"])
def test_no_javascript_or_css_in_python(module):
    src = (MAPS / f"{module}.py").read_text(encoding="utf-8")
    for marker in ("L.DomUtil", "L.Control", "DomEvent", "classList", "querySelector", "setAttribute"):
        assert marker not in src, (module, marker)  # a script: it belongs in an asset file
    assert not re.search(r"[.#][\w-]+ *\{ *[\w-]+ *:", src), module  # a CSS rule: likewise


@pytest.mark.parametrize("name", ["controls.js", "legend.js", "legend_update.js", "map.css"])
def test_asset_files_are_plain_javascript_and_css(name):
    text = read(name)
    assert text.strip()
    assert "{{" not in text and "{%" not in text  # values come through tojson in the Python template
    assert "</script" not in text.lower() and "</style" not in text.lower()


def _call_opts(html: str, fn: str) -> list[dict]:
    """The JSON options of every ``fn(map_X, {...})`` call in the rendered page."""
    return [json.loads(m) for m in re.findall(fn + r"\(map_\w+, (\{.*\})\);", html)]


def test_controls_receive_their_values_as_json():
    h = render(base_map("en", "blank"))
    (opts,) = _call_opts(h, "jpControls")
    assert opts["fullscreen"]["title"] == "Full screen" and opts["locate"]["title"] == "Show my location"
    assert opts["fullscreen"]["glyph"].startswith("<svg") and "\\u003csvg" not in opts["fullscreen"]["glyph"]
    assert opts["attribution"] == "Blank base map | Outline: DataV.GeoAtlas (for learning); schematic subdistricts"
    assert "function jpControls(map, opts)" in h
    (opts,) = _call_opts(render(base_map("zh", "osm", locate=False)), "jpControls")
    assert opts["locate"] is None and opts["attribution"] == "区界 DataV.GeoAtlas（仅供学习）；街道边界为示意"
    assert ".jp-legend-toggle" in h and read("map.css").splitlines()[1] in h  # the map CSS in the head


def test_legend_receives_its_values_as_json():
    m = base_map("en", "blank")
    Legend("T <b>", "<i>body</i>", position="topleft", collapse_below=0, dynamic=True).add_to(m)
    h = render(m)
    (opts,) = _call_opts(h, "jpLegend")
    assert opts == {"position": "topleft", "title": "T <b>", "body": "<i>body</i>", "collapseBelow": 0, "dynamic": True}
    assert "<i>body</i>" not in h and "T <b>" not in h  # tojson: no raw markup in the script
    fg = folium.FeatureGroup()
    LegendUpdate("<b>x</b>").add_to(fg)
    fg.add_to(m)
    assert 'jpLegendUpdate("\\u003cb\\u003ex\\u003c/b\\u003e");' in render(m)


def test_stable_ids_leave_no_random_name_in_a_feature_group(ds):
    m = base_map("en", "blank")
    random_ids = set(re.findall(r"[0-9a-f]{32}", render(m)))
    fg = project_layer(ds.projects, "en")
    stable_ids(fg, "p")
    fg.add_to(m)
    h = render(m)
    assert set(re.findall(r"[0-9a-f]{32}", h)) == random_ids  # only the base map's own elements
    assert "marker_p1" in h


def test_symbols_share_one_shape_per_sector():
    for key in SHAPES:
        assert sector_shape(key) in sector_svg(key, 18) and sector_shape(key) in project_pin(key)
        assert facts.SECTOR_BY_KEY[key].symbol in sector_shape(key)
    assert ">餐<" in meal_svg() and ">3<" in meal_svg(number=3)


def test_display_positions_follow_the_datum():
    assert display_latlon(39.1, 121.7) == (39.1, 121.7)
    lon_g, lat_g = wgs84_to_gcj02(121.7, 39.1)
    assert display_latlon(39.1, 121.7, "gcj02") == (lat_g, lon_g)


def test_popup_figures_and_missing_fields_in_each_language(ds):
    p16 = ds.projects[ds.projects["id"] == "P16"].iloc[0]
    assert figure_texts(p16, "en") == ["6,000 households"] and figure_texts(p16, "zh") == ["6,000 户"]
    meal = ds.meal_points[ds.meal_points["id"] == "M28"].iloc[0].copy()
    meal["hours"] = None
    meal["phone"] = None
    assert "Hours, Phone" in meal_popup_html(meal, "en")
    assert "营业时间、电话" in meal_popup_html(meal, "zh")
