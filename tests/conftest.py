"""Shared fixtures: one Streamlit server and one headless Chromium per test module; the
whole test session uses a registry in a temporary SQLite file (never one in the repository)."""

import os

import pytest

from tests.support.browser import browser, streamlit_server
from tests.support.postgres import server_url
from tests.support.registry import fresh_registry  # noqa: F401 - a fixture for every test module


@pytest.fixture(scope="session", autouse=True)
def session_registry(tmp_path_factory):
    """Every test (and every page an AppTest runs) uses a temporary SQLite registry unless
    the test sets its own; a server started by a browser test gets its own file."""
    old = os.environ.get("JINPU_DB_URL")
    path = tmp_path_factory.mktemp("registry") / "session.db"
    os.environ["JINPU_DB_URL"] = f"sqlite:///{path}"
    yield path
    if old is None:
        os.environ.pop("JINPU_DB_URL", None)
    else:
        os.environ["JINPU_DB_URL"] = old


@pytest.fixture(scope="session")
def pg_server():
    """A PostgreSQL server for the whole session (JINPU_TEST_PG_URL, or a throwaway cluster
    started on first use), or None when there is none (the PostgreSQL tests then skip,
    or fail when JINPU_REQUIRE_PG=1, as in CI)."""
    with server_url() as url:
        yield url


@pytest.fixture(scope="module")
def server():
    """A Streamlit server on a free loopback port, serving the bundled data."""
    with streamlit_server() as base:
        yield base


@pytest.fixture(scope="module")
def chromium():
    """Debian Chromium driven by Playwright (pages come from tests.browser.new_page)."""
    with browser() as b:
        yield b


@pytest.fixture(scope="session")
def dask_cluster():
    """A dask LocalCluster of 2 worker processes (1 thread each) for the batch runs' equality
    tests (tests/unit/core/test_batch.py, tests/unit/test_batch_cli.py), closed at the end."""
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster:
        yield cluster
