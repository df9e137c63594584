"""Records as documents, and documents back as typed layers.

A record's document is exactly its layer's schema fields (``LAYERS[layer].fields``), as
JSON values: text, integer, float or null. Going back, the documents of a layer are
written as text cells (formula-like text neutralised, so the reader restores it exactly)
and read through the validator (geo.data.validate.validate_layer): the published layers
get the same columns, dtypes and CRS as ``load_bundled()`` by one definition.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely

from geo.data.csvsafe import neutralise
from geo.data.schema import LAYERS
from geo.data.validate import Context, Report, validate_layer

Doc = dict[str, Any]

#: The key of a polygon's WKT in a record handed out by ``Registry.record`` and in edits.
GEOMETRY = "geometry"


def is_polygon_layer(layer: str) -> bool:
    return LAYERS[layer].geometry == "polygon"


def plain(v: object, kind: str) -> object:
    """A typed frame's cell as a JSON value of the field's kind (NA -> None)."""
    if v is None:
        return None
    if not isinstance(v, str) and pd.isna(v):  # type: ignore[call-overload]
        return None
    if kind == "int":
        return int(v)  # type: ignore[call-overload]
    if kind == "float":
        return float(v)  # type: ignore[arg-type]
    return str(v)


def docs_of(layer: str, gdf: gpd.GeoDataFrame) -> list[Doc]:
    """The documents of a typed layer (as the validator returns it), in row order."""
    fields = LAYERS[layer].fields
    cols = {f.name: list(gdf[f.name]) if f.name in gdf.columns else [None] * len(gdf) for f in fields}
    return [{f.name: plain(cols[f.name][i], f.kind) for f in fields} for i in range(len(gdf))]


def wkts_of(layer: str, gdf: gpd.GeoDataFrame) -> list[str | None]:
    """A polygon layer's geometries as WKT (full precision); None for a point layer."""
    if not is_polygon_layer(layer):
        return [None] * len(gdf)
    return [None if g is None else str(shapely.to_wkt(g, rounding_precision=-1)) for g in gdf.geometry]


def cell(v: object) -> str:
    """A document value as the text cell a CSV would hold."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, float):
        return "" if math.isnan(v) else repr(v)
    if isinstance(v, int):
        return str(v)
    return str(neutralise(str(v)))


def raw_table(layer: str, docs: Iterable[Mapping[str, Any]], wkts: Iterable[str | None] | None = None) -> pd.DataFrame:
    """Documents as a table of text cells, as the loader reads a CSV (with a WKT
    ``geometry`` column for a polygon layer)."""
    names = LAYERS[layer].names
    rows = [[cell(d.get(n)) for n in names] for d in docs]
    df = pd.DataFrame(rows, columns=names, dtype=object)
    if is_polygon_layer(layer):
        geoms = [None if not w else shapely.from_wkt(w) for w in (wkts or [])]
        out: pd.DataFrame = gpd.GeoDataFrame(df, geometry=geoms, crs=4326)
        return out
    return df


def validate_docs(
    layer: str,
    docs: Iterable[Mapping[str, Any]],
    wkts: Iterable[str | None] | None = None,
    context: Context | None = None,
    file: str = "registry",
) -> Report:
    """Validate documents with the validator used for uploads."""
    raw = raw_table(layer, list(docs), None if wkts is None else list(wkts))
    offset = None if is_polygon_layer(layer) else 1
    return validate_layer(layer, raw, file=file, context=context, line_offset=offset)


def dumps(doc: Mapping[str, Any] | None) -> str | None:
    """A document as JSON text: fields in schema order, Chinese as written."""
    return None if doc is None else json.dumps(doc, ensure_ascii=False, allow_nan=False)


def loads(text: str | None) -> Doc | None:
    return None if text is None else dict(json.loads(text))


def full(layer: str, doc: Mapping[str, Any] | None, wkt: str | None = None) -> Doc | None:
    """A document with the polygon's WKT under ``geometry`` (polygon layers)."""
    if doc is None:
        return None
    out = dict(doc)
    if is_polygon_layer(layer):
        out[GEOMETRY] = wkt
    return out
