"""Synthetic data for tests and benchmarks (as ``geopandas.testing`` ships helpers).

Seeded generators of subdistricts and meal points, and of whole synthetic provinces
(units, meal points, population) for the batch runs: the same seed gives the same frames.
They are NOT real places; no page shows them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

from geo.core.distance import METRIC_CRS, WGS84, lonlat_to_xy, to_metric, xy_to_lonlat
from geo.data.facts import DISTRICT_BOUNDS

__all__ = ["Province", "assert_metrics_close", "synthetic_points", "synthetic_province", "synthetic_subdistricts"]


def synthetic_subdistricts(
    n: int = 25, seed: int = 0, bbox: Sequence[float] = DISTRICT_BOUNDS, population: bool = False
) -> gpd.GeoDataFrame:
    """Synthetic subdistricts for tests and benchmarks (NOT real boundaries).

    A Voronoi partition of ``n`` seeded random sites, clipped to ``bbox``
    (lon/lat), built in METRIC_CRS: no gaps, no overlaps.  Codes are
    ``"S0001"``...; with ``population=True`` seeded ``pop_total`` and
    ``pop_60plus`` columns are added (otherwise they are absent).
    """
    rng = np.random.default_rng(seed)
    x0, y0 = lonlat_to_xy([bbox[0], bbox[1]])[0]
    x1, y1 = lonlat_to_xy([bbox[2], bbox[3]])[0]
    frame = shapely.box(min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))
    fx0, fy0, fx1, fy1 = frame.bounds
    sites = rng.uniform([fx0, fy0], [fx1, fy1], size=(n, 2))
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(sites), extend_to=frame))
    # order cells like the sites that generated them
    cells = np.asarray(cells)
    pi, ci = shapely.STRtree(cells).query(shapely.points(sites), predicate="intersects")
    owner = np.full(n, -1)
    for p, c in zip(pi, ci):  # n small; first hit
        if owner[p] < 0:
            owner[p] = c
    geoms = shapely.intersection(cells[owner], frame)
    gdf = gpd.GeoDataFrame(
        {
            "code": [f"S{i + 1:04d}" for i in range(n)],
            "name_zh": [f"街道{i + 1}" for i in range(n)],
            "name_en": [f"Subdistrict {i + 1}" for i in range(n)],
        },
        geometry=geoms,
        crs=METRIC_CRS,
    ).to_crs(WGS84)
    if population:
        total = rng.integers(20_000, 150_000, size=n).astype(float)
        gdf["pop_total"] = total
        gdf["pop_60plus"] = np.round(total * rng.uniform(0.15, 0.3, size=n))
    return gdf


def synthetic_points(
    subdistricts: gpd.GeoDataFrame, n: int = 60, seed: int = 1, clustered: bool = True
) -> gpd.GeoDataFrame:
    """Seeded synthetic meal points inside ``subdistricts`` (EPSG:4326).

    With ``clustered=True`` half of the points fall near the first few
    subdistrict centroids (like an urban core), the rest uniformly.
    """
    rng = np.random.default_rng(seed)
    sm = to_metric(subdistricts[[subdistricts.geometry.name]])
    polys = np.asarray(sm.geometry.values)
    district = shapely.union_all(polys)
    shapely.prepare(district)
    minx, miny, maxx, maxy = district.bounds
    out = np.empty((0, 2))
    centres = shapely.get_coordinates(shapely.centroid(polys[: max(1, len(polys) // 5)]))
    while len(out) < n:
        m = 4 * n
        uni = rng.uniform([minx, miny], [maxx, maxy], size=(m, 2))
        if clustered:
            c = centres[rng.integers(0, len(centres), size=m)]
            clu = c + rng.normal(0, 3000, size=(m, 2))
            cand = np.where((rng.random(m) < 0.5)[:, None], clu, uni)
        else:
            cand = uni
        cand = cand[shapely.contains_xy(district, cand[:, 0], cand[:, 1])]
        out = np.vstack([out, cand])
    out = out[:n]
    return gpd.GeoDataFrame(
        {"id": [f"P{i + 1:05d}" for i in range(n)]},
        geometry=shapely.points(xy_to_lonlat(out)),
        crs=WGS84,
    )


class Province(NamedTuple):
    """A synthetic province: ``units`` (``code``, ``name``, polygons), ``points`` (``id``)
    and ``population`` (``pop_total``, ``pop_60plus`` points; None unless asked for), all
    in EPSG:4326."""

    units: gpd.GeoDataFrame
    points: gpd.GeoDataFrame
    population: gpd.GeoDataFrame | None


def _town_mixture(
    rng: np.random.Generator, n: int, towns: np.ndarray, sizes: np.ndarray, share: float, half: float
) -> np.ndarray:
    """``n`` positions (metres): ``share`` of them around towns (normal, sigma by town size),
    the rest uniform over the square of half-side ``half``; all inside the square."""
    out = np.empty((0, 2))
    p = sizes / sizes.sum()
    while len(out) < n:
        m = 2 * n + 16
        pick = rng.choice(len(towns), size=m, p=p)
        near = towns[pick] + rng.normal(0.0, 1.0, size=(m, 2)) * (600.0 + 2500.0 * np.sqrt(sizes[pick]))[:, None]
        uni = rng.uniform(-half, half, size=(m, 2))
        cand = np.where((rng.random(m) < share)[:, None], near, uni)
        cand = cand[(np.abs(cand) < half).all(axis=1)]
        out = np.vstack([out, cand])
    return out[:n]


def synthetic_province(
    n_units: int = 1500,
    n_points: int = 20_000,
    seed: int = 0,
    area_km2: float = 150_000.0,
    centre: Sequence[float] = (120.0, 41.0),
    n_towns: int | None = None,
    population: int = 0,
) -> Province:
    """A seeded synthetic province for tests and benchmarks (NOT real places).

    A square of ``area_km2`` centred on ``centre`` (lon, lat; by default on 120°E, so the
    units fall in two UTM zones, 50 and 51, like Liaoning's) in a local equal-area plane.
    Units are the Voronoi cells of ``n_units`` sites, half of them clustered around
    ``n_towns`` towns (default ``n_units // 40 + 1``, sizes drawn from a Pareto law), so
    towns have many small units and the countryside a few large ones: no gaps, no
    overlaps.  Codes are ``"T000001"``...; the rows are in random order, so input order is
    not spatial.  Meal points: 80 % around the towns (by size), 20 % uniform.  With
    ``population > 0``, that many population points with ``pop_total`` (log-normal, more in
    towns) and ``pop_60plus`` (15-30 % of it).
    """
    if n_units < 1 or n_points < 0 or area_km2 <= 0:
        raise ValueError("n_units >= 1, n_points >= 0 and area_km2 > 0 are needed")
    rng = np.random.default_rng(seed)
    lon0, lat0 = float(centre[0]), float(centre[1])
    plane = f"+proj=laea +lat_0={lat0} +lon_0={lon0} +datum=WGS84 +units=m +no_defs"
    to_ll = Transformer.from_crs(plane, WGS84, always_xy=True)
    half = np.sqrt(area_km2) * 1000.0 / 2.0
    frame = shapely.box(-half, -half, half, half)
    k = n_towns if n_towns is not None else n_units // 40 + 1
    towns = rng.uniform(-0.85 * half, 0.85 * half, size=(k, 2))
    sizes = rng.pareto(1.5, size=k) + 1.0

    sites = _town_mixture(rng, n_units, towns, sizes, 0.5, half)
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(sites), extend_to=frame, ordered=True))
    geoms = shapely.intersection(np.asarray(cells), frame)
    geoms = shapely.transform(geoms, lambda c: np.column_stack(to_ll.transform(c[:, 0], c[:, 1])))
    order = rng.permutation(n_units)
    units = gpd.GeoDataFrame(
        {
            "code": [f"T{i + 1:06d}" for i in range(n_units)],
            "name": [f"Township {i + 1}" for i in range(n_units)],
        },
        geometry=geoms[order],
        crs=WGS84,
    )

    pxy = _town_mixture(rng, n_points, towns, sizes, 0.8, half)
    plon, plat = to_ll.transform(pxy[:, 0], pxy[:, 1])
    points = gpd.GeoDataFrame(
        {"id": [f"M{i + 1:06d}" for i in range(n_points)]}, geometry=shapely.points(plon, plat), crs=WGS84
    )

    pop = None
    if population > 0:
        qxy = _town_mixture(rng, population, towns, sizes, 0.7, half)
        qlon, qlat = to_ll.transform(qxy[:, 0], qxy[:, 1])
        total = np.round(rng.lognormal(6.0, 1.0, size=population))
        pop = gpd.GeoDataFrame(
            {
                "pop_total": total,
                "pop_60plus": np.round(total * rng.uniform(0.15, 0.3, size=population)),
            },
            geometry=shapely.points(qlon, qlat),
            crs=WGS84,
        )
    return Province(units, points, pop)


def assert_metrics_close(
    got: pd.DataFrame, expected: pd.DataFrame, share_atol: float = 1e-9, dist_atol: float = 1e-6
) -> None:
    """Assert two frames of coverage metrics (same index) agree on the columns they share:
    counts exactly, shares within ``share_atol``, distances within ``dist_atol`` metres,
    areas and densities to 1e-12 relative; NaN where the other is NaN."""
    from geo.core.coverage import METRICS

    cols = [c for c in expected.columns if c in got.columns and (c in METRICS or c == "n_cells")]
    assert cols, "no metric column in common"
    assert list(got.index) == list(expected.index), "the units differ"
    for col in cols:
        a = got[col].to_numpy(dtype=float)
        b = expected[col].to_numpy(dtype=float)
        assert (np.isnan(a) == np.isnan(b)).all(), f"{col}: NaN in different rows"
        ok = ~np.isnan(a)
        kind = METRICS[col].kind if col in METRICS else "count"
        if kind == "count":
            assert (a[ok] == b[ok]).all(), f"{col}: counts differ"
        elif kind == "share":
            np.testing.assert_allclose(a[ok], b[ok], rtol=0, atol=share_atol, err_msg=col)
        elif kind == "distance_m":
            np.testing.assert_allclose(a[ok], b[ok], rtol=0, atol=dist_atol, err_msg=col)
        else:
            np.testing.assert_allclose(a[ok], b[ok], rtol=1e-12, atol=0, err_msg=col)
