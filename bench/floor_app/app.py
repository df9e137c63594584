"""Floor app for bench/bench_protocol.py: the least a five-page st_folium app can cost.

    streamlit run bench/floor_app/app.py              # with the maps
    streamlit run bench/floor_app/app.py -- --no-map  # the same without the maps

Five pages registered with ``st.navigation`` under the main app's url paths (overview,
the default, then finder, coverage, projects, data). Each page is a title, a selectbox
(key ``fl_<page>``) and, unless ``--no-map``, an ``st_folium`` map of 60 plain
``folium.Marker`` with tooltips (``returned_objects=[]``), rebuilt on every run like a
real page would. Nothing is cached, nothing is read from disk.
"""

from __future__ import annotations

import random
import sys
from collections.abc import Callable

import streamlit as st

NO_MAP = "--no-map" in sys.argv[1:]
PAGES = ("overview", "finder", "coverage", "projects", "data")
OPTIONS = tuple(f"option {i}" for i in range(1, 11))
CENTER = (39.10, 121.75)  # Jinpu New Area, Dalian
N_MARKERS = 60


def _points() -> list[tuple[float, float]]:
    rng = random.Random(20251129)  # the same markers in every run and every session
    return [(CENTER[0] + rng.uniform(-0.25, 0.25), CENTER[1] + rng.uniform(-0.35, 0.35)) for _ in range(N_MARKERS)]


POINTS = _points()


def _map(name: str):
    import folium

    m = folium.Map(location=CENTER, zoom_start=10)
    for i, (lat, lon) in enumerate(POINTS, start=1):
        folium.Marker((lat, lon), tooltip=f"{name} point {i}").add_to(m)
    return m


def _page(name: str) -> Callable[[], None]:
    def page() -> None:
        st.title(f"Floor: {name}", anchor=False)
        choice = st.selectbox("Option", OPTIONS, key=f"fl_{name}")
        st.caption(f"selected: {choice}")
        if not NO_MAP:
            from streamlit_folium import st_folium

            st_folium(_map(name), key=f"fl_map_{name}", height=400, use_container_width=True, returned_objects=[])

    page.__name__ = f"floor_{name}"
    return page


st.set_page_config(page_title="Floor app" + (" (no map)" if NO_MAP else ""), layout="wide")
nav = st.navigation(
    [st.Page(_page(name), title=name.title(), url_path=name, default=(i == 0)) for i, name in enumerate(PAGES)]
)
nav.run()
