"""Exact nearest-meal-point search, walking estimates and navigation links.

Distances
    All distances are great-circle (haversine) metres on a sphere of mean Earth
    radius :data:`EARTH_RADIUS_M`. Within the district (< 100 km) the sphere
    differs from the WGS-84 ellipsoid by < 0.5 %, far below walking-route noise.

Index
    :class:`PointIndex` stores the points as 3-D unit vectors in a
    :class:`scipy.spatial.cKDTree`. Chord length ``2·sin(θ/2)`` is strictly
    increasing in the central angle θ, so the k nearest by chord are the k
    nearest by great-circle distance. To be exact despite floating-point
    rounding, candidates are gathered with a slightly widened chord radius and
    then re-ranked by haversine distance; ties are broken by point index.

Walking estimate (DESIGN §4)
    Residents are shown the straight-line distance and an estimated walk:
    straight line × :data:`CIRCUITY` (1.3; literature 1.2–1.4, short urban trips
    are more circuitous) at :data:`ELDERLY_WALK_KMH` (4.67 km/h, an elderly
    walking speed from a Nanjing elderly-canteen study; 4.54–4.79 km/h in the
    literature). It is an estimate, not a routed distance: say so in the UI.

Navigation links
    Pure functions building Amap (高德) and Baidu web URIs. Inputs are WGS-84.
    Names are sanitised (see :func:`_clean_name`) and URL-encoded with
    :mod:`urllib.parse`, so a name can never add or override a parameter.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass
from typing import Literal
from urllib.parse import quote, urlencode

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.spatial import cKDTree

from geo.core.datum import wgs84_to_gcj02

__all__ = [
    "APP_SRC",
    "CIRCUITY",
    "EARTH_RADIUS_M",
    "ELDERLY_WALK_KMH",
    "PointIndex",
    "WalkEstimate",
    "amap_marker_url",
    "amap_walk_url",
    "baidu_walk_url",
    "haversine_m",
    "walk_estimate",
]

#: Walking-route circuity factor: walk distance ≈ straight-line distance × 1.3.
#: DESIGN §4: literature range 1.2–1.4; short urban trips are more circuitous.
CIRCUITY: float = 1.3

#: Elderly walking speed in km/h. DESIGN §4: from a Nanjing elderly-canteen
#: study (4.54–4.79 km/h in the literature). Used as: walk_min = walk_m / speed.
ELDERLY_WALK_KMH: float = 4.67

#: Mean Earth radius (IUGG R1), metres.
EARTH_RADIUS_M: float = 6371008.8

#: Source tag sent to Amap (``src``); Baidu gets ``webapp.`` + this (its rule is
#: ``webapp.companyName.appName``).
APP_SRC: str = "jinpu.livelihood.map"

# Relative / absolute widening of chord radii so that rounding can never drop a
# point whose haversine distance ties or beats the k-th candidate.
_REL_SLACK = 1e-9
_ABS_SLACK = 1e-12  # on the unit sphere ≈ 6 µm on Earth

IntArray = NDArray[np.intp]
FloatArray = NDArray[np.float64]


# --------------------------------------------------------------------------- #
# Distances
# --------------------------------------------------------------------------- #
def haversine_m(lon1: ArrayLike, lat1: ArrayLike, lon2: ArrayLike, lat2: ArrayLike) -> float | FloatArray:
    """Great-circle distance in metres between (lon1, lat1) and (lon2, lat2).

    Vectorised with numpy broadcasting; returns a float for scalar input.
    """
    lon1_r, lat1_r, lon2_r, lat2_r = (np.radians(np.asarray(v, dtype=np.float64)) for v in (lon1, lat1, lon2, lat2))
    s_dlat = np.sin((lat2_r - lat1_r) * 0.5)
    s_dlon = np.sin((lon2_r - lon1_r) * 0.5)
    a = s_dlat * s_dlat + np.cos(lat1_r) * np.cos(lat2_r) * s_dlon * s_dlon
    d = 2.0 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
    return float(d) if np.ndim(d) == 0 else d


def _unit_xyz(lon: FloatArray, lat: FloatArray) -> FloatArray:
    lon_r = np.radians(lon)
    lat_r = np.radians(lat)
    cos_lat = np.cos(lat_r)
    return np.column_stack((cos_lat * np.cos(lon_r), cos_lat * np.sin(lon_r), np.sin(lat_r)))


def _check_query(lon: float, lat: float) -> tuple[float, float]:
    try:
        lon_f = float(lon)
        lat_f = float(lat)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"query location must be two numbers, got lon={lon!r}, lat={lat!r}") from exc
    if not (math.isfinite(lon_f) and math.isfinite(lat_f)):
        raise ValueError(f"query location must be finite (no NaN/inf), got lon={lon!r}, lat={lat!r}")
    if not -90.0 <= lat_f <= 90.0:
        raise ValueError(f"latitude must be within [-90, 90], got {lat_f!r}")
    return lon_f, lat_f


def _order(idx: IntArray, dist: FloatArray) -> IntArray:
    """Permutation sorting by distance, then by index (deterministic ties)."""
    return np.lexsort((idx, dist))


# --------------------------------------------------------------------------- #
# Index
# --------------------------------------------------------------------------- #
class PointIndex:
    """Exact k-nearest / radius search over a fixed set of lon/lat points.

    Build once per layer (``PointIndex(lons, lats)``), query many times.
    Returned indices are positions in the arrays given to the constructor.

    Ordering: results are sorted by haversine distance ascending; points at
    exactly equal distance (e.g. duplicates) are ordered by ascending index, and
    when a tie straddles the k-th place the lower indices are kept.

    An empty layer is allowed: every query then returns two empty arrays.
    """

    __slots__ = ("_lats", "_lons", "_tree")

    def __init__(self, lons: ArrayLike, lats: ArrayLike) -> None:
        # Own copies: later changes to the caller's arrays must not desync the tree.
        lons_a = np.array(lons, dtype=np.float64, copy=True).ravel()
        lats_a = np.array(lats, dtype=np.float64, copy=True).ravel()
        if lons_a.shape != lats_a.shape:
            raise ValueError(f"lons and lats differ in length: {lons_a.size} vs {lats_a.size}")
        bad = ~(np.isfinite(lons_a) & np.isfinite(lats_a))
        if bad.any():
            first = np.flatnonzero(bad)[:5].tolist()
            raise ValueError(
                f"{int(bad.sum())} point(s) have NaN/inf coordinates (first indices {first}); "
                "drop or fix them before building the index"
            )
        if lats_a.size and (np.abs(lats_a) > 90.0).any():
            raise ValueError("latitudes must be within [-90, 90]")
        self._lons = lons_a
        self._lats = lats_a
        self._tree = cKDTree(_unit_xyz(lons_a, lats_a)) if lons_a.size else None

    def __len__(self) -> int:
        return int(self._lons.size)

    @property
    def lons(self) -> FloatArray:
        """Longitudes of the indexed points (read-only view)."""
        v = self._lons.view()
        v.flags.writeable = False
        return v

    @property
    def lats(self) -> FloatArray:
        """Latitudes of the indexed points (read-only view)."""
        v = self._lats.view()
        v.flags.writeable = False
        return v

    def _candidates_within_chord(self, q: FloatArray, chord: float) -> IntArray:
        assert self._tree is not None
        r = chord * (1.0 + _REL_SLACK) + _ABS_SLACK
        return np.asarray(self._tree.query_ball_point(q, r), dtype=np.intp)

    def _ranked(self, lon: float, lat: float, idx: IntArray) -> tuple[IntArray, FloatArray]:
        dist = np.asarray(haversine_m(lon, lat, self._lons[idx], self._lats[idx]), dtype=np.float64)
        order = _order(idx, dist)
        return idx[order], dist[order]

    def nearest(self, lon: float, lat: float, k: int = 5) -> tuple[IntArray, FloatArray]:
        """The ``min(k, n)`` nearest points to (lon, lat).

        Returns ``(indices, distances_m)``, sorted by haversine distance then
        index. ``k`` larger than the layer returns the whole layer.

        Raises:
            ValueError: if lon/lat is NaN/inf or latitude is out of range, or
                ``k`` < 1.
        """
        lon_f, lat_f = _check_query(lon, lat)
        k = int(k)
        if k < 1:
            raise ValueError(f"k must be >= 1, got {k}")
        n = len(self)
        if n == 0:
            return np.empty(0, dtype=np.intp), np.empty(0, dtype=np.float64)
        k_eff = min(k, n)
        q = _unit_xyz(np.array([lon_f]), np.array([lat_f]))[0]
        if k_eff == n:
            idx = np.arange(n, dtype=np.intp)
        else:
            chord, _ = self._tree.query(q, k=[k_eff])  # type: ignore[union-attr]
            # Everything within the k-th chord (widened): covers exact ties and
            # any rounding disagreement between chord and haversine ranking.
            idx = self._candidates_within_chord(q, float(chord[0]))
        idx, dist = self._ranked(lon_f, lat_f, idx)
        return idx[:k_eff], dist[:k_eff]

    def within(self, lon: float, lat: float, radius_m: float) -> tuple[IntArray, FloatArray]:
        """All points with haversine distance ≤ ``radius_m`` from (lon, lat).

        Returns ``(indices, distances_m)`` sorted by distance then index.

        Raises:
            ValueError: if the location is invalid or ``radius_m`` is negative/NaN.
        """
        lon_f, lat_f = _check_query(lon, lat)
        radius = float(radius_m)
        if not radius >= 0.0:  # also catches NaN
            raise ValueError(f"radius_m must be a non-negative number, got {radius_m!r}")
        if len(self) == 0:
            return np.empty(0, dtype=np.intp), np.empty(0, dtype=np.float64)
        theta = min(radius / EARTH_RADIUS_M, math.pi)
        chord = 2.0 * math.sin(theta / 2.0)
        q = _unit_xyz(np.array([lon_f]), np.array([lat_f]))[0]
        idx = self._candidates_within_chord(q, chord)
        idx, dist = self._ranked(lon_f, lat_f, idx)
        keep = dist <= radius
        return idx[keep], dist[keep]


# --------------------------------------------------------------------------- #
# Walking estimate
# --------------------------------------------------------------------------- #
@dataclass(frozen=True)
class WalkEstimate:
    """Straight-line distance and the estimated walk (DESIGN §4).

    Fields are floats for scalar input, numpy arrays for array input.
    """

    straight_m: float | FloatArray
    walk_m: float | FloatArray
    walk_min: float | FloatArray


def walk_estimate(straight_m: ArrayLike) -> WalkEstimate:
    """Estimate the walk: ``walk_m = straight_m × CIRCUITY``, at ELDERLY_WALK_KMH.

    >>> round(walk_estimate(1000).walk_min, 2)
    16.7
    """
    s = np.asarray(straight_m, dtype=np.float64)
    walk = s * CIRCUITY
    minutes = walk / (ELDERLY_WALK_KMH * 1000.0 / 60.0)
    if s.ndim == 0:
        return WalkEstimate(float(s), float(walk), float(minutes))
    return WalkEstimate(s, walk, minutes)


# --------------------------------------------------------------------------- #
# Navigation URLs
# --------------------------------------------------------------------------- #
AMAP_NAVIGATION = "https://uri.amap.com/navigation"
AMAP_MARKER = "https://uri.amap.com/marker"
BAIDU_DIRECTION = "https://api.map.baidu.com/direction"

# Characters that delimit fields inside Amap's "lon,lat,name" and Baidu's
# "latlng:..|name:.." values; swapped for full-width look-alikes.
_FIELD_SEPARATORS = str.maketrans({",": "，", "|": "｜", ";": "；"})


def _clean_name(name: object, max_len: int = 60) -> str:
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
            start += f",{_clean_name(from_name)}"
        params.append(("from", start))
    params += [
        ("to", f"{_fmt(lon_f)},{_fmt(lat_f)},{_clean_name(name)}"),
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
        ("name", _clean_name(name)),
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
        params.append(("origin", f"latlng:{_fmt(origin[1])},{_fmt(origin[0])}|name:{_clean_name(from_name)}"))
    params += [
        ("destination", f"latlng:{_fmt(lat_f)},{_fmt(lon_f)}|name:{_clean_name(name)}"),
        ("mode", "walking"),
        ("coord_type", "wgs84"),
        ("output", "html"),
        ("src", src),
    ]
    return _build(BAIDU_DIRECTION, params, safe=",:")  # "|" sent as %7C (RFC 3986)
