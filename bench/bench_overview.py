"""Benchmark of the overview map: a filter change with the constant base map and
``feature_group_to_add`` (what the page does) against the naive approach (every layer in
the map, so the whole map is rebuilt and the iframe remounted), in the same run.

    python bench/bench_overview.py

Figures:
  * server: the script rerun after a filter change (AppTest, the views' layers already built
    once in this process), median of N;
  * payload: the bytes of the map component's arguments per rerun, and how many of them
    the iframe must re-evaluate (feature groups only, or the whole map);
  * browser: from the click on a layer checkbox to the first frame in which the map shows
    the new markers, timed in the page (headless Chromium, every non-loopback request
    blocked), median of 10; and the same as the test driver sees it (Playwright's click and
    polling included).

``run()`` returns the figures as a list of dicts.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

N_SERVER = 10
N_BROWSER = 10

# How many meal points the overview map holds (``f``: the map iframe's selector), through
# Leaflet's API: the markers inside the Leaflet.markercluster groups (at a low zoom most of
# them are drawn as numbered circles, not as ``.jp-meal`` elements) plus the meal markers
# directly on the map; -1 while the map is not there yet. A marker is a meal point when its
# icon draws ``.jp-meal``.
MEAL_MARKERS_JS = """f => {
  const w = document.querySelector(f)?.contentWindow;
  if (!w || !w.L || !w.map || !w.document.querySelector('.leaflet-container')) return -1;
  const meal = l => !!(l && l.options && l.options.icon && /jp-meal/.test(l.options.icon.options.html || ''));
  let n = 0;
  w.map.eachLayer(l => {
    if (w.L.MarkerClusterGroup && l instanceof w.L.MarkerClusterGroup) n += l.getLayers().filter(meal).length;
    else if (meal(l) && !l.__parent) n += 1;  // (a clustered marker on the map has a __parent)
  });
  return n;
}"""


def _folium_args(at) -> dict:
    comps = [c for c in at.get("component_instance") if "st_folium" in c.proto.component_name]
    return json.loads(comps[0].proto.json_args)


def server_side(mode: str, n: int = N_SERVER) -> dict:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    if mode == "naive":
        at.query_params["bench"] = "naive"
    at.run()
    times = []
    sectors = ["urban_renewal", "education", "rural_revitalization", "elderly_care", "medical", "hazard_control"]
    # warm: the layers of each view are built once per process (geo.maps.cache); both modes are
    # timed on warm caches, so that neither pays the first build of a view (nor the order of the modes)
    for sector in sectors:
        at.multiselect(key="ov_sectors").set_value([sector])
        at.run()
    for i in range(n):
        ms = at.multiselect(key="ov_sectors")
        ms.set_value([sectors[i % len(sectors)]])
        t0 = time.perf_counter()
        at.run()
        times.append((time.perf_counter() - t0) * 1000)
        assert not at.exception, at.exception
    args = _folium_args(at)
    total = len(at.get("component_instance")[0].proto.json_args.encode())
    reeval = (
        len((args.get("feature_group") or "").encode())
        if mode == "incremental"
        else len((args["script"] + args["header"]).encode())
    )
    return {
        "mode": mode,
        "server_rerun_ms_median": round(statistics.median(times), 1),
        "server_rerun_ms_min": round(min(times), 1),
        "payload_bytes_per_rerun": total,
        "payload_bytes_reevaluated": reeval,
    }


# In the page: the time of the click on the meal layer's checkbox (the capture phase, before
# Streamlit's handlers) and, from a requestAnimationFrame loop, the first frame in which the
# map holds the number of meal points wanted. The driver's own latency (Playwright's
# actionability checks, its round trips to the browser) is not in it.
CLICK_TIMER_JS = (
    """([f, sel]) => {
  const count = ("""
    + MEAL_MARKERS_JS
    + """);
  const t = window.__jpClick = {t0: 0, t1: 0, want: -1};
  document.addEventListener('click', e => {
    if (e.target.closest(sel)) { t.t0 = performance.now(); t.t1 = 0; }
  }, true);
  const tick = () => {
    if (t.t0 && !t.t1 && count(f) === t.want) { t.t1 = performance.now(); }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}"""
)


def browser_side(mode: str, base: str, b, n: int = N_BROWSER) -> dict:
    from tests.support.browser import MAP_IFRAME, map_frame, new_page

    page = new_page(b, 1280, 800)
    page.goto(base + "/?base=blank" + ("&bench=naive" if mode == "naive" else ""))
    map_frame(page)
    page.wait_for_function(f"f => ({MEAL_MARKERS_JS})(f) > 0", arg=MAP_IFRAME, timeout=60_000, polling=200)
    page.get_by_text("筛选").first.click()  # open the expander with the layer toggles
    box = page.locator(".st-key-ov_l_meal")
    box.wait_for()
    page.evaluate(CLICK_TIMER_JS, [MAP_IFRAME, ".st-key-ov_l_meal"])
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    times, driver = [], []
    for i in range(n):
        want = 0 if i % 2 == 0 else 60
        page.evaluate("w => { window.__jpClick.want = w; }", want)
        page.wait_for_timeout(300)
        t0 = time.perf_counter()
        box.locator("label").click()
        page.wait_for_function(
            f"([f, n]) => ({MEAL_MARKERS_JS})(f) === n",
            arg=[MAP_IFRAME, want],
            timeout=30_000,
            polling="raf",
        )
        driver.append((time.perf_counter() - t0) * 1000)
        page.wait_for_function("() => window.__jpClick.t1 > 0", timeout=30_000)
        times.append(page.evaluate("() => window.__jpClick.t1 - window.__jpClick.t0"))
        wait_settled(page)  # the page's rerun done before the next click
    http = [u for u in requests if not u.startswith(("data:", "blob:"))]
    page.context.close()
    return {
        "mode": mode,
        "browser_update_ms_median": round(statistics.median(times), 1),
        "browser_update_ms_max": round(max(times), 1),
        "browser_update_ms_driver_median": round(statistics.median(driver), 1),
        "http_requests_per_change": round(len(http) / n, 1),
    }


def wait_settled(page) -> None:
    from tests.support.audit import wait_idle

    wait_idle(page, quiet_ms=300)


def run() -> list[dict]:
    from tests.support.browser import browser, chromium_available, streamlit_server

    rows = {m: server_side(m) for m in ("incremental", "naive")}
    if chromium_available():
        with streamlit_server() as base, browser() as b:
            for m in ("incremental", "naive"):
                rows[m].update(browser_side(m, base, b))
    return [rows["incremental"], rows["naive"]]


def main() -> None:
    res = run()
    keys = [k for k in res[0] if k != "mode"]
    print(f"{'figure':32} {'incremental':>14} {'naive rebuild':>14}")
    for k in keys:
        print(f"{k:32} {res[0].get(k, ''):>14} {res[1].get(k, ''):>14}")


if __name__ == "__main__":
    main()
