"""Positions people give: typed coordinates and map clicks, read into WGS-84 (lon, lat).

Every function here returns ``(lon, lat)`` in that order, like shapely and GeoJSON.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Literal

from geo.core.datum import gcj02_to_wgs84

__all__ = ["CoordError", "click_to_wgs84", "parse_coords"]


class CoordError(ValueError):
    """Typed coordinates that cannot be read; ``key`` names the message (a translation key)."""

    def __init__(self, key: str):
        super().__init__(key)
        self.key = key


_NUM = re.compile(r"[-+]?\d+(?:\.\d+)?")


def parse_coords(text: str) -> tuple[float, float]:
    """Read two numbers typed by a person into (lon, lat), WGS-84 degrees.

    Accepts "39.108, 121.712", "121.712 39.108", "39.108N 121.712E", full-width
    commas, "北纬39.108 东经121.712". The order is found from the values: a number
    above 90 in absolute value is the longitude; when both are ≤ 90 the usual
    "latitude, longitude" order is assumed.

    Raises
    ------
    CoordError
        ``fd.coords.empty`` (nothing typed), ``fd.coords.two_numbers`` (not exactly two
        numbers) or ``fd.coords.range`` (outside ±90 / ±180).
    """
    s = (text or "").strip()
    if not s:
        raise CoordError("fd.coords.empty")
    s = s.replace("，", ",").replace("、", ",").replace("；", ",").replace("°", " ")
    nums = _NUM.findall(s)
    if len(nums) != 2:
        raise CoordError("fd.coords.two_numbers")
    a, b = float(nums[0]), float(nums[1])
    # "S"/"W" hemisphere letters flip the sign (rare here, but honest)
    if re.search(r"\d\s*[Ss]\b|南纬", s):
        a = -abs(a)
    if re.search(r"\d\s*[Ww]\b|西经", s):
        b = -abs(b)
    if abs(a) > 90 and abs(b) <= 90:
        lon, lat = a, b
    elif abs(a) <= 90:
        lat, lon = a, b
    else:
        raise CoordError("fd.coords.range")
    if abs(lon) > 180 or abs(lat) > 90:
        raise CoordError("fd.coords.range")
    return lon, lat


def click_to_wgs84(
    click: Mapping[str, object] | None, datum: Literal["wgs84", "gcj02"] | str = "wgs84"
) -> tuple[float, float] | None:
    """A map click as streamlit-folium returns it (``{"lat": .., "lng": ..}`` in the base
    map's ``datum``) as WGS-84 ``(lon, lat)``; a click on a GCJ-02 base map (高德) is
    shifted back. Leaflet lets the world wrap, so the longitude is wrapped into
    [-180, 180). None when there is no usable click (missing, not numbers, not finite,
    latitude beyond ±90)."""
    if not click:
        return None
    try:
        lat = float(click.get("lat"))  # type: ignore[arg-type]
        lon = float(click.get("lng"))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    if not (math.isfinite(lat) and math.isfinite(lon)) or abs(lat) > 90:
        return None
    if not -180.0 <= lon < 180.0:
        lon = ((lon + 180.0) % 360.0) - 180.0
    if datum == "gcj02":
        lon, lat = gcj02_to_wgs84(lon, lat)
    return float(lon), float(lat)
