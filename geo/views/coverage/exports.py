"""The coverage page's files: the metrics table (CSV), the suggested sites (CSV and
GeoJSON, with the context a file needs) and the standalone map HTML (Leaflet inlined from
the xstatic package, so the file works offline)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import folium
import geopandas as gpd
import pandas as pd

from geo.core import sites
from geo.data import export
from geo.i18n import t
from geo.maps.coverage import standalone_html
from geo.views.coverage.state import View
from geo.views.coverage.tables import table_csv


def suggestions_export(res: sites.SiteSuggestion, nm: dict[str, str], view: View) -> gpd.GeoDataFrame:
    """The sites with the context a file needs (radius, mode, weights, status, names)."""
    s = res.sites.copy()
    s["subdistrict_name"] = [nm.get(str(c), "") if isinstance(c, str) else "" for c in s["subdistrict_code"]]
    s["radius_m"] = view.radius_m
    s["mode"] = view.mode
    s["effective_radius_m"] = round(view.r_eff, 1)
    s["weights"] = res.weights
    s["status"] = res.exact.status if res.exact is not None and res.source == "exact" else res.source
    s["datum"] = "WGS-84"
    return s


def suggestions_csv(gdf: gpd.GeoDataFrame) -> bytes:
    return export.suggestions_csv(gdf)


def suggestions_geojson(gdf: gpd.GeoDataFrame) -> bytes:
    return export.suggestions_geojson(gdf)


def export_map_html(layers: list[folium.FeatureGroup], legend: str, lang: str, base: str, title: str) -> bytes:
    """A standalone HTML file of the current map that works offline (see
    geo.maps.coverage.standalone_html): the layers, and the legend HTML in a fixed legend."""
    return standalone_html(layers, legend, lang, base, title)


@dataclass(frozen=True)
class Download:
    """One export button: ``data`` is the file (bytes, or a function that builds it when the
    button is pressed); None shows the button disabled (nothing to export)."""

    key: str
    label: str
    data: bytes | Callable[[], bytes] | None
    file_name: str = ""
    mime: str = ""


def downloads(
    view: View,
    table: pd.DataFrame,
    res: sites.SiteSuggestion | None,
    nm: dict[str, str],
    lang: str,
    map_html: Callable[[], bytes],
) -> list[Download]:
    """The page's four exports, in order: metrics table, suggested sites (CSV, GeoJSON), map."""
    out = [
        Download(
            "cv_dl_table",
            t("cv.ex.table", lang),
            table_csv(table),
            f"coverage_{view.metric}_{view.radius_m}m.csv",
            "text/csv",
        )
    ]
    if res is not None and len(res.sites):
        g = suggestions_export(res, nm, view)
        out += [
            Download("cv_dl_sg_csv", t("cv.ex.sg_csv", lang), suggestions_csv(g), "suggested_sites.csv", "text/csv"),
            Download(
                "cv_dl_sg_geojson",
                t("cv.ex.sg_geojson", lang),
                suggestions_geojson(g),
                "suggested_sites.geojson",
                "application/geo+json",
            ),
        ]
    else:
        out += [
            Download("cv_dl_sg_csv_off", t("cv.ex.sg_csv", lang), None),
            Download("cv_dl_sg_geojson_off", t("cv.ex.sg_geojson", lang), None),
        ]
    out.append(
        Download(
            "cv_dl_map",
            t("cv.ex.map", lang),
            map_html,
            f"coverage_map_{view.metric}_{view.radius_m}m.html",
            "text/html",
        )
    )
    return out
