"""The meal-point finder in headless Chromium at 390×844 (a phone), every non-loopback host blocked:
tap the map -> numbered list -> the way there (navigation only to a real position: see also
test_browser_directions.py); the elder mode's sizes read from the DOM;
the browser-location button, allowed and refused. Screenshots go to $FINDER_SHOTS (default /tmp)."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import numpy as np
import pytest

from geo.core.datum import wgs84_to_gcj02
from geo.core.distance import haversine_m
from geo.data.loader import load_bundled
from tests.support.browser import browser, chromium_available, map_frame, new_page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not chromium_available(), reason="Debian chromium is not installed"),
]

SHOTS = Path(os.environ.get("FINDER_SHOTS", "/tmp/finder_shots"))
W, H = 390, 844
MEAL = load_bundled().meal_points
BY_ID = {r.id: (float(r.lon), float(r.lat)) for r in MEAL.itertuples()}
PRECISION = {r.id: str(r.location_precision) for r in MEAL.itertuples()}

READ_ITEMS = """() => [...document.querySelectorAll('.fd-item')].map(e => [e.dataset.rank, e.dataset.id])"""
# the first Amap link of each card (its large primary button), with the card's point
READ_LINKS = """() => [...document.querySelectorAll('[class*="st-key-fd_item_"]')].map(c =>
  [c.querySelector('a[href^="https://uri.amap.com/"]').href, c.querySelector('.fd-item').dataset.id])"""
NO_HSCROLL = "document.documentElement.scrollWidth <= window.innerWidth + 1"

# every visible tap target in the page body, and its size
READ_TARGETS = """() => {
  const main = document.querySelector('[data-testid="stMainBlockContainer"]');
  const sel = 'a, button, summary, input[type=text], [data-baseweb=select] > div, [role=radiogroup] label, [data-testid=stCheckbox] label';
  return [...main.querySelectorAll(sel)].filter(e => {
    const r = e.getBoundingClientRect(); const cs = getComputedStyle(e);
    return r.width > 0 && r.height > 0 && cs.visibility !== 'hidden' && !e.closest('iframe');
  }).map(e => { const r = e.getBoundingClientRect();
    return [e.tagName, (e.innerText || e.getAttribute('aria-label') || e.className.toString()).slice(0, 30), r.width, r.height]; });
}"""

# WCAG contrast of a text element against its first opaque ancestor background
READ_CONTRAST = """(selector) => {
  const rgb = s => (s.match(/[\\d.]+/g) || []).map(Number);
  const lum = c => { const v = c.slice(0, 3).map(x => { x /= 255; return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); });
                     return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]; };
  return [...document.querySelectorAll(selector)].filter(e => e.getBoundingClientRect().height > 0).map(e => {
    const fg = rgb(getComputedStyle(e).color);
    let n = e, bg = [255, 255, 255, 1];
    while (n && n.nodeType === 1) { const c = rgb(getComputedStyle(n).backgroundColor);
      if (c.length >= 3 && (c.length === 3 || c[3] > 0.5)) { bg = c; break; } n = n.parentElement; }
    const a = lum(fg), b = lum(bg);
    return [(e.innerText || '').slice(0, 20), (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)];
  });
}"""


@pytest.fixture(scope="module")
def chromium():
    SHOTS.mkdir(parents=True, exist_ok=True)
    with browser() as b:
        yield b


def _brute(lon, lat, k=5):
    ids = list(BY_ID)
    d = haversine_m(lon, lat, np.array([BY_ID[i][0] for i in ids]), np.array([BY_ID[i][1] for i in ids]))
    return [ids[i] for i in np.lexsort((np.arange(len(d)), d))[:k]]


def _origin(frame):
    me = frame.locator(".fd-me").first
    return float(me.get_attribute("data-lon")), float(me.get_attribute("data-lat"))


def _shot(page, name):
    page.screenshot(path=str(SHOTS / f"{name}.png"))
    page.set_viewport_size({"width": W, "height": 3200})  # the whole page, same width
    page.wait_for_timeout(400)
    page.screenshot(path=str(SHOTS / f"{name}_full.png"))
    page.set_viewport_size({"width": W, "height": H})


def test_tap_map_gives_numbered_list_and_nav_link(server, chromium):
    page = new_page(chromium, W, H)
    page.goto(server + "/finder")
    frame = map_frame(page)
    page.wait_for_timeout(500)
    _shot(page, "finder_open")
    # tap 1: on the map
    frame.locator(".leaflet-container").click(position={"x": 180, "y": 250})
    page.wait_for_selector(".fd-item[data-rank='5']", timeout=20_000)
    frame.locator(".fd-me").wait_for(timeout=10_000)
    items = page.evaluate(READ_ITEMS)
    assert [r for r, _ in items] == ["1", "2", "3", "4", "5"]
    lon, lat = _origin(frame)
    assert [i for _, i in items] == _brute(lon, lat)
    # the map shows the same numbers, on the same points
    nums = {frame.locator(f".fd-num[data-rank='{r}']").get_attribute("data-id") for r in "12345"}
    assert nums == {i for _, i in items}
    assert frame.locator("path.leaflet-interactive, .leaflet-overlay-pane path").count() >= 5  # lines
    # tap 2 would be this link: walking directions in Amap (GCJ-02) from the tapped point to a real
    # position; to a position that is not real, a search for meal services around the tapped point
    links = page.evaluate(READ_LINKS)
    assert [i for _, i in links] == [i for _, i in items]
    for href, pid in links:
        q = parse_qs(urlsplit(href).query)
        if PRECISION[pid] in ("surveyed", "address"):
            to = [float(x) for x in q["to"][0].split(",")[:2]]
            assert to == pytest.approx(list(wgs84_to_gcj02(*BY_ID[pid])), abs=2e-6)
            fr = [float(x) for x in q["from"][0].split(",")[:2]]
            assert fr == pytest.approx(list(wgs84_to_gcj02(lon, lat)), abs=2e-5)
            assert q["mode"] == ["walk"]
        elif PRECISION[pid] == "illustrative":
            assert urlsplit(href).path == "/search"
            centre = [float(x) for x in q["center"][0].split(",")]
            assert centre == pytest.approx(list(wgs84_to_gcj02(lon, lat)), abs=2e-5)
        else:
            assert urlsplit(href).path == "/search" and "center" not in q
    first = page.locator("[class*='st-key-fd_item_1'] a[href^='https://uri.amap.com/']").first
    first.scroll_into_view_if_needed()
    assert first.is_visible()
    assert page.evaluate(NO_HSCROLL)
    _shot(page, "finder_tapped")
    assert not page.blocked, set(page.blocked)
    assert not page.dialogs


def test_elder_mode_three_taps_and_sizes(server, chromium):
    page = new_page(chromium, W, H)
    page.goto(server + "/finder?elder=1")
    map_frame(page)
    # tap 1 and 2: the subdistrict list, then 拥政街道
    page.locator("[data-testid='stSelectbox']").first.click()
    page.get_by_role("option", name="拥政街道").click()
    page.wait_for_selector(".fd-item[data-rank='5']", timeout=20_000)
    page.wait_for_timeout(500)
    assert "elder=1" in page.url
    # tap 3 would be the first card's large button (a map search, or navigation to a real position)
    assert len(page.evaluate(READ_LINKS)) == 5
    sizes = page.evaluate("""() => [...document.querySelectorAll(
        '[data-testid="stMainBlockContainer"] [data-testid="stMarkdownContainer"] p, .fd-dist, .fd-details div, .fd-caveat')]
        .filter(e => e.getBoundingClientRect().height > 0).map(e => parseFloat(getComputedStyle(e).fontSize))""")
    assert sizes and min(sizes) >= 20, sizes
    small = [tg for tg in page.evaluate(READ_TARGETS) if tg[2] < 60 or tg[3] < 60]
    assert not small, small
    contrast = page.evaluate(
        READ_CONTRAST,
        ".fd-dist, .fd-caveat, .fd-details div, .np, .fd-origin, "
        "[data-testid=stAlertContentWarning] p, a[data-testid^=stBaseLinkButton] p",
    )
    assert contrast and min(c for _, c in contrast) >= 4.5, contrast
    assert page.evaluate(NO_HSCROLL)
    _shot(page, "finder_elder")
    assert not page.blocked and not page.dialogs


def test_browser_location_allowed_and_refused(server, chromium):
    here = (121.7505, 39.0702)
    page = new_page(
        chromium,
        W,
        H,
        geolocation={"longitude": here[0], "latitude": here[1], "accuracy": 30},
        permissions=["geolocation"],
    )
    page.goto(server + "/finder?lang=en")
    frame = map_frame(page)
    frame.locator(".fd-locate").click()
    page.wait_for_selector(".fd-item[data-rank='5']", timeout=20_000)
    frame.locator(".fd-me").wait_for(timeout=10_000)
    assert _origin(frame) == pytest.approx(here, abs=1e-6)
    assert [i for _, i in page.evaluate(READ_ITEMS)] == _brute(*here)
    assert frame.locator(".fd-locmsg").get_attribute("data-outcome") == "found"

    refused = new_page(chromium, W, H)  # no permission granted: the browser refuses
    refused.goto(server + "/finder?lang=en")
    frame = map_frame(refused)
    frame.locator(".fd-locate").click()
    msg = frame.locator(".fd-locmsg")
    msg.wait_for(state="visible", timeout=10_000)
    refused.wait_for_function(
        "() => { const f = document.querySelector(\"iframe[title='streamlit_folium.st_folium']\");"
        " const m = f && f.contentDocument.querySelector('.fd-locmsg');"
        " return m && m.dataset.outcome && m.dataset.outcome !== 'searching'; }",
        timeout=20_000,
    )
    assert msg.get_attribute("data-outcome") in ("denied", "unavailable")
    assert "tap your position on the map" in msg.inner_text().lower()
    assert refused.locator(".fd-item").count() == 0
    _shot(refused, "finder_location_refused")
    assert not page.blocked and not refused.blocked and not refused.dialogs
