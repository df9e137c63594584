"""geo.maps: escaping, base maps and datums, symbols, popups (and the ways to a meal point),
layers (meal points solid or hollow by precision, clustered; the district-wide box),
legend and controls, and their JavaScript and CSS asset files (no browser)."""

from __future__ import annotations

import io
import json
import math
import re
from pathlib import Path

import folium
import geopandas as gpd
import pytest

from geo.core.datum import wgs84_to_gcj02
from geo.data import facts
from geo.data.escape import esc
from geo.data.loader import load_bundled
from geo.i18n import t
from geo.maps import finder as fm
from geo.maps import popups
from geo.maps.assets import VENDOR_URL, read
from geo.maps.base import BASEMAPS, MAX_ZOOM, base_map, basemap_datum, ensure_static_assets, shift_for_display
from geo.maps.ids import stable_ids
from geo.maps.layers import (
    CLUSTER_RADIUS_PX,
    DISTRICT_WIDE_ANCHOR,
    DISTRICT_WIDE_BOX,
    MealCluster,
    display_latlon,
    meal_point_layer,
    meal_tooltip_html,
    project_layer,
    subdistrict_layer,
)
from geo.maps.legend import Legend, LegendUpdate, meal_legend_rows, overview_legend
from geo.maps.popups import directions_html, figure_texts, meal_popup_html, open_now
from geo.maps.symbols import SHAPES, cluster_svg, is_verified, meal_svg, project_pin, sector_shape, sector_svg

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
    assert h.count('class=\\"jp-dw jp-district-wide\\"') == 1 and f'data-n=\\"{len(wide)}\\"' in h
    assert f"[{DISTRICT_WIDE_ANCHOR[0]}, {DISTRICT_WIDE_ANCHOR[1]}]" in h
    for s in facts.SECTORS:  # colour and glyph: never colour alone
        if s.key in set(located["sector"]):
            assert s.color in h and s.symbol in h


def meal_data(group) -> dict:
    """The data the meal layer's script draws (geo.maps.layers.MealPoints), as the browser reads it."""
    (h,) = re.findall(r"jpMeals\(\w+, (\{.*?\}), \{", render(group.add_to(base_map("zh", "blank", cluster=True))))
    return json.loads(h)


def meal_html(data: dict, row: list, which: int) -> str:
    """A point's tooltip (which=4) or popup (5) as meals.js builds it."""
    return "".join(data["t"][i] for i in row[which])


def test_layers_shift_to_gcj02_for_display_only(ds):
    before = ds.meal_points[["lat", "lon"]].copy()
    m = base_map("zh", "amap")
    meal_point_layer(ds.meal_points.iloc[:1], "zh", "gcj02").add_to(m)
    project_layer(ds.projects, "zh", "gcj02").add_to(m)
    h = render(m)
    r = ds.meal_points.iloc[0]
    lon_g, lat_g = wgs84_to_gcj02(r["lon"], r["lat"])
    (row,) = meal_data(meal_point_layer(ds.meal_points.iloc[:1], "zh", "gcj02"))["p"]
    assert abs(row[1] - lat_g) < 1e-6 and abs(row[2] - lon_g) < 1e-6  # drawn shifted (to 1 cm)
    assert abs(row[1] - r["lat"]) > 1e-4
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
    # the meal points' tooltips and popups, as their script builds them: escaped text, never markup
    data = meal_data(meal_point_layer(meals, "zh", subdistrict_names={c: HOSTILE for c in ds.subdistricts["code"]}))
    assert len(data["p"]) == len(meals)
    for row in data["p"]:
        for which in (4, 5):
            html = meal_html(data, row, which)
            assert "&lt;img src=x onerror=alert(1)&gt;" in html and "<img" not in html and "<script" not in html


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


@pytest.mark.parametrize("module", ["base", "cache", "ids", "layers", "legend", "popups", "symbols"])
def test_no_javascript_or_css_in_python(module):
    src = (MAPS / f"{module}.py").read_text(encoding="utf-8")
    for marker in ("L.DomUtil", "L.Control", "DomEvent", "classList", "querySelector", "setAttribute"):
        assert marker not in src, (module, marker)  # a script: it belongs in an asset file
    assert not re.search(r"[.#][\w-]+ *\{ *[\w-]+ *:", src), module  # a CSS rule: likewise


@pytest.mark.parametrize(
    "name", ["controls.js", "legend.js", "legend_update.js", "cluster.js", "meals.js", "labels.js", "map.css"]
)
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


# ---------------------------------------------------------------- meal points: precision, ways, clusters


@pytest.fixture(scope="module")
def mixed(ds):
    """The bundled meal points with two real positions: M01 surveyed, M02 from its address."""
    m = ds.meal_points.copy()
    m.loc[m["id"] == "M01", "location_precision"] = "surveyed"
    m.loc[m["id"] == "M02", "location_precision"] = "address"
    return m


def _row(df, ident):
    return df[df["id"] == ident].iloc[0]


def test_verified_is_a_real_position():
    assert is_verified("surveyed") and is_verified("address")
    assert not any(is_verified(p) for p in ("illustrative", "subdistrict", None, "", float("nan")))


def test_meal_symbols_differ_by_shape_not_only_colour():
    solid, hollow = meal_svg(), meal_svg(approx=True)
    assert "stroke-dasharray" in hollow and "stroke-dasharray" not in solid
    assert 'fill="#fff"' in hollow and ">餐<" in hollow and ">餐<" in solid
    assert "<circle" in cluster_svg(18, 3) and ">3<" in cluster_svg(18, 3)
    assert "stroke-dasharray" in cluster_svg(approx=True) and "stroke-dasharray" not in cluster_svg()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_meal_markers_solid_or_hollow_with_a_tag_by_precision(mixed, lang):
    data = meal_data(meal_point_layer(mixed, lang))
    approx = int((~mixed["location_precision"].map(is_verified)).sum())
    # one marker per point (meals.js draws each as <div class="jp-meal" data-id=...[ data-approx]>)
    assert [r[0] for r in data["p"]] == list(mixed["id"])
    assert sum(r[3] for r in data["p"]) == approx
    looks = {r[0]: r[3] for r in data["p"]}
    assert looks["M01"] == 0 and looks["M03"] == 1
    assert data["p"][0][6] == '<div class="jp-meal" data-id="M01"></div>'  # its marker: the class stays whole
    assert data["p"][2][6] == '<div class="jp-meal" data-id="M03" data-approx></div>'
    assert "html: p[6]" in read("meals.js")
    assert meal_html(data, data["p"][2], 4) == meal_tooltip_html(_row(mixed, data["p"][2][0]), lang)
    tag = {"zh": "示意", "en": "approx."}[lang]
    assert f'<span class="jp-approx-tag">{tag}</span>' in meal_tooltip_html(_row(mixed, "M03"), lang)
    assert "jp-approx-tag" not in meal_tooltip_html(_row(mixed, "M01"), lang)


def _links(html: str) -> list[str]:
    """The ways to a meal point (the report link is not one)."""
    return [u for u in re.findall(r'href="([^"]+)"', html) if "report?" not in u]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_meal_popups_take_their_ways_from_the_directions_rule(mixed, lang):
    seat = facts.SEAT_BY_CODE
    # a real position: walking navigation, in a new tab
    real = meal_popup_html(_row(mixed, "M01"), lang, area=(121.7, 39.1))
    links = _links(real)
    assert any("uri.amap.com/navigation" in u for u in links) and any("baidu.com/direction" in u for u in links)
    assert real.count('target="_blank" rel="noopener"') == len(links)
    # an illustrative position: no way to its coordinates; a search around its subdistrict's seat and 12345
    row = _row(mixed, "M03")
    s0 = seat[str(row["subdistrict_code"])]
    ill = meal_popup_html(row, lang, area=(s0.lon, s0.lat))
    links = _links(ill)
    assert "tel:12345" in links and not any("navigation" in u or "direction" in u for u in links)
    assert any(f"location={s0.lat:.6f},{s0.lon:.6f}" in u for u in links)  # Baidu: around the seat (WGS-84)
    if (row["lat"], row["lon"]) != (s0.lat, s0.lon):
        assert not any(f"{row['lat']:.6f}" in u and f"{row['lon']:.6f}" in u for u in links)
    assert ill.count('target="_blank" rel="noopener"') == len(links)
    assert "12345" in re.search(r'<p class="jp-dir-why">(.*?)</p>', ill).group(1)
    # a named facility (subdistrict precision): searched by its name in Dalian
    named = meal_popup_html(_row(mixed, "M28"), lang)
    assert any("keyword=%E7%9F%B3%E5%9F%8E" in u for u in _links(named)) and "tel:12345" in _links(named)
    assert not any("navigation" in u or "center=" in u for u in _links(named))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_meal_popups_link_to_the_report_page_in_the_top_window(mixed, lang):
    h = meal_popup_html(_row(mixed, "M01"), lang)
    (a,) = re.findall(r'<a class="jp-report"[^>]*>[^<]*</a>', h)
    # the popup is inside the map's frame (<app>/component/<name>/index.html): up two levels, in the top window
    assert f'href="../../report?point=M01&amp;lang={lang}"' in a and 'target="_top"' in a
    assert t("report.link", lang) in a
    hostile = dict(_row(mixed, "M01"), id='x"&<b>')
    a = re.findall(r'<a class="jp-report"[^>]*>', meal_popup_html(hostile, lang))[0]
    assert "point=x%22%26%3Cb%3E" in a and "<b>" not in a


def test_directions_html_escapes_and_orders_the_links(mixed):
    from geo.data.directions import directions

    row = _row(mixed, "M28").copy()
    row["name_zh"] = HOSTILE
    h = directions_html(directions(row, "zh"), cls="x")
    assert "<img" not in h and "${" not in h and "`" not in h and "\\" not in h.replace("&#92;", "")
    kinds = re.findall(r'data-kind="(\w+)"', h)
    assert kinds == ["search_name", "search_name", "call"] and 'class="x-a primary"' in h
    assert "&amp;" in h  # the URLs' & as HTML


def test_open_now_is_guarded(monkeypatch, mixed):
    assert open_now(None, "zh") is None and open_now(float("nan"), "en") is None and open_now("  ", "zh") is None
    monkeypatch.setattr(popups, "status_line", lambda *a, **k: "OPEN-NOW-WORDS")
    row = _row(mixed, "M01").copy()
    row["hours"] = "Mo-Su 10:30-13:00"
    assert '<div class="jp-open">OPEN-NOW-WORDS</div>' in meal_popup_html(row, "en")
    # no published hours: no open-now line (the popup lists the hours among what is not published)
    assert open_now(None, "zh") is None and open_now("  ", "zh") is None
    row["hours"] = None
    assert "jp-open" not in meal_popup_html(row, "zh")


def test_meal_points_cluster_with_the_app_served_plugin(mixed):
    m = base_map("zh", "blank", cluster=True)
    fg = meal_point_layer(mixed, "zh", cluster=True)
    stable_ids(fg, "mx")
    fg.add_to(m)
    h = render(m)
    links = re.findall(r'(?:src|href)="(/[^"]+)"', h)
    assert f"{VENDOR_URL}/markercluster/leaflet.markercluster.js" in links
    assert f"{VENDOR_URL}/markercluster/MarkerCluster.css" in links
    assert all(u.startswith(f"{VENDOR_URL}/") for u in links) and "cdnjs" not in h and "unpkg" not in h
    (opts,) = [json.loads(x) for x in re.findall(r"jpMealCluster\((\{.*?\})\);", h)]
    assert opts == {"radius": CLUSTER_RADIUS_PX, "label": "{n} 个助餐点，点按放大"}
    cluster = next(c for c in fg._children.values() if isinstance(c, MealCluster))
    name = cluster.get_name()
    (data,) = [json.loads(x) for x in re.findall(rf"jpMeals\({name}, (\{{.*?\}}), \{{", h)]
    assert len(data["p"]) == len(mixed)  # every marker is in the cluster group
    assert f"{name}.addTo({fg.get_name()});" in h  # and the group in the feature group, after them
    # the cluster's icon counts the points whose position is not real (option jpApprox)
    assert sum(r[3] for r in data["p"]) == int((~mixed["location_precision"].map(is_verified)).sum())
    assert "jpApprox: approx" in read("meals.js") and "options.jpApprox" in read("cluster.js")
    assert f'"maxZoom": {MAX_ZOOM}' in h  # the plugin needs the map's own maximum zoom
    assert "markercluster" not in render(base_map("zh", "blank"))  # other maps do not load it


def test_static_assets_include_markercluster(tmp_path):
    vendor = ensure_static_assets(tmp_path)
    js = (vendor / "markercluster" / "leaflet.markercluster.js").read_text(encoding="utf-8")
    assert "markerClusterGroup" in js
    assert (vendor / "markercluster" / "MarkerCluster.css").exists() and (vendor / "leaflet" / "leaflet.js").exists()


def _px(lat: float, lon: float, z: float) -> tuple[float, float]:
    """Web Mercator pixels at zoom z (what Leaflet draws)."""
    s = 256 * 2**z
    y = (1 - math.log(math.tan(math.radians(lat)) + 1 / math.cos(math.radians(lat))) / math.pi) / 2 * s
    return (lon + 180) / 360 * s, y


# the district views the overview opens with: a phone's (390 px: a 354 px map at zoom 9) and a
# desktop's (1280 px: a 562 px map at zoom 9.75); the map is 600 px tall
VIEWS = [(9.0, 354), (9.75, 562)]


@pytest.mark.parametrize(("zoom", "width"), VIEWS)
def test_the_district_wide_box_covers_no_marker_and_stays_in_view(ds, zoom, width):
    ax, ay = _px(*DISTRICT_WIDE_ANCHOR, zoom)
    w, h = DISTRICT_WIDE_BOX
    box = (ax - w / 2, ay - h / 2, ax + w / 2, ay + h / 2)
    margin = 13 + 3  # a meal tile (26 px) centred on the point, and 3 px of air
    pts = list(zip(ds.meal_points["lat"], ds.meal_points["lon"]))
    pts += [(la, lo) for la, lo in zip(ds.projects["lat"], ds.projects["lon"]) if la == la]
    for la, lo in pts:
        x, y = _px(la, lo, zoom)
        assert not (box[0] - margin < x < box[2] + margin and box[1] - margin < y < box[3] + margin), (la, lo)
    cx, cy = _px(*DISTRICT_CENTRE_FIT, zoom)
    assert cx - width / 2 + 8 < box[0] and box[2] < cx + width / 2 - 8  # inside the map, not clipped
    assert cy - 300 + 8 < box[1] and box[3] < cy + 300 - 44  # above the scale and the attribution


# the centre of the district fit (geo.data.facts.DISTRICT_BOUNDS), where the overview opens
DISTRICT_CENTRE_FIT = (39.24, 121.87)


def test_district_wide_box_is_drawn_below_the_markers(ds):
    h = render(project_layer(ds.projects, "zh").add_to(base_map("zh", "blank")).get_root())
    assert re.search(r'"zIndexOffset": -\d+', h)  # below every marker (the pins are +1000)
    w, hh = DISTRICT_WIDE_BOX
    assert f'"iconSize": [{w}, {hh}]' in h and f'"iconAnchor": [{w // 2}, {hh // 2}]' in h


def test_legend_explains_both_meal_looks_and_the_clusters():
    rows = "".join(meal_legend_rows("en", verified=2, approx=58))
    assert "position checked" in rows and "approximate position" in rows and ">2<" in rows and ">58<" in rows
    assert "stroke-dasharray" in rows
    only_approx = meal_legend_rows("zh", verified=0, approx=60)
    assert len(only_approx) == 1 and "示意位置" in only_approx[0]
    assert all(" off" in r for r in meal_legend_rows("zh", verified=0, approx=60, on=False))
    static = overview_legend("zh")
    assert "位置已核实" in static.body and "示意位置" in static.body


def test_display_geojson_rounds_for_drawing_only(ds):
    from geo.maps.layers import DISPLAY_DIGITS, display_geojson

    sub = shift_for_display(ds.subdistricts[["code", "geometry"]], "amap")  # shifted: full-precision floats
    before = sub.geometry.copy()
    text = display_geojson(sub)
    coords = [float(x) for x in re.findall(r"-?\d+\.\d+", text)]
    assert coords and all(round(c, DISPLAY_DIGITS) == c for c in coords)
    assert len(text) < 0.7 * len(sub.to_json())  # fewer bytes on every page run
    drawn = gpd.read_file(io.StringIO(text)).set_crs(4326, allow_override=True)
    # faithful: no vertex moves by more than the rounding (≈1 m), the data itself unchanged
    assert max(a.hausdorff_distance(b) for a, b in zip(drawn.geometry, sub.geometry)) <= 10**-DISPLAY_DIGITS
    assert sub.geometry.equals(before)


def test_cached_layers_draw_what_the_folium_layer_draws(ds):
    """A ScriptLayer (geo.maps.cache) runs the script of the folium layer it was built from,
    with the layer as ``group``; the cache returns it for the same key and is bounded."""
    from geo.maps.cache import Lru, ScriptLayer, group_script, script_layer

    built = []

    def build():
        built.append(1)
        return meal_point_layer(ds.meal_points.iloc[:3], "zh")

    cache: Lru[str] = Lru(max_entries=2)
    a = script_layer(cache, ("k", 1), build, "meals")
    b = script_layer(cache, ("k", 1), build, "meals")
    assert isinstance(a, ScriptLayer) and a.body == b.body and len(built) == 1
    for k in range(2, 5):
        script_layer(cache, ("k", k), build, "meals")
    assert len(cache) == 2 and len(built) == 4  # least recently used entries dropped
    body = group_script(meal_point_layer(ds.meal_points.iloc[:3], "zh"))
    assert body.count("jpMeals(group, ") == 1 and "map_" not in body
    m = base_map("zh", "blank")
    a.add_to(m)
    html = m.get_root().render()
    (data,) = [json.loads(x) for x in re.findall(r"jpMeals\(group, (\{.*?\}), \{", html)]
    assert [r[0] for r in data["p"]] == list(ds.meal_points["id"].iloc[:3])
    assert re.search(r"\}\)\(feature_group_\w+, map_\w+\);", html)  # run with its group and its map


def test_meal_points_data_rebuilds_the_escaped_html_and_is_script_safe(ds):
    from geo.maps.layers import MealPoints, script_json

    tip, pop = f"<b>{esc(HOSTILE)}</b>", meal_popup_html(ds.meal_points.iloc[0], "zh", HOSTILE)
    mp = MealPoints([("M01", 39.1, 121.7, True, tip, pop), ("M02", 39.2, 121.8, False, tip, pop)])
    for row in mp.data["p"]:
        assert MealPoints.html_of(mp.data, row[4]) == tip and MealPoints.html_of(mp.data, row[5]) == pop
    assert len(mp.data["t"]) < len(mp.data["p"][0][5])  # pieces shared between the points
    text = script_json({"x": "</script><script>alert('1')</script> & \u2028 金"})
    assert "<" not in text and ">" not in text and "&" not in text and "'" not in text and "\u2028" not in text
    assert "金" in text and json.loads(text)["x"].startswith("</script>")
