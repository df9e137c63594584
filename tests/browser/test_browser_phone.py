"""Every page on a phone (390 × 844) in the large-text mode (?elder=1), in headless Chromium:
every visible control's text lies inside the control's box (nothing clipped), and no
control starts under Streamlit's fixed top bar when the page opens.

A control is a button, a radio or checkbox label, a toggle, a select box, a text or
number input, a tab, an expander's summary or a link button in the page's main area. Its
text is measured as the browser lays it out: ``Range.getClientRects()`` over each of its
text nodes, against the control's ``getBoundingClientRect()``, within 1 px. An input's
text is its value or placeholder (no text node): measured in the input's font, it must fit
inside the input, except a select box's chosen value, which may be longer than a phone is
wide, as long as the box shows with "…" that it is cut.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.browser.test_browser_overview import meals_in_groups, meals_shown, wait_meals
from tests.support.audit import pages, wait_idle
from tests.support.browser import MAP_IFRAME, chromium_available, map_frame, new_page

pytestmark = [pytest.mark.browser, pytest.mark.skipif(not chromium_available(), reason="no chromium")]

SHOTS = Path(__file__).resolve().parents[2] / ".shots"
PHONE = (390, 844)
TOLERANCE_PX = 1

# What a person can see and tap in the main area, and where its text is. Returns the
# header's bottom and, per control, its box, its text boxes (or, for an input, whether its
# text overflows) and a short name.
READ_CONTROLS = """(tol) => {
  const header = document.querySelector('[data-testid=stHeader]');
  const headerBottom = header ? header.getBoundingClientRect().bottom : 0;
  const main = document.querySelector('[data-testid=stMain]') || document.body;
  const sel = ['button', '[role=radiogroup] label', '[data-testid=stCheckbox] label', '[data-testid=stToggle] label',
               '[data-baseweb=select] > div', 'input[type=text]', 'input[type=number]', 'input:not([type])',
               'textarea', '[role=tab]', 'details > summary', 'a[data-testid^=stBaseLinkButton]'].join(', ');
  const shown = e => {
    for (let n = e; n && n.nodeType === 1; n = n.parentElement) {
      const cs = getComputedStyle(n);
      if (cs.display === 'none' || cs.visibility === 'hidden' || cs.opacity === '0') return false;
      if (cs.clipPath && cs.clipPath !== 'none' || cs.clip && cs.clip !== 'auto') return false;  // screen-reader-only text
    }
    const r = e.getBoundingClientRect();
    return r.width > 1 && r.height > 1;
  };
  const out = [];
  for (const el of main.querySelectorAll(sel)) {
    if (!shown(el) || (header && header.contains(el))) continue;
    if (el.tagName === 'INPUT' && el.closest('[data-baseweb=select]')) continue;  // the select's typing field
    const box = el.getBoundingClientRect();
    const name = (el.innerText || el.value || el.placeholder || el.getAttribute('aria-label') || el.tagName)
      .replace(/\\s+/g, ' ').trim().slice(0, 40);
    const item = {name, tag: el.tagName, testid: (el.closest('[data-testid]') || el).getAttribute('data-testid'),
                  box: [box.left, box.top, box.right, box.bottom], outside: [], overflow: false};
    if (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA') {
      // its value, or its placeholder, laid out in its font, against the room inside it
      const cs = getComputedStyle(el), ctx = document.createElement('canvas').getContext('2d');
      ctx.font = cs.font;
      const room = el.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
      const wide = ctx.measureText(el.value || el.placeholder || '').width > room + tol;
      // a select box's chosen value may be longer than a phone is wide: then it must show
      // that it is cut
      item.overflow = wide && !(el.getAttribute('role') === 'combobox' && cs.textOverflow === 'ellipsis');
    } else {
      const walk = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      for (let t = walk.nextNode(); t; t = walk.nextNode()) {
        if (!t.textContent.trim() || !shown(t.parentElement)) continue;
        const range = document.createRange();
        range.selectNodeContents(t);
        for (const r of range.getClientRects()) {
          if (r.width < 0.5 || r.height < 0.5) continue;
          if (r.left < box.left - tol || r.top < box.top - tol || r.right > box.right + tol || r.bottom > box.bottom + tol)
            item.outside.push([t.textContent.trim().slice(0, 20), Math.round(r.left), Math.round(r.top),
                               Math.round(r.right), Math.round(r.bottom)]);
        }
      }
    }
    out.push(item);
  }
  return {headerBottom, scrollY: window.scrollY, controls: out};
}"""


def open_phone_page(chromium, server, url: str, lang: str):
    page = new_page(chromium, *PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    page.goto(f"{server}/{url}?lang={lang}&elder=1")
    wait_idle(page)
    page.wait_for_timeout(300)  # fonts and the last layout
    return page


@pytest.fixture(scope="module")
def warm(server, chromium):
    """A fresh server runs a deep-linked page on its own until app.py has run once."""
    page = new_page(chromium)
    page.goto(server + "/")
    wait_idle(page)
    page.context.close()
    return server


PARAMS = [(url, lang) for url in pages() for lang in ("zh", "en")]


@pytest.mark.parametrize(("url", "lang"), PARAMS, ids=[f"{u or 'overview'}-{lg}" for u, lg in PARAMS])
def test_phone_large_text_controls_are_whole_and_below_the_top_bar(warm, chromium, url, lang):
    page = open_phone_page(chromium, warm, url, lang)
    try:
        page.evaluate("window.scrollTo(0, 0)")
        got = page.evaluate(READ_CONTROLS, TOLERANCE_PX)
        if url == "" and lang == "zh":
            SHOTS.mkdir(exist_ok=True)
            page.screenshot(path=str(SHOTS / "phone_elder_overview_top.png"))
    finally:
        page.context.close()
    controls = got["controls"]
    assert got["scrollY"] == 0
    assert any(c["name"] in ("中文", "English") for c in controls), "the language switch was not found"
    problems = {
        f"under the top bar (its bottom at {got['headerBottom']:.0f} px)": [
            (c["name"], round(c["box"][1])) for c in controls if c["box"][1] < got["headerBottom"] - TOLERANCE_PX
        ],
        "text outside its control": [
            {"name": c["name"], "testid": c["testid"], "box": [round(x) for x in c["box"]], "text": c["outside"]}
            for c in controls
            if c["outside"]
        ],
        "text wider than its input": [c["name"] for c in controls if c["overflow"]],
    }
    problems = {k: v for k, v in problems.items() if v}
    assert not problems, json.dumps(problems, ensure_ascii=False)[:4000]


# The boxes of the meal-point markers on the map (single tiles and cluster circles).
MEAL_ICONS = """() => [...document.querySelectorAll('.leaflet-marker-icon')]
  .filter(e => e.querySelector('.jp-meal, .jp-cluster'))
  .map(e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; })"""


def test_phone_large_text_overview_is_no_pile_of_tiles(warm, chromium):
    """The whole-district view on a phone in the large-text mode: the meal points are drawn
    as clusters whose numbers add up to every point, and no two markers overlap."""
    page = open_phone_page(chromium, warm, "", "zh")
    try:
        f = map_frame(page)
        wait_meals(page, 60)
        page.wait_for_timeout(500)
        assert meals_shown(f) == 60 and meals_in_groups(f) == 60
        assert f.locator(".jp-cluster").count() >= 3
        boxes = f.locator("body").evaluate(MEAL_ICONS)
        overlaps = [
            (a, b)
            for i, a in enumerate(boxes)
            for b in boxes[i + 1 :]
            if min(a[2], b[2]) - max(a[0], b[0]) > 1 and min(a[3], b[3]) - max(a[1], b[1]) > 1
        ]
        assert not overlaps, overlaps
        SHOTS.mkdir(exist_ok=True)
        page.locator(MAP_IFRAME).scroll_into_view_if_needed()
        page.locator(MAP_IFRAME).screenshot(path=str(SHOTS / "phone_elder_overview_map.png"))
        page.screenshot(path=str(SHOTS / "phone_elder_overview.png"))
    finally:
        page.context.close()
