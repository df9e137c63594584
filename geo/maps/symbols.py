"""The map's symbols: a shape and a glyph per sector (never colour alone), the meal-point
square and the meal-point cluster, as inline SVG for markers, legends, popups and the
details panel.

A meal point whose position is real (precision ``surveyed`` / ``address``, the ones that
can be walked to: geo.data.directions.NAVIGABLE) is a solid square; one whose position is
only illustrative (``illustrative`` / ``subdistrict``) is a hollow square with a dashed
outline, so the two differ by shape and not by colour alone. (The map markers draw the
same two looks in CSS: ``.jp-meal`` and ``.jp-meal[data-approx]`` in assets/map.css.)
"""

from __future__ import annotations

from geo.data import facts
from geo.data.precision import is_verified as is_verified  # a real position: drawn solid
from geo.i18n import t

MEAL_COLOR = "#1B5E20"
MEAL_SYMBOL = "餐"


# one outline per sector in a 28 × 28 box
SHAPES = {
    "education": "M14 2 L26 14 L14 26 L2 14 Z",  # diamond
    "medical": "M10 2 H18 V10 H26 V18 H18 V26 H10 V18 H2 V10 H10 Z",  # cross
    "urban_renewal": "M3 3 H25 V25 H3 Z",  # square
    "hazard_control": "M14 2 L26 25 H2 Z",  # triangle
    "rural_revitalization": "M14 2 L17.5 10.5 L26.5 10.8 L19.5 16.5 L22 25.5 L14 20.3 L6 25.5 L8.5 16.5 L1.5 10.8 L10.5 10.5 Z",  # star
    "elderly_care": "M14 2 A12 12 0 1 1 13.99 2 Z",  # circle
}


def sector_shape(key: str) -> str:
    """The sector's outline in its colour with its glyph on top (SVG elements, no <svg>)."""
    s = facts.SECTOR_BY_KEY[key]
    return (
        f'<path d="{SHAPES[key]}" fill="{s.color}" stroke="#111" stroke-width="1.5"/>'
        f'<text x="14" y="18.5" text-anchor="middle" font-size="11" font-weight="700" fill="#fff" '
        f'stroke="#000" stroke-width="0.6" paint-order="stroke">{s.symbol}</text>'
    )


def sector_svg(key: str, size: int = 28) -> str:
    """The sector's symbol as an inline SVG of ``size`` pixels (hidden from screen readers:
    the sector's name is always written beside it)."""
    return f'<svg width="{size}" height="{size}" viewBox="0 0 28 28" aria-hidden="true">{sector_shape(key)}</svg>'


def meal_svg(size: int = 26, number: int | None = None, approx: bool = False) -> str:
    """The meal-point square with 餐, or with a rank ``number`` (the finder's results);
    ``approx=True``: the hollow, dashed square of a point whose position is illustrative."""
    label = str(number) if number is not None else MEAL_SYMBOL
    if approx:
        box = (
            f'<rect x="2" y="2" width="22" height="22" rx="6" fill="#fff" stroke="{MEAL_COLOR}" '
            'stroke-width="2.2" stroke-dasharray="4 2.6"/>'
        )
        ink = MEAL_COLOR
    else:
        box = (
            f'<rect x="1.5" y="1.5" width="23" height="23" rx="6" fill="{MEAL_COLOR}" stroke="#fff" stroke-width="2"/>'
        )
        ink = "#fff"
    return (
        f'<svg width="{size}" height="{size}" viewBox="0 0 26 26" aria-hidden="true">{box}'
        f'<text x="13" y="18" text-anchor="middle" font-size="13" font-weight="700" fill="{ink}">{label}</text></svg>'
    )


def cluster_svg(size: int = 26, number: int = 3, approx: bool = False) -> str:
    """The meal-point cluster (several points shown as one circle with their number), for
    the legend, hollow and dashed when no position in it is real; the map draws it in CSS
    (``.jp-cluster`` in assets/map.css)."""
    if approx:
        ring = f'<circle cx="13" cy="13" r="11" fill="#fff" stroke="{MEAL_COLOR}" stroke-width="2.2" stroke-dasharray="4 2.6"/>'
        ink = MEAL_COLOR
    else:
        ring = f'<circle cx="13" cy="13" r="11.5" fill="{MEAL_COLOR}" stroke="#fff" stroke-width="2"/>'
        ink = "#fff"
    return (
        f'<svg width="{size}" height="{size}" viewBox="0 0 26 26" aria-hidden="true">{ring}'
        f'<text x="13" y="17.5" text-anchor="middle" font-size="12" font-weight="700" fill="{ink}">{number}</text></svg>'
    )


def project_pin(key: str) -> str:
    """The project marker: the sector symbol on a short stem whose tip is the position, so a
    meal point at the same place stays visible below it."""
    return (
        '<svg class="jp-pin" width="28" height="36" viewBox="0 0 28 36" aria-hidden="true">'
        '<line x1="14" y1="24" x2="14" y2="36" stroke="#111" stroke-width="2.5"/>'
        f"{sector_shape(key)}</svg>"
    )


def sector_label(key: str, lang: str) -> str:
    """The sector's name in ``lang``."""
    return t(f"sector.{key}", lang)
