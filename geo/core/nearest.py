"""Exact nearest-meal-point search over lon/lat points.

:class:`PointIndex` stores the points as 3-D unit vectors in a
:class:`scipy.spatial.cKDTree`. Chord length ``2·sin(θ/2)`` is strictly
increasing in the central angle θ, so the k nearest by chord are the k
nearest by great-circle distance (:func:`geo.core.distance.haversine_m`). To be
exact despite floating-point rounding, candidates are gathered with a slightly
widened chord radius and then re-ranked by haversine distance; ties are broken
by point index.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.spatial import cKDTree

from geo.core.distance import EARTH_RADIUS_M, haversine_m

__all__ = ["PointIndex"]

# Relative / absolute widening of chord radii so that rounding can never drop a
# point whose haversine distance ties or beats the k-th candidate.
_REL_SLACK = 1e-9
_ABS_SLACK = 1e-12  # on the unit sphere ≈ 6 µm on Earth

IntArray = NDArray[np.intp]
FloatArray = NDArray[np.float64]


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
