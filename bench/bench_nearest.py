"""Benchmark: exact nearest-meal-point search, KD-tree index vs numpy brute force.

Run ``python bench/bench_nearest.py``. For each layer size (60 points, the real
meal-point count, and a synthetic 100,000) it times building a
:class:`geo.nearest.PointIndex`, then the per-query latency (median and p95 over
1,000 random queries in the Jinpu bounding box, k=5) of ``PointIndex.nearest``
and of a numpy brute-force haversine search, and asserts both give the same
answer. :func:`run` returns the figures for a combined report.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # repo root, for `geo`

from geo.core.distance import haversine_m
from geo.core.nearest import PointIndex

BBOX = (121.44, 39.0, 122.30, 39.55)  # lon0, lat0, lon1, lat1 (Jinpu)
SIZES = (60, 100_000)
N_QUERIES = 1_000
K = 5
SEED = 20250601


def _points(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    return rng.uniform(BBOX[0], BBOX[2], n), rng.uniform(BBOX[1], BBOX[3], n)


def brute_nearest(
    lons: np.ndarray, lats: np.ndarray, qlon: float, qlat: float, k: int
) -> tuple[np.ndarray, np.ndarray]:
    """Numpy baseline: haversine to every point, k smallest by (distance, index)."""
    d = haversine_m(qlon, qlat, lons, lats)
    k = min(k, d.size)
    kth = np.partition(d, k - 1)[k - 1]
    idx = np.flatnonzero(d <= kth)
    order = np.lexsort((idx, d[idx]))[:k]
    return idx[order], d[idx][order]


def _time_queries(fn, qlons: np.ndarray, qlats: np.ndarray) -> tuple[np.ndarray, list]:
    times = np.empty(qlons.size)
    answers = []
    for i, (x, y) in enumerate(zip(qlons, qlats)):
        t0 = time.perf_counter()
        answers.append(fn(x, y))
        times[i] = time.perf_counter() - t0
    return times, answers


def run(sizes: tuple[int, ...] = SIZES, n_queries: int = N_QUERIES, k: int = K, seed: int = SEED) -> list[dict]:
    """Run the benchmark; one dict per layer size (times in milliseconds).

    Keys: ``n_points, k, n_queries, build_ms, index_median_ms, index_p95_ms,
    brute_median_ms, brute_p95_ms, speedup_median`` (brute/index), ``agree``.
    Raises AssertionError if any index answer differs from brute force.
    """
    rng = np.random.default_rng(seed)
    rows: list[dict] = []
    for n in sizes:
        lons, lats = _points(rng, n)
        qlons, qlats = _points(rng, n_queries)

        builds = []
        for _ in range(5):
            t0 = time.perf_counter()
            index = PointIndex(lons, lats)
            builds.append(time.perf_counter() - t0)

        index.nearest(qlons[0], qlats[0], k=k)  # warm-up
        brute_nearest(lons, lats, qlons[0], qlats[0], k)
        t_idx, a_idx = _time_queries(lambda x, y, index=index, k=k: index.nearest(x, y, k=k), qlons, qlats)
        t_bf, a_bf = _time_queries(
            lambda x, y, lons=lons, lats=lats, k=k: brute_nearest(lons, lats, x, y, k), qlons, qlats
        )

        for (i1, d1), (i2, d2) in zip(a_idx, a_bf):
            assert np.array_equal(i1, i2), f"index disagrees with brute force at n={n}"
            assert np.allclose(d1, d2, rtol=0, atol=1e-6), f"distances disagree at n={n}"

        med_idx, med_bf = float(np.median(t_idx)), float(np.median(t_bf))
        rows.append(
            {
                "n_points": n,
                "k": k,
                "n_queries": n_queries,
                "build_ms": 1e3 * float(np.median(builds)),
                "index_median_ms": 1e3 * med_idx,
                "index_p95_ms": 1e3 * float(np.percentile(t_idx, 95)),
                "brute_median_ms": 1e3 * med_bf,
                "brute_p95_ms": 1e3 * float(np.percentile(t_bf, 95)),
                "speedup_median": med_bf / med_idx,
                "agree": True,
            }
        )
    return rows


def format_table(rows: list[dict]) -> str:
    head = (
        f"{'points':>8} {'build ms':>9} {'index med ms':>13} {'index p95 ms':>13} "
        f"{'brute med ms':>13} {'brute p95 ms':>13} {'speed-up':>9} {'agree':>6}"
    )
    lines = [head, "-" * len(head)]
    for r in rows:
        lines.append(
            f"{r['n_points']:>8,} {r['build_ms']:>9.3f} {r['index_median_ms']:>13.4f} {r['index_p95_ms']:>13.4f} "
            f"{r['brute_median_ms']:>13.4f} {r['brute_p95_ms']:>13.4f} {r['speedup_median']:>8.1f}x {r['agree']!s:>6}"
        )
    return "\n".join(lines)


def main() -> None:
    t0 = time.perf_counter()
    rows = run()
    print(f"Nearest meal point: k={K}, {N_QUERIES:,} random queries in the Jinpu bbox, per-query latency")
    print(format_table(rows))
    print(f"(speed-up = brute median / index median; total {time.perf_counter() - t0:.1f} s)")


if __name__ == "__main__":
    main()
