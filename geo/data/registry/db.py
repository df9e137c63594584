"""Engines and transactions: SQLite (WAL, busy timeout, foreign keys) or PostgreSQL.

SQLite's Python driver starts transactions only before writes, so two SELECTs could see
two states; here every transaction starts with an explicit ``BEGIN`` (a snapshot for
readers) or ``BEGIN IMMEDIATE`` (writers, one at a time). On PostgreSQL readers use
REPEATABLE READ (one snapshot for the whole read) and writers lock the ``version`` row.
Every driver failure to reach the database becomes :class:`Unavailable`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DatabaseError, DBAPIError, IntegrityError, InterfaceError

from geo.data.registry.types import Unavailable

#: Seconds a writer waits for another writer (SQLite) or for a connection (PostgreSQL).
BUSY_TIMEOUT_S = 30
CONNECT_TIMEOUT_S = 5

P = ParamSpec("P")
R = TypeVar("R")


def make_engine(url: str) -> Engine:
    """An engine for ``url``; nothing is connected yet."""
    u = make_url(url)
    if u.get_backend_name() == "sqlite":
        if u.database and u.database != ":memory:":
            try:
                Path(u.database).parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise Unavailable("reg.err.unavailable", reason=type(exc).__name__) from exc
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_S, "check_same_thread": False})
        _sqlite_events(engine)
        return engine
    args: dict[str, Any] = {}
    if u.get_backend_name() == "postgresql":
        args["connect_timeout"] = CONNECT_TIMEOUT_S
    return create_engine(url, connect_args=args, pool_pre_ping=True)


def _sqlite_events(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we say BEGIN ourselves (below)
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_S * 1000}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        write = conn.get_execution_options().get("registry_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


@contextmanager
def reading(engine: Engine) -> Iterator[Connection]:
    """A read transaction that sees one consistent snapshot."""
    with engine.connect() as conn:
        if not is_sqlite(engine):
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            yield conn


@contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """A write transaction: committed whole at the end, rolled back whole on any error."""
    with engine.connect() as conn:
        conn = conn.execution_options(registry_write=True)
        with conn.begin():
            yield conn


def guarded(fn: Callable[P, R]) -> Callable[P, R]:
    """Map the driver's "cannot reach / cannot open the database" errors to Unavailable."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except IntegrityError:
            raise
        except (DatabaseError, InterfaceError) as exc:
            # cannot connect, cannot open the file, not a database, tables missing
            raise Unavailable("reg.err.unavailable", reason=_reason(exc)) from exc
        except DBAPIError as exc:
            if exc.connection_invalidated:
                raise Unavailable("reg.err.unavailable", reason=_reason(exc)) from exc
            raise

    return wrapper


def _reason(exc: Exception) -> str:
    orig = getattr(exc, "orig", None) or exc
    return (str(orig).splitlines() or [type(orig).__name__])[0][:200]


def mask_url(url: str) -> str:
    """The URL with its password masked (for banners and status lines)."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "?"
