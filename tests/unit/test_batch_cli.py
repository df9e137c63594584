"""``python -m geo coverage-batch``: GeoParquet in, one row per unit and radius out, equal to
the coverage page; exit 0 written, 1 invalid input (issues printed, nothing written),
2 usage.  The dask runs use the session's LocalCluster of 2 workers (tests/conftest.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from geo.__main__ import main
from geo.core import batch as bt
from geo.core import coverage as cv
from geo.data.batch import read_metadata
from geo.data.loader import load_bundled
from geo.testing import assert_metrics_close, synthetic_province

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("batch")
    prov = synthetic_province(40, 300, seed=11, area_km2=1500, population=200)
    prov.units.to_parquet(d / "units.parquet")
    prov.points.to_parquet(d / "points.parquet")
    prov.population.to_parquet(d / "pop.parquet")
    return d


def args(d, out, *extra):
    return [
        "coverage-batch",
        "--units",
        str(d / "units.parquet"),
        "--points",
        str(d / "points.parquet"),
        "--radius",
        "300,1000",
        "--cell",
        "300",
        "--out",
        str(out),
        *extra,
    ]


def frame(path):
    return pd.DataFrame(gpd.read_parquet(path).drop(columns="geometry"))


def test_local_run_writes_one_row_per_unit_and_radius(files, tmp_path, capsys):
    out = tmp_path / "m.parquet"
    assert main(args(files, out, "--population", str(files / "pop.parquet"), "--partitions", "3")) == 0
    std = capsys.readouterr()
    assert "wrote 80 rows (40 units × 2 radii)" in std.out
    assert "engine local: units 40, partitions 3, workers 1" in std.err
    assert std.err.count("partition ") == 3 and "demand cells" in std.err
    got = gpd.read_parquet(out)
    assert len(got) == 80 and got.crs.to_epsg() == 4326
    assert list(got.columns) == [
        "code", "name", "radius_m", "mode", "r_eff_m", "cell_m", "crs", *bt.METRIC_COLUMNS, "geometry",
    ]  # fmt: skip
    assert set(got["crs"]) == {"EPSG:32650", "EPSG:32651"}
    assert got["pop_weighted_covered_share"].notna().any()
    meta = read_metadata(out)
    assert meta["engine"] == "local" and len(meta["partitions"]) == 3
    assert meta["population"]["source"] == "points" and meta["inputs"]["population"]["rows"] == 200
    assert {tuple(p["zones"]) for p in meta["partitions"]} <= {
        ("EPSG:32650",),
        ("EPSG:32651",),
        ("EPSG:32650", "EPSG:32651"),
    }


def test_bundled_district_equals_the_coverage_page(tmp_path, capsys):
    ds = load_bundled()
    ds.subdistricts.to_parquet(tmp_path / "u.parquet")
    ds.meal_points.to_parquet(tmp_path / "p.parquet")
    out = tmp_path / "m.parquet"
    argv = ["coverage-batch", "--units", str(tmp_path / "u.parquet"), "--points", str(tmp_path / "p.parquet")]
    assert main([*argv, "--radius", "300,500,1000", "--mode", "walking", "--cell", "200", "--out", str(out)]) == 0
    got = frame(out)
    assert got["name"].iloc[0] == ds.subdistricts["name_zh"].iloc[0]
    assert (got["crs"] == "EPSG:32651").all()
    for r in (300, 500, 1000):
        want = cv.subdistrict_metrics(ds.subdistricts, ds.meal_points, r, "walking", 200)
        assert_metrics_close(got[got["radius_m"] == r].set_index("code"), want)
    assert "population metrics are NaN" in read_metadata(out)["population"]["note"]


def test_dask_on_an_existing_cluster_equals_local(files, tmp_path, dask_cluster, capsys):
    local, remote = tmp_path / "local.parquet", tmp_path / "dask.parquet"
    pop = ["--population", str(files / "pop.parquet")]
    assert main(args(files, local, *pop)) == 0
    addr = dask_cluster.scheduler_address
    assert main(args(files, remote, *pop, "--engine", "dask", "--scheduler", addr, "--partitions", "7")) == 0
    err = capsys.readouterr().err
    assert "engine dask: units 40, partitions 7, workers 2" in err
    a, b = frame(local), frame(remote)
    pd.testing.assert_frame_equal(a.drop(columns="covered_share"), b.drop(columns="covered_share"), check_exact=True)
    assert (a["covered_share"] - b["covered_share"]).abs().max() <= 1e-9
    meta = read_metadata(remote)
    assert meta["engine"] == "dask" and meta["workers"] == 2 and len(meta["partitions"]) == 7


def test_dask_starts_and_stops_its_own_local_cluster(files, tmp_path, capsys):
    out = tmp_path / "m.parquet"
    assert main(args(files, out, "--engine", "dask", "--workers", "1")) == 0
    assert "engine dask: units 40, partitions 2, workers 1" in capsys.readouterr().err
    assert read_metadata(out)["workers"] == 1


def test_invalid_input_prints_issues_and_writes_nothing(files, tmp_path):
    units = gpd.read_parquet(files / "units.parquet")
    units.loc[3, "code"] = units.loc[1, "code"]
    units.to_parquet(tmp_path / "bad.parquet")
    out = tmp_path / "m.parquet"
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "geo",
            *args(files, out)[:1],
            "--units",
            str(tmp_path / "bad.parquet"),
            *args(files, out)[3:],
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 1, run.stdout + run.stderr
    assert "units (bad.parquet): 1 error found; nothing was written" in run.stdout
    assert "bad.parquet, row 4, column 'code': the code 'T000002' repeats row 2" in run.stdout
    assert "Traceback" not in run.stdout + run.stderr
    assert not out.exists()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--radius", "300,abc"], "--radius takes positive numbers"),
        (["--radius", "-5"], "--radius takes positive numbers"),
        (["--scheduler", "tcp://127.0.0.1:1"], "--scheduler needs --engine dask"),
        (
            ["--engine", "dask", "--scheduler", "tcp://127.0.0.1:1", "--workers", "2"],
            "--workers sizes the local cluster",
        ),
        (["--cell", "0"], "cell_m must be a positive number"),
    ],
)
def test_usage_errors_exit_two(files, tmp_path, capsys, extra, message):
    out = tmp_path / "m.parquet"
    assert main([*args(files, out), *extra]) == 2
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_partitions_must_be_positive(files, tmp_path):
    with pytest.raises(SystemExit) as exit_:
        main([*args(files, tmp_path / "m.parquet"), "--partitions", "0"])
    assert exit_.value.code == 2


def test_dask_not_installed_is_said_in_both_languages(files, tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)
    out = tmp_path / "m.parquet"
    assert main([*args(files, out), "--engine", "dask"]) == 2
    assert "needs the Python package 'distributed', which is not installed" in capsys.readouterr().err
    assert main([*args(files, out), "--engine", "dask", "--lang", "zh"]) == 2
    assert "需要 Python 包“distributed”" in capsys.readouterr().err
    assert not out.exists()


@pytest.mark.parametrize(("lang", "message"), [("en", "the folder"), ("zh", "所在的文件夹不存在")])
def test_an_output_folder_that_does_not_exist_is_named(files, tmp_path, capsys, lang, message):
    out = tmp_path / "nowhere" / "m.parquet"
    assert main([*args(files, out), "--lang", lang]) == 2
    err = capsys.readouterr().err
    assert message in err and str(out.parent) in err and not out.parent.exists()
