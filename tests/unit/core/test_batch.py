"""Batch coverage runs (geo.core.batch): equal to the coverage page, whatever the partitioning.

Tolerances (the issue's): shares within 1e-9, distances within 1e-6 m, counts exact
(geo.testing.assert_metrics_close).  The page's figures come from
geo.core.coverage.subdistrict_metrics; for units in another UTM zone, from the same function
with that zone's ``metric_crs``.  The dask tests run on the session's LocalCluster of 2
worker processes (tests/conftest.py).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import Transformer
from scipy.spatial import cKDTree

from geo.core import batch as bt
from geo.core import coverage as cv
from geo.data.loader import load_bundled
from geo.testing import assert_metrics_close, synthetic_points, synthetic_province, synthetic_subdistricts

CELL = 250  # metres: small inputs, fast tests


def run(units, points, params, population=None, n=1):
    inputs = bt.prepare_inputs(units, points, population, params.cell_m)
    return bt.run_local(inputs, params, n_partitions=n)


def rows(result, radius):
    m = result.metrics
    return m[m["radius_m"] == float(radius)].set_index("code")


def page(units, points, radius, mode, cell, crs=cv.METRIC_CRS):
    return cv.subdistrict_metrics(units, points, radius, mode, cell, metric_crs=crs)


@pytest.fixture(scope="module")
def bundled():
    return load_bundled()


@pytest.fixture(scope="module")
def province():
    """60 units over 2,000 km² straddling 120°E (UTM zones 50 and 51), 500 clustered points,
    400 population points."""
    return synthetic_province(60, 500, seed=1, area_km2=2000, population=400)


@pytest.fixture(scope="module")
def province_params():
    # small blocks, so that each partition works in several blocks
    return bt.BatchParams((300, 1000), "straight", CELL, block_cells=4000)


# --------------------------------------------------------------------------- zones and partitions


def test_utm_zones(bundled):
    lon = np.array([121.7, 119.9999, 120.0, -180.0, 180.0, 30.0])
    lat = np.array([39.1, 41.0, 41.0, 10.0, 10.0, -0.5])
    assert bt.utm_epsg(lon, lat).tolist() == [32651, 32650, 32651, 32601, 32660, 32736]
    with pytest.raises(ValueError, match="degrees"):
        bt.utm_epsg(np.array([500000.0]), np.array([4300000.0]))
    # the bundled district is in zone 51: the page's own metric CRS
    ds = bundled
    assert set(bt.unit_zones(np.asarray(ds.subdistricts.geometry.values)).tolist()) == {32651}
    assert cv.METRIC_CRS == "EPSG:32651"


def test_partitions_cover_every_unit_once_and_record_their_zones(province):
    inputs = bt.prepare_inputs(province.units, province.points, None, CELL)
    assert set(inputs.epsg.tolist()) == {32650, 32651}
    for n in (1, 3, 7):
        plan = bt.plan_partitions(inputs, n)
        assert len(plan) == n and all(len(p.units) for p in plan)
        units = np.concatenate([p.units for p in plan])
        assert sorted(units.tolist()) == list(range(inputs.n_units))
        # order: zone, then Hilbert distance
        key = list(zip(inputs.epsg[units].tolist(), inputs.hilbert[units].tolist()))
        assert key == sorted(key)
        for p in plan:
            assert p.zones == tuple(dict.fromkeys(inputs.epsg[p.units].tolist()))
    assert len(bt.plan_partitions(inputs, 1000)) == inputs.n_units  # never more than units
    with pytest.raises(ValueError, match="partitions"):
        bt.plan_partitions(inputs, 0)
    assert bt.default_partitions(60, 2) == 3 and bt.default_partitions(40_000, 16) == 64
    assert bt.default_partitions(5, 4) == 1


def test_tasks_carry_the_lower_neighbours_of_other_partitions(province):
    """A partition gets every unit of lower input row whose envelope touches one of its
    units, so ties are broken by the global order."""
    inputs = bt.prepare_inputs(province.units, province.points, None, CELL)
    plan = bt.plan_partitions(inputs, 7)
    geoms = inputs.geoms
    for task in bt.partition_tasks(inputs, plan):
        own = set(task.units.tolist())
        context = set(task.ids.tolist()) - own
        expected = {
            j
            for i in task.units.tolist()
            for j in range(i)
            if j not in own and shapely.intersects(shapely.envelope(geoms[i]), shapely.envelope(geoms[j]))
        }
        assert context == expected
    # the test data do exercise it: some partition has neighbours from others
    assert any(len(t.ids) > len(t.units) for t in bt.partition_tasks(inputs, plan))


def test_params_are_checked():
    with pytest.raises(ValueError, match="radius"):
        bt.BatchParams(())
    with pytest.raises(ValueError):
        bt.BatchParams((0,))
    with pytest.raises(ValueError, match="distinct"):
        bt.BatchParams((500, 500))
    with pytest.raises(ValueError, match="mode"):
        bt.BatchParams((500,), "cycling")
    with pytest.raises(ValueError, match="cell_m"):
        bt.BatchParams((500,), cell_m=0)
    assert bt.BatchParams((500,), "walking").r_eff == (500 / 1.3,)


# --------------------------------------------------------------------------- demand cells


def test_unit_cells_equal_the_page_grid_with_ties_on_shared_edges():
    """Squares whose edges run through lattice centres (cell 100, edges at x = 150 + 200 k):
    every centre on a shared edge goes to the unit first in input order, centres on the east
    and north edges of the whole extent are not cells, exactly as demand_grid."""
    x0, y0 = 500_050.0, 4_300_050.0  # lattice centres of a 100 m grid
    squares = [
        shapely.box(x0 + 200 * i, y0 + 200 * j, x0 + 200 * (i + 1), y0 + 200 * (j + 1))
        for i in range(3)
        for j in range(3)
    ]
    order = [4, 0, 8, 2, 6, 1, 7, 3, 5]  # input order not spatial
    polys = [squares[k] for k in order]
    frame = gpd.GeoDataFrame({"code": [f"U{i}" for i in range(9)]}, geometry=polys, crs=cv.METRIC_CRS)
    grid = cv.demand_grid(frame, 100)
    maxx, maxy = shapely.total_bounds(np.asarray(polys))[2:]
    for i, poly in enumerate(polys):
        cells = bt.unit_cells(poly, 100, (maxx, maxy), polys[:i])
        expected = grid.loc[grid["code"] == f"U{i}", ["x", "y"]].to_numpy()
        np.testing.assert_array_equal(cells, expected)
    # the middle square (first in input order) keeps its whole boundary: 3 x 3 centres
    assert len(bt.unit_cells(polys[0], 100, (maxx, maxy))) == 9
    # banded generation gives the same cells
    np.testing.assert_array_equal(
        bt.unit_cells(polys[3], 100, (maxx, maxy), polys[:3], chunk=2),
        bt.unit_cells(polys[3], 100, (maxx, maxy), polys[:3]),
    )


def test_a_unit_without_a_centre_gets_its_representative_point():
    tiny = shapely.box(500_010.0, 4_300_010.0, 500_020.0, 4_300_020.0)
    cells = bt.unit_cells(tiny, 100, (1e9, 1e9))
    np.testing.assert_allclose(cells, shapely.get_coordinates(shapely.point_on_surface(tiny)))


# --------------------------------------------------------------------------- the halo


def test_a_point_exactly_at_the_halo_boundary_is_selected():
    to_xy = Transformer.from_crs(cv.WGS84, "EPSG:32651", always_xy=True)
    lon = np.array([121.70, 121.72, 121.74])
    lat = np.array([39.10, 39.10, 39.10])
    x, y = to_xy.transform(lon, lat)
    h = 500.0
    box = (float(x[0]) - 1000.0, float(y[0]) - 1000.0, float(x[1]) - h, float(y[0]) + 1000.0)
    assert box[2] + h == x[1]  # the point is exactly on the grown box's east edge
    idx, xy = bt.points_near(lon, lat, 32651, box, h)
    assert idx.tolist() == [0, 1]
    np.testing.assert_array_equal(xy, np.column_stack([x[:2], y[:2]]))
    narrower = (box[0], box[1], float(np.nextafter(box[2], -np.inf)), box[3])
    assert bt.points_near(lon, lat, 32651, narrower, h)[0].tolist() == [0]


def test_points_at_the_halo_boundary_do_not_change_results(province, province_params):
    """Meal points placed R beyond the bounds of units (along the edges of their boxes),
    with every partitioning: equal to one partition."""
    units = province.units
    to_xy = Transformer.from_crs(cv.WGS84, "EPSG:32650", always_xy=True)
    to_ll = Transformer.from_crs("EPSG:32650", cv.WGS84, always_xy=True)
    extra = []
    for g in units.geometry.iloc[:10]:
        xs, ys = to_xy.transform(*np.asarray(g.exterior.coords).T)
        extra.append(to_ll.transform(xs.max() + 300.0, ys.mean()))
        extra.append(to_ll.transform(xs.mean(), ys.min() - 1000.0))
    pts = pd.concat(
        [
            province.points,
            gpd.GeoDataFrame(
                {"id": [f"H{i}" for i in range(len(extra))]}, geometry=shapely.points(extra), crs=cv.WGS84
            ),
        ],
        ignore_index=True,
    )
    one = run(units, pts, province_params, n=1).metrics
    for n in (3, 7):
        assert_metrics_close(run(units, pts, province_params, n=n).metrics, one)


# --------------------------------------------------------------------------- equal to the page


@pytest.mark.parametrize("mode", ["straight", "walking"])
def test_equal_to_the_page_on_the_bundled_district(bundled, mode):
    ds = bundled
    params = bt.BatchParams((300, 500, 1000), mode, 200)
    res = run(ds.subdistricts, ds.meal_points, params, n=3)
    assert set(res.metrics["crs"]) == {"EPSG:32651"}
    counts = cv.demand_grid(ds.subdistricts, 200).groupby("code").size()
    for r in params.radii_m:
        got, want = rows(res, r), page(ds.subdistricts, ds.meal_points, r, mode, 200)
        assert_metrics_close(got, want)
        assert (got["n_cells"] == counts.reindex(got.index)).all()
        assert got["mean_dist_m"].notna().all() and (got["n_points"] > 0).any()


def test_equal_to_the_page_with_population_on_the_units():
    """Population per unit (some unknown) is spread over the cells, as on the page."""
    subs = synthetic_subdistricts(25, seed=3, bbox=(121.70, 39.05, 121.82, 39.14), population=True)
    subs.loc[subs.index[:3], ["pop_60plus", "pop_total"]] = np.nan
    pts = synthetic_points(subs, 60, seed=4)
    res = run(subs, pts, bt.BatchParams((500,), "walking", 100), n=4)
    want = page(subs, pts, 500, "walking", 100)
    assert want["pop_weighted_covered_share"].notna().sum() == 22
    assert_metrics_close(rows(res, 500), want)
    assert res.population_source == "units" and res.population_basis == "pop_60plus"


def test_equal_to_the_page_in_each_zone_of_a_province(province, province_params):
    """Units west of 120°E are measured in UTM 50, the others in UTM 51: each equals the
    page's function run in that zone."""
    res = run(province.units, province.points, province_params, n=3)
    zone = res.metrics.drop_duplicates("code").set_index("code")["crs"]
    assert set(zone) == {"EPSG:32650", "EPSG:32651"}
    for crs in ("EPSG:32650", "EPSG:32651"):
        codes = zone.index[zone == crs]
        for r in province_params.radii_m:
            want = page(province.units, province.points, r, "straight", CELL, crs).loc[codes]
            assert_metrics_close(rows(res, r).loc[codes], want)


def test_partition_count_does_not_change_any_result(province, province_params):
    """1, 3 and 7 partitions, units straddling partition edges and the zone boundary, with
    population points."""
    straddle = [g for g in province.units.geometry if g.bounds[0] < 120.0 < g.bounds[2]]
    assert straddle  # units across 120°E exist
    results = [run(province.units, province.points, province_params, province.population, n) for n in (1, 3, 7)]
    one = results[0].metrics
    assert one["pop_weighted_covered_share"].notna().any()
    for res in results[1:]:
        pd.testing.assert_frame_equal(
            res.metrics.drop(columns="covered_share"), one.drop(columns="covered_share"), check_exact=True
        )
        np.testing.assert_allclose(res.metrics["covered_share"], one["covered_share"], rtol=0, atol=1e-9)
    assert [len(r.partitions) for r in results] == [1, 3, 7]
    assert any(len(p.zones) == 1 for p in results[2].plan)


def test_overlapping_unit_first_in_order_takes_cells_and_points_across_partitions():
    """A unit that overlaps others and is first in input order takes the cells and points of
    the overlap (the page's "first in row order"), in whatever partition the others are."""
    prov = synthetic_province(40, 400, seed=5, area_km2=1500, centre=(123.0, 41.0))
    disk = shapely.Point(123.0, 41.0).buffer(0.08)
    units = pd.concat(
        [gpd.GeoDataFrame({"code": ["DISK"], "name": ["disk"]}, geometry=[disk], crs=cv.WGS84), prov.units],
        ignore_index=True,
    )
    params = bt.BatchParams((500,), "straight", CELL)
    want = page(units, prov.points, 500, "straight", CELL)
    assert want.loc["DISK", "n_points"] > 0
    for n in (1, 3, 7):
        assert_metrics_close(rows(run(units, prov.points, params, n=n), 500), want)


def test_nearest_point_far_outside_the_radius():
    """One meal point inside the province near its east edge, one 5 km west of it: the
    western cells first see only the eastern point (inside the block's halo, 30+ km away);
    the halo widens until the western point, nearer but beyond the first halo, is seen.
    Equal to the page and to brute force, with one block or many."""
    prov = synthetic_province(30, 0, seed=7, area_km2=1600, centre=(123.0, 41.0))
    assert prov.units.total_bounds[0] > 122.75
    pts = gpd.GeoDataFrame({"id": ["E", "W"]}, geometry=shapely.points([(123.2, 41.0), (122.70, 41.0)]), crs=cv.WGS84)
    want = page(prov.units, pts, 300, "straight", 500)
    assert want["mean_dist_m"].max() > 10_000
    grid = cv.demand_grid(prov.units, 500)
    brute = np.sqrt(((grid[["x", "y"]].to_numpy()[:, None, :] - cv.point_xy(pts)[None]) ** 2).sum(-1)).min(1)
    brute_mean = pd.Series(brute).groupby(grid["code"].to_numpy()).mean()
    for block_cells, n in ((10**9, 1), (300, 3)):
        res = run(prov.units, pts, bt.BatchParams((300,), "straight", 500, block_cells=block_cells), n=n)
        assert_metrics_close(rows(res, 300), want)
        np.testing.assert_allclose(rows(res, 300)["mean_dist_m"], brute_mean.reindex(want.index), rtol=0, atol=1e-6)
        assert max(p.halo_max_m for p in res.partitions) > 10_000


def test_no_points_and_points_counted_by_code():
    prov = synthetic_province(20, 50, seed=9, area_km2=800, centre=(123.0, 41.0))
    params = bt.BatchParams((500,), "straight", 400)
    empty = prov.points.iloc[:0]
    res = rows(run(prov.units, empty, params, n=2), 500)
    assert (res["n_points"] == 0).all() and (res["covered_share"] == 0).all() and res["mean_dist_m"].isna().all()
    assert_metrics_close(res, page(prov.units, empty, 500, "straight", 400))
    # a code on the point wins over its position, wherever the named unit is
    pts = prov.points.copy()
    pts["unit_code"] = None
    pts.loc[pts.index[:10], "unit_code"] = prov.units["code"].iloc[-1]
    pts.loc[pts.index[10], "unit_code"] = "NO-SUCH-UNIT"  # counted where it lies
    got = rows(run(prov.units, pts, params, n=5), 500)
    want = page(prov.units, pts.rename(columns={"unit_code": "subdistrict_code"}), 500, "straight", 400)
    assert_metrics_close(got, want)
    assert got["n_points"].iloc[-1] >= 10 and got["n_points"].sum() == len(pts)


def test_population_points_are_exact(province, province_params):
    """Each population point in the unit that contains it (first in input order); the share
    of its weight within r of a meal point, against brute force."""
    res = run(province.units, province.points, province_params, province.population, n=3)
    pop = province.population
    for crs in ("EPSG:32650", "EPSG:32651"):
        owner = cv.assign_points(province.units, pop, "spatial", crs)
        d, _ = cKDTree(cv.point_xy(province.points, crs)).query(cv.point_xy(pop, crs))
        zone_codes = res.metrics.loc[res.metrics["crs"] == crs, "code"].unique()
        for r in province_params.radii_m:
            got = rows(res, r)
            frame = pd.DataFrame({"code": owner, "w": pop["pop_60plus"], "in": (d <= r) * pop["pop_60plus"]})
            sums = frame.groupby("code")[["w", "in"]].sum()
            for code in zone_codes:
                w = sums["w"].get(code, 0.0)
                expected = sums["in"][code] / w if w > 0 else np.nan
                assert got.loc[code, "pop_weighted_covered_share"] == pytest.approx(expected, abs=1e-12, nan_ok=True)
                per10k = got.loc[code, "n_points"] / w * 1e4 if w > 0 else np.nan
                assert got.loc[code, "points_per_10k_60plus"] == pytest.approx(per10k, rel=1e-12, nan_ok=True)
    assert res.population_source == "points" and res.population_basis == "pop_60plus"


# --------------------------------------------------------------------------- dask


def test_dask_equals_local_on_a_local_cluster_of_two_workers(dask_cluster, province, province_params):
    inputs = bt.prepare_inputs(province.units, province.points, province.population, CELL)
    local = bt.run_local(inputs, province_params).metrics
    seen = []
    for n in (1, 3, 7):
        res = bt.run_dask(inputs, province_params, n, scheduler=dask_cluster.scheduler_address, progress=seen.append)
        assert res.engine == "dask" and res.workers == 2 and len(res.partitions) == n
        pd.testing.assert_frame_equal(
            res.metrics.drop(columns="covered_share"), local.drop(columns="covered_share"), check_exact=True
        )
        np.testing.assert_allclose(res.metrics["covered_share"], local["covered_share"], rtol=0, atol=1e-9)
    starts = [e for e in seen if isinstance(e, bt.RunStart)]
    assert [s.partitions for s in starts] == [1, 3, 7]
    assert sum(isinstance(e, bt.PartitionInfo) for e in seen) == 11


def test_dask_equals_the_page_on_the_bundled_district(bundled, dask_cluster):
    ds = bundled
    params = bt.BatchParams((500,), "straight", 200)
    inputs = bt.prepare_inputs(ds.subdistricts, ds.meal_points, None, 200)
    res = bt.run_dask(inputs, params, 3, scheduler=dask_cluster.scheduler_address)
    assert_metrics_close(rows(res, 500), page(ds.subdistricts, ds.meal_points, 500, "straight", 200))


def test_dask_missing_is_said(monkeypatch, province, province_params):
    monkeypatch.setitem(__import__("sys").modules, "distributed", None)
    assert bt.dask_missing() == "distributed"
    inputs = bt.prepare_inputs(province.units, province.points, None, CELL)
    with pytest.raises(bt.DaskUnavailableError) as err:
        bt.run_dask(inputs, province_params, 1)
    assert err.value.module == "distributed"
