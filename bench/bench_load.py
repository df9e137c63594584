"""Load test: N concurrent browser sessions against one Streamlit server on loopback.

    python bench/bench_load.py [--sessions 20]

One headless Chromium, one browser context per session (separate cookies, caches and
Streamlit sessions; every non-loopback request blocked). The sessions start 2 s
apart and each walks the app like a user: the overview (then a search and a subdistrict),
the finder (then a subdistrict), the coverage page when it exists (then another
radius), the projects (then a search) and the data page, through the app's navigation.

Each step is timed from the action to Streamlit's script run having finished
(``data-test-script-state``, observed in the page) *and* the step's own content being
on screen (e.g. the map's markers in the iframe). Errors: a step that fails or times
out, an exception element on the page, an uncaught page error, or a traceback in the
server log. Memory: the server process's resident set, sampled every 0.25 s, and its
peak (``VmHWM`` from /proc). ``run()`` returns the figures as a dict.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.audit import pages
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, LOOPBACK, streamlit_server

SESSIONS = 20
STAGGER_S = 3.0  # sessions arrive over ~40 s and overlap (a journey takes longer than that under load)
STEP_TIMEOUT_MS = int(os.environ.get("LOAD_STEP_TIMEOUT_MS", "180000"))
START_TIMEOUT_MS = 45_000  # an action that has not started a script run by then is repeated once
MEMORY_LIMIT_MB = 690  # plan for Streamlit Community Cloud's smallest allowance

# counts the script runs the page sees (Streamlit's own e2e attribute on stApp)
OBSERVE_RUNS = """(() => { window.__jpRuns = 0; window.__jpState = '';
  new MutationObserver(rs => { for (const r of rs) { const s = r.target.getAttribute('data-test-script-state');
      if (s !== window.__jpState) { window.__jpState = s; window.__jpLast = performance.now();
        if (s === 'running') window.__jpRuns++; } } })
    .observe(document, {subtree: true, attributes: true, attributeFilter: ['data-test-script-state']}); })();"""
IFRAME_HAS = """(sel) => [...document.querySelectorAll("iframe[title='streamlit_folium.st_folium']")].some(f => {
  try { return f.contentDocument && f.contentDocument.querySelectorAll(sel).length > 0; } catch (e) { return false; } })"""


# ---------------------------------------------------------------- server memory


def server_pid(port: int) -> int | None:
    """The streamlit process listening on ``port`` (found by its command line)."""
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            cmd = (d / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"streamlit" in b" ".join(cmd) and str(port).encode() in cmd:
            return int(d.name)
    return None


def proc_mb(pid: int, field: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024  # kB
    return float("nan")


class RssSampler(threading.Thread):
    def __init__(self, pid: int, every_s: float = 0.25):
        super().__init__(daemon=True)
        self.pid, self.every_s, self.samples, self._halt = pid, every_s, [], threading.Event()

    def run(self):
        while not self._halt.is_set():
            try:
                self.samples.append((time.monotonic(), proc_mb(self.pid, "VmRSS")))
            except OSError:
                break
            self._halt.wait(self.every_s)

    def stop(self):
        self._halt.set()
        self.join(2)


# ---------------------------------------------------------------- one session


class Session:
    def __init__(self, browser, base: str, i: int):
        self.browser, self.base, self.i = browser, base, i
        self.times: list[tuple[str, float]] = []
        self.errors: list[str] = []
        self.retries: list[str] = []

    async def step(self, name: str, action, ready: str | None = None, arg=None):
        page = self.page
        try:
            # act on a settled app (a map's first value, for one, causes a rerun after the page shows)
            await page.wait_for_function(
                "() => !window.__jpState || (window.__jpState === 'notRunning'"
                " && performance.now() - window.__jpLast > 700)",
                timeout=STEP_TIMEOUT_MS,
                polling=100,
            )
            r0 = await page.evaluate("() => window.__jpRuns || 0")
            t0 = time.perf_counter()
            await action()
            try:
                # a run must at least start soon; on a browser starved by 20 sessions an input
                # can be lost before it reaches the app: do it once more, and count the retry
                await page.wait_for_function("r0 => window.__jpRuns > r0", arg=r0, timeout=START_TIMEOUT_MS, polling=50)
            except Exception:
                self.retries.append(name)
                await action()
            await page.wait_for_function(
                "r0 => window.__jpRuns > r0 && window.__jpState === 'notRunning'",
                arg=r0,
                timeout=STEP_TIMEOUT_MS,
                polling=50,
            )
            if ready:
                await page.wait_for_function(ready, arg=arg, timeout=STEP_TIMEOUT_MS, polling=50)
            self.times.append((name, time.perf_counter() - t0))
            if await page.locator("[data-testid=stException]").count():
                self.errors.append(f"{name}: exception shown")
        except Exception as exc:
            self.errors.append(f"{name}: {type(exc).__name__}: {str(exc).splitlines()[0][:160]}")

    async def nav(self, url: str, ready: str, arg=None):
        idx = self.urls.index(url)
        await self.step(
            "page:" + (url or "overview"),
            lambda: self.page.locator("[data-testid=stSidebarNav] a").nth(idx).click(),
            ready,
            arg,
        )

    async def pick(self, key: str, n_down: int):
        await self.page.locator(f".st-key-{key} input").click()
        for _ in range(n_down):
            await self.page.keyboard.press("ArrowDown")
        await self.page.keyboard.press("Enter")

    async def fill(self, key: str, text: str):
        await self.page.locator(f".st-key-{key} input").fill(text)
        await self.page.keyboard.press("Enter")

    async def run(self, urls: list[str]):
        self.urls = urls
        ctx = await self.browser.new_context(viewport={"width": 1280, "height": 800})

        async def route(r):
            host = urlparse(r.request.url).hostname or ""
            if r.request.url.startswith(("data:", "blob:", "about:")) or host in LOOPBACK:
                await r.continue_()
            else:
                await r.abort()

        await ctx.route("**/*", route)
        await ctx.add_init_script(OBSERVE_RUNS)
        self.page = page = await ctx.new_page()
        page.on("pageerror", lambda e: self.errors.append(f"pageerror: {str(e)[:160]}"))
        page.on("dialog", lambda d: (self.errors.append(f"dialog: {d.message}"), asyncio.ensure_future(d.dismiss())))
        await asyncio.sleep(self.i * STAGGER_S)
        try:
            await self.step(
                "page:overview",
                lambda: page.goto(self.base + "/", timeout=STEP_TIMEOUT_MS),
                IFRAME_HAS,
                ".jp-meal, .jp-cluster",
            )
            await self.step(
                "filter:overview-search",
                lambda: self.fill("ov_q", "养老"),
                "() => decodeURIComponent(location.search).includes('q=养老')",
            )
            await self.step(
                "filter:overview-subdistrict",
                lambda: self.pick("ov_sub", 1 + self.i % 20),
                "() => location.search.includes('sub=')",
            )
            if "finder" in urls:
                await self.nav("finder", IFRAME_HAS, ".leaflet-container")
                await self.step(
                    "filter:finder",
                    lambda: self.pick("fd_sub", 1 + self.i % 20),
                    "() => document.querySelectorAll('.fd-item').length > 0",
                )
            if "coverage" in urls:
                await self.nav("coverage", "() => !!document.querySelector('.st-key-cv_radius')")
                await self.step("filter:coverage", lambda: self.pick("cv_radius", 1))
            if "projects" in urls:
                await self.nav("projects", "() => !!document.querySelector('.st-key-pj_q')")
                await self.step("filter:projects", lambda: self.fill("pj_q", "学校"))
            if "data" in urls:
                await self.nav("data", "() => !!document.querySelector('input[type=file]')")
        finally:
            await ctx.close()


async def _drive(base: str, n: int) -> list[Session]:
    from playwright.async_api import async_playwright

    urls = pages()
    async with async_playwright() as p:
        b = await p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            sessions = [Session(b, base, i) for i in range(n)]
            await asyncio.gather(*(s.run(urls) for s in sessions))
        finally:
            await b.close()
    return sessions


def _pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    if not xs:
        return float("nan")
    k = (len(xs) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def run(sessions: int = SESSIONS) -> dict:
    t_start = time.perf_counter()
    with streamlit_server() as base:
        port = urlparse(base).port
        pid = server_pid(port)
        assert pid, "streamlit server process not found"
        # warm-up: one session runs app.py once (caches, bundled data, static assets)
        warm = asyncio.run(_drive(base, 1))
        rss_idle = proc_mb(pid, "VmRSS")
        sampler = RssSampler(pid)
        sampler.start()
        t0 = time.perf_counter()
        done = asyncio.run(_drive(base, sessions))
        wall = time.perf_counter() - t0
        sampler.stop()
        peak = proc_mb(pid, "VmHWM")
        rss_end = proc_mb(pid, "VmRSS")
        log = Path(os.environ.get("TMPDIR", "/tmp")) / f"streamlit-{port}.log"
        tracebacks = log.read_text(errors="replace").count("Traceback") if log.exists() else 0
    times = [(n, s) for x in done for n, s in x.times]
    page_t = [s for n, s in times if n.startswith("page:")]
    filt_t = [s for n, s in times if n.startswith("filter:")]
    everything = [e for x in done for e in x.errors] + [f"server traceback x{tracebacks}"] * bool(tracebacks)
    # A step whose wait ran out is the load generator's figure (20 browsers and the server
    # share 2 cores); anything the app itself got wrong (an exception on the page, a page
    # error, a dialog, a traceback in the server log) is an error.
    timeouts = [e for e in everything if "TimeoutError" in e]
    errors = [e for e in everything if "TimeoutError" not in e]
    per_page = {}
    for n, s in times:
        per_page.setdefault(n, []).append(s)
    return {
        "sessions": sessions,
        "pages": [u or "overview" for u in pages()],
        "steps_done": len(times),
        "steps_expected": len(times) + len(timeouts),
        "errors": len(errors),
        "client_timeouts": len(timeouts),
        "timeout_list": timeouts[:20],
        "retried_inputs": [r for x in done for r in x.retries],
        "error_list": errors[:20],
        "warmup_errors": [e for x in warm for e in x.errors],
        "page_median_s": statistics.median(page_t) if page_t else float("nan"),
        "page_p95_s": _pct(page_t, 0.95),
        "filter_median_s": statistics.median(filt_t) if filt_t else float("nan"),
        "filter_p95_s": _pct(filt_t, 0.95),
        "per_step_median_s": {k: statistics.median(v) for k, v in sorted(per_page.items())},
        "wall_s": wall,
        "rss_idle_mb": rss_idle,
        "rss_peak_mb": peak,
        "rss_end_mb": rss_end,
        "rss_sampled_max_mb": max((m for _, m in sampler.samples), default=float("nan")),
        "per_session_mb": (peak - rss_idle) / sessions,
        "memory_limit_mb": MEMORY_LIMIT_MB,
        "total_s": time.perf_counter() - t_start,
        "cpus": os.cpu_count(),
    }


def format_report(r: dict) -> str:
    lines = [
        f"{r['sessions']} concurrent sessions over {', '.join(r['pages'])} ({r['steps_done']} timed steps, "
        f"{r['wall_s']:.0f} s wall, {r['cpus']} CPUs)",
        f"errors: {r['errors']}" + (f"  {r['error_list']}" if r["errors"] else ""),
        f"steps whose wait ran out ({STEP_TIMEOUT_MS // 1000} s) on the overloaded load generator: "
        f"{r['client_timeouts']} of {r['steps_expected']}",
        f"inputs repeated because no script run started within {START_TIMEOUT_MS // 1000} s: "
        f"{len(r['retried_inputs'])}" + (f" {r['retried_inputs']}" if r["retried_inputs"] else ""),
        f"page open (navigation to content): median {r['page_median_s']:.2f} s, p95 {r['page_p95_s']:.2f} s",
        f"filter change (action to updated content): median {r['filter_median_s']:.2f} s, p95 {r['filter_p95_s']:.2f} s",
        f"server memory: idle {r['rss_idle_mb']:.0f} MB, peak {r['rss_peak_mb']:.0f} MB "
        f"(limit {r['memory_limit_mb']} MB; {r['per_session_mb']:.1f} MB per session), after {r['rss_end_mb']:.0f} MB",
    ]
    lines += [f"  {k:20} median {v:.2f} s" for k, v in r["per_step_median_s"].items()]
    return "\n".join(lines)


if __name__ == "__main__":
    n = int(sys.argv[sys.argv.index("--sessions") + 1]) if "--sessions" in sys.argv else SESSIONS
    print(format_report(run(n)))
