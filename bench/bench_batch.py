"""Benchmark: batch coverage runs (python -m geo coverage-batch) on a synthetic province.

Run:
  python bench/bench_batch.py
      the reference case: ~1,500 units, ~20,000 meal points, 100 m cells over ~150,000 km²
      (a province such as Liaoning, ~15 M cells), radii 300/500/1000 m.  Long: run it on a
      quiet machine.
  python bench/bench_batch.py --units 60 --points 500 --area-km2 2000
      a check of the script itself (< 1 minute).
  python bench/bench_batch.py --largest --memory-bound-mb 3000 --max-seconds 1800
      grows the province (area, units and points x2 per step) on dask with 2 workers until a
      step exceeds the memory bound per worker or the time; reports the largest that completed.

The province (geo.testing.synthetic_province, seeded; two UTM zones) is written once as
GeoParquet; each configuration then runs in its own process (``--one``), so that its peak
memory is its own: ``local`` (one process, no dask), ``dask1`` and ``dask2`` (a LocalCluster
of 1 or 2 worker processes, one thread each).  Figures per configuration:

  wall s        reading the files + preparing + the run (not starting Python)
  run s         the run alone (partitions; for dask including the cluster's start and stop)
  cells         demand cells (each unit's cells once; every radius uses the same cells)
  cells/s       cells / run s
  cells/worker-s  cells / busy s, where busy s is the sum of the partitions' own times: the
                throughput of one worker without the cluster's start (used for the projection)
  peak MB       per worker process: ru_maxrss at the end of its last partition (includes the
                worker's own start-up, ~250 MB); for local, the one process
  driver MB     peak of the process that read the files and collected the results

The results of all configurations are compared (shares within 1e-9, distances within
1e-6 m); the projection to a national run is printed as arithmetic from the measured
cells per second, not as a claim.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from geo.core import batch as bt
from geo.data import batch as bio
from geo.testing import synthetic_province

CONFIGS = {"local": ("local", None), "dask1": ("dask", 1), "dask2": ("dask", 2)}
#: China's land area (km²), for the national projection.
CHINA_KM2 = 9_600_000


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def run_one(config: str, folder: Path, radii: tuple[float, ...], cell: float, partitions: int | None) -> dict:
    """One configuration in this process; returns its figures (printed as JSON by --one)."""
    engine, workers = CONFIGS[config]
    t0 = time.perf_counter()
    units = bio.read_units(folder / "units.parquet")
    points = bio.read_points(folder / "points.parquet")
    pop_path = folder / "population.parquet"
    population = bio.read_population(pop_path) if pop_path.exists() else None
    if units.data is None or points.data is None:
        raise RuntimeError("\n".join(units.lines() + points.lines()))
    params = bt.BatchParams(radii, "straight", cell)
    inputs = bt.prepare_inputs(units.data, points.data, None if population is None else population.data, cell)
    t1 = time.perf_counter()
    if engine == "local":
        res = bt.run_local(inputs, params, partitions or 1)
    else:
        res = bt.run_dask(inputs, params, partitions, workers=workers)
    t2 = time.perf_counter()
    out = folder / f"out_{config}.parquet"
    bio.write_output(bio.output_frame(res, units.data), out, bio.run_metadata(res, params, {}))
    cells = int(res.metrics.drop_duplicates("unit")["n_cells"].sum())
    per_worker: dict[str, float] = {}
    for p in res.partitions:
        per_worker[p.worker] = max(per_worker.get(p.worker, 0.0), p.peak_rss_mb)
    return {
        "config": config,
        "units": inputs.n_units,
        "points": len(inputs.points),
        "partitions": len(res.partitions),
        "workers": res.workers,
        "wall_s": t2 - t0,
        "run_s": t2 - t1,
        "cells": cells,
        "cells_per_s": cells / (t2 - t1),
        "busy_s": sum(p.seconds for p in res.partitions),
        "cells_per_worker_s": cells / sum(p.seconds for p in res.partitions),
        "peak_worker_mb": max(per_worker.values()),
        "peak_per_worker_mb": per_worker,
        "driver_mb": _peak_mb(),
        "halo_max_m": max(p.halo_max_m for p in res.partitions),
    }


def make_province(folder: Path, units: int, points: int, area_km2: float, population: int, seed: int) -> None:
    prov = synthetic_province(units, points, seed=seed, area_km2=area_km2, population=population)
    prov.units.to_parquet(folder / "units.parquet")
    prov.points.to_parquet(folder / "points.parquet")
    if prov.population is not None:
        prov.population.to_parquet(folder / "population.parquet")


def spawn(config: str, folder: Path, args: argparse.Namespace) -> dict:
    cmd = [sys.executable, os.path.abspath(__file__), "--one", config, "--dir", str(folder)]
    cmd += ["--radius", args.radius, "--cell", str(args.cell)]
    if args.partitions:
        cmd += ["--partitions", str(args.partitions)]
    run = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if run.returncode != 0:
        raise RuntimeError(f"{config} failed:\n{run.stderr[-3000:]}")
    return json.loads(run.stdout.strip().splitlines()[-1])


def compare(folder: Path, configs: list[str]) -> str:
    """Largest differences between the configurations' outputs."""
    import geopandas as gpd

    frames = {c: gpd.read_parquet(folder / f"out_{c}.parquet") for c in configs}
    ref = frames[configs[0]]
    worst = {"share": 0.0, "dist": 0.0, "count": 0.0}
    for c in configs[1:]:
        f = frames[c]
        for col, kind in (
            ("covered_share", "share"),
            ("pop_weighted_covered_share", "share"),
            ("mean_dist_m", "dist"),
            ("p90_dist_m", "dist"),
            ("n_points", "count"),
            ("n_cells", "count"),
        ):
            a, b = ref[col].to_numpy(float), f[col].to_numpy(float)
            ok = ~(np.isnan(a) & np.isnan(b))
            worst[kind] = max(worst[kind], float(np.nanmax(np.abs(a[ok] - b[ok]), initial=0.0)))
    equal = worst["share"] <= 1e-9 and worst["dist"] <= 1e-6 and worst["count"] == 0
    return (
        f"results equal across {', '.join(configs)}: {'yes' if equal else 'NO'} "
        f"(max |diff|: shares {worst['share']:.2g}, distances {worst['dist']:.2g} m, counts {worst['count']:.0f})"
    )


def table(rows: list[dict]) -> str:
    head = (
        "| config | units | points | partitions | workers | wall s | run s | busy s | cells | cells/s "
        "| cells/worker-s | peak MB per worker | driver MB |"
    )
    lines = [head, "|" + "---|" * 13]
    for r in rows:
        lines.append(
            f"| {r['config']} | {r['units']:,} | {r['points']:,} | {r['partitions']} | {r['workers']} | "
            f"{r['wall_s']:.1f} | {r['run_s']:.1f} | {r['busy_s']:.1f} | {r['cells']:,} | {r['cells_per_s']:,.0f} | "
            f"{r['cells_per_worker_s']:,.0f} | "
            f"{r['peak_worker_mb']:,.0f} | {r['driver_mb']:,.0f} |"
        )
    return "\n".join(lines)


def projection(rows: list[dict], cell: float) -> str:
    """National run as arithmetic from the measured throughput."""
    by = {r["config"]: r for r in rows}
    base = by.get("dask1") or by.get("local") or rows[0]
    per_worker = base["cells_per_worker_s"]
    cells = CHINA_KM2 * 1e6 / (cell * cell)
    out = [
        f"national grid: {CHINA_KM2:,} km² / ({cell:g} m)² = {cells:,.0f} cells (upper bound: land only)",
        f"throughput per worker measured here ({base['config']}, busy time): {per_worker:,.0f} cells/s",
    ]
    if "dask1" in by and "dask2" in by:
        out.append(f"measured scaling 1 -> 2 workers: x{by['dask2']['cells_per_s'] / by['dask1']['cells_per_s']:.2f}")
    for w in (16, 64, 256):
        sec = cells / (per_worker * w)
        out.append(
            f"  {w:>3} workers, if throughput scales linearly: {cells:,.0f} / ({per_worker:,.0f} x {w}) "
            f"= {sec:,.0f} s ({sec / 60:,.1f} min)"
        )
    out.append(
        f"memory per worker is bounded by one block ({bt.BLOCK_CELLS:,} cells) plus the point arrays, "
        "not by the run: measured above"
    )
    return "\n".join(out)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--units", type=int, default=1500)
    ap.add_argument("--points", type=int, default=20_000)
    ap.add_argument("--area-km2", type=float, default=150_000)
    ap.add_argument("--population", type=int, default=0, help="population points (0: none)")
    ap.add_argument("--cell", type=float, default=100)
    ap.add_argument("--radius", default="300,500,1000")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--configs", default="local,dask1,dask2")
    ap.add_argument("--partitions", type=int)
    ap.add_argument("--largest", action="store_true")
    ap.add_argument("--memory-bound-mb", type=float, default=3000)
    ap.add_argument("--max-seconds", type=float, default=1800)
    ap.add_argument("--max-steps", type=int, default=8)
    ap.add_argument("--one", choices=sorted(CONFIGS))
    ap.add_argument("--dir")
    args = ap.parse_args()
    radii = tuple(float(r) for r in args.radius.split(","))

    if args.one:
        print(json.dumps(run_one(args.one, Path(args.dir), radii, args.cell, args.partitions)))
        return 0

    with tempfile.TemporaryDirectory(prefix="bench_batch_") as tmp:
        folder = Path(tmp)
        if args.largest:
            return largest(folder, args)
        t0 = time.perf_counter()
        make_province(folder, args.units, args.points, args.area_km2, args.population, args.seed)
        print(f"synthetic province: {args.units:,} units, {args.points:,} points, {args.area_km2:,.0f} km², "
              f"cell {args.cell:g} m, radii {args.radius} (made in {time.perf_counter() - t0:.1f} s; {os.cpu_count()} CPUs)")  # fmt: skip
        configs = args.configs.split(",")
        rows = []
        for c in configs:
            rows.append(spawn(c, folder, args))
            print(f"  {c}: run {rows[-1]['run_s']:.1f} s, {rows[-1]['cells_per_s']:,.0f} cells/s", flush=True)
        print()
        print(table(rows))
        print()
        print(compare(folder, configs))
        print()
        print(projection(rows, args.cell))
    return 0


def largest(folder: Path, args: argparse.Namespace) -> int:
    """Double the province until a step breaks the memory bound or the time."""
    done = None
    for step in range(args.max_steps):
        k = 2**step
        sub = folder / f"step{step}"
        sub.mkdir()
        make_province(sub, args.units * k, args.points * k, args.area_km2 * k, args.population * k, args.seed)
        try:
            r = spawn("dask2", sub, args)
        except RuntimeError as exc:
            print(f"step {step} (x{k}): failed: {str(exc).splitlines()[0]}")
            break
        print(
            f"step {step} (x{k}): {r['units']:,} units, {r['points']:,} points, {args.area_km2 * k:,.0f} km², "
            f"{r['cells']:,} cells, run {r['run_s']:.1f} s, {r['cells_per_s']:,.0f} cells/s, "
            f"peak {r['peak_worker_mb']:,.0f} MB per worker, driver {r['driver_mb']:,.0f} MB",
            flush=True,
        )
        if r["peak_worker_mb"] > args.memory_bound_mb or r["run_s"] > args.max_seconds:
            print(f"  beyond the bound ({args.memory_bound_mb:,.0f} MB per worker, {args.max_seconds:,.0f} s)")
            break
        done = (step, k, r)
        for f in sub.glob("*.parquet"):
            f.unlink()
    if done:
        step, k, r = done
        print(f"largest within the bounds: step {step} (x{k}), {r['cells']:,} cells, {args.area_km2 * k:,.0f} km²")
        print(projection([r | {"config": "dask2"}], args.cell))
    return 0


if __name__ == "__main__":
    sys.exit(main())
