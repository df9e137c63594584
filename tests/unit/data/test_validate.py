"""Unit tests of each validation rule: a failing example and its message."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from geo.data.loader import context_for, load_bundled
from geo.data.validate import Context, cross_check, validate_layer
from tests.corpus.cases import meal_df, proj_df


@pytest.fixture(scope="module")
def ds():
    return load_bundled()


@pytest.fixture(scope="module")
def ctx(ds):
    return context_for(ds)


def run(layer, df, ctx=None, file="t.csv"):
    return validate_layer(layer, df, file=file, context=ctx)


def only(rep, key):
    hits = [i for i in rep.issues if i.key == key]
    assert hits, "\n".join(rep.lines())
    return hits[0]


def edit(df, row, **cells):
    df = df.copy()
    for k, v in cells.items():
        df.at[row - 1, k] = v
    return df


def test_bundled_layers_are_valid(ds, ctx):
    assert run("meal_points", meal_df(), ctx).ok
    assert run("projects", proj_df(), ctx).ok


@pytest.mark.parametrize(
    ("row", "cells", "key", "column", "fragment"),
    [
        (2, {"lat": "abc"}, "v.not_number", "lat", "'abc' is not a number"),
        (3, {"lat": "95"}, "v.out_of_range", "lat", "95 is outside the allowed range -90 to 90"),
        (3, {"lat": "4330000"}, "v.coord_metres", "lat", "projected metres"),
        (4, {"location_precision": "gps"}, "v.not_allowed", "location_precision", "'gps' is not an allowed value"),
        (5, {"kind": "kitchen"}, "v.not_allowed", "kind", "center | point"),
        (6, {"id": ""}, "v.required_value", "id", "a value is required"),
        (7, {"subdistrict_code": "2102130010"}, "v.bad_code", "subdistrict_code", "12-digit"),
        (8, {"subdistrict_code": "210213999000"}, "v.unknown_code", "subdistrict_code", "25 subdistricts"),
        (9, {"delivery": "sometimes"}, "v.bad_yesno", "delivery", "yes or no"),
        (10, {"verified_on": "2025/1/2"}, "v.bad_date", "verified_on", "YYYY-MM-DD"),
        (11, {"lat": "121.7", "lon": "39.1"}, "v.coord_swapped", "lat", "swapped"),
        (12, {"lat": "31.23", "lon": "121.47"}, "v.outside_district", "lat", "outside Jinpu"),
    ],
)
def test_meal_point_cell_rules(ctx, row, cells, key, column, fragment):
    rep = run("meal_points", edit(meal_df(), row, **cells), ctx)
    assert not rep.ok and rep.data is None
    i = only(rep, key)
    assert (i.row, i.column) == (row, column)
    assert fragment in i.text("en")
    assert f"line {row + 1}" in i.text("en")  # the CSV line, header counted


def test_duplicate_id_points_to_both_rows(ctx):
    df = edit(meal_df(), 7, id="M03")
    i = only(run("meal_points", df, ctx), "v.duplicate_id")
    assert i.row == 7 and i.params["other"] == 3


def test_missing_and_unknown_columns():
    rep = run("meal_points", meal_df().drop(columns=["name_en"]).rename(columns={"lon": "lng"}))
    keys = {(i.key, i.column) for i in rep.errors}
    assert ("v.missing_column", "name_en") in keys and ("v.missing_column", "lon") in keys
    assert ("v.unknown_column", "lng") in keys


def test_optional_columns_may_be_absent(ctx):
    df = meal_df().drop(columns=["phone", "hours", "verified_on"])
    assert run("meal_points", df, ctx).ok


def test_header_only():
    rep = run("meal_points", meal_df().head(0))
    assert [i.key for i in rep.errors] == ["v.no_rows"]


def test_schematic_tolerance_uses_seat_uncertainty(ds, ctx):
    """Against the bundled SCHEMATIC boundaries a point may lie outside its stated
    subdistrict by up to that seat's uncertainty radius (a warning), not further (an error)."""
    sub = ds.subdistricts.set_index("code")
    code = "210213009000"  # 先进, ±2 km
    poly_m = gpd.GeoSeries([sub.geometry[code]], crs=4326).to_crs(32651).iloc[0]
    others = gpd.GeoSeries(list(ds.subdistricts.geometry), crs=4326).to_crs(32651)

    def point_at(km):
        # walk east from the seat until the distance outside the polygon is ~km
        seat = (
            gpd.GeoSeries([shapely.Point(sub.at[code, "seat_lon"], sub.at[code, "seat_lat"])], crs=4326)
            .to_crs(32651)
            .iloc[0]
        )
        for dx in range(0, 40000, 50):
            p = shapely.Point(seat.x + dx, seat.y)
            if poly_m.distance(p) >= km * 1000 and others.union_all().contains(p):
                return gpd.GeoSeries([p], crs=32651).to_crs(4326).iloc[0]
        raise AssertionError

    near, far = point_at(0.5), point_at(3.0)
    df = meal_df()
    df.at[0, "subdistrict_code"] = code
    df.at[0, "lat"], df.at[0, "lon"] = repr(near.y), repr(near.x)
    df.at[1, "subdistrict_code"] = code
    df.at[1, "lat"], df.at[1, "lon"] = repr(far.y), repr(far.x)
    rep = run("meal_points", df, ctx)
    warn = [i for i in rep.issues if i.key == "v.near_subdistrict_schematic"]
    err = [i for i in rep.issues if i.key == "v.outside_subdistrict_schematic"]
    assert [i.row for i in warn] == [1] and [i.row for i in err] == [2]
    assert "seat uncertainty of 2.0 km" in err[0].text("en")
    assert "schematic partition" in warn[0].text("en")


def test_official_boundaries_are_strict(ds):
    subs = ds.subdistricts.copy()
    subs["boundary_quality"] = "official"
    sub = subs.set_index("code")
    code = "210213009000"
    df = meal_df()
    b = sub.geometry[code].bounds
    df.at[0, "subdistrict_code"] = code
    lon = b[2] + 0.01  # ~1 km east of its eastern edge
    df.at[0, "lat"], df.at[0, "lon"] = repr((b[1] + b[3]) / 2), repr(lon)
    rep = run("meal_points", df, Context(subdistricts=subs))
    hits = [i for i in rep.errors if i.key == "v.outside_subdistrict"]
    assert hits and hits[0].row == 1 and "official boundaries" in hits[0].text("en")


def test_projects_rules(ctx):
    df = proj_df()
    i = only(run("projects", edit(df, 1, subdistrict_codes="210213008000"), ctx), "v.district_with_codes")
    assert i.row == 1
    i = only(run("projects", edit(df, 11, lat="", lon=""), ctx), "v.coord_missing")
    assert i.row == 11
    i = only(run("projects", edit(df, 11, lon=""), ctx), "v.coord_partial")
    assert i.row == 11
    i = only(run("projects", edit(df, 2, sector="sports"), ctx), "v.not_allowed")
    assert "education | medical" in i.text("en")


def test_warnings_do_not_block(ctx):
    df = edit(meal_df(), 2, name_zh="<script>x</script>", phone="=1+2")
    rep = run("meal_points", df, ctx)
    assert rep.ok
    assert {i.key for i in rep.warnings} >= {"v.html_in_text", "v.formula_like"}
    assert rep.data.at[1, "name_zh"] == "<script>x</script>"  # kept as text; escaped when shown


def test_exported_apostrophe_is_stripped(ctx):
    rep = run("meal_points", edit(meal_df(), 2, phone="'=1+2", address="'plain"), ctx)
    assert rep.data.at[1, "phone"] == "=1+2" and rep.data.at[1, "address"] == "'plain"


def _subs_gdf(ds):
    return gpd.GeoDataFrame(ds.subdistricts.copy())


def test_polygon_rules(ds):
    g = _subs_gdf(ds)
    g.loc[0, "geometry"] = shapely.Polygon([(121.70, 39.10), (121.72, 39.12), (121.72, 39.10), (121.70, 39.12)])
    i = only(run("subdistricts", g, file="s.geojson"), "v.geom_invalid")
    assert i.row == 1 and "Self-intersection" in i.text("en")
    g = _subs_gdf(ds)
    g.loc[1, "geometry"] = shapely.Point(121.7, 39.1)
    rep = run("subdistricts", g, file="s.geojson")
    assert only(rep, "v.geom_type").row == 2 and only(rep, "v.geom_mixed")
    g = _subs_gdf(ds)
    g.loc[2, "geometry"] = None
    assert only(run("subdistricts", g, file="s.geojson"), "v.geom_missing").row == 3


def test_projected_crs_is_reprojected(ds):
    g = _subs_gdf(ds).to_crs(32651)
    rep = run("subdistricts", g, file="s.gpkg")
    assert rep.ok and only(rep, "v.crs_reprojected").params["crs"] == "EPSG:32651"
    assert rep.data.crs.to_epsg() == 4326
    assert rep.data.geometry.iloc[0].equals_exact(ds.subdistricts.geometry.iloc[0], 1e-7)


def test_no_crs_metres_is_an_error(ds):
    g = _subs_gdf(ds).to_crs(32651).set_crs(None, allow_override=True)
    i = only(run("subdistricts", g, file="s.shp"), "v.crs_unknown")
    assert "projected metres" in i.text("en")


def test_cross_check_reports_points_outside_new_boundaries(ds):
    subs = ds.subdistricts.copy()
    subs["boundary_quality"] = "official"
    subs["geometry"] = [
        shapely.affinity.translate(g, 0.03, 0) if c == "210213001000" else g
        for c, g in zip(subs["code"], subs.geometry)
    ]
    issues = cross_check("meal_points", ds.meal_points, Context(subdistricts=subs), file="meal_points.csv")
    assert issues and all(i.key == "v.outside_subdistrict" for i in issues)
    assert {ds.meal_points.at[i.row - 1, "subdistrict_code"] for i in issues} >= {"210213001000"}
    assert cross_check("meal_points", ds.meal_points, context_for(ds)) == [] or all(
        i.level == "warning" for i in cross_check("meal_points", ds.meal_points, context_for(ds))
    )


def test_five_thousand_rows_validate_quickly(ctx):
    import time

    import numpy as np

    df = pd.concat([meal_df()] * 84, ignore_index=True).iloc[:5000].copy()
    df["id"] = [f"M{i:05d}" for i in range(len(df))]
    rng = np.random.default_rng(0)
    df["lat"] = (df["lat"].astype(float) + rng.normal(0, 0.002, len(df))).map(repr)
    df["lon"] = (df["lon"].astype(float) + rng.normal(0, 0.002, len(df))).map(repr)
    t0 = time.perf_counter()
    rep = run("meal_points", df, ctx)
    assert time.perf_counter() - t0 < 5.0
    assert rep.data is not None or rep.errors


def test_every_message_has_both_languages():
    from geo.i18n import TABLE

    for key, val in TABLE.items():
        if key.startswith("v."):
            assert val["zh"] and val["en"] and (val["zh"] != val["en"] or key in ("v.level.note",))


# ---------------------------------------------------------------- hours, prices, seats, communities


def test_opening_hours_are_checked_and_kept(ctx):
    df = edit(meal_df(), 3, hours="Mo-Fr 10:30-13:00,16:30-18:30; Sa,Su off")
    df = edit(df, 4, hours="11:00-13:00")
    rep = run("meal_points", df, ctx)
    assert rep.ok, "\n".join(rep.lines())
    assert rep.data.at[2, "hours"] == "Mo-Fr 10:30-13:00,16:30-18:30; Sa,Su off"
    assert rep.data.at[3, "hours"] == "11:00-13:00"
    bad = run("meal_points", edit(meal_df(), 5, hours="Mo-Fr 10:30-13:00 and Sa"), ctx)
    i = only(bad, "v.bad_hours")
    assert (i.row, i.column) == (5, "hours")
    assert "not opening-hours syntax (e.g. Mo-Fr 10:30-13:00)" in i.text("en")
    assert "OSM opening_hours" in i.text("en")  # the expected syntax
    assert "不是营业时间格式" in i.text("zh") and "第 5 行" in i.text("zh")


def test_price_tiers_seats_subsidy_and_opening_date(ctx):
    df = edit(meal_df(), 2, price_tiers="8元 / 10元 / 12元", subsidy_yuan="2.5", seats="40", opened_on="2024-05-01")
    rep = run("meal_points", df, ctx)
    assert rep.ok, "\n".join(rep.lines())
    row = rep.data.iloc[1]
    assert (
        row.price_tiers == "8/10/12" and row.subsidy_yuan == 2.5 and row.seats == 40 and row.opened_on == "2024-05-01"
    )
    i = only(run("meal_points", edit(meal_df(), 2, seats="-1"), ctx), "v.out_of_range")
    assert (i.row, i.column) == (2, "seats")


def test_community_codes(ctx):
    # M28 is in 湾里: 石城社区 210213013003 is right, also as a spreadsheet number
    assert run("meal_points", edit(meal_df(), 28, community_code="210213013003.0"), ctx).ok
    wrong = run("meal_points", edit(meal_df(), 28, community_code="210213016005"), ctx)  # 亮甲店's 石城社区
    i = only(wrong, "v.community_elsewhere")
    assert (i.row, i.column) == (28, "community_code")
    assert "210213016000 (亮甲店街道)" in i.text("en") and "210213013000 (湾里街道)" in i.text("en")
    assert "亮甲店街道" in i.text("zh") and "湾里街道" in i.text("zh")
    unknown = only(run("meal_points", edit(meal_df(), 28, community_code="210213013999"), ctx), "v.unknown_community")
    assert "371" in unknown.text("en")
    # a subdistrict code is not a community code
    assert only(run("meal_points", edit(meal_df(), 28, community_code="210213013000"), ctx), "v.unknown_community")


def test_files_without_the_new_columns_are_still_valid(ctx):
    new = ["price_tiers", "subsidy_yuan", "seats", "opened_on", "community_code"]
    assert run("meal_points", meal_df().drop(columns=new), ctx).ok
