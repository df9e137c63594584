"""The registry suite runs on SQLite (a temporary file) and on PostgreSQL (a throwaway
cluster, or JINPU_TEST_PG_URL); each test gets a fresh database."""

from __future__ import annotations

import pytest

from geo.data.registry import Actor, Registry
from tests.support.postgres import fresh_database

BACKENDS = ("sqlite", "postgresql")


@pytest.fixture(params=BACKENDS)
def db_url(request, tmp_path):
    """The URL of a fresh, empty database of each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'registry.db'}"
        return
    server = request.getfixturevalue("pg_server")
    if server is None:
        pytest.skip("PostgreSQL is not available here (initdb/pg_ctl not found)")
    with fresh_database(server) as url:
        yield url


@pytest.fixture
def reg(db_url):
    """A registry, migrated and seeded from the bundled data/."""
    r = Registry(db_url)
    r.init()
    r.sleep = lambda _s: None
    yield r
    r.dispose()


ADMIN = Actor("admin", True, True, "cli")


@pytest.fixture
def editor(reg):
    reg.add_editor("erin", "editor-pass-1")
    return reg.sign_in("erin", "editor-pass-1", client="c-erin")


@pytest.fixture
def publisher(reg):
    reg.add_editor("pat", "publisher-pass-1", publisher=True)
    return reg.sign_in("pat", "publisher-pass-1", client="c-pat")
