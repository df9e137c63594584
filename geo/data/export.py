"""Exports of a layer: CSV, GeoJSON, GeoPackage and an empty template.

Every text cell that a spreadsheet could run as a formula is neutralised with a
leading apostrophe (:mod:`geo.data.csvsafe`); the loader strips it again on re-import,
so that downloading a layer and uploading it again returns the same records.

No streamlit import; nothing is written outside a private temporary folder.
"""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from geo.core.distance import WGS84
from geo.data.csvsafe import neutralise
from geo.data.schema import LAYERS

FORMATS = ("csv", "geojson", "gpkg")
MIME = {"csv": "text/csv", "geojson": "application/geo+json", "gpkg": "application/geopackage+sqlite3"}


def _text_columns(layer_key: str) -> list[str]:
    return [f.name for f in LAYERS[layer_key].fields if f.kind in ("str", "enum", "code", "codes", "date", "yesno")]


def _table(gdf: gpd.GeoDataFrame, layer_key: str) -> pd.DataFrame:
    """The layer's schema columns, in schema order, with text cells neutralised."""
    layer = LAYERS[layer_key]
    df = pd.DataFrame({name: (gdf[name] if name in gdf.columns else None) for name in layer.names})
    for col in _text_columns(layer_key):
        df[col] = [
            None if (v is None or (not isinstance(v, str) and pd.isna(v))) else neutralise(str(v)) for v in df[col]
        ]
    return df


def to_csv(gdf: gpd.GeoDataFrame, layer_key: str) -> bytes:
    """UTF-8 with BOM (Excel opens it as UTF-8). Polygons go in a WKT ``geometry`` column."""
    df = _table(gdf, layer_key)
    if LAYERS[layer_key].geometry == "polygon":
        df["geometry"] = [None if g is None else shapely.to_wkt(g, rounding_precision=-1) for g in gdf.geometry]
    for col in df.columns:
        if df[col].dtype.kind == "f":
            df[col] = [None if pd.isna(v) else repr(float(v)) for v in df[col]]
    buf = io.StringIO()
    df.to_csv(buf, index=False, lineterminator="\n")
    return buf.getvalue().encode("utf-8-sig")


def _spatial(gdf: gpd.GeoDataFrame, layer_key: str) -> gpd.GeoDataFrame:
    df = _table(gdf, layer_key)
    return gpd.GeoDataFrame(df, geometry=list(gdf.geometry), crs=gdf.crs or 4326).to_crs(4326)


def to_geojson(gdf: gpd.GeoDataFrame, layer_key: str) -> bytes:
    out = _spatial(gdf, layer_key)
    text: str = out.to_json(na="null", show_bbox=False, drop_id=True, ensure_ascii=False)
    return text.encode("utf-8")


def to_gpkg(gdf: gpd.GeoDataFrame, layer_key: str) -> bytes:
    out = _spatial(gdf, layer_key)
    for col in out.columns:  # nullable integers as float64 would lose "empty"; keep Int64
        if str(out[col].dtype) == "Int64":
            out[col] = out[col].astype("Int64")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{layer_key}.gpkg"
        out.to_file(path, driver="GPKG", layer=layer_key, engine="pyogrio")
        return path.read_bytes()


def export(gdf: gpd.GeoDataFrame, layer_key: str, fmt: str) -> bytes:
    if fmt == "csv":
        return to_csv(gdf, layer_key)
    if fmt == "geojson":
        return to_geojson(gdf, layer_key)
    if fmt == "gpkg":
        return to_gpkg(gdf, layer_key)
    raise ValueError(fmt)


def filename(layer_key: str, fmt: str, template: bool = False) -> str:
    stem = f"{layer_key}_template" if template else layer_key
    return f"{stem}.{fmt}"


def template_csv(layer_key: str) -> bytes:
    """An empty CSV with the layer's columns (polygons: a WKT ``geometry`` column)."""
    names = list(LAYERS[layer_key].names)
    if LAYERS[layer_key].geometry == "polygon":
        names.append("geometry")
    return (",".join(names) + "\n").encode("utf-8-sig")


def schema_table(layer_key: str, lang: str = "zh") -> pd.DataFrame:
    """The layer's schema for the data page, from the definitions the validator uses."""
    from geo.i18n import t

    layer = LAYERS[layer_key]
    words = "zh" if lang == "zh" else "en"  # units and descriptions: Chinese or English
    rows = []
    for f in layer.fields:
        if f.kind == "enum":
            allowed = " | ".join(f.allowed)
        elif f.kind in ("int", "float") and f.min is not None:
            unit = f.unit_text(words)
            allowed = f"{f.min:,.10g} – {f.max:,.10g}" + (f" {unit}" if unit else "")
        elif f.kind == "code":
            allowed = t("dt.schema.codes_allowed", lang)
        elif f.kind == "codes":
            allowed = t("dt.schema.codes_allowed", lang) + " ; …"
        elif f.kind == "yesno":
            allowed = "yes | no"
        else:
            allowed = ""
        rows.append(
            {
                "field": f.name,
                "type": t(f"dt.kind.{f.kind}", lang),
                "required": t("dt.yes" if f.required else "dt.no", lang),
                "empty_ok": t("dt.yes" if f.nullable else "dt.no", lang),
                "allowed": allowed,
                "example": f.example,
                "description": layer.description(f.name, words),
            }
        )
    rows.append(
        {
            "field": "geometry",
            "type": t(f"dt.geom.{layer.geometry}", lang),
            "required": t("dt.yes" if layer.geometry == "polygon" else "dt.no", lang),
            "empty_ok": t("dt.no" if layer.geometry == "polygon" else "dt.yes", lang),
            "allowed": "WGS-84 (EPSG:4326)",
            "example": "",
            "description": t(f"dt.geom.{layer.geometry}.desc", lang),
        }
    )
    return pd.DataFrame(rows)


def suggestions_csv(gdf: gpd.GeoDataFrame) -> bytes:
    """CSV (UTF-8 with BOM, for Excel) of suggested sites without geometry; text cells
    neutralised, numeric columns left numeric."""
    df = pd.DataFrame(gdf.drop(columns=gdf.geometry.name) if isinstance(gdf, gpd.GeoDataFrame) else gdf)
    return table_csv(df)


def suggestions_geojson(gdf: gpd.GeoDataFrame) -> bytes:
    """GeoJSON FeatureCollection (EPSG:4326, UTF-8) of suggested sites."""
    g = gdf.set_crs(WGS84) if gdf.crs is None else gdf.to_crs(WGS84)
    text: str = g.to_json(na="null", drop_id=True)
    return text.encode("utf-8")


def table_csv(df: pd.DataFrame) -> bytes:
    """Any table as CSV (UTF-8 with BOM, for Excel): formula-like text cells and column
    names neutralised, numeric and boolean columns left as they are."""
    out = df.copy()
    for col in out.columns:
        if not (pd.api.types.is_numeric_dtype(out[col]) or pd.api.types.is_bool_dtype(out[col])):
            out[col] = pd.Series([neutralise(v) for v in out[col]], index=out.index, dtype=object)
    out.columns = [neutralise(str(c)) for c in out.columns]
    buf = io.StringIO()
    out.to_csv(buf, index=False, lineterminator="\n")
    return buf.getvalue().encode("utf-8-sig")
