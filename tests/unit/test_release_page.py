"""ui.state.release_page: a finished page run keeps only what the page's functions read.

Every function a page makes (a widget callback, a format_func lambda) holds the page's
namespace through ``__globals__`` for as long as the session keeps the widget; without the
release, each session (and each disconnected one, for Streamlit's reconnection window) kept
everything its pages built."""

from __future__ import annotations

import gc
import types
import weakref

import folium

from tests.support.apptest import run_app
from ui.state import release_page

SCRIPT = """
import json
heavy = bytearray(10_000_000)
table = [1, 2, 3]
labels = {"a": "A"}
def on_change():
    return table + [4]
fmt = lambda k: labels[k]
class Kind:
    pass
"""


def run_script(tmp_path) -> dict:
    path = tmp_path / "page.py"
    path.write_text(SCRIPT, encoding="utf-8")
    ns = {"__file__": str(path), "__name__": "__main__"}
    exec(compile(SCRIPT, str(path), "exec"), ns)
    return ns


def test_drops_what_no_function_reads_and_keeps_the_rest(tmp_path):
    ns = run_script(tmp_path)
    dropped = release_page(ns)
    assert dropped == ["heavy"]
    assert "heavy" not in ns
    # what the functions read is still there, and they still work after the run
    assert ns["on_change"]() == [1, 2, 3, 4] and ns["fmt"]("a") == "A"
    assert {"json", "Kind", "__file__", "__name__", "table", "labels"} <= set(ns)


def test_the_dropped_value_is_freed_while_a_callback_lives(tmp_path):
    ns = run_script(tmp_path)

    class Big:
        pass

    ns["heavy"] = Big()
    ref = weakref.ref(ns["heavy"])
    callback = ns["on_change"]  # what Streamlit's widget registry holds
    release_page(ns)
    gc.collect()
    assert ref() is None and callback() == [1, 2, 3, 4]


def test_a_namespace_without_a_file_is_left_alone():
    ns = {"x": 1}
    assert release_page(ns) == [] and ns == {"x": 1}


def page_namespaces(suffix: str) -> list[dict]:
    """The namespaces of the page runs some live function still holds."""
    out = {}
    for obj in gc.get_objects():
        if isinstance(obj, types.FunctionType) and str(obj.__globals__.get("__file__", "")).endswith(suffix):
            out[id(obj.__globals__)] = obj.__globals__
    return list(out.values())


def test_pages_run_by_the_app_keep_no_maps_or_frames():
    at = run_app("pages/finder.py")
    at.switch_page("pages/coverage.py").run()
    assert not at.exception
    for suffix in ("pages/finder.py", "pages/coverage.py"):
        spaces = page_namespaces(suffix)
        assert spaces, suffix  # the callbacks of the page's widgets hold its namespace ...
        for ns in spaces:  # ... which no longer holds the maps, views and tables the run built
            kinds = {type(v).__name__ for v in ns.values()}
            assert not any(isinstance(v, folium.Map) for v in ns.values()), (suffix, kinds)
            assert "MapView" not in kinds and "DataFrame" not in kinds, (suffix, sorted(kinds))
