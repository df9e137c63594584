"""Helpers for Streamlit AppTest page tests."""

from __future__ import annotations

import json
from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = Path(__file__).resolve().parents[2] / "app.py"


def run_app(page: str | None = None, query: dict | None = None, timeout: float = 60) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=timeout)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def folium_args(at: AppTest, index: int = 0) -> dict:
    """The arguments streamlit-folium sends to its iframe (script, feature groups, links)."""
    comps = [c for c in at.get("component_instance") if "st_folium" in c.proto.component_name]
    return json.loads(comps[index].proto.json_args)


def map_js(at: AppTest, index: int = 0) -> str:
    """The map's whole script: the base, the feature groups and the layer files they load
    (geo.maps.external: layers of shared data are served as static files)."""
    from geo.maps.external import external_body, loaded_keys

    args = folium_args(at, index)
    js = (args.get("script") or "") + (args.get("feature_group") or "")
    return js + "".join(external_body(k) for k in loaded_keys(js))
