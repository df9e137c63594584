"""ui/compat.py relies on one Streamlit internal: fail loudly, naming the version, when
it changes (the deep-link browser test in tests/browser/test_browser_shell.py checks the
behaviour itself)."""

from __future__ import annotations

import inspect

import streamlit
from streamlit.commands import navigation
from streamlit.runtime import pages_manager

from ui import compat


def test_streamlit_is_the_version_the_patch_was_checked_against():
    assert streamlit.__version__ == compat.CHECKED_STREAMLIT, (
        f"Streamlit is {streamlit.__version__}, ui/compat.py was checked against {compat.CHECKED_STREAMLIT}: "
        "check that a deep link (/finder) on a fresh server still runs through app.py, then update "
        "CHECKED_STREAMLIT and the pin in requirements.txt"
    )


def test_the_internal_flag_still_exists_and_navigation_still_sets_it():
    version = streamlit.__version__
    assert hasattr(pages_manager.PagesManager, "uses_pages_directory"), (
        f"Streamlit {version}: PagesManager.uses_pages_directory is gone; ui/compat.py needs a new way"
    )
    assert "PagesManager.uses_pages_directory = False" in inspect.getsource(navigation), (
        f"Streamlit {version}: st.navigation no longer clears PagesManager.uses_pages_directory; "
        "ui/compat.py must follow what it does now"
    )


def test_leave_pages_directory_mode_clears_the_flag_and_reruns(monkeypatch):
    calls = []
    monkeypatch.setattr(pages_manager.PagesManager, "uses_pages_directory", True)
    monkeypatch.setattr(compat.st, "get_option", lambda name: False)
    monkeypatch.setattr(compat.st, "rerun", lambda: calls.append("rerun"))
    compat.leave_pages_directory_mode()
    assert pages_manager.PagesManager.uses_pages_directory is False
    assert calls == ["rerun"]
    compat.leave_pages_directory_mode()  # already in navigation mode: nothing to do
    assert calls == ["rerun"]
