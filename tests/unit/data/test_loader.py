"""Reading users' files: encodings, formats, and nothing written or shared."""

from __future__ import annotations

import io
import zipfile

import pytest

from geo.data import export
from geo.data.loader import context_for, cross_checks, load_bundled, read_table, upload, validate_bytes
from tests.corpus.cases import geojson_bytes, meal_df, meal_points_geojson, zipped_shapefile


@pytest.fixture(scope="module")
def ds():
    return load_bundled()


@pytest.mark.parametrize(
    ("enc", "note"), [("utf-8", None), ("utf-8-sig", "UTF-8 (BOM)"), ("gbk", "GBK/GB18030"), ("gb18030", "GBK/GB18030")]
)
def test_csv_encodings(ds, enc, note):
    data = meal_df().to_csv(index=False).encode(enc)
    rep = validate_bytes("meal_points", data, "m.csv", context_for(ds))
    assert rep.ok, "\n".join(rep.lines())
    assert rep.data.at[0, "name_zh"] == meal_df().at[0, "name_zh"]  # Chinese decoded correctly
    notes = [i.params.get("encoding") for i in rep.issues if i.key == "v.encoding_note"]
    assert notes == ([note] if note else [])


def test_geojson_point_layer_positions_from_geometry(ds):
    rep = validate_bytes("meal_points", geojson_bytes(meal_points_geojson()), "m.geojson", context_for(ds))
    assert rep.ok, "\n".join(rep.lines())
    assert any(i.key == "v.points_in_geojson" for i in rep.issues)
    assert rep.data.at[0, "lat"] == float(meal_df().at[0, "lat"])


def test_geometry_and_columns_disagree(ds):
    def move(feats):
        feats[0]["properties"]["lat"] = 39.2
        feats[0]["properties"]["lon"] = 121.8

    rep = validate_bytes("meal_points", geojson_bytes(meal_points_geojson(move)), "m.geojson", context_for(ds))
    i = next(i for i in rep.errors if i.key == "v.geom_coord_mismatch")
    assert i.row == 1 and "disagree" in i.text("en")


@pytest.mark.parametrize("layer", ["meal_points", "subdistricts", "projects"])
def test_zipped_shapefile(ds, layer):
    ctx = None if layer == "subdistricts" else context_for(ds)
    rep = validate_bytes(layer, zipped_shapefile(layer), f"{layer}.zip", ctx)
    assert rep.ok, "\n".join(rep.lines())
    assert len(rep.data) == len(ds.layer(layer))


def test_zipped_shapefile_in_utm_is_reprojected(ds):
    rep = validate_bytes("meal_points", zipped_shapefile("meal_points", crs=32651), "m.zip", context_for(ds))
    assert rep.ok, "\n".join(rep.lines())
    assert any(i.key == "v.crs_reprojected" for i in rep.issues)
    assert abs(rep.data.at[0, "lat"] - ds.meal_points.at[0, "lat"]) < 1e-7


def test_geopackage(ds):
    rep = validate_bytes("subdistricts", export.to_gpkg(ds.subdistricts.to_crs(32651), "subdistricts"), "s.gpkg")
    assert rep.ok and rep.data.crs.to_epsg() == 4326


def test_csv_with_wkt_geometry(ds):
    rep = validate_bytes("subdistricts", export.to_csv(ds.subdistricts, "subdistricts"), "s.csv")
    assert rep.ok, "\n".join(rep.lines())
    data = (
        export.to_csv(ds.subdistricts, "subdistricts").decode("utf-8-sig").replace("MULTIPOLYGON", "MULTIPOLYGONX", 1)
    )
    data = data.replace("POLYGON ((", "POLYGON ((x", 1)
    rep = validate_bytes("subdistricts", data.encode(), "s.csv")
    assert any(i.key == "v.bad_wkt" and i.row is not None for i in rep.errors), "\n".join(rep.lines())


def test_zip_slip_is_refused(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("../../evil.shp", b"x")
    raw, issues, _ = read_table(buf.getvalue(), "evil.zip")
    assert raw is None and "unsafe path" in issues[0].text("en")


def test_replace_is_per_dataset_and_does_not_mutate_bundled(ds):
    rep = validate_bytes("meal_points", meal_df().head(5).to_csv(index=False).encode(), "m.csv", context_for(ds))
    other = ds.replace("meal_points", rep.data, "m.csv")
    assert len(other.meal_points) == 5 and len(ds.meal_points) == 60
    assert ds.is_shared and not other.is_shared and other.sources["meal_points"] == "m.csv"


def test_upload_of_subdistricts_cross_checks_other_layers(ds):
    import shapely

    subs = ds.subdistricts.copy()
    subs["boundary_quality"] = "official"
    subs["geometry"] = [
        shapely.affinity.translate(g, 0.03, 0) if c == "210213001000" else g
        for c, g in zip(subs["code"], subs.geometry)
    ]
    rep, cross = upload(ds, "subdistricts", export.to_geojson(subs, "subdistricts"), "official.geojson")
    assert rep.ok, "\n".join(rep.lines())
    assert "meal_points" in cross and all(i.file == "meal_points.csv" for i in cross["meal_points"])
    # the bundled dataset itself is consistent
    assert not any(i.level == "error" for v in cross_checks(ds).values() for i in v)


def test_upload_of_points_uses_the_sessions_subdistricts(ds):
    """Meal points are checked against the subdistricts in use (here: uploaded)."""
    import shapely

    subs = ds.subdistricts.copy()
    subs["boundary_quality"] = "official"
    subs["geometry"] = [
        shapely.affinity.translate(g, 0.03, 0) if c == "210213001000" else g
        for c, g in zip(subs["code"], subs.geometry)
    ]
    mine = ds.replace("subdistricts", subs, "official.geojson")
    rep, _ = upload(mine, "meal_points", meal_df().to_csv(index=False).encode(), "m.csv")
    assert not rep.ok and any(i.key == "v.outside_subdistrict" for i in rep.errors)
    rep, _ = upload(ds, "meal_points", meal_df().to_csv(index=False).encode(), "m.csv")
    assert rep.ok


def test_semicolon_csv_is_read_with_a_note(ds):
    data = meal_df().to_csv(index=False, sep=";").encode("utf-8")
    rep = validate_bytes("meal_points", data, "m.csv", context_for(ds))
    assert rep.ok and any(i.key == "v.delimiter_note" for i in rep.issues)


def test_temporary_paths_never_shown():
    rep = validate_bytes("subdistricts", b'{"type": "FeatureCollection", "features": [{"type": ', "s.geojson")
    assert not rep.ok
    assert all("/tmp" not in line for line in rep.lines("en")), rep.lines("en")
