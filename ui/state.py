"""Per-session state: language, elder mode and the dataset in use.

What every page shows is the registry's published state, kept once per server process
(``st.cache_resource`` holds a :class:`geo.views.shell.Published`: a cheap version check
at most once a second, the dataset re-read only when a publish changed it). When the
database cannot be reached, the last published dataset (or the bundled files) is served
read-only with a banner. An upload replaces a layer in this session's
``st.session_state`` only, so it never reaches another user.
"""

from __future__ import annotations

import gc
import os
import threading
import time
import types
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

import streamlit as st

from geo.i18n import LANGS, t
from geo.views import shell
from geo.views.shell import Dataset
from ui import compat, styles

UPLOADS_KEY = "uploaded_layers"
DB_SECRET = "JINPU_DB_URL"


@st.cache_resource(show_spinner=False)
def bundled_files() -> Dataset:
    """The bundled files: data/, or the folder named by JINPU_DATA_DIR (a deployment's
    own official files in the same schema; also used by the tests). Served when the
    registry has never answered."""
    return shell.default_dataset()


def bundled_dataset() -> Dataset:
    """The dataset every session without uploads shares (one object per process and
    published version): the registry's published state, or the bundled files when the
    registry has never answered."""
    return snapshot().dataset


def secret(name: str) -> str | None:
    """A value from st.secrets; None when there is no secrets file or no such value."""
    try:
        value = st.secrets.get(name)
    except Exception:  # no secrets.toml (AppTest, a plain `streamlit run`): not an error
        return None
    return str(value) if value else None


@st.cache_resource(show_spinner=False)
def _published(env_url: str | None, secrets_url: str | None, data_dir: str | None, db_path: str | None):
    """One registry (and its published dataset) per process and configuration: the
    arguments are the settings that name the database, so a changed setting is a new entry."""
    return shell.Published(shell.open_registry(secrets_url), bundled_files)


def published() -> shell.Published:
    env = os.environ
    return _published(env.get("JINPU_DB_URL"), secret(DB_SECRET), env.get("JINPU_DATA_DIR"), env.get("JINPU_DB_PATH"))


def snapshot() -> shell.Snapshot:
    """The published dataset of this moment, its version, and whether the registry answered."""
    return published().snapshot()


def registry() -> shell.Registry:
    return published().registry


def after_publish() -> None:
    """A publish in this process: every session's next run reads the new state."""
    published().invalidate()


def clear_caches() -> None:
    """Forget the registry and the datasets of this process (tests)."""
    _published.clear()
    bundled_files.clear()


class GarbageCollector:
    """A full garbage collection in a background thread at most every ``interval_s``
    seconds, and only after script runs happened since the last one.

    Streamlit's own ``runner.postScriptGC`` runs ``gc.collect(2)`` after *every* script run:
    with geopandas, pandas, pyarrow and the dataset in the process that walks millions of
    objects, 0.2 s of CPU per page run, 80 % of a warm run (bench/REPORT.md, "Crowd"). It is
    off in .streamlit/config.toml; this keeps what it was for (reference cycles of finished
    runs do not pile up in the oldest generation) at one pass per interval for the whole
    process instead of one per run."""

    def __init__(self, interval_s: float = 10.0):
        self.interval_s = interval_s
        self.runs = 0  # script runs counted (a plain int: a lost increment only delays a pass)
        self.passes = 0
        self._seen = 0
        self.thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def note_run(self) -> None:
        self.runs += 1
        if self.thread is None:
            with self._lock:
                if self.thread is None:
                    self.thread = threading.Thread(target=self._loop, name="jp-gc", daemon=True)
                    self.thread.start()

    def step(self) -> bool:
        """One pass if runs happened since the last; True when it collected."""
        runs = self.runs
        if runs == self._seen:
            return False
        self._seen = runs
        gc.collect()
        trim_heap()
        self.passes += 1
        return True

    def _loop(self) -> None:
        while True:
            time.sleep(self.interval_s)
            self.step()


def _libc_trim():
    try:
        import ctypes

        return ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):  # not glibc (macOS, Windows, musl): nothing to trim
        return None


MALLOC_TRIM = _libc_trim()


def trim_heap() -> bool:
    """Give the C heap's free pages back to the system (glibc's ``malloc_trim``; a no-op
    elsewhere). Every script run is a new thread, and glibc keeps what a thread's arena
    freed: without this the server's resident memory only grows, batch after batch."""
    return bool(MALLOC_TRIM(0)) if MALLOC_TRIM is not None else False


GC = GarbageCollector()


@st.cache_resource(show_spinner=False)
def static_assets() -> str:
    return str(shell.ensure_static_assets())


def dataset() -> Dataset:
    """The dataset this session uses: the published layers, replaced by this session's uploads."""
    return shell.with_uploads(bundled_dataset(), st.session_state.get(UPLOADS_KEY) or {})


def set_upload(layer: str, gdf, source: str) -> None:
    uploads = dict(st.session_state.get(UPLOADS_KEY) or {})
    uploads[layer] = (gdf, source)
    st.session_state[UPLOADS_KEY] = uploads


def clear_uploads() -> None:
    st.session_state[UPLOADS_KEY] = {}


def _qp(name: str) -> str | None:
    try:
        return st.query_params.get(name)
    except Exception:
        return None


def lang() -> str:
    if "lang" not in st.session_state:
        q = _qp("lang")
        if q in LANGS:
            st.session_state["lang"] = q
        else:
            # Chinese is the default language; English is one tap away (and in the URL).
            st.session_state["lang"] = "zh"
    return st.session_state["lang"]


def elder() -> bool:
    if "elder" not in st.session_state:
        st.session_state["elder"] = _qp("elder") == "1"
    return bool(st.session_state["elder"])


def sync_query_params() -> None:
    """Keep lang and elder mode in the URL so a link reproduces the view."""
    st.query_params["lang"] = st.session_state.get("lang", "zh")
    if st.session_state.get("elder"):
        st.query_params["elder"] = "1"
    elif "elder" in st.query_params:
        del st.query_params["elder"]


def _copy(src: str, dst: str) -> None:
    st.session_state[dst] = st.session_state[src]


def top_controls() -> str:
    """Language switch and elder-mode switch at the top of every page (visible on phones,
    where the sidebar is folded away).

    The settings live in plain session keys ``lang`` and ``elder``; the widgets
    (``lang_select``, ``elder_toggle``) copy into them, so a setting survives a page
    switch and a page being run on its own (where widgets get new identities).
    """
    current = lang()
    elder()
    # a horizontal container keeps both switches on one row on a phone (columns would stack)
    row = st.container(horizontal=True, gap="medium", vertical_alignment="center")
    with row:
        # label and option names do not depend on the language: a widget whose label
        # changes is a new widget to Streamlit, and would lose its state
        st.radio(
            t("app.language", "zh"),
            LANGS,
            index=LANGS.index(current),
            key="lang_select",
            horizontal=True,
            format_func=lambda code: t(f"app.lang.{code}", "zh"),
            label_visibility="collapsed",
            on_change=_copy,
            args=("lang_select", "lang"),
        )
        st.toggle(
            t("app.elder_mode", current),
            value=bool(st.session_state["elder"]),
            key="elder_toggle",
            help=t("app.elder_mode.help", current),
            on_change=_copy,
            args=("elder_toggle", "elder"),
        )
    sync_query_params()
    return st.session_state["lang"]


def data_banner(lg: str) -> None:
    text = shell.uploaded_layers_text(dataset(), lg)
    if not text:
        return
    cols = st.columns([4, 1])
    cols[0].warning(text)
    cols[1].button(t("app.back_to_bundled", lg), key="back_to_bundled", on_click=clear_uploads)


class _Shell(threading.local):
    """Per script thread: whether app.py has drawn the shared controls in this run, and the
    namespace of the page it is running."""

    drawn: bool = False
    namespace: dict[str, Any] | None = None


_SHELL = _Shell()


@contextmanager
def shell_drawn() -> Iterator[None]:
    """app.py runs the page inside this block: the page's own :func:`page_setup` call
    is then a no-op (the controls are already on the page)."""
    _SHELL.drawn = True
    try:
        yield
    finally:
        _SHELL.drawn = False
        namespace, _SHELL.namespace = _SHELL.namespace, None
        if namespace is not None:
            release_page(namespace)


def page_setup(namespace: dict[str, Any] | None = None) -> str:
    """Draw what every page shares (language and elder-mode switches, CSS, the uploaded-
    data banner) once per run, and return the language.

    app.py calls it before running the page, and every page calls it too: a page can be
    run on its own (Streamlit's AppTest runs a page script directly), and inside app.py's
    :func:`shell_drawn` block the page's call is a no-op. A page passes its ``globals()``:
    when the run ends, :func:`release_page` lets go of what the page built.
    """
    if _SHELL.drawn:
        _SHELL.namespace = namespace
        return st.session_state.get("lang", "zh")
    compat.leave_pages_directory_mode()
    static_assets()
    lg = top_controls()
    apply_css()
    registry_banner(lg)
    data_banner(lg)
    return lg


@lru_cache(maxsize=32)
def names_read_by_functions(path: str, mtime_ns: int) -> frozenset[str]:
    """Every name the functions and lambdas defined in the script at ``path`` could read
    as a global (the ``co_names`` of their code, nested code included; attribute names too,
    which only keeps more). The script's own top-level code is not counted: it has run."""
    code = compile(Path(path).read_text(encoding="utf-8"), path, "exec")
    names: set[str] = set()
    stack = [c for c in code.co_consts if isinstance(c, types.CodeType)]
    while stack:
        c = stack.pop()
        names.update(c.co_names)
        stack.extend(k for k in c.co_consts if isinstance(k, types.CodeType))
    return frozenset(names)


def release_page(namespace: dict[str, Any]) -> list[str]:
    """Drop from a finished page run's namespace every value no function of the page reads.

    Streamlit runs each page in a fresh module namespace, and every function the page made
    (a widget's callback, a ``format_func`` lambda, a deferred download) keeps that
    namespace alive through its ``__globals__`` for as long as the session keeps the widget:
    all the page built (maps, tables, frames) stayed with the session, including the 120 s
    a disconnected session is held for reconnection (bench/REPORT.md, "Crowd"). Modules,
    functions and classes stay, and every name a function of the page could look up.
    Returns the names dropped."""
    path = namespace.get("__file__")
    if not path or not os.path.exists(path):
        return []
    keep = names_read_by_functions(str(path), os.stat(path).st_mtime_ns)
    dropped = [
        name
        for name, value in namespace.items()
        if not (
            name.startswith("__") or name in keep or isinstance(value, (types.ModuleType, type, types.FunctionType))
        )
    ]
    for name in dropped:
        del namespace[name]
    return dropped


def registry_banner(lg: str) -> None:
    """When the database cannot be reached: what is shown instead, read-only."""
    text = shell.unavailable_text(snapshot(), lg)
    if text:
        st.warning(text, icon=":material/cloud_off:")


def apply_css() -> None:
    """The page CSS of every page (ui/assets/base.css, uploader.css), and in the elder mode
    the larger text and touch targets (ui/assets/elder.css): the one place that injects
    them; with the texts CSS shows in the page language (shell.css_texts)."""
    names = ("base", "uploader", "elder") if st.session_state.get("elder") else ("base", "uploader")
    styles.inject(*names)
    texts = shell.css_texts(st.session_state.get("lang", "zh"))
    st.markdown(f"<style>\n{texts}\n</style>", unsafe_allow_html=True)
