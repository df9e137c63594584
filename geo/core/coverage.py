"""Distances and coverage of meal points per subdistrict.

Plain Python (no streamlit).  Every public function is a pure function of its
inputs (inputs are never mutated), so a UI can wrap it in a cache.

Conventions
-----------
* Inputs are stored in WGS-84 (EPSG:4326); everything is measured in metres in
  :data:`METRIC_CRS` (UTM zone 51N, EPSG:32651).  The functions that measure take an
  optional ``metric_crs`` (default :data:`METRIC_CRS`) so that units elsewhere are
  measured in their own UTM zone (:mod:`geo.core.batch`); the page never passes it.
* A radius is either a straight-line radius or a walking distance.  A walking
  distance is converted to the straight-line radius that reaches the same
  places on average by dividing by the circuity factor :data:`CIRCUITY` (1.3;
  the literature gives 1.2-1.4): a 500 m walk is about 385 m straight line.
  See :func:`effective_radius`.
* Circles are drawn as polygons inscribed in the circle with ``4 * QUAD_SEGS``
  vertices (64 by default).  Such a polygon covers 99.84 % of the circle's area,
  so covered areas are very slightly conservative (never beyond the radius).
* Distances are straight-line distances in metres from the centres of a
  regular demand grid (see :func:`demand_grid`) to the nearest meal point
  anywhere (including points outside the subdistrict or the district).

Inputs
------
``subdistricts``: GeoDataFrame (EPSG:4326) with columns ``code`` (str),
``name_zh``, ``name_en``, Polygon/MultiPolygon geometry and optional numeric
``pop_total`` and ``pop_60plus`` (NaN = unknown).

``points``: GeoDataFrame (EPSG:4326) of Point geometries (meal points) with an
``id`` column and an optional ``subdistrict_code``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypedDict

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from numpy.typing import NDArray
from scipy.spatial import cKDTree
from shapely.geometry.base import BaseGeometry

from geo.core.distance import CIRCUITY, METRIC_CRS, WGS84, lonlat_to_xy, to_metric, xy_to_lonlat

__all__ = [
    "CIRCUITY",
    "METRICS",
    "METRIC_CRS",
    "MODES",
    "POP_COLUMNS",
    "QUAD_SEGS",
    "RADII_M",
    "WGS84",
    "DistrictSummary",
    "MetricInfo",
    "Unavailable",
    "assign_points",
    "compare",
    "coverage_union",
    "covered_area_km2",
    "demand_grid",
    "district_summary",
    "effective_radius",
    "gap_geometry",
    "lonlat_to_xy",
    "nearest_distance",
    "point_xy",
    "population",
    "population_basis",
    "rank_direction",
    "rank_metrics",
    "subdistrict_metrics",
    "to_metric",
    "unavailable_metrics",
    "unit_metrics",
    "with_extra_points",
    "with_population",
    "xy_to_lonlat",
]

RADII_M = (300, 500, 1000)  # GB 50180-2018 5/10/15-minute life circles; Beijing <=1000 m norm
MODES = ("straight", "walking")
QUAD_SEGS = 16  # segments per quarter circle for buffers (64-gon, 99.84 % of circle area)


@dataclass(frozen=True)
class MetricInfo:
    """What a metric is, for classing, ranking and display (names and units are in the
    translation table, keys ``cv.metric.<key>`` and ``cv.unit.<key>``)."""

    key: str
    #: "count", "area", "density", "share" (0-1) or "distance_m": tells geo.core.classify
    #: which policy breaks apply and the views how to format a value.
    kind: str
    #: True when more is better, False when less is better, None for descriptive metrics.
    higher_is_better: bool | None
    #: True for the metrics that need population figures per subdistrict.
    needs_population: bool


METRICS: dict[str, MetricInfo] = {
    "n_points": MetricInfo("n_points", "count", True, False),
    "area_km2": MetricInfo("area_km2", "area", None, False),
    "points_per_10km2": MetricInfo("points_per_10km2", "density", True, False),
    "covered_share": MetricInfo("covered_share", "share", True, False),
    "mean_dist_m": MetricInfo("mean_dist_m", "distance_m", False, False),
    "p90_dist_m": MetricInfo("p90_dist_m", "distance_m", False, False),
    "points_per_10k_60plus": MetricInfo("points_per_10k_60plus", "density", True, True),
    "pop_weighted_covered_share": MetricInfo("pop_weighted_covered_share", "share", True, True),
}

POP_COLUMNS = ("pop_60plus", "pop_total")  # preference order for population weighting


# --------------------------------------------------------------------------- basics


def effective_radius(radius_m: float, mode: str = "straight") -> float:
    """Straight-line radius in metres used for coverage.

    ``mode="straight"``: the radius is already a straight-line distance.
    ``mode="walking"``: the radius is a walking distance; walking routes are on
    average :data:`CIRCUITY` (1.3) times longer than the straight line, so the
    straight-line radius is ``radius_m / 1.3`` (a 500 m walk ~ 385 m).
    """
    r = float(radius_m)
    if not math.isfinite(r) or r <= 0:
        raise ValueError(f"radius_m must be a positive number, got {radius_m!r}")
    if mode == "straight":
        return r
    if mode == "walking":
        return r / CIRCUITY
    raise ValueError(f"mode must be one of {MODES}, got {mode!r}")


def _codes(subdistricts: gpd.GeoDataFrame) -> pd.Index[str]:
    codes: pd.Index[str] = pd.Index(subdistricts["code"].astype(str), name="code")
    if codes.has_duplicates:
        raise ValueError("subdistrict codes must be unique")
    return codes


def _in_crs(gdf: gpd.GeoDataFrame, metric_crs: str) -> gpd.GeoDataFrame:
    """The frame in ``metric_crs`` (a frame without a CRS is taken as WGS-84)."""
    if metric_crs == METRIC_CRS:
        return to_metric(gdf)
    return (gdf.set_crs(WGS84) if gdf.crs is None else gdf).to_crs(metric_crs)


def point_xy(points: gpd.GeoDataFrame | None, metric_crs: str = METRIC_CRS) -> np.ndarray:
    """Metric coordinates (n, 2) in ``metric_crs`` of the non-empty point geometries."""
    if points is None or len(points) == 0:
        return np.empty((0, 2))
    pm = _in_crs(points[[points.geometry.name]], metric_crs)
    geom = pm.geometry.values
    ok = ~(shapely.is_empty(geom) | shapely.is_missing(geom))
    return shapely.get_coordinates(geom[ok])[:, :2]


def _check_cell(cell_m: float) -> float:
    c = float(cell_m)
    if not math.isfinite(c) or c <= 0:
        raise ValueError(f"cell_m must be positive, got {cell_m!r}")
    return c


# --------------------------------------------------------------------------- demand grid


def demand_grid(subdistricts: gpd.GeoDataFrame, cell_m: float = 100, metric_crs: str = METRIC_CRS) -> pd.DataFrame:
    """Regular grid of demand cells clipped to the subdistricts.

    The grid is anchored at multiples of ``cell_m`` in ``metric_crs`` (default
    :data:`METRIC_CRS`); it spans the subdistricts' total bounds ``[minx, maxx)``
    by ``[miny, maxy)`` (a centre exactly on the east or north edge of that box is
    not a cell).  The anchoring means
    the same inputs always give the same cells.  A cell belongs to the
    subdistrict that contains its centre (centres on a shared edge go to the
    first subdistrict in row order).  A subdistrict too small to contain any
    centre gets one cell at its representative point, so every subdistrict
    has at least one cell.

    Returns a DataFrame with one row per cell:

    ``x``, ``y``      cell centre in metres (``metric_crs``)
    ``code``          subdistrict code
    ``cell_km2``      nominal cell area, ``cell_m**2 / 1e6``
    ``weight_km2``    area weight: the subdistrict's exact area divided by its
                      number of cells, so the weights of a subdistrict sum to
                      its area.
    """
    cell = _check_cell(cell_m)
    codes = _codes(subdistricts)
    sm = _in_crs(subdistricts[[subdistricts.geometry.name]], metric_crs)
    polys = np.asarray(sm.geometry.values)
    areas_km2 = shapely.area(polys) / 1e6
    if len(polys) == 0:
        return pd.DataFrame({"x": [], "y": [], "code": pd.Series([], dtype=str), "cell_km2": [], "weight_km2": []})
    minx, miny, maxx, maxy = shapely.total_bounds(polys)
    xs = np.arange(math.floor(minx / cell) * cell + cell / 2, maxx, cell)
    ys = np.arange(math.floor(miny / cell) * cell + cell / 2, maxy, cell)
    mesh_x, mesh_y = np.meshgrid(xs, ys)
    gx, gy = mesh_x.ravel(), mesh_y.ravel()

    tree = shapely.STRtree(polys)
    cand = shapely.points(gx, gy)
    pt_idx, poly_idx = tree.query(cand, predicate="intersects")
    # unique assignment: first polygon (lowest row) for centres on shared edges
    order = np.lexsort((poly_idx, pt_idx))
    pt_idx, poly_idx = pt_idx[order], poly_idx[order]
    first = np.ones(len(pt_idx), dtype=bool)
    first[1:] = pt_idx[1:] != pt_idx[:-1]
    pt_idx, poly_idx = pt_idx[first], poly_idx[first]

    x, y, owner = gx[pt_idx], gy[pt_idx], poly_idx
    counts = np.bincount(owner, minlength=len(polys))
    empty = np.flatnonzero((counts == 0) & ~shapely.is_empty(polys))
    if len(empty):
        rp = shapely.get_coordinates(shapely.point_on_surface(polys[empty]))
        x = np.concatenate([x, rp[:, 0]])
        y = np.concatenate([y, rp[:, 1]])
        owner = np.concatenate([owner, empty])
        counts = np.bincount(owner, minlength=len(polys))
    order = np.lexsort((x, y, owner))  # by subdistrict, then row-major
    x, y, owner = x[order], y[order], owner[order]
    weight = areas_km2[owner] / counts[owner]
    return pd.DataFrame(
        {
            "x": x,
            "y": y,
            "code": codes.to_numpy()[owner].astype(str),
            "cell_km2": np.full(len(x), cell * cell / 1e6),
            "weight_km2": weight,
        }
    )


# --------------------------------------------------------------------------- geometry


def coverage_union(points_xy: NDArray[np.float64], r_eff: float, quad_segs: int = QUAD_SEGS) -> BaseGeometry:
    """Union of the circles of radius ``r_eff`` (metres) around metric points."""
    if len(points_xy) == 0:
        return shapely.Polygon()
    buffers = shapely.buffer(shapely.points(points_xy), r_eff, quad_segs=quad_segs)
    return shapely.union_all(buffers)


def covered_area_km2(polys: NDArray[np.object_], union: BaseGeometry) -> NDArray[np.float64]:
    """Exact area (km²) of each polygon inside ``union`` (vectorised GEOS overlay)."""
    if shapely.is_empty(union):
        return np.zeros(len(polys))
    shapely.prepare(union)
    inside = shapely.contains(union, polys)  # fully covered: no overlay needed
    out = np.zeros(len(polys))
    out[inside] = shapely.area(polys[inside])
    rest = np.flatnonzero(~inside & shapely.intersects(union, polys))
    if len(rest):
        out[rest] = shapely.area(shapely.intersection(polys[rest], union))
    return out / 1e6


# --------------------------------------------------------------------------- population


def population(subdistricts: gpd.GeoDataFrame, column: str) -> pd.Series:
    codes = _codes(subdistricts)
    if column not in subdistricts.columns:
        return pd.Series(np.nan, index=codes, name=column)
    v = pd.to_numeric(subdistricts[column], errors="coerce").to_numpy(dtype=float)
    v = np.where(np.isfinite(v) & (v >= 0), v, np.nan)
    return pd.Series(v, index=codes, name=column)


def population_basis(subdistricts: gpd.GeoDataFrame) -> str | None:
    """Column used to weight by population: pop_60plus if any value, else pop_total."""
    for col in POP_COLUMNS:
        if population(subdistricts, col).notna().any():
            return col
    return None


@dataclass(frozen=True)
class Unavailable:
    """Why a population metric cannot be computed (the views put it into words).

    ``reason`` is ``"no_population"`` (no figures at all: none per subdistrict were
    published, so a user must supply them) or ``"partial_population"`` (``n_missing`` of
    ``n_total`` subdistricts lack figures); ``columns`` names the columns looked at.
    """

    reason: str
    columns: tuple[str, ...]
    n_missing: int
    n_total: int


def unavailable_metrics(subdistricts: gpd.GeoDataFrame) -> dict[str, Unavailable]:
    """{metric: why} for population metrics that cannot be computed.

    A metric is listed when its population column is absent or all NaN, or when some
    subdistricts lack figures. An empty dict means every metric is available.
    """
    n_total = len(subdistricts)
    out: dict[str, Unavailable] = {}
    needs = {
        "points_per_10k_60plus": ("pop_60plus",),
        "pop_weighted_covered_share": POP_COLUMNS,
    }
    for metric, cols in needs.items():
        if metric == "pop_weighted_covered_share":
            basis = population_basis(subdistricts)
            cols_used = (basis,) if basis else cols
        else:
            cols_used = cols
        n_missing = int(population(subdistricts, cols_used[0]).isna().sum())
        if n_total and n_missing == n_total:
            out[metric] = Unavailable("no_population", tuple(cols_used), n_missing, n_total)
        elif n_missing:
            out[metric] = Unavailable("partial_population", tuple(cols_used), n_missing, n_total)
    return out


# --------------------------------------------------------------------------- point assignment


def assign_points(
    subdistricts: gpd.GeoDataFrame,
    points: gpd.GeoDataFrame | None,
    assign: str = "auto",
    metric_crs: str = METRIC_CRS,
) -> pd.Series:
    """Subdistrict code of every point (NaN when outside all subdistricts).

    ``assign="auto"``: a valid ``subdistrict_code`` on the point wins (the
    official assignment; the default subdistrict boundaries are schematic),
    otherwise the subdistrict containing the point (tested in ``metric_crs``;
    a point on a shared edge goes to the first subdistrict in row order).
    ``"spatial"``: always the containing subdistrict.  ``"code"``: only the
    ``subdistrict_code`` column.
    """
    if assign not in ("auto", "spatial", "code"):
        raise ValueError("assign must be 'auto', 'spatial' or 'code'")
    if points is None or len(points) == 0:
        return pd.Series([], dtype=object)
    codes = _codes(subdistricts)
    result = pd.Series(np.nan, index=points.index, dtype=object)
    if assign in ("auto", "code") and "subdistrict_code" in points.columns:
        given = points["subdistrict_code"]
        valid = given.notna() & given.astype(str).isin(set(codes))
        result[valid] = given[valid].astype(str)
    if assign in ("auto", "spatial"):
        todo = result.isna().to_numpy()
        if todo.any():
            sm = _in_crs(subdistricts[[subdistricts.geometry.name]], metric_crs)
            polys = np.asarray(sm.geometry.values)
            pm = _in_crs(points[[points.geometry.name]], metric_crs).geometry.values
            idx = np.flatnonzero(todo)
            pi, si = shapely.STRtree(polys).query(np.asarray(pm)[idx], predicate="intersects")
            # first subdistrict for points on a shared edge
            keep = np.ones(len(pi), dtype=bool)
            order = np.lexsort((si, pi))
            pi, si = pi[order], si[order]
            keep[1:] = pi[1:] != pi[:-1]
            result.iloc[idx[pi[keep]]] = codes.to_numpy()[si[keep]]
    return result


# --------------------------------------------------------------------------- metrics


def nearest_distance(xy: NDArray[np.float64], points_xy: NDArray[np.float64]) -> NDArray[np.float64]:
    """Distance (metres) from each of the ``(n, 2)`` positions ``xy`` to the nearest of
    ``points_xy`` (cKDTree, exact); NaN everywhere when there are no points."""
    if len(points_xy) == 0:
        return np.full(len(xy), np.nan)
    dist, _ = cKDTree(points_xy).query(xy, k=1)
    return np.asarray(dist, dtype=float)


def unit_metrics(
    codes: pd.Index[str],
    polys: NDArray[np.object_],
    n_points: NDArray[np.integer[Any]],
    union: BaseGeometry,
    cell_code: NDArray[np.str_] | NDArray[np.object_],
    cell_dist: NDArray[np.float64],
    r_eff: float,
) -> pd.DataFrame:
    """The metrics of each unit from its pieces: the one computation behind
    :func:`subdistrict_metrics` and the batch runs of :mod:`geo.core.batch`.

    ``codes`` and ``polys`` (metric polygons) are the units; ``n_points`` their counts;
    ``union`` the union of the circles (:func:`coverage_union`) around every point that
    can reach them; ``cell_code`` and ``cell_dist`` each demand cell's unit and distance
    to the nearest point anywhere (NaN without points), cells in the order of
    :func:`demand_grid`.  Returns the columns ``n_points``, ``area_km2``,
    ``points_per_10km2``, ``covered_share``, ``mean_dist_m``, ``p90_dist_m`` (see
    :func:`subdistrict_metrics`) and ``cell_covered_share``: the share of the unit's
    cells whose centre is within ``r_eff`` (what a population spread uniformly over
    the cells would give; :func:`with_population`).
    """
    area_km2 = shapely.area(polys) / 1e6
    covered_km2 = covered_area_km2(polys, union)
    with np.errstate(divide="ignore", invalid="ignore"):
        covered_share = np.where(area_km2 > 0, covered_km2 / area_km2, np.nan)

    g = pd.DataFrame({"code": cell_code, "d": cell_dist, "in": cell_dist <= r_eff})
    grp = g.groupby("code", sort=False)["d"]
    mean_d = grp.mean().reindex(codes)
    p90_d = grp.quantile(0.9).reindex(codes)
    cell_cov = g.groupby("code", sort=False)["in"].mean().reindex(codes).astype(float)

    df = pd.DataFrame(index=codes)
    df["n_points"] = n_points
    df["area_km2"] = area_km2
    with np.errstate(divide="ignore", invalid="ignore"):
        df["points_per_10km2"] = np.where(area_km2 > 0, df["n_points"] / area_km2 * 10, np.nan)
    df["covered_share"] = np.clip(covered_share, 0.0, 1.0)
    df["mean_dist_m"] = mean_d.to_numpy(dtype=float)
    df["p90_dist_m"] = p90_d.to_numpy(dtype=float)
    df["cell_covered_share"] = cell_cov.to_numpy()
    return df


def with_population(
    metrics: pd.DataFrame, pop_60plus: NDArray[np.float64], pop_basis: NDArray[np.float64] | None
) -> pd.DataFrame:
    """The population columns from figures per unit (the page's rule), replacing
    ``cell_covered_share`` of :func:`unit_metrics`.

    ``pop_60plus``: residents aged 60+ per unit (NaN = unknown);
    ``points_per_10k_60plus = n_points / pop_60plus * 10,000`` where it is > 0.
    ``pop_basis``: the figures of the population basis per unit
    (:func:`population_basis`; None when there is none): the population is spread
    uniformly over the unit's demand cells, so ``pop_weighted_covered_share`` is
    ``cell_covered_share`` where the figure is known, NaN elsewhere.
    """
    df = metrics.drop(columns="cell_covered_share")
    with np.errstate(divide="ignore", invalid="ignore"):
        df["points_per_10k_60plus"] = np.where(pop_60plus > 0, df["n_points"] / pop_60plus * 1e4, np.nan)
    if pop_basis is None:
        df["pop_weighted_covered_share"] = np.nan
    else:
        cell_cov = metrics["cell_covered_share"].to_numpy()
        df["pop_weighted_covered_share"] = np.where(np.isfinite(pop_basis), cell_cov, np.nan)
    return df


def subdistrict_metrics(
    subdistricts: gpd.GeoDataFrame,
    points: gpd.GeoDataFrame | None,
    radius_m: float = 500,
    mode: str = "straight",
    cell_m: float = 100,
    assign: str = "auto",
    quad_segs: int = QUAD_SEGS,
    metric_crs: str = METRIC_CRS,
) -> pd.DataFrame:
    """Per-subdistrict metrics (DataFrame indexed by ``code``, input row order).

    ``n_points``          meal points in the subdistrict (see ``assign``:
                          ``subdistrict_code`` on the point first, otherwise
                          the containing polygon)
    ``area_km2``          exact polygon area in ``metric_crs``
    ``points_per_10km2``  ``n_points / area_km2 * 10``
    ``covered_share``     area(polygon ∩ union of circles) / area(polygon),
                          exact polygon overlay in metres; circles of the
                          effective radius around *all* points
    ``mean_dist_m``       mean straight-line distance from the subdistrict's
                          demand-cell centres (``cell_m`` grid) to the nearest
                          meal point anywhere (cKDTree); NaN with no points
    ``p90_dist_m``        90th percentile of the same (linear interpolation)
    ``points_per_10k_60plus``  ``n_points / pop_60plus * 10,000``; NaN where
                          ``pop_60plus`` is missing
    ``pop_weighted_covered_share``  APPROXIMATION: population (pop_60plus, or
                          pop_total when no pop_60plus is given) is spread
                          uniformly over the subdistrict's demand cells, and the
                          share of it in cells whose centre lies within the
                          effective radius is reported.  With a uniform spread
                          it is the grid estimate of ``covered_share``; NaN
                          where the population is missing.  See
                          :func:`unavailable_metrics` for the reasons.

    Everything is measured in ``metric_crs`` (default :data:`METRIC_CRS`).  The
    pieces are computed here and combined by :func:`unit_metrics` and
    :func:`with_population`, which the batch runs share (:mod:`geo.core.batch`).
    """
    r_eff = effective_radius(radius_m, mode)
    codes = _codes(subdistricts)
    sm = _in_crs(subdistricts[[subdistricts.geometry.name]], metric_crs)
    polys = np.asarray(sm.geometry.values)

    assigned = assign_points(subdistricts, points, assign, metric_crs)
    n_points = assigned.dropna().value_counts().reindex(codes, fill_value=0).astype(int)

    pxy = point_xy(points, metric_crs)
    union = coverage_union(pxy, r_eff, quad_segs)
    grid = demand_grid(subdistricts, cell_m, metric_crs)
    dist = nearest_distance(grid[["x", "y"]].to_numpy(), pxy)
    df = unit_metrics(codes, polys, n_points.to_numpy(), union, grid["code"].to_numpy(), dist, r_eff)

    pop60 = population(subdistricts, "pop_60plus").to_numpy()
    basis = population_basis(subdistricts)
    pop = None if basis is None else population(subdistricts, basis).to_numpy()
    return with_population(df, pop60, pop)


def rank_direction(metric: str) -> str:
    """ "desc" when higher is better (rank 1 = largest), "asc" when lower is
    better (distances: rank 1 = shortest); raises for unranked metrics."""
    hib = METRICS[metric].higher_is_better
    if hib is None:
        raise ValueError(f"{metric} is descriptive and not ranked")
    return "desc" if hib else "asc"


def rank_metrics(df: pd.DataFrame, metrics: Iterable[str] | None = None) -> pd.DataFrame:
    """Copy of ``df`` with a ``rank_<metric>`` column per rankable metric.

    Rank 1 is the best subdistrict: largest value for metrics with
    ``higher_is_better=True`` (counts, densities, shares), smallest for
    ``higher_is_better=False`` (distances).  Ties share the best rank
    ("min"); NaN values get no rank (<NA>).  ``area_km2`` is not ranked.
    """
    out = df.copy()
    if metrics is None:
        metrics = [m for m, d in METRICS.items() if d.higher_is_better is not None and m in df]
    for m in metrics:
        asc = rank_direction(m) == "asc"
        out[f"rank_{m}"] = df[m].rank(method="min", ascending=asc, na_option="keep").astype("Int64")
    return out


class DistrictSummary(TypedDict):
    """The district-level figures of :func:`district_summary` (a plain dict at run time)."""

    radius_m: float
    mode: str
    effective_radius_m: float
    total_area_km2: float
    covered_area_km2: float
    covered_share: float
    subdistricts_with_points: int
    subdistricts_total: int
    subdistricts_with_points_share: float
    points_total: int
    points_inside: int
    pop_weighted_covered_share: float
    population_basis: str | None
    population_subdistricts_known: int


def district_summary(
    subdistricts: gpd.GeoDataFrame,
    points: gpd.GeoDataFrame | None,
    radius_m: float = 500,
    mode: str = "straight",
    cell_m: float = 100,
    metrics: pd.DataFrame | None = None,
    assign: str = "auto",
) -> DistrictSummary:
    """District-level figures.

    Keys: ``radius_m``, ``mode``, ``effective_radius_m``, ``total_area_km2``,
    ``covered_area_km2``, ``covered_share`` (of the district area within the
    effective radius of any point), ``subdistricts_with_points`` and
    ``subdistricts_total`` (the policy KPI "subdistricts with >= 1 meal point"),
    ``subdistricts_with_points_share``, ``points_total``, ``points_inside``
    (points assigned to a subdistrict), ``pop_weighted_covered_share``
    (subdistricts weighted by population; over the subdistricts with figures,
    NaN when none) and ``population_subdistricts_known``.

    ``metrics``: the output of :func:`subdistrict_metrics` for the same
    arguments, to avoid recomputing it.
    """
    if metrics is None:
        metrics = subdistrict_metrics(subdistricts, points, radius_m, mode, cell_m, assign)
    total = float(metrics["area_km2"].sum())
    covered = float((metrics["covered_share"] * metrics["area_km2"]).sum())
    n_with = int((metrics["n_points"] > 0).sum())
    basis = population_basis(subdistricts)
    pw, known = float("nan"), 0
    if basis is not None:
        pop = population(subdistricts, basis).reindex(metrics.index)
        ok = pop.notna() & metrics["pop_weighted_covered_share"].notna()
        known = int(ok.sum())
        if known and pop[ok].sum() > 0:
            pw = float((pop[ok] * metrics.loc[ok, "pop_weighted_covered_share"]).sum() / pop[ok].sum())
    return {
        "radius_m": float(radius_m),
        "mode": mode,
        "effective_radius_m": effective_radius(radius_m, mode),
        "total_area_km2": total,
        "covered_area_km2": covered,
        "covered_share": covered / total if total > 0 else float("nan"),
        "subdistricts_with_points": n_with,
        "subdistricts_total": len(metrics),
        "subdistricts_with_points_share": n_with / len(metrics) if len(metrics) else float("nan"),
        "points_total": int(0 if points is None else len(points)),
        "points_inside": int(metrics["n_points"].sum()),
        "pop_weighted_covered_share": pw,
        "population_basis": basis,
        "population_subdistricts_known": known,
    }


def gap_geometry(
    subdistricts: gpd.GeoDataFrame,
    points: gpd.GeoDataFrame | None,
    radius_m: float = 500,
    mode: str = "straight",
    simplify_m: float = 2.0,
    quad_segs: int = QUAD_SEGS,
) -> BaseGeometry:
    """Area of the district farther than the effective radius from every point.

    District union minus the union of circles, computed in metres, simplified
    with a ``simplify_m`` tolerance (2 m: light, keeps areas within ~0.01 %)
    and returned as a shapely geometry in EPSG:4326 (possibly empty).
    """
    r_eff = effective_radius(radius_m, mode)
    sm = to_metric(subdistricts[[subdistricts.geometry.name]])
    district = shapely.union_all(np.asarray(sm.geometry.values))
    union = coverage_union(point_xy(points), r_eff, quad_segs)
    gap = shapely.difference(district, union) if not shapely.is_empty(union) else district
    if simplify_m and simplify_m > 0:
        gap = shapely.simplify(gap, simplify_m, preserve_topology=True)
    if shapely.is_empty(gap):
        return shapely.Polygon()
    return shapely.transform(gap, lambda c: xy_to_lonlat(c))


# --------------------------------------------------------------------------- what-if


def with_extra_points(points: gpd.GeoDataFrame | None, extra_lonlat: Sequence[Sequence[float]]) -> gpd.GeoDataFrame:
    """Copy of ``points`` (EPSG:4326) with hypothetical points appended.

    ``extra_lonlat``: iterable of (lon, lat).  New rows get ids ``whatif-1``,
    ``whatif-2``, ... (numbering continues after existing ``whatif-n`` ids),
    ``is_whatif=True`` and no ``subdistrict_code`` (they are assigned to the
    subdistrict that contains them).
    """
    extra = np.asarray(list(extra_lonlat), dtype=float).reshape(-1, 2)
    if not np.isfinite(extra).all():
        raise ValueError("extra points must have finite coordinates")
    if ((extra[:, 0] < -180) | (extra[:, 0] > 180) | (extra[:, 1] < -90) | (extra[:, 1] > 90)).any():
        raise ValueError("extra points must be (lon, lat) in degrees")
    if points is None:
        points = gpd.GeoDataFrame({"id": pd.Series([], dtype=str)}, geometry=[], crs=WGS84)
    base = points.set_crs(WGS84) if points.crs is None else points.to_crs(WGS84)
    base = base.copy()
    if "is_whatif" not in base.columns:
        base["is_whatif"] = False
    start = 0
    if "id" in base.columns and len(base):
        ids = base["id"].astype(str)
        nums = pd.to_numeric(ids.str.extract(r"^whatif-(\d+)$")[0], errors="coerce")
        if nums.notna().any():
            start = int(nums.max())
    new = gpd.GeoDataFrame(
        {
            "id": [f"whatif-{start + i + 1}" for i in range(len(extra))],
            "is_whatif": True,
        },
        geometry=shapely.points(extra),
        crs=WGS84,
    )
    if base.geometry.name != "geometry":
        new = new.rename_geometry(base.geometry.name)
    if len(new) == 0:
        return base
    if len(base) == 0:
        return new
    out = pd.concat([base, new], ignore_index=True)
    return gpd.GeoDataFrame(out, geometry=base.geometry.name, crs=WGS84)


def compare(before_df: pd.DataFrame, after_df: pd.DataFrame) -> pd.DataFrame:
    """Per-metric change between two :func:`subdistrict_metrics` results.

    Columns ``<metric>_before``, ``<metric>_after``, ``<metric>_delta``
    (after - before) and ``<metric>_improved`` (True when the change is in the
    metric's better direction, False when worse, <NA> when unchanged or
    unknown) for every metric of :data:`METRICS` present in both frames.
    """
    idx = before_df.index.union(after_df.index, sort=False)
    b, a = before_df.reindex(idx), after_df.reindex(idx)
    out = pd.DataFrame(index=idx)
    for m, d in METRICS.items():
        if m not in b.columns or m not in a.columns:
            continue
        bv = b[m].astype(float)
        av = a[m].astype(float)
        delta = av - bv
        out[f"{m}_before"] = bv
        out[f"{m}_after"] = av
        out[f"{m}_delta"] = delta
        if d.higher_is_better is not None:
            sign = 1.0 if d.higher_is_better else -1.0
            imp = pd.Series(pd.NA, index=idx, dtype="boolean")
            s = sign * delta
            imp[s > 1e-12] = True
            imp[s < -1e-12] = False
            out[f"{m}_improved"] = imp
    return out
