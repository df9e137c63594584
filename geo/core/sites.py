"""Site suggestion: the maximal covering location problem (MCLP).

Choose ``p`` candidate sites that maximise the demand weight within the
(straight-line) radius of at least one chosen site.  Demand already within
the radius of an existing meal point counts as covered and gets weight 0, so
suggestions target uncovered demand (see :func:`covered_mask`).

Two solvers share one sparse coverage matrix (:func:`build_coverage`, KD-tree
pairs within the radius, never a dense loop):

* :func:`greedy_mclp` – vectorised incremental gains with sparse ops; returns
  an upper bound on the optimum (the smallest of the LP relaxation bound,
  the online submodular bound and the classic greedy / (1 - 1/e) bound; the
  one that won is named in ``bound_method``).
* :func:`swap_mclp` – best-improvement 1-swap local search from the greedy
  set (all swaps evaluated at once with sparse products; milliseconds).
* :func:`exact_mclp` – ``scipy.optimize.milp`` (HiGHS) under a time limit; the
  status is the solver's real one: ``"optimal"`` only when HiGHS proved it
  (within ``mip_rel_gap``), ``"time_limit"`` with the best objective found,
  the dual bound and the gap otherwise, or ``"infeasible"`` / ``"error"``.

Plain Python, no streamlit.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import TypeAlias

import geopandas as gpd
import numpy as np
import pandas as pd
import scipy.sparse as sp
import shapely
from numpy.typing import ArrayLike, NDArray
from scipy.optimize import LinearConstraint, linprog, milp
from scipy.spatial import cKDTree

from geo.core import coverage as cv

__all__ = [
    "MCLPResult",
    "SiteSuggestion",
    "build_coverage",
    "covered_mask",
    "exact_mclp",
    "greedy_mclp",
    "sequence_marginals",
    "suggest_sites",
    "swap_mclp",
]

_LP_SAFETY = 1e-7  # relative margin on the LP bound (HiGHS feasibility tolerance)

#: A coverage matrix (n_demand × n_candidate, True where a candidate covers a demand
#: point): a scipy sparse matrix or anything ``scipy.sparse.csr_matrix`` accepts.
CoverLike: TypeAlias = "sp.spmatrix | sp.sparray | ArrayLike"
#: Candidate column indices.
IndexArray: TypeAlias = "NDArray[np.int_]"


@dataclass
class MCLPResult:
    """Outcome of an MCLP solve.

    ``chosen``: candidate column indices (greedy: in selection order; exact:
    ascending).  ``objective``: covered weight of ``chosen`` (recomputed from
    the coverage matrix).  ``bound``: a proven upper bound on the optimum.
    ``gap``: (bound - objective) / objective (0 when both are 0, inf when only
    the objective is 0).  ``status``: "heuristic" (greedy), "optimal",
    "time_limit", "skipped" (model too large), "infeasible" or "error".
    """

    chosen: IndexArray
    objective: float
    bound: float
    status: str
    gap: float
    seconds: float
    method: str = ""
    bound_method: str = ""
    marginal: NDArray[np.float64] | None = None
    message: str = ""
    details: dict[str, object] = field(default_factory=dict)  # solver diagnostics

    @property
    def proven(self) -> bool:
        """The bound equals the objective (to 1e-9 relative): this answer is optimal."""
        return self.bound <= self.objective * (1 + 1e-9) + 1e-12


def _gap(objective: float, bound: float) -> float:
    if not math.isfinite(bound):
        return math.inf
    if objective <= 0:
        return 0.0 if bound <= 1e-12 else math.inf
    return max(0.0, (bound - objective) / objective)


# --------------------------------------------------------------------------- coverage matrix


def build_coverage(demand_xy: ArrayLike, candidate_xy: ArrayLike, radius_m: float) -> sp.csr_matrix:
    """Boolean CSR matrix (n_demand × n_candidate): True where distance <= radius.

    Built from cKDTree pairs within the radius (``sparse_distance_matrix``),
    coordinates in metres.
    """
    d = np.asarray(demand_xy, dtype=float).reshape(-1, 2)
    c = np.asarray(candidate_xy, dtype=float).reshape(-1, 2)
    shape = (len(d), len(c))
    if len(d) == 0 or len(c) == 0:
        return sp.csr_matrix(shape, dtype=bool)
    pairs = cKDTree(d).sparse_distance_matrix(cKDTree(c), float(radius_m), output_type="ndarray")
    m = sp.csr_matrix((np.ones(len(pairs), dtype=bool), (pairs["i"], pairs["j"])), shape=shape, dtype=bool)
    m.sort_indices()
    return m


def covered_mask(demand_xy: ArrayLike, existing_xy: ArrayLike, radius_m: float) -> NDArray[np.bool_]:
    """True for demand within ``radius_m`` of any existing point (already covered).

    Multiply weights by ``~mask`` so that suggestions target uncovered demand.
    """
    d = np.asarray(demand_xy, dtype=float).reshape(-1, 2)
    e = np.asarray(existing_xy, dtype=float).reshape(-1, 2)
    if len(d) == 0 or len(e) == 0:
        return np.zeros(len(d), dtype=bool)
    dist: NDArray[np.float64]
    dist, _ = cKDTree(e).query(d, k=1, distance_upper_bound=float(radius_m) * (1 + 1e-12))
    return dist <= radius_m


def _prepare(cover: CoverLike, weights: ArrayLike) -> tuple[sp.csr_matrix, NDArray[np.float64]]:
    """The coverage as a boolean CSR matrix and the weights as floats, one per demand
    row, finite and >= 0 (ValueError otherwise)."""
    A = sp.csr_matrix(cover, dtype=bool)
    w = np.asarray(weights, dtype=float).ravel()
    if w.shape[0] != A.shape[0]:
        raise ValueError("weights must have one value per demand row")
    if not np.isfinite(w).all() or (w < 0).any():
        raise ValueError("weights must be finite and >= 0")
    return A, w


def _objective(A: sp.csr_matrix, w: NDArray[np.float64], chosen: ArrayLike) -> float:
    chosen = np.asarray(chosen, dtype=int)
    if len(chosen) == 0:
        return 0.0
    hit = np.asarray(A[:, chosen].sum(axis=1)).ravel() > 0
    return float(w[hit].sum())


# --------------------------------------------------------------------------- bounds


def _reduce(A: sp.csr_matrix, w: NDArray[np.float64]) -> tuple[NDArray[np.intp], NDArray[np.intp], sp.csr_matrix]:
    """Rows with weight that some candidate covers; columns covering any of them."""
    rows = np.flatnonzero((w > 0) & (A.getnnz(axis=1) > 0))
    Ar = A[rows]
    cols = np.flatnonzero(Ar.getnnz(axis=0) > 0)
    return rows, cols, Ar[:, cols]


def _lp_bound(A: sp.csr_matrix, w: NDArray[np.float64], p: int, time_limit_s: float | None = None) -> float:
    """LP relaxation optimum (x, y in [0, 1]) — an upper bound on the MCLP optimum.

    Returns inf when the LP was not solved to optimality (e.g. time limit):
    an unfinished LP value is not a valid bound.
    """
    rows, _cols, Ar = _reduce(A, w)
    if len(rows) == 0:
        return 0.0
    Ar = Ar.astype(float)
    nd, nc = Ar.shape
    if p >= nc:
        return float(w[rows].sum())
    c = np.concatenate([np.zeros(nc), -w[rows]])
    A_ub = sp.vstack(
        [
            sp.hstack([-Ar, sp.identity(nd, format="csr")]),
            sp.hstack([sp.csr_matrix(np.ones((1, nc))), sp.csr_matrix((1, nd))]),
        ],
        format="csr",
    )
    b_ub = np.concatenate([np.zeros(nd), [p]])
    options = {} if time_limit_s is None else {"time_limit": float(time_limit_s)}
    res = linprog(c, A_ub=A_ub, b_ub=b_ub, bounds=(0, 1), method="highs", options=options)
    if res.status != 0:
        return math.inf
    val = -float(res.fun)
    return val + _LP_SAFETY * max(1.0, abs(val))


# --------------------------------------------------------------------------- greedy


LP_AUTO_MAX_NNZ = 300_000  # lp_bound="auto": skip the LP above this many coverage pairs
LP_AUTO_TIME_S = 5.0  # lp_bound="auto": LP time limit (an unfinished LP gives no bound)


def greedy_mclp(cover: CoverLike, weights: ArrayLike, p: int, lp_bound: bool | str = "auto") -> MCLPResult:
    """Greedy MCLP: repeatedly add the candidate with the largest uncovered weight.

    Gains are kept as one vector and updated incrementally with sparse
    products (only the rows newly covered by the chosen column are
    subtracted).  Ties go to the lowest index.  Stops early when no candidate
    adds weight (then the greedy set is optimal).

    Upper bound (``bound``; which one won is in ``bound_method``), the minimum of:

    * ``"lp"`` – LP relaxation value (HiGHS via ``scipy.optimize.linprog``;
      usually the tightest, costs an LP solve).  ``lp_bound=True``: always;
      ``"auto"`` (default): only when the other bounds leave a gap and the
      reduced problem has at most ``LP_AUTO_MAX_NNZ`` coverage pairs, with
      an ``LP_AUTO_TIME_S`` time limit; ``False``: never;
    * ``"online"`` – for every greedy prefix S, f(S) + sum of the p largest
      marginal gains w.r.t. S (valid because coverage is monotone submodular);
    * ``"submodular"`` – greedy / (1 - 1/e);
    * ``"total"`` – total weight of the demand that any candidate covers.
    """
    t0 = time.perf_counter()
    A, w = _prepare(cover, weights)
    p = max(0, int(p))
    _nd, nc = A.shape
    Af = A.astype(np.float64)
    csc = A.tocsc()
    remaining = w.copy()
    gains = Af.T @ remaining
    taken = np.zeros(nc, dtype=bool)
    chosen: list[int] = []
    marginal: list[float] = []
    covered_w = 0.0
    online = math.inf
    steps = min(p, nc)
    for _ in range(steps + 1):
        g = np.where(taken, 0.0, np.maximum(gains, 0.0))
        if p == 0:
            top = g[:0]
        elif p < nc:
            top = np.partition(g, nc - p)[nc - p :]
        else:
            top = g
        online = min(online, covered_w + float(top.sum()))
        if len(chosen) == steps:
            break
        j = int(np.argmax(g))
        if g[j] <= 0:
            break
        rows = csc.indices[csc.indptr[j] : csc.indptr[j + 1]]
        rows = rows[remaining[rows] > 0]
        gain = float(remaining[rows].sum())
        if len(rows):
            gains -= Af[rows].T @ remaining[rows]
            remaining[rows] = 0.0
        taken[j] = True
        chosen.append(j)
        marginal.append(gain)
        covered_w += gain
    chosen_arr = np.asarray(chosen, dtype=int)
    objective = _objective(A, w, chosen_arr)
    total = float(w[A.getnnz(axis=1) > 0].sum())
    bounds = {"online": online * (1 + 1e-12), "total": total}
    bounds["submodular"] = objective / (1 - 1 / math.e) if len(chosen) == steps else objective
    t_greedy = time.perf_counter() - t0
    if lp_bound == "auto":
        best = min(bounds.values())
        if best > objective * (1 + 1e-9) + 1e-12:
            rows = (w > 0) & (A.getnnz(axis=1) > 0)
            if int(A[rows].nnz) <= LP_AUTO_MAX_NNZ:
                bounds["lp"] = _lp_bound(A, w, p, LP_AUTO_TIME_S)
    elif lp_bound:
        bounds["lp"] = _lp_bound(A, w, p)
    t_lp = time.perf_counter() - t0 - t_greedy
    method = min(bounds, key=lambda name: bounds[name])
    bound = max(bounds[method], objective)
    return MCLPResult(
        chosen=chosen_arr,
        objective=objective,
        bound=bound,
        status="heuristic",
        gap=_gap(objective, bound),
        seconds=time.perf_counter() - t0,
        method="greedy",
        bound_method=method,
        marginal=np.asarray(marginal),
        details={"bounds": bounds, "greedy_seconds": t_greedy, "lp_seconds": t_lp},
    )


def swap_mclp(
    cover: CoverLike, weights: ArrayLike, chosen: ArrayLike, max_iter: int = 10_000, time_limit_s: float = 5.0
) -> MCLPResult:
    """Improve a solution by best-improvement 1-swaps (one site out, one in).

    Every iteration evaluates all (out, in) pairs at once with sparse
    products: for j in the solution and k outside it, the change is
    gain(k) - loss(j) + w(rows covered only by j that k also covers), where
    the last term is ``Aᵀ diag(w·[count = 1]) A_S``.  Stops at a local optimum
    (no swap improves), after ``max_iter`` swaps or ``time_limit_s``.  The
    ``bound`` is the trivial total coverable weight unless the result is
    given a better one by the caller; ``status`` is "heuristic".
    """
    t0 = time.perf_counter()
    A, w = _prepare(cover, weights)
    S = list(dict.fromkeys(int(j) for j in np.asarray(chosen, dtype=int)))
    _nd, nc = A.shape
    Af = A.astype(np.float64).tocsc()
    AfT = Af.T.tocsr()
    n_swaps = 0
    while S and len(S) < nc and n_swaps < max_iter and time.perf_counter() - t0 < time_limit_s:
        cnt = np.asarray(Af[:, S].sum(axis=1)).ravel()
        w0 = np.where(cnt == 0, w, 0.0)
        w1 = np.where(cnt == 1, w, 0.0)
        gain = AfT @ w0  # (nc,)
        AS = Af[:, S]  # nd × |S|
        loss = np.asarray(AS.T @ w1).ravel()  # (|S|,)
        corr = (AfT @ AS.multiply(w1[:, None]).tocsc()).toarray()  # nc × |S|
        delta = gain[:, None] - loss[None, :] + corr
        delta[S, :] = -np.inf  # k must be outside the solution
        k, jpos = np.unravel_index(int(np.argmax(delta)), delta.shape)
        if delta[k, jpos] <= 1e-9 * max(1.0, float(w.sum())):
            break
        S[jpos] = int(k)
        n_swaps += 1
    S_arr = np.asarray(S, dtype=int)
    obj = _objective(A, w, S_arr)
    total = float(w[A.getnnz(axis=1) > 0].sum())
    return MCLPResult(
        chosen=S_arr,
        objective=obj,
        bound=max(total, obj),
        status="heuristic",
        gap=_gap(obj, total),
        seconds=time.perf_counter() - t0,
        method="swap",
        bound_method="total",
        details={"swaps": n_swaps},
    )


# --------------------------------------------------------------------------- exact


EXACT_MAX_NNZ = 1_000_000  # larger models are not sent to HiGHS (status "skipped")


def exact_mclp(
    cover: CoverLike,
    weights: ArrayLike,
    p: int,
    time_limit_s: float = 10,
    warm_start: ArrayLike | None = None,
    mip_rel_gap: float = 1e-6,
    presolve: bool = False,
    upper_bound: float | None = None,
    max_nnz: int | None = EXACT_MAX_NNZ,
) -> MCLPResult:
    """Exact MCLP with ``scipy.optimize.milp`` (HiGHS) under a time limit.

    Model: max Σ w_i y_i  s.t.  y_i <= Σ_{j covers i} x_j,  Σ x_j <= p,
    x binary, 0 <= y <= 1 (y is integral at an optimum).  Rows with zero
    weight or no covering candidate and columns covering none of the rest are
    removed first (this does not change the optimum).

    Status: ``"optimal"`` only when HiGHS reports a proven optimum (relative
    gap <= ``mip_rel_gap``); ``"time_limit"`` when the limit stopped it
    (``objective`` = best solution found, ``bound`` = HiGHS's dual bound,
    ``gap`` from both); ``"infeasible"`` / ``"error"`` otherwise.
    ``warm_start`` (candidate indices, e.g. the greedy choice): scipy's milp
    cannot pass a MIP start to HiGHS, so it is used as the fallback incumbent
    when the solver stops with nothing better (noted in ``message``).

    ``presolve`` is off by default: HiGHS presolve is superlinear on this
    model (its one dense cardinality row) and does not honour the time
    limit (measured: 2 s at 2,000 rows; > 300 s with a 5 s limit at 112,000
    rows), while without it the limit holds and small models solve as fast.

    ``upper_bound``: a bound already proven elsewhere (e.g. the greedy
    bound); the reported ``bound`` is the smaller of it and HiGHS's.
    ``max_nnz``: models with more coverage pairs (after reduction) are not
    solved: HiGHS overruns short time limits on them (measured: 2.3 M pairs,
    5 s limit -> 14 s; 8.8 M pairs -> 33 s).  Status ``"skipped"``, with the
    warm start as the solution.
    """
    t0 = time.perf_counter()
    A, w = _prepare(cover, weights)
    p = max(0, int(p))
    ws = None if warm_start is None else np.unique(np.asarray(warm_start, dtype=int))[:p]
    ws_obj = _objective(A, w, ws) if ws is not None and len(ws) else 0.0

    def done(
        chosen_like: ArrayLike, status: str, bound: float, message: str = "", details: dict[str, object] | None = None
    ) -> MCLPResult:
        chosen = np.asarray(chosen_like, dtype=int)
        obj = _objective(A, w, chosen)
        method = "milp" if status == "optimal" else "milp_dual"
        if upper_bound is not None and upper_bound < bound:
            bound, method = float(upper_bound), "given"
        if status == "optimal":
            bound = max(bound, obj)
        return MCLPResult(
            chosen=chosen,
            objective=obj,
            bound=bound,
            status=status,
            gap=_gap(obj, bound),
            seconds=time.perf_counter() - t0,
            method="milp",
            bound_method=method,
            message=message,
            details=details or {},
        )

    rows, cols, Ar = _reduce(A, w)
    if p == 0 or len(rows) == 0:
        return done([], "optimal", 0.0, "nothing to cover")
    if p >= len(cols):
        return done(cols, "optimal", float(w[rows].sum()), "p >= useful candidates: all chosen")
    if max_nnz is not None and Ar.nnz > max_nnz:
        return done(
            ws if ws is not None else [],
            "skipped",
            math.inf,
            f"model too large for an exact solve ({Ar.nnz:,} coverage pairs > {max_nnz:,})"
            + ("; solution = warm start" if ws is not None else ""),
            {"incumbent": "warm_start" if ws is not None else "none", "nnz": int(Ar.nnz)},
        )
    Ar = Ar.astype(float)
    nd, nc = Ar.shape
    c = np.concatenate([np.zeros(nc), -w[rows]])
    M = sp.vstack(
        [
            sp.hstack([-Ar, sp.identity(nd, format="csr")]),
            sp.hstack([sp.csr_matrix(np.ones((1, nc))), sp.csr_matrix((1, nd))]),
        ],
        format="csr",
    )
    ub = np.concatenate([np.zeros(nd), [p]])
    cons = LinearConstraint(M, -np.inf, ub)
    integrality = np.concatenate([np.ones(nc), np.zeros(nd)])
    opts = {
        "time_limit": float(time_limit_s),
        "mip_rel_gap": float(mip_rel_gap),
        "disp": False,
        "presolve": bool(presolve),
    }
    try:
        res = milp(c, integrality=integrality, bounds=(0, 1), constraints=cons, options=opts)
    except Exception as exc:  # pragma: no cover - solver failure
        fallback: ArrayLike = ws if ws is not None else []
        return done(fallback, "error", math.inf, f"milp failed: {exc!r}")

    dual = getattr(res, "mip_dual_bound", None)
    bound = -float(dual) if dual is not None and np.isfinite(dual) else math.inf
    details: dict[str, object] = {
        "highs_status": int(res.status),
        "highs_message": str(res.message),
        "mip_gap": getattr(res, "mip_gap", None),
        "mip_node_count": getattr(res, "mip_node_count", None),
        "n_rows": nd,
        "n_cols": nc,
    }
    found = cols[res.x[:nc] > 0.5] if res.x is not None else np.array([], dtype=int)
    details["incumbent"] = "solver" if res.x is not None else "none"
    if res.status == 0:
        return done(found, "optimal", bound, str(res.message), details)
    if res.status == 1:
        msg = str(res.message)
        chosen = found
        if ws is not None and ws_obj >= _objective(A, w, found):
            chosen = ws
            details["incumbent"] = "warm_start"
            msg += " | incumbent: warm start (the solver found nothing better)"
        return done(chosen, "time_limit", bound, msg, details)
    if res.status == 2:
        return done([], "infeasible", math.inf, str(res.message), details)
    return done(ws if ws is not None else [], "error", math.inf, str(res.message), details)


def sequence_marginals(
    cover: CoverLike, weights: ArrayLike, chosen: ArrayLike
) -> tuple[IndexArray, NDArray[np.float64]]:
    """Order ``chosen`` greedily (largest marginal first); return (order, marginal weights)."""
    A, w = _prepare(cover, weights)
    idx = np.asarray(chosen, dtype=int)
    if len(idx) == 0:
        return idx, np.zeros(0)
    sub = A[:, idx]
    r = greedy_mclp(sub, w, len(idx), lp_bound=False)
    assert r.marginal is not None  # greedy_mclp always gives the marginal gains
    order = list(r.chosen)
    marg = list(r.marginal)
    seen = set(order)
    rest = [i for i in range(len(idx)) if i not in seen]  # sites that add nothing new
    order += rest
    marg += [0.0] * len(rest)
    return idx[np.asarray(order, dtype=int)], np.asarray(marg, dtype=float)


# --------------------------------------------------------------------------- suggestion


@dataclass
class SiteSuggestion:
    """Result of :func:`suggest_sites`.

    ``sites``: GeoDataFrame (EPSG:4326) of the suggested sites of the best
    solution (``source``), with ``rank`` (1 = largest marginal gain),
    ``lon``, ``lat``, ``marginal_area_km2`` (area newly brought within the
    radius by this site, given the better-ranked ones, grid estimate),
    ``marginal_weight`` (in the optimisation weight), ``subdistrict_code``
    (containing subdistrict, NaN outside) and ``candidate_index``.
    """

    sites: gpd.GeoDataFrame
    greedy: MCLPResult
    improved: MCLPResult | None
    exact: MCLPResult | None
    source: str
    weights: str
    radius_m: float
    mode: str
    effective_radius_m: float
    n_demand: int
    n_candidates: int
    total_weight: float
    existing_covered_weight: float
    new_covered_weight: float
    #: side of the demand / candidate grid cells, metres
    cell_m: float = 0.0


def _candidate_xy(candidates: gpd.GeoDataFrame | gpd.GeoSeries | ArrayLike) -> NDArray[np.float64]:
    if isinstance(candidates, gpd.GeoSeries):
        candidates = gpd.GeoDataFrame(geometry=candidates)
    if isinstance(candidates, gpd.GeoDataFrame):
        g = cv.to_metric(candidates[[candidates.geometry.name]]).geometry.values
        if not (shapely.get_type_id(np.asarray(g)) == 0).all():
            raise ValueError("candidates must be Point geometries")
        return shapely.get_coordinates(np.asarray(g))[:, :2]
    a = np.asarray(candidates, dtype=float).reshape(-1, 2)
    if not np.isfinite(a).all():
        raise ValueError("candidate coordinates must be finite (lon, lat)")
    return cv.lonlat_to_xy(a)


def _cell_population(subdistricts: gpd.GeoDataFrame, grid: pd.DataFrame) -> NDArray[np.float64]:
    basis = cv.population_basis(subdistricts)
    why = cv.unavailable_metrics(subdistricts).get("pop_weighted_covered_share")
    if basis is None or why is not None:
        missing = f"{why.n_missing} of {why.n_total} have none" if why is not None else "none supplied"
        raise ValueError(f"weights='population' needs population figures for every subdistrict: {missing}")
    pop = cv.population(subdistricts, basis)
    area = grid.groupby("code")["weight_km2"].transform("sum").to_numpy()
    cell_pop: NDArray[np.float64] = (
        pop.reindex(grid["code"]).to_numpy(dtype=float) * grid["weight_km2"].to_numpy() / area
    )
    return cell_pop


def suggest_sites(
    subdistricts: gpd.GeoDataFrame,
    points: gpd.GeoDataFrame | None,
    k: int,
    radius_m: float = 500,
    mode: str = "straight",
    cell_m: float = 200,
    candidates: gpd.GeoDataFrame | gpd.GeoSeries | ArrayLike | None = None,
    weights: str = "area",
    time_limit_s: float = 10,
    candidate_cell_m: float | None = None,
    run_exact: bool = True,
    lp_bound: bool | str = "auto",
    swap_time_s: float = 2.0,
) -> SiteSuggestion:
    """Suggest ``k`` new meal-point sites that cover the most uncovered demand.

    Demand: the ``cell_m`` grid of :func:`geo.core.coverage.demand_grid`, weighted
    by area (``weights="area"``, km²) or by population spread uniformly over
    each subdistrict's cells (``weights="population"``; raises ValueError when
    figures are missing).  Cells within the effective radius of an existing
    point are already covered (weight 0).

    Candidates: by default the centres of the demand grid (or of a coarser
    ``candidate_cell_m`` grid); or a user list: GeoDataFrame/GeoSeries of
    points or an array of (lon, lat).

    Runs :func:`greedy_mclp` (instant, with its bound), improves it with
    :func:`swap_mclp` (``improved``, at most ``swap_time_s``) and, if
    ``run_exact``, :func:`exact_mclp` under ``time_limit_s`` warm-started
    from the better of the two.  When the greedy bound already proves the
    greedy set optimal, swap and MILP are skipped and ``exact`` reports
    "optimal".  The best solution is returned in ``sites`` (``source``:
    "greedy", "swap" or "exact").
    """
    r_eff = cv.effective_radius(radius_m, mode)
    if weights not in ("area", "population"):
        raise ValueError("weights must be 'area' or 'population'")
    grid = cv.demand_grid(subdistricts, cell_m)
    dxy = grid[["x", "y"]].to_numpy()
    area_w = grid["weight_km2"].to_numpy()
    w = area_w if weights == "area" else _cell_population(subdistricts, grid)
    done = covered_mask(dxy, cv.point_xy(points), r_eff)
    w_eff = np.where(done, 0.0, w)
    area_eff = np.where(done, 0.0, area_w)

    if candidates is None:
        cgrid = grid if candidate_cell_m is None else cv.demand_grid(subdistricts, candidate_cell_m)
        cxy = cgrid[["x", "y"]].to_numpy()
    else:
        cxy = _candidate_xy(candidates)
    cover = build_coverage(dxy, cxy, r_eff)

    greedy = greedy_mclp(cover, w_eff, k, lp_bound=lp_bound)
    proven = greedy.proven
    improved = None
    if not proven and len(greedy.chosen):
        improved = swap_mclp(cover, w_eff, greedy.chosen, time_limit_s=swap_time_s)
        improved.bound, improved.bound_method = greedy.bound, greedy.bound_method
        improved.gap = _gap(improved.objective, improved.bound)
    start = greedy if improved is None or improved.objective <= greedy.objective else improved
    exact = None
    if run_exact and proven:
        # the greedy bound already proves optimality: no MILP needed
        exact = MCLPResult(
            chosen=np.sort(greedy.chosen),
            objective=greedy.objective,
            bound=greedy.bound,
            status="optimal",
            gap=greedy.gap,
            seconds=0.0,
            method="greedy",
            bound_method=greedy.bound_method,
            message=f"greedy proven optimal by the {greedy.bound_method} bound",
        )
    elif run_exact:
        exact = exact_mclp(
            cover, w_eff, k, time_limit_s=time_limit_s, warm_start=start.chosen, upper_bound=greedy.bound
        )
    best, source = start, start.method  # "greedy" or "swap"
    if exact is not None and exact.status in ("optimal", "time_limit"):
        from_solver = exact.details.get("incumbent", "solver") == "solver" or exact.method == "greedy"
        if exact.status == "optimal" or (from_solver and exact.objective > start.objective):
            best, source = exact, "exact"

    order, marg_w = sequence_marginals(cover, w_eff, best.chosen)
    # marginal area in the same order
    marg_area = []
    rem = area_eff.copy()
    ccsc = cover.tocsc()
    for j in order:
        rows = ccsc.indices[ccsc.indptr[j] : ccsc.indptr[j + 1]]
        marg_area.append(float(rem[rows].sum()))
        rem[rows] = 0.0
    lonlat = cv.xy_to_lonlat(cxy[order]) if len(order) else np.empty((0, 2))
    sites = gpd.GeoDataFrame(
        {
            "rank": np.arange(1, len(order) + 1, dtype=int),
            "lon": lonlat[:, 0],
            "lat": lonlat[:, 1],
            "marginal_area_km2": np.asarray(marg_area, dtype=float),
            "marginal_weight": marg_w,
            "candidate_index": np.asarray(order, dtype=int),
            "source": source,
        },
        geometry=shapely.points(lonlat) if len(order) else [],
        crs=cv.WGS84,
    )
    sites["subdistrict_code"] = cv.assign_points(subdistricts, sites[["geometry"]], "spatial").to_numpy()
    return SiteSuggestion(
        sites=sites,
        greedy=greedy,
        improved=improved,
        exact=exact,
        source=source,
        weights=weights,
        radius_m=float(radius_m),
        mode=mode,
        effective_radius_m=r_eff,
        n_demand=len(dxy),
        n_candidates=len(cxy),
        total_weight=float(w.sum()),
        existing_covered_weight=float(w[done].sum()),
        new_covered_weight=float(best.objective),
        cell_m=float(cell_m),
    )
