"""Small maps of the registry pages: a map to tap a place on (a resident's report, an
editor's edit) and a before/after map of one change (the review queue).

No streamlit import. Positions are WGS-84 ``(lon, lat)``; with a GCJ-02 base map (高德)
they are shifted for display only, and the page shifts a tap back
(``geo.core.coords.click_to_wgs84``). Every text from data goes through ``esc``.
"""

from __future__ import annotations

import folium
import geopandas as gpd
from branca.element import MacroElement
from jinja2 import Template

from geo.data.escape import esc
from geo.i18n import t
from geo.maps.base import base_map, basemap_datum, display_latlon, meal_svg, shift_for_display
from geo.maps.ids import stable_ids

__all__ = ["AFTER_COLOR", "BEFORE_COLOR", "change_map", "pick_layer", "pick_map"]

BEFORE_COLOR = "#616161"
AFTER_COLOR = "#0B57D0"
PICK_ZOOM = 16  # the streets around a point (st_folium's ``zoom``)
OUTLINE = {"color": "#455A64", "weight": 1.2, "fillColor": "#B0BEC5", "fillOpacity": 0.05}

LonLat = tuple[float, float]


class _View(MacroElement):
    """Open the map on a place (``latlon`` and ``zoom``) or on ``bounds``.

    base_map fits the district first, and that fit may still be animating when this runs:
    its end would move the map back, so the view is set now and once more when it ends
    (st_folium's ``center``/``zoom`` only move a map that is already drawn)."""

    _template = Template("""
{% macro script(this, kwargs) %}
(function(m){
  var go = function(){
    {% if this.bounds %}m.fitBounds({{ this.bounds|tojson }}, {animate: false});
    {% else %}m.setView({{ this.latlon|tojson }}, {{ this.zoom|tojson }}, {animate: false});{% endif %}
  };
  go();
  m.once('zoomend', go);
  setTimeout(function(){ m.off('zoomend', go); }, 800);
})({{ this._parent.get_name() }});
{% endmacro %}
""")

    def __init__(self, latlon=None, zoom: int = PICK_ZOOM, bounds=None):
        super().__init__()
        self._name = "JpView"
        self.latlon = list(latlon) if latlon else None
        self.zoom = zoom
        self.bounds = bounds


def _pin(color: str, label: str, dashed: bool = False) -> folium.DivIcon:
    """A round pin with a one-character label (never colour alone: the label says which)."""
    border = f"3px {'dashed' if dashed else 'solid'} {color}"
    html = (
        f'<div class="jp-rv-pin" style="width:30px;height:30px;border-radius:50%;border:{border};'
        f"background:#fff;color:{color};font:700 15px/24px sans-serif;text-align:center;"
        f'box-sizing:border-box">{esc(label)}</div>'
    )
    return folium.DivIcon(html=html, icon_size=(30, 30), icon_anchor=(15, 15), class_name="jp-icon")


def _outlines(m: folium.Map, subdistricts: gpd.GeoDataFrame | None, datum: str) -> None:
    if subdistricts is None or not len(subdistricts):
        return
    sub = subdistricts[["code", "geometry"]]
    if datum == "gcj02":
        sub = shift_for_display(sub, "amap")
    folium.GeoJson(sub.to_json(), name="rv_subdistricts", style_function=lambda _f: OUTLINE).add_to(m)


def pick_map(
    lang: str,
    base: str,
    point: LonLat | None,
    name: str = "",
    approx: bool = True,
    subdistricts: gpd.GeoDataFrame | None = None,
) -> folium.Map:
    """The constant map to tap a place on: the subdistrict outlines and the point as it is
    published (a meal-point square, hollow when illustrative), opened on the streets around
    it (:data:`PICK_ZOOM`). The tapped place is added by :func:`pick_layer` (a feature
    group, so the map is not remounted)."""
    datum = basemap_datum(base)
    m = base_map(lang, base, locate=True)
    _outlines(m, subdistricts, datum)
    if point is not None:
        ll = display_latlon(point[1], point[0], datum)
        folium.Marker(
            ll,
            tooltip=folium.Tooltip(esc(name) or esc(t("rv.map.now", lang))),
            icon=folium.DivIcon(html=meal_svg(26, approx=approx), icon_size=(26, 26), icon_anchor=(13, 13)),
        ).add_to(m)
        _View(ll, PICK_ZOOM).add_to(m)
    stable_ids(m, "rvp")
    return m


def pick_layer(picked: LonLat | None, lang: str, base: str) -> folium.FeatureGroup:
    """The place tapped (or typed): a blue pin labelled 新 / N."""
    fg = folium.FeatureGroup(name="rv_pick")
    if picked is not None:
        folium.Marker(
            display_latlon(picked[1], picked[0], basemap_datum(base)),
            tooltip=folium.Tooltip(esc(t("rv.map.picked", lang))),
            icon=_pin(AFTER_COLOR, t("rv.map.new_tag", lang)),
        ).add_to(fg)
    stable_ids(fg, "rvk")
    return fg


def change_map(lang: str, before: LonLat | None, after: LonLat | None, name: str = "") -> folium.Map:
    """A small before/after map of one record: the old place (grey, dashed, 旧 / O), the new
    one (blue, solid, 新 / N) and a line between; fitted to both."""
    m = base_map(lang, "blank", locate=False)
    places = []
    for pos, color, tag, dashed, key in (
        (before, BEFORE_COLOR, "rv.map.old_tag", True, "rv.map.before"),
        (after, AFTER_COLOR, "rv.map.new_tag", False, "rv.map.after"),
    ):
        if pos is None:
            continue
        ll = display_latlon(pos[1], pos[0])
        places.append(ll)
        tip = f"{esc(t(key, lang))}: {esc(name)}" if name else esc(t(key, lang))
        folium.Marker(ll, tooltip=folium.Tooltip(tip), icon=_pin(color, t(tag, lang), dashed)).add_to(m)
    if len(places) == 2:
        folium.PolyLine(places, color=AFTER_COLOR, weight=2, dash_array="6 6").add_to(m)
    if places:
        lats = [p[0] for p in places]
        lons = [p[1] for p in places]
        pad = 0.004
        _View(bounds=[[min(lats) - pad, min(lons) - pad], [max(lats) + pad, max(lons) + pad]]).add_to(m)
    stable_ids(m, "rvc")
    return m
