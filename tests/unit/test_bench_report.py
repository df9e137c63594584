"""bench/run_all.py keeps the report sections that other benchmarks wrote."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import run_all


def test_sections_of_other_benchmarks_are_kept_and_its_own_replaced():
    previous = (
        "# Report\n\n## Machine\nold machine\n\n## Overview: a filter change (bench_overview)\nold figures\n\n"
        "## Crowd: the server under 20 sessions at once (bench_protocol)\ncrowd figures\n\n"
        "## Batch runs\nbatch figures\n"
    )
    new = "# Report\n\n## Machine\nnew machine\n\n## Overview: a filter change (bench_overview)\nnew figures\n"
    out = run_all.keep_other_sections(new, previous)
    assert "new figures" in out and "old figures" not in out and "old machine" not in out
    assert "crowd figures" in out and "batch figures" in out
    titles = [t for t, _ in run_all.h2_sections(out)]
    assert titles == [
        "## Machine",
        "## Overview: a filter change (bench_overview)",
        "## Crowd: the server under 20 sessions at once (bench_protocol)",
        "## Batch runs",
    ]
    assert run_all.keep_other_sections(new, new) == new
