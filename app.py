"""Jinpu Livelihood Map (金普惠民地图): entry point.

streamlit run app.py
"""

from pathlib import Path

import streamlit as st

from geo.i18n import t
from ui import state

st.set_page_config(page_title="金普惠民地图 · Jinpu Livelihood Map", page_icon="🗺️", layout="wide")

state.static_assets()
state.GC.note_run()  # full garbage collections in the background, not after every run
lang = state.lang()

ROOT = Path(__file__).resolve().parent
PAGES = [
    ("pages/overview.py", "nav.overview"),
    ("pages/finder.py", "nav.finder"),
    ("pages/coverage.py", "nav.coverage"),
    ("pages/projects.py", "nav.projects"),
    ("pages/data.py", "nav.data"),
    ("pages/registry.py", "rv.nav.registry"),
    ("pages/report.py", "rv.nav.report"),
]
PAGES = [p for p in PAGES if (ROOT / p[0]).exists()]

pages = [
    st.Page(path, title=t(key, lang), default=(i == 0), url_path=path.split("/")[-1][:-3])
    for i, (path, key) in enumerate(PAGES)
]
nav = st.navigation(pages)
state.page_setup()
with state.shell_drawn():
    nav.run()
