"""ui.state.GarbageCollector: full collections in the background, not after every run."""

from __future__ import annotations

import gc
import time
import weakref

from ui.state import GarbageCollector


class Node:
    def __init__(self):
        self.me = self  # a reference cycle: only the cyclic collector frees it


def test_collects_cycles_only_after_runs():
    g = GarbageCollector(interval_s=3600)  # the thread sleeps; steps are driven here
    was = gc.isenabled()
    gc.disable()
    try:
        assert g.step() is False  # no run yet: no pass
        ref = weakref.ref(Node())
        assert ref() is not None  # the cycle outlives its last reference
        g.note_run()
        assert g.step() is True and ref() is None and g.passes == 1
        assert g.step() is False  # nothing ran since
    finally:
        if was:
            gc.enable()


def test_one_thread_per_process_and_it_collects():
    g = GarbageCollector(interval_s=0.05)
    for _ in range(5):
        g.note_run()
    thread = g.thread
    assert thread is not None and thread.daemon and thread.name == "jp-gc"
    g.note_run()
    assert g.thread is thread
    deadline = time.monotonic() + 5
    while g.passes == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert g.passes >= 1


def test_the_app_turns_streamlits_per_run_collection_off():
    import tomllib
    from pathlib import Path

    cfg = tomllib.loads((Path(__file__).resolve().parents[2] / ".streamlit" / "config.toml").read_text())
    assert cfg["runner"]["postScriptGC"] is False
    assert "state.GC.note_run()" in (Path(__file__).resolve().parents[2] / "app.py").read_text()


def test_each_pass_gives_free_heap_pages_back(monkeypatch):
    import sys

    import ui.state as state

    calls = []

    def trim() -> bool:
        calls.append(1)
        return True

    monkeypatch.setattr(state, "trim_heap", trim)
    g = GarbageCollector(interval_s=3600)
    g.note_run()
    assert g.step() and calls == [1]
    assert g.step() is False and calls == [1]  # no run, no pass, no trim
    if sys.platform.startswith("linux"):
        assert state.MALLOC_TRIM is not None  # glibc's malloc_trim was found here
