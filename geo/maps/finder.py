"""Map pieces of the meal-point finder (no streamlit import).

* :func:`finder_base_map`: the constant part (geo.mapping.base_map without its small
  locate button, plus the subdistrict outlines, every meal point faintly, a large
  labelled "my location" button and page-specific CSS). Build it the same way on
  every run; it changes only with language, base map, elder mode or dataset.
* :func:`result_layer`: the changing part (origin, numbered results, lines from the
  origin), passed through ``st_folium(feature_group_to_add=...)``.

Browser location: the button calls Leaflet's ``map.locate``; a found position is
turned into a map click (``map.fire('click')``), which st_folium returns as
``last_clicked`` like a tap, so location needs no extra component. With a GCJ-02
base map the located WGS-84 position is shifted to GCJ-02 first (the page shifts
every click back). When location is refused or unavailable a message box in the map
says so and names the fallback (tap the map, choose the subdistrict): never a pop-up.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import folium
import geopandas as gpd
from branca.element import MacroElement
from jinja2 import Template

from geo.core.datum import shift_gdf, wgs84_to_gcj02
from geo.data.escape import esc
from geo.data.names import map_label
from geo.i18n import t
from geo.maps.base import base_map, basemap_datum, meal_svg

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


ORIGIN_COLOR = "#0B57D0"
LINE_COLOR = "#0B57D0"

#: WGS-84 -> GCJ-02 in JavaScript, the same formula as geo.datum (tested against it with node).
JS_WGS_TO_GCJ = """
function jpWgsToGcj(lon, lat) {
  if (!(lon >= 72.004 && lon <= 137.8347 && lat >= 0.8293 && lat <= 55.8271)) { return [lon, lat]; }
  var A = 6378245.0, EE = 0.00669342162296594323, PI = Math.PI;
  var x = lon - 105.0, y = lat - 35.0, sx = Math.sqrt(Math.abs(x));
  var common = (20.0 * Math.sin(6.0 * x * PI) + 20.0 * Math.sin(2.0 * x * PI)) * 2.0 / 3.0;
  var dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sx + common;
  dlat += (20.0 * Math.sin(y * PI) + 40.0 * Math.sin(y / 3.0 * PI)) * 2.0 / 3.0;
  dlat += (160.0 * Math.sin(y / 12.0 * PI) + 320.0 * Math.sin(y * PI / 30.0)) * 2.0 / 3.0;
  var dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sx + common;
  dlon += (20.0 * Math.sin(x * PI) + 40.0 * Math.sin(x / 3.0 * PI)) * 2.0 / 3.0;
  dlon += (150.0 * Math.sin(x / 12.0 * PI) + 300.0 * Math.sin(x / 30.0 * PI)) * 2.0 / 3.0;
  var rl = lat / 180.0 * PI, magic = 1 - EE * Math.sin(rl) * Math.sin(rl), sm = Math.sqrt(magic);
  dlat = (dlat * 180.0) / ((A * (1 - EE)) / (magic * sm) * PI);
  dlon = (dlon * 180.0) / (A / sm * Math.cos(rl) * PI);
  return [lon + dlon, lat + dlat];
}
"""


class _Locate(MacroElement):
    _template = Template(
        """
{% macro script(this, kwargs) %}
(function(){
  var map = {{ this._parent.get_name() }};
  var msgs = {{ this.msgs|tojson }};
  var gcj = {{ this.gcj|tojson }};
  var coarseM = {{ this.coarse }};
  """
        + JS_WGS_TO_GCJ
        + """
  var box = null;
  function say(key, m) {
    if (!box) { return; }
    var text = msgs[key] || key;
    if (m !== undefined) { text = text.replace('{m}', m); }
    box.textContent = text; box.style.display = 'block';
    box.setAttribute('data-outcome', key);
  }
  var Msg = L.Control.extend({options: {position: 'bottomleft'}, onAdd: function(){
    box = L.DomUtil.create('div', 'fd-locmsg');
    box.setAttribute('role', 'status'); box.setAttribute('aria-live', 'polite'); box.style.display = 'none';
    L.DomEvent.disableClickPropagation(box);
    L.DomEvent.on(box, 'click', function(){ box.style.display = 'none'; });
    return box; }});
  new Msg().addTo(map);
  var Btn = L.Control.extend({options: {position: 'topright'}, onAdd: function(){
    var a = L.DomUtil.create('a', 'fd-locate');
    a.href = '#'; a.setAttribute('role', 'button'); a.textContent = {{ this.label|tojson }};
    L.DomEvent.disableClickPropagation(a);
    L.DomEvent.on(a, 'click', function(e){
      L.DomEvent.stop(e);
      if (window.isSecureContext === false) { say('insecure'); return; }
      if (!navigator.geolocation) { say('unsupported'); return; }
      say('searching');
      map.locate({setView: false, enableHighAccuracy: true, timeout: 15000, maximumAge: 60000});
    });
    return a; }});
  new Btn().addTo(map);
  var acc = null;
  map.on('locationfound', function(e){
    var ll = e.latlng;
    if (e.accuracy > coarseM) { say('coarse', Math.round(e.accuracy)); } else { say('found'); }
    if (gcj) { var g = jpWgsToGcj(ll.lng, ll.lat); ll = L.latLng(g[1], g[0]); }
    if (acc) { map.removeLayer(acc); }
    acc = L.circle(ll, {radius: e.accuracy || 0, color: '#0B57D0', weight: 1, fillOpacity: 0.08, interactive: false}).addTo(map);
    map.fire('click', {latlng: ll});   // st_folium returns it as last_clicked, like a tap
  });
  map.on('locationerror', function(e){
    say({0: 'unsupported', 1: 'denied', 2: 'unavailable', 3: 'timeout'}[e.code] || 'unavailable');
  });
})();
{% endmacro %}
"""
    )

    def __init__(self, lang: str, gcj: bool):
        super().__init__()
        self._name = "FdLocate"
        self.msgs = locate_messages(lang)
        self.gcj = gcj
        self.coarse = int(COARSE_ACCURACY_M)
        self.label = t("fd.loc.button", lang)


def _css(elder: bool) -> str:
    big = 60 if elder else 48
    font = 20 if elder else 16
    return f"""
<style>
.fd-locate {{ display: block; min-height: {big}px; min-width: {big}px; line-height: {big}px; padding: 0 14px;
  background: #fff; color: #0B57D0 !important; font-size: {font}px; font-weight: 700; text-decoration: none;
  border: 2px solid #0B57D0; border-radius: 10px; box-shadow: 0 1px 4px rgba(0,0,0,.35); white-space: nowrap; }}
.fd-locmsg {{ background: #FFF8E1; color: #111; border: 2px solid #8D6E00; border-radius: 8px; padding: 8px 10px;
  font-size: {font}px; line-height: 1.4; max-width: 300px; }}
.jp-ctl a.jp-btn {{ width: {big}px !important; height: {big}px !important; line-height: {big}px !important; }}
.leaflet-control-zoom a {{ width: {big}px !important; height: {big}px !important; line-height: {big}px !important;
  font-size: {font + 8}px !important; }}
.fd-me {{ background: {ORIGIN_COLOR}; color: #fff; border: 3px solid #fff; border-radius: 50%; width: 34px; height: 34px;
  line-height: 28px; text-align: center; font-weight: 700; font-size: 15px; box-shadow: 0 0 0 2px {ORIGIN_COLOR}; }}
.fd-num svg {{ filter: drop-shadow(0 1px 2px rgba(0,0,0,.5)); }}
.fd-other {{ opacity: .55; }}
</style>
"""


class _FinderCss(MacroElement):
    def __init__(self, elder: bool):
        super().__init__()
        self._name = "FdCss"
        self._template = Template("{% macro header(this, kwargs) %}" + _css(elder) + "{% endmacro %}")


def _ll(lat: float, lon: float, gcj: bool) -> tuple[float, float]:
    if gcj:
        lon, lat = wgs84_to_gcj02(lon, lat)
    return float(lat), float(lon)


def finder_base_map(
    lang: str, base: str, elder: bool, subdistricts: gpd.GeoDataFrame | None, meal_points: gpd.GeoDataFrame | None
) -> folium.Map:
    """The constant map of the finder page; identical for identical arguments."""
    gcj = basemap_datum(base) == "gcj02"
    m = base_map(lang, base, locate=False)
    _FinderCss(elder).add_to(m)
    _Locate(lang, gcj).add_to(m)
    if subdistricts is not None and len(subdistricts):
        sub = subdistricts[["code", "name_zh", "name_en", "geometry"]]
        sub = shift_gdf(sub, to="gcj02") if gcj else sub
        folium.GeoJson(
            sub[["code", "geometry"]].to_json(),
            name="fd_subdistricts",
            style_function=lambda _f: {"color": "#455A64", "weight": 1.2, "fillColor": "#B0BEC5", "fillOpacity": 0.06},
        ).add_to(m)
        for nz, ne, geom in zip(subdistricts["name_zh"], subdistricts["name_en"], subdistricts.geometry):
            p = geom.representative_point()
            text = esc(map_label(nz, ne, lang))
            folium.Marker(
                _ll(p.y, p.x, gcj),
                interactive=False,
                icon=folium.DivIcon(
                    html=f'<div class="jp-sublabel">{text}</div>',
                    icon_size=(90, 16),
                    icon_anchor=(45, 8),
                    class_name="jp-icon",
                ),
            ).add_to(m)
    if meal_points is not None and len(meal_points):
        for lat, lon in zip(meal_points["lat"], meal_points["lon"]):
            try:
                ll = _ll(float(lat), float(lon), gcj)
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
            ).add_to(m)
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


def result_layer(answer: MapAnswer | None, lang: str, base: str, elder: bool) -> folium.FeatureGroup:
    """Origin, numbered results and lines from the origin (the changing layer)."""
    gcj = basemap_datum(base) == "gcj02"
    fg = folium.FeatureGroup(name="fd_results")
    if answer is None:
        return fg
    o = answer.origin
    o_ll = _ll(o.lat, o.lon, gcj)
    for r in reversed(answer.results):  # the nearest drawn last, on top
        r_ll = _ll(r.lat, r.lon, gcj)
        folium.PolyLine(
            [o_ll, r_ll], color=LINE_COLOR, weight=3, opacity=0.8, dash_array="6 6", interactive=False
        ).add_to(fg)
    for r in reversed(answer.results):
        r_ll = _ll(r.lat, r.lon, gcj)
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
    folium.Marker(
        o_ll,
        interactive=False,
        icon=folium.DivIcon(
            html=f'<div class="fd-me" data-lat="{o.lat:.6f}" data-lon="{o.lon:.6f}">{esc(t("fd.map.me", lang))}</div>',
            icon_size=(34, 34),
            icon_anchor=(17, 17),
            class_name="jp-icon",
        ),
    ).add_to(fg)
    return fg


__all__ = ["JS_WGS_TO_GCJ", "finder_base_map", "result_layer"]
