"""A PostgreSQL server for the registry tests.

- env ``JINPU_TEST_PG_URL`` set (a server URL whose user may CREATE DATABASE): used as is;
- else, when ``initdb`` and ``pg_ctl`` exist (on PATH or in /usr/lib/postgresql/<v>/bin), a
  throwaway cluster in a temporary folder on a free loopback port, run as an unprivileged
  user (as root: the ``postgres`` system user, else ``nobody``, via ``runuser``), stopped
  and deleted at the end;
- else the PostgreSQL tests are skipped, unless env ``JINPU_REQUIRE_PG=1`` (CI), when they fail.

:func:`fresh_database` makes one new database per test (CREATE DATABASE) and drops it after.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url

REQUIRE = os.environ.get("JINPU_REQUIRE_PG") == "1"


def _bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    for path in sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True):
        return path
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _unprivileged_user() -> str | None:
    """The system user to run the server as when we are root (None when we are not root)."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            pwd.getpwnam(name)
            return name
    raise RuntimeError("running as root and there is no 'postgres' or 'nobody' user to run PostgreSQL as")


def _run(user: str | None, *cmd: str) -> subprocess.CompletedProcess[str]:
    full = ["runuser", "-u", user, "--", *cmd] if user else list(cmd)
    return subprocess.run(full, capture_output=True, text=True, timeout=120, check=False)


@contextlib.contextmanager
def throwaway_cluster() -> Iterator[str]:
    """Start a cluster; yield its server URL (postgresql+psycopg://...@127.0.0.1:port/postgres)."""
    initdb, pg_ctl = _bin("initdb"), _bin("pg_ctl")
    if not initdb or not pg_ctl:
        raise FileNotFoundError("initdb/pg_ctl not found (Debian: apt-get install postgresql)")
    user = _unprivileged_user()
    tmp = Path(tempfile.mkdtemp(prefix="jinpu-pg-"))
    data = tmp / "data"
    if user:
        info = pwd.getpwnam(user)
        os.chown(tmp, info.pw_uid, info.pw_gid)
    port = _free_port()
    try:
        r = _run(user, initdb, "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync")
        if r.returncode:
            raise RuntimeError(f"initdb failed: {r.stderr[-500:]}")
        opts = f"-p {port} -k {tmp} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
        r = _run(user, pg_ctl, "-D", str(data), "-o", opts, "-l", str(tmp / "log"), "-w", "-t", "60", "start")
        if r.returncode:
            log = (tmp / "log").read_text(errors="replace")[-800:] if (tmp / "log").exists() else ""
            raise RuntimeError(f"pg_ctl start failed: {r.stderr[-300:]} {log}")
        try:
            yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
        finally:
            _run(user, pg_ctl, "-D", str(data), "-m", "immediate", "-w", "stop")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _libpq(url: str) -> str:
    """A SQLAlchemy URL as a libpq connection string for psycopg."""
    u = make_url(url)
    return u.set(drivername="postgresql").render_as_string(hide_password=False)


@contextlib.contextmanager
def server_url() -> Iterator[str | None]:
    """The URL of a PostgreSQL server for the session, or None (skipped or failed by the caller)."""
    env = os.environ.get("JINPU_TEST_PG_URL")
    if env:
        yield env
        return
    try:
        cm = throwaway_cluster()
        url = cm.__enter__()
    except (FileNotFoundError, RuntimeError, OSError, subprocess.SubprocessError) as exc:
        yield None if not REQUIRE else _fail(str(exc))
        return
    try:
        yield url
    finally:
        cm.__exit__(None, None, None)


def _fail(reason: str) -> None:
    raise RuntimeError(f"PostgreSQL is required (JINPU_REQUIRE_PG=1) but cannot start: {reason}")


@contextlib.contextmanager
def fresh_database(server: str) -> Iterator[str]:
    """A new, empty database on ``server``; dropped afterwards. Yields its URL."""
    name = "jinpu_t_" + uuid.uuid4().hex[:12]
    with psycopg.connect(_libpq(server), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')  # a generated name, not data
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(_libpq(server), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


__all__ = ["REQUIRE", "fresh_database", "server_url", "throwaway_cluster"]
