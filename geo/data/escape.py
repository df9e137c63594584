"""Text from data is text: escaping for HTML, JavaScript template literals and Markdown.

Every string that comes from data or from a user goes through :func:`esc` before it
reaches folium or ``st.html`` (folium inserts popup and tooltip HTML into a JavaScript
template literal, and GeoJSON tooltips through innerHTML), and through
:func:`md_escape` before it reaches ``st.markdown``.
"""

from __future__ import annotations

import html
import re
from typing import Any

import pandas as pd

__all__ = ["esc", "md_escape"]


def esc(value: Any) -> str:
    """Escape a data string for HTML *and* for a JavaScript template literal.

    ``< > & " '`` become entities; the backtick, ``$`` and ``\\`` do too, so that
    neither ``${...}`` nor a closing backtick can execute inside folium's templates.
    """
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    s = html.escape(str(value), quote=True)
    return s.replace("`", "&#96;").replace("$", "&#36;").replace("\\", "&#92;")


def md_escape(value: Any) -> str:
    """Escape a data string for st.markdown: Markdown syntax shows as text."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!<>|~$])", r"\\\1", "" if value is None else str(value))
