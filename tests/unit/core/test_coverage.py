"""Tests for geo.coverage against independent calculations.

Tolerances
----------
* covered_share vs Monte-Carlo: 20,000 seeded uniform random points per
  subdistrict polygon (rejection sampling), fraction within the effective
  radius of any meal point (cKDTree).  |exact - MC| <= 0.02 for every
  subdistrict (MC standard error <= 0.0036, so 0.02 is > 5 sigma; the 64-gon
  circle approximation costs < 0.002).
* mean / p90 distance vs brute force (dense distance matrix on the same grid):
  1e-6 m.
* counts and densities vs direct per-polygon computation: exact / 1e-12.
* gap area + covered area == district area: within 0.1 %.
"""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from geo.core import coverage as cv
from geo.testing import synthetic_points, synthetic_subdistricts

SMALL_BBOX = (121.70, 39.05, 121.82, 39.14)  # ~10 km x 10 km around the old town


@pytest.fixture(scope="module")
def subs():
    return synthetic_subdistricts(25, seed=3, bbox=SMALL_BBOX)


@pytest.fixture(scope="module")
def pts(subs):
    return synthetic_points(subs, 60, seed=4)


@pytest.fixture(scope="module")
def metrics(subs, pts):
    return cv.subdistrict_metrics(subs, pts, radius_m=500, mode="straight", cell_m=100)


def _metric_polys(subs):
    return np.asarray(subs.to_crs(cv.METRIC_CRS).geometry.values)


def _point_xy(pts):
    return shapely.get_coordinates(np.asarray(pts.to_crs(cv.METRIC_CRS).geometry.values))


def _mc_share(poly, pxy, r, n=20_000, seed=0):
    rng = np.random.default_rng(seed)
    minx, miny, maxx, maxy = poly.bounds
    got = np.empty((0, 2))
    shapely.prepare(poly)
    while len(got) < n:
        c = rng.uniform([minx, miny], [maxx, maxy], size=(2 * n, 2))
        got = np.vstack([got, c[shapely.contains_xy(poly, c[:, 0], c[:, 1])]])
    got = got[:n]
    d = np.sqrt(((got[:, None, :] - pxy[None, :, :]) ** 2).sum(-1)).min(1)
    return float((d <= r).mean())


def test_effective_radius():
    assert cv.effective_radius(500, "straight") == 500
    assert cv.effective_radius(500, "walking") == pytest.approx(500 / 1.3)
    assert round(cv.effective_radius(500, "walking")) == 385
    assert cv.CIRCUITY == 1.3 and cv.RADII_M == (300, 500, 1000)
    with pytest.raises(ValueError):
        cv.effective_radius(500, "cycling")
    with pytest.raises(ValueError):
        cv.effective_radius(-1)


def test_demand_grid_matches_brute_force(subs):
    cell = 250
    g = cv.demand_grid(subs, cell)
    polys = _metric_polys(subs)
    # every subdistrict's weights sum to its exact area
    w = g.groupby("code")["weight_km2"].sum().reindex(subs["code"])
    np.testing.assert_allclose(w.to_numpy(), shapely.area(polys) / 1e6, rtol=1e-12)
    # brute force: loop over polygons, test every grid centre
    minx, miny, maxx, maxy = shapely.total_bounds(polys)
    xs = np.arange(math.floor(minx / cell) * cell + cell / 2, maxx, cell)
    ys = np.arange(math.floor(miny / cell) * cell + cell / 2, maxy, cell)
    gx, gy = (a.ravel() for a in np.meshgrid(xs, ys))
    owner = np.full(len(gx), "", dtype=object)
    for code, poly in zip(subs["code"], polys):  # first polygon wins on shared edges
        hit = shapely.intersects_xy(poly, gx, gy) & (owner == "")
        owner[hit] = code
    expect = pd.DataFrame({"x": gx, "y": gy, "code": owner})[owner != ""]
    got = g[["x", "y", "code"]]
    key = ["code", "y", "x"]
    pd.testing.assert_frame_equal(
        got.sort_values(key).reset_index(drop=True),
        expect.sort_values(key).reset_index(drop=True).astype({"code": got["code"].dtype}),
    )
    # pure function: same inputs, same output
    pd.testing.assert_frame_equal(g, cv.demand_grid(subs, cell))


def test_covered_share_vs_monte_carlo(subs, pts, metrics):
    """|covered_share - Monte-Carlo (20,000 points/polygon)| <= 0.02."""
    pxy = _point_xy(pts)
    shares = metrics["covered_share"]
    assert 0.05 < shares.mean() < 0.95  # a non-trivial case
    for i, (code, poly) in enumerate(zip(subs["code"], _metric_polys(subs))):
        mc = _mc_share(poly, pxy, 500.0, seed=i)
        assert abs(shares[code] - mc) <= 0.02, (code, shares[code], mc)


def test_distances_vs_brute_force(subs, pts, metrics):
    g = cv.demand_grid(subs, 100)
    pxy = _point_xy(pts)
    d = np.sqrt(((g[["x", "y"]].to_numpy()[:, None, :] - pxy[None]) ** 2).sum(-1)).min(1)
    df = pd.DataFrame({"code": g["code"], "d": d})
    for code, grp in df.groupby("code"):
        assert metrics.loc[code, "mean_dist_m"] == pytest.approx(grp["d"].mean(), abs=1e-6)
        assert metrics.loc[code, "p90_dist_m"] == pytest.approx(np.percentile(grp["d"], 90), abs=1e-6)


def test_counts_and_density_vs_direct(subs, pts, metrics):
    polys = subs.geometry.values
    pg = pts.geometry.values
    for code, poly, poly_m in zip(subs["code"], polys, _metric_polys(subs)):
        n = sum(bool(poly.intersects(p)) for p in pg)
        assert metrics.loc[code, "n_points"] == n
        area = poly_m.area / 1e6
        assert metrics.loc[code, "area_km2"] == pytest.approx(area, rel=1e-12)
        assert metrics.loc[code, "points_per_10km2"] == pytest.approx(n / area * 10, rel=1e-12)
    assert metrics["n_points"].sum() == len(pts)
    assert list(metrics.index) == list(subs["code"])


def test_subdistrict_code_column_wins(subs, pts):
    p = pts.copy()
    p["subdistrict_code"] = subs["code"].iloc[0]
    p.loc[p.index[:5], "subdistrict_code"] = None  # these fall back to the polygon
    m = cv.subdistrict_metrics(subs, p, cell_m=200)
    spatial = cv.subdistrict_metrics(subs, pts.iloc[:5], cell_m=200)["n_points"]
    expected = spatial.copy()
    expected.iloc[0] += len(p) - 5
    assert (m["n_points"] == expected).all()


def test_walking_uses_smaller_radius(subs, pts, metrics):
    walk = cv.subdistrict_metrics(subs, pts, radius_m=500, mode="walking", cell_m=100)
    straight385 = cv.subdistrict_metrics(subs, pts, radius_m=500 / 1.3, mode="straight", cell_m=100)
    np.testing.assert_allclose(walk["covered_share"], straight385["covered_share"], atol=1e-12)
    assert (walk["covered_share"] <= metrics["covered_share"] + 1e-12).all()
    assert walk["covered_share"].sum() < metrics["covered_share"].sum()
    # distances do not depend on the radius
    np.testing.assert_allclose(walk["mean_dist_m"], metrics["mean_dist_m"])


def test_population_metrics_absent(subs, metrics):
    assert metrics["points_per_10k_60plus"].isna().all()
    assert metrics["pop_weighted_covered_share"].isna().all()
    reasons = cv.unavailable_metrics(subs)
    assert set(reasons) == {"points_per_10k_60plus", "pop_weighted_covered_share"}
    assert {r.reason for r in reasons.values()} == {"no_population"}
    assert reasons["points_per_10k_60plus"].columns == ("pop_60plus",)
    assert reasons["pop_weighted_covered_share"].columns == ("pop_60plus", "pop_total")
    assert all((r.n_missing, r.n_total) == (25, 25) for r in reasons.values())
    for m, d in cv.METRICS.items():
        assert d.needs_population == (m in reasons)


def test_population_metrics_present(pts):
    subs = synthetic_subdistricts(25, seed=3, bbox=SMALL_BBOX, population=True)
    m = cv.subdistrict_metrics(subs, pts, cell_m=100)
    pop60 = subs.set_index("code")["pop_60plus"]
    np.testing.assert_allclose(m["points_per_10k_60plus"], m["n_points"] / pop60 * 1e4)
    assert cv.unavailable_metrics(subs) == {}
    # uniform spread: the grid estimate of covered_share
    g = cv.demand_grid(subs, 100)
    d, _ = __import__("scipy.spatial", fromlist=["cKDTree"]).cKDTree(_point_xy(pts)).query(g[["x", "y"]])
    expect = pd.Series(d <= 500).groupby(g["code"].to_numpy()).mean().reindex(m.index)
    np.testing.assert_allclose(m["pop_weighted_covered_share"], expect)
    assert (m["pop_weighted_covered_share"] - m["covered_share"]).abs().max() < 0.05
    # partly missing figures: NaN there, reason says how many
    subs2 = subs.copy()
    subs2.loc[subs2.index[:3], "pop_60plus"] = np.nan
    subs2.loc[subs2.index[:3], "pop_total"] = np.nan
    m2 = cv.subdistrict_metrics(subs2, pts, cell_m=200)
    assert m2["points_per_10k_60plus"].isna().sum() == 3
    assert m2["pop_weighted_covered_share"].isna().sum() == 3
    partial = cv.unavailable_metrics(subs2)["points_per_10k_60plus"]
    assert (partial.reason, partial.n_missing, partial.n_total) == ("partial_population", 3, 25)
    s = cv.district_summary(subs2, pts, metrics=m2)
    assert s["population_subdistricts_known"] == 22 and 0 <= s["pop_weighted_covered_share"] <= 1


def test_rank_directions(metrics):
    r = cv.rank_metrics(metrics)
    assert "rank_area_km2" not in r
    best_share = r["covered_share"].idxmax()
    best_dist = r["mean_dist_m"].idxmin()
    assert r.loc[best_share, "rank_covered_share"] == 1
    assert r.loc[best_dist, "rank_mean_dist_m"] == 1
    assert r["rank_mean_dist_m"].max() == 25
    assert r["rank_points_per_10k_60plus"].isna().all()
    assert cv.rank_direction("p90_dist_m") == "asc" and cv.rank_direction("n_points") == "desc"


def test_district_summary_and_gap_geometry(subs, pts, metrics):
    s = cv.district_summary(subs, pts, metrics=metrics)
    total = shapely.area(_metric_polys(subs)).sum() / 1e6
    assert s["total_area_km2"] == pytest.approx(total)
    assert s["points_total"] == 60 and s["subdistricts_total"] == 25
    assert s["subdistricts_with_points"] == int((metrics["n_points"] > 0).sum())
    assert s["covered_share"] == pytest.approx(s["covered_area_km2"] / total)
    assert math.isnan(s["pop_weighted_covered_share"])
    gap = cv.gap_geometry(subs, pts, 500, "straight")
    assert gap.is_valid and not gap.is_empty
    minx, miny, maxx, maxy = gap.bounds  # lon/lat, inside the district
    sx0, sy0, sx1, sy1 = subs.total_bounds
    assert sx0 - 1e-6 <= minx and maxx <= sx1 + 1e-6 and sy0 - 1e-6 <= miny and maxy <= sy1 + 1e-6
    gap_km2 = gpd.GeoSeries([gap], crs=cv.WGS84).to_crs(cv.METRIC_CRS).area.iloc[0] / 1e6
    assert abs(gap_km2 + s["covered_area_km2"] - total) <= 0.001 * total
    # no points: everything is gap
    gap0 = cv.gap_geometry(subs, pts.iloc[:0], 500, "straight")
    a0 = gpd.GeoSeries([gap0], crs=cv.WGS84).to_crs(cv.METRIC_CRS).area.iloc[0] / 1e6
    assert a0 == pytest.approx(total, rel=1e-3)


def test_no_points(subs):
    empty = gpd.GeoDataFrame({"id": []}, geometry=[], crs=cv.WGS84)
    m = cv.subdistrict_metrics(subs, empty, cell_m=250)
    assert (m["n_points"] == 0).all() and (m["covered_share"] == 0).all()
    assert m["mean_dist_m"].isna().all()


def test_what_if_never_decreases_coverage(subs, pts, metrics):
    extra = [(121.76, 39.10), (121.72, 39.07)]
    p2 = cv.with_extra_points(pts, extra)
    assert list(p2["id"].iloc[-2:]) == ["whatif-1", "whatif-2"]
    assert p2["is_whatif"].sum() == 2 and len(p2) == len(pts) + 2
    p3 = cv.with_extra_points(p2, [(121.75, 39.12)])
    assert p3["id"].iloc[-1] == "whatif-3"
    after = cv.subdistrict_metrics(subs, p2, cell_m=100)
    assert (after["covered_share"] >= metrics["covered_share"] - 1e-12).all()
    assert (after["mean_dist_m"] <= metrics["mean_dist_m"] + 1e-9).all()
    assert after["n_points"].sum() == metrics["n_points"].sum() + 2
    cmp = cv.compare(metrics, after)
    assert (cmp["covered_share_delta"] >= -1e-12).all()
    assert cmp["n_points_delta"].sum() == 2
    assert cmp["mean_dist_m_improved"].fillna(True).all()
    assert len(pts) == 60  # input untouched
    with pytest.raises(ValueError):
        cv.with_extra_points(pts, [(float("nan"), 39.1)])


def test_metrics_dict_complete(metrics):
    for m, d in cv.METRICS.items():
        assert m in metrics.columns
        assert d.key == m
        assert d.kind in {"count", "area", "density", "share", "distance_m"}
        assert d.higher_is_better in {True, False, None}
