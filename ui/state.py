"""Per-session state: language, elder mode and the dataset in use.

The bundled dataset is loaded once per server process (``st.cache_resource``) and
shared read-only by every session; an upload replaces a layer in this session's
``st.session_state`` only, so it never reaches another user.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from geo.i18n import LANGS, t
from geo.views import shell
from geo.views.shell import Dataset
from ui import compat, styles

UPLOADS_KEY = "uploaded_layers"


@st.cache_resource(show_spinner=False)
def bundled_dataset() -> Dataset:
    """The default dataset: data/, or the folder named by JINPU_DATA_DIR (a deployment's
    own official files in the same schema; also used by the tests)."""
    return shell.default_dataset()


@st.cache_resource(show_spinner=False)
def static_assets() -> str:
    return str(shell.ensure_static_assets())


def dataset() -> Dataset:
    """The dataset this session uses: bundled layers, replaced by this session's uploads."""
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
    """Per script thread: whether app.py has drawn the shared controls in this run."""

    drawn: bool = False


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


def page_setup() -> str:
    """Draw what every page shares (language and elder-mode switches, CSS, the uploaded-
    data banner) once per run, and return the language.

    app.py calls it before running the page, and every page calls it too: a page can be
    run on its own (Streamlit's AppTest runs a page script directly), and inside app.py's
    :func:`shell_drawn` block the page's call is a no-op.
    """
    if _SHELL.drawn:
        return st.session_state.get("lang", "zh")
    compat.leave_pages_directory_mode()
    static_assets()
    lg = top_controls()
    apply_css()
    data_banner(lg)
    return lg


def apply_css() -> None:
    """The page CSS of every page (ui/assets/base.css), and in the elder mode the larger
    text and touch targets (ui/assets/elder.css): the one place that injects them."""
    if st.session_state.get("elder"):
        styles.inject("base", "elder")
    else:
        styles.inject("base")
