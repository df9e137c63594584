"""Protocol-level load generator: a crowd of Streamlit sessions without browsers.

    python bench/bench_protocol.py --app app.py --sessions 20 --arrive 2 --batches 1 [--json out.json]
    python bench/bench_protocol.py --floor [--no-map] --sessions 20 --arrive 2   # the floor app
    python bench/bench_protocol.py --sessions 0 --solo 5                         # solo warm mode only
    python bench/bench_protocol.py --compare --sessions 20 --arrive 2 --json cmp.json

It starts ``streamlit run`` itself (headless, 127.0.0.1, a free port, no usage stats, no
file watcher, in the repository root so .streamlit/config.toml applies), waits for
``/_stcore/health`` and stops the server afterwards, also on Ctrl-C or an error. All
traffic goes to 127.0.0.1.

The protocol, as the Streamlit 1.67 frontend speaks it (read from the installed package:
web/server/starlette/starlette_websocket.py, runtime/app_session.py,
runtime/forward_msg_cache.py, runtime/scriptrunner_utils/script_run_context.py and the
frontend bundle):

1. Open a websocket to ``ws://127.0.0.1:PORT/_stcore/stream`` with the subprotocols
   ``["streamlit", "PLACEHOLDER_AUTH_TOKEN"]`` (the second entry is the XSRF token slot,
   only checked for auth cookies; a third would resume an existing session id) and
   ``Origin: http://127.0.0.1:PORT`` (same origin as the Host, so it is accepted). The
   server sends nothing until the first rerun request.
2. Send a binary ``BackMsg`` whose ``rerun_script`` is a ``ClientState``: ``page_name``
   (the url path, ``""`` for the default page) or ``page_script_hash`` (what a click in
   the navigation sends; the hashes come from the ``navigation`` ForwardMsg's
   ``app_pages``), ``query_string`` (the URL's; a page change sends ``""``, a rerun of
   the same page sends what the last ``page_info_changed`` said), ``widget_states``,
   ``context_info`` (timezone, locale, url, colour scheme) and ``cached_message_hashes``.
3. Read binary ``ForwardMsg`` frames: ``new_session`` (run started; main script hash,
   ``config.max_cached_message_age``), ``session_status_changed``, ``navigation``,
   ``page_config_changed``, ``page_info_changed`` (the script changed st.query_params),
   ``delta`` (``new_element`` / ``add_block``) ... until ``script_finished`` with a
   status other than ``FINISHED_EARLY_FOR_RERUN`` (an ``st.rerun()`` starts another run
   on the same request). A ``session_status_changed`` (not running) follows at once and
   is counted with the step. ``FINISHED_WITH_COMPILE_ERROR``, ``page_not_found``,
   ``session_event.script_compilation_exception`` and every
   ``delta.new_element.exception`` are errors.
4. Widget changes are reruns of the same page with ``widget_states``: every widget the
   last run drew (id from its proto, value from ``raw_value``/``value`` when the server
   set it, else from ``default``, else the value sent before) plus the changed one. A
   widget's id is ``$$ID-<hash>-<user key>``, so a widget is found by its key (exact,
   else by suffix); a missing key is reported as an error of that step, not a crash. A
   page change sends the widgets of the main script only (what the frontend keeps).

ForwardMsg cache: the server gives every message a ``hash``; a ``delta.new_element`` of at
least ``global.minCachedMessageSize`` (10 kB, e.g. a map component) is marked
``metadata.cacheable``. The client keeps those and lists their hashes in the next
``rerun_script.cached_message_hashes``; the server then sends ``ref_hash`` (a ~100-byte
reference) instead of a message with one of those hashes, and the client must have it
(a miss is an error here, as in the frontend). After each finished run the client ages
its entries and drops those not used for more than ``max_cached_message_age`` (2) runs.
Bytes are what actually arrived (websocket message payloads; the server here negotiates no
compression); ``--no-cache`` sends no hashes, like a client without the cache.

Figures per step (send to ``script_finished``): median / p95 / max per step kind, bytes,
exceptions and errors; the batch's wall time; the server's VmRSS after each batch (and
the peak sampled every 0.5 s, and VmHWM). ``--solo R``: one session, each page opened and
then rerun R times; the median server time of those reruns. ``--compare`` runs the app,
the floor app and the floor app without maps and prints app ÷ floor ratios.
``render_markdown(result)`` returns a Markdown section for bench/REPORT.md.

Not modelled: the browser's own work (iframes, Leaflet, tiles), static files, and the
reruns a component triggers itself (st_folium reporting its state after drawing).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import os
import platform
import re
import resource
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
FLOOR_APP = "bench/floor_app/app.py"
PAGES = ("overview", "finder", "coverage", "projects", "data")

STEP_TIMEOUT_S = 180.0  # like bench_load: a step that takes longer is an error and ends the session
CONNECT_TIMEOUT_S = 30.0
START_TIMEOUT_S = 90.0
TRAILER_TIMEOUT_S = 2.0  # the session_status_changed that follows script_finished
MAX_MESSAGE_BYTES = 64 * 2**20
MAX_MESSAGES_PER_STEP = 100_000
RSS_EVERY_S = 0.5
SETTLE_S = 2.0  # after a batch's sessions closed, before reading the server's RSS

# ClientState.context_info, as a Chinese-locale browser on the server's own machine sends it
TIMEZONE, TZ_OFFSET_MIN, LOCALE = "Asia/Shanghai", -480, "zh-CN"


# ---------------------------------------------------------------- memory tracing (--trace-memory)

# Imported by the server's Python at start-up (a sitecustomize.py on its PYTHONPATH): starts
# tracemalloc and, each time the load generator writes a request file, writes the top
# allocation sites still alive (by line, and their growth since the previous request).
TRACE_HOOK = """
import os, threading, time, tracemalloc, json
_dir = os.environ.get("JP_TRACE_DIR")
if _dir:
    tracemalloc.start(int(os.environ.get("JP_TRACE_FRAMES", "1")))
    def _watch():
        prev, n = None, 0
        while True:
            time.sleep(0.5)
            req = os.path.join(_dir, "request-%d" % n)
            if not os.path.exists(req):
                continue
            import gc
            gc.collect()
            snap = tracemalloc.take_snapshot().filter_traces(
                (tracemalloc.Filter(False, tracemalloc.__file__), tracemalloc.Filter(False, "<frozen importlib._bootstrap>")))
            top = snap.statistics("lineno")[:25]
            diff = snap.compare_to(prev, "lineno")[:25] if prev is not None else []
            cur, peak = tracemalloc.get_traced_memory()
            out = {"traced_mb": cur / 2**20, "peak_mb": peak / 2**20,
                   "top": [[str(s.traceback[0]), s.size / 2**20, s.count] for s in top],
                   "growth": [[str(s.traceback[0]), s.size_diff / 2**20, s.count_diff] for s in diff]}
            tmp = os.path.join(_dir, "snapshot-%d.json.tmp" % n)
            with open(tmp, "w") as f:
                json.dump(out, f)
            os.replace(tmp, os.path.join(_dir, "snapshot-%d.json" % n))
            prev, n = snap, n + 1
    threading.Thread(target=_watch, name="jp-trace", daemon=True).start()
"""


class MemoryTrace:
    """The server side of ``--trace-memory``: the environment that loads :data:`TRACE_HOOK`,
    and :meth:`snapshot` (the allocation sites alive now, after a garbage collection)."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="jp-trace-"))
        (self.dir / "sitecustomize.py").write_text(TRACE_HOOK)
        self.n = 0

    def env(self) -> dict[str, str]:
        path = os.pathsep.join(p for p in (str(self.dir), os.environ.get("PYTHONPATH", "")) if p)
        return {"PYTHONPATH": path, "JP_TRACE_DIR": str(self.dir)}

    async def snapshot(self, timeout: float = 120.0) -> dict | None:
        (self.dir / f"request-{self.n}").write_text("")
        target = self.dir / f"snapshot-{self.n}.json"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and not target.exists():
            await asyncio.sleep(0.5)
        self.n += 1
        return json.loads(target.read_text()) if target.exists() else None


# ---------------------------------------------------------------- the replay plan


@dataclass(frozen=True)
class Change:
    """A widget change on a page: ``name`` for the step, ``keys`` the widget keys to look for."""

    name: str
    keys: tuple[str, ...]


# The app's common changes (keys from pages/overview.py, finder.py, coverage.py); the
# first key that matches wins, exact before suffix, so a renamed key can be listed too.
APP_PLAN: dict[str, tuple[Change, ...]] = {
    "overview": (Change("sector", ("ov_sectors",)), Change("subdistrict", ("ov_sub",))),
    "finder": (Change("subdistrict", ("fd_sub",)),),
    "coverage": (Change("radius", ("cv_radius",)),),
    "projects": (),
    "data": (),
}
FLOOR_PLAN: dict[str, tuple[Change, ...]] = {p: (Change("select", (f"fl_{p}",)),) for p in PAGES}

VARIANTS = {  # name -> (script, script args, plan)
    "app": (None, (), APP_PLAN),
    "floor": (FLOOR_APP, (), FLOOR_PLAN),
    "floor-nomap": (FLOOR_APP, ("--no-map",), FLOOR_PLAN),
}


# ---------------------------------------------------------------- the server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def proc_status_mb(pid: int, field_name: str) -> float:
    """A ``/proc/<pid>/status`` memory field (VmRSS, VmHWM) in MB, NaN when unreadable."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field_name + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


class Server:
    """``streamlit run`` on 127.0.0.1 and a free port; a context manager that always stops it."""

    def __init__(
        self,
        script: str,
        script_args: tuple[str, ...] = (),
        cwd: Path = ROOT,
        log_dir: Path | None = None,
        env: dict[str, str] | None = None,
    ):
        self.script, self.script_args, self.cwd, self.env = script, script_args, cwd, env
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = (log_dir or Path(tempfile.gettempdir())) / f"bench-protocol-{self.port}.log"
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        cmd = [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            self.script,
            "--server.port",
            str(self.port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
            "--server.fileWatcherType",
            "none",
        ]
        if self.script_args:
            cmd += ["--", *self.script_args]
        with open(self.log_path, "w") as log:
            # its own process group: a Ctrl-C in the terminal reaches only us, and we stop it
            self.proc = subprocess.Popen(
                cmd,
                cwd=self.cwd,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                env={**os.environ, **self.env} if self.env else None,
            )
        try:
            self._wait_healthy()
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_healthy(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.proc is None or self.proc.poll() is not None:
                break
            try:
                with urllib.request.urlopen(self.base + "/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"streamlit did not become healthy in {START_TIMEOUT_S:.0f} s; see {self.log_path}")

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def rss_mb(self) -> float:
        return proc_status_mb(self.pid, "VmRSS")

    def hwm_mb(self) -> float:
        return proc_status_mb(self.pid, "VmHWM")

    def log_tracebacks(self) -> int:
        try:
            return self.log_path.read_text(errors="replace").count("Traceback (most recent call last)")
        except OSError:
            return 0

    def stop(self) -> None:
        p, self.proc = self.proc, None
        if p is None or p.poll() is not None:
            return
        p.terminate()  # SIGTERM to the one process we started
        try:
            p.wait(10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait(5)


# ---------------------------------------------------------------- widgets


# element types whose value the client keeps and sends back (buttons are triggers: not sent)
WIDGET_TYPES = frozenset(
    {"selectbox", "multiselect", "radio", "checkbox", "text_input", "text_area", "number_input", "slider"}
)


def _has(msg: Any, name: str) -> bool:
    """``HasField`` for optional fields; True for fields without presence."""
    try:
        return msg.HasField(name)
    except ValueError:
        return True


def user_key(widget_id: str) -> str | None:
    """The user key in a widget id ``$$ID-<hash>-<key>`` (``None`` for an unkeyed widget)."""
    if not widget_id.startswith("$$ID-"):
        return None
    key = widget_id.split("-", 2)[-1]
    return None if key == "None" else key


def widget_value(kind: str, w: Any):
    """The value a browser would hold for a widget it has just been sent: the server's value
    when ``set_value`` is true, else the default. ``None`` when there is no value to send."""
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    ws = WidgetState(id=w.id)
    if kind in ("selectbox", "radio"):
        if w.set_value:
            if not _has(w, "raw_value"):
                return None
            ws.string_value = w.raw_value
        elif _has(w, "default") and 0 <= w.default < len(w.options):
            ws.string_value = w.options[w.default]
        else:
            return None
    elif kind == "multiselect":
        values = list(w.raw_values) if w.set_value else [w.options[i] for i in w.default if 0 <= i < len(w.options)]
        ws.string_array_value.data.extend(values)
    elif kind == "checkbox":
        ws.bool_value = w.value if w.set_value else w.default
    elif kind in ("text_input", "text_area"):
        if w.set_value and _has(w, "value"):
            ws.string_value = w.value
        elif _has(w, "default"):
            ws.string_value = w.default
        else:
            return None
    elif kind == "number_input":
        if not (w.set_value and _has(w, "value")) and not _has(w, "default"):
            return None
        ws.double_value = w.value if w.set_value and _has(w, "value") else w.default
    elif kind == "slider":
        if w.options:  # select_slider: option strings
            values = [w.options[int(i)] for i in w.default if 0 <= int(i) < len(w.options)]
            ws.string_array_value.data.extend(list(w.raw_value) if w.set_value else values)
        else:
            ws.double_array_value.data.extend(list(w.value) if w.set_value else list(w.default))
    else:
        return None
    return ws


def changed_value(kind: str, w: Any, current: Any):
    """A different value for the widget (the first option that differs), or None."""
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    ws = WidgetState(id=w.id)
    if kind in ("selectbox", "radio"):
        cur = current.string_value if current is not None and current.WhichOneof("value") == "string_value" else None
        other = [o for o in w.options if o != cur]
        if not other:
            return None
        ws.string_value = other[0]
    elif kind == "multiselect":
        cur = list(current.string_array_value.data) if current is not None else []
        pick = [[o] for o in w.options if [o] != cur]
        if not pick:
            return None
        ws.string_array_value.data.extend(pick[0])
    elif kind == "checkbox":
        ws.bool_value = not (current.bool_value if current is not None else w.default)
    else:
        return None
    return ws


# ---------------------------------------------------------------- one session


@dataclass
class Step:
    """One timed request: send to the final ``script_finished``."""

    batch: int
    session: int
    kind: str  # "overview", "overview/sector", ...
    seconds: float = float("nan")
    start_s: float = float("nan")  # send to new_session: the wait before the script run started
    bytes: int = 0  # websocket payload bytes received
    messages: int = 0
    cache_refs: int = 0  # ref_hash messages resolved from the client's cache
    cache_ref_bytes: int = 0  # the size of the messages those references stood for
    status: str = ""
    exceptions: list[str] = field(default_factory=list)
    error: str = ""

    @property
    def failed(self) -> bool:
        return bool(self.error or self.exceptions)


class ProtocolError(Exception):
    pass


class Session:
    """One browser tab, as the websocket protocol sees it."""

    def __init__(self, base: str, *, use_cache: bool = True, step_timeout: float = STEP_TIMEOUT_S):
        self.base, self.use_cache, self.step_timeout = base, use_cache, step_timeout
        self.ws: Any = None
        self.page = ""  # the url path of the page last run ("" before the first run)
        self.query_string = ""
        self.nav: dict[str, str] = {}  # url path ("" = default) -> page_script_hash
        self.main_script_hash = ""
        self.max_cache_age = 2
        self.cache: dict[str, list] = {}  # hash -> [serialized ForwardMsg, run count at last use]
        self.run_count = 0
        self.widgets: dict[str, tuple[str, Any, str]] = {}  # id -> (kind, proto, script hash), last run
        self.values: dict[str, Any] = {}  # id -> WidgetState the client holds
        self.widgets_this_run: dict[str, tuple[str, Any, str]] = {}
        self.new_session_seen = False  # in the current request (the frontend ages its cache only then)

    async def connect(self) -> None:
        from websockets.asyncio.client import connect

        uri = self.base.replace("http://", "ws://", 1) + "/_stcore/stream"
        self.ws = await connect(
            uri,
            subprotocols=["streamlit", "PLACEHOLDER_AUTH_TOKEN"],
            origin=self.base,
            open_timeout=CONNECT_TIMEOUT_S,
            close_timeout=5,
            ping_interval=None,  # a browser sends no pings
            max_size=MAX_MESSAGE_BYTES,
        )
        if self.ws.subprotocol != "streamlit":
            raise ProtocolError(f"server chose subprotocol {self.ws.subprotocol!r}")

    async def close(self) -> None:
        if self.ws is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.ws.close(), 10)
            self.ws = None

    # ------------------------------------------------------------ requests

    def _client_state(self, page: str, query_string: str, states: list) -> Any:
        from streamlit.proto.BackMsg_pb2 import BackMsg

        msg = BackMsg()
        cs = msg.rerun_script
        cs.query_string = query_string
        page_hash = self.nav.get(page) or (self.nav.get("") if page == PAGES[0] else None)
        if page_hash:
            cs.page_script_hash = page_hash  # what a click in the navigation sends
        else:
            cs.page_name = "" if page == PAGES[0] else page  # what loading the page's URL sends
        cs.widget_states.widgets.extend(states)
        if self.use_cache:
            cs.cached_message_hashes.extend(self.cache)
        ci = cs.context_info
        ci.timezone, ci.timezone_offset, ci.locale = TIMEZONE, TZ_OFFSET_MIN, LOCALE
        ci.url = f"{self.base}/{'' if page == PAGES[0] else page}" + (f"?{query_string}" if query_string else "")
        ci.is_embedded, ci.color_scheme = False, "light"
        return msg

    async def open_page(self, step: Step, page: str) -> Step:
        """Navigate to ``page``: the main script's widgets, no query string."""
        states = [
            self.values[i] for i, (_, _, h) in self.widgets.items() if h == self.main_script_hash and i in self.values
        ]
        return await self._run(step, self._client_state(page, "", states), page)

    async def rerun(self, step: Step) -> Step:
        """Rerun the current page with the widget values the client holds (solo mode)."""
        states = [self.values[i] for i in self.widgets if i in self.values]
        return await self._run(step, self._client_state(self.page, self.query_string, states), self.page)

    async def change(self, step: Step, change: Change) -> Step:
        """Change the widget named by ``change.keys`` on the current page and rerun."""
        found = self.find_widget(change.keys)
        if found is None:
            keys = sorted(k for k in (user_key(i) for i in self.widgets) if k)
            step.error = f"missing key: none of {list(change.keys)} on page {self.page!r} (keys there: {keys})"
            step.status = "missing_key"
            return step
        wid, kind, proto = found
        new = changed_value(kind, proto, self.values.get(wid))
        if new is None:
            step.error = f"cannot change {kind} {user_key(wid)!r}: no other value"
            step.status = "no_value"
            return step
        self.values[wid] = new
        states = [self.values[i] for i in self.widgets if i in self.values]
        return await self._run(step, self._client_state(self.page, self.query_string, states), self.page)

    def find_widget(self, keys: tuple[str, ...]) -> tuple[str, str, Any] | None:
        by_key = {user_key(i): i for i in self.widgets if user_key(i)}
        for key in keys:
            wid = by_key.get(key) or next((i for k, i in by_key.items() if k.endswith(key)), None)
            if wid is not None:
                kind, proto, _ = self.widgets[wid]
                return wid, kind, proto
        return None

    # ------------------------------------------------------------ responses

    async def _run(self, step: Step, back_msg: Any, page: str) -> Step:
        self.widgets_this_run = {}
        self.new_session_seen = False
        t0 = time.perf_counter()
        try:
            await asyncio.wait_for(self.ws.send(back_msg.SerializeToString()), self.step_timeout)
            await self._read_run(step, t0)
        except TimeoutError:
            step.error = f"timeout: no script_finished within {self.step_timeout:.0f} s"
            step.status = "timeout"
        except Exception as exc:  # a closed connection, a cache miss ...: recorded, the session ends
            step.error = f"{type(exc).__name__}: {exc}"[:300]
            step.status = step.status or "error"
        if step.status in ("FINISHED_SUCCESSFULLY", "FINISHED_WITH_COMPILE_ERROR"):
            self.page = page
            self.widgets = self.widgets_this_run
            self.values = {i: v for i, v in self.values.items() if i in self.widgets}
        return step

    async def _recv(self, step: Step, deadline: float) -> Any:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        data = await asyncio.wait_for(self.ws.recv(decode=False), max(0.0, deadline - time.monotonic()))
        step.bytes += len(data)
        step.messages += 1
        msg = ForwardMsg()
        msg.ParseFromString(data)
        if msg.WhichOneof("type") == "ref_hash":
            entry = self.cache.get(msg.ref_hash)
            if entry is None:
                raise ProtocolError(f"cached ForwardMsg miss (ref_hash {msg.ref_hash})")
            entry[1] = self.run_count
            full = ForwardMsg()
            full.ParseFromString(entry[0])
            full.metadata.CopyFrom(msg.metadata)
            step.cache_refs += 1
            step.cache_ref_bytes += len(entry[0])
            return full
        if self.use_cache and msg.metadata.cacheable and msg.hash:
            if msg.hash in self.cache:
                self.cache[msg.hash][1] = self.run_count
            else:
                self.cache[msg.hash] = [data, self.run_count]
        return msg

    async def _read_run(self, step: Step, t0: float) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        deadline = time.monotonic() + self.step_timeout
        for _ in range(MAX_MESSAGES_PER_STEP):
            msg = await self._recv(step, deadline)
            kind = msg.WhichOneof("type")
            if kind == "new_session" and step.start_s != step.start_s:  # the first run of this request
                step.start_s = time.perf_counter() - t0
            if kind == "script_finished":
                status = ForwardMsg.ScriptFinishedStatus.Name(msg.script_finished)
                if msg.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    continue  # st.rerun(): another run follows on the same request
                step.seconds = time.perf_counter() - t0
                step.status = status
                if msg.script_finished == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                    step.error = step.error or "script finished with a compile error"
                self._age_cache()
                await self._read_trailer(step)
                return
            self._handle(step, kind, msg)
        raise ProtocolError(f"more than {MAX_MESSAGES_PER_STEP} messages without script_finished")

    async def _read_trailer(self, step: Step) -> None:
        """The ``session_status_changed`` (not running) the server sends right after."""
        deadline = time.monotonic() + TRAILER_TIMEOUT_S
        with contextlib.suppress(TimeoutError):
            for _ in range(100):
                msg = await self._recv(step, deadline)
                kind = msg.WhichOneof("type")
                if kind == "session_status_changed" and not msg.session_status_changed.script_is_running:
                    return
                self._handle(step, kind, msg)

    def _age_cache(self) -> None:
        if not self.new_session_seen:
            return
        self.run_count += 1
        for h in [h for h, (_, used) in self.cache.items() if self.run_count - used > self.max_cache_age]:
            del self.cache[h]

    def _handle(self, step: Step, kind: str | None, msg: Any) -> None:
        if kind == "new_session":  # a run starts (after an st.rerun() its widgets replace the stopped run's)
            self.new_session_seen = True
            self.widgets_this_run = {}
            self.main_script_hash = msg.new_session.main_script_hash
            self.max_cache_age = msg.new_session.config.max_cached_message_age or self.max_cache_age
        elif kind == "navigation":
            self.nav = {p.url_pathname: p.page_script_hash for p in msg.navigation.app_pages}
        elif kind == "page_info_changed":
            self.query_string = msg.page_info_changed.query_string
        elif kind == "page_not_found":
            step.error = step.error or f"page not found: {msg.page_not_found.page_name!r}"
        elif kind == "session_event" and msg.session_event.WhichOneof("type") == "script_compilation_exception":
            exc = msg.session_event.script_compilation_exception
            step.exceptions.append(f"{exc.type}: {exc.message}"[:300])
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            el = msg.delta.new_element
            etype = el.WhichOneof("type")
            if etype == "exception":
                step.exceptions.append(f"{el.exception.type}: {el.exception.message}"[:300])
            elif etype in WIDGET_TYPES:
                w = getattr(el, etype)
                self.widgets_this_run[w.id] = (etype, w, msg.metadata.active_script_hash)
                if w.set_value or w.id not in self.values:
                    value = widget_value(etype, w)
                    if value is not None:
                        self.values[w.id] = value


# ---------------------------------------------------------------- journeys and batches


def journey(plan: dict[str, tuple[Change, ...]]) -> list[tuple[str, str, Change | None]]:
    """(page, step kind, change or None for opening the page), in the order a user goes."""
    steps: list[tuple[str, str, Change | None]] = []
    for page, changes in plan.items():
        steps.append((page, page, None))
        steps += [(page, f"{page}/{c.name}", c) for c in changes]
    return steps


OK_STATUSES = ("FINISHED_SUCCESSFULLY", "FINISHED_WITH_COMPILE_ERROR", "missing_key", "no_value")


async def run_journey(s: Session, batch: int, index: int, plan, delay: float) -> list[Step]:
    """One user: arrive after ``delay`` s, open every page in turn and make its changes."""
    await asyncio.sleep(delay)
    try:
        await s.connect()
    except Exception as exc:
        return [Step(batch, index, "connect", error=f"connect: {type(exc).__name__}: {exc}"[:300], status="error")]
    steps: list[Step] = []
    for page, kind, change in journey(plan):
        step = Step(batch, index, kind)
        step = await (s.open_page(step, page) if change is None else s.change(step, change))
        steps.append(step)
        if step.status not in OK_STATUSES:
            break  # the stream is out of step (a timeout, a closed socket): this session ends here
    return steps


async def _sample_rss(server: Server, peak: list[float], stop: asyncio.Event) -> None:
    while not stop.is_set():
        rss = server.rss_mb()
        if rss == rss:  # not NaN
            peak[0] = max(peak[0], rss)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), RSS_EVERY_S)


async def run_batch(server: Server, batch: int, plan, opts) -> dict:
    """N sessions arriving uniformly within ``opts.arrive`` s; they close when all are done."""
    n = opts.sessions
    sessions = [Session(server.base, use_cache=not opts.no_cache, step_timeout=opts.step_timeout) for _ in range(n)]
    stop, peak = asyncio.Event(), [server.rss_mb()]
    sampler = asyncio.create_task(_sample_rss(server, peak, stop))
    t0 = time.perf_counter()
    try:
        results = await asyncio.gather(
            *(run_journey(s, batch, i, plan, opts.arrive * i / n) for i, s in enumerate(sessions))
        )
        wall = time.perf_counter() - t0
    finally:
        await asyncio.gather(*(s.close() for s in sessions))
        await asyncio.sleep(SETTLE_S)
        stop.set()
        await sampler
    steps = [s for r in results for s in r]
    first = [s.seconds for s in steps if s.kind == PAGES[0] and not s.error]
    return {
        "batch": batch,
        "wall_s": wall,
        "steps": len(steps),
        "errors": sum(s.failed for s in steps),
        "overview_median_s": statistics.median(first) if first else None,
        "rss_mb_after": server.rss_mb(),
        "rss_mb_peak_sampled": peak[0],
        "raw": [asdict(s) for s in steps],
    }


STATIC_LAYER = re.compile(r"/app/static/layers/[0-9a-f]+\.js")


def static_layer_urls(s: Session) -> list[str]:
    """The layer files (geo.maps.external) the maps this session received load."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    urls: list[str] = []
    for data, _ in s.cache.values():
        msg = ForwardMsg()
        msg.ParseFromString(data)
        el = msg.delta.new_element
        if el.HasField("component_instance"):
            urls += [u for u in STATIC_LAYER.findall(el.component_instance.json_args) if u not in urls]
    return urls


def static_bytes(base: str, urls: list[str]) -> dict:
    """What a browser downloads once for those files: bytes as stored and as sent gzip-compressed."""
    raw = gz = 0
    for u in urls:
        with urllib.request.urlopen(base + u, timeout=10) as r:
            raw += len(r.read())
        req = urllib.request.Request(base + u, headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(req, timeout=10) as r:
            gz += len(r.read())
    return {"files": len(urls), "kb": raw / 1024, "gzip_kb": gz / 1024}


async def run_solo(server: Server, plan, opts) -> dict:
    """One session: a warm-up pass over the pages, then each page opened and rerun R times."""
    s = Session(server.base, use_cache=not opts.no_cache, step_timeout=opts.step_timeout)
    pages: dict[str, dict] = {}
    errors: list[str] = []
    static: dict = {"files": 0, "kb": 0.0, "gzip_kb": 0.0}
    try:
        await s.connect()
        for page in plan:  # warm-up, not counted
            step = await s.open_page(Step(0, 0, page), page)
            if step.failed:
                errors.append(f"warm-up {page}: {step.error or step.exceptions[0]}")
            if page == "overview":
                static = static_bytes(server.base, static_layer_urls(s))
        for page in plan:
            opened = await s.open_page(Step(0, 0, page), page)
            runs = [await s.rerun(Step(0, 0, f"{page}/rerun")) for _ in range(opts.solo)]
            ok = [r for r in runs if not r.failed]
            errors += [f"{r.kind}: {r.error or r.exceptions[0]}" for r in [opened, *runs] if r.failed]
            pages[page] = {
                "open_s": opened.seconds,
                "open_kb": opened.bytes / 1024,
                "runs": len(ok),
                "median_s": statistics.median(r.seconds for r in ok) if ok else None,
                "min_s": min((r.seconds for r in ok), default=None),
                "max_s": max((r.seconds for r in ok), default=None),
                "median_kb": statistics.median(r.bytes for r in ok) / 1024 if ok else None,
            }
    finally:
        await s.close()
    return {"reruns": opts.solo, "pages": pages, "errors": errors, "overview_static": static}


# ---------------------------------------------------------------- figures


def pctl(values: list[float], q: float) -> float | None:
    """The q-quantile (0..1) by linear interpolation; None for no values."""
    v = sorted(values)
    if not v:
        return None
    pos = (len(v) - 1) * q
    lo = int(pos)
    hi = min(lo + 1, len(v) - 1)
    return v[lo] + (v[hi] - v[lo]) * (pos - lo)


def _stats(steps: list[dict]) -> dict:
    ok = [s for s in steps if not s["error"]]
    secs = [s["seconds"] for s in ok]
    kb = [s["bytes"] / 1024 for s in ok]
    return {
        "n": len(steps),
        "ok": len(ok),
        "median_s": pctl(secs, 0.5),
        "p95_s": pctl(secs, 0.95),
        "max_s": max(secs, default=None),
        "start_median_s": pctl([s["start_s"] for s in ok], 0.5),
        "median_kb": pctl(kb, 0.5),
        "max_kb": max(kb, default=None),
        "cache_refs": sum(s["cache_refs"] for s in steps),
        "errors": sum(bool(s["error"] or s["exceptions"]) for s in steps),
    }


def summarize(raw: list[dict]) -> dict:
    kinds = list(dict.fromkeys(s["kind"] for s in raw))
    errors: dict[str, int] = {}
    for s in raw:
        for e in ([s["error"]] if s["error"] else []) + s["exceptions"]:
            errors[f"{s['kind']}: {e}"] = errors.get(f"{s['kind']}: {e}", 0) + 1
    return {
        "steps": {k: _stats([s for s in raw if s["kind"] == k]) for k in kinds},
        "open": _stats([s for s in raw if "/" not in s["kind"] and s["kind"] != "connect"]),
        "change": _stats([s for s in raw if "/" in s["kind"]]),
        "errors_total": sum(bool(s["error"] or s["exceptions"]) for s in raw),
        "missing_keys": sum(s["status"] == "missing_key" for s in raw),
        "error_samples": dict(sorted(errors.items(), key=lambda kv: -kv[1])[:20]),
    }


def machine() -> dict:
    return {
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "loadavg_1m": os.getloadavg()[0],
    }


# ---------------------------------------------------------------- runs


async def _run_variant_async(server: Server, plan, opts, log, trace: MemoryTrace | None = None) -> dict:
    batches = []
    if trace is not None:
        await trace.snapshot()  # the baseline: after start-up
    for b in range(1, opts.batches + 1):
        if opts.sessions <= 0:
            break
        log(f"  batch {b}/{opts.batches}: {opts.sessions} sessions arriving within {opts.arrive:g} s ...")
        res = await run_batch(server, b, plan, opts)
        log(
            f"  batch {b}: wall {res['wall_s']:.1f} s, {res['steps']} steps, {res['errors']} errors, "
            f"RSS {res['rss_mb_after']:.0f} MB"
        )
        if trace is not None:
            res["memory"] = await trace.snapshot()
            if res["memory"]:
                log(f"  batch {b}: traced {res['memory']['traced_mb']:.1f} MB alive; growth since the last snapshot:")
                for where, mb, count in res["memory"]["growth"][:8]:
                    log(f"    {mb:+8.2f} MB {count:+7d}  {where}")
        batches.append(res)
    solo = None
    if opts.solo > 0:
        log(f"  solo: each page opened, then rerun {opts.solo} times ...")
        solo = await run_solo(server, plan, opts)
    return {"batches": batches, "solo": solo}


def _cpu_s() -> float:
    ru = resource.getrusage(resource.RUSAGE_SELF)  # this process only: the load generator, not the server
    return ru.ru_utime + ru.ru_stime


def run_variant(name: str, opts, log=print) -> dict:
    """Start the server for ``name`` (app, floor, floor-nomap), replay, stop it; the figures."""
    floor, args, plan = VARIANTS[name]
    script = str(ROOT / floor) if floor else opts.app  # the floor app always from this checkout
    started = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    load_before = os.getloadavg()[0]
    cpu0 = _cpu_s()
    log(f"{name}: streamlit run {script} {' '.join(args)}".rstrip())
    trace = MemoryTrace() if getattr(opts, "trace_memory", False) else None
    env = dict(kv.split("=", 1) for kv in getattr(opts, "server_env", None) or [])
    env.update(trace.env() if trace else {})
    with Server(script, args, cwd=opts.root, env=env or None) as server:
        rss_start = server.rss_mb()
        out = asyncio.run(_run_variant_async(server, plan, opts, log, trace))
        hwm, tracebacks, log_path = server.hwm_mb(), server.log_tracebacks(), str(server.log_path)
    client_cpu = _cpu_s() - cpu0
    raw = [s for b in out["batches"] for s in b.pop("raw")]
    summary = summarize(raw)
    first = [s["bytes"] / 1024 for s in raw if s["kind"] == PAGES[0] and not s["error"]]
    changes = [s["bytes"] / 1024 for s in raw if s["kind"].startswith(PAGES[0] + "/") and not s["error"]]
    return {
        "variant": name,
        "script": floor or script,
        "script_args": list(args),
        "root": str(opts.root),
        "started": started,
        "sessions": opts.sessions,
        "arrive_s": opts.arrive,
        "client_cache": not opts.no_cache,
        "machine": {**machine(), "loadavg_1m_before": load_before},
        "batches": out["batches"],
        "summary": summary,
        "first_overview_kb": pctl(first, 0.5),
        "overview_change_kb": pctl(changes, 0.5),
        "rss_mb_start": rss_start,
        "vmhwm_mb": hwm,
        "server_tracebacks": tracebacks,
        "client_cpu_s": client_cpu,
        "server_log": log_path,
        "server_env": {k: v for k, v in env.items() if not k.startswith("JP_TRACE") and k != "PYTHONPATH"},
        "solo": out["solo"],
        "raw": raw,
    }


def run_compare(opts, log=print) -> dict:
    variants = {name: run_variant(name, opts, log) for name in VARIANTS}
    return {"mode": "compare", "variants": variants, "table": compare_table(variants)}


# ---------------------------------------------------------------- tables


def _get(res: dict, path: str):
    cur: Any = res
    for part in path.split("."):
        if cur is None:
            return None
        if isinstance(cur, list):
            cur = cur[int(part)] if int(part) < len(cur) else None  # (no batches: --sessions 0)
        else:
            cur = cur.get(part)
    return cur


COMPARE_ROWS = (  # label, path in a variant's result, whether a ratio means something
    ("batch 1 wall time, s", "batches.0.wall_s", True),
    ("page open, median s", "summary.open.median_s", True),
    ("page open, p95 s", "summary.open.p95_s", True),
    ("page open, max s", "summary.open.max_s", True),
    ("widget change, median s", "summary.change.median_s", True),
    ("widget change, p95 s", "summary.change.p95_s", True),
    ("overview open, median s", "summary.steps.overview.median_s", True),
    ("first overview, KB received", "first_overview_kb", True),
    ("overview change, KB received", "overview_change_kb", True),
    ("errors (steps)", "summary.errors_total", False),
    ("server RSS at start, MB", "rss_mb_start", False),
    ("server RSS after batch 1, MB", "batches.0.rss_mb_after", True),
    ("server peak RSS (VmHWM), MB", "vmhwm_mb", True),
    ("solo warm overview rerun, median s", "solo.pages.overview.median_s", True),
)


def compare_table(variants: dict[str, dict]) -> list[dict]:
    rows = []
    for label, path, ratio in COMPARE_ROWS:
        vals = {name: _get(res, path) for name, res in variants.items()}
        if all(v is None for v in vals.values()):
            continue
        app, floor, nomap = vals.get("app"), vals.get("floor"), vals.get("floor-nomap")
        rows.append(
            {
                "figure": label,
                **vals,
                "app/floor": app / floor if ratio and app is not None and floor else None,
                "app/floor-nomap": app / nomap if ratio and app is not None and nomap else None,
            }
        )
    return rows


# The targets of the crowd issue: (figure, how it is computed, target, "max" or "min" or "eq").
BEFORE = {  # measured on this machine before the per-process caches (the issue's table; 2011dca / 1c0b995)
    "wall_ratio": 2.80,
    "overview_p95_s": 25.5,
    "errors": 0,
    "solo_overview_s": 0.97,
    "solo_finder_s": 0.62,
    "solo_coverage_s": 0.34,
    "first_overview_kb": 225.0,
    "overview_change_kb": 151.0,
    "rss_last_mb": 673.0,
    "rss_flat_pct": None,
    "wall_last_over_first": 25.6 / 14.5,  # (the issue's overview medians per batch; no per-batch wall was kept)
}


def _pct_change(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None or not a else (b - a) / a * 100


def targets(result: dict) -> list[dict]:
    """Every target of the crowd issue from a compare result: the figure now, the figure
    before (:data:`BEFORE`), the target and whether it is met. The browser figures come from
    bench/bench_overview.py (a browser on the same cores), not from this generator."""
    app = result["variants"]["app"]
    floor = result["variants"].get("floor")
    walls = [b["wall_s"] for b in app["batches"]]
    fwalls = [b["wall_s"] for b in floor["batches"]] if floor else []
    rss = [b["rss_mb_after"] for b in app["batches"]]
    solo = (app.get("solo") or {}).get("pages", {})
    steps = app["summary"]["steps"]
    ratio = walls[0] / fwalls[0] if walls and fwalls else None
    flat = (
        max(abs(_pct_change(rss[2], r) or 0) for r in rss[2:]) if len(rss) >= 5 else None
    )  # the largest change from the 3rd batch's RSS, to the 4th and the 5th
    rows = [
        ("batch 1 wall, app ÷ floor (same run)", "wall_ratio", ratio, 1.0, "max", "×"),
        ("overview page open, p95 s", "overview_p95_s", (steps.get("overview") or {}).get("p95_s"), 5.0, "max", "s"),
        (
            "errors (steps with an exception or a protocol error)",
            "errors",
            app["summary"]["errors_total"],
            0,
            "max",
            "",
        ),
        (
            "solo warm overview run, median s",
            "solo_overview_s",
            (solo.get("overview") or {}).get("median_s"),
            0.15,
            "max",
            "s",
        ),
        (
            "solo warm finder run, median s",
            "solo_finder_s",
            (solo.get("finder") or {}).get("median_s"),
            0.15,
            "max",
            "s",
        ),
        (
            "solo warm coverage run, median s",
            "solo_coverage_s",
            (solo.get("coverage") or {}).get("median_s"),
            0.15,
            "max",
            "s",
        ),
        ("first overview, KB of app messages", "first_overview_kb", app["first_overview_kb"], 100.0, "max", "KB"),
        ("overview filter change, KB (median)", "overview_change_kb", app["overview_change_kb"], 40.0, "max", "KB"),
        (f"server RSS after batch {len(rss)}, MB", "rss_last_mb", rss[-1] if rss else None, 450.0, "max", "MB"),
        ("RSS from batch 3 to 5, largest change %", "rss_flat_pct", flat, 5.0, "max", "%"),
        (
            f"batch {len(walls)} wall ÷ batch 1 wall",
            "wall_last_over_first",
            walls[-1] / walls[0] if len(walls) > 1 else None,
            1.1,
            "max",
            "×",
        ),
    ]
    out = []
    for label, key, now, target, kind, unit in rows:
        met = None if now is None else (now <= target if kind == "max" else now >= target)
        out.append(
            {
                "figure": label,
                "key": key,
                "before": BEFORE.get(key),
                "now": now,
                "target": target,
                "unit": unit,
                "met": met,
            }
        )
    # the coverage page's first run for a new radius (a change of the radius in the crowd)
    radius = steps.get("coverage/radius") or {}
    out.append(
        {
            "figure": "coverage radius change under the crowd, median s (first run for a new radius; no target)",
            "key": "coverage_radius_s",
            "before": None,
            "now": radius.get("median_s"),
            "target": None,
            "unit": "s",
            "met": None,
        }
    )
    return out


def targets_markdown(result: dict) -> list[str]:
    fl = result["variants"].get("floor")
    lines = [
        "| target | before | now | target | met |",
        "|---|---:|---:|---:|:---:|",
    ]
    for r in targets(result):
        met = "—" if r["met"] is None else ("yes" if r["met"] else "**no**")
        tgt = "—" if r["target"] is None else f"≤ {_f(r['target'])}{r['unit'] and ' ' + r['unit']}"
        lines.append(f"| {r['figure']} | {_f(r['before'])} | {_f(r['now'])} | {tgt} | {met} |")
    if fl and fl["batches"]:
        lines += ["", f"Floor app batch walls (same run): {', '.join(_f(b['wall_s'], 1) for b in fl['batches'])} s."]
    return lines


def _f(v: Any, digits: int = 2) -> str:
    if v is None or (isinstance(v, float) and v != v):
        return "—"
    if isinstance(v, int):
        return f"{v:,}"
    return f"{v:,.{digits}f}"


def _ratio(v: float | None) -> str:
    return "—" if v is None else f"{v:,.2f}×"


def _step_table(summary: dict) -> list[str]:
    lines = [
        "| step | n | median s | p95 s | max s | to run start, median s | median KB | cache refs | errors |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for kind, st in [
        *summary["steps"].items(),
        ("all page opens", summary["open"]),
        ("all changes", summary["change"]),
    ]:
        lines.append(
            f"| {kind} | {st['n']} | {_f(st['median_s'])} | {_f(st['p95_s'])} | {_f(st['max_s'])} | "
            f"{_f(st['start_median_s'])} | {_f(st['median_kb'], 1)} | {st['cache_refs']} | {st['errors']} |"
        )
    return lines


def _variant_lines(res: dict) -> list[str]:
    lines = [
        f"`{' '.join([res['script'], *res['script_args']])}`: {res['sessions']} sessions arriving within {res['arrive_s']:g} s, {len(res['batches'])} batch(es); "
        f"client cache {'on' if res['client_cache'] else 'off'}; load average before {res['machine']['loadavg_1m_before']:.2f}.",
        "",
    ]
    if res["batches"]:
        lines += [*_step_table(res["summary"]), ""]
        lines += [
            "| batch | wall s | steps | errors | overview median s | RSS after, MB | peak RSS sampled, MB |",
            "|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for b in res["batches"]:
            lines.append(
                f"| {b['batch']} | {_f(b['wall_s'], 1)} | {b['steps']} | {b['errors']} | "
                f"{_f(b['overview_median_s'])} | {_f(b['rss_mb_after'], 0)} | {_f(b['rss_mb_peak_sampled'], 0)} |"
            )
        lines += [
            "",
            f"First overview: {_f(res['first_overview_kb'], 1)} KB received (median); an overview change "
            f"{_f(res['overview_change_kb'], 1)} KB. Server RSS at start {_f(res['rss_mb_start'], 0)} MB, "
            f"VmHWM {_f(res['vmhwm_mb'], 0)} MB; tracebacks in the server log: {res['server_tracebacks']}; "
            f"the load generator used {_f(res['client_cpu_s'], 1)} s of CPU.",
        ]
        if res["summary"]["error_samples"]:
            lines += ["", "Errors:", ""] + [f"- {n}× {e}" for e, n in res["summary"]["error_samples"].items()]
    if res.get("solo"):
        solo = res["solo"]
        lines += [
            "",
            f"Solo warm (one session, each page opened then rerun {solo['reruns']} times):",
            "",
            "| page | open s | open KB | rerun median s | min s | max s | rerun median KB |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        for page, p in solo["pages"].items():
            lines.append(
                f"| {page} | {_f(p['open_s'])} | {_f(p['open_kb'], 1)} | {_f(p['median_s'])} | "
                f"{_f(p['min_s'])} | {_f(p['max_s'])} | {_f(p['median_kb'], 1)} |"
            )
        st = solo.get("overview_static") or {}
        if st.get("files"):
            lines += [
                "",
                f"The overview's map also loads {st['files']} layer files over HTTP (geo.maps.external; once per "
                f"browser, then from its cache): {_f(st['kb'], 1)} KB as stored, {_f(st['gzip_kb'], 1)} KB "
                "sent gzip-compressed.",
            ]
        lines += [f"- {e}" for e in solo["errors"]]
    return lines


def render_markdown(result: dict) -> str:
    """A Markdown section for bench/REPORT.md from a run_variant or run_compare result."""
    if result.get("mode") == "compare":
        variants = result["variants"]
        first = next(iter(variants.values()))
        lines = [
            "## Load without browsers: the websocket protocol (bench_protocol)",
            "",
            f"Measured {first['started']} on {first['machine']['cpus']} CPUs ({first['machine']['platform']}). "
            "Each session speaks Streamlit's websocket protocol (a rerun request per page or widget change, "
            "ForwardMsgs read until script_finished, the client's message cache on), so the load generator costs "
            "the server's CPU almost nothing. Times are request to script_finished. The floor apps have the same "
            "five pages, each a title, a selectbox and (floor) an st_folium map of 60 markers.",
            "",
            "| figure | app | floor | floor, no map | app ÷ floor | app ÷ no-map floor |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for row in result["table"]:
            lines.append(
                f"| {row['figure']} | {_f(row.get('app'))} | {_f(row.get('floor'))} | {_f(row.get('floor-nomap'))} | "
                f"{_ratio(row['app/floor'])} | {_ratio(row['app/floor-nomap'])} |"
            )
        if "app" in variants:
            lines += ["", "### Targets", "", *targets_markdown(result)]
        for name, res in variants.items():
            lines += ["", f"### {name}", "", *_variant_lines(res)]
        return "\n".join(lines) + "\n"
    lines = [f"## Load without browsers: {result['variant']} (bench_protocol)", "", *_variant_lines(result)]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- command line


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--app", default="app.py", help="the app's script, relative to --root (default app.py)")
    ap.add_argument("--root", type=Path, default=ROOT, help="the server's working directory (default: this repository)")
    ap.add_argument("--floor", action="store_true", help=f"replay against the floor app ({FLOOR_APP})")
    ap.add_argument("--no-map", action="store_true", help="the floor app without maps (implies --floor)")
    ap.add_argument("--compare", action="store_true", help="app, floor and no-map floor in one invocation")
    ap.add_argument("--sessions", type=int, default=20, help="sessions per batch (0: none; default 20)")
    ap.add_argument("--arrive", type=float, default=2.0, help="the sessions arrive uniformly within S s (default 2)")
    ap.add_argument("--batches", type=int, default=1, help="batches of N sessions, one after another (default 1)")
    ap.add_argument("--solo", type=int, default=0, help="then one session: each page opened and rerun R times")
    ap.add_argument("--step-timeout", type=float, default=STEP_TIMEOUT_S, help="seconds per step (default 180)")
    ap.add_argument("--no-cache", action="store_true", help="the client keeps no ForwardMsg cache")
    ap.add_argument(
        "--server-env",
        action="append",
        metavar="KEY=VALUE",
        help="an environment variable for every server started (repeatable), e.g. MALLOC_ARENA_MAX=2",
    )
    ap.add_argument(
        "--trace-memory",
        action="store_true",
        help="tracemalloc in the server: the allocation sites alive after each batch (slows the server; diagnosis only)",
    )
    ap.add_argument("--json", type=Path, help="write the figures (and every step) to this JSON file")
    ap.add_argument("--markdown", type=Path, help="write the Markdown section to this file")
    opts = ap.parse_args(argv)
    if opts.sessions < 0 or opts.batches < 1 or opts.arrive < 0 or opts.solo < 0 or opts.step_timeout <= 0:
        ap.error("--sessions, --arrive and --solo must be >= 0, --batches >= 1, --step-timeout > 0")
    if opts.sessions == 0 and opts.solo == 0:
        ap.error("nothing to do: --sessions 0 and no --solo")
    opts.root = opts.root.resolve()
    if not (opts.root / opts.app).exists():
        ap.error(f"no such script: {opts.root / opts.app}")
    return opts


def _stop_on_sigterm(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt  # unwinds through Server.__exit__, which stops the server


def main(argv: list[str] | None = None) -> int:
    opts = parse_args(argv)
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    signal.signal(signal.SIGINT, signal.default_int_handler)  # also when started with SIGINT ignored (&)

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    try:
        if opts.compare:
            result = run_compare(opts, log)
        else:
            result = run_variant("floor-nomap" if opts.no_map else "floor" if opts.floor else "app", opts, log)
    except KeyboardInterrupt:
        log("interrupted; the server was stopped")
        return 130
    md = render_markdown(result)
    if opts.json:  # the files first: a closed stdout (| head) must not lose them
        opts.json.write_text(json.dumps(result, indent=1, ensure_ascii=False, default=str))
    if opts.markdown:
        opts.markdown.write_text(md)
    print(md, flush=True)
    variants = list(result["variants"].values()) if opts.compare else [result]
    for v in variants:
        missing = [e for e in v["summary"]["error_samples"] if "missing key" in e]
        if missing:
            log(f"WARNING {v['variant']}: widget keys not found (the plan's keys may have been renamed):")
            for e in missing:
                log(f"  {e}")
    return 1 if any(v["summary"]["errors_total"] for v in variants) else 0


if __name__ == "__main__":
    sys.exit(main())
