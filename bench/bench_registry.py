"""Benchmark: the registry (geo.data.registry) on SQLite and PostgreSQL.

Run ``python bench/bench_registry.py``. For each backend (a temporary SQLite file; and
PostgreSQL at env JINPU_TEST_PG_URL or a throwaway local cluster when initdb/pg_ctl exist)
it measures, next to the baseline ``load_bundled()`` (reading data/ from files) measured
in the same run:

- set-up: ``init()`` (migrations + seed) on an empty database;
- read cost per page run: ``version()`` (the check every run makes), ``published()``
  when the version is unchanged (the per-process cache), and a full ``published()``
  read (after a publish: every record read and typed through the validator);
- publish-to-visible latency: a writer publishes an edit; a reader with its own engine
  and connections polls ``version()`` and, on a new version, reads ``published()``: the
  time from the publish call's return until the reader holds the new dataset;
- a 5,000-row meal-point file: ``propose_import`` (validate + diff + propose) and
  ``publish``, then a full ``published()`` of the 5,000-point layer.
"""

from __future__ import annotations

import io
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # repo root, for `geo`

import pandas as pd

from geo.data.loader import DATA_DIR, load_bundled
from geo.data.registry import Actor, Registry

ADMIN = Actor("bench", True, True, "cli")
ROUNDS = 10
N_IMPORT = 5_000


def timed(fn: Callable[[], object], n: int) -> float:
    """Median seconds of ``n`` calls."""
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return statistics.median(out)


def big_file() -> bytes:
    """The 60 bundled points (half with a new phone) and 4,940 more at the same places."""
    df = pd.read_csv(DATA_DIR / "meal_points.csv", dtype=str, keep_default_na=False)
    df.loc[df.index % 2 == 0, "phone"] = "0411-80000000"
    extra = df.loc[[i % len(df) for i in range(N_IMPORT - len(df))]].copy()
    extra["id"] = [f"N{i:04d}" for i in range(1, len(extra) + 1)]
    extra["name_zh"] = [f"{n} 分点{i}" for i, n in enumerate(extra["name_zh"], start=1)]
    extra["name_en"] = [f"{n} branch {i}" for i, n in enumerate(extra["name_en"], start=1)]
    buf = io.StringIO()
    pd.concat([df, extra]).to_csv(buf, index=False, lineterminator="\n")
    return buf.getvalue().encode("utf-8")


def publish_to_visible(url: str) -> tuple[float, float]:
    """(median publish call s, median s from the publish's return to the reader holding it)."""
    writer, reader = Registry(url), Registry(url)
    seen: dict[int, float] = {}
    stop = threading.Event()

    def poll() -> None:
        last = reader.version()
        while not stop.is_set():
            v = reader.version()
            if v != last:
                reader.published()
                seen[v] = time.perf_counter()
                last = v
            time.sleep(0.002)

    th = threading.Thread(target=poll)
    th.start()
    calls, lags = [], []
    try:
        for i in range(ROUNDS):
            _doc, version = writer.record("meal_points", "M01") or ({}, 0)
            t0 = time.perf_counter()
            cs = writer.propose_edit(ADMIN, "meal_points", "M01", {"phone": f"0411-{i:04d}"}, version, publish=True)
            t1 = time.perf_counter()
            calls.append(t1 - t0)
            v = writer.version()
            deadline = time.time() + 30
            while v not in seen and time.time() < deadline:
                time.sleep(0.001)
            lags.append(seen.get(v, float("nan")) - t1)
            assert cs.status == "published"
    finally:
        stop.set()
        th.join()
        writer.dispose()
        reader.dispose()
    return statistics.median(calls), statistics.median(lags)


def run_backend(name: str, url: str) -> dict[str, float]:
    reg = Registry(url)
    out: dict[str, float] = {}
    t0 = time.perf_counter()
    reg.init()
    out["init (migrate + seed), s"] = time.perf_counter() - t0
    out["version(), ms"] = timed(reg.version, 200) * 1000
    reg.published()
    out["published(), version unchanged (cached), ms"] = timed(reg.published, 200) * 1000

    def full_read() -> None:
        reg._cache = None
        reg.published()

    out["published(), full read of 115 records, ms"] = timed(full_read, ROUNDS) * 1000
    call, lag = publish_to_visible(url)
    out["publish one edit (propose + publish, one transaction), ms"] = call * 1000
    out["publish-to-visible (reader sees it and holds the new data), ms"] = lag * 1000
    data = big_file()
    t0 = time.perf_counter()
    d = reg.propose_import(ADMIN, "meal_points", data, "big.csv")
    out["5,000-row import: validate + diff + propose, s"] = time.perf_counter() - t0
    out["  diff: added / changed / unchanged"] = float(f"{len(d.added)}.{len(d.changed):02d}")
    t0 = time.perf_counter()
    reg.publish(ADMIN, d.changeset.id)
    out["5,000-row import: publish, s"] = time.perf_counter() - t0
    out["published(), full read of 5,055 records, ms"] = timed(full_read, 3) * 1000
    reg.dispose()
    print(f"  {name}: added {len(d.added)}, changed {len(d.changed)}, unchanged {len(d.unchanged)}")
    return out


def main() -> int:
    baseline = timed(load_bundled, ROUNDS) * 1000
    results: dict[str, dict[str, float]] = {}
    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        results["SQLite"] = run_backend("SQLite", f"sqlite:///{tmp / 'bench.db'}")
        try:
            from tests.support.postgres import fresh_database, server_url

            server = stack.enter_context(server_url())
        except Exception as exc:  # no PostgreSQL here: SQLite only
            print(f"PostgreSQL skipped: {exc}")
            server = None
        if server:
            url = stack.enter_context(fresh_database(server))
            results["PostgreSQL"] = run_backend("PostgreSQL", url)
    names = list(results)
    print(f"\nbaseline load_bundled() from data/ files: {baseline:.1f} ms (median of {ROUNDS})\n")
    print("| figure | " + " | ".join(names) + " |")
    print("|---|" + "---:|" * len(names))
    for key in results[names[0]]:
        if key.startswith("  diff"):
            continue
        print(f"| {key} | " + " | ".join(f"{results[n][key]:.2f}" for n in names) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
