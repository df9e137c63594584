"""Reading layers from files: the bundled dataset and users' uploads.

Supported: CSV (UTF-8, UTF-8 with BOM, GBK/GB18030), GeoJSON, GeoPackage and a
zipped Shapefile. Every failure becomes a :class:`geo.data.validate.Issue`; nothing here
raises for a bad file, writes to disk outside a private temporary folder, or keeps
state between calls.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import tempfile
import warnings
import zipfile
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geo.data.schema import LAYERS
from geo.data.validate import Context, Issue, Report, cross_check, validate_layer

DATA_DIR = Path(__file__).resolve().parents[2] / "data"
MAX_UPLOAD_MB = 20
TABLE_EXT = (".csv", ".txt")
SPATIAL_EXT = (".geojson", ".json", ".gpkg", ".zip")
ALLOWED_EXT = TABLE_EXT + SPATIAL_EXT
FORMAT_NAMES = {".geojson": "GeoJSON", ".json": "GeoJSON", ".gpkg": "GeoPackage", ".zip": "ZIP (Shapefile)"}
#: The sources of a layer that every session shares (the rest are a session's uploads).
SHARED_SOURCES = ("bundled", "registry")
ENCODINGS = (("utf-8-sig", "UTF-8"), ("gb18030", "GBK/GB18030"))


@dataclass
class Dataset:
    subdistricts: gpd.GeoDataFrame
    projects: gpd.GeoDataFrame
    meal_points: gpd.GeoDataFrame
    sources: dict[str, str]  # layer -> "bundled", "registry" or the uploaded file's name

    def layer(self, key: str) -> gpd.GeoDataFrame:
        return getattr(self, key)

    def replace(self, key: str, gdf: gpd.GeoDataFrame, source: str) -> Dataset:
        parts = {k: self.layer(k) for k in LAYERS}
        parts[key] = gdf
        return Dataset(**parts, sources={**self.sources, key: source})

    @property
    def is_shared(self) -> bool:
        """No layer comes from a session's upload: every session sees the same data."""
        return all(v in SHARED_SOURCES for v in self.sources.values())

    @cached_property
    def fingerprint(self) -> str:
        """A short hash of every layer's content (all columns and geometry): the key of
        per-process caches that hold what is built from this dataset. Two datasets with
        the same content share it; any change to any cell or vertex changes it."""
        h = hashlib.sha1()
        for key in LAYERS:
            gdf = self.layer(key)
            h.update(f"{key}:{len(gdf)}:{','.join(map(str, gdf.columns))}".encode())
            plain = pd.DataFrame(gdf.drop(columns=gdf.geometry.name)).astype(str)
            h.update(pd.util.hash_pandas_object(plain, index=False).to_numpy().tobytes())
            h.update(b"".join(b or b"" for b in gdf.geometry.to_wkb()))
        return h.hexdigest()[:16]


def _decode(data: bytes, name: str) -> tuple[str | None, list[Issue]]:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or _looks_utf16(data[:4096]):
        return None, [Issue("error", "v.encoding_utf16", file=name, line_offset=None)]
    if b"\x00" in data[:4096]:
        return None, [Issue("error", "v.binary", file=name, line_offset=None)]
    for enc, label in ENCODINGS:
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        notes = []
        if enc != "utf-8-sig" or data.startswith(b"\xef\xbb\xbf"):
            notes.append(
                Issue(
                    "note",
                    "v.encoding_note",
                    {"encoding": label if enc != "utf-8-sig" else "UTF-8 (BOM)"},
                    file=name,
                    line_offset=None,
                )
            )
        return text, notes
    return None, [Issue("error", "v.encoding", file=name, line_offset=None)]


def _looks_utf16(head: bytes) -> bool:
    """UTF-16 without a BOM: every other byte is NUL in ASCII text."""
    if len(head) < 8:
        return False
    even, odd = head[0::2], head[1::2]
    return odd.count(0) > 0.8 * len(odd) or even.count(0) > 0.8 * len(even)


def _wkt_table(df: pd.DataFrame, name: str) -> tuple[gpd.GeoDataFrame, list[Issue]]:
    """A CSV with a WKT ``geometry`` column (our CSV export of polygons) as WGS-84."""
    import shapely

    geoms: list[shapely.Geometry | None] = []
    issues: list[Issue] = []
    for i, v in enumerate(df["geometry"]):
        v = (v or "").strip()
        if not v:
            geoms.append(None)
            continue
        try:
            geoms.append(shapely.from_wkt(v))
        except Exception:
            geoms.append(None)
            short = v if len(v) <= 40 else v[:40] + "…"
            issues.append(Issue("error", "v.bad_wkt", {"value": short}, row=i + 1, column="geometry", file=name))
    out = gpd.GeoDataFrame(df.drop(columns="geometry"), geometry=geoms, crs=4326)
    return out, issues


#: What reading a file gives: the raw table (None when it could not be read), the
#: issues found on the way, and the line offset (1 for CSV: the header; None otherwise).
TableRead = tuple[pd.DataFrame | gpd.GeoDataFrame | None, list[Issue], int | None]


def _file_issue(key: str, name: str, **params: object) -> Issue:
    """An issue about the whole file (no row, no lines)."""
    return Issue("error", key, dict(params), file=name, line_offset=None)


def read_table(data: bytes, name: str) -> TableRead:
    """Read an uploaded file into a raw table.

    Returns (table or None, issues, line_offset): line_offset is 1 for CSV (the header
    line) and None for spatial formats (no lines to point to).
    """
    ext = Path(name).suffix.lower()
    if len(data) > MAX_UPLOAD_MB * 1024 * 1024:
        return None, [_file_issue("v.too_large", name, size_mb=len(data) / 1024 / 1024, limit_mb=MAX_UPLOAD_MB)], None
    if not data.strip():
        return None, [_file_issue("v.empty_file", name)], None
    if ext not in ALLOWED_EXT:
        allowed = "CSV, GeoJSON, GeoPackage, ZIP (Shapefile)"
        return None, [_file_issue("v.unsupported_type", name, ext=ext or name, allowed=allowed)], None
    if ext in TABLE_EXT:
        return _read_csv(data, name)
    return _read_spatial(data, name, ext)


def _csv_header(text: str, name: str) -> tuple[str, list[str], list[Issue]]:
    """The CSV's delimiter and header. A single-column header that holds ``;`` or a tab
    is split on it (Excel in many locales writes ';' or tab between columns), with a note."""
    header = next(csv.reader(io.StringIO(text.lstrip("\ufeff"))), [])
    if len(header) == 1:
        for cand in (";", "\t"):
            if cand in header[0]:
                header = next(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=cand), [])
                note = Issue(
                    "note", "v.delimiter_note", {"sep": "tab" if cand == "\t" else cand}, file=name, line_offset=None
                )
                return cand, header, [note]
    return ",", header, []


def _read_csv(data: bytes, name: str) -> TableRead:
    """A CSV (or .txt) file: decoded (UTF-8, UTF-8 with BOM or GB18030), its delimiter
    found, duplicate headers refused, every cell read as text; a WKT ``geometry``
    column makes it a GeoDataFrame."""
    text, issues = _decode(data, name)
    if text is None:
        return None, issues, None
    sep, header, notes = _csv_header(text, name)
    issues = [*issues, *notes]
    names = [h.strip() for h in header]
    dups = sorted({h for h in names if h and names.count(h) > 1})
    if dups:
        return (
            None,
            issues + [Issue("error", "v.duplicate_column", column=h, file=name, line_offset=None) for h in dups],
            None,
        )
    try:
        df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, skipinitialspace=False, sep=sep)
    except pd.errors.EmptyDataError:
        return None, [*issues, _file_issue("v.empty_file", name)], None
    except (pd.errors.ParserError, ValueError) as exc:
        return None, [*issues, _file_issue("v.csv_parse", name, reason=str(exc).strip())], None
    if "geometry" in [str(c).strip().lstrip("\ufeff") for c in df.columns]:
        df.columns = pd.Index([str(c).strip().lstrip("\ufeff") for c in df.columns])
        gdf, wkt_issues = _wkt_table(df, name)
        return gdf, issues + wkt_issues, 1
    return df, issues, 1


def _read_spatial(data: bytes, name: str, ext: str) -> TableRead:
    """A GeoJSON, GeoPackage or zipped Shapefile, read through GDAL (pyogrio) from a
    private temporary folder; attribute columns as plain objects. A file GDAL cannot
    read is "not a <format>" or "unreadable", never with our temporary path."""
    if ext in (".geojson", ".json") and b"\x00" in data[:4096]:
        return None, [_file_issue("v.binary", name)], None
    try:
        gdf = _read_with_gdal(data, ext)
    except Exception as exc:
        reason = str(exc).splitlines()[0][:300] if str(exc) else type(exc).__name__
        if any(m in reason.lower() for m in ("not recognized as", "not a zip file", "not a database")):
            return None, [_file_issue("v.not_format", name, format=FORMAT_NAMES.get(ext, ext))], None
        reason = re.sub(r"/\S*/upload(\.\w+)?", name, reason)  # never show our temporary path
        return None, [_file_issue("v.unreadable", name, reason=reason)], None
    gdf = gpd.GeoDataFrame(gdf)
    for col in gdf.columns:
        if col != "geometry":
            gdf[col] = gdf[col].astype(object)
    return gdf, [], None


def _read_with_gdal(data: bytes, ext: str) -> gpd.GeoDataFrame:
    """Write the bytes to a private temporary folder and read them with GDAL. A zip must
    hold exactly one .shp (with its .dbf, .shx and .prj) and no path outside the folder."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / ("upload" + ext)
        path.write_bytes(data)
        if ext == ".zip":
            with zipfile.ZipFile(path) as zf:
                shp = [n for n in zf.namelist() if n.lower().endswith(".shp") and not n.startswith("__MACOSX")]
                if len(shp) != 1:
                    raise ValueError("the zip must hold exactly one .shp file with its .dbf, .shx and .prj")
                for member in zf.namelist():
                    target = (Path(tmp) / "x" / member).resolve()
                    if not str(target).startswith(str((Path(tmp) / "x").resolve())):
                        raise ValueError("unsafe path in zip")
                zf.extractall(Path(tmp) / "x")
            path = Path(tmp) / "x" / shp[0]
            with warnings.catch_warnings():  # GDAL's warnings name our temporary path
                warnings.simplefilter("ignore", RuntimeWarning)
                return gpd.read_file(path, encoding=_shp_encoding(path))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            if ext in (".geojson", ".json"):
                # GDAL guesses dates in GeoJSON text ("8/10/12" -> 2008-10-12, "11:00" -> a time):
                # read every text as written; the validator parses dates itself
                return gpd.read_file(path, DATE_AS_STRING="YES")
            return gpd.read_file(path)


def _shp_encoding(path: Path) -> str | None:
    cpg = path.with_suffix(".cpg")
    if cpg.exists():
        return None  # GDAL honours .cpg
    return "gb18030" if not _dbf_is_utf8(path.with_suffix(".dbf")) else "utf-8"


def _dbf_is_utf8(dbf: Path) -> bool:
    try:
        dbf.read_bytes().decode("utf-8")
        return True
    except (UnicodeDecodeError, FileNotFoundError):
        return False


def validate_bytes(layer: str, data: bytes, name: str, context: Context | None = None) -> Report:
    """Read and validate an uploaded file; never raises for a bad file."""
    raw, issues, offset = read_table(data, name)
    if raw is None:
        return Report(layer, name, issues)
    try:
        report = validate_layer(layer, raw, file=name, context=context, line_offset=offset)
    except Exception as exc:
        reason = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200] if str(exc) else ''}"
        return Report(
            layer, name, [*issues, Issue("error", "v.internal", {"reason": reason}, file=name, line_offset=None)]
        )
    report.issues[:0] = issues
    if any(i.level == "error" for i in issues):
        report.data = None
    return report


def validate_path(layer: str, path: str | Path, context: Context | None = None) -> Report:
    p = Path(path)
    if not p.is_file():
        return Report(layer, p.name, [Issue("error", "v.file_not_found", {"path": p.name}, line_offset=None)])
    return validate_bytes(layer, p.read_bytes(), p.name, context)


def context_for(dataset: Dataset | None) -> Context:
    return Context(subdistricts=None if dataset is None else dataset.subdistricts)


def load_bundled(data_dir: str | Path = DATA_DIR) -> Dataset:
    """Load and validate the bundled dataset; raise if it is not valid (a bug)."""
    data_dir = Path(data_dir)
    sub = validate_path("subdistricts", data_dir / "subdistricts.geojson")
    if not sub.ok:
        raise ValueError("bundled subdistricts are invalid:\n" + "\n".join(sub.lines()))
    ctx = Context(subdistricts=sub.data)
    out = {"subdistricts": sub.data}
    for key in ("projects", "meal_points"):
        rep = validate_path(key, data_dir / LAYERS[key].filename, ctx)
        if not rep.ok:
            raise ValueError(f"bundled {key} are invalid:\n" + "\n".join(rep.lines()))
        out[key] = rep.data
    return Dataset(**out, sources={k: "bundled" for k in LAYERS})


def cross_checks(dataset: Dataset) -> dict[str, list[Issue]]:
    """The point layers in use, checked against the subdistricts in use: after a new
    subdistricts layer (e.g. official boundaries), meal points or projects that fall
    outside their stated subdistrict are reported (keyed by layer)."""
    ctx = context_for(dataset)
    out = {}
    for key in ("projects", "meal_points"):
        src = dataset.sources.get(key, "bundled")
        name = LAYERS[key].filename if src == "bundled" else src
        issues = cross_check(key, dataset.layer(key), ctx, file=name)
        if issues:
            out[key] = issues
    return out


def upload(dataset: Dataset, layer: str, data: bytes, name: str) -> tuple[Report, dict[str, list[Issue]]]:
    """Validate an uploaded file for ``layer`` against the dataset in use.

    Returns the report and, when it is valid, the cross-layer issues of the dataset
    that would result (other layers against new subdistricts). Pure: the caller
    stores ``report.data`` in its own session when ``report.ok``.
    """
    ctx = Context() if layer == "subdistricts" else context_for(dataset)
    report = validate_bytes(layer, data, name, ctx)
    cross: dict[str, list[Issue]] = {}
    if report.ok and layer == "subdistricts":
        cross = cross_checks(dataset.replace(layer, report.data, name))
    return report, cross
