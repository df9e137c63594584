"""Tests for geo.sites (MCLP) against brute force."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import scipy.optimize

from geo.core import coverage as cv
from geo.core import sites as st
from geo.testing import synthetic_points, synthetic_subdistricts

SMALL_BBOX = (121.70, 39.05, 121.82, 39.14)
ALLOWED = {"optimal", "time_limit", "skipped", "infeasible", "error"}


def _random_case(seed, nd=30, nc=10, side=3000.0, r=700.0):
    rng = np.random.default_rng(seed)
    d = rng.uniform(0, side, size=(nd, 2))
    c = rng.uniform(0, side, size=(nc, 2))
    w = rng.integers(1, 20, size=nd).astype(float)
    return d, c, w, r


def _brute_cover(d, c, r):
    return np.sqrt(((d[:, None, :] - c[None, :, :]) ** 2).sum(-1)) <= r


def _brute_opt(cov, w, p):
    best = 0.0
    for S in itertools.combinations(range(cov.shape[1]), min(p, cov.shape[1])):
        best = max(best, float(w[cov[:, list(S)].any(1)].sum()))
    return best


@pytest.mark.parametrize("seed", range(10))
def test_sparse_coverage_equals_brute_force(seed):
    d, c, _, r = _random_case(seed, nd=200, nc=40)
    A = st.build_coverage(d, c, r)
    assert A.format == "csr" and A.dtype == bool and A.shape == (200, 40)
    np.testing.assert_array_equal(A.toarray(), _brute_cover(d, c, r))
    e = c[:5]
    np.testing.assert_array_equal(st.covered_mask(d, e, r), _brute_cover(d, e, r).any(1))
    assert st.build_coverage(d, c[:0], r).shape == (200, 0)
    assert not st.covered_mask(d, c[:0], r).any()


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("p", [1, 2, 3])
def test_exact_equals_enumeration(seed, p):
    d, c, w, r = _random_case(seed)
    A = st.build_coverage(d, c, r)
    best = _brute_opt(A.toarray(), w, p)
    res = st.exact_mclp(A, w, p, time_limit_s=10)
    assert res.status == "optimal"
    assert res.objective == pytest.approx(best, rel=1e-9)
    assert len(res.chosen) <= p
    assert res.bound >= best - 1e-9 and res.gap <= 1e-6
    assert float(w[A.toarray()[:, res.chosen].any(1)].sum()) == pytest.approx(res.objective)


@pytest.mark.parametrize("seed", range(40))
def test_greedy_le_exact_le_bound(seed):
    rng = np.random.default_rng(1000 + seed)
    nd, nc = int(rng.integers(20, 80)), int(rng.integers(5, 25))
    d, c, w, r = _random_case(seed + 100, nd=nd, nc=nc, r=float(rng.uniform(300, 1200)))
    A = st.build_coverage(d, c, r)
    p = int(rng.integers(1, 6))
    g = st.greedy_mclp(A, w, p)
    g_nolp = st.greedy_mclp(A, w, p, lp_bound=False)
    sw = st.swap_mclp(A, w, g.chosen)
    e = st.exact_mclp(A, w, p, warm_start=sw.chosen)
    assert e.status == "optimal"
    tol = 1e-9 * max(1.0, e.objective)
    assert g.objective <= sw.objective + tol <= e.objective + 2 * tol
    assert len(sw.chosen) == len(set(sw.chosen)) == len(g.chosen)
    assert e.objective <= g.bound + tol and e.objective <= g_nolp.bound + tol
    assert e.objective <= e.bound + tol
    assert g.objective >= (1 - 1 / math.e) * e.objective - tol  # greedy guarantee
    assert g.status == "heuristic" and g.bound_method in {"lp", "online", "submodular", "total"}
    assert len(g.chosen) == len(set(g.chosen)) <= p
    assert np.all(np.diff(g.marginal) <= 1e-9)  # submodular: gains never increase
    if nc <= 12 and p <= 3:
        assert e.objective == pytest.approx(_brute_opt(A.toarray(), w, p), rel=1e-9)


def test_lp_bound_true_is_valid():
    for seed in range(10):
        d, c, w, r = _random_case(seed + 500, nd=60, nc=15, r=900)
        A = st.build_coverage(d, c, r)
        g = st.greedy_mclp(A, w, 3, lp_bound=True)
        assert "lp" in g.details["bounds"]
        assert g.details["bounds"]["lp"] >= _brute_opt(A.toarray(), w, 3) - 1e-9


def test_greedy_edge_cases():
    d, c, w, r = _random_case(1)
    A = st.build_coverage(d, c, r)
    g0 = st.greedy_mclp(A, w, 0)
    assert len(g0.chosen) == 0 and g0.objective == 0 and g0.bound == 0
    gall = st.greedy_mclp(A, w, 50)  # p > candidates: stops when nothing is gained
    total = float(w[A.toarray().any(1)].sum())
    assert gall.objective == pytest.approx(total) and gall.bound == pytest.approx(total)
    e = st.exact_mclp(A, w, 50)
    assert e.status == "optimal" and e.objective == pytest.approx(total)
    ez = st.exact_mclp(A, np.zeros_like(w), 2)
    assert ez.status == "optimal" and ez.objective == 0
    with pytest.raises(ValueError):
        st.greedy_mclp(A, -w, 2)


def _hard_instance():
    rng = np.random.default_rng(42)
    d = rng.uniform(0, 20000, size=(3000, 2))
    c = rng.uniform(0, 20000, size=(400, 2))
    w = rng.random(3000)
    return st.build_coverage(d, c, 1200.0), w


def test_time_limit_status_is_honest():
    A, w = _hard_instance()
    g = st.greedy_mclp(A, w, 30, lp_bound=False)
    res = st.exact_mclp(A, w, 30, time_limit_s=0.01, warm_start=g.chosen)
    assert res.status in ALLOWED
    assert res.seconds < 10
    assert res.bound >= res.objective - 1e-9
    if res.status == "optimal":  # only if HiGHS really proved it
        assert res.details["highs_status"] == 0 and res.gap <= 1e-6
    else:
        assert res.status == "time_limit"
        assert res.details["highs_status"] == 1
        assert res.objective >= g.objective - 1e-9  # falls back to the warm start
        if math.isfinite(res.bound):
            assert res.gap == pytest.approx((res.bound - res.objective) / res.objective)
        else:
            assert res.gap == math.inf


def test_time_limit_mapping(monkeypatch):
    """A solver stopped by its time limit is never reported as optimal."""
    A, w = _hard_instance()

    def fake_milp(c, **kw):
        x = np.zeros(len(c))
        x[:3] = 1.0
        return scipy.optimize.OptimizeResult(
            status=1,
            success=False,
            message="Time limit reached.",
            x=x,
            fun=-1.0,
            mip_dual_bound=-1e6,
            mip_gap=0.5,
            mip_node_count=1,
        )

    monkeypatch.setattr(st, "milp", fake_milp)
    res = st.exact_mclp(A, w, 5, time_limit_s=1)
    assert res.status == "time_limit" and res.bound == pytest.approx(1e6) and res.gap > 0
    res2 = st.exact_mclp(A, w, 5, time_limit_s=1, upper_bound=500.0)
    assert res2.bound == 500.0 and res2.bound_method == "given"

    def fake_none(c, **kw):
        return scipy.optimize.OptimizeResult(
            status=1, success=False, message="Time limit reached.", x=None, fun=None, mip_dual_bound=None, mip_gap=None
        )

    monkeypatch.setattr(st, "milp", fake_none)
    res = st.exact_mclp(A, w, 5, time_limit_s=1, warm_start=[0, 1])
    assert res.status == "time_limit" and res.gap == math.inf
    assert sorted(res.chosen.tolist()) == [0, 1] and res.details["incumbent"] == "warm_start"


def test_too_large_is_skipped():
    A, w = _hard_instance()
    res = st.exact_mclp(A, w, 5, max_nnz=100, warm_start=[1, 2])
    assert res.status == "skipped" and sorted(res.chosen.tolist()) == [1, 2]


@pytest.fixture(scope="module")
def district():
    subs = synthetic_subdistricts(25, seed=3, bbox=SMALL_BBOX)
    pts = synthetic_points(subs, 20, seed=4)
    return subs, pts


def test_suggest_sites_end_to_end(district):
    subs, pts = district
    res = st.suggest_sites(subs, pts, k=5, radius_m=500, mode="straight", cell_m=200, time_limit_s=5)
    s = res.sites
    assert len(s) == 5 and s.crs.to_epsg() == 4326
    assert s["rank"].tolist() == [1, 2, 3, 4, 5]
    assert np.all(np.diff(s["marginal_area_km2"]) <= 1e-9)
    assert s["subdistrict_code"].isin(subs["code"]).all()
    assert s["marginal_area_km2"].sum() == pytest.approx(res.new_covered_weight)
    assert res.greedy.objective <= res.exact.objective + 1e-9 <= res.greedy.bound + 2e-9
    if res.improved is not None:
        assert res.greedy.objective <= res.improved.objective + 1e-9
        assert res.new_covered_weight >= res.improved.objective - 1e-9
    assert res.exact.status in ALLOWED
    assert res.source in ("greedy", "swap", "exact")
    # the suggestions do not target demand that existing points already cover
    grid = cv.demand_grid(subs, 200)
    done = st.covered_mask(grid[["x", "y"]], cv.point_xy(pts), 500)
    assert res.existing_covered_weight == pytest.approx(grid["weight_km2"][done].sum())
    # on the demand grid, the suggested sites cover exactly the objective's new weight
    new_xy = cv.lonlat_to_xy(s[["lon", "lat"]].to_numpy())
    now = st.covered_mask(grid[["x", "y"]], np.vstack([cv.point_xy(pts), new_xy]), 500)
    assert grid["weight_km2"][now & ~done].sum() == pytest.approx(res.new_covered_weight, rel=1e-6)
    # the exact geometric gain is close to that grid estimate (sites chosen on a 200 m
    # grid favour positions that catch many cell centres, so allow 20 %)
    before = cv.district_summary(subs, pts, 500, cell_m=200)
    after = cv.district_summary(subs, cv.with_extra_points(pts, s[["lon", "lat"]].to_numpy()), 500, cell_m=200)
    gained = after["covered_area_km2"] - before["covered_area_km2"]
    assert gained == pytest.approx(res.new_covered_weight, rel=0.2)
    # walking radius is smaller
    rw = st.suggest_sites(subs, pts, k=5, radius_m=500, mode="walking", cell_m=200, run_exact=False)
    assert rw.effective_radius_m == pytest.approx(500 / 1.3)
    assert rw.exact is None and rw.new_covered_weight < res.new_covered_weight


def test_suggest_sites_candidates_and_population(district):
    subs, pts = district
    cands = [(121.75, 39.10), (121.78, 39.08), (121.72, 39.12)]
    res = st.suggest_sites(subs, pts, k=2, candidates=cands, cell_m=200)
    assert res.n_candidates == 3 and len(res.sites) <= 2
    got = set(map(tuple, np.round(res.sites[["lon", "lat"]].to_numpy(), 6)))
    assert got <= set(map(tuple, np.round(cands, 6)))
    with pytest.raises(ValueError, match="population"):
        st.suggest_sites(subs, pts, k=2, weights="population", cell_m=300)
    subs_pop = synthetic_subdistricts(25, seed=3, bbox=SMALL_BBOX, population=True)
    rp = st.suggest_sites(subs_pop, pts, k=3, weights="population", cell_m=300)
    assert rp.total_weight == pytest.approx(subs_pop["pop_60plus"].sum())
    assert len(rp.sites) == 3
