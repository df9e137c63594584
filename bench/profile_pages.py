"""Profile one page run on the server side: cProfile of a warm run of each page (AppTest).

    python bench/profile_pages.py [overview finder coverage app] [--top 40] [--runs 3]

Each page is run once cold (caches fill), then ``--runs`` more times in fresh sessions under
cProfile; prints the run time and the functions with the most cumulative time. Used to find
what a page run costs before changing it (bench/REPORT.md, "Crowd").
"""

from __future__ import annotations

import argparse
import io
import pstats
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

WRAPPER = """
import cProfile, runpy, sys
sys.path.insert(0, {root!r})
_pr = cProfile.Profile()
_pr.enable()
try:
    runpy.run_path({page!r}, run_name="__main__")
finally:
    _pr.disable()
    _pr.dump_stats({out!r})
"""


def profile(page: str, runs: int, top: int) -> None:
    from streamlit.testing.v1 import AppTest

    tmp = Path(tempfile.mkdtemp(prefix="jp-prof-"))
    out = tmp / f"{page}.prof"
    script = tmp / f"wrap_{page}.py"
    target = ROOT / "app.py" if page == "app" else ROOT / "pages" / f"{page}.py"  # "app": app.py and its default page
    script = ROOT / f".profile_{page}.py" if page == "app" else script  # (app.py finds pages/ beside itself)
    script.write_text(WRAPPER.format(root=str(ROOT), page=str(target), out=str(out)))
    AppTest.from_file(str(script), default_timeout=300).run()  # cold: caches fill
    stats = None
    times = []
    for _ in range(runs):
        at = AppTest.from_file(str(script), default_timeout=300)
        t0 = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - t0)
        if at.exception:
            print(page, "exception:", at.exception[0].message, file=sys.stderr)
        stats = pstats.Stats(str(out)) if stats is None else stats.add(str(out))
    print(f"== {page}: warm runs (fresh sessions, AppTest, profiled) {', '.join(f'{x:.3f}' for x in times)} s")
    s = io.StringIO()
    assert stats is not None
    stats.stream = s  # type: ignore[attr-defined]
    stats.sort_stats("cumulative").print_stats(top)
    print(s.getvalue())
    if page == "app":
        script.unlink()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("pages", nargs="*", default=["overview", "finder", "coverage"])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--top", type=int, default=40)
    a = ap.parse_args(argv)
    for p in a.pages:
        profile(p, a.runs, a.top)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
