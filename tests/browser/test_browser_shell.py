"""The app shell in headless Chromium, with every non-loopback host blocked:
the map draws from local assets (Leaflet.markercluster too) and shows subdistricts,
meal points (clustered at the district view) and projects."""

import time

import pytest

from tests.browser.test_browser_overview import meals_in_groups, meals_shown, wait_meals
from tests.support.browser import chromium_available, map_frame, new_page, streamlit_server

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not chromium_available(), reason="Debian chromium is not installed"),
]


def test_first_map_offline(server, chromium):
    page = new_page(chromium)
    t0 = time.perf_counter()
    page.goto(server + "/?lang=en&base=blank")
    frame = map_frame(page)
    frame.locator(".jp-meal, .jp-cluster").first.wait_for(timeout=30_000)
    first_map_s = time.perf_counter() - t0
    print(f"\nfirst map in the browser: {first_map_s:.2f} s")
    wait_meals(page, 60)
    assert meals_shown(frame) == 60 and meals_in_groups(frame) == 60
    assert frame.locator(".jp-cluster").count() >= 1  # clustered: no pile of tiles at the district view
    scripts = frame.locator("script[src]").evaluate_all("es => es.map(e => e.getAttribute('src'))")
    assert "/app/static/vendor/markercluster/leaflet.markercluster.js" in scripts, scripts
    assert frame.locator(".jp-proj").count() >= 3
    assert frame.locator(".jp-district-wide").count() == 1
    assert frame.locator("path.leaflet-interactive").count() >= 25  # subdistrict polygons
    assert frame.locator(".leaflet-tile").count() == 0  # blank base: no tile requests at all
    # nothing outside loopback was even attempted by the page or the map
    assert not page.blocked, set(page.blocked)
    assert not page.dialogs


def test_default_base_map_fails_gracefully_offline(server, chromium):
    """The default base map's tiles cannot load here: the vector layers still draw, and
    the only requests that left loopback were for tiles."""
    page = new_page(chromium)
    page.goto(server + "/")
    frame = map_frame(page)
    frame.locator(".jp-meal, .jp-cluster").first.wait_for(timeout=30_000)
    wait_meals(page, 60)
    assert frame.locator("path.leaflet-interactive").count() >= 25
    assert page.blocked, "the default base map should have asked for tiles"
    assert all("autonavi.com" in host or "openstreetmap.org" in host for host in page.blocked), set(page.blocked)


def test_language_switch_in_browser(server, chromium):
    page = new_page(chromium, 390, 844)
    page.goto(server + "/")
    page.get_by_text("金普惠民地图").first.wait_for(timeout=30_000)
    page.get_by_text("English", exact=True).click()
    page.get_by_role("heading", name="Jinpu Livelihood Map").wait_for(timeout=20_000)
    assert "lang=en" in page.url
    # no horizontal scrolling on a phone
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_deep_link_on_a_fresh_server_uses_the_app_navigation(chromium):
    """The first request a new server sees is a deep link: the page still comes through
    app.py (translated navigation, no raw file names such as 'app')."""
    with streamlit_server() as fresh:
        page = new_page(chromium)
        page.goto(fresh + "/finder?lang=en")
        nav = page.locator('[data-testid="stSidebarNav"]')
        page.get_by_text("Find a meal point", exact=True).first.wait_for(timeout=30_000)
        page.wait_for_function(
            "() => { const n = document.querySelector('[data-testid=\"stSidebarNav\"]');"
            " return n && n.innerText.includes('Overview map'); }",
            timeout=30_000,
        )
        text = nav.inner_text()
        assert "Overview map" in text and "Data" in text
        assert "app" not in text.split() and "overview" not in text.split()
        assert page.locator("h1").first.inner_text() == "Find a meal point"
