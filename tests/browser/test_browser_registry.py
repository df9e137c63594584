"""The registry's whole loop in headless Chromium, every non-loopback host blocked: a
resident opens report?point=M05, chooses "moved", taps the map and sends -> a publisher
(made beforehand with the registry API on the server's database) signs in on the registry
page and approves it -> a new browser context sees the point at its new place on the
overview map (read from Leaflet in the map's iframe) and the history shows the change.

On SQLite and on PostgreSQL (the session's server: JINPU_TEST_PG_URL or a throwaway
cluster, tests/conftest.py `pg_server`; skipped without PostgreSQL, required in CI); each
run gets a new, empty database. Screenshots at 390 and 1280 px go to $REGISTRY_SHOTS
(default /tmp/registry_shots)."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import pytest

from geo.core.datum import wgs84_to_gcj02
from geo.maps.base import basemap_datum
from geo.views.overview import DEFAULT_BASE as OVERVIEW_BASE
from tests.support.audit import wait_idle
from tests.support.browser import MAP_IFRAME, chromium_available, map_frame, new_page, streamlit_server
from tests.support.postgres import fresh_database
from tests.support.registry import PUBLISHER, make_registry, sqlite_url

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not chromium_available(), reason="Debian chromium is not installed"),
]

SHOTS = Path(os.environ.get("REGISTRY_SHOTS", "/tmp/registry_shots"))
POINT = "M05"
NO_HSCROLL = "document.documentElement.scrollWidth <= window.innerWidth + 1"

# the positions of the Leaflet markers whose icon names the point (clustered or not)
READ_MARKER = """(id) => {
  const out = [];
  const visit = (layer) => {
    if (layer instanceof L.Marker) {
      const icon = layer.options.icon && layer.options.icon.options;
      const html = icon ? String(icon.html && icon.html.outerHTML || icon.html || '') : '';
      if (html.includes('data-id="' + id + '"')) { const p = layer.getLatLng(); out.push([p.lat, p.lng]); }
    }
    if (typeof layer.getLayers === 'function') layer.getLayers().forEach(visit);
  };
  for (const k of Object.keys(window)) {
    let v; try { v = window[k]; } catch (e) { continue; }
    if (v instanceof L.Map) v.eachLayer(visit);
  }
  return out;
}"""


@contextlib.contextmanager
def _database(request, tmp_path: Path):
    if request.param == "sqlite":
        yield sqlite_url(tmp_path / "loop.db")
        return
    server = request.getfixturevalue("pg_server")  # a session-wide cluster (tests/conftest.py)
    if server is None:
        pytest.skip("PostgreSQL is not available here (initdb/pg_ctl not found)")
    with fresh_database(server) as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def loop_server(request, tmp_path):
    """A server on its own empty database (SQLite file or PostgreSQL), with a publisher."""
    with _database(request, tmp_path) as url:
        reg = make_registry(url)
        with streamlit_server(env={"JINPU_DB_URL": url}) as base:
            yield base, reg, request.param
        reg.dispose()


def _shot(page, name: str) -> None:
    """The screen, then the whole page at the same width (Streamlit scrolls inside the page)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))
    size = page.viewport_size
    page.set_viewport_size({"width": size["width"], "height": 3000})
    page.wait_for_timeout(400)
    page.screenshot(path=str(SHOTS / f"{name}_full.png"))
    page.set_viewport_size(size)


def _marker(page) -> list[list[float]]:
    map_frame(page)
    frame = page.locator(MAP_IFRAME).first.element_handle().content_frame()
    frame.wait_for_function("() => typeof L !== 'undefined'")
    return frame.evaluate(READ_MARKER, POINT)


def _report_moved(page, base: str, width: int) -> None:
    page.goto(f"{base}/report?point={POINT}&lang=en")
    page.get_by_text("Youyi meal point 2").first.wait_for(timeout=30_000)
    page.get_by_text("Wrong place (tap the right place on the map)").click()
    frame = map_frame(page)
    page.wait_for_timeout(600)
    box = frame.locator(".leaflet-container").bounding_box()
    frame.locator(".leaflet-container").click(position={"x": box["width"] * 0.7, "y": box["height"] * 0.3})
    page.get_by_text("Place chosen: latitude").wait_for(timeout=20_000)
    page.get_by_label("A short note (optional, at most 500 characters)").fill("moved to the corner building")
    _shot(page, f"report_{width}")
    assert page.evaluate(NO_HSCROLL)
    page.get_by_role("button", name="Send the report").click()
    page.get_by_text("Staff will review it before anything changes publicly").wait_for(timeout=20_000)
    assert not page.dialogs


def _approve(page, base: str, width: int) -> None:
    page.goto(f"{base}/registry?lang=en")
    page.get_by_role("textbox", name="Name").fill(PUBLISHER[0])
    page.get_by_role("textbox", name="Password").fill(PUBLISHER[1])
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("Signed in:").wait_for(timeout=30_000)
    page.get_by_text("moved to the corner building").wait_for(timeout=20_000)
    map_frame(page)
    page.wait_for_timeout(500)
    _shot(page, f"review_{width}")
    wait_idle(page)  # a click while the script still runs can be lost
    page.get_by_text("Approve (edit first if needed)").first.click()
    page.get_by_role("button", name="Publish now").first.wait_for(timeout=20_000)
    wait_idle(page)
    page.get_by_role("button", name="Publish now").first.click()
    try:
        page.get_by_text("approved and published").wait_for(timeout=30_000)
    finally:
        _shot(page, f"review_{width}_after")


def test_report_review_publish_loop(loop_server, chromium):
    base, reg, _kind = loop_server
    before = reg.record("meal_points", POINT)[0]
    page = new_page(chromium, 390, 844)
    _report_moved(page, base, 390)
    [report] = reg.pending_reports(_publisher())
    assert (report.kind, report.point_id) == ("moved", POINT)
    assert (report.lat, report.lon) != (before["lat"], before["lon"])
    page.context.close()

    editor = new_page(chromium, 1280, 900)
    _approve(editor, base, 1280)
    editor.context.close()
    after = reg.record("meal_points", POINT)[0]
    assert float(after["lat"]) == pytest.approx(report.lat, abs=1e-6)
    assert float(after["lon"]) == pytest.approx(report.lon, abs=1e-6)

    # a new browser context: the overview map draws the point at its new place
    viewer = new_page(chromium, 1280, 900)
    viewer.goto(f"{base}/?lang=en")
    positions = _marker(viewer)
    assert positions, "no marker for the point on the overview map"
    # drawn in the overview base map's datum (高德: GCJ-02, shifted for display only)
    lon, lat = report.lon, report.lat
    if basemap_datum(OVERVIEW_BASE) == "gcj02":
        lon, lat = wgs84_to_gcj02(lon, lat)
    assert positions[0] == pytest.approx([lat, lon], abs=1e-5)
    # and the history shows the change, from the report, field by field
    viewer.goto(f"{base}/registry?lang=en")
    viewer.get_by_text(f"report {report.id}").first.wait_for(timeout=30_000)
    assert viewer.get_by_text("resident's report").count() >= 1
    assert not viewer.dialogs
    viewer.context.close()


@pytest.mark.parametrize("loop_server", ["sqlite"], indirect=True)
def test_phone_and_desktop_review_queue_layout(loop_server, chromium):
    """The review queue at 390 px: nothing wider than the screen."""
    base, reg, _ = loop_server
    reg.add_report(point_id=POINT, kind="hours", text="opens at 11 now", lat=None, lon=None, client="x" * 32)
    page = new_page(chromium, 390, 844)
    page.goto(f"{base}/registry?lang=zh")
    page.get_by_role("textbox", name="用户名").fill(PUBLISHER[0])
    page.get_by_role("textbox", name="密码").fill(PUBLISHER[1])
    page.get_by_role("button", name="登录").click()
    page.get_by_text("opens at 11 now").wait_for(timeout=30_000)
    map_frame(page)
    page.wait_for_timeout(500)
    _shot(page, "review_390_zh")
    assert page.evaluate(NO_HSCROLL)
    page.goto(f"{base}/report?point={POINT}&lang=zh")
    page.get_by_text("哪里不对？").wait_for(timeout=30_000)
    _shot(page, "report_390_zh_start")
    big = page.get_by_role("button", name="提交报告").bounding_box()
    assert big["height"] >= 48 and big["width"] >= 300
    page.context.close()


def _publisher():
    from geo.data.registry import Actor

    return Actor(PUBLISHER[0], editor=True, publisher=True, via="local")


def test_server_restart_keeps_everything(tmp_path, chromium):
    """A published change, a pending report and the accounts survive a restart of the
    server, and a restarted server does not seed again."""
    url = sqlite_url(tmp_path / "restart.db")
    reg = make_registry(url)
    _, base_version = reg.record("meal_points", POINT)
    reg.propose_edit(_publisher(), "meal_points", POINT, {"name_en": "Restart canteen"}, base_version, publish=True)
    rid = reg.add_report(point_id=POINT, kind="phone", text="restart check", lat=None, lon=None, client="r" * 32)
    version = reg.version()
    for _run in range(2):  # the same database file, two server processes one after the other
        with streamlit_server(env={"JINPU_DB_URL": url}) as base:
            page = new_page(chromium, 1280, 900)
            page.goto(f"{base}/finder?lang=en&sub=210213002000")
            page.get_by_text("Restart canteen").first.wait_for(timeout=30_000)
            page.context.close()
    assert reg.version() == version  # nothing seeded or published again
    assert [r.id for r in reg.pending_reports(_publisher())] == [rid]
    assert reg.sign_in(*PUBLISHER, client="c").publisher
    reg.dispose()
