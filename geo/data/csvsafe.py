"""CSV safety: text cells that a spreadsheet would run as a formula are neutralised.

A text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is
prefixed with an apostrophe in every CSV the app writes (OWASP "CSV injection"), so
Excel, WPS and LibreOffice show it as text. The loader strips that apostrophe again on
re-import (:func:`unneutralise`), so downloading a layer and uploading it back is exact:
``unneutralise(neutralise(v)) == v`` for every string ``v``.

Numbers are never touched (a negative number is a number, not a formula).
"""

from __future__ import annotations

from typing import TypeVar

__all__ = ["FORMULA_START", "needs_neutralising", "neutralise", "unneutralise"]

#: First characters that make a spreadsheet evaluate a cell.
FORMULA_START: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")

T = TypeVar("T")


def needs_neutralising(s: object) -> bool:
    """True for a string that starts (after any apostrophes) with a formula character.

    Apostrophes are skipped so that a cell that already starts with ``'=`` gets one
    more, and :func:`unneutralise` can tell a neutralised cell from an original one.
    """
    return isinstance(s, str) and s.lstrip("'")[:1] in FORMULA_START


def neutralise(v: T) -> T | str:
    """Prefix a formula-like text cell with an apostrophe (other values unchanged)."""
    if isinstance(v, str) and needs_neutralising(v):
        return "'" + v
    return v


def unneutralise(v: T) -> T | str:
    """Undo :func:`neutralise` (one apostrophe before a formula character)."""
    if isinstance(v, str) and v.startswith("'") and needs_neutralising(v[1:]):
        return v[1:]
    return v
