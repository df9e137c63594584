"""Distances on the Earth, the walking estimate, and the metric CRS of the district.

The one place in the project that computes a distance between two lon/lat positions.

Distances
    Great-circle (haversine) metres on a sphere of mean Earth radius
    :data:`EARTH_RADIUS_M`. Within the district (< 100 km) the sphere differs from
    the WGS-84 ellipsoid by < 0.5 %, far below walking-route noise.

Walking estimate (docs/ARCHITECTURE.md, "Distances shown to residents")
    Residents are shown the straight-line distance and an estimated walk:
    straight line × :data:`CIRCUITY` (1.3; literature 1.2–1.4, short urban trips
    are more circuitous) at :data:`ELDERLY_WALK_KMH` (4.67 km/h, an elderly
    walking speed from a Nanjing elderly-canteen study; 4.54–4.79 km/h in the
    literature). It is an estimate, not a routed distance: say so in the UI.

Metric CRS
    Areas, buffers and grids are measured in :data:`METRIC_CRS` (UTM zone 51N),
    which covers the district; :func:`to_metric`, :func:`lonlat_to_xy` and
    :func:`xy_to_lonlat` convert.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
from numpy.typing import ArrayLike, NDArray
from pyproj import Transformer

__all__ = [
    "CIRCUITY",
    "EARTH_RADIUS_M",
    "ELDERLY_WALK_KMH",
    "METRIC_CRS",
    "WGS84",
    "WalkEstimate",
    "haversine_m",
    "lonlat_to_xy",
    "to_metric",
    "walk_estimate",
    "xy_to_lonlat",
]

#: Walking-route circuity factor: walk distance ≈ straight-line distance × 1.3
#: (literature range 1.2–1.4; short urban trips are more circuitous).
CIRCUITY: float = 1.3

#: Elderly walking speed in km/h, from a Nanjing elderly-canteen study
#: (4.54–4.79 km/h in the literature). Used as: walk_min = walk_m / speed.
ELDERLY_WALK_KMH: float = 4.67

#: Mean Earth radius (IUGG R1), metres.
EARTH_RADIUS_M: float = 6371008.8

#: Geographic coordinates, as stored (EPSG:4326).
WGS84 = "EPSG:4326"
#: UTM zone 51N, metres: covers Jinpu (121.4–122.3 E).
METRIC_CRS = "EPSG:32651"

FloatArray = NDArray[np.float64]

_TO_METRIC = Transformer.from_crs(WGS84, METRIC_CRS, always_xy=True)
_TO_WGS84 = Transformer.from_crs(METRIC_CRS, WGS84, always_xy=True)


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


@dataclass(frozen=True)
class WalkEstimate:
    """Straight-line distance and the estimated walk: ``walk_m = straight_m × 1.3``
    (:data:`CIRCUITY`), ``walk_min`` at 4.67 km/h (:data:`ELDERLY_WALK_KMH`).

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


def to_metric(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The frame in :data:`METRIC_CRS` (a frame without a CRS is taken as WGS-84)."""
    if gdf.crs is None:
        gdf = gdf.set_crs(WGS84)
    return gdf.to_crs(METRIC_CRS)


def lonlat_to_xy(lonlat: ArrayLike) -> FloatArray:
    """(n, 2) lon/lat degrees -> (n, 2) metres in :data:`METRIC_CRS`."""
    a = np.asarray(lonlat, dtype=float).reshape(-1, 2)
    x, y = _TO_METRIC.transform(a[:, 0], a[:, 1])
    return np.column_stack([x, y])


def xy_to_lonlat(xy: ArrayLike) -> FloatArray:
    """(n, 2) metres in :data:`METRIC_CRS` -> (n, 2) lon/lat degrees."""
    a = np.asarray(xy, dtype=float).reshape(-1, 2)
    lon, lat = _TO_WGS84.transform(a[:, 0], a[:, 1])
    return np.column_stack([lon, lat])
