"""Browser test harness: a Streamlit server on a free loopback port and headless
Debian Chromium driven by Playwright, with every non-loopback request blocked.

Used by the browser tests (marked ``browser``): Debian's Chromium driven by Playwright, a
Streamlit server on loopback, every other host blocked.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-dev-shm-usage",
]
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
MAP_IFRAME = "iframe[title='streamlit_folium.st_folium']"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def streamlit_server(app: str = "app.py", env: dict | None = None, timeout: float = 60.0):
    """Start ``streamlit run`` on a free port; yield its base URL; stop it afterwards.

    The server gets its own registry in a new temporary SQLite file (seeded at start from
    ``JINPU_DATA_DIR`` when ``env`` names one, else from data/), unless ``env`` supplies
    ``JINPU_DB_URL``; the file is removed when the server stops."""
    port = free_port()
    own_db = None if "JINPU_DB_URL" in (env or {}) else tempfile.mkdtemp(prefix="jinpu-server-db-")
    if own_db:
        env = {**(env or {}), "JINPU_DB_URL": f"sqlite:///{own_db}/registry.db"}
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        app,
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
    ]
    full_env = {**os.environ, **(env or {})}
    log = open(Path(os.environ.get("TMPDIR", "/tmp")) / f"streamlit-{port}.log", "w")  # noqa: SIM115 - closed below, after the server stops
    proc = subprocess.Popen(cmd, cwd=ROOT, env=full_env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + timeout
        while True:
            try:
                with urllib.request.urlopen(base + "/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.time() > deadline:
                raise RuntimeError(f"streamlit did not start; see {log.name}")
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
        if own_db:
            shutil.rmtree(own_db, ignore_errors=True)


def chromium_available() -> bool:
    return Path(CHROMIUM).exists() or shutil.which("chromium") is not None


@contextmanager
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


class BlockedLog(list):
    """Hosts whose requests were blocked (anything not on loopback)."""


def new_page(b, width=1280, height=800, **kw):
    """A page whose context aborts every request that is not to loopback."""
    ctx = b.new_context(viewport={"width": width, "height": height}, **kw)
    blocked = BlockedLog()

    def route(r):
        host = urlparse(r.request.url).hostname or ""
        if r.request.url.startswith(("data:", "blob:", "about:")) or host in LOOPBACK:
            return r.continue_()
        blocked.append(host)
        return r.abort()

    ctx.route("**/*", route)
    page = ctx.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.blocked = blocked
    page.dialogs = dialogs
    return page


def map_frame(page, timeout=30_000):
    """The Leaflet map inside streamlit-folium's iframe, once it has drawn."""
    page.wait_for_selector(MAP_IFRAME, timeout=timeout)
    frame = page.frame_locator(MAP_IFRAME).first
    frame.locator(".leaflet-container").wait_for(timeout=timeout)
    return frame
