"""The coverage page's map (folium): the constant base map, the choropleth, gap, meal-point,
what-if and suggestion layers, and the standalone HTML file of the map.

Colours and texts come from geo.views.coverage (this layer does not import it: the class
colours and the view are passed in, any object with the attributes named below will do).
The map's own JavaScript and CSS are files in geo/maps/assets (coverage_hatch.js,
coverage.css). Every string from data is escaped with :func:`esc` before it reaches folium.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Protocol

import folium
import geopandas as gpd
import pandas as pd
import shapely
from branca.element import Element, MacroElement
from jinja2 import Template

from geo.core import coverage as cv
from geo.core.datum import wgs84_to_gcj02
from geo.data.escape import esc
from geo.i18n import t
from geo.maps.assets import read
from geo.maps.base import AssetCss, Legend, base_map, basemap_datum, shift_for_display
from geo.maps.cache import Lru, TextRender
from geo.maps.layers import display_geojson

HATCH_ID = "jp-hatch"
NO_DATA = "#cfcfcf"  # the fill of a subdistrict without a value
WHATIF_COLOR = "#6A1B9A"
SUGGEST_COLOR = "#E65100"
MEAL_COLOR = "#1B5E20"


class MapView(Protocol):
    """What the layers need of the view: the base map and the effective radius (m)."""

    @property
    def base(self) -> str: ...

    @property
    def r_eff(self) -> float: ...


class Classes(Protocol):
    """What the choropleth layer needs of the classes: fill colour and under-served flag by code."""

    colors: pd.Series
    underserved: pd.Series


# --------------------------------------------------------------------------- constant parts


class HatchDefs(TextRender, MacroElement):
    """An SVG pattern (diagonal hatch) that the gap polygons use as their fill; added to the
    constant base map (its script never changes)."""

    _template = Template("""
{% macro script(this, kwargs) %}
{{ this.js }}({{ this.hatch_id|tojson }});
{% endmacro %}
""")

    def __init__(self):
        super().__init__()
        self._name = "JpHatch"
        self.js = read("coverage_hatch.js").strip()
        self.hatch_id = HATCH_ID


def planner_base_map(lang: str, base: str = "blank") -> folium.Map:
    """The constant map of the page: base_map + hatch pattern + page CSS + a dynamic legend
    whose content comes from the views' legend HTML through a LegendUpdate."""
    m = base_map(lang, base)
    AssetCss("coverage.css", name="CvCss").add_to(m)
    HatchDefs().add_to(m)
    Legend(t("legend.title", lang), "", position="topright", dynamic=True).add_to(m)
    return m


# --------------------------------------------------------------------------- layers


#: The coverage map's choropleth and meal-point scripts, per process (geo.maps.cache).
LAYER_CACHE: Lru[str] = Lru(max_entries=96)


def _geojson_str(gdf: gpd.GeoDataFrame) -> str:
    return display_geojson(gdf, drop_id=True)


def choropleth_layer(
    subdistricts: gpd.GeoDataFrame, ch: Classes, tips: dict[str, str], base: str, name: str = "choropleth"
) -> folium.FeatureGroup:
    """The subdistricts filled with their class colour; under-served ones outlined thick and
    dark; ``tips`` (escaped HTML by code) as tooltips."""
    fg = folium.FeatureGroup(name=name)
    gdf = subdistricts[["code", "geometry"]].copy()
    gdf["code"] = gdf["code"].astype(str)
    gdf = shift_for_display(gdf, base)
    gdf["tip"] = [tips.get(c, "") for c in gdf["code"]]
    gdf["fill"] = [ch.colors.get(c, NO_DATA) for c in gdf["code"]]
    gdf["under"] = [bool(ch.underserved.get(c, False)) for c in gdf["code"]]
    styles = {
        c: {
            "color": "#111" if u else "#37474F",
            "weight": 3.5 if u else 1.2,
            "fillColor": f,
            "fillOpacity": 0.72,
            "opacity": 1,
        }
        for c, f, u in zip(gdf["code"], gdf["fill"], gdf["under"])
    }
    folium.GeoJson(
        _geojson_str(gdf[["code", "tip", "geometry"]]),
        name="choropleth",
        style_function=lambda f, s=styles: s[f["properties"]["code"]],
        highlight_function=lambda _f: {"weight": 4, "color": "#000"},
        tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False, sticky=True),
    ).add_to(fg)
    return fg


def gap_layer(gap_geojson: str | None, base: str, name: str = "gap") -> folium.FeatureGroup:
    """The area farther than R from every meal point (incl. what-if points), hatched."""
    fg = folium.FeatureGroup(name=name)
    if not gap_geojson:
        return fg
    g = shapely.from_geojson(gap_geojson)
    if g is None or shapely.is_empty(g):
        return fg
    gdf = gpd.GeoDataFrame({"k": ["gap"]}, geometry=[g], crs=cv.WGS84)
    gdf = shift_for_display(gdf, base)
    folium.GeoJson(
        _geojson_str(gdf),
        name="gap",
        style_function=lambda _f: {
            "color": "#222",
            "weight": 0.8,
            "opacity": 0.7,
            "dashArray": "3 3",
            "fillColor": f"url(#{HATCH_ID})",
            "fillOpacity": 1,
            "className": "cv-gap",
        },
        interactive=False,
    ).add_to(fg)
    return fg


def _ll(lon: float, lat: float, base: str) -> tuple[float, float]:
    if basemap_datum(base) == "gcj02":
        lon, lat = wgs84_to_gcj02(lon, lat)
    return float(lat), float(lon)


def whatif_layer(whatif, view: MapView, lang: str, name: str = "whatif") -> folium.FeatureGroup:
    """The what-if points (WGS-84 (lon, lat)): a numbered purple marker and its R circle."""
    fg = folium.FeatureGroup(name=name)
    for i, (lon, lat) in enumerate(whatif, start=1):
        ll = _ll(lon, lat, view.base)
        folium.Circle(
            ll, radius=view.r_eff, color=WHATIF_COLOR, weight=2, dash_array="6 4", fill=False, interactive=False
        ).add_to(fg)
        folium.Marker(
            ll,
            icon=folium.DivIcon(
                html=f'<div class="cv-wi" data-i="{i}">{i}</div>',
                icon_size=(28, 28),
                icon_anchor=(14, 14),
                class_name="jp-icon",
            ),
            tooltip=folium.Tooltip(esc(t("cv.wi.tip", lang, i=i, lat=f"{lat:.5f}", lon=f"{lon:.5f}"))),
            z_index_offset=2000,
        ).add_to(fg)
    return fg


def suggestion_layer(
    sg: gpd.GeoDataFrame | None, view: MapView, lang: str, nm: dict[str, str], name: str = "suggestions"
) -> folium.FeatureGroup:
    """The suggested sites: a numbered orange diamond and its R circle (shaded)."""
    fg = folium.FeatureGroup(name=name)
    if sg is None or not len(sg):
        return fg
    for _, r in sg.iterrows():
        ll = _ll(r["lon"], r["lat"], view.base)
        folium.Circle(
            ll, radius=view.r_eff, color=SUGGEST_COLOR, weight=2, fill=True, fill_opacity=0.08, interactive=False
        ).add_to(fg)
        sub = r.get("subdistrict_code")
        tip = t(
            "cv.sg.tip",
            lang,
            rank=int(r["rank"]),
            sub=nm.get(str(sub), t("cv.na", lang)) if isinstance(sub, str) else t("cv.na", lang),
            lat=f"{r['lat']:.5f}",
            lon=f"{r['lon']:.5f}",
        )
        folium.Marker(
            ll,
            icon=folium.DivIcon(
                html=f'<div class="cv-sg" data-rank="{int(r["rank"])}"><span>{int(r["rank"])}</span></div>',
                icon_size=(28, 28),
                icon_anchor=(14, 14),
                class_name="jp-icon",
            ),
            tooltip=folium.Tooltip(esc(tip)),
            z_index_offset=1500,
        ).add_to(fg)
    return fg


def meal_layer(points: gpd.GeoDataFrame, lang: str, base: str, nm: dict[str, str]) -> folium.FeatureGroup:
    """Existing meal points as light circles (the choropleth stays readable), with the name
    and subdistrict as an escaped tooltip. A tap on a circle does not add a what-if point."""
    fg = folium.FeatureGroup(name="meal")
    col = "name_zh" if lang == "zh" else "name_en"
    for _, r in points.iterrows():
        if pd.isna(r.get("lat")) or pd.isna(r.get("lon")):
            continue
        sub = nm.get(str(r.get("subdistrict_code")), "")
        tip = f"<b>{esc(r.get(col, ''))}</b>" + (f"<br>{esc(sub)}" if sub else "")
        folium.CircleMarker(
            _ll(r["lon"], r["lat"], base),
            radius=5,
            color="#ffffff",
            weight=1.5,
            fill=True,
            fill_color=MEAL_COLOR,
            fill_opacity=1,
            tooltip=folium.Tooltip(tip),
            bubbling_mouse_events=False,
            class_name="cv-meal",
        ).add_to(fg)
    return fg


# --------------------------------------------------------------------------- standalone HTML


def _leaflet_assets() -> tuple[str, str]:
    base = Path(importlib.import_module("xstatic.pkg.leaflet").BASE_DIR)
    js = (base / "leaflet.js").read_text(encoding="utf-8")
    css = (base / "leaflet.css").read_text(encoding="utf-8")
    return js.replace("</script", "<\\/script"), css.replace("</style", "<\\/style")


def standalone_html(layers: list[folium.FeatureGroup], legend: str, lang: str, base: str, title: str) -> bytes:
    """A standalone HTML file of the map that works offline: Leaflet's JS and CSS are
    inlined from the xstatic-leaflet package (no CDN, no /app/static URL). Tiles of an
    online base map still need the internet; the blank base needs nothing."""
    m = base_map(lang, base)
    m.default_js = []
    m.default_css = []
    js, css = _leaflet_assets()
    root = m.get_root()
    root.header.add_child(
        Element(f"<title>{esc(title)}</title><style>{css}</style><script>{js}</script>"),
        name="jp_leaflet_inline",
        index=0,
    )
    AssetCss("coverage.css", name="CvCss").add_to(m)
    HatchDefs().add_to(m)
    for fg in layers:
        fg.add_to(m)
    Legend(t("legend.title", lang), legend, position="bottomright", collapse_below=0).add_to(m)
    return root.render().encode("utf-8")
