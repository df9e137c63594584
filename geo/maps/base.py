"""The base map: offline Leaflet assets, the base layers and their datums, the map's CSS and
its controls (full screen, locate me, attribution).

No streamlit import. The rest of the map is split by job; the names below are imported
here too, so ``from geo.maps.base import ...`` keeps working for every page:

* :mod:`geo.maps.symbols`: sector and meal-point SVG symbols;
* :mod:`geo.maps.popups`: the HTML inside popups;
* :mod:`geo.maps.layers`: subdistrict, project and meal-point feature groups (meal points
  clustered with Leaflet.markercluster, served from static/vendor like Leaflet);
* :mod:`geo.maps.legend`: the legend control and its dynamic part;
* :mod:`geo.maps.ids`: deterministic element ids (:func:`stable_ids`).

The JavaScript and CSS are files in :mod:`geo.maps.assets` (``controls.js``,
``map.css``, ``legend.js``, ``legend_update.js``, ``cluster.js``, ``meals.js``, ``labels.js``);
values reach them through Jinja's ``tojson``. :mod:`geo.maps.cache` keeps the scripts of the
layers every session shares, once per process.
"""

from __future__ import annotations

import importlib
import shutil
from pathlib import Path

import folium
import geopandas as gpd
from branca.element import MacroElement
from jinja2 import Template

from geo.core.datum import shift_gdf
from geo.data import facts
from geo.data.escape import esc
from geo.i18n import t
from geo.maps.assets import VENDOR_URL, read
from geo.maps.cache import TextRender
from geo.maps.ids import stable_ids
from geo.maps.layers import (
    CLUSTER_CSS,
    CLUSTER_JS,
    DISTRICT_WIDE_ANCHOR,
    MealCluster,
    display_latlon,
    meal_point_layer,
    project_layer,
    subdistrict_layer,
)
from geo.maps.legend import Legend, LegendUpdate, overview_legend
from geo.maps.symbols import meal_svg, sector_svg

__all__ = [
    "BASEMAPS",
    "DISTRICT_CENTER",
    "DISTRICT_FIT",
    "DISTRICT_WIDE_ANCHOR",
    "VENDOR_URL",
    "Legend",
    "LegendUpdate",
    "MealCluster",
    "base_map",
    "basemap_datum",
    "display_latlon",
    "ensure_static_assets",
    "esc",
    "meal_point_layer",
    "meal_svg",
    "overview_legend",
    "project_layer",
    "sector_svg",
    "shift_for_display",
    "stable_ids",
    "subdistrict_layer",
]

ROOT = Path(__file__).resolve().parents[2]
STATIC_DIR = ROOT / "static"

# district extent for the initial view (south-west, north-east)
DISTRICT_FIT = [
    [facts.DISTRICT_BOUNDS[1], facts.DISTRICT_BOUNDS[0]],
    [facts.DISTRICT_BOUNDS[3], facts.DISTRICT_BOUNDS[2]],
]
DISTRICT_CENTER = (39.24, 121.87)
MAX_ZOOM = 18  # the Amap tiles' last zoom


# ---------------------------------------------------------------- offline assets

VENDOR_FILES = {
    "leaflet/leaflet.js": ("xstatic.pkg.leaflet", "leaflet.js"),
    "leaflet/leaflet.css": ("xstatic.pkg.leaflet", "leaflet.css"),
    "leaflet/images": ("xstatic.pkg.leaflet", "images"),
    "jquery/jquery.min.js": ("xstatic.pkg.jquery", "jquery.min.js"),
    # meal-point clusters on the overview (geo.maps.layers.MealCluster); its default
    # theme (MarkerCluster.Default.css) is not used: the clusters are styled in map.css
    "markercluster/leaflet.markercluster.js": ("xstatic.pkg.leaflet_markercluster", "leaflet.markercluster.js"),
    "markercluster/MarkerCluster.css": ("xstatic.pkg.leaflet_markercluster", "MarkerCluster.css"),
}
LOCAL_JS = [
    ("leaflet", f"{VENDOR_URL}/leaflet/leaflet.js"),
    ("jquery", f"{VENDOR_URL}/jquery/jquery.min.js"),
]
LOCAL_CSS = [("leaflet_css", f"{VENDOR_URL}/leaflet/leaflet.css")]


def ensure_static_assets(static_dir: Path = STATIC_DIR) -> Path:
    """Copy Leaflet, jQuery and Leaflet.markercluster from their registry packages into
    static/vendor.

    Idempotent and cheap when the files are already there. The files are not
    committed: they come from the pinned xstatic packages.
    """
    vendor = Path(static_dir) / "vendor"
    for rel, (module, name) in VENDOR_FILES.items():
        target = vendor / rel
        if target.exists():
            continue
        src = Path(importlib.import_module(module).BASE_DIR) / name
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(target.name + ".tmp")
        if src.is_dir():
            shutil.copytree(src, tmp, dirs_exist_ok=True)
        else:
            shutil.copyfile(src, tmp)
        tmp.replace(target)  # atomic: concurrent sessions never see half a file
    return vendor


# ---------------------------------------------------------------- base maps

BASEMAPS = {
    # key: (tile URL, datum, attribution key, extra options)
    "blank": (None, "wgs84", "map.attr.blank", {}),
    "osm": ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "wgs84", "map.attr.osm", {"max_zoom": 19}),
    "amap": (
        "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}",
        "gcj02",
        "map.attr.amap",
        {"subdomains": "1234", "max_zoom": 18},
    ),
    "amap_sat": (
        "https://webst0{s}.is.autonavi.com/appmaptile?style=6&x={x}&y={y}&z={z}",
        "gcj02",
        "map.attr.amap_sat",
        {"subdomains": "1234", "max_zoom": 18},
    ),
}


def basemap_datum(base: str) -> str:
    """The datum a base map draws in: "wgs84", or "gcj02" for the Chinese (Amap) maps."""
    return BASEMAPS[base][1]


def shift_for_display(gdf: gpd.GeoDataFrame, base: str) -> gpd.GeoDataFrame:
    """Data is stored in WGS-84; with a GCJ-02 base map it is shifted for display only."""
    return shift_gdf(gdf, to="gcj02") if basemap_datum(base) == "gcj02" else gdf


# Inline SVG icons: a font may lack the ⛶ / ⌖ glyphs (they showed as empty boxes).
FULLSCREEN_SVG = (
    '<svg width="18" height="18" viewBox="0 0 18 18" aria-hidden="true" style="vertical-align:middle">'
    '<path d="M2 7V2h5M11 2h5v5M16 11v5h-5M7 16H2v-5" fill="none" stroke="#111" stroke-width="2.2"/></svg>'
)
LOCATE_SVG = (
    '<svg width="18" height="18" viewBox="0 0 18 18" aria-hidden="true" style="vertical-align:middle">'
    '<circle cx="9" cy="9" r="5" fill="none" stroke="#111" stroke-width="2"/><circle cx="9" cy="9" r="1.8" fill="#111"/>'
    '<path d="M9 0v4M9 14v4M0 9h4M14 9h4" stroke="#111" stroke-width="2"/></svg>'
)


class _Controls(TextRender, MacroElement):
    """Full-screen and locate-me buttons, the data attribution and accessible marker names
    (assets/controls.js, written against Leaflet only: no CDN plugin)."""

    _template = Template("""
{% macro script(this, kwargs) %}
(function(){
{{ this.js }}
  jpControls({{ this._parent.get_name() }}, {{ this.opts|tojson }});
})();
{% endmacro %}
""")

    def __init__(self, lang: str, locate: bool = True, attribution: str = ""):
        super().__init__()
        self._name = "JpControls"
        self.js = read("controls.js")
        self.opts = {
            "attribution": " | ".join(x for x in (attribution, t("map.attr.data", lang)) if x),
            "fullscreen": {"title": t("map.fullscreen", lang), "glyph": FULLSCREEN_SVG},
            "locate": {"title": t("map.locate", lang), "glyph": LOCATE_SVG} if locate else None,
        }


class AssetCss(TextRender, MacroElement):
    """Style sheets from geo/maps/assets in the map page's head, in the given order."""

    _template = Template("""
{% macro header(this, kwargs) %}
<style>
{{ this.css }}
</style>
{% endmacro %}
""")

    def __init__(self, *names: str, name: str = "JpCss"):
        super().__init__()
        self._name = name
        self.css = "".join(read(n) for n in names)


def base_map(
    lang: str = "zh",
    base: str = "blank",
    height_fit: bool = True,
    locate: bool = True,
    zoom_control: bool = True,
    cluster: bool = False,
) -> folium.Map:
    """The constant part of the map: local Leaflet, a base layer, CSS and controls.

    Build it once per (language, base) and keep it: changing layers go through
    ``st_folium(feature_group_to_add=...)`` so the iframe is not remounted. With
    ``cluster=True`` the map also loads Leaflet.markercluster (from static/vendor), for a
    :class:`MealCluster` in a feature group added later: streamlit-folium loads a map's
    scripts once, when the iframe is first drawn.
    """
    m = folium.Map(
        location=DISTRICT_CENTER,
        zoom_start=10,
        tiles=None,
        control_scale=True,
        zoom_control=zoom_control,
        prefer_canvas=False,
        zoom_snap=0.25,
        zoom_delta=0.5,
    )
    if cluster:
        # Leaflet.markercluster needs the map's own maximum zoom (a blank base has no tiles
        # to give one; folium's max_zoom goes to the tile layer): where points that share a
        # position fan out
        m.options["max_zoom"] = MAX_ZOOM
    m.default_js = list(LOCAL_JS) + (list(CLUSTER_JS) if cluster else [])
    m.default_css = list(LOCAL_CSS) + (list(CLUSTER_CSS) if cluster else [])
    url, _datum, attr_key, opts = BASEMAPS[base]
    if url:
        folium.TileLayer(tiles=url, attr=t(attr_key, lang), name=t(f"map.base.{base}", lang), **opts).add_to(m)
    # a blank base has no tile layer at all: no tile requests, the vector layers carry the map
    AssetCss("map.css").add_to(m)
    _Controls(lang, locate=locate, attribution=t(attr_key, lang) if not url else "").add_to(m)
    m.fit_bounds(DISTRICT_FIT)
    return m
