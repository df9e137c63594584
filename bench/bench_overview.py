"""Benchmark of the overview map: a filter change with the constant base map and
``feature_group_to_add`` (what the page does) against the naive approach (every layer in
the map, so the whole map is rebuilt and the iframe remounted), in the same run.

    python bench/bench_overview.py

Figures:
  * server: the script rerun after a filter change (AppTest), median of N;
  * payload: the bytes of the map component's arguments per rerun, and how many of them
    the iframe must re-evaluate (feature groups only, or the whole map);
  * browser: from the click on a layer checkbox to the map showing the new markers
    (headless Chromium, every non-loopback request blocked), median of 10.

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


def browser_side(mode: str, base: str, b, n: int = N_BROWSER) -> dict:
    from tests.support.browser import MAP_IFRAME, map_frame, new_page

    page = new_page(b, 1280, 800)
    page.goto(base + "/?base=blank" + ("&bench=naive" if mode == "naive" else ""))
    f = map_frame(page)
    f.locator(".jp-meal").first.wait_for()
    page.get_by_text("筛选").first.click()  # open the expander with the layer toggles
    box = page.locator(".st-key-ov_l_meal")
    box.wait_for()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    times = []
    for i in range(n):
        want = 0 if i % 2 == 0 else 60
        page.wait_for_timeout(300)
        t0 = time.perf_counter()
        box.locator("label").click()
        page.wait_for_function(
            "([f, n]) => { const d = document.querySelector(f)?.contentDocument;"
            " return !!d && !!d.querySelector('.leaflet-container') && d.querySelectorAll('.jp-meal').length === n; }",
            arg=[MAP_IFRAME, want],
            timeout=30_000,
            polling="raf",
        )
        times.append((time.perf_counter() - t0) * 1000)
    http = [u for u in requests if not u.startswith(("data:", "blob:"))]
    page.context.close()
    return {
        "mode": mode,
        "browser_update_ms_median": round(statistics.median(times), 1),
        "browser_update_ms_max": round(max(times), 1),
        "http_requests_per_change": round(len(http) / n, 1),
    }


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
