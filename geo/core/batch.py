"""Coverage metrics for a province or a nation: many units (townships), many meal points,
run in partitions in one process or on a dask cluster, equal to the coverage page.

The question is the coverage page's (:func:`geo.core.coverage.subdistrict_metrics`): how
much of each unit, and of its people, is within R of a meal point.  Here the units may be
every township of a country; no step holds the whole demand grid, and every unit's figures
are computed by the page's own :func:`~geo.core.coverage.unit_metrics` from pieces that
are exact whatever the partitioning.  The rules that make them exact:

Metric CRS (per unit)
    A unit is measured in the UTM zone of its representative point
    (``shapely.point_on_surface`` in lon/lat): zone ``floor((lon + 180) / 6) + 1``,
    EPSG 326zz north of the equator, 327zz south (:func:`utm_epsg`; the Norway and
    Svalbard exceptions are not applied).  The zone is a property of the unit, not of a
    partition, so partitioning cannot change it; each output row records it (``crs``).
    The bundled district lies in zone 51 (EPSG:32651, the page's ``METRIC_CRS``).

Partitioning
    Units are ordered by (zone, Hilbert distance of their representative point over the
    lon/lat bounds of all units, level 16, input row) and cut into ``n`` contiguous runs
    of about equal estimated cell count (:func:`plan_partitions`), so a partition normally
    holds one zone; the zones each partition used are recorded.  Inside a partition the
    units of one zone are processed in blocks of about ``block_cells`` demand cells, so
    memory is bounded by the block, not by the partition or the run.

Demand cells
    The lattice of the page: centres ``((k + 0.5) * cell_m, (j + 0.5) * cell_m)`` in the
    unit's zone CRS, strictly west and south of the east and north edges of the bounding
    box of all units of that zone (as :func:`~geo.core.coverage.demand_grid` stops at its
    total bounds).  They are generated per unit over the unit's own bounds, in bands of at
    most :data:`CHUNK_CELLS` centres (:func:`unit_cells`), never for the whole grid.  A
    centre in several units (on a shared edge) goes to the unit first in the *global* input
    order: each partition is given, besides its units, every unit of lower input row whose
    envelope touches one of its units (the only units that can take a centre or a point
    from them).  A unit that holds no centre gets one cell at its representative point.

Halo (which points a block sees)
    Points are selected in the block's zone CRS inside the bounding box of its units grown
    by a halo ``H`` on every side.  *Covered share*: the union of the circles of radius
    ``r_eff`` around the points within the box grown by ``r_eff``, overlaid exactly on each
    unit: a circle that reaches a unit has its centre within ``r_eff`` of the unit, hence in
    that box, so the union over the unit is the page's union over all points.
    *Mean / p90 distance*: ``H`` starts at the largest ``r_eff``; a cell whose nearest point
    in the box grown by ``H`` is at ``d <= H`` is exact (a nearer point would lie within
    ``d`` of the cell, inside the box grown by ``H``).  While cells remain unsettled, ``H``
    becomes ``max(2 H, largest unsettled d)`` (``2 H`` when no point was found at all), and
    those cells are queried again; with ``H`` at least every unsettled ``d``, the next round
    settles them all, and once the box holds every point every distance is exact.
    *Counts and population*: points and population points inside the box itself.

Counts
    A point whose ``unit_code`` names a unit is counted there (counted once, globally, before
    partitioning); any other point is counted in the unit that contains it, first unit in
    input order on a shared edge: the page's :func:`~geo.core.coverage.assign_points`.

Population
    From population points (or cell centroids) with ``pop_60plus`` and/or ``pop_total``:
    each point goes to the unit containing it (first in input order on a shared edge);
    ``pop_weighted_covered_share`` is the weight within ``r_eff`` of a meal point over the
    unit's weight (NaN where the unit has none): exact for the given points.  Without them,
    ``pop_60plus`` / ``pop_total`` on the units themselves are spread uniformly over each
    unit's demand cells, the page's rule (:func:`~geo.core.coverage.with_population`);
    without either, the population columns are NaN.  "Within ``r_eff``" is the true circle
    (nearest-point distance ``<= r_eff``), like the cells; ``covered_share`` uses the page's
    64-gon circles.

Equality: counts, cells and distances are computed as the page's function does in the
unit's zone (the same projected coordinates, the same order of summation): across
partitionings and engines the tests find them bit for bit equal; covered shares differ only
by the rounding of the overlay (~1e-16).  Limits: units
must not cross the antimeridian; a distance to a point several zones away is measured in
the unit's zone (it matters only when the nearest meal point is that far).

Engines: :func:`run_local` runs the partitions one after another in this process (one
partition by default; no dask).  :func:`run_dask` runs them on a dask.distributed cluster:
an existing one (``scheduler`` address) or a ``LocalCluster`` sized to the machine that is
started and closed here; the point arrays are scattered to every worker once.
"""

from __future__ import annotations

import importlib.util
import math
import os
import socket
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, cast

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from numpy.typing import NDArray
from pyproj import Transformer

from geo.core import coverage as cv
from geo.core.distance import WGS84

__all__ = [
    "BLOCK_CELLS",
    "CHUNK_CELLS",
    "ENGINES",
    "METRIC_COLUMNS",
    "BatchInputs",
    "BatchParams",
    "BatchResult",
    "DaskUnavailableError",
    "Partition",
    "PartitionInfo",
    "PartitionResult",
    "PartitionTask",
    "PointArrays",
    "PopulationArrays",
    "RunStart",
    "dask_client",
    "dask_missing",
    "default_partitions",
    "partition_tasks",
    "plan_partitions",
    "points_near",
    "prepare_inputs",
    "run_dask",
    "run_local",
    "run_partition",
    "unit_cells",
    "unit_zones",
    "utm_epsg",
]

#: Lattice centres generated at once for one unit; a larger unit is walked in bands of rows.
CHUNK_CELLS = 2_000_000
#: Demand cells per block: a partition's units of one zone are processed in blocks of about
#: this many cells (a single larger unit is a block of its own).
BLOCK_CELLS = 1_000_000
#: Engines of :func:`geo.core.batch` runs.
ENGINES = ("local", "dask")
#: The metric columns of a batch row: the page's (geo.core.coverage.METRICS, in its order),
#: after ``n_cells`` (demand cells of the unit).
METRIC_COLUMNS = ("n_cells", *cv.METRICS)
#: Units per partition below which more partitions only add overhead (default_partitions).
UNITS_PER_PARTITION = 20
#: Partitions per worker by default: enough to balance uneven partitions.
PARTITIONS_PER_WORKER = 4

_LONLAT_MARGIN = 0.01  # degrees added around a box's lon/lat bounds before the exact metric test
_ENVELOPE_EPS = 1e-6  # degrees: envelopes this close count as touching (neighbour candidates)
_ALL_POINTS_HALO_M = 3_000_000.0  # beyond this halo the lon/lat pre-selection is skipped

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
Box = tuple[float, float, float, float]


class DaskUnavailableError(RuntimeError):
    """The dask engine was asked for but dask.distributed is not installed."""

    def __init__(self, module: str) -> None:
        super().__init__(f"the dask engine needs the package {module!r} (pip install dask distributed)")
        self.module = module


# --------------------------------------------------------------------------- parameters and inputs


@dataclass(frozen=True)
class BatchParams:
    """What a run computes: radii (metres, straight line or walking), the demand-cell size,
    the circle polygons' ``quad_segs`` and the block size.  Raises ``ValueError`` on bad values."""

    radii_m: tuple[float, ...]
    mode: str = "straight"
    cell_m: float = 100.0
    quad_segs: int = cv.QUAD_SEGS
    block_cells: int = BLOCK_CELLS

    def __post_init__(self) -> None:
        if not self.radii_m:
            raise ValueError("at least one radius is needed")
        for r in self.radii_m:
            cv.effective_radius(r, self.mode)  # raises for a bad radius or mode
        if len(set(self.radii_m)) != len(self.radii_m):
            raise ValueError(f"radii must be distinct, got {self.radii_m}")
        if not (math.isfinite(self.cell_m) and self.cell_m > 0):
            raise ValueError(f"cell_m must be a positive number, got {self.cell_m!r}")
        if self.quad_segs < 1:
            raise ValueError(f"quad_segs must be >= 1, got {self.quad_segs}")
        if self.block_cells < 1:
            raise ValueError(f"block_cells must be >= 1, got {self.block_cells}")

    @property
    def r_eff(self) -> tuple[float, ...]:
        """The straight-line radius of each radius (:func:`geo.core.coverage.effective_radius`)."""
        return tuple(cv.effective_radius(r, self.mode) for r in self.radii_m)


@dataclass(frozen=True)
class PointArrays:
    """Meal points as plain arrays, what every worker receives once.

    ``uncoded``: True for a point counted by containment (its unit code names no unit)."""

    lon: FloatArray
    lat: FloatArray
    uncoded: NDArray[np.bool_]

    def __len__(self) -> int:
        return len(self.lon)


@dataclass(frozen=True)
class PopulationArrays:
    """Population points (or cell centroids) with their weights.

    ``w60``: residents aged 60+ (None when not given); ``wbasis``: the weights of
    ``pop_weighted_covered_share``, from the column named ``basis``."""

    lon: FloatArray
    lat: FloatArray
    w60: FloatArray | None
    wbasis: FloatArray
    basis: str

    def __len__(self) -> int:
        return len(self.lon)


@dataclass(frozen=True)
class BatchInputs:
    """Everything a run needs, prepared once by :func:`prepare_inputs` (unit arrays in
    input order; index ``i`` is the unit's global position, which breaks ties)."""

    codes: NDArray[np.object_]
    geoms: NDArray[np.object_]  # lon/lat polygons
    epsg: IntArray
    hilbert: NDArray[np.uint64]
    est_cells: FloatArray
    code_counts: IntArray  # meal points counted by their unit code
    extents: dict[int, tuple[float, float]]  # zone EPSG -> (max x, max y) of its units
    points: PointArrays
    population: PopulationArrays | None
    unit_pop60: FloatArray | None  # population on the units (page rule), when no points
    unit_pop_basis: FloatArray | None
    population_source: str  # "points", "units" or "none"
    population_basis: str | None
    cell_m: float

    @property
    def n_units(self) -> int:
        return len(self.codes)


def utm_epsg(lon: FloatArray, lat: FloatArray) -> IntArray:
    """EPSG code of the UTM zone of each (lon, lat): 326zz north of the equator (lat >= 0),
    327zz south, zone ``floor((lon + 180) / 6) + 1`` (1-60; 180°E is zone 60).

    >>> utm_epsg(np.array([121.7, 119.9, 30.0]), np.array([39.1, 41.0, -1.0])).tolist()
    [32651, 32650, 32736]
    """
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    if not (np.isfinite(lon).all() and np.isfinite(lat).all()):
        raise ValueError("longitudes and latitudes must be finite")
    if ((lon < -180) | (lon > 180) | (lat < -90) | (lat > 90)).any():
        raise ValueError("positions must be (lon, lat) in degrees")
    zone = np.clip(np.floor((lon + 180.0) / 6.0).astype(np.int64) + 1, 1, 60)
    return np.where(lat >= 0, 32600 + zone, 32700 + zone).astype(np.int64)


def unit_zones(geoms: NDArray[np.object_]) -> IntArray:
    """UTM EPSG code of each lon/lat polygon: the zone of its representative point."""
    if len(geoms) == 0:
        return np.empty(0, dtype=np.int64)
    rep = shapely.get_coordinates(shapely.point_on_surface(geoms))
    return utm_epsg(rep[:, 0], rep[:, 1])


def _in_wgs84(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    return gdf.set_crs(WGS84) if gdf.crs is None else gdf.to_crs(WGS84)


def _unit_code_column(points: gpd.GeoDataFrame) -> str | None:
    for col in ("unit_code", "subdistrict_code"):
        if col in points.columns:
            return col
    return None


def _lonlat(gdf: gpd.GeoDataFrame, what: str) -> tuple[FloatArray, FloatArray]:
    geom = np.asarray(gdf.geometry.values)
    if (shapely.is_missing(geom) | shapely.is_empty(geom)).any():
        raise ValueError(f"{what} must not have missing or empty geometries")
    kinds = set(shapely.get_type_id(geom).tolist())
    if what == "population" and kinds <= {3, 6}:  # cells: their centroids
        geom = shapely.centroid(geom)
    elif not kinds <= {0}:
        raise ValueError(f"{what} must be points")
    xy = shapely.get_coordinates(geom)
    return xy[:, 0].astype(float), xy[:, 1].astype(float)


def _population_arrays(population: gpd.GeoDataFrame) -> PopulationArrays:
    pop = _in_wgs84(population)
    lon, lat = _lonlat(pop, "population")
    cols = [c for c in cv.POP_COLUMNS if c in pop.columns]
    if not cols:
        raise ValueError(f"population needs a column {' or '.join(cv.POP_COLUMNS)}")
    w: dict[str, FloatArray] = {}
    for c in cols:
        v = pd.to_numeric(pop[c], errors="coerce").to_numpy(dtype=float)
        if not (np.isfinite(v).all() and (v >= 0).all()):
            raise ValueError(f"population column {c} must hold finite numbers >= 0")
        w[c] = v
    basis = cols[0]  # POP_COLUMNS is in preference order: pop_60plus, then pop_total
    return PopulationArrays(lon, lat, w.get("pop_60plus"), w[basis], basis)


def prepare_inputs(
    units: gpd.GeoDataFrame,
    points: gpd.GeoDataFrame | None,
    population: gpd.GeoDataFrame | None = None,
    cell_m: float = 100.0,
) -> BatchInputs:
    """The arrays of a run, in input order.

    ``units``: polygons with a unique non-empty ``code`` (and optional ``pop_60plus`` /
    ``pop_total``, used when no ``population`` is given); ``points``: meal points with an
    optional ``unit_code`` (or ``subdistrict_code``); ``population``: points or cell
    polygons with ``pop_60plus`` and/or ``pop_total``.  Frames without a CRS are taken as
    WGS-84.  Raises ``ValueError`` for inputs a run cannot use (files are validated with
    messages per row by :mod:`geo.data.batch` first).
    """
    if len(units) == 0:
        raise ValueError("there are no units")
    units = _in_wgs84(units)
    codes_s = units["code"].astype(str).str.strip() if "code" in units.columns else None
    if codes_s is None or (codes_s == "").any() or units["code"].isna().any():
        raise ValueError("every unit needs a non-empty code")
    if codes_s.duplicated().any():
        raise ValueError("unit codes must be unique")
    codes = codes_s.to_numpy(dtype=object)
    geoms = np.asarray(units.geometry.values)
    if (shapely.is_missing(geoms) | shapely.is_empty(geoms)).any():
        raise ValueError("units must not have missing or empty geometries")
    if not set(shapely.get_type_id(geoms).tolist()) <= {3, 6}:
        raise ValueError("units must be polygons")
    epsg = unit_zones(geoms)
    rep = gpd.GeoSeries(shapely.point_on_surface(geoms), crs=WGS84)
    hilbert = rep.hilbert_distance(level=16).to_numpy().astype(np.uint64)

    cell = float(cell_m)
    if not (math.isfinite(cell) and cell > 0):
        raise ValueError(f"cell_m must be a positive number, got {cell_m!r}")
    est_cells = np.empty(len(geoms))
    extents: dict[int, tuple[float, float]] = {}
    for z in np.unique(epsg).tolist():
        m = epsg == z
        gs = gpd.GeoSeries(geoms[m], crs=WGS84).to_crs(f"EPSG:{z}")
        est_cells[m] = gs.area.to_numpy() / (cell * cell) + 1.0
        b = gs.total_bounds
        extents[int(z)] = (float(b[2]), float(b[3]))

    if points is None:
        points = gpd.GeoDataFrame(geometry=[], crs=WGS84)
    points = _in_wgs84(points)
    lon, lat = _lonlat(points, "points") if len(points) else (np.empty(0), np.empty(0))
    code_col = _unit_code_column(points)
    named = np.full(len(points), -1, dtype=np.int64)
    if code_col is not None and len(points):
        given = points[code_col]
        text = given.astype(str).str.strip().where(given.notna(), None)
        named = pd.Index(codes).get_indexer(text.to_numpy(dtype=object)).astype(np.int64)
    code_counts = np.bincount(named[named >= 0], minlength=len(codes)).astype(np.int64)
    pts = PointArrays(lon, lat, named < 0)

    pop_arrays = None
    unit_pop60: FloatArray | None = None
    unit_basis: FloatArray | None = None
    basis: str | None
    if population is not None:
        pop_arrays = _population_arrays(population)
        source, basis = "points", pop_arrays.basis
    else:
        basis = cv.population_basis(units)
        source = "none" if basis is None else "units"
        if basis is not None:
            unit_pop60 = cv.population(units, "pop_60plus").to_numpy()
            unit_basis = cv.population(units, basis).to_numpy()
    return BatchInputs(
        codes=codes,
        geoms=geoms,
        epsg=epsg,
        hilbert=hilbert,
        est_cells=est_cells,
        code_counts=code_counts,
        extents=extents,
        points=pts,
        population=pop_arrays,
        unit_pop60=unit_pop60,
        unit_pop_basis=unit_basis,
        population_source=source,
        population_basis=basis,
        cell_m=cell,
    )


# --------------------------------------------------------------------------- partitions


@dataclass(frozen=True)
class Partition:
    """One partition of a plan: its units (global positions, in plan order) and their zones."""

    index: int
    units: IntArray
    zones: tuple[int, ...]


def default_partitions(n_units: int, workers: int) -> int:
    """Partitions for a run: ``PARTITIONS_PER_WORKER`` per worker, but at least about
    ``UNITS_PER_PARTITION`` units each (and never more partitions than units)."""
    if n_units < 1 or workers < 1:
        raise ValueError("n_units and workers must be >= 1")
    return max(1, min(n_units // UNITS_PER_PARTITION, PARTITIONS_PER_WORKER * workers))


def plan_partitions(inputs: BatchInputs, n_partitions: int) -> list[Partition]:
    """Cut the units into ``min(n_partitions, n_units)`` non-empty partitions.

    Order: zone, then Hilbert distance, then input row; cuts at equal shares of the
    estimated cell count (``area / cell_m² + 1`` per unit).  Raises ``ValueError`` when
    ``n_partitions < 1``.
    """
    if int(n_partitions) != n_partitions or n_partitions < 1:
        raise ValueError(f"the number of partitions must be a whole number >= 1, got {n_partitions!r}")
    n = inputs.n_units
    k = min(int(n_partitions), n)
    order = np.lexsort((np.arange(n), inputs.hilbert, inputs.epsg))
    cum = np.cumsum(inputs.est_cells[order])
    cuts = [0]
    for i in range(1, k):
        c = int(np.searchsorted(cum, cum[-1] * i / k, side="right"))
        cuts.append(min(max(c, cuts[-1] + 1), n - (k - i)))
    cuts.append(n)
    parts = []
    for i in range(k):
        idx = order[cuts[i] : cuts[i + 1]].astype(np.int64)
        zones = tuple(int(z) for z in dict.fromkeys(inputs.epsg[idx].tolist()))
        parts.append(Partition(i, idx, zones))
    return parts


@dataclass(frozen=True)
class PartitionTask:
    """What one partition needs besides the point arrays.

    ``units`` (global positions, plan order) are computed; ``ids`` / ``geoms`` are those
    units and every unit of lower global position whose envelope touches one of them, in
    ascending global position (for ties); the other arrays are aligned with ``units``."""

    index: int
    units: IntArray
    codes: NDArray[np.object_]
    epsg: IntArray
    est_cells: FloatArray
    code_counts: IntArray
    pop60: FloatArray | None
    pop_basis: FloatArray | None
    ids: IntArray
    geoms: NDArray[np.object_]
    extents: dict[int, tuple[float, float]]


def partition_tasks(inputs: BatchInputs, plan: Sequence[Partition]) -> list[PartitionTask]:
    """The task of each partition, with the lower-position neighbours that break ties."""
    b = shapely.bounds(inputs.geoms)
    boxes = shapely.box(
        b[:, 0] - _ENVELOPE_EPS, b[:, 1] - _ENVELOPE_EPS, b[:, 2] + _ENVELOPE_EPS, b[:, 3] + _ENVELOPE_EPS
    )
    tree = shapely.STRtree(boxes)
    tasks = []
    for part in plan:
        u = part.units
        ti, j = tree.query(boxes[u])
        lower = j[j < u[ti]]
        ids = np.union1d(u, lower).astype(np.int64)
        zones = set(inputs.epsg[u].tolist())
        tasks.append(
            PartitionTask(
                index=part.index,
                units=u,
                codes=inputs.codes[u],
                epsg=inputs.epsg[u],
                est_cells=inputs.est_cells[u],
                code_counts=inputs.code_counts[u],
                pop60=None if inputs.unit_pop60 is None else inputs.unit_pop60[u],
                pop_basis=None if inputs.unit_pop_basis is None else inputs.unit_pop_basis[u],
                ids=ids,
                geoms=inputs.geoms[ids],
                extents={z: e for z, e in inputs.extents.items() if z in zones},
            )
        )
    return tasks


# --------------------------------------------------------------------------- demand cells


def _lattice(lo: float, hi: float, cell: float, stop: float) -> FloatArray:
    """Centres ``(k + 0.5) * cell`` with ``lo <= c <= hi`` and ``c < stop``."""
    k0 = math.floor(lo / cell - 0.5)
    k1 = math.ceil(hi / cell - 0.5)
    c = (np.arange(k0, k1 + 1, dtype=float) + 0.5) * cell
    return c[(c >= lo) & (c <= hi) & (c < stop)]


def unit_cells(
    poly: shapely.Geometry,
    cell_m: float,
    stop: tuple[float, float],
    lower: Sequence[shapely.Geometry] = (),
    chunk: int = CHUNK_CELLS,
) -> FloatArray:
    """Demand-cell centres ``(n, 2)`` of one metric polygon, row-major (by y, then x).

    The lattice centres ``(k + 0.5) * cell_m`` in the polygon (boundary included) with
    ``x < stop[0]`` and ``y < stop[1]``, minus those in any of ``lower`` (the units before
    it in input order), walked in bands of at most ``chunk`` centres.  A polygon that keeps
    no centre gets one at its representative point, as in
    :func:`geo.core.coverage.demand_grid`.
    """
    cell = float(cell_m)
    minx, miny, maxx, maxy = shapely.bounds(poly).tolist()
    xs = _lattice(minx, maxx, cell, stop[0])
    ys = _lattice(miny, maxy, cell, stop[1])
    shapely.prepare(poly)
    lows = [(g, shapely.bounds(g).tolist()) for g in lower]
    for g, _ in lows:
        shapely.prepare(g)
    parts: list[FloatArray] = []
    rows = max(1, int(chunk) // max(1, len(xs)))
    for start in range(0, len(ys), rows):
        mx, my = np.meshgrid(xs, ys[start : start + rows])
        x, y = mx.ravel(), my.ravel()
        keep = shapely.intersects_xy(poly, x, y)
        x, y = x[keep], y[keep]
        for g, (gx0, gy0, gx1, gy1) in lows:
            near = np.flatnonzero((x >= gx0) & (x <= gx1) & (y >= gy0) & (y <= gy1))
            if len(near):
                taken = near[shapely.intersects_xy(g, x[near], y[near])]
                if len(taken):
                    mask = np.ones(len(x), dtype=bool)
                    mask[taken] = False
                    x, y = x[mask], y[mask]
        parts.append(np.column_stack([x, y]))
    out = np.concatenate(parts) if parts else np.empty((0, 2))
    if len(out) == 0 and not shapely.is_empty(poly):
        out = shapely.get_coordinates(shapely.point_on_surface(poly))[:, :2]
    return out


# --------------------------------------------------------------------------- the halo


class _Halo:
    """Points near a metric box of one zone, selected exactly in that zone's CRS."""

    def __init__(self, lon: FloatArray, lat: FloatArray, epsg: int) -> None:
        self.lon, self.lat = lon, lat
        crs = f"EPSG:{epsg}"
        self._to_xy = Transformer.from_crs(WGS84, crs, always_xy=True)
        self._to_lonlat = Transformer.from_crs(crs, WGS84, always_xy=True)

    def select(self, box: Box, h: float) -> tuple[IntArray, FloatArray]:
        """Positions and metric coordinates of the points in ``box`` grown by ``h``
        (closed: a point exactly at the boundary is in)."""
        bx = (box[0] - h, box[1] - h, box[2] + h, box[3] + h)
        cand: IntArray | None = None
        if h < _ALL_POINTS_HALO_M:
            lon0, lat0, lon1, lat1 = self._to_lonlat.transform_bounds(*bx, densify_pts=21)
            if all(math.isfinite(v) for v in (lon0, lat0, lon1, lat1)) and lon0 <= lon1:
                m = _LONLAT_MARGIN
                cand = np.flatnonzero(
                    (self.lon >= lon0 - m) & (self.lon <= lon1 + m) & (self.lat >= lat0 - m) & (self.lat <= lat1 + m)
                ).astype(np.int64)
        if cand is None:
            cand = np.arange(len(self.lon), dtype=np.int64)
        x, y = self._to_xy.transform(self.lon[cand], self.lat[cand])
        x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        ok = (x >= bx[0]) & (x <= bx[2]) & (y >= bx[1]) & (y <= bx[3])
        return cand[ok], np.column_stack([x[ok], y[ok]])


def points_near(lon: FloatArray, lat: FloatArray, epsg: int, box: Box, h: float) -> tuple[IntArray, FloatArray]:
    """Positions and coordinates in ``EPSG:epsg`` of the lon/lat points inside the metric
    ``box`` (min x, min y, max x, max y) grown by ``h`` metres on every side, boundary
    included: the halo selection of a block."""
    return _Halo(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float), epsg).select(box, h)


def _inside(xy: FloatArray, box: Box, h: float) -> NDArray[np.bool_]:
    return (xy[:, 0] >= box[0] - h) & (xy[:, 0] <= box[2] + h) & (xy[:, 1] >= box[1] - h) & (xy[:, 1] <= box[3] + h)


def _nearest_exact(
    cells: FloatArray,
    box: Box,
    halo: _Halo,
    first: tuple[IntArray, FloatArray],
    h0: float,
    n_total: int,
) -> tuple[FloatArray, float]:
    """Distance from each cell (inside ``box``) to the nearest point anywhere, by the halo
    rule of the module docstring; NaN when there are no points.  ``first``: the selection
    of ``halo`` for ``h0``.  Returns the distances and the largest halo used."""
    d = np.full(len(cells), np.nan)
    todo = np.arange(len(cells))
    h = float(h0)
    idx, pxy = first
    while len(todo) and n_total:
        if len(idx) == 0:
            h = 2.0 * h if h > 0 else 1.0
            idx, pxy = halo.select(box, h)
            continue
        dd = cv.nearest_distance(cells[todo], pxy)
        ok = (dd <= h) | (len(idx) == n_total)
        d[todo[ok]] = dd[ok]
        if ok.all():
            break
        h = max(2.0 * h, float(dd[~ok].max()))
        todo = todo[~ok]
        idx, pxy = halo.select(box, h)
    return d, h


# --------------------------------------------------------------------------- one partition


@dataclass(frozen=True)
class PartitionInfo:
    """What a partition did: its units, zones, blocks, cells, largest halo, time and the
    peak resident memory of the process that ran it (MB; ``ru_maxrss``)."""

    index: int
    n_units: int
    zones: tuple[int, ...]
    n_blocks: int
    n_cells: int
    halo_max_m: float
    seconds: float
    peak_rss_mb: float
    worker: str


@dataclass(frozen=True)
class PartitionResult:
    """The rows of one partition (column ``unit``: global position) and what it did."""

    frame: pd.DataFrame
    info: PartitionInfo


def _peak_rss_mb() -> float:
    try:
        import resource
    except ImportError:  # not on this platform
        return float("nan")
    return float(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) / 1024.0


def _blocks(est: FloatArray, budget: int) -> list[IntArray]:
    """Consecutive runs of positions whose estimated cells sum to about ``budget``."""
    out: list[IntArray] = []
    start, acc = 0, 0.0
    for i, c in enumerate(est.tolist()):
        if i > start and acc + c > budget:
            out.append(np.arange(start, i, dtype=np.int64))
            start, acc = i, 0.0
        acc += c
    if len(est):
        out.append(np.arange(start, len(est), dtype=np.int64))
    return out


@dataclass
class _Zone:
    """The task's units projected into one zone, with a tree for neighbour look-ups."""

    epsg: int
    polys: NDArray[np.object_]
    tree: shapely.STRtree
    halo: _Halo
    pop_halo: _Halo | None
    stop: tuple[float, float]


@dataclass
class _Stats:
    n_blocks: int = 0
    n_cells: int = 0
    halo_max: float = 0.0
    frames: list[pd.DataFrame] = field(default_factory=list)


def _frame(gdf_ids: IntArray, geoms: NDArray[np.object_]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"code": gdf_ids.astype(str)}, geometry=geoms, crs=WGS84)


def _owners(
    set_ids: IntArray,
    set_geoms: NDArray[np.object_],
    lon: FloatArray,
    lat: FloatArray,
    targets: IntArray,
    crs: str,
) -> IntArray:
    """For each point, the position in ``targets`` of the unit that holds it by the page's
    containment rule over the units ``set_ids`` (ascending global positions; first one on a
    shared edge), or -1 when that unit is not a target (or there is none)."""
    if len(lon) == 0:
        return np.empty(0, dtype=np.int64)
    pts = gpd.GeoDataFrame(geometry=shapely.points(lon, lat), crs=WGS84)
    owner = cv.assign_points(_frame(set_ids, set_geoms), pts, "spatial", crs)
    gid = pd.to_numeric(owner, errors="coerce").to_numpy(dtype=float)
    wanted = pd.Index(np.where(np.isfinite(gid), gid, -1).astype(np.int64))
    return pd.Index(targets).get_indexer(wanted).astype(np.int64)


def _sums(owner: IntArray, weights: FloatArray, n: int) -> FloatArray:
    hit = owner >= 0
    return np.bincount(owner[hit], weights=weights[hit], minlength=n).astype(float)


def _run_block(
    task: PartitionTask,
    block: IntArray,
    zone: _Zone,
    points: PointArrays,
    population: PopulationArrays | None,
    params: BatchParams,
    stats: _Stats,
) -> None:
    crs = f"EPSG:{zone.epsg}"
    gids = task.units[block]
    pos = np.searchsorted(task.ids, gids)
    polys = zone.polys[pos]

    # demand cells of each unit, ties to the unit first in input order
    cells_l: list[FloatArray] = []
    lower_pos: set[int] = set()
    for p, g in zip(pos.tolist(), gids.tolist()):
        cand = zone.tree.query(zone.polys[p])
        low = cand[task.ids[cand] < g]
        lower_pos.update(low.tolist())
        cells_l.append(unit_cells(zone.polys[p], params.cell_m, zone.stop, list(zone.polys[low])))
    n_cells = np.array([len(c) for c in cells_l], dtype=np.int64)
    cells = np.concatenate(cells_l) if cells_l else np.empty((0, 2))
    codes = pd.Index(gids.astype(str), name="code")
    cell_code = np.repeat(codes.to_numpy(), n_cells)
    b = shapely.total_bounds(polys)
    box: Box = (float(b[0]), float(b[1]), float(b[2]), float(b[3]))

    # points: halo of the largest radius, then the exact distance rule
    r_max = max(params.r_eff)
    idx, pxy = zone.halo.select(box, r_max)
    dist, h = _nearest_exact(cells, box, zone.halo, (idx, pxy), r_max, len(points))

    # counts: by code (global), plus uncoded points by containment (page rule)
    set_pos = np.union1d(pos, np.fromiter(lower_pos, dtype=np.int64, count=len(lower_pos)))
    set_ids, set_geoms = task.ids[set_pos], task.geoms[set_pos]
    own = idx[_inside(pxy, box, 0.0) & points.uncoded[idx]]
    owner = _owners(set_ids, set_geoms, points.lon[own], points.lat[own], gids, crs)
    n_points = task.code_counts[block] + _sums(owner, np.ones(len(owner)), len(gids)).astype(np.int64)

    # population points in the box: their unit and their distance to the nearest point
    pop: tuple[IntArray, FloatArray, FloatArray, FloatArray | None, FloatArray] | None = None
    if population is not None and zone.pop_halo is not None:
        pidx, ppxy = zone.pop_halo.select(box, 0.0)
        p_owner = _owners(set_ids, set_geoms, population.lon[pidx], population.lat[pidx], gids, crs)
        w = population.wbasis[pidx]
        w60 = None if population.w60 is None else _sums(p_owner, population.w60[pidx], len(gids))
        pop = (p_owner, w, _sums(p_owner, w, len(gids)), w60, cv.nearest_distance(ppxy, pxy))

    for radius, r in zip(params.radii_m, params.r_eff):
        union = cv.coverage_union(pxy[_inside(pxy, box, r)], r, params.quad_segs)
        df = cv.unit_metrics(codes, polys, n_points, union, cell_code, dist, r)
        if pop is not None:
            p_owner, w, w_sum, w60_sum, p_dist = pop
            covered = _sums(p_owner, np.where(p_dist <= r, w, 0.0), len(gids))
            df = df.drop(columns="cell_covered_share")
            with np.errstate(divide="ignore", invalid="ignore"):
                df["points_per_10k_60plus"] = (
                    np.nan if w60_sum is None else np.where(w60_sum > 0, n_points / w60_sum * 1e4, np.nan)
                )
                df["pop_weighted_covered_share"] = np.where(w_sum > 0, covered / w_sum, np.nan)
        elif task.pop_basis is not None and task.pop60 is not None:
            df = cv.with_population(df, task.pop60[block], task.pop_basis[block])
        else:
            df = cv.with_population(df, np.full(len(gids), np.nan), None)
        df.insert(0, "n_cells", n_cells)
        df.insert(0, "crs", crs)
        df.insert(0, "r_eff_m", r)
        df.insert(0, "radius_m", float(radius))
        df.insert(0, "unit", gids)
        stats.frames.append(df.reset_index(drop=True))
    stats.n_blocks += 1
    stats.n_cells += int(n_cells.sum())
    stats.halo_max = max(stats.halo_max, h)


def run_partition(
    task: PartitionTask,
    points: PointArrays,
    population: PopulationArrays | None,
    params: BatchParams,
) -> PartitionResult:
    """The rows of one partition: for each of its units and each radius, the page's metrics
    (:func:`geo.core.coverage.unit_metrics`), by the rules of the module docstring."""
    t0 = time.perf_counter()
    stats = _Stats()
    zones = tuple(int(z) for z in dict.fromkeys(task.epsg.tolist()))
    for z in zones:
        polys = np.asarray(gpd.GeoSeries(task.geoms, crs=WGS84).to_crs(f"EPSG:{z}").values)
        zone = _Zone(
            epsg=z,
            polys=polys,
            tree=shapely.STRtree(polys),
            halo=_Halo(points.lon, points.lat, z),
            pop_halo=None if population is None else _Halo(population.lon, population.lat, z),
            stop=task.extents[z],
        )
        members = np.flatnonzero(task.epsg == z)
        for blk in _blocks(task.est_cells[members], params.block_cells):
            _run_block(task, members[blk], zone, points, population, params, stats)
    frame = pd.concat(stats.frames, ignore_index=True) if stats.frames else pd.DataFrame()
    info = PartitionInfo(
        index=task.index,
        n_units=len(task.units),
        zones=zones,
        n_blocks=stats.n_blocks,
        n_cells=stats.n_cells,
        halo_max_m=stats.halo_max,
        seconds=time.perf_counter() - t0,
        peak_rss_mb=_peak_rss_mb(),
        worker=f"{socket.gethostname()}:{os.getpid()}",
    )
    return PartitionResult(frame, info)


# --------------------------------------------------------------------------- engines


@dataclass(frozen=True)
class RunStart:
    """Sent to the progress callback when a run starts."""

    engine: str
    partitions: int
    workers: int
    dashboard: str | None


Progress = Callable[[RunStart | PartitionInfo], None]


@dataclass(frozen=True)
class BatchResult:
    """A run's rows and what it did.

    ``metrics``: one row per unit and radius (input order, then the radii as given) with
    ``unit`` (input position), ``code``, ``radius_m``, ``mode``, ``r_eff_m``, ``cell_m``,
    ``crs`` and :data:`METRIC_COLUMNS`."""

    metrics: pd.DataFrame
    plan: tuple[Partition, ...]
    partitions: tuple[PartitionInfo, ...]
    engine: str
    workers: int
    population_source: str
    population_basis: str | None
    seconds: float
    dashboard: str | None = None


def _assemble(
    inputs: BatchInputs,
    params: BatchParams,
    results: Sequence[PartitionResult],
) -> pd.DataFrame:
    frame = pd.concat([r.frame for r in results], ignore_index=True)
    radius_pos = {float(r): i for i, r in enumerate(params.radii_m)}
    frame["_r"] = frame["radius_m"].map(radius_pos)
    frame = frame.sort_values(["unit", "_r"], kind="stable").drop(columns="_r").reset_index(drop=True)
    if len(frame) != inputs.n_units * len(params.radii_m):
        raise RuntimeError("a partition lost units")  # a bug, never a user's input
    frame.insert(1, "code", inputs.codes[frame["unit"].to_numpy()])
    frame.insert(3, "mode", params.mode)
    frame.insert(5, "cell_m", float(params.cell_m))
    frame["n_points"] = frame["n_points"].astype(np.int64)
    frame["n_cells"] = frame["n_cells"].astype(np.int64)
    return frame


def run_local(
    inputs: BatchInputs,
    params: BatchParams,
    n_partitions: int = 1,
    progress: Progress | None = None,
) -> BatchResult:
    """Run every partition in this process, one after another (no dask)."""
    t0 = time.perf_counter()
    plan = plan_partitions(inputs, n_partitions)
    tasks = partition_tasks(inputs, plan)
    if progress:
        progress(RunStart("local", len(plan), 1, None))
    results = []
    for task in tasks:
        res = run_partition(task, inputs.points, inputs.population, params)
        results.append(res)
        if progress:
            progress(res.info)
    return BatchResult(
        metrics=_assemble(inputs, params, results),
        plan=tuple(plan),
        partitions=tuple(r.info for r in results),
        engine="local",
        workers=1,
        population_source=inputs.population_source,
        population_basis=inputs.population_basis,
        seconds=time.perf_counter() - t0,
    )


def dask_missing() -> str | None:
    """The first package of the dask engine that is not installed (None: both are)."""
    for module in ("dask", "distributed"):
        try:
            if importlib.util.find_spec(module) is None:
                return module
        except (ImportError, ValueError):  # a module set to None in sys.modules
            return module
    return None


def _distributed() -> Any:
    try:
        import distributed
    except ImportError as exc:
        raise DaskUnavailableError(exc.name or "distributed") from exc
    return distributed


@contextmanager
def dask_client(
    scheduler: str | None = None,
    workers: int | None = None,
    memory_limit: str | float = "auto",
) -> Iterator[Any]:
    """A ``distributed.Client``: connected to ``scheduler`` (an existing cluster, e.g.
    ``tcp://host:8786``), or to a ``LocalCluster`` of ``workers`` processes (default: the
    CPU count) with one thread each and ``memory_limit`` per worker ("auto": the machine's
    memory shared out), started here and closed on exit.  Raises :class:`DaskUnavailableError`
    when dask.distributed is not installed, ``ValueError`` for ``workers`` with a scheduler."""
    distributed = _distributed()
    if scheduler:
        if workers is not None:
            raise ValueError("workers applies to the local cluster only, not with a scheduler")
        client = distributed.Client(scheduler)
        try:
            yield client
        finally:
            client.close()
        return
    n = int(workers if workers is not None else (os.cpu_count() or 1))
    if n < 1:
        raise ValueError(f"workers must be >= 1, got {workers!r}")
    with (
        distributed.LocalCluster(
            n_workers=n,
            threads_per_worker=1,
            processes=True,
            memory_limit=memory_limit,
            dashboard_address=":0",  # a free port: never "8787 is already in use"
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


def run_dask(
    inputs: BatchInputs,
    params: BatchParams,
    n_partitions: int | None = None,
    scheduler: str | None = None,
    workers: int | None = None,
    progress: Progress | None = None,
) -> BatchResult:
    """Run the partitions on a dask.distributed cluster (see :func:`dask_client`).

    The point arrays are scattered to every worker once; each partition's task (its units
    and their tie-breaking neighbours) is scattered and :func:`run_partition` is mapped over
    them.  ``n_partitions`` defaults to :func:`default_partitions` for the cluster's workers.
    """
    t0 = time.perf_counter()
    distributed = _distributed()
    with dask_client(scheduler, workers) as client:
        n_workers = max(1, len(cast(dict[str, Any], client.scheduler_info()["workers"])))
        n = default_partitions(inputs.n_units, n_workers) if n_partitions is None else n_partitions
        plan = plan_partitions(inputs, n)
        tasks = partition_tasks(inputs, plan)
        link = cast(str | None, getattr(client, "dashboard_link", None)) if scheduler or _has_bokeh() else None
        if progress:
            progress(RunStart("dask", len(plan), n_workers, link))
        pts = client.scatter(inputs.points, broadcast=True, hash=False)
        pop = client.scatter(inputs.population, broadcast=True, hash=False) if inputs.population is not None else None
        task_futures = client.scatter(tasks, hash=False)
        futures = client.map(run_partition, task_futures, points=pts, population=pop, params=params, pure=False)
        results: list[PartitionResult] = []
        for fut in distributed.as_completed(futures):
            res = cast(PartitionResult, fut.result())
            results.append(res)
            if progress:
                progress(res.info)
    results.sort(key=lambda r: r.info.index)
    return BatchResult(
        metrics=_assemble(inputs, params, results),
        plan=tuple(plan),
        partitions=tuple(r.info for r in results),
        engine="dask",
        workers=n_workers,
        population_source=inputs.population_source,
        population_basis=inputs.population_basis,
        seconds=time.perf_counter() - t0,
        dashboard=link,
    )


def _has_bokeh() -> bool:
    return importlib.util.find_spec("bokeh") is not None
