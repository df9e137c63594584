"""Export and restore: the whole registry and its history as files.

``<layer>.csv`` (the published layers, formula-like text neutralised) and
``registry.gpkg`` (the same as GeoPackage layers) are for people and GIS; ``history.json``
(every record row, change set and change) and ``reports.json`` (every report) are the
backup: :func:`read` and :func:`load` put them back exactly into an empty registry.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, insert, select, text, update

from geo.data.export import to_csv
from geo.data.loader import Dataset
from geo.data.registry.models import ChangeRow, ChangeSetRow, Meta, RecordRow, ReportRow
from geo.data.registry.types import RegistryError
from geo.data.schema import LAYERS

FORMAT = "jinpu-registry/1"
HISTORY = "history.json"
REPORTS = "reports.json"
GPKG = "registry.gpkg"

_TABLES: dict[str, Any] = {"changesets": ChangeSetRow, "changes": ChangeRow, "records": RecordRow, "reports": ReportRow}
_TIMES = {"created_at", "published_at"}


def _row(table: Any, r: Any) -> dict[str, Any]:
    out = {}
    for col in table.__table__.columns:
        v = getattr(r, col.name)
        if isinstance(v, datetime):
            v = (v.replace(tzinfo=UTC) if v.tzinfo is None else v.astimezone(UTC)).isoformat()
        out[col.name] = v
    return out


def dump(conn: Connection) -> dict[str, Any]:
    """Every row of the registry's content tables (not accounts or logs), in key order."""
    state: dict[str, Any] = {"format": FORMAT}
    state["meta"] = {r.key: r.value for r in conn.execute(select(Meta)) if r.key in ("version", "seed")}
    order = {"changesets": "id", "changes": "id", "records": None, "reports": "id"}
    for name, table in _TABLES.items():
        q = select(table)
        q = q.order_by(table.layer, table.seq) if order[name] is None else q.order_by(table.id)
        state[name] = [_row(table, r) for r in conn.execute(q)]
    return state


def write(folder: Path, state: dict[str, Any], ds: Dataset) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for key in LAYERS:
        p = folder / LAYERS[key].filename.replace(".geojson", ".csv")
        p.write_bytes(to_csv(ds.layer(key), key))
        paths.append(p)
    gpkg = folder / GPKG
    gpkg.unlink(missing_ok=True)
    for key in LAYERS:
        gdf = ds.layer(key)
        gdf.to_file(gpkg, driver="GPKG", layer=key, engine="pyogrio")
    paths.append(gpkg)
    reports = state.pop("reports")
    for name, payload in ((HISTORY, state), (REPORTS, {"format": FORMAT, "reports": reports})):
        p = folder / name
        p.write_text(json.dumps(payload, ensure_ascii=False, indent=1, allow_nan=False) + "\n", encoding="utf-8")
        paths.append(p)
    state["reports"] = reports
    return paths


def read(folder: Path) -> tuple[dict[str, Any], str]:
    """The backup in ``folder`` and a reference to it ("history.json sha256:...")."""
    try:
        raw = (folder / HISTORY).read_bytes()
        state = json.loads(raw)
        reports = json.loads((folder / REPORTS).read_bytes())
    except (OSError, ValueError) as exc:
        raise RegistryError("reg.err.restore_bad", reason=type(exc).__name__) from exc
    if not isinstance(state, dict) or state.get("format") != FORMAT or reports.get("format") != FORMAT:
        raise RegistryError("reg.err.restore_bad", reason="format")
    state["reports"] = reports.get("reports", [])
    return state, f"{HISTORY} sha256:{hashlib.sha256(raw).hexdigest()}"


def _typed(table: Any, row: dict[str, Any]) -> dict[str, Any]:
    names = {c.name for c in table.__table__.columns}
    out = {k: v for k, v in row.items() if k in names}
    for k in _TIMES & out.keys():
        if out[k] is not None:
            out[k] = datetime.fromisoformat(out[k])
    return out


def load(conn: Connection, state: dict[str, Any]) -> None:
    """Insert a backup's rows (in the caller's transaction)."""
    try:
        for key, value in state["meta"].items():
            conn.execute(insert(Meta).values(key=str(key), value=str(value)))
        for name in ("changesets", "changes", "records"):
            rows = [_typed(_TABLES[name], r) for r in state[name]]
            if rows:
                conn.execute(insert(_TABLES[name]), rows)
        reports = [_typed(ReportRow, r) for r in state["reports"]]
        dups = {r["id"]: r.get("duplicate_of") for r in reports}
        if reports:
            conn.execute(insert(ReportRow), [{**r, "duplicate_of": None} for r in reports])
        for rid, dup in dups.items():
            if dup is not None:
                conn.execute(update(ReportRow).where(ReportRow.id == rid).values(duplicate_of=dup))
    except (KeyError, TypeError, ValueError) as exc:
        raise RegistryError("reg.err.restore_bad", reason=type(exc).__name__) from exc


def reset_sequences(conn: Connection) -> None:
    """PostgreSQL: move the id sequences past the restored ids."""
    for table in ("changesets", "changes", "reports"):
        conn.execute(
            text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE((SELECT MAX(id) FROM {table}), 1))")
        )
