"""Jinpu Livelihood Map (金普惠民地图): entry point.

    streamlit run app.py
"""

import streamlit as st

from geo.i18n import t
from ui import state

st.set_page_config(page_title="金普惠民地图 · Jinpu Livelihood Map", page_icon="🗺️", layout="wide")

state.static_assets()
lang = state.lang()

PAGES = [
    ("pages/overview.py", "nav.overview", "🗺️"),
]

pages = [
    st.Page(path, title=t(key, lang), icon=icon, default=(i == 0), url_path=path.split("/")[-1][:-3])
    for i, (path, key, icon) in enumerate(PAGES)
]
nav = st.navigation(pages)
lang = state.top_controls()
state.apply_css()
state.data_banner(lang)
nav.run()
