"""Validation of the three layers, for the bundled data and for users' files alike.

``validate_layer`` takes a raw table (a DataFrame of text cells read from a CSV, or
a GeoDataFrame read from a spatial file) and returns a :class:`Report`: either a
typed GeoDataFrame in EPSG:4326, or a list of specific issues (file, row, column,
what is wrong, what was expected). Nothing is changed when there is an error.

Column types, allowed values, ranges, empty cells and duplicate ids are checked by
a pandera schema generated from :mod:`geo.schema`; the checks that need geometry
or other layers (codes, containment, swapped coordinates, polygons) follow it.
"""

from __future__ import annotations

import datetime
import difflib
import math
import re
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import pandera.pandas as pa
import shapely
from pyproj import CRS

from geo.core.distance import METRIC_CRS, haversine_m
from geo.data import facts
from geo.data.csvsafe import FORMULA_START, unneutralise
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


@dataclass
class Issue:
    level: str  # error | warning | note
    key: str
    params: dict = field(default_factory=dict)
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

    def as_dict(self, lang: str = "en") -> dict:
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
        title = LAYERS[self.layer].title_en if lang == "en" else LAYERS[self.layer].title_zh
        if self.ok:
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
    if f.kind == "enum":
        return " | ".join(f.allowed)
    if f.kind in ("int", "float") and f.min is not None:
        unit = f" {f.unit_en}" if f.unit_en else ""
        return f"{f.type_label} {f.min:,.10g}–{f.max:,.10g}{unit}"
    return f.type_label


def _fmt(v) -> str:
    if isinstance(v, float):
        return f"{v:g}" if abs(v) < 1e6 else f"{v:.0f}"
    return str(v)


class _Checker:
    def __init__(self, layer: Layer, file: str, line_offset: int | None):
        self.layer = layer
        self.file = file
        self.line_offset = line_offset
        self.issues: list[Issue] = []

    def add(self, level, key, row=None, column=None, expected=None, **params):
        self.issues.append(
            Issue(level, key, params, None if row is None else int(row), column, self.file, self.line_offset, expected)
        )

    def error(self, key, row=None, column=None, expected=None, **params):
        self.add("error", key, row, column, expected, **params)

    def warn(self, key, row=None, column=None, expected=None, **params):
        self.add("warning", key, row, column, expected, **params)

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
    exact = [
        f.name for f in layer.fields if c == f.desc_zh.split("（")[0].lower() or c == f.desc_en.split(" (")[0].lower()
    ]
    if len(exact) == 1:
        return exact
    hits = [f.name for f in layer.fields if c in f.desc_zh.split("（")[0].lower()]
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


def _blank(v) -> bool:
    if v is None:
        return True
    if isinstance(v, float) and math.isnan(v):
        return True
    if v is pd.NA or v is pd.NaT:
        return True
    return isinstance(v, str) and v.strip() == ""


def _text(v) -> str | None:
    if _blank(v):
        return None
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def _parse_column(series: pd.Series, f: Field, ck: _Checker, ctx: Context) -> pd.Series:
    """Parse one column of raw cells into its type, reporting each bad cell."""
    out = []
    known = set(ctx.codes)
    for idx, raw in series.items():
        row = idx + 1
        s = _text(raw)
        if s is None:
            out.append(None)
            continue
        if f.kind in ("int", "float"):
            num = pd.to_numeric(s.replace(",", "") if re.fullmatch(r"[\d,]+(\.\d+)?", s) else s, errors="coerce")
            if pd.isna(num) or not np.isfinite(num):
                ck.error("v.not_number", row, f.name, _expected(f), value=s)
                out.append(None)
                continue
            if f.kind == "int":
                if float(num) != int(num):
                    ck.error("v.not_integer", row, f.name, _expected(f), value=s)
                    out.append(None)
                    continue
                out.append(int(num))
            else:
                out.append(float(num))
        elif f.kind == "code":
            code = s[:-2] if s.endswith(".0") else s
            if not CODE_RE.match(code):
                ck.error("v.bad_code", row, f.name, _expected(f), value=s)
                out.append(None)
            elif ck.layer.key != "subdistricts" and code not in known:
                ck.error("v.unknown_code", row, f.name, value=code)
                out.append(None)
            else:
                out.append(code)
        elif f.kind == "codes":
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
            out.append(";".join(good) if good else None)
        elif (
            f.kind == "date"
            and isinstance(raw, (pd.Timestamp, datetime.date))
            and not (isinstance(raw, datetime.datetime) and raw.time() != datetime.time(0))
        ):
            out.append(raw.strftime("%Y-%m-%d"))  # a date field of a GeoPackage or GeoJSON
        elif f.kind == "date":
            try:
                d = pd.Timestamp(s)
                if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", s):
                    raise ValueError
                out.append(d.strftime("%Y-%m-%d"))
            except (ValueError, TypeError):
                ck.error("v.bad_date", row, f.name, _expected(f), value=s)
                out.append(None)
        elif f.kind == "yesno":
            low = s.lower()
            if low in YES:
                out.append("yes")
            elif low in NO:
                out.append("no")
            else:
                ck.error("v.bad_yesno", row, f.name, "yes | no", value=s)
                out.append(None)
        else:  # str, enum: an exported "'=..." cell comes back as "=..."
            out.append(unneutralise(s))
    if f.kind == "int":
        return pd.array(out, dtype="Int64")
    if f.kind == "float":
        return pd.array([np.nan if v is None else v for v in out], dtype="float64")
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


def _run_pandera(df: pd.DataFrame, layer: Layer, ck: _Checker, skip_cells: set[tuple[int, str]]) -> None:
    schema = _pandera_schema(layer, skip=set())
    try:
        schema.validate(df, lazy=True)
        return
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
    id_rows: dict[str, list[int]] = {}
    if layer.id_field in df.columns:
        for i, v in df[layer.id_field].items():
            if v is not None and not _blank(v):
                id_rows.setdefault(v, []).append(i + 1)
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
        for idx, v in df[f.name].items():
            if not isinstance(v, str):
                continue
            if HTML_RE.search(v):
                ck.warn("v.html_in_text", idx + 1, f.name)
            if v[:1] in FORMULA_START:
                ck.warn("v.formula_like", idx + 1, f.name, char=v[0])


# ---------------------------------------------------------------- geometry


def _in_bounds(lon, lat, pad=0.3) -> bool:
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
            ck.issues.append(Issue("note", "v.crs_assumed", {}, file=ck.file, line_offset=None))
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
    ck.issues.append(Issue("note", "v.crs_reprojected", {"crs": name}, file=ck.file, line_offset=None))
    return _degrees_or_error(out, ck)


def _bounds_text(b) -> str:
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


def _district_metric(ctx: Context):
    if ctx.subdistricts is None:
        return None
    return shapely.union_all(ctx.subdistricts.to_crs(METRIC_CRS).geometry.values)


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
    pts_m = gpd.GeoSeries(gpd.points_from_xy(lons, lats), crs=4326).to_crs(METRIC_CRS).values
    subs = ctx.subdistricts.to_crs(METRIC_CRS).set_index("code")
    sub_codes = list(subs.index)
    sub_geoms = subs.geometry.values
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
        codes = code_vals[k]
        if not codes or (isinstance(codes, float) and math.isnan(codes)):
            continue
        codes = [c for c in str(codes).split(";") if c in subs.index]
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

    def inside(x, y):
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


def _polygon_checks(gdf: gpd.GeoDataFrame, ck: _Checker) -> gpd.GeoSeries:
    geoms = []
    for i, g in enumerate(gdf.geometry):
        row = i + 1
        if g is None:
            ck.error("v.geom_missing", row, "geometry")
            geoms.append(None)
            continue
        if g.is_empty:
            ck.error("v.geom_empty", row, "geometry")
            geoms.append(None)
            continue
        if g.geom_type not in ("Polygon", "MultiPolygon"):
            ck.error("v.geom_type", row, "geometry", None, gtype=g.geom_type, want="Polygon / MultiPolygon")
            geoms.append(None)
            continue
        if not g.is_valid:
            reason = shapely.is_valid_reason(g)
            fixed = shapely.make_valid(g)
            if fixed.geom_type == "GeometryCollection":
                fixed = shapely.union_all(
                    [p for p in shapely.get_parts(fixed) if p.geom_type in ("Polygon", "MultiPolygon")]
                )
            # compare areas in km² using the metric CRS
            a_fixed = gpd.GeoSeries([fixed], crs=4326).to_crs(METRIC_CRS).area.iloc[0]
            a_hull = (
                gpd.GeoSeries([shapely.Polygon(g.exterior) if g.geom_type == "Polygon" else g.convex_hull], crs=4326)
                .to_crs(METRIC_CRS)
                .area.iloc[0]
            )
            # a self-intersecting ring ("bowtie") has no meaningful area: reject it when the
            # repaired shape loses most of its outline's extent; small slivers are repaired.
            if fixed.is_empty or fixed.geom_type not in ("Polygon", "MultiPolygon") or a_hull <= 0:
                ck.error("v.geom_invalid", row, "geometry", None, reason=reason)
                geoms.append(None)
                continue
            pct = abs(a_hull - a_fixed) / a_hull * 100 if g.geom_type == "Polygon" else 0.0
            if "Self-intersection" in reason and pct > 1.0:
                ck.error("v.geom_invalid", row, "geometry", None, reason=reason)
                geoms.append(None)
                continue
            ck.warn("v.geom_invalid_repaired", row, "geometry", None, reason=reason, pct=pct)
            g = fixed
        geoms.append(g)
    return gpd.GeoSeries(geoms, index=gdf.index, crs=4326)


# ---------------------------------------------------------------- entry


def validate_layer(
    layer_key: str, raw: pd.DataFrame, file: str = "", context: Context | None = None, line_offset: int | None = 1
) -> Report:
    """Validate a raw table for ``layer_key``.

    ``raw`` is a DataFrame of text cells (from a CSV; ``line_offset=1`` for the header)
    or a GeoDataFrame (from GeoJSON, GeoPackage or Shapefile; pass ``line_offset=None``).
    """
    if layer_key not in LAYERS:
        raise KeyError(layer_key)
    layer = LAYERS[layer_key]
    ctx = context or Context()
    ck = _Checker(layer, file, line_offset)
    df = _normalise_columns(raw.copy(), layer).reset_index(drop=True)

    if len(df) == 0 and isinstance(df, gpd.GeoDataFrame) and not [c for c in df.columns if c != "geometry"]:
        ck.error("v.no_features")
        return Report(layer_key, file, ck.issues)
    if len(df) == 0:
        _check_columns(df, ck)
        if not ck.failed:
            ck.error("v.no_rows")
        return Report(layer_key, file, ck.issues)

    geom = None
    if isinstance(df, gpd.GeoDataFrame) and "geometry" in df.columns:
        df = _handle_crs(df, ck)
        if df is None:
            return Report(layer_key, file, ck.issues)
        geom = df.geometry
    elif layer.geometry == "polygon":
        ck.error("v.polygon_file_needed", None, "geometry")

    _check_columns(df, ck)
    if ck.failed:
        return Report(layer_key, file, ck.issues)

    if geom is not None:
        types = sorted(set(geom[geom.notna() & ~geom.is_empty].geom_type))
        kinds = {"Polygon": "polygon", "MultiPolygon": "polygon", "Point": "point"}
        if len({kinds.get(g, g) for g in types}) > 1:
            ck.error("v.geom_mixed", None, "geometry", None, types=", ".join(types))

    # point layers read from a spatial file: positions come from the geometry
    geomless: set[int] = set()
    if layer.geometry == "point" and geom is not None:
        types = set(geom.dropna().geom_type)
        for i, g in enumerate(geom):
            if g is not None and not g.is_empty and g.geom_type != "Point":
                ck.error("v.geom_type", i + 1, "geometry", None, gtype=g.geom_type, want="Point")
        if ck.failed:
            return Report(layer_key, file, ck.issues)
        for c in ("lat", "lon"):
            if c not in df.columns:
                df[c] = None
        filled = False
        for i, g in enumerate(geom):
            blank = _blank(df.at[i, "lat"]) and _blank(df.at[i, "lon"])
            if g is None or g.is_empty:
                if blank and layer.key == "meal_points":
                    ck.error("v.geom_missing", i + 1, "geometry")
                    geomless.add(i + 1)
                continue
            if blank:
                df.at[i, "lat"], df.at[i, "lon"] = repr(g.y), repr(g.x)
                filled = True
            else:
                la = pd.to_numeric(_text(df.at[i, "lat"]), errors="coerce")
                lo = pd.to_numeric(_text(df.at[i, "lon"]), errors="coerce")
                if pd.notna(la) and pd.notna(lo) and _in_bounds(lo, la):
                    m = float(haversine_m(g.x, g.y, lo, la))
                    if m > 1.0:
                        ck.error("v.geom_coord_mismatch", i + 1, "geometry", None, m=m)
        if filled and types:
            ck.issues.append(Issue("note", "v.points_in_geojson", {}, file=file, line_offset=None))

    typed = pd.DataFrame(index=df.index)
    for f in layer.fields:
        if f.name in df.columns:
            typed[f.name] = _parse_column(df[f.name], f, ck, ctx)
        else:
            typed[f.name] = (
                pd.array([None] * len(df), dtype="Int64")
                if f.kind == "int"
                else (np.nan if f.kind == "float" else None)
            )
    skip_cells = {(i.row, i.column) for i in ck.issues if i.row is not None}
    skip_cells |= {(r, c) for r in geomless for c in ("lat", "lon")}

    swapped = set()
    if layer.geometry == "point":
        swapped = _swapped(typed, ck)
        skip_cells |= {(r, "lat") for r in swapped} | {(r, "lon") for r in swapped}
    _run_pandera(typed, layer, ck, skip_cells)
    _text_warnings(typed, layer, ck)

    if layer.key == "projects":
        for i in typed.index:
            prec = typed.at[i, "location_precision"]
            has_lat, has_lon = pd.notna(typed.at[i, "lat"]), pd.notna(typed.at[i, "lon"])
            codes = typed.at[i, "subdistrict_codes"]
            if has_lat != has_lon and (i + 1) not in swapped:
                ck.error("v.coord_partial", i + 1, "lat" if not has_lat else "lon")
            if prec == "district":
                if codes:
                    ck.error("v.district_with_codes", i + 1, "subdistrict_codes")
                if has_lat or has_lon:
                    ck.error("v.district_with_coords", i + 1, "lat")
            elif prec in ("site", "subdistrict"):
                if not has_lat and not has_lon and (i + 1, "lat") not in skip_cells:
                    ck.error("v.coord_missing", i + 1, "lat", None, precision=prec)
                if not codes and (i + 1, "subdistrict_codes") not in skip_cells:
                    ck.error("v.codes_missing", i + 1, "subdistrict_codes", None, precision=prec)

    if layer.geometry == "point" and not ck.failed:
        code_col = "subdistrict_codes" if layer.key == "projects" else "subdistrict_code"
        _check_point_rows(typed, ck, ctx, code_col, swapped)

    if layer.key == "subdistricts" and geom is not None:
        polys = _polygon_checks(df, ck)
        _polygon_places(polys, ck)
        codes = [c for c in typed["code"] if c]
        for i, c in enumerate(typed["code"]):
            if c and c not in facts.SUBDISTRICT_CODES:
                ck.error("v.unknown_code", i + 1, "code", value=c)
        missing = [c for c in facts.SUBDISTRICT_CODES if c not in codes]
        if missing and not ck.failed:
            ck.error("v.missing_subdistricts", None, "code", None, n=len(missing), codes=", ".join(missing))
        if not ck.failed:
            pm = gpd.GeoSeries(polys, crs=4326).to_crs(METRIC_CRS)
            tree = shapely.STRtree(pm.values)
            a_idx, b_idx = tree.query(pm.values, predicate="intersects")
            for a, b in zip(a_idx, b_idx):
                if a < b:
                    km2 = pm.iloc[a].intersection(pm.iloc[b]).area / 1e6
                    if km2 > 0.01:
                        ck.warn("v.overlap", b + 1, "geometry", None, other=a + 1, code=typed.at[a, "code"], km2=km2)
        if ck.failed:
            return Report(layer_key, file, ck.issues)
        out = gpd.GeoDataFrame(typed, geometry=polys.values, crs=4326)
        return Report(layer_key, file, ck.issues, out)

    if ck.failed:
        return Report(layer_key, file, ck.issues)
    pts = [
        shapely.Point(lo, la) if pd.notna(la) and pd.notna(lo) else None for la, lo in zip(typed["lat"], typed["lon"])
    ]
    out = gpd.GeoDataFrame(typed, geometry=pts, crs=4326)
    return Report(layer_key, file, ck.issues, out)


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
