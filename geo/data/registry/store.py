"""The :class:`Registry`: the published state, reports, change sets, history, accounts.

Every method that writes does so in one transaction (``db.writing``): a change set is
proposed whole and published whole, and a publish bumps the version in the same
transaction, so a reader (one snapshot, ``db.reading``) sees either all of it or none.
Roles are checked in the database on every call; an :class:`Actor` with ``via="cli"``
is the server's administrator (someone with a shell on the server) and passes them.
"""

from __future__ import annotations

import hashlib
import os
import re
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, and_, delete, func, insert, or_, select, text, update
from sqlalchemy.exc import IntegrityError

from geo.data.loader import DATA_DIR, Dataset, load_bundled, validate_bytes
from geo.data.registry import accounts, backup
from geo.data.registry.db import guarded, is_sqlite, make_engine, mask_url, reading, writing
from geo.data.registry.diff import diff_layer, make_change
from geo.data.registry.limits import RATE_CLIENT, RATE_SERVER, SIGN_IN_WINDOW, check_report, sign_in_delay
from geo.data.registry.models import (
    AuthLog,
    ChangeRow,
    ChangeSetRow,
    EditorRow,
    Meta,
    RateEvent,
    RecordRow,
    ReportRow,
)
from geo.data.registry.records import (
    GEOMETRY,
    Doc,
    docs_of,
    dumps,
    full,
    is_polygon_layer,
    loads,
    validate_docs,
    wkts_of,
)
from geo.data.registry.types import (
    Actor,
    Change,
    ChangeSet,
    Conflict,
    ImportDiff,
    ImportRejected,
    NotAllowed,
    RateLimited,
    RegistryError,
    Report,
)
from geo.data.schema import LAYERS
from geo.data.validate import Context

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
#: The default database file (gitignored), beside the repository's data/ folder.
DEFAULT_DB = DATA_DIR.parent / ".registry" / "jinpu.db"
#: The seed's files, hashed into change set #1's source_ref.
SEED_FILES = tuple(layer.filename for layer in LAYERS.values())
#: PostgreSQL advisory lock held while migrating (two servers starting at once).
_MIGRATION_LOCK = 715_001


def now() -> datetime:
    return datetime.now(UTC)


def utc(dt: datetime | None) -> datetime | None:
    """A stored time as timezone-aware UTC (SQLite gives naive UTC back)."""
    if dt is None:
        return None
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)


def _utc(dt: datetime) -> datetime:
    out = utc(dt)
    assert out is not None
    return out


# ---------------------------------------------------------------- reading rows


def _changesets(
    conn: Connection, ids: Sequence[int], layer: str | None = None, record_id: str | None = None
) -> list[ChangeSet]:
    """The change sets ``ids`` (in that order) with their changes (only ``layer`` /
    ``record_id``'s when given)."""
    if not ids:
        return []
    rows = {r.id: r for r in conn.execute(select(ChangeSetRow).where(ChangeSetRow.id.in_(list(ids))))}
    q = select(ChangeRow).where(ChangeRow.changeset_id.in_(list(ids))).order_by(ChangeRow.changeset_id, ChangeRow.seq)
    if layer is not None:
        q = q.where(ChangeRow.layer == layer)
    if record_id is not None:
        q = q.where(ChangeRow.record_id == record_id)
    changes: dict[int, list[Change]] = {}
    for c in conn.execute(q):
        changes.setdefault(c.changeset_id, []).append(
            make_change(c.layer, c.record_id, c.op, loads(c.before), loads(c.after), c.base_version)
        )
    out = []
    for i in ids:
        r = rows.get(i)
        if r is None:
            continue
        out.append(
            ChangeSet(
                id=r.id,
                status=r.status,
                created_at=_utc(r.created_at),
                created_by=r.created_by,
                source=r.source,
                source_ref=r.source_ref,
                note=r.note,
                published_at=utc(r.published_at),
                published_by=r.published_by,
                reason=r.reason,
                reverts=r.reverts,
                changes=tuple(changes.get(i, [])),
            )
        )
    return out


def _changeset(conn: Connection, cs_id: int) -> ChangeSet:
    found = _changesets(conn, [cs_id])
    if not found:
        raise RegistryError("reg.err.unknown_changeset", id=cs_id)
    return found[0]


def _report(r: Any) -> Report:
    return Report(
        id=r.id,
        created_at=_utc(r.created_at),
        point_id=r.point_id,
        kind=r.kind,
        text=r.text,
        lat=r.lat,
        lon=r.lon,
        status=r.status,
        reason=r.reason,
        reviewed_by=r.reviewed_by,
        changeset_id=r.changeset_id,
        duplicate_of=r.duplicate_of,
    )


def _record_row(conn: Connection, layer: str, record_id: str) -> Any:
    return conn.execute(select(RecordRow).where(RecordRow.layer == layer, RecordRow.record_id == record_id)).first()


def _conflict(
    conn: Connection, layer: str, record_id: str, theirs_id: int | None, key: str = "reg.err.conflict"
) -> Conflict:
    theirs = _changesets(conn, [theirs_id])[0] if theirs_id is not None else None
    return Conflict(
        key,
        theirs,
        layer=layer,
        record_id=record_id,
        cs=theirs_id if theirs_id is not None else "?",
        by=theirs.published_by or theirs.created_by if theirs else "?",
        when=(theirs.published_at or theirs.created_at).strftime("%Y-%m-%d %H:%M UTC") if theirs else "?",
    )


def _inserted_id(res: Any) -> int:
    key = res.inserted_primary_key
    assert key is not None
    return int(key[0])


def _version(conn: Connection, lock: bool = False) -> int:
    q = select(Meta.value).where(Meta.key == "version")
    if lock:
        q = q.with_for_update()
    v = conn.execute(q).scalar()
    return int(v) if v is not None else 0


# ---------------------------------------------------------------- writing rows


def _split(layer: str, doc: Mapping[str, Any]) -> tuple[str, str | None]:
    """A full document as (JSON of the schema fields, WKT or None)."""
    names = LAYERS[layer].names
    wkt = doc.get(GEOMETRY) if is_polygon_layer(layer) else None
    return dumps({n: doc.get(n) for n in names}) or "{}", None if wkt is None else str(wkt)


@dataclass
class PublishState:
    """What a publish keeps while it applies a change set's changes: the records' current
    (version, deleted, changeset) read once, the next ``seq`` per layer, new rows to insert."""

    current: dict[tuple[str, str], tuple[int, bool, int]]
    next_seq: dict[str, int] = field(default_factory=dict)
    inserts: list[dict[str, Any]] = field(default_factory=list)


def apply_change(conn: Connection, ch: Any, cs_id: int, state: PublishState) -> None:
    """Write one change of change set ``cs_id`` to ``records``; Conflict when the record
    is not as the change expects (changed since its base version, or already there)."""
    layer, rid = ch.layer, ch.record_id
    cur = state.current.get((layer, rid))
    if ch.op == "add":
        if cur is not None and not cur[1]:
            raise _conflict(conn, layer, rid, cur[2], "reg.err.conflict_exists")
        doc, wkt = _split(layer, loads(ch.after) or {})
        if cur is None:
            if layer not in state.next_seq:
                top = conn.execute(select(func.max(RecordRow.seq)).where(RecordRow.layer == layer)).scalar()
                state.next_seq[layer] = (top or 0) + 1
            state.inserts.append(
                {
                    "layer": layer,
                    "record_id": rid,
                    "seq": state.next_seq[layer],
                    "doc": doc,
                    "geometry": wkt,
                    "version": 1,
                    "changeset_id": cs_id,
                    "deleted": False,
                }
            )
            state.next_seq[layer] += 1
            state.current[(layer, rid)] = (1, False, cs_id)
            return
        values: dict[str, Any] = {"doc": doc, "geometry": wkt, "deleted": False}
        expect = cur[0]
    else:
        if cur is None or cur[1] or cur[0] != ch.base_version:
            raise _conflict(conn, layer, rid, None if cur is None else cur[2])
        expect = ch.base_version
        if ch.op == "remove":
            values = {"deleted": True}
        else:
            doc, wkt = _split(layer, loads(ch.after) or {})
            values = {"doc": doc, "geometry": wkt}
    res = conn.execute(
        update(RecordRow)
        .where(RecordRow.layer == layer, RecordRow.record_id == rid, RecordRow.version == expect)
        .values(**values, version=expect + 1, changeset_id=cs_id)
    )
    if res.rowcount != 1:
        raise _conflict(conn, layer, rid, cur[2])
    state.current[(layer, rid)] = (expect + 1, ch.op == "remove", cs_id)


def _propose(
    conn: Connection,
    by: str,
    source: str,
    source_ref: str,
    note: str,
    changes: Iterable[Change],
    reverts: int | None = None,
) -> int:
    res = conn.execute(
        insert(ChangeSetRow).values(
            status="proposed",
            created_at=now(),
            created_by=by,
            source=source,
            source_ref=source_ref,
            note=str(note or ""),
            reason="",
            reverts=reverts,
        )
    )
    cs_id = _inserted_id(res)
    rows = [
        {
            "changeset_id": cs_id,
            "seq": i,
            "layer": c.layer,
            "record_id": c.record_id,
            "op": c.op,
            "before": dumps(c.before),
            "after": dumps(c.after),
            "base_version": c.base_version,
        }
        for i, c in enumerate(changes)
    ]
    if rows:
        conn.execute(insert(ChangeRow), rows)
    return cs_id


def _live_rows(conn: Connection) -> Sequence[Any]:
    """Every published record (layer, doc, geometry), in layer and file order."""
    return conn.execute(
        select(RecordRow.layer, RecordRow.doc, RecordRow.geometry)
        .where(RecordRow.deleted.is_(False))
        .order_by(RecordRow.layer, RecordRow.seq)
    ).all()


def dataset_of(rows: Sequence[Any]) -> Dataset:
    """The published layers as a Dataset, read through the same validator as an upload
    (subdistricts first: the points are checked against them); RegistryError
    ``reg.err.published_invalid`` when they do not pass."""
    by_layer: dict[str, list[tuple[Doc, str | None]]] = {k: [] for k in LAYERS}
    for r in rows:
        by_layer[r.layer].append((loads(r.doc) or {}, r.geometry))
    parts = {}
    ctx = Context()
    for key in LAYERS:
        docs = [d for d, _ in by_layer[key]]
        rep = validate_docs(key, docs, [w for _, w in by_layer[key]], ctx)
        if not rep.ok:
            raise RegistryError("reg.err.published_invalid", layer=key, first=[*rep.lines("en"), ""][1][:200])
        parts[key] = rep.data
        if key == "subdistricts":
            ctx = Context(subdistricts=rep.data)
    return Dataset(**parts, sources={k: "registry" for k in LAYERS})


def _publish_in(conn: Connection, cs_id: int, by: str) -> None:
    """Apply change set ``cs_id`` and bump the version, inside the caller's transaction.
    What would be published is read back through the validator first: a change set that
    would leave the layers invalid together (e.g. subdistricts whose codes the meal points
    no longer find) raises RegistryError and the transaction changes nothing."""
    version = _version(conn, lock=True)
    changes = conn.execute(select(ChangeRow).where(ChangeRow.changeset_id == cs_id).order_by(ChangeRow.seq)).all()
    layers = sorted({ch.layer for ch in changes})
    rows = conn.execute(
        select(
            RecordRow.layer, RecordRow.record_id, RecordRow.version, RecordRow.deleted, RecordRow.changeset_id
        ).where(RecordRow.layer.in_(layers))
    )
    state = PublishState({(r.layer, r.record_id): (int(r.version), bool(r.deleted), int(r.changeset_id)) for r in rows})
    for ch in changes:
        apply_change(conn, ch, cs_id, state)
    if state.inserts:
        conn.execute(insert(RecordRow), state.inserts)
    if layers:
        try:
            dataset_of(_live_rows(conn))
        except RegistryError as exc:
            raise RegistryError("reg.err.publish_invalid", **exc.params) from None
    conn.execute(update(Meta).where(Meta.key == "version").values(value=str(version + 1)))
    conn.execute(
        update(ChangeSetRow)
        .where(ChangeSetRow.id == cs_id, ChangeSetRow.status == "proposed")
        .values(status="published", published_at=now(), published_by=by)
    )


def _ensure_meta(conn: Connection) -> None:
    have = set(conn.execute(select(Meta.key)).scalars())
    for key, value in (("version", "0"), ("rate", "")):
        if key not in have:
            conn.execute(insert(Meta).values(key=key, value=value))


def _next_id(conn: Connection, layer: str) -> str:
    """A new record id for ``layer``: the ids' letter prefix and the next number."""
    ids = list(conn.execute(select(RecordRow.record_id).where(RecordRow.layer == layer)).scalars())
    best: tuple[str, int, int] = ({"projects": "P", "meal_points": "M"}.get(layer, "R"), 0, 2)
    for rid in ids:
        m = re.fullmatch(r"([A-Za-z]*)(\d+)", rid)
        if m and int(m.group(2)) >= best[1]:
            best = (m.group(1), int(m.group(2)), len(m.group(2)))
    prefix, n, width = best
    return f"{prefix}{n + 1:0{width}d}"


def default_db_path(seed_dir: Path | None) -> Path:
    """The SQLite file used when no database is named: DEFAULT_DB for the bundled data,
    ``seed-<hash of the layer files>.db`` beside it for another seed folder."""
    if seed_dir is None or seed_dir.resolve() == DATA_DIR.resolve():
        return DEFAULT_DB
    names = [layer.filename for layer in LAYERS.values()]
    return DEFAULT_DB.with_name(f"seed-{files_hash(seed_dir, names)}.db")


def files_hash(folder: Path, names: Iterable[str]) -> str:
    h = hashlib.sha256()
    for name in names:
        p = folder / name
        h.update(name.encode() + b"\0")
        h.update(p.read_bytes() if p.is_file() else b"")
    return h.hexdigest()[:16]


# ---------------------------------------------------------------- the registry


class Registry:
    """The registry at a SQLAlchemy URL (SQLite file or PostgreSQL)."""

    def __init__(self, url: str, *, seed_dir: Path | None = None) -> None:
        self.url = url
        self.seed_dir = Path(seed_dir) if seed_dir is not None else DATA_DIR
        self.url_display = mask_url(url)
        #: how a sign-in waits (replaced in tests to record the delay instead)
        self.sleep: Callable[[float], None] = time.sleep
        self._engine: Engine | None = None
        self._cache: tuple[int, Dataset] | None = None

    @classmethod
    def from_env(cls, secrets_url: str | None = None) -> Registry:
        """The registry named by env JINPU_DB_URL, else ``secrets_url`` (st.secrets), else
        the SQLite file at env JINPU_DB_PATH, else a file in <repo>/.registry/; seeded from
        env JINPU_DATA_DIR or the bundled data/ folder.

        That last file is ``jinpu.db`` for the bundled data, and for a JINPU_DATA_DIR one
        file per content of that folder's layer files (``seed-<hash>.db``): files dropped
        into a folder are what the app shows, never a registry seeded earlier from other
        files. A deployment that edits its data names its database (JINPU_DB_URL)."""
        url = os.environ.get("JINPU_DB_URL") or secrets_url
        seed = os.environ.get("JINPU_DATA_DIR")
        if not url:
            path = Path(os.environ.get("JINPU_DB_PATH") or default_db_path(Path(seed) if seed else None)).resolve()
            url = f"sqlite:///{path}"
        return cls(url, seed_dir=Path(seed) if seed else None)

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = make_engine(self.url)
        return self._engine

    def dispose(self) -> None:
        """Close the pooled connections (tests; a process that forks)."""
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    # ------------------------------------------------------------ set-up

    @guarded
    def migrate(self) -> None:
        """Bring the tables to the newest migration (Alembic ``upgrade head``)."""
        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        with writing(self.engine) as conn:
            if not is_sqlite(self.engine):
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _MIGRATION_LOCK})
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")

    def init(self) -> None:
        """Migrate, and seed change set #1 from the seed folder when there is no change
        set yet. Idempotent; safe when two processes start at once."""
        self.migrate()
        self._seed()

    @guarded
    def _seed(self) -> None:
        with reading(self.engine) as conn:
            if conn.execute(select(func.count()).select_from(ChangeSetRow)).scalar():
                return
        try:
            ds = load_bundled(self.seed_dir)
        except (ValueError, OSError) as exc:
            raise RegistryError("reg.err.seed_invalid", reason=str(exc).splitlines()[0][:200]) from exc
        ref = f"{self.seed_dir.name} sha256:{files_hash(self.seed_dir, SEED_FILES)}"
        changes = [
            make_change(key, str(doc[LAYERS[key].id_field]), "add", None, full(key, doc, wkt), None)
            for key in LAYERS
            for doc, wkt in zip(docs_of(key, ds.layer(key)), wkts_of(key, ds.layer(key)))
        ]
        try:
            with writing(self.engine) as conn:
                if conn.execute(select(func.count()).select_from(ChangeSetRow)).scalar():
                    return
                conn.execute(insert(Meta).values(key="seed", value=ref))  # unique: one seed
                _ensure_meta(conn)
                cs_id = _propose(conn, "system", "seed", ref, "", changes)
                _publish_in(conn, cs_id, "system")
        except IntegrityError:
            return  # another process seeded at the same moment

    # ------------------------------------------------------------ the published state

    @guarded
    def version(self) -> int:
        """The published version: one cheap SELECT; bumps on every publish."""
        with reading(self.engine) as conn:
            return _version(conn)

    @guarded
    def published(self) -> tuple[int, Dataset]:
        """The published version and layers, from one snapshot (cached per version)."""
        with reading(self.engine) as conn:
            v = _version(conn)
            cached = self._cache
            if cached is not None and cached[0] == v:
                return cached
            rows = _live_rows(conn)
        out = (v, dataset_of(rows))
        self._cache = out
        return out

    def _context(self, conn: Connection, layer: str) -> Context:
        """What an edit or import of ``layer`` is validated against: the published subdistricts."""
        if layer == "subdistricts":
            return Context()
        v = _version(conn)
        cached = self._cache
        if cached is None or cached[0] != v:
            cached = (v, dataset_of(_live_rows(conn)))
            self._cache = cached
        return Context(subdistricts=cached[1].subdistricts)

    @guarded
    def record(self, layer: str, record_id: str) -> tuple[dict[str, object], int] | None:
        """A published record's fields (with ``geometry`` as WKT for a subdistrict) and its
        version (the optimistic-lock token for edits); None when there is none."""
        _check_layer(layer)
        with reading(self.engine) as conn:
            r = _record_row(conn, layer, record_id)
        if r is None or r.deleted:
            return None
        return full(layer, loads(r.doc), r.geometry) or {}, int(r.version)

    @guarded
    def status(self) -> dict[str, Any]:
        """Counts for ``python -m geo registry status``."""
        with reading(self.engine) as conn:
            records = dict(
                conn.execute(
                    select(RecordRow.layer, func.count()).where(RecordRow.deleted.is_(False)).group_by(RecordRow.layer)
                ).all()
            )
            return {
                "version": _version(conn),
                "records": {k: int(records.get(k, 0)) for k in LAYERS},
                "reports": conn.execute(
                    select(func.count()).select_from(ReportRow).where(ReportRow.status == "pending")
                ).scalar(),
                "pending": conn.execute(
                    select(func.count()).select_from(ChangeSetRow).where(ChangeSetRow.status == "proposed")
                ).scalar(),
                "editors": conn.execute(
                    select(func.count()).select_from(EditorRow).where(EditorRow.active.is_(True))
                ).scalar(),
            }

    # ------------------------------------------------------------ residents' reports

    @guarded
    def add_report(
        self, *, point_id: str | None, kind: str, text: str, lat: float | None, lon: float | None, client: str
    ) -> int:
        """Store a resident's report as pending; RegistryError for a bad report,
        RateLimited past the limits (per client key, per server)."""
        check_report(kind, text, lat, lon)
        if kind != "new" and not point_id:
            raise RegistryError("reg.err.report_point_needed")
        key = accounts.client_key(client)
        with writing(self.engine) as conn:
            conn.execute(select(Meta.value).where(Meta.key == "rate").with_for_update())  # one at a time
            if point_id is not None:
                r = _record_row(conn, "meal_points", str(point_id))
                if r is None or r.deleted:
                    raise RegistryError("reg.err.unknown_record", layer="meal_points", record_id=str(point_id)[:80])
            t = now()
            limit, window = RATE_CLIENT
            n = conn.execute(
                select(func.count())
                .select_from(RateEvent)
                .where(RateEvent.client == key, RateEvent.at > t - timedelta(seconds=window))
            ).scalar()
            if (n or 0) >= limit:
                raise RateLimited("reg.err.rate_client", limit=limit, minutes=window // 60)
            slimit, swindow = RATE_SERVER
            n = conn.execute(
                select(func.count()).select_from(RateEvent).where(RateEvent.at > t - timedelta(seconds=swindow))
            ).scalar()
            if (n or 0) >= slimit:
                raise RateLimited("reg.err.rate_server", limit=slimit, minutes=swindow // 60)
            keep = max(window, swindow)
            conn.execute(delete(RateEvent).where(RateEvent.at < t - timedelta(seconds=keep)))
            conn.execute(insert(RateEvent).values(at=t, client=key))
            res = conn.execute(
                insert(ReportRow).values(
                    created_at=t,
                    point_id=None if point_id is None else str(point_id),
                    kind=kind,
                    text=text,
                    lat=None if lat is None else float(lat),
                    lon=None if lon is None else float(lon),
                    status="pending",
                    reason="",
                    client=key,
                )
            )
            return _inserted_id(res)

    @guarded
    def pending_reports(self, actor: Actor) -> list[Report]:
        with reading(self.engine) as conn:
            self._require(conn, actor)
            rows = conn.execute(select(ReportRow).where(ReportRow.status == "pending").order_by(ReportRow.id)).all()
        return [_report(r) for r in rows]

    @guarded
    def report(self, actor: Actor, report_id: int) -> Report:
        with reading(self.engine) as conn:
            self._require(conn, actor)
            return _report(self._report_row(conn, report_id))

    @staticmethod
    def _report_row(conn: Connection, report_id: int, pending: bool = False) -> Any:
        r = conn.execute(select(ReportRow).where(ReportRow.id == int(report_id))).first()
        if r is None:
            raise RegistryError("reg.err.unknown_report", id=report_id)
        if pending and r.status != "pending":
            raise RegistryError("reg.err.report_not_pending", id=report_id, status=r.status)
        return r

    @guarded
    def reject_report(self, actor: Actor, report_id: int, reason: str) -> None:
        with writing(self.engine) as conn:
            self._require(conn, actor)
            self._report_row(conn, report_id, pending=True)
            conn.execute(
                update(ReportRow)
                .where(ReportRow.id == int(report_id))
                .values(status="rejected", reason=str(reason or ""), reviewed_by=actor.name)
            )

    @guarded
    def merge_report(self, actor: Actor, report_id: int, into: int) -> None:
        """Mark a report as a duplicate of report ``into``."""
        with writing(self.engine) as conn:
            self._require(conn, actor)
            self._report_row(conn, report_id, pending=True)
            if (
                int(into) == int(report_id)
                or conn.execute(select(ReportRow.id).where(ReportRow.id == int(into))).first() is None
            ):
                raise RegistryError("reg.err.merge_into")
            conn.execute(
                update(ReportRow)
                .where(ReportRow.id == int(report_id))
                .values(status="merged", duplicate_of=int(into), reviewed_by=actor.name)
            )

    @guarded
    def accept_report(
        self, actor: Actor, report_id: int, fields: dict[str, object], *, publish: bool = False, note: str = ""
    ) -> ChangeSet:
        """Turn a report into a proposed change set (source "report", source_ref
        "report N") applying ``fields`` to its point: a whole new record for kind "new",
        a removal for kind "closed" with no fields, else an edit of the point's current
        version. Published at once when ``publish`` and the actor is a publisher."""
        with writing(self.engine) as conn:
            self._require(conn, actor)
            r = self._report_row(conn, report_id, pending=True)
            layer = "meal_points"
            if r.kind == "new" or not r.point_id:
                change = self._add_change(conn, layer, fields)
            else:
                cur = _record_row(conn, layer, r.point_id)
                if cur is None or cur.deleted:
                    raise RegistryError("reg.err.unknown_record", layer=layer, record_id=r.point_id)
                if r.kind == "closed" and not fields:
                    change = self._remove_change(conn, layer, r.point_id, cur.version)
                else:
                    change = self._edit_change(conn, layer, r.point_id, fields, cur.version)
            cs_id = _propose(conn, actor.name, "report", f"report {r.id}", note, [change])
            conn.execute(
                update(ReportRow)
                .where(ReportRow.id == r.id)
                .values(status="accepted", changeset_id=cs_id, reviewed_by=actor.name)
            )
            return self._finish(conn, actor, cs_id, publish)

    # ------------------------------------------------------------ edits

    def _finish(self, conn: Connection, actor: Actor, cs_id: int, publish: bool) -> ChangeSet:
        if publish and self._is_publisher(conn, actor):
            _publish_in(conn, cs_id, actor.name)
        return _changeset(conn, cs_id)

    def _validated(self, conn: Connection, layer: str, doc: Mapping[str, Any]) -> Doc:
        """A full document through the validator; its typed values back as a document."""
        docs: list[Mapping[str, Any]] = [doc]
        at = 0
        if is_polygon_layer(layer):  # the subdistricts are checked as a whole (all codes, overlaps)
            id_field = LAYERS[layer].id_field
            others = [
                full(layer, loads(r.doc), r.geometry) or {}
                for r in conn.execute(
                    select(RecordRow)
                    .where(RecordRow.layer == layer, RecordRow.deleted.is_(False))
                    .order_by(RecordRow.seq)
                )
            ]
            ids = [o.get(id_field) for o in others]
            at = ids.index(doc.get(id_field)) if doc.get(id_field) in ids else len(others)
            docs = [*others[:at], doc, *others[at + 1 :]]
        wkts = [None if d.get(GEOMETRY) is None else str(d.get(GEOMETRY)) for d in docs]
        rep = validate_docs(
            layer, docs, wkts if is_polygon_layer(layer) else None, self._context(conn, layer), file=layer
        )
        if not rep.ok or rep.data is None:
            raise ImportRejected("reg.err.invalid_edit", rep, n=len(rep.errors))
        return full(layer, docs_of(layer, rep.data)[at], wkts_of(layer, rep.data)[at]) or {}

    @staticmethod
    def _check_fields(layer: str, fields: Mapping[str, object]) -> None:
        allowed = set(LAYERS[layer].names) | ({GEOMETRY} if is_polygon_layer(layer) else set())
        unknown = sorted(str(k)[:40] for k in fields if k not in allowed)
        if unknown:
            raise RegistryError("reg.err.unknown_field", fields=", ".join(unknown))

    def _edit_change(
        self, conn: Connection, layer: str, record_id: str, fields: Mapping[str, object], base_version: int
    ) -> Change:
        self._check_fields(layer, fields)
        cur = _record_row(conn, layer, record_id)
        if cur is None or cur.deleted:
            raise RegistryError("reg.err.unknown_record", layer=layer, record_id=str(record_id)[:80])
        if cur.version != base_version:
            raise _conflict(conn, layer, record_id, cur.changeset_id)
        id_field = LAYERS[layer].id_field
        if id_field in fields and str(fields[id_field]) != record_id:
            raise RegistryError("reg.err.id_fixed", record_id=record_id)
        before = full(layer, loads(cur.doc), cur.geometry) or {}
        after = self._validated(conn, layer, {**before, **fields})
        if after == before:
            raise RegistryError("reg.err.no_change")
        return make_change(layer, record_id, "change", before, after, cur.version)

    def _add_change(self, conn: Connection, layer: str, fields: Mapping[str, object]) -> Change:
        self._check_fields(layer, fields)
        id_field = LAYERS[layer].id_field
        rid = str(fields.get(id_field) or "").strip() or _next_id(conn, layer)
        cur = _record_row(conn, layer, rid)
        if cur is not None and not cur.deleted:
            raise RegistryError("reg.err.id_exists", record_id=rid)
        after = self._validated(conn, layer, {**fields, id_field: rid})
        return make_change(layer, rid, "add", None, after, None)

    def _remove_change(self, conn: Connection, layer: str, record_id: str, base_version: int) -> Change:
        cur = _record_row(conn, layer, record_id)
        if cur is None or cur.deleted:
            raise RegistryError("reg.err.unknown_record", layer=layer, record_id=str(record_id)[:80])
        if cur.version != base_version:
            raise _conflict(conn, layer, record_id, cur.changeset_id)
        return make_change(layer, record_id, "remove", full(layer, loads(cur.doc), cur.geometry), None, cur.version)

    @guarded
    def propose_edit(
        self,
        actor: Actor,
        layer: str,
        record_id: str,
        fields: dict[str, object],
        base_version: int,
        *,
        note: str = "",
        publish: bool = False,
    ) -> ChangeSet:
        """Propose changing some fields of a record read at ``base_version``; Conflict
        (naming the change set that changed it) when it changed since."""
        _check_layer(layer)
        with writing(self.engine) as conn:
            self._require(conn, actor)
            change = self._edit_change(conn, layer, record_id, fields, base_version)
            cs_id = _propose(conn, actor.name, "edit", "", note, [change])
            return self._finish(conn, actor, cs_id, publish)

    @guarded
    def propose_add(
        self, actor: Actor, layer: str, fields: dict[str, object], *, note: str = "", publish: bool = False
    ) -> ChangeSet:
        """Propose a new record (its id is given, or the next free one)."""
        _check_layer(layer)
        with writing(self.engine) as conn:
            self._require(conn, actor)
            change = self._add_change(conn, layer, fields)
            cs_id = _propose(conn, actor.name, "edit", "", note, [change])
            return self._finish(conn, actor, cs_id, publish)

    @guarded
    def propose_remove(
        self, actor: Actor, layer: str, record_id: str, base_version: int, *, note: str = "", publish: bool = False
    ) -> ChangeSet:
        _check_layer(layer)
        with writing(self.engine) as conn:
            self._require(conn, actor)
            change = self._remove_change(conn, layer, record_id, base_version)
            cs_id = _propose(conn, actor.name, "edit", "", note, [change])
            return self._finish(conn, actor, cs_id, publish)

    # ------------------------------------------------------------ change sets

    @guarded
    def pending_changesets(self, actor: Actor) -> list[ChangeSet]:
        with reading(self.engine) as conn:
            self._require(conn, actor)
            ids = list(
                conn.execute(
                    select(ChangeSetRow.id).where(ChangeSetRow.status == "proposed").order_by(ChangeSetRow.id)
                ).scalars()
            )
            return _changesets(conn, ids)

    @guarded
    def changeset(self, changeset_id: int) -> ChangeSet:
        """A published change set (public); others need :meth:`changeset_for`."""
        with reading(self.engine) as conn:
            cs = _changeset(conn, int(changeset_id))
        if cs.status != "published":
            raise NotAllowed("reg.err.not_editor")
        return cs

    @guarded
    def changeset_for(self, actor: Actor, changeset_id: int) -> ChangeSet:
        with reading(self.engine) as conn:
            self._require(conn, actor)
            return _changeset(conn, int(changeset_id))

    @guarded
    def publish(self, actor: Actor, changeset_id: int) -> ChangeSet:
        """Apply a proposed change set whole and bump the version (publishers only);
        Conflict, and nothing written, if any record changed since the proposal."""
        with writing(self.engine) as conn:
            self._require(conn, actor, publisher=True)
            cs = _changeset(conn, int(changeset_id))
            if cs.status != "proposed":
                raise RegistryError("reg.err.changeset_state", id=cs.id, status=cs.status)
            _publish_in(conn, cs.id, actor.name)
            return _changeset(conn, cs.id)

    @guarded
    def reject(self, actor: Actor, changeset_id: int, reason: str) -> None:
        """Set a proposed change set aside: "rejected" ("discarded" for an import). A
        publisher may do it to any, an editor to their own; its reports become pending."""
        with writing(self.engine) as conn:
            self._require(conn, actor)
            cs = _changeset(conn, int(changeset_id))
            if cs.created_by != actor.name and not self._is_publisher(conn, actor):
                raise NotAllowed("reg.err.not_publisher")
            if cs.status != "proposed":
                raise RegistryError("reg.err.changeset_state", id=cs.id, status=cs.status)
            conn.execute(
                update(ChangeSetRow)
                .where(ChangeSetRow.id == cs.id)
                .values(status="discarded" if cs.source == "import" else "rejected", reason=str(reason or ""))
            )
            conn.execute(
                update(ReportRow)
                .where(ReportRow.changeset_id == cs.id)
                .values(status="pending", changeset_id=None, reviewed_by=None)
            )

    # ------------------------------------------------------------ imports

    @guarded
    def propose_import(self, actor: Actor, layer: str, data: bytes, filename: str, *, note: str = "") -> ImportDiff:
        """A file (any format the validator reads) as one proposed change set with its
        diff against the published layer; ImportRejected with the validator's report."""
        _check_layer(layer)
        name = Path(str(filename)).name[:200] or "upload"
        with writing(self.engine) as conn:
            self._require(conn, actor)
            rep = validate_bytes(layer, data, name, self._context(conn, layer))
            if not rep.ok or rep.data is None:
                raise ImportRejected("reg.err.import_rejected", rep, n=len(rep.errors))
            incoming = [full(layer, d, w) or {} for d, w in zip(docs_of(layer, rep.data), wkts_of(layer, rep.data))]
            published = {
                r.record_id: (full(layer, loads(r.doc), r.geometry) or {}, int(r.version))
                for r in conn.execute(
                    select(RecordRow)
                    .where(RecordRow.layer == layer, RecordRow.deleted.is_(False))
                    .order_by(RecordRow.seq)
                )
            }
            d = diff_layer(layer, published, incoming)
            if not d.changes:
                raise RegistryError("reg.err.no_change")
            ref = f"{name} sha256:{hashlib.sha256(data).hexdigest()}"
            cs_id = _propose(conn, actor.name, "import", ref, note, d.changes)
            cs = _changeset(conn, cs_id)
        return ImportDiff(cs, d.added, d.changed, d.removed, d.unchanged)

    # ------------------------------------------------------------ history

    @guarded
    def history(self, *, layer: str | None = None, record_id: str | None = None, limit: int = 200) -> list[ChangeSet]:
        """Published change sets, newest first. With ``layer`` / ``record_id`` only those
        that touched it, each with only that layer's / record's changes."""
        q = select(ChangeSetRow.id).where(ChangeSetRow.status == "published")
        conds = []
        if layer is not None:
            conds.append(ChangeRow.layer == layer)
        if record_id is not None:
            conds.append(ChangeRow.record_id == record_id)
        if conds:
            q = q.where(ChangeSetRow.id.in_(select(ChangeRow.changeset_id).where(and_(*conds))))
        q = q.order_by(ChangeSetRow.id.desc()).limit(int(limit))
        with reading(self.engine) as conn:
            ids = list(conn.execute(q).scalars())
            return _changesets(conn, ids, layer, record_id)

    @guarded
    def revert(self, actor: Actor, changeset_id: int, *, note: str = "") -> ChangeSet:
        """Publish a new change set that restores what change set ``changeset_id``
        changed; Conflict when a later change set changed one of its records."""
        with writing(self.engine) as conn:
            self._require(conn, actor, publisher=True)
            cs = _changeset(conn, int(changeset_id))
            if cs.status != "published":
                raise RegistryError("reg.err.changeset_state", id=cs.id, status=cs.status)
            if cs.source == "seed":
                raise RegistryError("reg.err.revert_seed")
            inverse = []
            for ch in reversed(cs.changes):
                cur = _record_row(conn, ch.layer, ch.record_id)
                if cur is None or cur.changeset_id != cs.id:
                    raise _conflict(conn, ch.layer, ch.record_id, None if cur is None else cur.changeset_id)
                now_doc = None if cur.deleted else full(ch.layer, loads(cur.doc), cur.geometry)
                op = {"add": "remove", "remove": "add", "change": "change"}[ch.op]
                inverse.append(
                    make_change(ch.layer, ch.record_id, op, now_doc, ch.before, None if op == "add" else cur.version)
                )
            new_id = _propose(conn, actor.name, "revert", f"changeset {cs.id}", note, inverse, reverts=cs.id)
            _publish_in(conn, new_id, actor.name)
            return _changeset(conn, new_id)

    # ------------------------------------------------------------ backup

    @guarded
    def export(self, folder: Path) -> list[Path]:
        """Write <layer>.csv (neutralised), registry.gpkg, history.json and reports.json."""
        with reading(self.engine) as conn:
            state = backup.dump(conn)
        _v, ds = self.published()
        return backup.write(Path(folder), state, ds)

    @guarded
    def restore(self, folder: Path, actor: Actor) -> ChangeSet:
        """Load an export back into an EMPTY registry: records, change sets and reports as
        they were, then one "restore" change set on top."""
        state, ref = backup.read(Path(folder))
        self.migrate()
        with writing(self.engine) as conn:
            self._require(conn, actor, publisher=True)
            n = conn.execute(select(func.count()).select_from(ChangeSetRow)).scalar() or 0
            if n:
                raise RegistryError("reg.err.restore_not_empty", n=n)
            backup.load(conn, state)
            if not is_sqlite(self.engine):
                backup.reset_sequences(conn)
            _ensure_meta(conn)
            cs_id = _propose(conn, actor.name, "restore", ref, "", [])
            _publish_in(conn, cs_id, actor.name)
            return _changeset(conn, cs_id)

    # ------------------------------------------------------------ accounts

    def _require(self, conn: Connection, actor: Actor, publisher: bool = False) -> None:
        """NotAllowed unless ``actor`` is an active editor (a publisher when asked) in the
        database now; the command line (via "cli") is the administrator."""
        if not isinstance(actor, Actor):
            raise NotAllowed("reg.err.not_editor")
        if actor.via == "cli":
            return
        if not actor.editor:
            raise NotAllowed("reg.err.not_editor")
        row = conn.execute(
            select(EditorRow.publisher).where(EditorRow.name == actor.name, EditorRow.active.is_(True))
        ).first()
        if row is None:
            raise NotAllowed("reg.err.not_editor")
        if publisher and not row.publisher:
            raise NotAllowed("reg.err.not_publisher")

    def _is_publisher(self, conn: Connection, actor: Actor) -> bool:
        try:
            self._require(conn, actor, publisher=True)
        except NotAllowed:
            return False
        return True

    @guarded
    def add_editor(self, name: str, password: str, *, publisher: bool = False) -> None:
        """Create a local editor (or set a new password and role): an argon2 hash is stored."""
        name = accounts.check_name(name)
        hashed = accounts.hash_password(password)
        self._upsert_editor(name, hashed, None, publisher)

    @guarded
    def set_oidc_editor(self, email: str, *, publisher: bool = False, name: str | None = None) -> None:
        """Give the st.login (OIDC) user with this e-mail the editor role (and publisher)."""
        email = accounts.check_email(email)
        self._upsert_editor(accounts.check_name(name) if name else email, None, email, publisher)

    def _upsert_editor(self, name: str, hashed: str | None, email: str | None, publisher: bool) -> None:
        with writing(self.engine) as conn:
            values = {"password_hash": hashed, "email": email, "publisher": bool(publisher), "active": True}
            if email is not None:
                conn.execute(
                    update(EditorRow)
                    .where(EditorRow.email == email, EditorRow.name != name)
                    .values(email=None, active=False)
                )
            if conn.execute(select(EditorRow.name).where(EditorRow.name == name)).first() is None:
                conn.execute(insert(EditorRow).values(name=name, created_at=now(), **values))
            else:
                conn.execute(update(EditorRow).where(EditorRow.name == name).values(**values))

    @guarded
    def remove_editor(self, name: str) -> None:
        """Take away an editor's roles (kept, inactive, for the history's names)."""
        with writing(self.engine) as conn:
            conn.execute(update(EditorRow).where(EditorRow.name == name).values(active=False))

    @guarded
    def sign_in(self, name: str, password: str, *, client: str) -> Actor:
        """A local editor's sign-in. Unknown name and wrong password give the same error
        ("reg.err.sign_in"); every attempt is logged (auth_log) and, after recent
        failures for that name or client, answered only after :func:`sign_in_delay`."""
        key = accounts.client_key(client)
        name = str(name)[:320]
        since = now() - timedelta(seconds=SIGN_IN_WINDOW)
        with reading(self.engine) as conn:
            failures = conn.execute(
                select(func.count())
                .select_from(AuthLog)
                .where(AuthLog.ok.is_(False), AuthLog.at > since, or_(AuthLog.name == name, AuthLog.client == key))
            ).scalar()
            row = conn.execute(
                select(EditorRow).where(
                    EditorRow.name == name, EditorRow.active.is_(True), EditorRow.password_hash.is_not(None)
                )
            ).first()
        self.sleep(sign_in_delay(int(failures or 0)))
        ok = accounts.verify(None if row is None else row.password_hash, str(password))
        with writing(self.engine) as conn:
            conn.execute(insert(AuthLog).values(at=now(), name=name, client=key, ok=ok))
        if not ok or row is None:
            raise RegistryError("reg.err.sign_in")
        return Actor(row.name, True, bool(row.publisher), "local")

    @guarded
    def oidc_actor(self, email: str) -> Actor | None:
        """The editor for an st.login user's e-mail, or None when it has no role."""
        with reading(self.engine) as conn:
            row = conn.execute(
                select(EditorRow).where(EditorRow.email == str(email).strip().lower(), EditorRow.active.is_(True))
            ).first()
        return None if row is None else Actor(row.name, True, bool(row.publisher), "oidc")

    @guarded
    def editors_configured(self) -> bool:
        """Whether any local or OIDC editor exists (no editor: editing is not offered)."""
        with reading(self.engine) as conn:
            return conn.execute(select(EditorRow.name).where(EditorRow.active.is_(True)).limit(1)).first() is not None


def _check_layer(layer: str) -> None:
    if layer not in LAYERS:
        raise RegistryError("reg.err.unknown_layer", layer=str(layer)[:40], allowed=", ".join(LAYERS))
