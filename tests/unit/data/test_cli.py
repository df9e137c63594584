"""The command line: same report, exit 0 when valid, non-zero otherwise, no traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.corpus.cases import CASES

ROOT = Path(__file__).resolve().parents[3]


def cli(*args):
    return subprocess.run(
        [sys.executable, "-m", "geo", "validate", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_valid_file_exits_zero():
    r = cli("meal_points", ROOT / "data" / "meal_points.csv")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "60 records are valid" in r.stdout


def test_chinese_report():
    r = cli("meal_points", ROOT / "data" / "meal_points.csv", "--lang", "zh")
    assert r.returncode == 0 and "通过校验" in r.stdout


@pytest.fixture(scope="module")
def corpus_dir(tmp_path_factory):
    d = tmp_path_factory.mktemp("corpus")
    for c in CASES:
        (d / c.name).write_bytes(c.make())
    return d


@pytest.mark.parametrize("case", [c for c in CASES if c.level == "error"], ids=lambda c: c.name)
def test_every_bad_file_exits_one_in_process(corpus_dir, case, capsys):
    from geo.__main__ import main

    code = main(["validate", case.layer, str(corpus_dir / case.name)])
    out = capsys.readouterr()
    assert code == 1, out.out
    assert case.fragment in out.out and "Traceback" not in out.out + out.err


@pytest.mark.parametrize("name", ["garbage.csv", "bowtie.geojson", "no_shp.zip", "utf16.csv"])
def test_bad_files_exit_nonzero_without_traceback(corpus_dir, name):
    case = next(c for c in CASES if c.name == name)
    r = cli(case.layer, corpus_dir / case.name)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "Traceback" not in r.stdout + r.stderr
    assert case.fragment in r.stdout  # the same message as the data page


def test_same_report_as_the_page(corpus_dir):
    from geo.data.loader import context_for, load_bundled, validate_path

    case = next(c for c in CASES if c.name == "swapped_latlon.csv")
    rep = validate_path("meal_points", corpus_dir / case.name, context_for(load_bundled()))
    r = cli("meal_points", corpus_dir / case.name)
    assert r.stdout.strip().splitlines() == rep.lines("en")


def test_missing_file_and_unknown_layer():
    r = cli("meal_points", "/nonexistent/x.csv")
    assert r.returncode == 1 and "file not found" in r.stdout and "Traceback" not in r.stderr
    r = cli("bogus", ROOT / "data" / "meal_points.csv")
    assert r.returncode == 2 and "unknown layer" in r.stderr


def test_against_other_subdistricts(tmp_path):
    r = cli("meal_points", ROOT / "data" / "meal_points.csv", "--subdistricts", ROOT / "data" / "subdistricts.geojson")
    assert r.returncode == 0
    bad = tmp_path / "s.geojson"
    bad.write_bytes(b"{not json")
    r = cli("meal_points", ROOT / "data" / "meal_points.csv", "--subdistricts", bad)
    assert r.returncode == 1 and "not a valid GeoJSON" in r.stdout
