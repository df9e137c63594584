"""Navigation links: Amap (高德) and Baidu web URIs for walking directions, markers and
place searches (by a facility's name in a city, or a keyword around a position).

Pure functions; inputs are WGS-84. Names are sanitised (see :func:`clean_name`) and
URL-encoded with :mod:`urllib.parse`, so a name can never add or override a parameter.
"""

from __future__ import annotations

import math
import unicodedata
from typing import Literal
from urllib.parse import quote, urlencode

from geo.core.datum import wgs84_to_gcj02

__all__ = [
    "AMAP_MARKER",
    "AMAP_NAVIGATION",
    "AMAP_SEARCH",
    "APP_SRC",
    "BAIDU_DIRECTION",
    "BAIDU_PLACE_SEARCH",
    "amap_marker_url",
    "amap_search_url",
    "amap_walk_url",
    "baidu_search_url",
    "baidu_walk_url",
    "clean_name",
]

#: Source tag sent to Amap (``src``); Baidu gets ``webapp.`` + this (its rule is
#: ``webapp.companyName.appName``).
APP_SRC: str = "jinpu.livelihood.map"

AMAP_NAVIGATION = "https://uri.amap.com/navigation"
AMAP_MARKER = "https://uri.amap.com/marker"
BAIDU_DIRECTION = "https://api.map.baidu.com/direction"
AMAP_SEARCH = "https://uri.amap.com/search"
BAIDU_PLACE_SEARCH = "https://api.map.baidu.com/place/search"

# Characters that delimit fields inside Amap's "lon,lat,name" and Baidu's
# "latlng:..|name:.." values; swapped for full-width look-alikes.
_FIELD_SEPARATORS = str.maketrans({",": "，", "|": "｜", ";": "；"})


def clean_name(name: object, max_len: int = 60) -> str:
    """Make a display name safe inside a URI field value.

    Removes control characters, replaces the in-value separators ``, | ;`` with
    full-width forms (so a name cannot add a coordinate or sub-field), collapses
    whitespace and truncates to ``max_len`` characters. URL-encoding happens
    later; this only protects the *inner* field syntax.
    """
    text = "" if name is None else str(name)
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")
    text = " ".join(text.translate(_FIELD_SEPARATORS).split())
    return text[:max_len]


def _check_lonlat(lon: float, lat: float, what: str) -> tuple[float, float]:
    lon_f, lat_f = float(lon), float(lat)
    if not (math.isfinite(lon_f) and math.isfinite(lat_f)) or not (-180 <= lon_f <= 180 and -90 <= lat_f <= 90):
        raise ValueError(f"{what} must be finite WGS-84 lon/lat, got ({lon!r}, {lat!r})")
    return lon_f, lat_f


def _origin(from_lon: float | None, from_lat: float | None) -> tuple[float, float] | None:
    if from_lon is None and from_lat is None:
        return None
    if from_lon is None or from_lat is None:
        raise ValueError("give both from_lon and from_lat, or neither")
    return _check_lonlat(from_lon, from_lat, "origin")


def _fmt(v: float) -> str:
    return f"{v:.6f}"


def _build(base: str, params: list[tuple[str, str]], safe: str) -> str:
    return f"{base}?{urlencode(params, quote_via=quote, safe=safe)}"


def amap_walk_url(
    lon: float,
    lat: float,
    name: str,
    from_lon: float | None = None,
    from_lat: float | None = None,
    *,
    from_name: str | None = None,
    coordinate: Literal["gcj02", "wgs84"] = "gcj02",
    src: str = APP_SRC,
) -> str:
    """Amap URI for walking directions to a WGS-84 destination.

    ``https://uri.amap.com/navigation?[from=LON,LAT[,NAME]&]to=LON,LAT,NAME
    &mode=walk&src=...&coordinate=...&callnative=1`` (lon before lat).
    Without an origin Amap starts from the user's location (mobile only).

    Coordinate system: Amap's current navigation-URI reference lists
    from/to/via/mode/policy/src/callnative but *not* ``coordinate`` (only the
    marker URI documents ``coordinate=wgs84``). So by default
    (``coordinate="gcj02"``) we convert to GCJ-02 here and send
    ``coordinate=gaode`` (Amap's default), which is right whether or not the
    parameter is honoured. ``coordinate="wgs84"`` sends the raw WGS-84 values
    with ``coordinate=wgs84`` instead.
    """
    lon_f, lat_f = _check_lonlat(lon, lat, "destination")
    origin = _origin(from_lon, from_lat)
    if coordinate == "gcj02":
        lon_f, lat_f = wgs84_to_gcj02(lon_f, lat_f)
        if origin is not None:
            origin = wgs84_to_gcj02(*origin)
        coord_param = "gaode"
    elif coordinate == "wgs84":
        coord_param = "wgs84"
    else:
        raise ValueError(f"coordinate must be 'gcj02' or 'wgs84', got {coordinate!r}")

    params: list[tuple[str, str]] = []
    if origin is not None:
        start = f"{_fmt(origin[0])},{_fmt(origin[1])}"
        if from_name:
            start += f",{clean_name(from_name)}"
        params.append(("from", start))
    params += [
        ("to", f"{_fmt(lon_f)},{_fmt(lat_f)},{clean_name(name)}"),
        ("mode", "walk"),
        ("src", src),
        ("coordinate", coord_param),
        ("callnative", "1"),
    ]
    return _build(AMAP_NAVIGATION, params, safe=",")


def amap_marker_url(lon: float, lat: float, name: str, *, src: str = APP_SRC) -> str:
    """Amap URI showing one WGS-84 point:
    ``https://uri.amap.com/marker?position=LON,LAT&name=NAME&src=...&coordinate=wgs84&callnative=1``.

    ``coordinate=wgs84`` is documented for the marker URI, so no conversion.
    """
    lon_f, lat_f = _check_lonlat(lon, lat, "position")
    params = [
        ("position", f"{_fmt(lon_f)},{_fmt(lat_f)}"),
        ("name", clean_name(name)),
        ("src", src),
        ("coordinate", "wgs84"),
        ("callnative", "1"),
    ]
    return _build(AMAP_MARKER, params, safe=",")


def baidu_walk_url(
    lon: float,
    lat: float,
    name: str,
    from_lon: float | None = None,
    from_lat: float | None = None,
    *,
    from_name: str = "我的位置",
    src: str = "webapp." + APP_SRC,
) -> str:
    """Baidu web URI for walking directions to a WGS-84 destination.

    ``https://api.map.baidu.com/direction?[origin=latlng:LAT,LNG|name:FROM&]
    destination=latlng:LAT,LNG|name:NAME&mode=walking&coord_type=wgs84
    &output=html&src=...`` (lat before lng). Baidu documents ``coord_type=wgs84``
    for this URI, so no conversion. Baidu's web reference marks ``origin`` as
    required; without one the page may ask the user for a start point (the app
    uses the current location), so pass the origin when it is known.
    """
    lon_f, lat_f = _check_lonlat(lon, lat, "destination")
    origin = _origin(from_lon, from_lat)
    params: list[tuple[str, str]] = []
    if origin is not None:
        params.append(("origin", f"latlng:{_fmt(origin[1])},{_fmt(origin[0])}|name:{clean_name(from_name)}"))
    params += [
        ("destination", f"latlng:{_fmt(lat_f)},{_fmt(lon_f)}|name:{clean_name(name)}"),
        ("mode", "walking"),
        ("coord_type", "wgs84"),
        ("output", "html"),
        ("src", src),
    ]
    return _build(BAIDU_DIRECTION, params, safe=",:")  # "|" sent as %7C (RFC 3986)


def amap_search_url(
    keyword: str,
    *,
    city: str | None = None,
    near: tuple[float, float] | None = None,
    src: str = APP_SRC,
) -> str:
    """Amap URI searching places by ``keyword`` (a facility's name, or a kind of place),
    in ``city`` and/or around ``near`` = (lon, lat) WGS-84:
    ``https://uri.amap.com/search?keyword=K[&center=LON,LAT][&city=C]&view=map&src=...
    &coordinate=gaode&callnative=1``.

    The centre is converted to GCJ-02 here (``coordinate=gaode``, Amap's default), like
    :func:`amap_walk_url`. Opens the real place when Amap knows it; nobody is sent to a
    position this app made up.
    """
    kw = clean_name(keyword)
    if not kw:
        raise ValueError("a search needs a keyword")
    params: list[tuple[str, str]] = [("keyword", kw)]
    if near is not None:
        lon, lat = _check_lonlat(near[0], near[1], "search centre")
        glon, glat = wgs84_to_gcj02(lon, lat)
        params.append(("center", f"{_fmt(glon)},{_fmt(glat)}"))
    if city:
        params.append(("city", clean_name(city)))
    params += [("view", "map"), ("src", src), ("coordinate", "gaode"), ("callnative", "1")]
    return _build(AMAP_SEARCH, params, safe=",")


def baidu_search_url(
    keyword: str,
    *,
    city: str | None = None,
    near: tuple[float, float] | None = None,
    radius_m: int = 2000,
    src: str = "webapp." + APP_SRC,
) -> str:
    """Baidu web URI searching places by ``keyword`` in ``city`` (``region``) and/or within
    ``radius_m`` of ``near`` = (lon, lat) WGS-84 (``location=LAT,LNG``, lat first, with
    ``coord_type=wgs84``, which Baidu documents for its web URIs):
    ``https://api.map.baidu.com/place/search?query=K[&location=LAT,LNG&radius=R]
    [&region=C]&coord_type=wgs84&output=html&src=...``."""
    kw = clean_name(keyword)
    if not kw:
        raise ValueError("a search needs a keyword")
    params: list[tuple[str, str]] = [("query", kw)]
    if near is not None:
        lon, lat = _check_lonlat(near[0], near[1], "search centre")
        params += [("location", f"{_fmt(lat)},{_fmt(lon)}"), ("radius", str(int(radius_m)))]
    if city:
        params.append(("region", clean_name(city)))
    params += [("coord_type", "wgs84"), ("output", "html"), ("src", src)]
    return _build(BAIDU_PLACE_SEARCH, params, safe=",")
