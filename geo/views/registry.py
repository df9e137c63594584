"""The registry page's logic: the published history, precision counts, the review queue
(reports and proposed change sets with their before/after), direct edits, batch imports,
reverts and the full export.

Plain Python (no streamlit): pages/registry.py draws what these functions return. Every
table is a DataFrame of plain text (shown by st.dataframe, which never reads HTML); each
cell from data is neutralised (``geo.data.csvsafe``), since a table can be downloaded as
CSV; Markdown texts escape data with ``md_escape``.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import folium
import pandas as pd

from geo.core.coords import click_to_wgs84
from geo.data.csvsafe import neutralise
from geo.data.escape import md_escape
from geo.data.names import local_name
from geo.data.precision import verified_count
from geo.data.registry import (
    REPORT_KINDS,
    Actor,
    Change,
    ChangeSet,
    Conflict,
    ImportDiff,
    ImportRejected,
    NotAllowed,
    Registry,
    RegistryError,
    Report,
    Unavailable,
)
from geo.data.schema import LAYERS
from geo.i18n import t
from geo.maps.review import change_map
from geo.views.data import UPLOAD_TYPES, issues_table
from geo.views.shell import Dataset, layer_title

__all__ = [
    "EDIT_FIELDS",
    "IMPORT_LAYERS",
    "IMPORT_TYPES",
    "PRECISIONS",
    "REPORT_KINDS",
    "Actor",
    "ChangeSet",
    "Conflict",
    "ImportDiff",
    "ImportRejected",
    "NotAllowed",
    "Registry",
    "RegistryError",
    "Report",
    "Unavailable",
    "accept_fields",
    "change_rows",
    "changeset_label",
    "changeset_map",
    "changeset_title",
    "click_position",
    "conflict_rows",
    "conflict_text",
    "diff_counts",
    "diff_tables",
    "edit_changes",
    "edit_defaults",
    "error_rows",
    "export_zip",
    "field_label",
    "form_keys",
    "form_position",
    "history_rows",
    "import_issues",
    "input_default",
    "meal_choices",
    "note_text",
    "placeholder",
    "precision_counts",
    "precision_label",
    "precision_summary",
    "propose_to_registry",
    "report_fields",
    "report_map",
    "report_markdown",
    "report_rows",
    "report_text",
    "role_text",
    "sentence",
]

#: the lifecycle of a position, from the schema: illustrative -> subdistrict -> address -> surveyed
PRECISIONS = LAYERS["meal_points"].field("location_precision").allowed
LOCAL_TZ = ZoneInfo("Asia/Shanghai")
#: the layers a file may be imported into, the meal points first (the default)
IMPORT_LAYERS = ("meal_points", *(k for k in LAYERS if k != "meal_points"))
IMPORT_TYPES = UPLOAD_TYPES  # the same files as the Data page
MAX_CELL = 200  # characters of a value shown in a diff table
#: the meal-point fields an editor edits directly (the id is fixed; the position has its own map)
EDIT_FIELDS = tuple(f.name for f in LAYERS["meal_points"].fields if f.name not in ("id", "lat", "lon"))


def sentence(text: str) -> str:
    """A message fragment as a sentence (capital first letter)."""
    return text[:1].upper() + text[1:] if text else text


def _when(dt: datetime | None) -> str:
    if dt is None:
        return ""
    if dt.tzinfo is None:
        return dt.strftime("%Y-%m-%d %H:%M")
    return dt.astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M")


def _missing(v: object) -> bool:
    """None, NaN, pd.NA or NaT (a scalar; anything else is a value)."""
    try:
        return v is None or bool(pd.isna(v))  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return False


def _cell(v: object) -> str:
    """A value as shown in a table: text, cut, formula-like text neutralised."""
    if _missing(v):
        return ""
    s = str(v)
    if len(s) > MAX_CELL:
        s = s[: MAX_CELL - 1] + "…"
    return str(neutralise(s))


def _frame(rows: Iterable[Mapping[str, object]], columns: dict[str, str]) -> pd.DataFrame:
    """Rows (dicts by column key) as a DataFrame of neutralised text, headed in words."""
    data = [[_cell(r.get(c)) for c in columns] for r in rows]
    return pd.DataFrame(data, columns=list(columns.values()))


def role_text(actor: Actor, lang: str) -> str:
    role = "rv.role.publisher" if actor.publisher else "rv.role.editor"
    return t("rv.signed_in", lang, name=md_escape(actor.name), role=t(role, lang))


# ---------------------------------------------------------------- precision and history


def precision_counts(ds: Dataset, lang: str) -> pd.DataFrame:
    """Meal points by location precision, from illustrative to surveyed."""
    prec = ds.meal_points.get("location_precision", pd.Series(dtype=object)).astype(str)
    rows = [{"p": t(f"meal.precision.{p}", lang), "n": int((prec == p).sum())} for p in PRECISIONS]
    return _frame(rows, {"p": t("rv.col.precision", lang), "n": t("rv.col.count", lang)})


def precision_summary(ds: Dataset, lang: str) -> str:
    """ "已核实 3 / 60": points whose position is real (address or surveyed) of all."""
    prec = ds.meal_points.get("location_precision", pd.Series(dtype=object)).astype(str)
    return t("rv.verified", lang, n=verified_count(prec), total=len(prec))


def _source(cs: ChangeSet, lang: str) -> str:
    src = t(f"reg.source.{cs.source}", lang) if cs.source else ""
    return f"{src} · {cs.source_ref}" if cs.source_ref else src


def changeset_label(cs: ChangeSet, lang: str) -> str:
    """'#12 · 2026-01-05 10:30 · 居民报告 · report 3 · 张三' (plain text, for a select box)."""
    when = _when(cs.published_at or cs.created_at)
    who = cs.published_by or cs.created_by
    return " · ".join(p for p in (f"#{cs.id}", when, _source(cs, lang), who) if p)


def changeset_title(cs: ChangeSet, lang: str) -> str:
    """The same as :func:`changeset_label`, as Markdown (data escaped)."""
    return md_escape(changeset_label(cs, lang))


def history_rows(changesets: Iterable[ChangeSet], lang: str) -> pd.DataFrame:
    """Published change sets, one row each (newest first, as the registry gives them)."""
    rows = [
        {
            "id": cs.id,
            "when": _when(cs.published_at or cs.created_at),
            "by": cs.published_by or cs.created_by,
            "source": _source(cs, lang),
            "records": ", ".join(sorted({c.record_id for c in cs.changes}))[:MAX_CELL],
            "n": len(cs.changes),
            "note": cs.note,
        }
        for cs in changesets
    ]
    cols = {k: t(f"rv.col.{k}", lang) for k in ("id", "when", "by", "source", "records", "n", "note")}
    return _frame(rows, cols)


def field_label(layer: str, name: str, lang: str) -> str:
    return f"{name} · {LAYERS[layer].description(name, lang)}" if layer in LAYERS else name


def _change_field_rows(c: Change, lang: str) -> list[dict[str, object]]:
    op = t(f"rv.op.{c.op}", lang)
    fields = [(f.field, f.before, f.after) for f in c.fields]
    if not fields and c.op in ("add", "remove"):
        doc = (c.after if c.op == "add" else c.before) or {}
        fields = [(k, None if c.op == "add" else v, v if c.op == "add" else None) for k, v in doc.items()]
    return [
        {"layer": layer_title(c.layer, lang) if c.layer in LAYERS else c.layer, "record": c.record_id, "op": op}
        | {"field": name, "before": b, "after": a}
        for name, b, a in fields
    ]


def change_rows(changes: Iterable[Change], lang: str) -> pd.DataFrame:
    """Field by field: layer, record, what happened, field, before, after."""
    rows = [r for c in changes for r in _change_field_rows(c, lang)]
    cols = {k: t(f"rv.col.{k}", lang) for k in ("layer", "record", "op", "field", "before", "after")}
    return _frame(rows, cols)


# ---------------------------------------------------------------- maps of a change


def _position(doc: Mapping[str, Any] | None) -> tuple[float, float] | None:
    try:
        lon, lat = float(doc["lon"]), float(doc["lat"])  # type: ignore[index]
    except (TypeError, KeyError, ValueError):
        return None
    return None if pd.isna(lon) or pd.isna(lat) else (lon, lat)


def changeset_map(cs: ChangeSet, lang: str) -> folium.Map | None:
    """A before/after map of the first point change of a change set (None: no position)."""
    for c in cs.changes:
        before, after = _position(c.before), _position(c.after)
        if before or after:
            name = local_name(c.after or c.before or {}, lang)
            return change_map(lang, before, after or before, name)
    return None


def report_map(r: Report, ds: Dataset, lang: str) -> folium.Map | None:
    """The reported point where it is published, and the place the resident tapped."""
    row = _meal_row(ds, r.point_id)
    before = (float(row["lon"]), float(row["lat"])) if row is not None else None
    after = (r.lon, r.lat) if r.lon is not None and r.lat is not None else None
    if before is None and after is None:
        return None
    return change_map(lang, before, after, local_name(row, lang) if row is not None else "")


def _meal_row(ds: Dataset, point_id: str | None) -> pd.Series | None:
    if not point_id:
        return None
    mp = ds.meal_points
    rows = mp[mp["id"].astype(str) == str(point_id)]
    return None if rows.empty else rows.iloc[0]


# ---------------------------------------------------------------- the review queue


def report_rows(reports: Iterable[Report], lang: str) -> pd.DataFrame:
    rows = [
        {
            "id": r.id,
            "when": _when(r.created_at),
            "record": r.point_id or "",
            "kind": t(f"rv.rp.kind.{r.kind}", lang) if r.kind in REPORT_KINDS else r.kind,
            "text": r.text,
            "place": f"{r.lat:.5f}, {r.lon:.5f}" if r.lat is not None and r.lon is not None else "",
        }
        for r in reports
    ]
    return _frame(rows, {k: t(f"rv.col.{k}", lang) for k in ("id", "when", "record", "kind", "text", "place")})


def report_markdown(r: Report, ds: Dataset, lang: str) -> str:
    """A report's head line (Markdown; the point's name and the text escaped)."""
    row = _meal_row(ds, r.point_id)
    name = local_name(row, lang) if row is not None else (r.point_id or t("rv.report.no_point", lang))
    kind = t(f"rv.rp.kind.{r.kind}", lang) if r.kind in REPORT_KINDS else r.kind
    return t("rv.report.head", lang, id=r.id, kind=kind, name=md_escape(name), when=_when(r.created_at))


def report_fields(r: Report, ds: Dataset) -> dict[str, str]:
    """The edit an approval starts from: the point's published fields, with the tapped
    place for "moved"; a report of a new point starts from its place only."""
    row = _meal_row(ds, r.point_id)
    base = edit_defaults(row) if row is not None else {}
    if r.lat is not None and r.lon is not None and r.kind in ("moved", "new"):
        base |= {"lat": f"{r.lat:.6f}", "lon": f"{r.lon:.6f}"}
    return base


def edit_defaults(row: Mapping[str, Any] | None) -> dict[str, str]:
    """A record's fields as the edit form's text (empty for a missing value)."""
    if row is None:
        return {}
    out = {}
    for name in (*EDIT_FIELDS, "lat", "lon"):
        v = row.get(name)
        out[name] = "" if _missing(v) else str(v)
    return out


def edit_changes(form: Mapping[str, str], before: Mapping[str, str]) -> dict[str, object]:
    """The fields the editor changed (text as typed, stripped; empty -> None)."""
    out: dict[str, object] = {}
    for name, value in form.items():
        v = (value or "").strip()
        if v != (before.get(name) or "").strip():
            out[name] = v or None
    return out


def meal_choices(ds: Dataset, lang: str) -> dict[str, str]:
    """{id: "M05 · name"} of the published meal points, in id order."""
    mp = ds.meal_points.sort_values("id")
    return {str(r["id"]): f"{r['id']} · {local_name(r, lang)}" for _, r in mp.iterrows()}


# ---------------------------------------------------------------- errors and conflicts


def error_rows(exc: ImportRejected, lang: str) -> pd.DataFrame:
    """A rejected edit or file, issue by issue: row, field (column), message."""
    issues = [i for i in exc.report.issues if i.level == "error"] or list(exc.report.issues)
    rows = [{"row": i.row, "column": i.column or "", "message": i.message(lang)} for i in issues]
    return _frame(rows, {k: t(f"rv.col.{k}", lang) for k in ("row", "column", "message")})


def conflict_text(exc: Conflict, lang: str) -> str:
    return sentence(exc.message(lang))


def conflict_rows(exc: Conflict, lang: str) -> pd.DataFrame:
    """The other person's change, field by field (empty when the registry did not name it)."""
    return change_rows(exc.theirs.changes if exc.theirs else (), lang)


# ---------------------------------------------------------------- imports


def diff_counts(diff: ImportDiff, lang: str) -> str:
    return t(
        "rv.import.counts",
        lang,
        added=len(diff.added),
        changed=len(diff.changed),
        removed=len(diff.removed),
        unchanged=len(diff.unchanged),
    )


@dataclass(frozen=True)
class DiffTable:
    title: str
    table: pd.DataFrame


def diff_tables(diff: ImportDiff, lang: str) -> list[DiffTable]:
    """Added, changed (field by field) and removed records; empty parts left out."""
    parts = (("added", diff.added), ("changed", diff.changed), ("removed", diff.removed))
    return [
        DiffTable(t(f"rv.import.{name}", lang, n=len(changes)), change_rows(changes, lang))
        for name, changes in parts
        if changes
    ]


# ---------------------------------------------------------------- export


def export_zip(registry: Registry) -> bytes:
    """The whole registry and its history (``Registry.export``) as one zip."""
    buf = io.BytesIO()
    with tempfile.TemporaryDirectory(prefix="jinpu-export-") as tmp:
        files = registry.export(Path(tmp))
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            for f in files:
                z.write(f, Path(f).relative_to(tmp).as_posix() if Path(f).is_relative_to(tmp) else Path(f).name)
    return buf.getvalue()


# ---------------------------------------------------------------- the edit form


def precision_label(lang: str):
    """The format function of the precision select box."""
    return lambda p: t(f"meal.precision.{p}", lang) if p in PRECISIONS else str(p)


def placeholder(name: str) -> str:
    """The schema's example of a field, as the input's placeholder (dates: YYYY-MM-DD)."""
    f = LAYERS["meal_points"].field(name) if name in LAYERS["meal_points"].names else None
    if f is not None and f.kind == "date":
        return "YYYY-MM-DD"
    return f.example if f is not None else ""


def note_text(note: str) -> str:
    return md_escape(note)


def report_text(r: Report, lang: str) -> str:
    """The resident's words, as text (Markdown escaped), or that there are none."""
    if not (r.text or "").strip():
        return f"*{t('rv.report.no_text', lang)}*"
    return t("rv.report.text", lang, text=md_escape(r.text))


def accept_fields(r: Report, values: Mapping[str, str], ds: Dataset) -> dict[str, object]:
    """What approving a report changes: the fields that differ from the published point
    (for a new point: every field filled in)."""
    row = _meal_row(ds, r.point_id)
    if row is None:
        return {k: (v or "").strip() for k, v in values.items() if (v or "").strip()}
    return edit_changes(values, edit_defaults(row))


def click_position(click: Mapping[str, Any] | None) -> tuple[float, float] | None:
    """A tap on a blank (WGS-84) map as (lon, lat)."""
    return click_to_wgs84(click, "wgs84")


def form_position(values: Mapping[str, Any], prefix: str) -> tuple[float, float] | None:
    """The (lon, lat) typed in the form with the key prefix, when both are numbers."""
    try:
        lon, lat = float(values.get(f"{prefix}_lon")), float(values.get(f"{prefix}_lat"))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return (lon, lat) if abs(lat) <= 90 and abs(lon) <= 180 else None


def form_keys(values: Mapping[str, Any], prefix: str) -> list[str]:
    """The session keys of a form's inputs (to forget them: the form is prefilled again)."""
    return [k for k in values if isinstance(k, str) and k.startswith(f"{prefix}_")]


def import_issues(exc: ImportRejected, lang: str) -> pd.DataFrame:
    """A rejected file's report, row by row, as the data page shows an upload's."""
    return issues_table(exc.report.table(lang), lang)


def input_default(name: str, defaults: Mapping[str, str]) -> str:
    """A form input's first value: the record's, or (precision) the first level."""
    value = defaults.get(name, "")
    if name == "location_precision" and value not in PRECISIONS:
        return PRECISIONS[0]
    return value


def propose_to_registry(
    registry: Registry, actor: Actor, key: str, name: str, data: bytes, lang: str
) -> tuple[bool, str]:
    """An editor proposes a file uploaded on the data page to the registry (the batch
    import): (done, the message: the change set and its diff counts, or why not)."""
    try:
        diff = registry.propose_import(actor, key, data, name)
    except RegistryError as exc:
        return False, sentence(exc.message(lang))
    return True, t("rv.data.proposed", lang, id=diff.changeset.id, counts=diff_counts(diff, lang))
