"""The files of a batch coverage run (``python -m geo coverage-batch``): reading and
validating the three GeoParquet inputs, and writing the result with its run metadata.

Inputs (GeoParquet; any CRS that converts to WGS-84, a file without one is read as
WGS-84 when its coordinates are degrees, as ``geo validate`` does):

``units``       Polygon / MultiPolygon; ``code`` (unique, non-empty) and a name column
                (``name``, or ``name_zh`` / ``name_en``); optional numeric ``pop_60plus``,
                ``pop_total`` (used when no population file is given).
``points``      Point; optional ``id`` and ``unit_code`` (or ``subdistrict_code``): a code
                that names a unit puts the point there, otherwise its position decides.
``population``  Points, or cell polygons (their centroids), with numeric ``pop_60plus``
                and/or ``pop_total`` (finite, >= 0).

Problems are :class:`geo.data.validate.Issue` s with file, row (1-based) and column, the
texts in the translation table; at most :data:`MAX_ISSUES_PER_KIND` of one kind per file
are listed.  A file with an error is not used, and nothing is written.

Output: one row per unit and radius (units in input order, then the radii as given):
``code``, ``name``, ``radius_m``, ``mode``, ``r_eff_m``, ``cell_m``, ``crs``, ``n_cells``,
then the coverage page's metrics with the page's names and units, and the unit's polygon
(WGS-84) so that GIS software opens it; the run's metadata (engine, partitions and their
zones, parameters, the inputs' SHA-256, the version) is JSON under the Parquet key
:data:`METADATA_KEY`.  The file is written to a temporary name and renamed.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import math
import os
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from importlib import metadata as md
from pathlib import Path
from typing import Any, cast

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import shapely
from pyproj import CRS

from geo.core import batch as bt
from geo.core.coverage import POP_COLUMNS
from geo.core.distance import WGS84
from geo.data.validate import Issue
from geo.i18n import t

__all__ = [
    "FORMAT_VERSION",
    "MAX_ISSUES_PER_KIND",
    "METADATA_KEY",
    "NAME_COLUMNS",
    "POINT_CODE_COLUMNS",
    "InputReport",
    "app_version",
    "output_frame",
    "read_metadata",
    "read_points",
    "read_population",
    "read_units",
    "run_metadata",
    "sha256",
    "write_output",
]

#: Parquet key-value metadata key of the run's metadata (JSON).
METADATA_KEY = "jinpu:coverage_batch"
#: Version of the output's layout and metadata.
FORMAT_VERSION = 1
#: Unit name columns, in preference order.
NAME_COLUMNS = ("name", "name_zh", "name_en")
#: Columns of a meal point naming its unit, in preference order.
POINT_CODE_COLUMNS = ("unit_code", "subdistrict_code")
#: Issues of one kind listed per file; the rest are counted in one line.
MAX_ISSUES_PER_KIND = 20

_POLYGONS = ("Polygon", "MultiPolygon")


@dataclass
class InputReport:
    """One input file: its issues and, when it has no error, its frame in WGS-84."""

    kind: str  # units | points | population
    file: str
    issues: list[Issue] = field(default_factory=list)
    data: gpd.GeoDataFrame | None = None
    sha256: str = ""
    n_errors: int = 0  # all of them, listed or not

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.level == "error"]

    @property
    def ok(self) -> bool:
        return self.data is not None and not self.errors

    def lines(self, lang: str = "en") -> list[str]:
        """A summary line, then one line per issue (file, row, column, what is wrong)."""
        kind = t(f"bt.kind.{self.kind}", lang)
        if self.ok and self.data is not None:
            head = t("bt.file_ok", lang, kind=kind, file=self.file, n=len(self.data))
        else:
            head = t("bt.file_failed", lang, kind=kind, file=self.file, n=self.n_errors)
        return [head] + [i.text(lang) for i in self.issues]


class _Issues:
    """Collects a file's issues, listing at most MAX_ISSUES_PER_KIND of each key."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.issues: list[Issue] = []
        self._seen: Counter[str] = Counter()
        self.n_errors = 0

    def add(self, level: str, key: str, row: int | None = None, column: str | None = None, **params: Any) -> None:
        self._seen[key] += 1
        self.n_errors += level == "error"
        if self._seen[key] <= MAX_ISSUES_PER_KIND:
            self.issues.append(Issue(level, key, params, row, column, self.file, None))

    def error(self, key: str, row: int | None = None, column: str | None = None, **params: Any) -> None:
        self.add("error", key, row, column, **params)

    def warn(self, key: str, row: int | None = None, column: str | None = None, **params: Any) -> None:
        self.add("warning", key, row, column, **params)

    def note(self, key: str, **params: Any) -> None:
        self.issues.append(Issue("note", key, params, file=self.file, line_offset=None))

    def close(self) -> list[Issue]:
        """The issues, with one line per kind that had more than were listed."""
        out = list(self.issues)
        for key, n in self._seen.items():
            if n > MAX_ISSUES_PER_KIND:
                level = next(i.level for i in self.issues if i.key == key)
                out.append(Issue(level, "bt.more", {"n": n - MAX_ISSUES_PER_KIND}, file=self.file, line_offset=None))
        return out

    @property
    def failed(self) -> bool:
        return any(i.level == "error" for i in self.issues)


def sha256(path: str | Path) -> str:
    """SHA-256 of a file's bytes (hex)."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _bounds_text(b: np.ndarray) -> str:
    return ", ".join(f"{v:.6g}" for v in b)


def _read(path: str | Path, kind: str) -> tuple[InputReport, _Issues, gpd.GeoDataFrame | None]:
    """The file as a GeoDataFrame in WGS-84, or None with the file-level issue."""
    p = Path(path)
    report = InputReport(kind, p.name)
    ck = _Issues(p.name)
    if not p.is_file():
        ck.error("v.file_not_found", path=p.name)
        return report, ck, None
    try:
        schema_meta = pq.read_schema(p).metadata or {}
    except Exception:
        ck.error("v.not_format", format="GeoParquet")
        return report, ck, None
    if b"geo" not in schema_meta:
        ck.error("bt.not_geoparquet")
        return report, ck, None
    try:
        gdf = gpd.read_parquet(p)
    except Exception:
        ck.error("v.not_format", format="GeoParquet")
        return report, ck, None
    report.sha256 = sha256(p)
    if len(gdf) == 0:
        ck.error("v.no_rows")
        return report, ck, None
    return report, ck, _to_wgs84(gdf, ck)


def _to_wgs84(gdf: gpd.GeoDataFrame, ck: _Issues) -> gpd.GeoDataFrame | None:
    """The frame in EPSG:4326 (a CRS-less file in degrees is taken as WGS-84, with a note)."""
    geom = np.asarray(gdf.geometry.values)
    present = ~(shapely.is_missing(geom) | shapely.is_empty(geom))
    b = shapely.total_bounds(geom[present]) if present.any() else np.zeros(4)
    in_degrees = bool(np.all(np.isfinite(b)) and -180 <= b[0] <= b[2] <= 180 and -90 <= b[1] <= b[3] <= 90)
    if gdf.crs is None:
        if in_degrees:
            ck.note("v.crs_assumed")
            return gdf.set_crs(WGS84)
        ck.error("v.crs_unknown", bounds=_bounds_text(b))
        return None
    crs = CRS.from_user_input(gdf.crs)
    if crs.equals(CRS.from_epsg(4326)) or crs.equals(CRS.from_user_input("OGC:CRS84")):
        out = gdf.set_crs(WGS84, allow_override=True)
    else:
        try:
            out = gdf.to_crs(WGS84)
        except Exception:
            ck.error("v.crs_unusable", crs=str(crs.name))
            return None
        ck.note("v.crs_reprojected", crs=crs.to_string() if crs.to_epsg() is None else f"EPSG:{crs.to_epsg()}")
    bounds = out.geometry.bounds.to_numpy()
    bad = ~np.isfinite(bounds).all(axis=1) | (bounds[:, 0] < -180) | (bounds[:, 2] > 180)
    bad |= (bounds[:, 1] < -90) | (bounds[:, 3] > 90)
    bad &= present
    for row in np.flatnonzero(bad).tolist():
        ck.error("bt.not_degrees", row + 1, "geometry", bounds=_bounds_text(bounds[row]))
    return None if bad.any() else out


def _geometry_rows(gdf: gpd.GeoDataFrame, ck: _Issues, allowed: tuple[str, ...], want: str) -> None:
    """Each geometry present, not empty, of an allowed type and valid (polygons)."""
    for row, g in enumerate(gdf.geometry, start=1):
        if g is None:
            ck.error("v.geom_missing", row, "geometry")
        elif g.is_empty:
            ck.error("v.geom_empty", row, "geometry")
        elif g.geom_type not in allowed:
            ck.error("v.geom_type", row, "geometry", gtype=g.geom_type, want=want)
        elif g.geom_type in _POLYGONS and not g.is_valid:
            ck.error("v.geom_invalid", row, "geometry", reason=shapely.is_valid_reason(g))


def _text(v: object) -> str | None:
    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return None
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    s = str(v).strip()
    return s or None


def _weights(gdf: gpd.GeoDataFrame, ck: _Issues, columns: tuple[str, ...], required: bool) -> None:
    """Numeric, finite, >= 0 cells in each of ``columns`` present; an empty cell is an
    error where ``required``, unknown (NaN) otherwise."""
    for col in columns:
        if col not in gdf.columns:
            continue
        for row, v in enumerate(gdf[col].tolist(), start=1):
            s = _text(v)
            if s is None:
                if required:
                    ck.error("bt.bad_weight", row, col, value="")
                continue
            num = pd.to_numeric(s, errors="coerce")
            if pd.isna(num) or not math.isfinite(float(num)) or float(num) < 0:
                ck.error("bt.bad_weight", row, col, value=s)


def _finish(report: InputReport, ck: _Issues, gdf: gpd.GeoDataFrame | None) -> InputReport:
    report.issues = ck.close()
    report.n_errors = ck.n_errors
    report.data = None if ck.failed else gdf
    return report


def read_units(path: str | Path) -> InputReport:
    """The units file, checked: polygons, a unique non-empty ``code``, a name column
    (empty names are warnings), numeric ``pop_60plus`` / ``pop_total`` where given.
    The frame keeps ``code`` (text), ``name`` and the population columns."""
    report, ck, gdf = _read(path, "units")
    if gdf is None:
        return _finish(report, ck, None)
    if "code" not in gdf.columns:
        ck.error("v.missing_column", column="code")
    name_col = next((c for c in NAME_COLUMNS if c in gdf.columns), None)
    if name_col is None:
        ck.error("bt.missing_name", column="name")
    _geometry_rows(gdf, ck, _POLYGONS, "Polygon / MultiPolygon")
    if "code" in gdf.columns:
        first: dict[str, int] = {}
        for row, v in enumerate(gdf["code"].tolist(), start=1):
            code = _text(v)
            if code is None:
                ck.error("bt.empty_code", row, "code")
            elif code in first:
                ck.error("bt.duplicate_code", row, "code", code=code, other=first[code])
            else:
                first[code] = row
    if name_col is not None:
        for row, v in enumerate(gdf[name_col].tolist(), start=1):
            if _text(v) is None:
                ck.warn("bt.empty_name", row, name_col)
    _weights(gdf, ck, POP_COLUMNS, required=False)
    if ck.failed:
        return _finish(report, ck, None)
    cols: dict[str, Any] = {
        "code": [cast(str, _text(v)) for v in gdf["code"].tolist()],
        "name": [_text(v) or "" for v in gdf[cast(str, name_col)].tolist()],
    }
    for col in POP_COLUMNS:
        if col in gdf.columns:
            cols[col] = pd.to_numeric(gdf[col], errors="coerce").to_numpy(dtype=float)
    return _finish(report, ck, gpd.GeoDataFrame(cols, geometry=gdf.geometry.values, crs=WGS84))


def read_points(path: str | Path, unit_codes: set[str] | None = None) -> InputReport:
    """The meal points file, checked: points; duplicate ``id`` s and unit codes that name
    no unit in ``unit_codes`` are warnings (such a point is counted where it lies).
    The frame keeps ``id`` and ``unit_code`` (text or None)."""
    report, ck, gdf = _read(path, "points")
    if gdf is None:
        return _finish(report, ck, None)
    _geometry_rows(gdf, ck, ("Point",), "Point")
    if "id" in gdf.columns:
        first: dict[str, int] = {}
        for row, v in enumerate(gdf["id"].tolist(), start=1):
            pid = _text(v)
            if pid is not None and pid in first:
                ck.warn("bt.duplicate_id", row, "id", id=pid, other=first[pid])
            elif pid is not None:
                first[pid] = row
    code_col = next((c for c in POINT_CODE_COLUMNS if c in gdf.columns), None)
    codes: list[str | None] = [None] * len(gdf)
    if code_col is not None:
        codes = [_text(v) for v in gdf[code_col].tolist()]
        if unit_codes is not None:
            for row, c in enumerate(codes, start=1):
                if c is not None and c not in unit_codes:
                    ck.warn("bt.unknown_unit_code", row, code_col, value=c)
    if ck.failed:
        return _finish(report, ck, None)
    ids = [_text(v) for v in gdf["id"].tolist()] if "id" in gdf.columns else [str(i + 1) for i in range(len(gdf))]
    out = gpd.GeoDataFrame({"id": ids, "unit_code": codes}, geometry=gdf.geometry.values, crs=WGS84)
    return _finish(report, ck, out)


def read_population(path: str | Path) -> InputReport:
    """The population file, checked: points or cell polygons (one kind), ``pop_60plus``
    and/or ``pop_total`` in every row, finite and >= 0."""
    report, ck, gdf = _read(path, "population")
    if gdf is None:
        return _finish(report, ck, None)
    kinds = {("polygon" if g.geom_type in _POLYGONS else g.geom_type) for g in gdf.geometry if g is not None}
    if {"Point", "polygon"} <= kinds:
        ck.error("v.geom_mixed", None, "geometry", types="Point, Polygon")
    _geometry_rows(gdf, ck, ("Point", *_POLYGONS), "Point / Polygon")
    cols = [c for c in POP_COLUMNS if c in gdf.columns]
    if not cols:
        ck.error("bt.missing_weight", column=" / ".join(POP_COLUMNS))
    _weights(gdf, ck, tuple(cols), required=True)
    if ck.failed:
        return _finish(report, ck, None)
    out = gpd.GeoDataFrame(
        {c: pd.to_numeric(gdf[c], errors="coerce").to_numpy(dtype=float) for c in cols},
        geometry=gdf.geometry.values,
        crs=WGS84,
    )
    return _finish(report, ck, out)


# ---------------------------------------------------------------- output


def app_version() -> str:
    """The project's version (its pyproject.toml, or the installed distribution)."""
    pyproject = Path(__file__).resolve().parents[2] / "pyproject.toml"
    try:
        return str(tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["version"])
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        pass
    try:
        return md.version("jinpu-livelihood-map")
    except md.PackageNotFoundError:
        return "unknown"


def output_frame(result: bt.BatchResult, units: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The rows to write: ``code``, ``name``, ``radius_m``, ``mode``, ``r_eff_m``,
    ``cell_m``, ``crs``, the metric columns, and the unit's polygon (WGS-84)."""
    m = result.metrics
    pos = m["unit"].to_numpy()
    names = units["name"].to_numpy(dtype=object)[pos] if "name" in units.columns else np.full(len(m), "")
    out = pd.DataFrame(
        {
            "code": m["code"].astype(str).to_numpy(),
            "name": names.astype(str),
            "radius_m": m["radius_m"].astype(float).to_numpy(),
            "mode": m["mode"].astype(str).to_numpy(),
            "r_eff_m": m["r_eff_m"].astype(float).to_numpy(),
            "cell_m": m["cell_m"].astype(float).to_numpy(),
            "crs": m["crs"].astype(str).to_numpy(),
        }
    )
    for col in bt.METRIC_COLUMNS:
        out[col] = m[col].to_numpy()
    return gpd.GeoDataFrame(out, geometry=np.asarray(units.geometry.values)[pos], crs=WGS84)


def _population_note(result: bt.BatchResult) -> str:
    if result.population_source == "none":
        return t("bt.population.none", "en")
    return t(f"bt.population.{result.population_source}", "en", basis=result.population_basis or "")


def run_metadata(
    result: bt.BatchResult,
    params: bt.BatchParams,
    inputs: dict[str, InputReport | None],
) -> dict[str, Any]:
    """The run's metadata: what was computed, how, from which files (SHA-256)."""
    return {
        "format": FORMAT_VERSION,
        "version": app_version(),
        "created_utc": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "engine": result.engine,
        "workers": result.workers,
        "seconds": round(result.seconds, 3),
        "params": {
            "radii_m": [float(r) for r in params.radii_m],
            "mode": params.mode,
            "r_eff_m": list(params.r_eff),
            "cell_m": float(params.cell_m),
            "quad_segs": params.quad_segs,
            "block_cells": params.block_cells,
        },
        "partitioning": "zone, then Hilbert distance of the representative point (level 16), then input row; "
        "cut at equal estimated cell counts",
        "crs_rule": "each unit in the UTM zone of its representative point (EPSG 326zz north, 327zz south)",
        "halo_rule": "points in the block's box grown by H, H from the largest effective radius, widened to "
        "max(2H, largest unsettled distance) until every cell's nearest distance is <= H or all points are seen",
        "partitions": [
            {
                "index": p.index,
                "units": p.n_units,
                "zones": [f"EPSG:{z}" for z in p.zones],
                "blocks": p.n_blocks,
                "cells": p.n_cells,
                "halo_max_m": round(p.halo_max_m, 3),
                "seconds": round(p.seconds, 3),
                "peak_rss_mb": None if math.isnan(p.peak_rss_mb) else round(p.peak_rss_mb, 1),
                "worker": p.worker,
            }
            for p in result.partitions
        ],
        "population": {
            "source": result.population_source,
            "basis": result.population_basis,
            "note": _population_note(result),
        },
        "inputs": {
            kind: None
            if rep is None
            else {"file": rep.file, "sha256": rep.sha256, "rows": 0 if rep.data is None else len(rep.data)}
            for kind, rep in inputs.items()
        },
    }


def write_output(frame: gpd.GeoDataFrame, path: str | Path, meta: dict[str, Any]) -> None:
    """Write ``frame`` as GeoParquet with ``meta`` (JSON) under :data:`METADATA_KEY`:
    to a temporary file beside ``path``, then renamed (no half-written result)."""
    p = Path(path)
    buf = io.BytesIO()
    frame.to_parquet(buf, index=False)
    buf.seek(0)
    table = pq.read_table(buf)
    kv = dict(table.schema.metadata or {})
    kv[METADATA_KEY.encode()] = json.dumps(meta, ensure_ascii=False).encode()
    tmp = p.with_name(f".{p.name}.{os.getpid()}.tmp")
    try:
        pq.write_table(table.replace_schema_metadata(kv), tmp)
        os.replace(tmp, p)
    finally:
        if tmp.exists():
            tmp.unlink()


def read_metadata(path: str | Path) -> dict[str, Any]:
    """The run metadata of an output file."""
    kv = pq.read_schema(path).metadata or {}
    return cast(dict[str, Any], json.loads(kv[METADATA_KEY.encode()]))
