"""Honest directions on the finder, in headless Chromium at 390×844 (a phone) in the large-text
mode, every non-loopback host blocked: nobody is sent to a made-up place.

One resident's path: choose 湾里街道 (the start is the subdistrict's estimated seat) -> the
subdistrict's points "在您的街道" without any distance, no dashed line on the map, the A4 poster
to download, a card read aloud -> tap the map (a real start) -> distances and lines appear.
At each step EVERY 高德 / 百度 link on the page (and in the map's frame) is checked against the
precision of the point its card shows: walking navigation only to a real position; a search
by name (subdistrict precision) or a search near the resident or the seat (illustrative), and
a tel:12345 button, otherwise. Then a card's share link is opened in a new page: that point's
card comes first. Screenshots go to .shots/ (git-ignored)."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Error as PlaywrightError

from geo.core.datum import wgs84_to_gcj02
from geo.data.loader import load_bundled
from tests.support.audit import wait_idle
from tests.support.browser import ROOT, browser, chromium_available, map_frame, new_page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not chromium_available(), reason="Debian chromium is not installed"),
]

SHOTS = ROOT / ".shots"
W, H = 390, 844
WANLI = "210213013000"
DS = load_bundled()
POINTS = {
    str(r.id): {
        "lon": float(r.lon),
        "lat": float(r.lat),
        "precision": str(r.location_precision),
        "name": r.name_zh,
        "sub": str(r.subdistrict_code),
    }
    for r in DS.meal_points.itertuples()
}
SEATS = {str(r.code): (float(r.seat_lon), float(r.seat_lat)) for r in DS.subdistricts.itertuples()}
NAVIGABLE = ("surveyed", "address")

# every Amap / Baidu link in this document, with the id of the meal point its card shows
READ_MAP_LINKS = """() => [...document.querySelectorAll('a[href]')]
  .filter(a => /uri\\.amap\\.com|api\\.map\\.baidu\\.com/.test(a.href))
  .map(a => { const card = a.closest('[class*="st-key-fd_item_"]');
              const item = card && card.querySelector('.fd-item');
              return [a.href, item ? item.dataset.id : null]; })"""
# per card: its point, whether it has a tel:12345 button, and its text
READ_CARDS = """() => [...document.querySelectorAll('[class*="st-key-fd_item_"]')].map(c => {
  const item = c.querySelector('.fd-item');
  return {id: item.dataset.id, precision: item.dataset.precision, pinned: item.dataset.pinned === '1',
          tel: !!c.querySelector('a[href="tel:12345"]'), text: item.innerText,
          group: (item.querySelector('.fd-group') || {}).innerText || null,
          dist: (item.querySelector('.fd-dist') || {}).innerText || null}; })"""
DASHED = ".leaflet-overlay-pane path[stroke-dasharray]"
# a speech-synthesis stand-in with a Mandarin and an English voice, recording what is read
VOICES = """(() => { const voices = [{lang: 'zh-CN', name: 'stub-zh'}, {lang: 'en-US', name: 'stub-en'}];
  window.__said = [];
  const fake = {getVoices: () => voices, speak: u => window.__said.push(u.text), cancel: () => {},
                addEventListener: () => {}, speaking: false};
  Object.defineProperty(window, 'speechSynthesis', {value: fake, configurable: true});
  window.SpeechSynthesisUtterance = function (text) { this.text = text; }; })();"""
DISTANCE_WORDS = re.compile(r"\d\s*(米|公里)|分钟|就在附近|直线")


@pytest.fixture(scope="module")
def chromium():
    SHOTS.mkdir(parents=True, exist_ok=True)
    with browser() as b:
        yield b


def _shot(page, name: str) -> None:
    page.screenshot(path=str(SHOTS / f"{name}.png"))
    page.set_viewport_size({"width": W, "height": 4200})  # the whole page, same width
    page.wait_for_timeout(400)
    page.screenshot(path=str(SHOTS / f"{name}_full.png"))
    page.set_viewport_size({"width": W, "height": H})


def _q(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def _has_coords(url: str, lon: float, lat: float) -> bool:
    glon, glat = wgs84_to_gcj02(lon, lat)
    return any(f"{v:.6f}" in url for v in (lon, lat, glon, glat))


def check_links(page, centre: tuple[float, float]) -> dict[str, int]:
    """Every Amap/Baidu link on the page (and none in any frame) against its point's precision;
    ``centre`` is where a nearby search must be centred (the resident's start). Returns counts."""
    links = page.evaluate(READ_MAP_LINKS)
    assert links, "no map link on the page"
    counts = {"walk": 0, "name": 0, "nearby": 0}
    for href, pid in links:
        assert pid in POINTS, (href, pid)  # every map link sits on a card
        p = POINTS[pid]
        host, path = urlsplit(href)[1:3]
        q = _q(href)
        nav = path in ("/navigation", "/direction", "/marker")
        if p["precision"] in NAVIGABLE:
            assert nav, (pid, href)
            counts["walk"] += 1
            continue
        assert not nav, f"{pid} ({p['precision']}) has a navigation link: {href}"
        assert path in ("/search", "/place/search"), href
        keyword = q.get("keyword") or q.get("query")
        if p["precision"] == "subdistrict":  # found by its name, in Dalian; no position sent
            assert keyword == p["name"], href
            assert not {"center", "location"} & set(q), href
            assert not _has_coords(href, p["lon"], p["lat"]), href
            counts["name"] += 1
        else:  # illustrative: meal services near the resident's start, never near the point
            assert "老年食堂" in keyword, href
            if host == "uri.amap.com":
                assert q["center"] == "{:.6f},{:.6f}".format(*wgs84_to_gcj02(*centre)), href
            else:
                assert q["location"] == f"{centre[1]:.6f},{centre[0]:.6f}", href
            if (round(p["lon"], 6), round(p["lat"], 6)) != (round(centre[0], 6), round(centre[1], 6)):
                assert not _has_coords(href, p["lon"], p["lat"]), href
            counts["nearby"] += 1
    for fr in page.frames[1:]:  # the map's frame carries no way to a point
        try:
            in_frame = fr.evaluate(READ_MAP_LINKS)
        except PlaywrightError:  # a frame that went away
            continue
        assert not in_frame, (fr.url, in_frame)
    for card in page.evaluate(READ_CARDS):
        if card["precision"] not in NAVIGABLE:
            assert card["tel"], card  # the large 12345 button
    return counts


def _tap_empty_spot(page, frame) -> None:
    """Tap the map where no marker is (a tap on a marker is not a map click)."""
    for pos in ({"x": 300, "y": 280}, {"x": 120, "y": 320}, {"x": 320, "y": 120}, {"x": 200, "y": 60}):
        frame.locator(".leaflet-container").click(position=pos)
        try:
            page.wait_for_selector(".fd-dist", timeout=8_000)
            wait_idle(page)
            return
        except Exception:
            continue
    raise AssertionError("no tap on the map gave a start")


def test_honest_directions_seat_tap_share(server, chromium, tmp_path):
    page = new_page(chromium, W, H, accept_downloads=True)
    page.add_init_script(VOICES)
    page.goto(server + "/finder?elder=1")
    frame = map_frame(page)
    wait_idle(page)

    # ---- 1. choose 湾里: the start is the subdistrict's estimated seat
    page.locator("[data-testid=stSelectbox]").first.click()
    page.get_by_role("option", name="湾里街道").click()
    page.wait_for_selector(".fd-group", timeout=20_000)
    wait_idle(page)
    # the select's text is not cut at its lower edge (large text at 390 px)
    box = page.evaluate("""() => { const g = document.querySelector('[data-testid=stSelectbox] [role=group]');
        const i = g.querySelector('input'); const a = g.getBoundingClientRect(), b = i.getBoundingClientRect();
        return [a.top, a.bottom, b.top, b.bottom, i.value]; }""")
    assert box[4] == "湾里街道" and box[2] >= box[0] - 0.5 and box[3] <= box[1] + 0.5, box
    cards = page.evaluate(READ_CARDS)
    own = {i for i, p in POINTS.items() if p["sub"] == WANLI}
    assert {c["id"] for c in cards if c["group"] and c["group"].startswith("在您的街道")} == own
    assert all(c["group"] == "在您的街道 · 湾里街道" for c in cards[: len(own)])
    assert all(c["group"].startswith("附近街道 · ") for c in cards[len(own) :])
    for c in cards:  # no metres, minutes or "right here" from an estimate
        assert c["dist"] is None and not DISTANCE_WORDS.search(c["text"]), c
    assert page.locator(".fd-dist").count() == 0
    assert frame.locator(DASHED).count() == 0  # no dashed lines from the seat
    assert frame.locator(".fd-seat").count() == 1 and frame.locator(".fd-me:not(.fd-seat)").count() == 0
    counts = check_links(page, SEATS[WANLI])
    n = {p: sum(c["precision"] == p for c in cards) for p in ("subdistrict", "illustrative")}
    assert n["subdistrict"] >= 1 and n["illustrative"] >= 1  # 湾里 has both kinds
    # two links (高德 and 百度) per card, none of them navigation (the bundled data has no real position)
    assert counts == {"walk": 0, "name": 2 * n["subdistrict"], "nearby": 2 * n["illustrative"]}
    # the card is read aloud in Chinese (a voice exists in this browser)
    say = page.locator(".fd-say:visible")
    assert say.count() == len(cards)
    say.first.click()
    page.wait_for_function("() => window.__said.length > 0")
    assert POINTS[cards[0]["id"]]["name"] in "".join(page.evaluate("() => window.__said"))
    assert say.first.get_attribute("aria-pressed") == "true"
    # the subdistrict's A4 poster
    dl_button = page.locator("[data-testid=stDownloadButton] button")
    assert dl_button.count() == 1 and "海报" in dl_button.inner_text()
    with page.expect_download(timeout=60_000) as dl:
        dl_button.click()
    pdf = tmp_path / "poster.pdf"
    dl.value.save_as(pdf)
    assert dl.value.suggested_filename == f"jinpu_meal_points_{WANLI}_zh.pdf"
    assert pdf.read_bytes()[:5] == b"%PDF-"
    assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")
    page.evaluate("window.scrollTo(0, 0)")
    _shot(page, "directions_seat")

    # ---- 2. tap the map: a real start, distances and lines appear
    _tap_empty_spot(page, frame)
    me = frame.locator(".fd-me:not(.fd-seat)")
    me.wait_for(timeout=10_000)
    tapped = (float(me.get_attribute("data-lon")), float(me.get_attribute("data-lat")))
    cards = page.evaluate(READ_CARDS)
    assert len(cards) == 5 and all(c["dist"] and re.search(r"\d\s*(米|公里)", c["dist"]) for c in cards), cards
    assert all(c["group"] is None for c in cards)
    assert frame.locator(DASHED).count() == 5
    check_links(page, tapped)
    page.locator("[class*='st-key-fd_item_1']").scroll_into_view_if_needed()
    _shot(page, "directions_tapped")

    # ---- 3. share the last card's point: the link opens the finder with its card first
    last = cards[-1]
    pop = page.locator("[class*='st-key-fd_item_5'] [data-testid=stPopover] button").first
    pop.scroll_into_view_if_needed()
    pop.click()
    code = page.locator("[data-testid=stPopoverBody] [data-testid=stCode] code").first
    code.wait_for(timeout=10_000)
    url = code.inner_text().strip()
    assert url.startswith(server + "/finder?") and _q(url) == {"point": last["id"], "lang": "zh"}, url
    assert page.get_by_text("分享这个助餐点").count() >= 5
    _shot(page, "directions_share")
    assert not page.blocked, set(page.blocked)
    assert not page.dialogs

    shared = new_page(chromium, W, H)  # a browser without voices: no read-aloud button
    shared.goto(url + "&elder=1")
    shared.wait_for_selector(".fd-item", timeout=30_000)
    wait_idle(shared)
    first = shared.evaluate(READ_CARDS)
    assert first[0]["id"] == last["id"] and first[0]["pinned"], first[:2]
    assert shared.get_by_role("heading", name="分享给您的助餐点").count() == 1
    above = shared.evaluate("""() => document.querySelector('[class*="st-key-fd_item_"]').getBoundingClientRect().top
        < document.querySelector("iframe[title='streamlit_folium.st_folium']").getBoundingClientRect().top""")
    assert above  # at the top of the page, before the map: no scrolling to find it
    assert not any(c["pinned"] for c in first[1:]) and first[0]["dist"] is None  # from the seat: no distance
    assert shared.locator(".fd-say").count() == len(first) and shared.locator(".fd-say:visible").count() == 0
    check_links(shared, SEATS[POINTS[last["id"]]["sub"]])
    _shot(shared, "directions_shared_opened")
    # the same link in English
    shared.goto(url.replace("lang=zh", "lang=en"))
    shared.wait_for_selector(".fd-item", timeout=30_000)
    wait_idle(shared)
    assert shared.evaluate(READ_CARDS)[0]["id"] == last["id"]
    assert shared.get_by_role("heading", name="The meal point shared with you").count() == 1
    assert shared.get_by_text("Share this meal point").count() >= 1
    assert not shared.blocked and not shared.dialogs


def test_screenshots_are_in_the_ignored_folder():
    assert ".shots/" in (ROOT / ".gitignore").read_text(encoding="utf-8").split()
    assert SHOTS.name == ".shots"
