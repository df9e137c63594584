"""The map's data layers as folium feature groups: subdistrict outlines, project markers
(with the district-wide anchor) and meal points (clustered at low zoom, :class:`MealCluster`).

Data is stored in WGS-84; with a GCJ-02 base map (``datum="gcj02"``) every position is
shifted for display only. Every data string is escaped (:func:`esc`) before it reaches
folium, which puts tooltips and popups into a JavaScript template literal and GeoJSON
tooltips into innerHTML.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import datetime

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import MacroElement
from folium.elements import JSCSSMixin
from folium.map import Layer
from jinja2 import Template

from geo.core.datum import shift_gdf, wgs84_to_gcj02
from geo.core.distance import METRIC_CRS
from geo.data import facts
from geo.data.escape import esc
from geo.data.names import local_name, map_label
from geo.data.names import subdistrict_names as names_by_code
from geo.i18n import t
from geo.maps.assets import VENDOR_URL, read
from geo.maps.cache import TextRender
from geo.maps.popups import district_wide_popup_html, meal_popup_html, project_popup_html
from geo.maps.symbols import is_verified, project_pin, sector_svg

# The anchor of district-wide projects: an explicit, labelled box in the sea south-east of
# 金石滩, so that it is never read as a place in a subdistrict. Its box (DISTRICT_WIDE_BOX
# pixels, centred on the anchor) lies in open sea at the district view of a phone (zoom 9)
# and of a desktop (zoom 9.75): it covers no marker (tests/unit/maps checks it), and it is
# drawn below the markers in case a narrower map zooms out further.
DISTRICT_WIDE_ANCHOR = (38.97, 122.19)
DISTRICT_WIDE_BOX = (96, 66)

# Leaflet.markercluster, served by the app (copied by geo.maps.base.ensure_static_assets)
CLUSTER_JS = [("markercluster", f"{VENDOR_URL}/markercluster/leaflet.markercluster.js")]
CLUSTER_CSS = [("markercluster_css", f"{VENDOR_URL}/markercluster/MarkerCluster.css")]
# Meal points closer than this many pixels on screen are drawn as one cluster: about one
# and a half tiles (26 px), so that tiles never pile up at the district view.
CLUSTER_RADIUS_PX = 40
POPUP_PADDING_TOP_LEFT = (60, 70)

# Leaflet's shadow pane (z-index 500): above the outlines (400), below every marker (600)
LABEL_PANE = "shadowPane"

SUBDISTRICT_STYLE = {"color": "#37474F", "weight": 1.5, "fillColor": "#90A4AE", "fillOpacity": 0.08}
#: What an emphasised subdistrict adds to its style (here, and in the browser: geo.maps.viewsync).
SUBDISTRICT_EMPHASIS = {"weight": 4, "color": "#000", "fillOpacity": 0.18}


#: Decimal places of the coordinates drawn (1e-5° ≈ 1.1 m north-south, 0.9 m east-west here):
#: less than a pixel up to zoom 17 and two at the map's last zoom (18), on boundaries that are
#: schematic anyway; full precision would double the outlines' bytes on every page run.
DISPLAY_DIGITS = 5


def display_geojson(gdf: gpd.GeoDataFrame, digits: int = DISPLAY_DIGITS, **kw) -> str:
    """``gdf`` as GeoJSON for drawing, its coordinates rounded to ``digits`` decimals
    (display only: the data is never changed)."""
    out = gdf.copy()
    out.geometry = shapely.transform(out.geometry.values, lambda c: np.round(c, digits))
    return out.to_json(**kw)


def display_latlon(lat: float, lon: float, datum: str = "wgs84") -> tuple[float, float]:
    """A WGS-84 position as Leaflet draws it on a base map in ``datum`` ([lat, lon])."""
    if datum == "gcj02":
        lon, lat = wgs84_to_gcj02(lon, lat)
    return float(lat), float(lon)


def subdistrict_layer(
    subdistricts: gpd.GeoDataFrame,
    lang: str,
    datum: str = "wgs84",
    tooltips: dict[str, str] | None = None,
    labels: bool = True,
    name: str | None = None,
    style: dict | None = None,
    emphasis: str | None = None,
) -> folium.FeatureGroup:
    """Outlines with escaped tooltips (pre-built HTML per code) and optional name labels;
    the subdistrict ``emphasis`` (a code) is drawn with a heavier outline."""
    fg = folium.FeatureGroup(name=name or t("layer.subdistricts", lang))
    gdf = subdistricts[["code", "name_zh", "name_en", "geometry"]].copy()
    if datum == "gcj02":
        gdf = shift_gdf(gdf, to="gcj02")
    names = names_by_code(gdf, lang)
    gdf["tip"] = [(tooltips or {}).get(c) or f"<b>{esc(names[str(c)])}</b>" for c in gdf["code"]]
    gdf = gdf[["code", "tip", "geometry"]]
    st = style or SUBDISTRICT_STYLE
    folium.GeoJson(
        display_geojson(gdf),
        name="subdistricts",
        style_function=lambda f, st=st: st if f["properties"]["code"] != emphasis else {**st, **SUBDISTRICT_EMPHASIS},
        highlight_function=lambda _f: {"weight": 3, "color": "#000"},
        tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False, sticky=True),
    ).add_to(fg)
    if labels:
        LabelDeclutter().add_to(fg)
        # rank 0 = the largest subdistrict: its label wins where two would overlap
        rank = {i: r for r, i in enumerate(subdistricts.to_crs(METRIC_CRS).area.sort_values(ascending=False).index)}
        for i, nz, ne, geom in zip(
            subdistricts.index, subdistricts["name_zh"], subdistricts["name_en"], subdistricts.geometry
        ):
            p = geom.representative_point()
            folium.Marker(
                display_latlon(p.y, p.x, datum),
                icon=folium.DivIcon(
                    html=f'<div class="jp-sublabel" data-rank="{rank[i]}">{esc(map_label(nz, ne, lang))}</div>',
                    icon_size=(90, 16),
                    icon_anchor=(45, 8),
                    class_name="jp-icon",
                ),
                interactive=False,
                pane=LABEL_PANE,
            ).add_to(fg)
    return fg


class LabelDeclutter(TextRender, MacroElement):
    """Keeps the subdistrict labels readable at every zoom (assets/labels.js): a label
    that a marker would cover, or that would overlap a larger subdistrict's label, is
    hidden until the map zooms in (every name is also in its outline's tooltip). Add it
    to the labels' feature group."""

    _template = Template("""
{% macro script(this, kwargs) %}
(function(){
{{ this.js }}
  jpLabels({{ this._parent.get_name() }});
})();
{% endmacro %}
""")

    def __init__(self):
        super().__init__()
        self._name = "JpLabels"
        self.js = read("labels.js")


def district_wide_icon_html(wide: pd.DataFrame, lang: str) -> str:
    """The district-wide anchor: its title, the number of projects and one glyph per sector."""
    counts = wide["sector"].value_counts()
    glyphs = "".join(
        f'<span data-sector="{esc(k)}">{sector_svg(k, 14)}{int(counts[k])}</span>'
        for k in facts.SECTOR_KEYS
        if k in counts.index
    )
    return (
        f'<div class="jp-dw jp-district-wide" data-n="{len(wide)}" title="{esc(t("map.district_wide_note", lang))}">'
        f'<div class="t">{esc(t("ov.anchor.title", lang))}</div><div class="n">{esc(t("ov.anchor.n", lang, n=len(wide)))}</div>'
        f'<div class="g">{glyphs}</div></div>'
    )


def project_layer(
    projects: gpd.GeoDataFrame, lang: str, datum: str = "wgs84", name: str | None = None
) -> folium.FeatureGroup:
    """One marker per located project; district-wide projects grouped at a labelled anchor
    (off the coast, so it is never read as a place) whose popup lists them."""
    fg = folium.FeatureGroup(name=name or t("layer.projects", lang))
    has_pos = projects["lat"].notna() & projects["lon"].notna()
    located = projects[has_pos]
    wide = projects[~has_pos]
    for _, row in located.iterrows():
        folium.Marker(
            display_latlon(row["lat"], row["lon"], datum),
            icon=folium.DivIcon(
                html=f'<div class="jp-proj" data-id="{esc(row["id"])}" '
                f'data-sector="{esc(row["sector"])}">{project_pin(row["sector"])}</div>',
                icon_size=(28, 36),
                icon_anchor=(14, 36),
                class_name="jp-icon",
            ),
            tooltip=folium.Tooltip(esc(local_name(row, lang))),
            popup=folium.Popup(project_popup_html(row, lang), max_width=320),
            z_index_offset=1000,
            jp_id=esc(row["id"]),  # options.jpId: what assets/overview_view.js shows or hides
        ).add_to(fg)
    if len(wide):
        w, h = DISTRICT_WIDE_BOX
        folium.Marker(
            display_latlon(*DISTRICT_WIDE_ANCHOR, datum),
            icon=folium.DivIcon(
                html=district_wide_icon_html(wide, lang),
                icon_size=(w, h),
                icon_anchor=(w // 2, h // 2),
                class_name="jp-icon jp-dw-anchor",
            ),
            tooltip=folium.Tooltip(esc(t("map.district_wide_note", lang))),
            popup=folium.Popup(district_wide_popup_html(wide, lang), max_width=340),
            z_index_offset=-2000,  # below every marker: it never covers one
            jp_id="dw",
        ).add_to(fg)
    return fg


class MealCluster(JSCSSMixin, Layer):
    """Meal points drawn as numbered circles where they would overlap (Leaflet.markercluster,
    assets/cluster.js): the numbers split as the map zooms in, a tap on a circle zooms in
    (or, where the points share a position, fans them out) and never selects anything;
    every point stays in the page's list. Add markers to it like to a feature group."""

    _template = Template("""
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = (function(){
{{ this.js }}
  return jpMealCluster({{ this.opts|tojson }});
})();
{% endmacro %}
""")

    default_js = CLUSTER_JS
    default_css = CLUSTER_CSS

    def __init__(self, lang: str, radius: int = CLUSTER_RADIUS_PX):
        super().__init__(name="meal_cluster", overlay=True, control=False)
        self._name = "MealCluster"
        self.js = read("cluster.js")
        self.opts = {
            "radius": int(radius),
            # a circle's name for a screen reader; the script puts its number for "{n}"
            # (always 2 or more: one plural form)
            "label": t("map.cluster.label", lang, n="{n}"),
        }


def meal_tooltip_html(row: Mapping, lang: str) -> str:
    """A meal point's name; for a point whose position is only illustrative, after a small
    "示意" / "approx." tag (also what a screen reader hears: controls.js names the marker
    by its tooltip)."""
    name = esc(local_name(row, lang))
    if is_verified(row.get("location_precision")):
        return name
    return f'<span class="jp-approx-tag">{esc(t("map.meal.approx_tag", lang))}</span> {name}'


#: Where the HTML of a tooltip or a popup is cut into the pieces :class:`MealPoints` keeps
#: once: before each block (a division, table, paragraph, heading or link), around the name,
#: and between a link's address and its parameters; most pieces recur from point to point
#: (the labels, what is not published, the search terms), only names and positions do not.
_PIECES = re.compile(
    r"(?=<(?:div|table|h4|p|a)\b)|(?<=</span> )|(?<=<h4>)|(?=</h4>)|(?=\">)|(?=&amp;)|(?<=href=\")"
    r"|(?<=center=)|(?<=location=)"
)
#: Decimal places of a marker's drawn position (1e-7° ≈ 1 cm).
POSITION_DIGITS = 7


class MealPoints(TextRender, MacroElement):
    """The meal points of a layer, drawn by assets/meals.js from compact data: per point its
    id, display position, look and the HTML of its tooltip and popup, built and escaped on
    the server (:func:`meal_tooltip_html`, :func:`geo.maps.popups.meal_popup_html`) and cut
    into pieces kept once (a sixth of folium's bytes for one marker, icon, tooltip and popup
    each). Add it to a feature group or a :class:`MealCluster`."""

    _template = Template("""
{% macro script(this, kwargs) %}
(function(){
{{ this.js }}
  jpMeals({{ this._parent.get_name() }}, {{ this.data_json }}, {{ this.opts|tojson }});
})();
{% endmacro %}
""")

    def __init__(self, points: list[tuple[str, float, float, bool, str, str]]):
        super().__init__()
        self._name = "MealPoints"
        self.js = read("meals.js")
        self.points = points  # (escaped id, lat, lon, approx, tooltip HTML, popup HTML)
        table: dict[str, int] = {}

        def pieces(html: str) -> list[int]:
            return [table.setdefault(x, len(table)) for x in _PIECES.split(html) if x]

        rows = [
            [
                pid,
                round(lat, POSITION_DIGITS),
                round(lon, POSITION_DIGITS),
                int(approx),
                pieces(tip),
                pieces(pop),
                # the marker's own HTML, whole: drawn by CSS (.jp-meal in assets/map.css)
                f'<div class="jp-meal" data-id="{pid}"{" data-approx" if approx else ""}></div>',
            ]
            for pid, lat, lon, approx, tip, pop in points
        ]
        self.data = {"t": list(table), "p": rows}
        self.data_json = script_json(self.data)
        self.opts = {"maxWidth": 320, "padTopLeft": list(POPUP_PADDING_TOP_LEFT)}

    @staticmethod
    def html_of(data: dict, ix: list[int]) -> str:
        """The HTML a list of piece indexes stands for (what meals.js builds)."""
        return "".join(data["t"][i] for i in ix)


def script_json(value) -> str:
    """``value`` as JSON for a script block: non-ASCII text as it is (fewer bytes than
    ``\\uXXXX`` escapes), and ``<``, ``>``, ``&``, ``'`` and the line separators escaped as
    Jinja's ``tojson`` does, so no text can close the script or become markup."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for ch, rep in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("'", "\\u0027")):
        text = text.replace(ch, rep)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def meal_point_layer(
    meal_points: gpd.GeoDataFrame,
    lang: str,
    datum: str = "wgs84",
    subdistrict_names: dict[str, str] | None = None,
    name: str | None = None,
    seats: Mapping[str, tuple[float, float]] | None = None,
    cluster: bool = False,
    now: datetime | None = None,
) -> folium.FeatureGroup:
    """One marker per meal point (:class:`MealPoints`): solid where its position is real,
    hollow and dashed where it is illustrative (``data-approx``). ``subdistrict_names``
    ({code: name}) name the subdistrict in the popup; ``seats`` ({code: (lon, lat)}, default
    the seats in geo.data.facts) centre the popup's nearby search for a point without a real
    position. With ``cluster=True`` the markers are in a :class:`MealCluster` (the map must
    load its script: ``base_map(cluster=True)``)."""
    fg = folium.FeatureGroup(name=name or t("layer.meal_points", lang))
    parent: folium.FeatureGroup | MealCluster = MealCluster(lang).add_to(fg) if cluster else fg
    names = subdistrict_names or {}
    seat_of = dict(seats) if seats is not None else {c: (s.lon, s.lat) for c, s in facts.SEAT_BY_CODE.items()}
    points = []
    for _, row in meal_points.iterrows():
        code = str(row["subdistrict_code"])
        lat, lon = display_latlon(row["lat"], row["lon"], datum)
        points.append(
            (
                esc(row["id"]),
                lat,
                lon,
                not is_verified(row.get("location_precision")),
                meal_tooltip_html(row, lang),
                meal_popup_html(row, lang, names.get(code, ""), area=seat_of.get(code), now=now),
            )
        )
    MealPoints(points).add_to(parent)
    return fg
