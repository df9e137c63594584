"""The data page's logic: each layer's source and schema table, its downloads, and the
validation of an upload (this session only), with the texts and tables of its report.

Plain Python (no streamlit): pages/data.py draws what these functions return and keeps
an accepted upload in the session (ui.state.set_upload). Nothing is written to disk.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd

from geo.data import export
from geo.data.loader import ALLOWED_EXT, MAX_UPLOAD_MB, upload
from geo.data.schema import LAYERS
from geo.i18n import t
from geo.maps.cache import Lru
from geo.views.shell import Dataset, layer_title

LAYER_KEYS = tuple(LAYERS)
REPORT_COLUMNS = ("level", "file", "row", "line", "column", "message", "expected")
UPLOAD_TYPES = tuple(ext.lstrip(".") for ext in ALLOWED_EXT)  # what the loader reads
CLI_EXAMPLE = (
    "python -m geo validate meal_points my_points.csv\n"
    "python -m geo validate subdistricts official.geojson\n"
    "python -m geo validate meal_points my_points.csv --subdistricts official.geojson --lang zh"
)

__all__ = [
    "CLI_EXAMPLE",
    "LAYER_KEYS",
    "MAX_UPLOAD_MB",
    "REPORT_COLUMNS",
    "UPLOAD_TYPES",
    "Download",
    "UploadResult",
    "column_labels",
    "cross_warnings",
    "downloads",
    "is_point_layer",
    "issues_table",
    "layer_title",
    "receive_upload",
    "report_status",
    "schema_table",
    "source_text",
    "too_large_text",
]


def source_text(ds: Dataset, key: str, lang: str) -> str:
    """Where a layer comes from (bundled, or the uploaded file) and how many records it has."""
    src = ds.sources.get(key, "bundled")
    if src in ("bundled", "registry"):
        src_txt = t(f"rv.source.{src}", lang)
    else:
        src_txt = t("dt.source.upload", lang, name=src)
    return t("dt.source", lang, source=src_txt) + " · " + t("dt.records", lang, n=len(ds.layer(key)))


def schema_table(key: str, lang: str) -> pd.DataFrame:
    """The layer's fields (from geo.data.schema), one row each."""
    return export.schema_table(key, lang)


def column_labels(columns, prefix: str, lang: str) -> dict[str, str]:
    """Column -> its header, the translation key ``<prefix>.<column>``."""
    return {c: t(f"{prefix}.{c}", lang) for c in columns}


def is_point_layer(key: str) -> bool:
    """Whether the layer holds points (its upload is checked against the subdistricts with
    a tolerance, which the page explains)."""
    return LAYERS[key].geometry == "point"


@dataclass(frozen=True)
class Download:
    label: str
    data: bytes
    file_name: str
    mime: str
    key: str  # the widget key


#: Exports already made, by (dataset fingerprint, layer, format): every session showing the
#: same data gets the same bytes without building them again (and a crowd builds each once).
#: Bounded (least recently used out), so uploads cannot grow it.
EXPORTS_KEPT = 48
EXPORTS: Lru[bytes] = Lru(max_entries=EXPORTS_KEPT)


def export_bytes(gdf: gpd.GeoDataFrame, key: str, fmt: str, fingerprint: str | None) -> bytes:
    """``export.export(gdf, key, fmt)``, made once per (fingerprint, layer, format)."""
    if fingerprint is None:
        return export.export(gdf, key, fmt)
    return EXPORTS.get((fingerprint, key, fmt), lambda: export.export(gdf, key, fmt))


def downloads(gdf: gpd.GeoDataFrame, key: str, lang: str, fingerprint: str | None = None) -> list[Download]:
    """The layer in every export format, then its empty template (CSV). With the dataset's
    ``fingerprint``, each file is made once per process and shared (:func:`export_bytes`)."""
    out = [
        Download(
            t(f"dt.download.{fmt}", lang),
            export_bytes(gdf, key, fmt, fingerprint),
            export.filename(key, fmt),
            export.MIME[fmt],
            f"dt_dl_{key}_{fmt}",
        )
        for fmt in export.FORMATS
    ]
    out.append(
        Download(
            t("dt.download.template", lang),
            export.template_csv(key),
            export.filename(key, "csv", template=True),
            "text/csv",
            f"dt_tpl_{key}",
        )
    )
    return out


# ---------------------------------------------------------------- uploads


@dataclass(frozen=True)
class UploadResult:
    """What the page shows after an upload: the report, in the language of the moment of
    the upload. ``too_large_mb`` is set when the file was refused unread."""

    ok: bool
    name: str
    file_id: str = ""
    summary: str = ""
    table: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=list(REPORT_COLUMNS)))
    cross: dict[str, list[dict]] = field(default_factory=dict)  # other layer -> its issues (as_dict)
    too_large_mb: float | None = None


def receive_upload(
    ds: Dataset, key: str, name: str, data: bytes, file_id: str, lang: str
) -> tuple[UploadResult, gpd.GeoDataFrame | None]:
    """Validate an uploaded file against the dataset in use (``geo.data.loader.upload``).

    Returns the result to show and, when the file is valid, the layer to put in place of
    the bundled one for this session only (None otherwise). A file over
    ``MAX_UPLOAD_MB`` is refused without being read.
    """
    if len(data) > MAX_UPLOAD_MB * 1024 * 1024:
        return UploadResult(ok=False, name=name, file_id=file_id, too_large_mb=len(data) / 1024 / 1024), None
    report, cross = upload(ds, key, data, name)
    result = UploadResult(
        ok=report.ok,
        name=name,
        file_id=file_id,
        summary=report.summary(lang),
        table=report.table(lang),
        cross={k: [i.as_dict(lang) for i in v] for k, v in cross.items()},
    )
    return result, (report.data if report.ok else None)


def too_large_text(result: UploadResult, lang: str) -> str:
    return t("dt.upload.too_large", lang, name=result.name, size=result.too_large_mb, mb=MAX_UPLOAD_MB)


def report_status(result: UploadResult, source: str, lang: str) -> tuple[str, str] | None:
    """("error" | "success", text) above the report: the file was refused, or it is the
    layer in use now (``source`` is the layer's source in the dataset in use)."""
    if not result.ok:
        return "error", t("dt.upload.failed", lang, name=result.name)
    if source == result.name:
        return "success", t("dt.upload.ok", lang, name=result.name)
    return None


def issues_table(issues: pd.DataFrame, lang: str) -> pd.DataFrame:
    """A report's issues as shown: the report columns, the level in words."""
    df = issues.copy()
    df["level"] = [t(f"v.level.{v}", lang) for v in df["level"]]
    return df[list(REPORT_COLUMNS)]


def cross_warnings(result: UploadResult, lang: str) -> list[tuple[str, pd.DataFrame]]:
    """For each other layer that no longer fits the upload (records outside new
    subdistricts): the warning and its issues."""
    return [
        (
            t("dt.cross", lang, layer=layer_title(other, lang), n=len(rows)),
            pd.DataFrame(rows, columns=list(REPORT_COLUMNS)),
        )
        for other, rows in result.cross.items()
    ]
