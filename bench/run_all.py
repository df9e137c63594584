"""Run every benchmark of the project and write one markdown report.

    python bench/run_all.py            # or: python -m bench
    python bench/run_all.py --skip load,coverage --out /tmp/REPORT.md

Benchmarks: nearest-meal-point search (bench_nearest), coverage metrics and site
suggestion against spopt (bench_coverage), the overview's filter change on the server
and in the browser with its payload (bench_overview), the first map and each page's
first-load payload (here), and the 20-session load test (bench_load). The report
(bench/REPORT.md by default) gives every figure with its baseline ratio, the machine it
ran on and the date; raw figures go to bench/out/report.json (not committed).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
import traceback
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

PACKAGES = (
    "streamlit",
    "folium",
    "streamlit-folium",
    "geopandas",
    "shapely",
    "pandas",
    "numpy",
    "scipy",
    "mapclassify",
    "spopt",
    "pulp",
    "playwright",
)
N_FIRST_MAP = 5


# ---------------------------------------------------------------- the machine


def machine() -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor()
    ram = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split("MemTotal:")[1].split()[0])
        ram = f"{kb / 1024 / 1024:.1f} GB"
    except (OSError, IndexError, ValueError):
        pass
    versions = {}
    for p in PACKAGES:
        try:
            versions[p] = metadata.version(p)
        except metadata.PackageNotFoundError:
            versions[p] = "not installed"
    chromium = ""
    try:
        from tests.support.browser import CHROMIUM

        chromium = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True, timeout=20).stdout.strip()
    except Exception:
        pass
    commit = ""
    with contextlib.suppress(Exception):
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, timeout=10
        ).stdout.strip()
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "ram": ram,
        "os": platform.platform(),
        "python": platform.python_version(),
        "chromium": chromium,
        "commit": commit,
        "versions": versions,
    }


# ---------------------------------------------------------------- first map and page payloads


def first_map_and_payloads() -> dict:
    """Median time from navigation to the first meal-point marker in a fresh browser
    context (page-building naive map as the baseline), and the bytes each page moves on
    its first load (HTTP responses and websocket messages)."""
    from bench_overview import MEAL_MARKERS_JS

    from tests.support.audit import pages, wait_idle
    from tests.support.browser import MAP_IFRAME, browser, new_page, streamlit_server

    out: dict = {"first_map": {}, "payload": {}}
    with streamlit_server() as base, browser() as b:
        warm = new_page(b)
        warm.goto(base + "/")
        wait_idle(warm)
        warm.context.close()
        for mode, q in (("incremental", "/?base=blank"), ("naive", "/?base=blank&bench=naive")):
            times = []
            for _ in range(N_FIRST_MAP):
                page = new_page(b, 1280, 800)
                t0 = time.perf_counter()
                page.goto(base + q)
                page.wait_for_function(
                    f"f => ({MEAL_MARKERS_JS})(f) > 0",  # meal points held by the map (clusters too)
                    arg=MAP_IFRAME,
                    timeout=60_000,
                    polling="raf",
                )
                times.append(time.perf_counter() - t0)
                page.context.close()
            out["first_map"][mode] = {"median_s": statistics.median(times), "min_s": min(times), "max_s": max(times)}
        # a returning visitor: the same browser context (its HTTP cache holds Streamlit's
        # frontend and the map's files), the first visit not timed
        page = new_page(b, 1280, 800)
        times = []
        for i in range(N_FIRST_MAP + 1):
            t0 = time.perf_counter()
            page.goto(base + "/?base=blank")
            page.wait_for_function(f"f => ({MEAL_MARKERS_JS})(f) > 0", arg=MAP_IFRAME, timeout=60_000, polling="raf")
            if i:
                times.append(time.perf_counter() - t0)
            page.goto("about:blank")
        page.context.close()
        out["first_map"]["returning"] = {"median_s": statistics.median(times), "min_s": min(times), "max_s": max(times)}
        out["first_map"]["floor"] = floor_first_map(b)
        for url in pages():
            page = new_page(b, 1280, 800)
            http = [0]
            ws = [0, 0]

            def on_response(r, http=http):
                with contextlib.suppress(Exception):
                    http[0] += len(r.body())

            def on_ws(w, ws=ws):
                def rx(payload):
                    ws[0] += len(payload) if isinstance(payload, (bytes, str)) else 0

                def tx(payload):
                    ws[1] += len(payload) if isinstance(payload, (bytes, str)) else 0

                w.on("framereceived", rx)
                w.on("framesent", tx)

            page.on("response", on_response)
            page.on("websocket", on_ws)
            page.goto(f"{base}/{url}?base=blank")
            wait_idle(page, quiet_ms=1500)
            page.wait_for_timeout(500)
            out["payload"][url or "overview"] = {
                "http_bytes": http[0],
                "ws_received_bytes": ws[0],
                "ws_sent_bytes": ws[1],
            }
            page.context.close()
    return out


# ---------------------------------------------------------------- the report


def _f(x, nd=2) -> str:
    if x is None:
        return "—"
    if isinstance(x, float):
        return f"{x:,.{nd}f}"
    if isinstance(x, int):
        return f"{x:,}"
    return str(x)


def _ratio(base, ours) -> str:
    try:
        return f"{base / ours:,.1f}×" if ours else "—"
    except TypeError:
        return "—"


def _section_nearest(res: dict) -> list[str]:
    L: list[str] = []
    L += [
        "## Finder: nearest meal points (bench_nearest)",
        "",
        "k = 5, 1,000 random queries in the Jinpu box; baseline: numpy brute-force haversine.",
        "",
        "| points | build ms | ours median ms | ours p95 ms | baseline median ms | baseline p95 ms | ratio (median) |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in res["nearest"]:
        L.append(
            f"| {r['n_points']:,} | {r['build_ms']:.3f} | {r['index_median_ms']:.4f} | {r['index_p95_ms']:.4f} | "
            f"{r['brute_median_ms']:.4f} | {r['brute_p95_ms']:.4f} | {r['speedup_median']:.1f}× |"
        )
    L.append("")
    return L


def _section_coverage(res: dict) -> list[str]:
    L: list[str] = []
    L += [
        "## Coverage metrics and site suggestion (bench_coverage)",
        "",
        "Synthetic, seeded data. Baselines: per-polygon loops for the metrics; spopt's MCLP "
        "(`from_cost_matrix`, PuLP/CBC) for the site suggestion. Ratio rows are stated in the method column.",
        "",
        "| case | method | seconds (or ratio) | value | status / note |",
        "|---|---|---:|---:|---|",
    ]
    for r in res["coverage"]:
        sec = f"{r['seconds']:.1f}×" if str(r["method"]).startswith("ratio") else f"{r['seconds']:.3f}"
        v = r.get("value")
        v = "" if v is None else (f"{v:.4f}" if abs(v) < 10 else f"{v:,.1f}")
        note = " ".join(x for x in (r.get("status", ""), r.get("note", "")) if x).replace("|", "/")
        L.append(f"| {r['case']} | {r['method']} | {sec} | {v} | {note} |")
    rows = {r["method"]: r for r in res["coverage"]}
    pairs = [
        (
            "covered share",
            "ours: union_all + vectorised overlay",
            "baseline: per-polygon unary_union loop (extrapolated)",
        ),
        (
            "nearest distance",
            "ours: cKDTree query + groupby",
            "baseline: dense distances per polygon (extrapolated)",
        ),
    ]
    for label, ours, base in pairs:
        if ours in rows and base in rows:
            L.append(
                f"| ratio | {label}: baseline ÷ ours | {_ratio(rows[base]['seconds'], rows[ours]['seconds'])} | | |"
            )
    L.append("")
    return L


def _section_overview(res: dict) -> list[str]:
    L: list[str] = []
    inc, naive = res["overview"]
    L += [
        "## Overview: a filter change (bench_overview)",
        "",
        "The meal layer's checkbox toggled 10 times. Ours: the map is the same for every view (its layers "
        "through `feature_group_to_add`), the view reaches it as a payload in the page, and a layer's "
        "checkbox shows or hides the layer in the browser at once (the rerun confirms it). Baseline: every "
        "layer in the map's own script, so the map is rebuilt on a change; it has the same checkbox "
        "handling, so the browser rows measure that handling in both. Click to new markers is timed in "
        "the page (the click's capture to the first frame with the new markers); the driver row adds "
        "Playwright's own click and polling.",
        "",
        "| figure | ours | baseline | ratio |",
        "|---|---:|---:|---:|",
    ]
    for k, label in (
        ("server_rerun_ms_median", "server rerun, median ms"),
        ("payload_bytes_per_rerun", "payload per rerun, bytes"),
        ("payload_bytes_reevaluated", "bytes the iframe re-evaluates"),
        ("browser_update_ms_median", "browser: click to new markers, median ms (timed in the page)"),
        ("browser_update_ms_max", "browser: click to new markers, max ms (timed in the page)"),
        ("browser_update_ms_driver_median", "browser: click to new markers as the test driver sees it, median ms"),
        ("http_requests_per_change", "HTTP requests per change"),
    ):
        if k in inc:
            L.append(f"| {label} | {_f(inc[k], 1)} | {_f(naive.get(k), 1)} | {_ratio(naive.get(k), inc[k])} |")
    L.append("")
    return L


# The floor app's maps load folium's default files from CDNs, which this machine cannot
# reach: Leaflet and jQuery are served from this app's static/vendor copies (the same
# versions), the others (Bootstrap, Font Awesome, awesome-markers, which 60 plain markers do
# not need) answer empty, so the floor app draws its map as it would online with a fast CDN.
FLOOR_CDN_FILES = {
    "leaflet.js": "leaflet/leaflet.js",
    "leaflet.css": "leaflet/leaflet.css",
    "jquery-3.7.1.min.js": "jquery/jquery.min.js",
    "marker-icon.png": "leaflet/images/marker-icon.png",
    "marker-icon-2x.png": "leaflet/images/marker-icon-2x.png",
    "marker-shadow.png": "leaflet/images/marker-shadow.png",
}
FLOOR_MARKER_JS = (
    "f => { const d = document.querySelector(f)?.contentDocument;"
    " return !!d && d.querySelectorAll('.leaflet-marker-icon').length > 0; }"
)


def floor_first_map(b) -> dict:
    """The floor app (bench/floor_app: a title, a selectbox, st_folium with 60 plain
    markers) timed as :func:`first_map_and_payloads` times ours: navigation to the first
    marker in a fresh browser context."""
    from urllib.parse import urlparse

    from geo.maps.base import STATIC_DIR, ensure_static_assets
    from tests.support.audit import wait_idle
    from tests.support.browser import LOOPBACK, MAP_IFRAME, new_page, streamlit_server

    ensure_static_assets()
    vendor = STATIC_DIR / "vendor"

    def route(r):
        url = r.request.url
        if url.startswith(("data:", "blob:", "about:")) or (urlparse(url).hostname or "") in LOOPBACK:
            return r.continue_()
        name = url.rsplit("/", 1)[-1].split("?")[0]
        kind = {"js": "application/javascript", "css": "text/css", "png": "image/png"}.get(name.rsplit(".", 1)[-1])
        if name in FLOOR_CDN_FILES:
            return r.fulfill(status=200, body=(vendor / FLOOR_CDN_FILES[name]).read_bytes(), content_type=kind)
        if kind in ("application/javascript", "text/css"):
            return r.fulfill(status=200, body="", content_type=kind)
        return r.abort()

    def floor_page():
        page = new_page(b, 1280, 800)
        page.context.unroute("**/*")
        page.context.route("**/*", route)
        return page

    times = []
    with streamlit_server(str(ROOT / "bench" / "floor_app" / "app.py")) as base:
        warm = floor_page()
        warm.goto(base + "/")
        wait_idle(warm)
        warm.context.close()
        for _ in range(N_FIRST_MAP):
            page = floor_page()
            t0 = time.perf_counter()
            page.goto(base + "/")
            page.wait_for_function(FLOOR_MARKER_JS, arg=MAP_IFRAME, timeout=60_000, polling="raf")
            times.append(time.perf_counter() - t0)
            page.context.close()
    return {"median_s": statistics.median(times), "min_s": min(times), "max_s": max(times)}


def _section_first(res: dict) -> list[str]:
    L: list[str] = []
    fm, pl = res["first"]["first_map"], res["first"]["payload"]
    L += [
        "## First map and first-load payloads",
        "",
        f"Navigation to the first meal-point marker in a fresh browser context, median of {N_FIRST_MAP} "
        "(blank base map). Baseline: the same page building every layer into the map.",
        "",
        "| figure | ours | baseline | ratio |",
        "|---|---:|---:|---:|",
    ]

    def row(label: str, ours: float, base: float) -> str:
        return f"| {label} | {ours:.2f} | {base:.2f} | {_ratio(base, ours)} |"

    if "incremental" in fm:
        i, n = fm["incremental"], fm["naive"]
        L.append(row("first map, median s", i["median_s"], n["median_s"]))
        L.append(row("first map, max s", i["max_s"], n["max_s"]))
        if "floor" in fm:
            label = "first map vs the floor app (st_folium, 60 plain markers; its CDN files served locally), median s"
            L.append(row(label, i["median_s"], fm["floor"]["median_s"]))
            L.append(row("first map: target ≤ 2 s solo", i["median_s"], 2.0))
        if "returning" in fm:
            label = "first map for a returning visitor (the same browser: its cache holds the frontend), median s"
            L.append(row(label, fm["returning"]["median_s"], 2.0))
    L += [
        "",
        "Bytes on a page's first load (fresh context; HTTP = Streamlit's frontend, the app's static "
        "assets and the map component; websocket = the app's own messages). Baseline ratio: the overview "
        "page's total ÷ this page's total.",
        "",
        "| page | HTTP bytes | websocket received | websocket sent | total | ratio |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    ov_total = sum(pl.get("overview", {}).values()) if "overview" in pl else None
    for name, p in pl.items():
        tot = p["http_bytes"] + p["ws_received_bytes"] + p["ws_sent_bytes"]
        L.append(
            f"| {name} | {p['http_bytes']:,} | {p['ws_received_bytes']:,} | {p['ws_sent_bytes']:,} | {tot:,} | "
            f"{_ratio(ov_total, tot)} |"
        )
    L.append("")
    return L


def _section_load(res: dict) -> list[str]:
    L: list[str] = []
    r = res["load"]
    L += [
        "## Load: concurrent sessions (bench_load; also `python -m pytest -m load`)",
        "",
        f"{r['sessions']} headless-browser sessions in one Chromium on the same machine as the server, "
        f"started a few seconds apart, each opening {', '.join(r['pages'])} through the navigation and changing "
        f"filters ({r['steps_done']} timed steps in {r['wall_s']:.0f} s). Times run from the action to "
        "the script run having finished and the new content being on screen.",
        "",
        "| figure | value | baseline | ratio |",
        "|---|---:|---:|---:|",
        f"| errors (exceptions, page errors, dialogs, server tracebacks) | {r['errors']} | 0 (required) | "
        f"{'ok' if r['errors'] == 0 else 'FAIL'} |",
        f"| steps whose 180 s wait ran out on the load generator | {r.get('client_timeouts', 0)} of "
        f"{r.get('steps_expected', r['steps_done'])} | ≤ 10 % | "
        f"{'ok' if r.get('client_timeouts', 0) <= 0.1 * r.get('steps_expected', r['steps_done']) else 'FAIL'} |",
        f"| page open, median s | {r['page_median_s']:.2f} | — | — |",
        f"| page open, p95 s | {r['page_p95_s']:.2f} | — | — |",
        f"| filter change, median s | {r['filter_median_s']:.2f} | — | — |",
        f"| filter change, p95 s | {r['filter_p95_s']:.2f} | — | — |",
        f"| server RSS idle (after one session), MB | {r['rss_idle_mb']:.0f} | — | — |",
        f"| server peak RSS (VmHWM), MB | {r['rss_peak_mb']:.0f} | {r['memory_limit_mb']} (Community Cloud plan) | "
        f"{r['rss_peak_mb'] / r['memory_limit_mb']:.0%} of the limit |",
        f"| memory per extra session, MB | {r['per_session_mb']:.1f} | — | — |",
        "",
    ]
    if r["errors"]:
        L += ["Errors: " + "; ".join(r["error_list"]), ""]
    if r.get("client_timeouts"):
        L += ["Waits that ran out: " + "; ".join(r["timeout_list"]), ""]
    L += ["| step | median s |", "|---|---:|"] + [f"| {k} | {v:.2f} |" for k, v in r["per_step_median_s"].items()]
    L.append("")
    return L


def h2_sections(text: str) -> list[tuple[str, str]]:
    """(title, text) of each ``## `` section of a Markdown report, in order."""
    parts = re.split(r"(?m)^(?=## )", text)
    return [(p.splitlines()[0], p) for p in parts if p.startswith("## ")]


def keep_other_sections(report: str, previous: str) -> str:
    """``report`` followed by the sections of ``previous`` whose titles it does not have."""
    mine = {title for title, _ in h2_sections(report)}
    kept = [body for title, body in h2_sections(previous) if title not in mine]
    return report.rstrip("\n") + "\n\n" + "".join(kept) if kept else report


def render(m: dict, res: dict, errors: dict, elapsed: float) -> str:
    L = [
        "# Benchmark report",
        "",
        f"Written by `python bench/run_all.py` on **{m['date']}** (commit `{m['commit'] or '?'}`), "
        f"all benchmarks in {elapsed / 60:.1f} min.",
        "",
        "## Machine",
        "",
        f"- CPU: {m['cpu']} × {m['cpus']} logical CPUs; RAM {m['ram']}",
        f"- OS: {m['os']}; Python {m['python']}; {m['chromium']}",
        "- Packages: " + ", ".join(f"{k} {v}" for k, v in m["versions"].items()),
        "",
        "Ratios are *baseline ÷ ours* for times and sizes (above 1× = ours is better), "
        "except where the row says otherwise. Every browser figure is headless Chromium on loopback "
        "with every other host blocked.",
        "",
    ]

    if "nearest" in res:
        L += _section_nearest(res)
    if "coverage" in res:
        L += _section_coverage(res)
    if "overview" in res:
        L += _section_overview(res)
    if "first" in res:
        L += _section_first(res)
    if "load" in res:
        L += _section_load(res)
    if errors:
        L += ["## Benchmarks that failed", ""] + [f"- **{k}**: `{v}`" for k, v in errors.items()] + [""]
    return "\n".join(L)


BENCHES = ("nearest", "coverage", "overview", "first", "load")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(ROOT / "bench" / "REPORT.md"))
    ap.add_argument("--skip", default="", help="comma-separated: " + ",".join(BENCHES))
    ap.add_argument("--sessions", type=int, default=20, help="sessions for the load test")
    ap.add_argument(
        "--reuse",
        action="store_true",
        help="take the skipped benchmarks' figures from the last run (bench/out/report.json)",
    )
    a = ap.parse_args(argv)
    skip = {s.strip() for s in a.skip.split(",") if s.strip()}
    t0 = time.perf_counter()
    res, errors = {}, {}
    last = ROOT / "bench" / "out" / "report.json"
    if a.reuse and last.exists():
        res = {k: v for k, v in json.loads(last.read_text())["results"].items() if k in skip}
    for name in BENCHES:
        if name in skip:
            continue
        print(f"== {name}", flush=True)
        t1 = time.perf_counter()
        try:
            if name == "nearest":
                import bench_nearest

                res[name] = bench_nearest.run()
            elif name == "coverage":
                import bench_coverage

                res[name] = bench_coverage.run()
            elif name == "overview":
                import bench_overview

                res[name] = bench_overview.run()
            elif name == "first":
                res[name] = first_map_and_payloads()
            elif name == "load":
                import bench_load

                res[name] = bench_load.run(a.sessions)
        except Exception as exc:
            traceback.print_exc()
            errors[name] = f"{type(exc).__name__}: {exc}"[:300]
        print(f"   {time.perf_counter() - t1:.0f} s", flush=True)
    m = machine()
    report = render(m, res, errors, time.perf_counter() - t0)
    out = Path(a.out)
    if out.exists():  # the sections other benchmarks wrote (crowd, registry, batch runs) stay
        report = keep_other_sections(report, out.read_text(encoding="utf-8"))
    out.write_text(report, encoding="utf-8")
    raw = ROOT / "bench" / "out"
    raw.mkdir(exist_ok=True)
    (raw / "report.json").write_text(
        json.dumps({"machine": m, "results": res, "errors": errors}, default=str, indent=1)
    )
    print(report)
    print(f"\nwrote {a.out}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
