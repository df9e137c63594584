"""Page CSS as real files in ``ui/assets/``, injected into the page once per run."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import streamlit as st

ASSETS = Path(__file__).resolve().parent / "assets"


@cache
def css(name: str) -> str:
    """The text of ``ui/assets/<name>.css``."""
    return (ASSETS / f"{name}.css").read_text(encoding="utf-8")


def inject(*names: str) -> None:
    """Add the named style sheets to the page (one ``<style>`` element)."""
    st.markdown("<style>\n" + "\n".join(css(n) for n in names) + "\n</style>", unsafe_allow_html=True)
