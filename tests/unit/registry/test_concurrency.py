"""Readers never see a half-published state; two servers starting at once seed once."""

from __future__ import annotations

import threading

from geo.data.registry import Registry
from tests.unit.registry.conftest import ADMIN
from tests.unit.registry.helpers import meal_points_csv, to_bytes

POINTS = [f"M{i:02d}" for i in range(1, 21)]
ROUNDS = 4


def test_readers_see_all_or_nothing(reg):
    """A writer publishes ROUNDS imports, each setting the phone of 20 points to "p<k>";
    reader threads (each with its own registry, engine and connections, no cache) read
    published() over and over: in every snapshot the 20 phones agree with its version."""
    files = []
    for k in range(1, ROUNDS + 1):
        df = meal_points_csv()
        df.loc[df["id"].isin(POINTS), "phone"] = f"p{k}"
        files.append(to_bytes(df))
    done = threading.Event()
    seen: list[tuple[int, set]] = []
    errors: list[BaseException] = []

    def reader():
        mine = Registry(reg.url)
        try:
            while not done.is_set():
                mine._cache = None  # read the database every time
                version, ds = mine.published()
                phones = set(ds.meal_points.set_index("id").loc[POINTS, "phone"])
                seen.append((version, phones))
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            mine.dispose()

    threads = [threading.Thread(target=reader) for _ in range(3)]
    for t in threads:
        t.start()
    try:
        for data in files:
            d = reg.propose_import(ADMIN, "meal_points", data, "round.csv")
            reg.publish(ADMIN, d.changeset.id)
    finally:
        done.set()
        for t in threads:
            t.join(120)
    assert not errors, errors
    assert len(seen) >= 3
    for version, phones in seen:
        expected = {None} if version == 1 else {f"p{version - 1}"}
        assert phones == expected, (version, phones)
    assert reg.version() == ROUNDS + 1


def test_two_processes_init_at_once(db_url):
    regs = [Registry(db_url), Registry(db_url)]
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def start(r):
        try:
            barrier.wait(10)
            r.init()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=start, args=(r,)) for r in regs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors
    assert regs[0].version() == 1 and [cs.id for cs in regs[1].history()] == [1]
    for r in regs:
        r.dispose()
