"""The map's data layers as folium feature groups: subdistrict outlines, project markers
(with the district-wide anchor) and meal points.

Data is stored in WGS-84; with a GCJ-02 base map (``datum="gcj02"``) every position is
shifted for display only. Every data string is escaped (:func:`esc`) before it reaches
folium, which puts tooltips and popups into a JavaScript template literal and GeoJSON
tooltips into innerHTML.
"""

from __future__ import annotations

import folium
import geopandas as gpd
import pandas as pd

from geo.core.datum import shift_gdf, wgs84_to_gcj02
from geo.data import facts
from geo.data.escape import esc
from geo.data.names import local_name, map_label
from geo.data.names import subdistrict_names as names_by_code
from geo.i18n import t
from geo.maps.popups import district_wide_popup_html, meal_popup_html, project_popup_html
from geo.maps.symbols import project_pin, sector_svg

# The anchor of district-wide projects: an explicit, labelled marker in the sea off the
# east coast, so that it is never read as a place in a subdistrict.
DISTRICT_WIDE_ANCHOR = (39.02, 122.20)

SUBDISTRICT_STYLE = {"color": "#37474F", "weight": 1.5, "fillColor": "#90A4AE", "fillOpacity": 0.08}


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
        gdf.to_json(),
        name="subdistricts",
        style_function=lambda f, st=st: (
            st if f["properties"]["code"] != emphasis else {**st, "weight": 4, "color": "#000", "fillOpacity": 0.18}
        ),
        highlight_function=lambda _f: {"weight": 3, "color": "#000"},
        tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False, sticky=True),
    ).add_to(fg)
    if labels:
        for nz, ne, geom in zip(subdistricts["name_zh"], subdistricts["name_en"], subdistricts.geometry):
            p = geom.representative_point()
            folium.Marker(
                display_latlon(p.y, p.x, datum),
                icon=folium.DivIcon(
                    html=f'<div class="jp-sublabel">{esc(map_label(nz, ne, lang))}</div>',
                    icon_size=(90, 16),
                    icon_anchor=(45, 8),
                    class_name="jp-icon",
                ),
                interactive=False,
            ).add_to(fg)
    return fg


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
        f"<div>&#9679; {esc(t('ov.anchor.title', lang))}</div><div>{esc(t('ov.anchor.n', lang, n=len(wide)))}</div>"
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
        ).add_to(fg)
    if len(wide):
        folium.Marker(
            display_latlon(*DISTRICT_WIDE_ANCHOR, datum),
            icon=folium.DivIcon(
                html=district_wide_icon_html(wide, lang),
                icon_size=(124, 76),
                icon_anchor=(62, 38),
                class_name="jp-icon jp-dw-anchor",
            ),
            tooltip=folium.Tooltip(esc(t("map.district_wide_note", lang))),
            popup=folium.Popup(district_wide_popup_html(wide, lang), max_width=340),
            z_index_offset=500,
        ).add_to(fg)
    return fg


def meal_point_layer(
    meal_points: gpd.GeoDataFrame,
    lang: str,
    datum: str = "wgs84",
    subdistrict_names: dict[str, str] | None = None,
    name: str | None = None,
) -> folium.FeatureGroup:
    """One marker per meal point; ``subdistrict_names`` ({code: name}) name the subdistrict
    in the popup."""
    fg = folium.FeatureGroup(name=name or t("layer.meal_points", lang))
    names = subdistrict_names or {}
    for _, row in meal_points.iterrows():
        folium.Marker(
            display_latlon(row["lat"], row["lon"], datum),
            # drawn by CSS (.jp-meal in assets/map.css, the same look as meal_svg): 60 inline
            # SVGs would cost ≈36 kB per rerun
            icon=folium.DivIcon(
                html=f'<div class="jp-meal" data-id="{esc(row["id"])}"></div>',
                icon_size=(26, 26),
                icon_anchor=(13, 13),
                class_name="jp-icon",
            ),
            tooltip=folium.Tooltip(esc(local_name(row, lang))),
            popup=folium.Popup(meal_popup_html(row, lang, names.get(row["subdistrict_code"], "")), max_width=320),
        ).add_to(fg)
    return fg
