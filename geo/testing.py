"""Synthetic data for tests and benchmarks (as ``geopandas.testing`` ships helpers).

Seeded generators of subdistricts and meal points: the same seed gives the same frames.
They are NOT real places; no page shows them.
"""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import shapely

from geo.core.distance import METRIC_CRS, WGS84, lonlat_to_xy, to_metric, xy_to_lonlat
from geo.data.facts import DISTRICT_BOUNDS

__all__ = ["synthetic_points", "synthetic_subdistricts"]


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
