"""The batch run's files (geo.data.batch): bad inputs give row-level issues and no data;
the output carries its run metadata."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from geo.core import batch as bt
from geo.data import batch as io
from geo.testing import synthetic_province

BOWTIE = shapely.Polygon([(121.70, 39.10), (121.72, 39.12), (121.72, 39.10), (121.70, 39.12)])


def square(x, y, d=0.01):
    return shapely.box(x, y, x + d, y + d)


def write(tmp_path, name, gdf):
    path = tmp_path / name
    gdf.to_parquet(path)
    return path


def issues(report):
    return [(i.level, i.key, i.row, i.column) for i in report.issues]


def units_frame(**cols):
    n = len(next(iter(cols.values())))
    geoms = cols.pop("geometry", [square(121.70 + 0.01 * i, 39.10) for i in range(n)])
    return gpd.GeoDataFrame(cols, geometry=geoms, crs="EPSG:4326")


def test_good_files_are_read(tmp_path):
    u = write(tmp_path, "u.parquet", units_frame(code=["A", "B"], name_zh=["甲", "乙"], pop_60plus=[100, None]))
    rep = io.read_units(u)
    assert rep.ok and rep.issues == []
    assert list(rep.data.columns) == ["code", "name", "pop_60plus", "geometry"]
    assert rep.data["name"].tolist() == ["甲", "乙"] and np.isnan(rep.data["pop_60plus"].iloc[1])
    assert len(rep.sha256) == 64
    p = write(
        tmp_path,
        "p.parquet",
        gpd.GeoDataFrame({"subdistrict_code": ["B", None]}, geometry=shapely.points([(121.705, 39.105)] * 2), crs=4326),
    )
    pts = io.read_points(p, {"A", "B"})
    assert pts.ok and pts.data["id"].tolist() == ["1", "2"]
    assert pts.data["unit_code"].iloc[0] == "B" and pd.isna(pts.data["unit_code"].iloc[1])
    g = write(
        tmp_path,
        "g.parquet",
        gpd.GeoDataFrame({"pop_total": [10.0, 0]}, geometry=[square(121.7, 39.1, 0.001)] * 2, crs=4326),
    )
    assert io.read_population(g).ok
    assert io.read_units(u).lines("en")[0] == "units (u.parquet): 2 rows are usable"


def test_units_rows_with_errors_are_listed_and_not_used(tmp_path):
    frame = units_frame(
        code=["A", "", "A", "D", "E", "F"],
        name=["a", "b", "c", "d", "e", None],
        geometry=[
            square(121.7, 39.1),
            square(121.72, 39.1),
            square(121.74, 39.1),
            shapely.Point(121.7, 39.1),
            BOWTIE,
            None,
        ],
    )
    rep = io.read_units(write(tmp_path, "units.parquet", frame))
    assert rep.data is None and not rep.ok
    assert issues(rep) == [
        ("error", "v.geom_type", 4, "geometry"),
        ("error", "v.geom_invalid", 5, "geometry"),
        ("error", "v.geom_missing", 6, "geometry"),
        ("error", "bt.empty_code", 2, "code"),
        ("error", "bt.duplicate_code", 3, "code"),
        ("warning", "bt.empty_name", 6, "name"),
    ]
    text = rep.lines("en")
    assert text[0] == "units (units.parquet): 5 errors found; nothing was written"
    assert "units.parquet, row 3, column 'code': the code 'A' repeats row 1" in text[5]
    assert "row 4, column 'geometry': the geometry is a Point, expected Polygon / MultiPolygon" in text[1]
    assert "Self-intersection" in text[2]
    zh = rep.lines("zh")
    assert "第 3 行" in zh[5] and "编码“A”与第 1 行重复" in zh[5]


def test_missing_columns_and_bad_population_on_units(tmp_path):
    frame = gpd.GeoDataFrame({"label": ["x"], "pop_total": ["many"]}, geometry=[square(121.7, 39.1)], crs=4326)
    rep = io.read_units(write(tmp_path, "u.parquet", frame))
    assert issues(rep) == [
        ("error", "v.missing_column", None, "code"),
        ("error", "bt.missing_name", None, "name"),
        ("error", "bt.bad_weight", 1, "pop_total"),
    ]


def test_files_that_are_no_geoparquet(tmp_path):
    assert issues(io.read_units(tmp_path / "nope.parquet")) == [("error", "v.file_not_found", None, None)]
    garbage = tmp_path / "g.parquet"
    garbage.write_bytes(b"PAR1 this is not parquet")
    assert issues(io.read_units(garbage)) == [("error", "v.not_format", None, None)]
    plain = tmp_path / "plain.parquet"
    pd.DataFrame({"code": ["A"], "x": [1.0]}).to_parquet(plain)
    rep = io.read_units(plain)
    assert issues(rep) == [("error", "bt.not_geoparquet", None, None)]
    assert "no geometry column" in rep.lines("en")[1]
    empty = write(tmp_path, "empty.parquet", units_frame(code=["A"], name=["a"]).iloc[:0])
    assert issues(io.read_units(empty)) == [("error", "v.no_rows", None, None)]


def test_coordinate_systems(tmp_path):
    frame = units_frame(code=["A"], name=["a"])
    metric = write(tmp_path, "m.parquet", frame.to_crs(32651))
    rep = io.read_units(metric)
    assert rep.ok and issues(rep) == [("note", "v.crs_reprojected", None, None)]
    np.testing.assert_allclose(rep.data.total_bounds, frame.total_bounds, atol=1e-9)
    unknown = write(tmp_path, "unknown.parquet", frame.to_crs(32651).set_crs(None, allow_override=True))
    assert issues(io.read_units(unknown)) == [("error", "v.crs_unknown", None, None)]
    assumed = write(tmp_path, "assumed.parquet", frame.set_crs(None, allow_override=True))
    rep = io.read_units(assumed)
    assert rep.ok and issues(rep) == [("note", "v.crs_assumed", None, None)]
    lying = write(tmp_path, "lying.parquet", frame.to_crs(32651).set_crs(4326, allow_override=True))
    assert issues(io.read_units(lying)) == [("error", "bt.not_degrees", 1, "geometry")]


def test_points_rows(tmp_path):
    frame = gpd.GeoDataFrame(
        {"id": ["p1", "p2", "p1", "p4"], "unit_code": ["A", "ZZ", None, "A"]},
        geometry=[
            shapely.Point(121.7, 39.1),
            shapely.Point(121.71, 39.1),
            shapely.Point(121.72, 39.1),
            square(121.7, 39.1),
        ],
        crs=4326,
    )
    rep = io.read_points(write(tmp_path, "p.parquet", frame), {"A"})
    assert issues(rep) == [
        ("error", "v.geom_type", 4, "geometry"),
        ("warning", "bt.duplicate_id", 3, "id"),
        ("warning", "bt.unknown_unit_code", 2, "unit_code"),
    ]
    assert rep.data is None
    ok = io.read_points(write(tmp_path, "p2.parquet", frame.iloc[:3]), {"A"})
    assert ok.ok and [i.key for i in ok.issues] == ["bt.duplicate_id", "bt.unknown_unit_code"]
    assert "'ZZ' is not the code of any unit" in ok.lines("en")[2]


def test_population_rows(tmp_path):
    frame = gpd.GeoDataFrame(
        {"pop_60plus": [10.0, -1.0, np.nan, np.inf], "pop_total": ["100", "x", "5", "5"]},
        geometry=shapely.points([(121.7, 39.1)] * 4),
        crs=4326,
    )
    rep = io.read_population(write(tmp_path, "g.parquet", frame))
    assert issues(rep) == [
        ("error", "bt.bad_weight", 2, "pop_60plus"),
        ("error", "bt.bad_weight", 3, "pop_60plus"),
        ("error", "bt.bad_weight", 4, "pop_60plus"),
        ("error", "bt.bad_weight", 2, "pop_total"),
    ]
    assert "row 2, column 'pop_total': 'x' is not a finite number >= 0" in rep.lines("en")[4]
    none = gpd.GeoDataFrame({"people": [1]}, geometry=[shapely.Point(121.7, 39.1)], crs=4326)
    assert issues(io.read_population(write(tmp_path, "n.parquet", none))) == [
        ("error", "bt.missing_weight", None, "pop_60plus / pop_total")
    ]
    mixed = gpd.GeoDataFrame(
        {"pop_total": [1, 2]}, geometry=[shapely.Point(121.7, 39.1), square(121.7, 39.1)], crs=4326
    )
    assert [i.key for i in io.read_population(write(tmp_path, "x.parquet", mixed)).issues] == ["v.geom_mixed"]


def test_many_issues_of_one_kind_are_capped(tmp_path):
    frame = units_frame(code=[""] * 30, name=["n"] * 30)
    rep = io.read_units(write(tmp_path, "u.parquet", frame))
    assert [i.key for i in rep.issues] == ["bt.empty_code"] * io.MAX_ISSUES_PER_KIND + ["bt.more"]
    assert rep.lines("en")[-1].endswith("10 more issues of this kind are not listed")
    assert rep.lines("en")[0] == "units (u.parquet): 30 errors found; nothing was written"


def test_output_carries_the_run_metadata(tmp_path):
    prov = synthetic_province(12, 80, seed=3, area_km2=300, centre=(123.0, 41.0))
    u = io.read_units(write(tmp_path, "u.parquet", prov.units))
    p = io.read_points(write(tmp_path, "p.parquet", prov.points))
    params = bt.BatchParams((300, 800), "walking", 400)
    inputs = bt.prepare_inputs(u.data, p.data, None, 400)
    result = bt.run_local(inputs, params, 2)
    out = tmp_path / "out.parquet"
    out.write_bytes(b"an older result")
    frame = io.output_frame(result, u.data)
    io.write_output(frame, out, io.run_metadata(result, params, {"units": u, "points": p, "population": None}))
    back = gpd.read_parquet(out)
    assert back.crs.to_epsg() == 4326 and len(back) == 24
    assert list(back.columns[:8]) == ["code", "name", "radius_m", "mode", "r_eff_m", "cell_m", "crs", "n_cells"]
    assert back["code"].tolist()[:4] == ["T000001", "T000001", "T000002", "T000002"]
    assert back["radius_m"].tolist()[:2] == [300.0, 800.0] and back["mode"].iloc[0] == "walking"
    meta = io.read_metadata(out)
    assert meta["engine"] == "local" and len(meta["partitions"]) == 2
    assert meta["partitions"][0]["zones"] == ["EPSG:32651"]
    assert meta["inputs"]["units"] == {"file": "u.parquet", "sha256": u.sha256, "rows": 12}
    assert meta["inputs"]["population"] is None
    assert meta["population"]["source"] == "none" and "NaN" in meta["population"]["note"]
    assert meta["params"]["r_eff_m"] == pytest.approx([300 / 1.3, 800 / 1.3])
    assert [f.name for f in tmp_path.iterdir() if f.name.startswith(".")] == []
