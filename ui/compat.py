"""The one place that touches a Streamlit internal, and why.

The design fixes the folder name ``pages/``. Because that folder exists, Streamlit
(1.67) starts each server process in its old multipage mode: until app.py has called
``st.navigation`` once in the process, a deep link such as ``/finder`` runs the page file
on its own (no page config, raw file names in the sidebar). Streamlit has no public
option to turn that mode off (``client.showSidebarNavigation`` only hides the sidebar),
so :func:`leave_pages_directory_mode` flips the internal class flag that
``st.navigation`` itself sets (``PagesManager.uses_pages_directory``) and reruns, and
app.py draws the same page properly.

``tests/unit/test_compat.py`` fails, naming the Streamlit version, when the internal
changes; Streamlit is pinned in requirements.txt.
"""

from __future__ import annotations

import streamlit as st

#: The Streamlit version this module was checked against.
CHECKED_STREAMLIT = "1.67.0"


def leave_pages_directory_mode() -> None:
    """Switch a fresh server out of the ``pages/``-folder mode (see the module docstring)."""
    try:
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:  # pragma: no cover - the test names the version that moved it
        return
    if st.get_option("global.appTest"):
        return  # AppTest resets this flag before every run; its direct page runs are fine
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()
