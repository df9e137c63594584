"""Shared pieces of the quality-gate audits: the pages that exist, waiting
for Streamlit to settle, opening every popup and tooltip of every map, and reading
the DOM of every frame for signs of injected markup."""

from __future__ import annotations

import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# (file, url path) in the app's order; app.py registers only the files that exist,
# so the audits cover a page (coverage, for one) as soon as it lands.
ALL_PAGES = (
    ("pages/overview.py", ""),
    ("pages/finder.py", "finder"),
    ("pages/coverage.py", "coverage"),
    ("pages/projects.py", "projects"),
    ("pages/data.py", "data"),
    ("pages/registry.py", "registry"),
    ("pages/report.py", "report"),
)


def pages() -> list[str]:
    """The url paths ("" for the default page) of the pages that exist."""
    return [url for f, url in ALL_PAGES if (ROOT / f).exists()]


def wait_idle(page, quiet_ms: int = 800, timeout_ms: int = 45_000) -> None:
    """Wait until Streamlit has finished running: no status widget, no skeleton, no
    stale elements, for ``quiet_ms`` in a row."""
    js = (
        "() => !document.querySelector('[data-testid=stStatusWidget]') && "
        "!document.querySelector('[data-testid=stSkeleton]') && "
        "!!document.querySelector('[data-testid=stMainBlockContainer]') && "
        "!document.querySelector('[data-stale=true]')"
    )
    deadline = time.monotonic() + timeout_ms / 1000
    quiet = 0
    while time.monotonic() < deadline:
        if page.evaluate(js):
            quiet += 100
            if quiet >= quiet_ms:
                return
        else:
            quiet = 0
        page.wait_for_timeout(100)
    raise TimeoutError("the app did not settle")


def map_frames(page) -> list:
    """The frames that hold a Leaflet map (window.map, as streamlit-folium names it)."""
    out = []
    for fr in page.frames:
        if fr == page.main_frame:
            continue
        try:
            if fr.evaluate("() => !!(window.map && window.L && window.map instanceof L.Map)"):
                out.append(fr)
        except Exception:
            pass
    return out


# Open every popup (one after the other; each is rendered into the DOM) and every
# tooltip (by the same mouseover a user makes) of the map in this frame.
EXERCISE_MAP = """async () => {
  const m = window.map;
  // markers held in a cluster (Leaflet.markercluster) are not on the map: put each on it
  m.eachLayer(g => { if (window.L.MarkerClusterGroup && g instanceof L.MarkerClusterGroup) {
    const kids = g.getLayers(); g.clearLayers(); kids.forEach(k => k.addTo(m)); } });
  const layers = []; m.eachLayer(l => layers.push(l));
  let popups = 0, tips = 0, html = '';
  for (const l of layers) {
    try { if (l.getPopup && l.getPopup() && l.openPopup) { l.openPopup(); popups++;
      const c = document.querySelector('.leaflet-popup-content'); if (c) html += c.innerText + '\\n'; } } catch (e) {}
  }
  try { m.closePopup(); } catch (e) {}
  const els = [...document.querySelectorAll('path.leaflet-interactive, .leaflet-marker-icon')];
  for (const el of els) {
    const r = el.getBoundingClientRect();
    const o = {bubbles: true, cancelable: true, clientX: r.x + r.width / 2, clientY: r.y + r.height / 2};
    el.dispatchEvent(new MouseEvent('mouseover', o));
    const tt = document.querySelectorAll('.leaflet-tooltip');
    if (tt.length) { tips++; html += tt[tt.length - 1].innerText + '\\n'; }
    el.dispatchEvent(new MouseEvent('mouseout', o));
  }
  const legend = [...document.querySelectorAll('.jp-legend, .leaflet-control')].map(e => e.innerText).join('\\n');
  await new Promise(r => setTimeout(r, 200));
  return {popups, tips, text: html + legend};
}"""

# Signs that data became markup, in one frame; and the calls our init script caught.
DOM_CHECK = """() => {
  const bad = [];
  const sels = ['img[src="x"]', '[onerror]', '[onload]', '[onmouseover]', 'a[href^="javascript:" i]',
                'iframe[src^="javascript:" i]', 'b[onmouseover]'];
  for (const s of sels) { const n = document.querySelectorAll(s).length; if (n) bad.push(s + ' x' + n); }
  for (const sc of document.scripts) { if (/alert\\('xss:/.test(sc.textContent)) bad.push('script: ' + sc.textContent.slice(0, 80)); }
  for (const a of document.querySelectorAll('a[href]')) {
    const h = (a.getAttribute('href') || '').trim().toLowerCase().replace(/[\\s\\u0000-\\u001f]/g, '');
    if (h.startsWith('javascript:') || h.startsWith('data:text/html') || h.startsWith('vbscript:')) bad.push('href: ' + h.slice(0, 60));
  }
  return {bad, hits: window.__xssHits || [], text: (document.body && document.body.textContent) || ''};
}"""

# Installed in every frame before any script: record any alert/confirm/prompt/print call
# (a dialog event is also recorded by tests.browser.new_page) and any eval of a payload.
HOOK = """(() => {
  window.__xssHits = [];
  for (const fn of ['alert', 'confirm', 'prompt', 'print']) {
    const orig = window[fn];
    window[fn] = function (...a) { window.__xssHits.push(fn + ':' + String(a[0]));
      try { if (window.top && window.top !== window && window.top.__xssHits) window.top.__xssHits.push(fn + ':' + String(a[0])); } catch (e) {}
      return orig ? orig.apply(this, a) : undefined; };
  }
})();"""


def check_frames(page) -> dict:
    """DOM_CHECK in every frame: {"bad": [...], "hits": [...], "text": all text}."""
    bad, hits, text = [], [], []
    for fr in page.frames:
        try:
            r = fr.evaluate(DOM_CHECK)
        except Exception:
            continue
        bad += [f"{fr.url[:60]}: {b}" for b in r["bad"]]
        hits += r["hits"]
        text.append(r["text"])
    return {"bad": bad, "hits": hits, "text": "\n".join(text)}
