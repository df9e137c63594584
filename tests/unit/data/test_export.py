"""Exports: CSV/GeoJSON/GeoPackage, formula neutralisation, and the exact round trip."""

from __future__ import annotations

import io
import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from geo.data import csvsafe, export
from geo.data.loader import context_for, load_bundled, validate_bytes


@pytest.fixture(scope="module")
def ds():
    return load_bundled()


def _hostile_meal_points(ds):
    gdf = ds.meal_points.copy()
    gdf.at[0, "name_zh"] = '=HYPERLINK("http://evil","点我")'
    gdf.at[1, "name_en"] = "+cmd|' /C calc'!A0"
    gdf.at[2, "address"] = "-2+3"
    gdf.at[3, "phone"] = "@SUM(A1:A9)"
    gdf.at[4, "price_note"] = "'=already quoted"
    gdf.at[5, "name_en"] = "<img src=x onerror=alert(1)> ${x} `y`"
    gdf.at[6, "source"] = "'plain apostrophe"
    gdf.at[7, "dine_in"] = "yes"
    gdf.at[8, "verified_on"] = "2025-12-31"
    gdf.at[9, "hours"] = "Mo-Fr 10:30-13:00,16:30-18:30; Sa,Su off"
    gdf.at[10, "price_tiers"], gdf.at[10, "subsidy_yuan"], gdf.at[10, "seats"] = "8/10/12", 2.0, 56
    gdf.at[11, "opened_on"] = "2020-10-12"
    return gdf


@pytest.mark.parametrize(
    ("v", "out"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@x", "'@x"),
        ("'=x", "''=x"),
        ("'x", "'x"),
        ("a=b", "a=b"),
        ("", ""),
        ("\tcmd", "'\tcmd"),
        ("\r=1", "'\r=1"),
        ("'\t", "''\t"),
    ],
)
def test_neutralise_is_a_bijection(v, out):
    assert csvsafe.neutralise(v) == out
    assert csvsafe.unneutralise(out) == v


def test_csv_cells_are_neutralised(ds):
    data = export.to_csv(_hostile_meal_points(ds), "meal_points")
    df = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, encoding="utf-8-sig")
    for col in df.columns:
        for v in df[col]:
            assert v[:1] not in ("=", "+", "@") and not (v[:1] == "-" and col not in ("lat", "lon")), (col, v)
    assert df.at[0, "name_zh"].startswith("'=")


def _records(gdf):
    df = pd.DataFrame(gdf.drop(columns="geometry", errors="ignore"))
    return df.astype(object).where(df.notna(), None).to_dict("records")


@pytest.mark.parametrize("layer", ["subdistricts", "projects", "meal_points"])
@pytest.mark.parametrize("fmt", export.FORMATS)
def test_round_trip(ds, layer, fmt):
    gdf = _hostile_meal_points(ds) if layer == "meal_points" else ds.layer(layer)
    data = export.export(gdf, layer, fmt)
    ctx = None if layer == "subdistricts" else context_for(ds)
    rep = validate_bytes(layer, data, export.filename(layer, fmt), ctx)
    assert rep.ok, "\n".join(rep.lines())
    back = rep.data
    cols = [c for c in gdf.columns if c not in ("geometry", "lat", "lon", "seat_lat", "seat_lon")]
    assert _records(back[cols]) == _records(gdf[cols])  # values exact
    for c in ("lat", "lon", "seat_lat", "seat_lon"):
        if c in gdf.columns:
            a, b = gdf[c].to_numpy(float), back[c].to_numpy(float)
            assert np.allclose(a, b, atol=1e-7, equal_nan=True)
    # geometry within 1e-7°
    for g1, g2 in zip(gdf.geometry, back.geometry):
        if g1 is None or g1.is_empty:
            assert g2 is None or g2.is_empty
            continue
        assert g1.equals_exact(g2, 1e-7) or g1.symmetric_difference(g2).area < 1e-12


def test_template_has_every_column_and_no_rows():
    for key in ("subdistricts", "projects", "meal_points"):
        df = pd.read_csv(io.BytesIO(export.template_csv(key)), encoding="utf-8-sig")
        assert len(df) == 0
        from geo.data.schema import LAYERS

        assert list(df.columns)[: len(LAYERS[key].names)] == LAYERS[key].names


def test_template_upload_says_header_only():
    rep = validate_bytes("meal_points", export.template_csv("meal_points"), "meal_points_template.csv")
    assert [i.key for i in rep.errors] == ["v.no_rows"]


def test_schema_table_lists_every_field_in_both_languages():
    from geo.data.schema import LAYERS

    for key, layer in LAYERS.items():
        for lang in ("zh", "en"):
            df = export.schema_table(key, lang)
            assert list(df["field"]) == [*layer.names, "geometry"]
    en = export.schema_table("meal_points", "en").set_index("field")
    assert en.at["location_precision", "allowed"] == "illustrative | subdistrict | address | surveyed"
    assert en.at["lat", "allowed"].startswith("-90 – 90")


def test_suggestions_csv_neutralised_and_geojson():
    gdf = gpd.GeoDataFrame(
        {
            "rank": [1, 2, 3, 4],
            "name": ['=HYPERLINK("x")', "+1+1", "-2", "@SUM(A1)"],
            "note": ["ok", "\tcmd", "plain", None],
            "value": [-3.5, 1.0, 2.0, -0.25],
        },
        geometry=shapely.points([(121.7, 39.1)] * 4),
        crs="EPSG:4326",
    )
    text = export.suggestions_csv(gdf).decode("utf-8-sig")
    back = pd.read_csv(io.StringIO(text))
    assert back["name"].tolist() == ['\'=HYPERLINK("x")', "'+1+1", "'-2", "'@SUM(A1)"]
    assert back["note"].iloc[1] == "'\tcmd" and back["note"].iloc[0] == "ok"
    assert back["value"].tolist() == [-3.5, 1.0, 2.0, -0.25]  # numbers stay numeric
    assert back["rank"].dtype.kind == "i" and "geometry" not in back
    gj = json.loads(export.suggestions_geojson(gdf))
    assert gj["type"] == "FeatureCollection" and len(gj["features"]) == 4
    assert gj["features"][0]["geometry"]["coordinates"] == [121.7, 39.1]
