"""Map pieces of the meal-point finder (no streamlit import).

* :func:`finder_base_map`: the constant part (:func:`geo.maps.base.base_map` without its
  small locate button, plus the subdistrict outlines, every meal point faintly, a large
  labelled "my location" button and the finder's CSS). Build it the same way on
  every run; it changes only with language, base map, elder mode or dataset.
* :func:`result_layer`: the changing part (origin, numbered results, and dashed lines
  from the origin only when it is real: none from a subdistrict's estimated seat),
  passed through ``st_folium(feature_group_to_add=...)``.

Browser location: the button calls Leaflet's ``map.locate``; a found position is
turned into a map click (``map.fire('click')``), which st_folium returns as
``last_clicked`` like a tap, so location needs no extra component. With a GCJ-02
base map the located WGS-84 position is shifted to GCJ-02 first (the page shifts
every click back). When location is refused or unavailable a message box in the map
says so and names the fallback (tap the map, choose the subdistrict): never a pop-up.

The script and the CSS are files in :mod:`geo.maps.assets`: ``finder_locate.js`` (with
``finder_wgs_to_gcj.js``), ``finder.css`` and ``finder_elder.css``.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Protocol

import folium
import geopandas as gpd
from branca.element import MacroElement
from jinja2 import Template

from geo.core.datum import shift_gdf
from geo.data.escape import esc
from geo.data.names import map_label
from geo.i18n import t
from geo.maps.assets import read
from geo.maps.base import AssetCss, base_map, basemap_datum, meal_svg
from geo.maps.cache import Lru, TextRender, script_layer
from geo.maps.ids import stable_ids
from geo.maps.layers import display_geojson, display_latlon

# --------------------------------------------------------------------------- browser location

#: What the map's locate button says, by outcome. Leaflet's ``locationerror`` carries the
#: Geolocation API code: 1 denied, 2 unavailable, 3 timeout; 0 when the browser has none.
LOCATE_OUTCOMES = {
    "searching": "fd.loc.searching",
    "found": "fd.loc.found",
    "coarse": "fd.loc.coarse",
    "denied": "fd.loc.denied",
    "unavailable": "fd.loc.unavailable",
    "timeout": "fd.loc.timeout",
    "unsupported": "fd.loc.unsupported",
    "insecure": "fd.loc.insecure",
}
LOCATE_ERROR_CODES = {0: "unsupported", 1: "denied", 2: "unavailable", 3: "timeout"}
#: A located position less accurate than this (metres) is used, with a note.
COARSE_ACCURACY_M = 1000


def locate_outcome(
    code: int | None = None, secure: bool = True, supported: bool = True, accuracy_m: float | None = None
) -> str:
    """The outcome of asking the browser for its location (mirrors the map's JavaScript)."""
    if not secure:
        return "insecure"
    if not supported:
        return "unsupported"
    if code is not None:
        return LOCATE_ERROR_CODES.get(int(code), "unavailable")
    if accuracy_m is not None and accuracy_m > COARSE_ACCURACY_M:
        return "coarse"
    return "found"


def locate_messages(lang: str) -> dict[str, str]:
    return {k: t(v, lang) for k, v in LOCATE_OUTCOMES.items()}


#: The origin ("我" marker, written in finder.css too) and the located position's accuracy circle.
ORIGIN_COLOR = "#0B57D0"
LINE_COLOR = "#0B57D0"

#: The locate script: jpWgsToGcj (the same formula as geo.core.datum) and jpFinderLocate.
LOCATE_JS_FILES = ("finder_wgs_to_gcj.js", "finder_locate.js")


class _Locate(TextRender, MacroElement):
    """The "my location" button and its message box (assets/finder_locate.js)."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function(){
{{ this.js }}
  jpFinderLocate({{ this._parent.get_name() }}, {{ this.opts|tojson }});
})();
{% endmacro %}
"""
    )

    def __init__(self, lang: str, gcj: bool):
        super().__init__()
        self._name = "FdLocate"
        self.js = "\n".join(read(name) for name in LOCATE_JS_FILES)
        self.opts = {
            "msgs": locate_messages(lang),
            "gcj": gcj,
            "coarseM": int(COARSE_ACCURACY_M),
            "label": t("fd.loc.button", lang),
            "color": ORIGIN_COLOR,
        }


#: The finder's constant layers (outlines, labels, every meal point faintly) by (data key,
#: language, datum): built once per process, shared by every session.
BASE_LAYER_CACHE: Lru[str] = Lru(max_entries=16)


def _static_layer(
    lang: str, datum: str, subdistricts: gpd.GeoDataFrame | None, meal_points: gpd.GeoDataFrame | None
) -> folium.FeatureGroup:
    """Subdistrict outlines and labels, and every meal point faintly (not interactive)."""
    fg = folium.FeatureGroup(name="fd_static")
    if subdistricts is not None and len(subdistricts):
        sub = subdistricts[["code", "name_zh", "name_en", "geometry"]]
        sub = shift_gdf(sub, to="gcj02") if datum == "gcj02" else sub
        folium.GeoJson(
            display_geojson(sub[["code", "geometry"]]),
            name="fd_subdistricts",
            style_function=lambda _f: {"color": "#455A64", "weight": 1.2, "fillColor": "#B0BEC5", "fillOpacity": 0.06},
        ).add_to(fg)
        for nz, ne, geom in zip(subdistricts["name_zh"], subdistricts["name_en"], subdistricts.geometry):
            p = geom.representative_point()
            text = esc(map_label(nz, ne, lang))
            folium.Marker(
                display_latlon(p.y, p.x, datum),
                interactive=False,
                icon=folium.DivIcon(
                    html=f'<div class="jp-sublabel">{text}</div>',
                    icon_size=(90, 16),
                    icon_anchor=(45, 8),
                    class_name="jp-icon",
                ),
            ).add_to(fg)
    if meal_points is not None and len(meal_points):
        for lat, lon in zip(meal_points["lat"], meal_points["lon"]):
            try:
                ll = display_latlon(float(lat), float(lon), datum)
            except (TypeError, ValueError):
                continue
            folium.Marker(
                ll,
                interactive=False,
                icon=folium.DivIcon(
                    html=f'<div class="fd-other">{meal_svg(16)}</div>',
                    icon_size=(16, 16),
                    icon_anchor=(8, 8),
                    class_name="jp-icon",
                ),
            ).add_to(fg)
    return fg


def finder_base_map(
    lang: str,
    base: str,
    elder: bool,
    subdistricts: gpd.GeoDataFrame | None,
    meal_points: gpd.GeoDataFrame | None,
    data_key: Hashable | None = None,
) -> folium.Map:
    """The constant map of the finder page; identical for identical arguments. With a
    ``data_key`` (the dataset's fingerprint) its layers' script is built once per process
    (:data:`BASE_LAYER_CACHE`)."""
    datum = basemap_datum(base)
    gcj = datum == "gcj02"
    m = base_map(lang, base, locate=False)
    AssetCss("finder.css", *(["finder_elder.css"] if elder else []), name="FdCss").add_to(m)
    _Locate(lang, gcj).add_to(m)
    has_data = (subdistricts is not None and len(subdistricts)) or (meal_points is not None and len(meal_points))
    if has_data:
        if data_key is None:
            layer = _static_layer(lang, datum, subdistricts, meal_points)
        else:
            layer = script_layer(
                BASE_LAYER_CACHE,
                (data_key, lang, datum),
                lambda: _static_layer(lang, datum, subdistricts, meal_points),
                "fd_static",
            )
        stable_ids(layer, prefix="fds")
        layer.add_to(m)
    return m


class MapPoint(Protocol):
    """A place with a WGS-84 position (the finder's origin)."""

    lon: float
    lat: float


class MapResult(MapPoint, Protocol):
    """One numbered result on the finder's map."""

    rank: int
    id: str
    name: str


class MapAnswer(Protocol):
    """What the result layer draws: the origin and the numbered results."""

    @property
    def origin(self) -> MapPoint: ...

    @property
    def results(self) -> Sequence[MapResult]: ...

    @property
    def distances(self) -> bool:
        """True when the origin is the resident's real position (lines may be drawn)."""
        ...


def result_layer(answer: MapAnswer | None, lang: str, base: str, elder: bool) -> folium.FeatureGroup:
    """Origin, numbered results and lines from the origin (the changing layer). From a
    subdistrict's seat (``answer.distances`` False) no line is drawn and the origin is
    marked as the subdistrict's estimated seat, not as "me"."""
    datum = basemap_datum(base)
    fg = folium.FeatureGroup(name="fd_results")
    if answer is None:
        return fg
    o = answer.origin
    o_ll = display_latlon(o.lat, o.lon, datum)
    real = bool(getattr(answer, "distances", True))
    for r in reversed(answer.results if real else ()):  # the nearest drawn last, on top
        r_ll = display_latlon(r.lat, r.lon, datum)
        folium.PolyLine(
            [o_ll, r_ll], color=LINE_COLOR, weight=3, opacity=0.8, dash_array="6 6", interactive=False
        ).add_to(fg)
    for r in reversed(answer.results):
        r_ll = display_latlon(r.lat, r.lon, datum)
        size = 36 if elder else 30
        kw = {} if elder else {"tooltip": folium.Tooltip(f"{r.rank}. {esc(r.name)}")}
        folium.Marker(
            r_ll,
            **kw,
            z_index_offset=1000 * (len(answer.results) - r.rank + 1),
            icon=folium.DivIcon(
                html=f'<div class="fd-num" data-rank="{r.rank}" data-id="{esc(r.id)}">'
                f"{meal_svg(size, number=r.rank)}</div>",
                icon_size=(size, size),
                icon_anchor=(size // 2, size // 2),
                class_name="jp-icon",
            ),
        ).add_to(fg)
    if real:
        me = f'<div class="fd-me" data-lat="{o.lat:.6f}" data-lon="{o.lon:.6f}">{esc(t("fd.map.me", lang))}</div>'
        size = (34, 34)
    else:
        me = (
            f'<div class="fd-me fd-seat" data-lat="{o.lat:.6f}" data-lon="{o.lon:.6f}" '
            f'title="{esc(t("fd.map.seat.title", lang))}">{esc(t("fd.map.seat", lang))}</div>'
        )
        size = (46, 30)
    folium.Marker(
        o_ll,
        interactive=False,
        icon=folium.DivIcon(html=me, icon_size=size, icon_anchor=(size[0] // 2, size[1] // 2), class_name="jp-icon"),
    ).add_to(fg)
    return fg


__all__ = ["finder_base_map", "locate_messages", "locate_outcome", "result_layer"]
