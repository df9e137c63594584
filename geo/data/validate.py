"""Validation of the three layers, for the bundled data and for users' files alike.

``validate_layer`` takes a raw table (a DataFrame of text cells read from a CSV, or
a GeoDataFrame read from a spatial file) and returns a :class:`Report`: either a
typed GeoDataFrame in EPSG:4326, or a list of specific issues (file, row, column,
what is wrong, what was expected). Nothing is changed when there is an error.

Column types, allowed values, ranges, empty cells and duplicate ids are checked by
a pandera schema generated from :mod:`geo.data.schema`; the checks that need geometry
or other layers (codes, containment, swapped coordinates, polygons) follow it. Text
fields with a syntax are parsed cell by cell: opening hours (OSM ``opening_hours``,
geo/core/hours.py), price tiers ("8/10/12") and community codes (the NBS 2023 list of
金州区's communities, each in its point's subdistrict).
"""

from __future__ import annotations

import datetime
import difflib
import math
import re
from dataclasses import dataclass, field
from typing import Any, cast

import geopandas as gpd
import numpy as np
import pandas as pd
import pandera.pandas as pa
import shapely
from numpy.typing import NDArray
from pandas.api.extensions import ExtensionArray
from pyproj import CRS

from geo.core.distance import METRIC_CRS, haversine_m
from geo.core.hours import HoursError
from geo.core.hours import parse as parse_hours
from geo.data import facts
from geo.data.csvsafe import FORMULA_START, unneutralise
from geo.data.hours import parse_tiers, tiers_text
from geo.data.schema import LAYERS, Field, Layer
from geo.i18n import t

OUTSIDE_DISTRICT_TOLERANCE_KM = 1.0  # piers, coastline simplification
OFFICIAL_SUBDISTRICT_TOLERANCE_KM = 0.1
DEFAULT_SCHEMATIC_TOLERANCE_KM = 2.0
HTML_RE = re.compile(r"<\s*/?\s*[a-zA-Z!]|javascript:|\$\{|`", re.IGNORECASE)
CODE_RE = re.compile(r"^\d{12}$")
COORD_FIELDS = ("lat", "lon", "seat_lat", "seat_lon")
YES = {"yes", "y", "true", "1", "是", "有"}
NO = {"no", "n", "false", "0", "否", "无"}

#: A data row number as the checks produce it (a Python or a NumPy integer).
RowNumber = int | np.integer[Any]
#: A parsed cell: text, a number or empty.
Cell = str | int | float | None


@dataclass
class Issue:
    level: str  # error | warning | note
    key: str
    params: dict[str, Any] = field(default_factory=dict)  # the message's placeholders: any value
    row: int | None = None  # 1-based data row
    column: str | None = None
    file: str = ""
    line_offset: int | None = 1  # file line = row + offset (CSV header); None: no lines
    expected: str | None = None

    def message(self, lang: str = "en") -> str:
        msg = t(self.key, lang, **{"column": self.column or "", **self.params})
        if self.params.get("suggestion"):
            msg += t("v.unknown_column.hint", lang, suggestion=self.params["suggestion"])
        return msg

    def text(self, lang: str = "en") -> str:
        parts = []
        if self.file:
            parts.append(self.file)
        if self.row is not None:
            where = t("v.where.row", lang, row=self.row)
            if self.line_offset is not None:
                where += t("v.where.line", lang, line=self.row + self.line_offset)
            parts.append(where)
        if self.column:
            parts.append(t("v.where.column", lang, column=self.column))
        msg = self.message(lang)
        if self.expected:
            msg += (
                "; " + t("v.expected", lang, expected=self.expected)
                if lang == "en"
                else "；" + t("v.expected", lang, expected=self.expected)
            )
        head = ", ".join(parts) if lang == "en" else "，".join(parts)
        label = t(f"v.level.{self.level}", lang)
        colon = "：" if lang == "zh" else ": "
        return f"[{label}] {head}{colon}{msg}" if head else f"[{label}] {msg}"

    def as_dict(self, lang: str = "en") -> dict[str, str | int | None]:
        return {
            "level": self.level,
            "file": self.file,
            "row": self.row,
            "column": self.column,
            "line": None if self.row is None or self.line_offset is None else self.row + self.line_offset,
            "message": self.message(lang),
            "expected": self.expected or "",
        }


@dataclass
class Report:
    layer: str
    file: str
    issues: list[Issue]
    data: gpd.GeoDataFrame | None = None

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.level == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.level != "error"]

    @property
    def ok(self) -> bool:
        return not self.errors and self.data is not None

    def summary(self, lang: str = "en") -> str:
        title = LAYERS[self.layer].title("en" if lang == "en" else "zh")
        if self.ok and self.data is not None:
            return t("v.ok", lang, layer=title, n=len(self.data))
        return t("v.failed", lang, layer=title, n=len(self.errors))

    def lines(self, lang: str = "en") -> list[str]:
        return [self.summary(lang)] + [i.text(lang) for i in self.issues]

    def table(self, lang: str = "en") -> pd.DataFrame:
        return pd.DataFrame(
            [i.as_dict(lang) for i in self.issues],
            columns=["level", "file", "row", "line", "column", "message", "expected"],
        )


@dataclass
class Context:
    """What a layer is checked against: the subdistricts in use (bundled or uploaded)."""

    subdistricts: gpd.GeoDataFrame | None = None

    @property
    def codes(self) -> tuple[str, ...]:
        if self.subdistricts is not None:
            return tuple(self.subdistricts["code"])
        return facts.SUBDISTRICT_CODES

    def names(self) -> dict[str, str]:
        if self.subdistricts is not None:
            return dict(zip(self.subdistricts["code"], self.subdistricts["name_zh"]))
        return {s.code: s.name_zh for s in facts.SEATS}


def _expected(f: Field) -> str:
    if f.syntax:
        return f.type_label
    if f.kind == "enum":
        return " | ".join(f.allowed)
    if f.kind in ("int", "float") and f.min is not None:
        unit_en = f.unit_text("en")
        unit = f" {unit_en}" if unit_en else ""
        return f"{f.type_label} {f.min:,.10g}–{f.max:,.10g}{unit}"
    return f.type_label


def _fmt(v: object) -> str:
    if isinstance(v, float):
        return f"{v:g}" if abs(v) < 1e6 else f"{v:.0f}"
    return str(v)


class _Checker:
    """Collects the issues of one file, in the order the checks find them."""

    def __init__(self, layer: Layer, file: str, line_offset: int | None):
        self.layer = layer
        self.file = file
        self.line_offset = line_offset
        self.issues: list[Issue] = []

    def add(
        self,
        level: str,
        key: str,
        row: RowNumber | None = None,
        column: str | None = None,
        expected: str | None = None,
        **params: Any,
    ) -> None:
        self.issues.append(
            Issue(level, key, params, None if row is None else int(row), column, self.file, self.line_offset, expected)
        )

    def error(
        self,
        key: str,
        row: RowNumber | None = None,
        column: str | None = None,
        expected: str | None = None,
        **params: Any,
    ) -> None:
        self.add("error", key, row, column, expected, **params)

    def warn(
        self,
        key: str,
        row: RowNumber | None = None,
        column: str | None = None,
        expected: str | None = None,
        **params: Any,
    ) -> None:
        self.add("warning", key, row, column, expected, **params)

    def note(self, key: str, **params: Any) -> None:
        """A note about the whole file (no row, no lines)."""
        self.issues.append(Issue("note", key, params, file=self.file, line_offset=None))

    @property
    def failed(self) -> bool:
        return any(i.level == "error" for i in self.issues)


# ---------------------------------------------------------------- columns


def _normalise_columns(df: pd.DataFrame, layer: Layer) -> pd.DataFrame:
    """Strip headers; map Shapefile's 10-character truncations back to full names."""
    rename = {}
    names = set(layer.names)
    for col in df.columns:
        if col == "geometry":
            continue
        c = str(col).strip().lstrip("\ufeff")
        if c not in names:
            full = [n for n in layer.names if len(n) > 10 and n[:10] == c]
            if len(full) == 1 and full[0] not in df.columns:
                c = full[0]
        rename[col] = c
    return df.rename(columns=rename)


def _by_description(col: str, layer: Layer) -> list[str]:
    """A Chinese or English header that names a field by its description (e.g. 纬度 → lat)."""
    c = col.strip().lower()
    if len(c) < 2:
        return []
    zh = {f.name: layer.description(f.name, "zh").split("（")[0].lower() for f in layer.fields}
    en = {f.name: layer.description(f.name, "en").split(" (")[0].lower() for f in layer.fields}
    exact = [f.name for f in layer.fields if c in (zh[f.name], en[f.name])]
    if len(exact) == 1:
        return exact
    hits = [f.name for f in layer.fields if c in zh[f.name]]
    return hits[:1] if len(hits) == 1 else []


def _check_columns(df: pd.DataFrame, ck: _Checker) -> None:
    layer = ck.layer
    cols = [c for c in df.columns if c != "geometry"]
    seen = set()
    for c in cols:
        if c in seen:
            ck.error("v.duplicate_column", column=c)
        seen.add(c)
    point_from_geometry = layer.geometry == "point" and "geometry" in df.columns
    for name in layer.required_names:
        if name not in seen:
            if point_from_geometry and name in ("lat", "lon"):
                continue
            ck.error("v.missing_column", column=name, expected=_expected(layer.field(name)))
    for c in cols:
        if c not in layer.names:
            close = difflib.get_close_matches(c, layer.names, n=1, cutoff=0.6) or _by_description(c, layer)
            if close:
                ck.error("v.unknown_column", column=c, suggestion=close[0])
            else:
                ck.error("v.unknown_column", column=c)


# ---------------------------------------------------------------- cells


def _blank(v: object) -> bool:
    if v is None:
        return True
    if isinstance(v, float) and math.isnan(v):
        return True
    if v is pd.NA or v is pd.NaT:
        return True
    return isinstance(v, str) and v.strip() == ""


def _text(v: object) -> str | None:
    if _blank(v):
        return None
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def _number(v: object) -> float:
    """A cell as a number: NaN when it is empty or not a number."""
    s = _text(v)
    return math.nan if s is None else pd.to_numeric(s, errors="coerce")


def _parse_number(s: str, f: Field, row: int, ck: _Checker) -> int | float | None:
    """A number (``1,000`` and ``1,000.5`` allowed); an integer field takes whole numbers only."""
    num = pd.to_numeric(s.replace(",", "") if re.fullmatch(r"[\d,]+(\.\d+)?", s) else s, errors="coerce")
    if pd.isna(num) or not np.isfinite(num):
        ck.error("v.not_number", row, f.name, _expected(f), value=s)
        return None
    if f.kind == "int":
        if float(num) != int(num):
            ck.error("v.not_integer", row, f.name, _expected(f), value=s)
            return None
        return int(num)
    return float(num)


def _parse_code(s: str, f: Field, row: int, ck: _Checker, known: set[str]) -> str | None:
    """One 12-digit NBS code (a spreadsheet's ``….0`` dropped), of a subdistrict in use
    (the subdistricts layer itself defines its codes)."""
    code = s[:-2] if s.endswith(".0") else s
    if not CODE_RE.match(code):
        ck.error("v.bad_code", row, f.name, _expected(f), value=s)
        return None
    if ck.layer.key != "subdistricts" and code not in known:
        ck.error("v.unknown_code", row, f.name, value=code)
        return None
    return code


def _parse_codes(s: str, f: Field, row: int, ck: _Checker, known: set[str]) -> str | None:
    """NBS codes separated by ``;`` (or ``；`` ``,`` ``，``): each one well-formed and of a
    subdistrict in use. The good ones are kept, joined by ``;``."""
    codes = [c.strip() for c in re.split(r"[;；,，]", s) if c.strip()]
    good = []
    for c in codes:
        c = c[:-2] if c.endswith(".0") else c
        if not CODE_RE.match(c):
            ck.error("v.bad_code", row, f.name, _expected(f), value=c)
        elif c not in known:
            ck.error("v.unknown_code", row, f.name, value=c)
        else:
            good.append(c)
    return ";".join(good) if good else None


def _parse_date(s: str, raw: object, f: Field, row: int, ck: _Checker) -> str | None:
    """A date as ``YYYY-MM-DD``: a date cell of a GeoPackage or GeoJSON (without a time
    of day) as it is, a text cell only in exactly that form."""
    if isinstance(raw, (pd.Timestamp, datetime.date)) and not (
        isinstance(raw, datetime.datetime) and raw.time() != datetime.time(0)
    ):
        return raw.strftime("%Y-%m-%d")
    try:
        d = pd.Timestamp(s)
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", s):
            raise ValueError
        return d.strftime("%Y-%m-%d")
    except (ValueError, TypeError):
        ck.error("v.bad_date", row, f.name, _expected(f), value=s)
        return None


def _parse_yesno(s: str, f: Field, row: int, ck: _Checker) -> str | None:
    """``yes`` or ``no``, from any of the spellings in :data:`YES` and :data:`NO`."""
    low = s.lower()
    if low in YES:
        return "yes"
    if low in NO:
        return "no"
    ck.error("v.bad_yesno", row, f.name, "yes | no", value=s)
    return None


def _parse_hours(s: str, f: Field, row: int, ck: _Checker) -> str | None:
    """OSM ``opening_hours`` text (geo/core/hours.py), kept as written."""
    try:
        parse_hours(s)
    except HoursError as exc:
        ck.error(exc.key, row, f.name, _expected(f), value=s, position=exc.position, near=exc.near)
        return None
    return s


def _parse_tiers(s: str, f: Field, row: int, ck: _Checker) -> str | None:
    """Prices in yuan separated by ``/`` ("8/10/12"), stored in that form."""
    prices = parse_tiers(s)
    if prices is None:
        ck.error("v.bad_price_tiers", row, f.name, _expected(f), value=s)
        return None
    return tiers_text(prices)


def _parse_community(s: str, f: Field, row: int, ck: _Checker) -> str | None:
    """A 12-digit NBS 2023 code of one of 金州区's communities and villages (whether it lies
    in the point's subdistrict is checked with the whole row: :func:`_check_communities`)."""
    code = s[:-2] if s.endswith(".0") else s
    if not CODE_RE.match(code):
        ck.error("v.bad_code", row, f.name, _expected(f), value=s)
        return None
    if code not in facts.communities():
        ck.error("v.unknown_community", row, f.name, None, value=code, n=len(facts.communities()))
        return None
    return code


def _parse_syntax(s: str, f: Field, row: int, ck: _Checker) -> str | None:
    """A text cell of a field with a syntax (an exported "'..." cell comes back as "...")."""
    s = unneutralise(s)
    if f.syntax == "opening_hours":
        return _parse_hours(s, f, row, ck)
    if f.syntax == "price_tiers":
        return _parse_tiers(s, f, row, ck)
    if f.syntax == "community_code":
        return _parse_community(s, f, row, ck)
    raise ValueError(f"unknown syntax {f.syntax!r} of field {f.name!r}")


def _parse_cell(raw: object, s: str, f: Field, row: int, ck: _Checker, known: set[str]) -> Cell:
    """One non-empty cell (``s`` is its stripped text) parsed by the field's kind."""
    if f.syntax:
        return _parse_syntax(s, f, row, ck)
    if f.kind in ("int", "float"):
        return _parse_number(s, f, row, ck)
    if f.kind == "code":
        return _parse_code(s, f, row, ck, known)
    if f.kind == "codes":
        return _parse_codes(s, f, row, ck, known)
    if f.kind == "date":
        return _parse_date(s, raw, f, row, ck)
    if f.kind == "yesno":
        return _parse_yesno(s, f, row, ck)
    return unneutralise(s)  # str, enum: an exported "'=..." cell comes back as "=..."


def _parse_column(series: pd.Series[Any], f: Field, ck: _Checker, ctx: Context) -> pd.Series[Any] | ExtensionArray:
    """Parse one column of raw cells into its type, reporting each bad cell.

    The column's index is a RangeIndex (the caller resets it), so data row = position + 1.
    """
    out: list[Cell] = []
    known = set(ctx.codes)
    for row, raw in enumerate(series, start=1):
        s = _text(raw)
        out.append(None if s is None else _parse_cell(raw, s, f, row, ck, known))
    if f.kind == "int":  # _parse_number gave int or None
        return pd.array(cast("list[int | None]", out), dtype="Int64")
    if f.kind == "float":  # _parse_number gave float or None
        return pd.array([np.nan if v is None else v for v in cast("list[float | None]", out)], dtype="float64")
    return pd.Series(out, index=series.index, dtype="object")


def _pandera_schema(layer: Layer, skip: set[str]) -> pa.DataFrameSchema:
    cols = {}
    for f in layer.fields:
        if f.name in skip:
            continue
        checks = []
        if f.kind == "enum":
            checks.append(pa.Check.isin(list(f.allowed), name="allowed"))
        if f.kind in ("int", "float") and f.min is not None:
            checks.append(pa.Check.in_range(f.min, f.max, name="range"))
        cols[f.name] = pa.Column(
            nullable=f.nullable,
            checks=checks,
            unique=f.name == layer.id_field,
            required=False,
            coerce=False,
        )
    return pa.DataFrameSchema(cols, strict=False)


def _run_pandera(df: pd.DataFrame, layer: Layer, ck: _Checker, skip_cells: set[tuple[int, str | None]]) -> None:
    schema = _pandera_schema(layer, skip=set())
    try:
        schema.validate(df, lazy=True)
        return
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
    id_rows: dict[str, list[int]] = {}
    if layer.id_field in df.columns:
        for row, v in enumerate(df[layer.id_field], start=1):  # a RangeIndex: row = position + 1
            if v is not None and not _blank(v):
                id_rows.setdefault(v, []).append(row)
    for case in cases.to_dict("records"):
        col = case.get("column")
        idx = case.get("index")
        if col is None or idx is None or (isinstance(idx, float) and math.isnan(idx)):
            continue
        row = int(idx) + 1
        if (row, col) in skip_cells:
            continue
        f = layer.field(col)
        check = str(case.get("check"))
        val = case.get("failure_case")
        if "nullable" in check or "null" in check:
            ck.error("v.required_value", row, col, _expected(f))
        elif "uniqueness" in check or "unique" in check:
            rows = id_rows.get(val, [])
            others = [r for r in rows if r != row]
            if others and row != rows[0]:
                ck.error("v.duplicate_id", row, col, value=val, other=others[0])
        elif check == "allowed" or check.startswith("isin"):
            ck.error("v.not_allowed", row, col, _expected(f), value=val)
        elif (check == "range" or check.startswith("in_range")) and f.name in COORD_FIELDS and abs(float(val)) > 1000:
            ck.error("v.coord_metres", row, col, _expected(f), value=_fmt(val))
        elif check == "range" or check.startswith("in_range"):
            ck.error("v.out_of_range", row, col, None, value=_fmt(val), min=_fmt(f.min), max=_fmt(f.max))


def _text_warnings(df: pd.DataFrame, layer: Layer, ck: _Checker) -> None:
    for f in layer.fields:
        if f.kind != "str" or f.name not in df.columns:
            continue
        for row, v in enumerate(df[f.name], start=1):  # a RangeIndex: row = position + 1
            if not isinstance(v, str):
                continue
            if HTML_RE.search(v):
                ck.warn("v.html_in_text", row, f.name)
            if v[:1] in FORMULA_START:
                ck.warn("v.formula_like", row, f.name, char=v[0])


# ---------------------------------------------------------------- geometry


def _in_bounds(lon: float, lat: float, pad: float = 0.3) -> bool:
    minx, miny, maxx, maxy = facts.DISTRICT_BOUNDS
    return (minx - pad) <= lon <= (maxx + pad) and (miny - pad) <= lat <= (maxy + pad)


def _handle_crs(gdf: gpd.GeoDataFrame, ck: _Checker) -> gpd.GeoDataFrame | None:
    if gdf.crs is None:
        b = gdf.total_bounds if len(gdf) else np.array([0, 0, 0, 0])
        if (
            np.all(np.isfinite(b))
            and -180 <= b[0] <= 180
            and -180 <= b[2] <= 180
            and -90 <= b[1] <= 90
            and -90 <= b[3] <= 90
        ):
            ck.note("v.crs_assumed")
            return gdf.set_crs(4326)
        ck.error("v.crs_unknown", bounds=_bounds_text(b))
        return None
    crs = CRS.from_user_input(gdf.crs)
    if crs.equals(CRS.from_epsg(4326)) or crs.equals(CRS.from_user_input("OGC:CRS84")):
        return _degrees_or_error(gdf.set_crs(4326, allow_override=True), ck)
    try:
        out = gdf.to_crs(4326)
    except Exception:
        ck.error("v.crs_unusable", crs=str(crs.name))
        return None
    name = crs.to_string() if crs.to_epsg() is None else f"EPSG:{crs.to_epsg()}"
    ck.note("v.crs_reprojected", crs=name)
    return _degrees_or_error(out, ck)


def _bounds_text(b: NDArray[np.float64]) -> str:
    return ", ".join(f"{v:.6g}" for v in b)


def _degrees_or_error(gdf: gpd.GeoDataFrame, ck: _Checker) -> gpd.GeoDataFrame | None:
    """A file that says WGS-84 (GeoJSON always does) but holds metres, or a geometry
    whose x and y are swapped: say which."""
    b = gdf.total_bounds if len(gdf) and gdf.geometry.notna().any() else None
    if b is None or not np.all(np.isfinite(b)):
        return gdf
    if not (b[0] < -180 or b[2] > 180 or b[1] < -90 or b[3] > 90):
        return gdf
    minx, miny, maxx, maxy = facts.DISTRICT_BOUNDS
    area = shapely.box(minx - 0.3, miny - 0.3, maxx + 0.3, maxy + 0.3)
    metres = False
    for i, g in enumerate(gdf.geometry):
        if g is None or g.is_empty:
            continue
        x0, y0, x1, y1 = g.bounds
        if x0 >= -180 and x1 <= 180 and y0 >= -90 and y1 <= 90:
            continue
        if shapely.box(y0, x0, y1, x1).intersects(area):
            ck.error("v.geom_swapped", i + 1, "geometry")
        else:
            metres = True
    if metres:
        ck.error("v.coords_not_degrees", bounds=_bounds_text(b))
    return None


def _check_point_rows(df: pd.DataFrame, ck: _Checker, ctx: Context, code_col: str, swapped_rows: set[int]) -> None:
    """Outside the district and outside the stated subdistrict(s). Vectorised: the
    containing subdistrict of every point comes from one STRtree query."""
    if ctx.subdistricts is None:
        return
    has = df["lat"].notna() & df["lon"].notna()
    rows = [i for i in df.index[has] if (i + 1) not in swapped_rows]
    if not rows:
        return
    lats = df.loc[rows, "lat"].to_numpy(dtype=float)
    lons = df.loc[rows, "lon"].to_numpy(dtype=float)
    pts_m = np.asarray(gpd.GeoSeries(gpd.points_from_xy(lons, lats), crs=4326).to_crs(METRIC_CRS).values)
    subs = ctx.subdistricts.to_crs(METRIC_CRS).set_index("code")
    sub_codes = list(subs.index)
    sub_geoms = np.asarray(subs.geometry.values)
    district = shapely.union_all(sub_geoms)
    shapely.prepare(district)
    d_km_all = shapely.distance(district, pts_m) / 1000.0
    tree = shapely.STRtree(sub_geoms)
    p_idx, s_idx = tree.query(pts_m, predicate="intersects")
    containing: dict[int, list[str]] = {}
    for a, b in zip(p_idx, s_idx):
        containing.setdefault(int(a), []).append(sub_codes[int(b)])
    official = (ctx.subdistricts["boundary_quality"] == "official").all()
    names = ctx.names()
    code_vals = df.loc[rows, code_col].tolist()
    for k, i in enumerate(rows):
        p = pts_m[k]
        lat, lon = lats[k], lons[k]
        d_km = d_km_all[k]
        if d_km > OUTSIDE_DISTRICT_TOLERANCE_KM:
            ck.error("v.outside_district", i + 1, "lat", None, lat=_fmt(lat), lon=_fmt(lon), km=d_km)
            continue
        cell = code_vals[k]
        if not cell or (isinstance(cell, float) and math.isnan(cell)):
            continue
        codes = [c for c in str(cell).split(";") if c in subs.index]
        if not codes:
            continue
        inside = containing.get(k, [])
        if any(c in inside for c in codes):
            continue
        dists = [subs.geometry[c].distance(p) / 1000.0 for c in codes]
        best = int(np.argmin(dists))
        if dists[best] <= 1e-6:
            continue
        code = codes[best]
        actual = names.get(inside[0], inside[0]) if inside else "—"
        if official:
            tol = OFFICIAL_SUBDISTRICT_TOLERANCE_KM
        else:
            unc = subs.at[code, "seat_uncertainty_km"] if "seat_uncertainty_km" in subs.columns else None
            tol = float(unc) if unc is not None and not pd.isna(unc) else DEFAULT_SCHEMATIC_TOLERANCE_KM
        # Schematic boundaries are drawn from estimated seats: a point up to the seat's
        # uncertainty radius beyond its stated subdistrict is accepted with a warning.
        params = dict(code=code, name=names.get(code, code), km=dists[best], actual=actual, tol=tol)
        if official:
            if dists[best] > tol:
                ck.error("v.outside_subdistrict", i + 1, code_col, None, **params)
        elif dists[best] > tol:
            ck.error("v.outside_subdistrict_schematic", i + 1, code_col, None, **params)
        else:
            ck.warn("v.near_subdistrict_schematic", i + 1, code_col, None, **params)


def _swapped(df: pd.DataFrame, ck: _Checker) -> set[int]:
    lat = df["lat"].to_numpy(dtype=float)
    lon = df["lon"].to_numpy(dtype=float)
    minx, miny, maxx, maxy = facts.DISTRICT_BOUNDS
    pad = 0.3

    def inside(x: NDArray[np.float64], y: NDArray[np.float64]) -> NDArray[np.bool_]:
        return (x >= minx - pad) & (x <= maxx + pad) & (y >= miny - pad) & (y <= maxy + pad)

    with np.errstate(invalid="ignore"):
        hit = ~np.isnan(lat) & ~np.isnan(lon) & ~inside(lon, lat) & inside(lat, lon)
    rows = set()
    for k in np.flatnonzero(hit):
        ck.error("v.coord_swapped", int(k) + 1, "lat", None, lat=_fmt(float(lat[k])), lon=_fmt(float(lon[k])))
        rows.add(int(k) + 1)
    return rows


def _polygon_places(polys: gpd.GeoSeries, ck: _Checker) -> None:
    """Polygons with swapped axes or far from Jinpu (another city's boundaries)."""
    minx, miny, maxx, maxy = facts.DISTRICT_BOUNDS
    area = shapely.box(minx, miny, maxx, maxy)
    for i, g in enumerate(polys):
        if g is None:
            continue
        if g.distance(area) <= 0.05:  # ≈5 km
            continue
        b = g.bounds
        if shapely.box(b[1], b[0], b[3], b[2]).distance(area) <= 0.05:
            ck.error("v.geom_swapped", i + 1, "geometry")
        else:
            c = g.representative_point()
            ck.error("v.polygon_outside", i + 1, "geometry", None, lat=f"{c.y:.4f}", lon=f"{c.x:.4f}")


def _repair_polygon(g: shapely.Polygon | shapely.MultiPolygon, row: int, ck: _Checker) -> shapely.Geometry | None:
    """An invalid polygon repaired with ``make_valid`` (a warning), or None (an error)
    when the repair is no polygon or a self-intersecting ring loses more than 1 % of
    its outline's area: a "bowtie" has no meaningful area."""
    reason = shapely.is_valid_reason(g)
    fixed = shapely.make_valid(g)
    if fixed.geom_type == "GeometryCollection":
        fixed = shapely.union_all([p for p in shapely.get_parts(fixed) if p.geom_type in ("Polygon", "MultiPolygon")])
    # compare areas in km² using the metric CRS
    a_fixed = gpd.GeoSeries([fixed], crs=4326).to_crs(METRIC_CRS).area.iloc[0]
    outline = shapely.Polygon(g.exterior) if isinstance(g, shapely.Polygon) else g.convex_hull
    a_hull = gpd.GeoSeries([outline], crs=4326).to_crs(METRIC_CRS).area.iloc[0]
    # a self-intersecting ring ("bowtie") has no meaningful area: reject it when the
    # repaired shape loses most of its outline's extent; small slivers are repaired.
    if fixed.is_empty or fixed.geom_type not in ("Polygon", "MultiPolygon") or a_hull <= 0:
        ck.error("v.geom_invalid", row, "geometry", None, reason=reason)
        return None
    pct = abs(a_hull - a_fixed) / a_hull * 100 if g.geom_type == "Polygon" else 0.0
    if "Self-intersection" in reason and pct > 1.0:
        ck.error("v.geom_invalid", row, "geometry", None, reason=reason)
        return None
    ck.warn("v.geom_invalid_repaired", row, "geometry", None, reason=reason, pct=pct)
    return fixed


def _polygon_checks(gdf: gpd.GeoDataFrame, ck: _Checker) -> gpd.GeoSeries:
    """Each geometry present, not empty, a (Multi)Polygon and valid (or repaired)."""
    geoms: list[shapely.Geometry | None] = []
    for row, g in enumerate(gdf.geometry, start=1):
        if g is None:
            ck.error("v.geom_missing", row, "geometry")
            geoms.append(None)
        elif g.is_empty:
            ck.error("v.geom_empty", row, "geometry")
            geoms.append(None)
        elif g.geom_type not in ("Polygon", "MultiPolygon"):
            ck.error("v.geom_type", row, "geometry", None, gtype=g.geom_type, want="Polygon / MultiPolygon")
            geoms.append(None)
        elif not g.is_valid:
            geoms.append(_repair_polygon(g, row, ck))
        else:
            geoms.append(g)
    return gpd.GeoSeries(geoms, index=gdf.index, crs=4326)


# ---------------------------------------------------------------- the steps of validate_layer


def _check_empty_table(df: pd.DataFrame, ck: _Checker) -> None:
    """A table without rows: a spatial file without features or attributes is "no
    features"; otherwise the header is checked and, when it is right, "no rows"."""
    if isinstance(df, gpd.GeoDataFrame) and not [c for c in df.columns if c != "geometry"]:
        ck.error("v.no_features")
        return
    _check_columns(df, ck)
    if not ck.failed:
        ck.error("v.no_rows")


def _geometry_in_degrees(df: pd.DataFrame, ck: _Checker) -> tuple[pd.DataFrame, gpd.GeoSeries | None] | None:
    """The table and its geometry in EPSG:4326 (None when it has none), or None when the
    geometry's CRS is unknown or unusable or its coordinates are not degrees. A
    polygon layer needs a geometry: a table without one is an error here."""
    if isinstance(df, gpd.GeoDataFrame) and "geometry" in df.columns:
        gdf = _handle_crs(df, ck)
        if gdf is None:
            return None
        return gdf, gdf.geometry
    if ck.layer.geometry == "polygon":
        ck.error("v.polygon_file_needed", None, "geometry")
    return df, None


def _check_geometry_mix(geom: gpd.GeoSeries, ck: _Checker) -> None:
    """All geometries of one kind: points, or polygons (Polygon and MultiPolygon)."""
    types = sorted(set(geom[geom.notna() & ~geom.is_empty].geom_type))
    kinds = {"Polygon": "polygon", "MultiPolygon": "polygon", "Point": "point"}
    if len({kinds.get(g, g) for g in types}) > 1:
        ck.error("v.geom_mixed", None, "geometry", None, types=", ".join(types))


def _check_point_geometry(geom: gpd.GeoSeries, ck: _Checker) -> None:
    """A point layer from a spatial file: every geometry present is a Point."""
    for row, g in enumerate(geom, start=1):
        if g is not None and not g.is_empty and g.geom_type != "Point":
            ck.error("v.geom_type", row, "geometry", None, gtype=g.geom_type, want="Point")


def _positions_from_geometry(df: pd.DataFrame, geom: gpd.GeoSeries, ck: _Checker) -> set[int]:
    """Point positions from a spatial file's geometry, written into ``df``'s lat/lon.

    A row with empty lat and lon takes the point's coordinates; a row with both must
    agree with its point within 1 m. A meal point without geometry or coordinates is
    an error. Returns the rows without a position (their lat/lon are not reported again).
    """
    types = set(geom.dropna().geom_type)
    for c in ("lat", "lon"):
        if c not in df.columns:
            df[c] = None
    geomless: set[int] = set()
    filled = False
    for i, g in enumerate(geom):
        blank = _blank(df.at[i, "lat"]) and _blank(df.at[i, "lon"])
        if g is None or g.is_empty:
            if blank and ck.layer.key == "meal_points":
                ck.error("v.geom_missing", i + 1, "geometry")
                geomless.add(i + 1)
            continue
        if blank:
            df.at[i, "lat"], df.at[i, "lon"] = repr(g.y), repr(g.x)
            filled = True
        else:
            la, lo = _number(df.at[i, "lat"]), _number(df.at[i, "lon"])
            if pd.notna(la) and pd.notna(lo) and _in_bounds(lo, la):
                m = float(haversine_m(g.x, g.y, lo, la))
                if m > 1.0:
                    ck.error("v.geom_coord_mismatch", i + 1, "geometry", None, m=m)
    if filled and types:
        ck.note("v.points_in_geojson")
    return geomless


def _typed_table(df: pd.DataFrame, ck: _Checker, ctx: Context) -> pd.DataFrame:
    """Every schema column parsed into its type (a column the file lacks is empty)."""
    typed = pd.DataFrame(index=df.index)
    for f in ck.layer.fields:
        if f.name in df.columns:
            typed[f.name] = _parse_column(df[f.name], f, ck, ctx)
        else:
            typed[f.name] = (
                pd.array([None] * len(df), dtype="Int64")
                if f.kind == "int"
                else (np.nan if f.kind == "float" else None)
            )
    return typed


def _check_communities(typed: pd.DataFrame, ck: _Checker, ctx: Context) -> None:
    """A meal point's community lies in its subdistrict: the community code's first 9
    digits + "000" is the point's ``subdistrict_code``."""
    if "community_code" not in typed.columns:
        return
    names = ctx.names()
    known = facts.communities()
    for i, (code, sub) in enumerate(zip(typed["community_code"], typed["subdistrict_code"])):
        if not isinstance(code, str) or code not in known or not isinstance(sub, str):
            continue
        c = known[code]
        if c.street_code != sub:
            ck.error(
                "v.community_elsewhere",
                i + 1,
                "community_code",
                None,
                value=code,
                community=c.name,
                street_code=c.street_code,
                street=c.street_name,
                code=sub,
                name=names.get(sub, sub),
            )


def _check_project_locations(
    typed: pd.DataFrame, ck: _Checker, swapped: set[int], skip_cells: set[tuple[int, str | None]]
) -> None:
    """A project's position agrees with its location precision: a district-wide
    project has no codes and no coordinates; a site or subdistrict project has both;
    lat and lon come together."""
    lat_given, lon_given = typed["lat"].notna(), typed["lon"].notna()
    for i in typed.index:
        row = i + 1
        prec = typed.at[i, "location_precision"]
        has_lat, has_lon = bool(lat_given.at[i]), bool(lon_given.at[i])
        codes = typed.at[i, "subdistrict_codes"]
        if has_lat != has_lon and row not in swapped:
            ck.error("v.coord_partial", row, "lat" if not has_lat else "lon")
        if prec == "district":
            if codes:
                ck.error("v.district_with_codes", row, "subdistrict_codes")
            if has_lat or has_lon:
                ck.error("v.district_with_coords", row, "lat")
        elif prec in ("site", "subdistrict"):
            if not has_lat and not has_lon and (row, "lat") not in skip_cells:
                ck.error("v.coord_missing", row, "lat", None, precision=prec)
            if not codes and (row, "subdistrict_codes") not in skip_cells:
                ck.error("v.codes_missing", row, "subdistrict_codes", None, precision=prec)


def _check_subdistrict_layer(df: pd.DataFrame, typed: pd.DataFrame, ck: _Checker) -> gpd.GeoSeries:
    """The subdistricts' polygons (valid, in place), their codes (Jinpu's, all of them)
    and overlaps between them (over 0.01 km²: a warning). Returns the polygons."""
    polys = _polygon_checks(df, ck)
    _polygon_places(polys, ck)
    codes = [c for c in typed["code"] if c]
    for row, c in enumerate(typed["code"], start=1):
        if c and c not in facts.SUBDISTRICT_CODES:
            ck.error("v.unknown_code", row, "code", value=c)
    missing = [c for c in facts.SUBDISTRICT_CODES if c not in codes]
    if missing and not ck.failed:
        ck.error("v.missing_subdistricts", None, "code", None, n=len(missing), codes=", ".join(missing))
    if not ck.failed:
        _check_overlaps(polys, typed, ck)
    return polys


def _check_overlaps(polys: gpd.GeoSeries, typed: pd.DataFrame, ck: _Checker) -> None:
    """Two subdistricts that overlap by more than 0.01 km² (a warning on the later one)."""
    pm = gpd.GeoSeries(polys, crs=4326).to_crs(METRIC_CRS)
    tree = shapely.STRtree(pm.values)
    a_idx, b_idx = tree.query(pm.values, predicate="intersects")
    for a, b in zip(a_idx, b_idx):
        if a < b:
            km2 = pm.iloc[a].intersection(pm.iloc[b]).area / 1e6
            if km2 > 0.01:
                ck.warn("v.overlap", b + 1, "geometry", None, other=a + 1, code=typed.at[a, "code"], km2=km2)


def _points_frame(typed: pd.DataFrame) -> gpd.GeoDataFrame:
    """The typed table of a point layer with a Point geometry where lat and lon are given."""
    pts = [
        shapely.Point(lo, la) if pd.notna(la) and pd.notna(lo) else None for la, lo in zip(typed["lat"], typed["lon"])
    ]
    return gpd.GeoDataFrame(typed, geometry=pts, crs=4326)


# ---------------------------------------------------------------- entry


def validate_layer(
    layer_key: str, raw: pd.DataFrame, file: str = "", context: Context | None = None, line_offset: int | None = 1
) -> Report:
    """Validate a raw table for ``layer_key``.

    ``raw`` is a DataFrame of text cells (from a CSV; ``line_offset=1`` for the header)
    or a GeoDataFrame (from GeoJSON, GeoPackage or Shapefile; pass ``line_offset=None``).

    The steps, in order (a step that finds an error may end the validation early):
    rows present, geometry in degrees, columns, geometry kinds, point positions from
    the geometry, cells parsed (opening hours, price tiers and community codes by their
    syntax), swapped coordinates, schema (pandera), text warnings, project locations,
    communities in their points' subdistricts, points in their subdistricts, subdistrict
    polygons.
    """
    if layer_key not in LAYERS:
        raise KeyError(layer_key)
    layer = LAYERS[layer_key]
    ctx = context or Context()
    ck = _Checker(layer, file, line_offset)
    df = _normalise_columns(raw.copy(), layer).reset_index(drop=True)
    if len(df) == 0:
        _check_empty_table(df, ck)
        return Report(layer_key, file, ck.issues)

    read = _geometry_in_degrees(df, ck)
    if read is None:
        return Report(layer_key, file, ck.issues)
    df, geom = read
    _check_columns(df, ck)
    if ck.failed:
        return Report(layer_key, file, ck.issues)
    if geom is not None:
        _check_geometry_mix(geom, ck)

    # point layers read from a spatial file: positions come from the geometry
    geomless: set[int] = set()
    if layer.geometry == "point" and geom is not None:
        _check_point_geometry(geom, ck)
        if ck.failed:
            return Report(layer_key, file, ck.issues)
        geomless = _positions_from_geometry(df, geom, ck)

    typed = _typed_table(df, ck, ctx)
    skip_cells = {(i.row, i.column) for i in ck.issues if i.row is not None}
    skip_cells |= {(r, c) for r in geomless for c in ("lat", "lon")}
    swapped: set[int] = set()
    if layer.geometry == "point":
        swapped = _swapped(typed, ck)
        skip_cells |= {(r, "lat") for r in swapped} | {(r, "lon") for r in swapped}
    _run_pandera(typed, layer, ck, skip_cells)
    _text_warnings(typed, layer, ck)
    if layer.key == "projects":
        _check_project_locations(typed, ck, swapped, skip_cells)
    if layer.key == "meal_points":
        _check_communities(typed, ck, ctx)
    if layer.geometry == "point" and not ck.failed:
        code_col = "subdistrict_codes" if layer.key == "projects" else "subdistrict_code"
        _check_point_rows(typed, ck, ctx, code_col, swapped)

    data = None
    if layer.key == "subdistricts" and geom is not None:
        polys = _check_subdistrict_layer(df, typed, ck)
        if not ck.failed:
            data = gpd.GeoDataFrame(typed, geometry=polys.values, crs=4326)
    elif not ck.failed:
        data = _points_frame(typed)
    return Report(layer_key, file, ck.issues, data)


def cross_check(layer_key: str, gdf: gpd.GeoDataFrame, context: Context, file: str = "") -> list[Issue]:
    """Check a layer already in use (typed) against other subdistricts, e.g. the bundled
    meal points after official boundaries were uploaded. Returns the issues; the
    caller decides whether they block (they are facts about the *other* layer)."""
    layer = LAYERS[layer_key]
    ck = _Checker(layer, file, 1 if file.lower().endswith(".csv") else None)
    if layer.geometry != "point" or gdf is None or context.subdistricts is None:
        return []
    df = pd.DataFrame(gdf.drop(columns="geometry", errors="ignore")).reset_index(drop=True)
    code_col = "subdistrict_codes" if layer_key == "projects" else "subdistrict_code"
    known = set(context.codes)
    for i, v in enumerate(df[code_col]):
        if _blank(v):
            continue
        for c in str(v).split(";"):
            if c and c not in known:
                ck.error("v.unknown_code", i + 1, code_col, value=c)
    _check_point_rows(df, ck, context, code_col, set())
    return ck.issues
