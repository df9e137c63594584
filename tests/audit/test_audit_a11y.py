"""Accessibility audit: axe-core 4.14.1 (tests/audit/a11y, installed by ``npm ci``)
injected by Playwright into every page that exists, in Chinese and English at desktop
size and in the elder mode at phone size (390×844), in the page and inside each map
iframe, with the WCAG 2.x A/AA rules. Then the elder mode's text sizes, line spacing,
tap targets and contrast are read from the DOM against the elder-mode rules (MIIT 适老化 2021: text ≥ 18 px, up to 30 px in large mode; line spacing ≥ 1.3; contrast ≥ 4.5:1; tap targets ≥ 60×60 px).

Findings that the app cannot fix are on an explicit allow-list below, each with its reason.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.audit import map_frames, pages, wait_idle
from tests.support.browser import browser, chromium_available, new_page, streamlit_server

AXE_JS = Path(__file__).resolve().parent / "a11y" / "node_modules" / "axe-core" / "axe.min.js"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not chromium_available(), reason="no chromium"),
    pytest.mark.skipif(
        not AXE_JS.exists(), reason="axe-core missing: run `npm ci --prefix tests/audit/a11y` (.ci/run does)"
    ),
]

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
RUN_AXE = """async (tags) => {
  const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations'], iframes: false});
  return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html.slice(0, 160)}))}));
}"""

# rule id -> (where it may occur: "iframe" = inside a map iframe, "main" = the page, why)
ALLOWED = {
    "meta-viewport": (
        "iframe",
        "folium's map document (inside streamlit-folium's iframe) carries <meta name=viewport "
        "maximum-scale=1.0, user-scalable=no>; a browser applies only the top-level document's "
        "viewport, which is Streamlit's and allows zooming (axe finds nothing on it), so this "
        "tag cannot stop anyone from zooming.",
    ),
}

PHONE = (390, 844)
DESKTOP = (1280, 800)
CONFIGS = [("zh", False, DESKTOP), ("en", False, DESKTOP), ("zh", True, PHONE), ("en", True, PHONE)]

# text a resident reads in the page body (not inside the map iframe)
READ_TEXT = """() => {
  const main = document.querySelector('[data-testid="stMainBlockContainer"]');
  const sel = 'p, li, label, td, th, .fd-dist, .fd-details div, .fd-caveat, [data-testid=stMetricValue], '
            + '[data-testid=stMetricLabel], [data-testid=stText], [data-baseweb=tab] p';
  return [...main.querySelectorAll(sel)].filter(e => {
    const r = e.getBoundingClientRect(); const cs = getComputedStyle(e);
    return r.width > 0 && r.height > 0 && cs.visibility !== 'hidden' && (e.innerText || '').trim().length > 0
      && !e.closest('[data-testid=stCode]');
  }).map(e => { const cs = getComputedStyle(e); const fs = parseFloat(cs.fontSize);
    const lh = cs.lineHeight === 'normal' ? 1.2 * fs : parseFloat(cs.lineHeight);
    const lines = Math.round(e.getBoundingClientRect().height / lh);
    return [e.tagName + '.' + (e.className.toString() || '').slice(0, 20), (e.innerText || '').slice(0, 24), fs, lh / fs, lines]; });
}"""

READ_TARGETS = """() => {
  const main = document.querySelector('[data-testid="stMainBlockContainer"]');
  const sel = 'a, button, summary, input[type=text], input[type=number], [data-baseweb=select] > div, '
            + '[role=radiogroup] label, [data-testid=stCheckbox] label, [role=tab], [data-testid=stToggle] label';
  return [...main.querySelectorAll(sel)].filter(e => {
    const r = e.getBoundingClientRect(); const cs = getComputedStyle(e);
    return r.width > 0 && r.height > 0 && cs.visibility !== 'hidden' && cs.opacity !== '0'
      // a select's typing field is inside its (measured) box
      && !(e.tagName === 'INPUT' && e.closest('[data-baseweb=select], [data-testid=stMultiSelect], [data-testid=stSelectbox]'));
  }).map(e => { const r = e.getBoundingClientRect();
    return [e.tagName + (e.getAttribute('data-testid') ? '[' + e.getAttribute('data-testid') + ']' : ''),
            (e.innerText || e.getAttribute('aria-label') || '').replace(/\\s+/g, ' ').slice(0, 30),
            Math.round(r.width), Math.round(r.height)]; });
}"""

# WCAG contrast of each text element against its first opaque ancestor background
READ_CONTRAST = """() => {
  const rgb = s => (s.match(/[\\d.]+/g) || []).map(Number);
  const lum = c => { const v = c.slice(0, 3).map(x => { x /= 255; return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); });
                     return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]; };
  const main = document.querySelector('[data-testid="stMainBlockContainer"]');
  const els = [...main.querySelectorAll('p, li, label, td, th, h1, h2, h3, a, button, span, div')].filter(e =>
    e.getBoundingClientRect().height > 0 && [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())
    && getComputedStyle(e).visibility !== 'hidden' && !e.closest('[data-testid=stCode]')
    && !(e.closest('input, textarea') || e.closest('[aria-disabled=true]') || e.closest('[disabled]')));
  return els.map(e => {
    const fg = rgb(getComputedStyle(e).color);
    let n = e, bg = [255, 255, 255, 1], alpha = fg.length > 3 ? fg[3] : 1;
    while (n && n.nodeType === 1) { const c = rgb(getComputedStyle(n).backgroundColor);
      if (c.length >= 3 && (c.length === 3 || c[3] > 0.5)) { bg = c; break; } n = n.parentElement; }
    const f = fg.slice(0, 3).map((x, i) => alpha * x + (1 - alpha) * bg[i]);
    const a = lum(f), b = lum(bg);
    return [(e.innerText || '').slice(0, 24), Math.round(100 * (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)) / 100];
  });
}"""


@pytest.fixture(scope="module")
def server():
    with streamlit_server() as base:
        yield base


@pytest.fixture(scope="module")
def chromium(server):
    with browser() as b:
        # a fresh server runs a deep-linked page file on its own until app.py has run once
        p = new_page(b)
        p.goto(server + "/")
        wait_idle(p)
        p.context.close()
        yield b


def open_page(chromium, server, url, lang, elder, size):
    page = new_page(chromium, *size)
    page.goto(f"{server}/{url}?lang={lang}" + ("&elder=1" if elder else ""))
    wait_idle(page)
    for fr in map_frames(page):
        fr.locator(".leaflet-container").wait_for()
    page.wait_for_timeout(400)  # the map's deferred marker labels
    return page


def axe(page) -> list[dict]:
    src = AXE_JS.read_text(encoding="utf-8")
    found = []
    for where, fr in [("main", page.main_frame)] + [("iframe", f) for f in map_frames(page)]:
        fr.add_script_tag(content=src)
        for v in fr.evaluate(RUN_AXE, TAGS):
            v["where"] = where
            found.append(v)
    return found


PARAMS = [(url, lang, elder, size) for url in pages() for lang, elder, size in CONFIGS]


@pytest.mark.parametrize(
    ("url", "lang", "elder", "size"),
    PARAMS,
    ids=[f"{u or 'overview'}-{lg}{'-elder-phone' if e else ''}" for u, lg, e, _ in PARAMS],
)
def test_axe_wcag_aa(server, chromium, url, lang, elder, size):
    page = open_page(chromium, server, url, lang, elder, size)
    try:
        violations = axe(page)
    finally:
        page.context.close()
    allowed = [v for v in violations if v["id"] in ALLOWED and ALLOWED[v["id"]][0] == v["where"]]
    rest = [v for v in violations if v not in allowed]
    if allowed:
        print(f"\n{url or 'overview'} {lang}: allowed:", sorted({v["id"] for v in allowed}))
    assert not rest, json.dumps(rest, ensure_ascii=False, indent=1)[:4000]


@pytest.mark.parametrize("url", pages(), ids=[u or "overview" for u in pages()])
def test_elder_mode_sizes_targets_contrast(server, chromium, url):
    """The elder-mode rules (MIIT 适老化 2021) on a phone: text ≥ 20 px with line spacing ≥ 1.3,
    tap targets ≥ 60×60 px, text contrast ≥ 4.5:1."""
    page = open_page(chromium, server, url, "zh", True, PHONE)
    try:
        if url == "finder":  # the answer list: the text a resident reads most
            page.locator("[data-testid=stSelectbox]").first.click()
            page.get_by_role("option").first.click()
            page.wait_for_selector(".fd-item", timeout=30_000)
            wait_idle(page)
        texts = page.evaluate(READ_TEXT)
        targets = page.evaluate(READ_TARGETS)
        contrast = page.evaluate(READ_CONTRAST)
        overflow = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    finally:
        page.context.close()
    assert texts and targets and contrast
    small = [x for x in texts if x[2] < 20]
    tight = [x for x in texts if x[4] > 1 and x[3] < 1.3 - 1e-6]
    assert not small, small
    assert not tight, tight
    tiny = [x for x in targets if x[2] < 60 or x[3] < 60]
    assert not tiny, tiny
    low = [x for x in contrast if x[1] < 4.5]
    assert not low, low
    assert overflow  # no horizontal scrolling at 390 px
    print(
        f"\n{url or 'overview'} elder: {len(texts)} texts ≥ {min(x[2] for x in texts):.0f} px, "
        f"{len(targets)} targets ≥ {min(min(x[2], x[3]) for x in targets)} px, "
        f"contrast ≥ {min(x[1] for x in contrast):.2f}"
    )
