"""WGS-84 <-> GCJ-02 ("Mars" datum) conversion.

Chinese basemaps (Amap/高德, Tencent) draw in GCJ-02, an obfuscated datum that
offsets WGS-84 by several hundred metres (≈440–460 m in Jinpu). Our
data are stored in WGS-84 (EPSG:4326); with a GCJ-02 basemap every overlay is
shifted for display (:func:`wgs84_to_gcj02`, :func:`shift_geometry`,
:func:`shift_gdf`) and every click is shifted back (:func:`gcj02_to_wgs84`).
With OSM tiles nothing is shifted.

Forward transform
    The widely published algorithm (as in coordtransform, eviltransform,
    gcoord): a polynomial + sine perturbation of (lon-105, lat-35), scaled to
    degrees on the Krasovsky 1940 ellipsoid (a = 6378245.0 m,
    e² = 0.00669342162296594323).

Inverse transform
    GCJ-02 has no closed-form inverse. We solve ``forward(w) = g`` by fixed-point
    iteration ``w <- w - (forward(w) - g)`` from ``w = g``. The offset changes by
    only a few metres per kilometre, so each step shrinks the error ≥100×
    (5 steps reach 1e-11° anywhere in China); we stop when the residual is below 1e-9° (≈0.1 mm) for every point, or
    after :data:`MAX_ITERATIONS` steps. (The one-step approximation
    ``g - delta(g)`` used by many libraries is off by up to ≈2.5 m in Jinpu and
    ≈4.5 m elsewhere in China, measured against this forward transform.)

Out-of-China rule
    A point is treated as "in China" iff it lies in the rectangle
    72.004 ≤ lon ≤ 137.8347, 0.8293 ≤ lat ≤ 55.8271 (the same rough bounding box
    used by coordtransform/gcoord/eviltransform). Points outside it are returned
    unchanged by both directions. The box is coarse: it also contains, e.g.,
    Seoul and Hanoi, which *are* shifted; Tokyo (139.7 E) is outside. For the
    inverse the rule is applied to the GCJ-02 input. NaN coordinates are never
    "in China" and pass through as NaN.

The GeoDataFrame helpers never modify their input. GCJ-02 has no EPSG code, so a
shifted frame keeps its EPSG:4326 label: callers must track which datum a frame
is in (by convention, only the map-display layer ever holds GCJ-02).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Literal, TypeVar, overload

import numpy as np
import shapely
from numpy.typing import ArrayLike, NDArray

if TYPE_CHECKING:  # pragma: no cover - typing only
    import geopandas as gpd

__all__ = [
    "CHINA_BBOX",
    "INVERSE_TOLERANCE_DEG",
    "KRASOVSKY_A",
    "KRASOVSKY_EE",
    "MAX_ITERATIONS",
    "gcj02_to_wgs84",
    "in_china",
    "shift_gdf",
    "shift_geometry",
    "wgs84_to_gcj02",
]

#: Semi-major axis of the Krasovsky 1940 ellipsoid (metres).
KRASOVSKY_A: float = 6378245.0
#: First eccentricity squared of the Krasovsky 1940 ellipsoid.
KRASOVSKY_EE: float = 0.00669342162296594323
#: (min_lon, min_lat, max_lon, max_lat) of the rough "in China" rectangle.
CHINA_BBOX: tuple[float, float, float, float] = (72.004, 0.8293, 137.8347, 55.8271)
#: The inverse iterates until |forward(wgs) - gcj| < this, in degrees (≈0.1 mm).
INVERSE_TOLERANCE_DEG: float = 1e-9
#: Hard cap on inverse iterations (in practice 4–5 are needed).
MAX_ITERATIONS: int = 30

Datum = Literal["gcj02", "wgs84"]
FloatOrArray = float | NDArray[np.float64]
#: A single geometry (or None): shifted, it keeps its type.
G = TypeVar("G", bound=shapely.Geometry | None)


# --------------------------------------------------------------------------- #
# Core math (arrays in, arrays out)
# --------------------------------------------------------------------------- #
def _delta(lon: NDArray[np.float64], lat: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """GCJ-02 offset (dlon, dlat) in degrees at WGS-84 (lon, lat); no China test."""
    x = lon - 105.0
    y = lat - 35.0
    sqrt_abs_x = np.sqrt(np.abs(x))
    common = (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0

    dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sqrt_abs_x
    dlat = dlat + common
    dlat = dlat + (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
    dlat = dlat + (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0

    dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sqrt_abs_x
    dlon = dlon + common
    dlon = dlon + (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
    dlon = dlon + (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0

    rad_lat = np.radians(lat)
    magic = 1.0 - KRASOVSKY_EE * np.sin(rad_lat) ** 2
    sqrt_magic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((KRASOVSKY_A * (1.0 - KRASOVSKY_EE)) / (magic * sqrt_magic) * np.pi)
    dlon = (dlon * 180.0) / (KRASOVSKY_A / sqrt_magic * np.cos(rad_lat) * np.pi)
    return dlon, dlat


def _in_china(lon: NDArray[np.float64], lat: NDArray[np.float64]) -> NDArray[np.bool_]:
    min_lon, min_lat, max_lon, max_lat = CHINA_BBOX
    return (lon >= min_lon) & (lon <= max_lon) & (lat >= min_lat) & (lat <= max_lat)


def _as_arrays(lon: ArrayLike, lat: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64], bool]:
    """Broadcast lon/lat to float64 arrays; report whether both were scalars."""
    lon_a = np.asarray(lon, dtype=np.float64)
    lat_a = np.asarray(lat, dtype=np.float64)
    scalar = lon_a.ndim == 0 and lat_a.ndim == 0
    lon_a, lat_a = np.broadcast_arrays(lon_a, lat_a)
    return lon_a, lat_a, scalar


def _out(arr: NDArray[np.float64], scalar: bool) -> FloatOrArray:
    return float(arr) if scalar else arr


def _forward(lon: NDArray[np.float64], lat: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    mask = _in_china(lon, lat)
    dlon, dlat = _delta(lon, lat)
    return np.where(mask, lon + dlon, lon), np.where(mask, lat + dlat, lat)


def _inverse(lon: NDArray[np.float64], lat: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    mask = _in_china(lon, lat)
    out_lon = lon.copy()
    out_lat = lat.copy()
    if not mask.any():
        return out_lon, out_lat
    g_lon = lon[mask]
    g_lat = lat[mask]
    w_lon = g_lon.copy()
    w_lat = g_lat.copy()
    for _ in range(MAX_ITERATIONS):
        # Use the raw formula (no bbox test) so the iteration is a smooth
        # inverse of the offset even within ~500 m of the bbox edge.
        dlon, dlat = _delta(w_lon, w_lat)
        r_lon = (w_lon + dlon) - g_lon
        r_lat = (w_lat + dlat) - g_lat
        if max(np.max(np.abs(r_lon)), np.max(np.abs(r_lat))) < INVERSE_TOLERANCE_DEG:
            break
        w_lon = w_lon - r_lon
        w_lat = w_lat - r_lat
    out_lon[mask] = w_lon
    out_lat[mask] = w_lat
    return out_lon, out_lat


# --------------------------------------------------------------------------- #
# Public point API
# --------------------------------------------------------------------------- #
def in_china(lon: ArrayLike, lat: ArrayLike) -> bool | NDArray[np.bool_]:
    """True where (lon, lat) is inside the rough China rectangle :data:`CHINA_BBOX`."""
    lon_a, lat_a, scalar = _as_arrays(lon, lat)
    mask = _in_china(lon_a, lat_a)
    return bool(mask) if scalar else mask


@overload
def wgs84_to_gcj02(lon: float, lat: float) -> tuple[float, float]: ...
@overload
def wgs84_to_gcj02(lon: ArrayLike, lat: ArrayLike) -> tuple[FloatOrArray, FloatOrArray]: ...
def wgs84_to_gcj02(lon: ArrayLike, lat: ArrayLike) -> tuple[FloatOrArray, FloatOrArray]:
    """Convert WGS-84 degrees to GCJ-02 degrees.

    Accepts scalars or (broadcastable) arrays and returns ``(lon, lat)`` of the
    broadcast shape (Python floats for scalar input). Points outside
    :data:`CHINA_BBOX` are returned unchanged.
    """
    lon_a, lat_a, scalar = _as_arrays(lon, lat)
    g_lon, g_lat = _forward(lon_a, lat_a)
    return _out(g_lon, scalar), _out(g_lat, scalar)


@overload
def gcj02_to_wgs84(lon: float, lat: float) -> tuple[float, float]: ...
@overload
def gcj02_to_wgs84(lon: ArrayLike, lat: ArrayLike) -> tuple[FloatOrArray, FloatOrArray]: ...
def gcj02_to_wgs84(lon: ArrayLike, lat: ArrayLike) -> tuple[FloatOrArray, FloatOrArray]:
    """Convert GCJ-02 degrees to WGS-84 degrees (precise iterative inverse).

    Iterates the forward transform until ``|wgs84_to_gcj02(result) - input|`` is
    below :data:`INVERSE_TOLERANCE_DEG` for every point (at most
    :data:`MAX_ITERATIONS` steps). Same shape rules as :func:`wgs84_to_gcj02`;
    points outside :data:`CHINA_BBOX` are returned unchanged.
    """
    lon_a, lat_a, scalar = _as_arrays(lon, lat)
    w_lon, w_lat = _inverse(lon_a, lat_a)
    return _out(w_lon, scalar), _out(w_lat, scalar)


# --------------------------------------------------------------------------- #
# Geometry helpers
# --------------------------------------------------------------------------- #
CoordFunc = Callable[[NDArray[np.float64]], NDArray[np.float64]]


def _coord_func(to: str) -> CoordFunc:
    if to == "gcj02":
        conv = _forward
    elif to == "wgs84":
        conv = _inverse
    else:
        raise ValueError(f"to must be 'gcj02' or 'wgs84', got {to!r}")

    def func(coords: NDArray[np.float64]) -> NDArray[np.float64]:
        out = np.array(coords, dtype=np.float64, copy=True)
        if out.shape[0]:
            out[:, 0], out[:, 1] = conv(out[:, 0], out[:, 1])
        return out  # any Z column is carried through untouched

    return func


@overload
def shift_geometry(geom: G, to: Datum = "gcj02") -> G: ...
@overload
def shift_geometry(geom: NDArray[np.object_], to: Datum = "gcj02") -> NDArray[np.object_]: ...
def shift_geometry(
    geom: shapely.Geometry | NDArray[np.object_] | None, to: Datum = "gcj02"
) -> shapely.Geometry | NDArray[np.object_] | None:
    """Shift a shapely geometry (or array of geometries) between datums.

    ``to="gcj02"`` treats the input as WGS-84 lon/lat and returns GCJ-02;
    ``to="wgs84"`` does the reverse. Vectorised through :func:`shapely.transform`
    (one call for all vertices); Z values and empty geometries are preserved.
    """
    # include_z=None (keep each geometry's own dimensions) is valid since shapely 2.1,
    # but types-shapely still declares include_z as bool.
    out: shapely.Geometry | NDArray[np.object_] | None
    out = shapely.transform(geom, _coord_func(to), include_z=None)  # type: ignore[call-overload]
    return out


def shift_gdf(gdf: gpd.GeoDataFrame, to: Datum = "gcj02") -> gpd.GeoDataFrame:
    """Return a copy of ``gdf`` with its active geometry shifted to ``to``.

    The input is never modified. Its CRS must be geographic lon/lat
    (EPSG:4326) or unset; the copy keeps the same CRS label (GCJ-02 has no EPSG
    code), so the caller must remember that the result is GCJ-02.

    Raises:
        ValueError: if ``to`` is unknown or the CRS is not EPSG:4326.
    """
    import geopandas as gpd  # local import keeps `geo.core.datum` light for point use

    _coord_func(to)  # validate `to` before copying
    crs = gdf.crs
    if crs is not None and crs.to_epsg() != 4326:
        raise ValueError(
            f"shift_gdf needs lon/lat degrees (EPSG:4326); got {crs.to_string()}. "
            "Reproject with gdf.to_crs(4326) first."
        )
    out = gdf.copy()
    geom_col = gdf.geometry.name
    shifted = shift_geometry(gdf.geometry.to_numpy(), to=to)
    out[geom_col] = gpd.GeoSeries(shifted, index=gdf.index, crs=crs)
    return out
