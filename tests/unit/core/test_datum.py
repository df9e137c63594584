"""Tests for geo.datum (WGS-84 <-> GCJ-02)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from pyproj import Geod

from geo.core import datum
from geo.core.datum import gcj02_to_wgs84, in_china, shift_gdf, shift_geometry, wgs84_to_gcj02

GEOD = Geod(ellps="WGS84")

# Jinpu New Area bounding box: ~39.0–39.55 N, 121.44–122.30 E.
JINPU_BBOX = (121.44, 39.0, 122.30, 39.55)


def metres(lon1, lat1, lon2, lat2) -> np.ndarray:
    """Geodesic distance on the WGS-84 ellipsoid, metres."""
    return np.asarray(GEOD.inv(lon1, lat1, lon2, lat2)[2])


# Published reference pairs: (wgs_lon, wgs_lat, gcj_lon, gcj_lat, source).
REFERENCE_PAIRS = [
    # wandergis/coordtransform test/app.js: wgs84togcj02(116.404, 39.915)
    (116.404, 39.915, 116.41024449916938, 39.91640428150164, "coordtransform (Beijing)"),
    # googollee/eviltransform python/test.py + javascript/test.js "shanghai"
    (121.5272106, 31.1774276, 121.531541859215, 31.17530398364597, "eviltransform (Shanghai)"),
    # googollee/eviltransform "shenzhen"
    (113.912316, 22.543847, 113.9171764808363, 22.540796131694766, "eviltransform (Shenzhen)"),
    # googollee/eviltransform "beijing"
    (116.377817, 39.911954, 116.38404722455657, 39.91334545536069, "eviltransform (Beijing)"),
    # hujiulong/gcoord test/unit/crs/WGS84.spec.ts: WGS84 -> GCJ02 [123, 45]
    (123.0, 45.0, 123.00607541, 45.00197815, "gcoord (WGS84 spec)"),
]

# hujiulong/gcoord test/unit/crs/GCJ02.spec.ts: GCJ02 -> WGS84 [123, 45]
# (gcoord iterates to 1e-6 degrees, so its published value is within ~2 cm).
GCOORD_INVERSE = (123.0, 45.0, 122.99395597, 44.99804071)

# wandergis/coordtransform test/app.js: gcj02towgs84(116.404, 39.915) with the
# crude one-step inverse (g - delta(g)); ours must be closer to the truth.
COORDTRANSFORM_CRUDE_INVERSE = (116.404, 39.915, 116.39775550083061, 39.91359571849836)


@pytest.mark.parametrize(
    ("wlon", "wlat", "glon", "glat", "source"), REFERENCE_PAIRS, ids=[p[4] for p in REFERENCE_PAIRS]
)
def test_forward_matches_published_pairs(wlon, wlat, glon, glat, source):
    lon, lat = wgs84_to_gcj02(wlon, wlat)
    assert metres(lon, lat, glon, glat) < 0.5, source


@pytest.mark.parametrize(
    ("wlon", "wlat", "glon", "glat", "source"), REFERENCE_PAIRS, ids=[p[4] for p in REFERENCE_PAIRS]
)
def test_inverse_matches_published_pairs(wlon, wlat, glon, glat, source):
    lon, lat = gcj02_to_wgs84(glon, glat)
    assert metres(lon, lat, wlon, wlat) < 1.0, source


def test_forward_bit_exact_with_coordtransform():
    # Same formula, same operation order as the reference implementation.
    lon, lat = wgs84_to_gcj02(116.404, 39.915)
    assert lon == pytest.approx(116.41024449916938, abs=1e-12)
    assert lat == pytest.approx(39.91640428150164, abs=1e-12)


def test_inverse_matches_gcoord():
    glon, glat, wlon, wlat = GCOORD_INVERSE
    lon, lat = gcj02_to_wgs84(glon, glat)
    assert abs(lon - wlon) < 5e-6 and abs(lat - wlat) < 5e-6  # gcoord's toBeCloseTo(…, 5)
    assert metres(lon, lat, wlon, wlat) < 0.05


def test_inverse_is_more_precise_than_one_step():
    glon, glat, crude_lon, crude_lat = COORDTRANSFORM_CRUDE_INVERSE
    lon, lat = gcj02_to_wgs84(glon, glat)
    # Our answer maps back onto the input to < 1e-9 degrees ...
    back_lon, back_lat = wgs84_to_gcj02(lon, lat)
    assert abs(back_lon - glon) < 1e-9 and abs(back_lat - glat) < 1e-9
    # ... while the one-step answer misses by a measurable amount (6 cm here,
    # up to ~2.5 m elsewhere in Jinpu and ~4.5 m across China).
    c_lon, c_lat = wgs84_to_gcj02(crude_lon, crude_lat)
    assert metres(c_lon, c_lat, glon, glat) > 0.01
    # The two agree to within the one-step method's known error (a few metres).
    assert metres(lon, lat, crude_lon, crude_lat) < 5.0


def test_round_trip_1000_random_points_in_district():
    rng = np.random.default_rng(20250101)
    lon = rng.uniform(JINPU_BBOX[0], JINPU_BBOX[2], 1000)
    lat = rng.uniform(JINPU_BBOX[1], JINPU_BBOX[3], 1000)
    g_lon, g_lat = wgs84_to_gcj02(lon, lat)
    w_lon, w_lat = gcj02_to_wgs84(g_lon, g_lat)
    err = metres(lon, lat, w_lon, w_lat)
    assert err.max() < 0.01
    # And the other way round (GCJ input -> WGS -> GCJ).
    b_lon, b_lat = wgs84_to_gcj02(*gcj02_to_wgs84(lon, lat))
    assert np.abs(b_lon - lon).max() < 1e-9 and np.abs(b_lat - lat).max() < 1e-9


def test_shift_magnitude_in_jinpu():
    lon, lat = wgs84_to_gcj02(121.7, 39.1)
    shift = float(metres(121.7, 39.1, lon, lat))
    assert 400.0 < shift < 500.0  # the shift in Jinpu is ≈440–460 m


def test_shift_magnitude_across_district():
    rng = np.random.default_rng(7)
    lon = rng.uniform(JINPU_BBOX[0], JINPU_BBOX[2], 500)
    lat = rng.uniform(JINPU_BBOX[1], JINPU_BBOX[3], 500)
    shift = metres(lon, lat, *wgs84_to_gcj02(lon, lat))
    assert shift.min() > 400.0 and shift.max() < 500.0


def test_outside_china_unchanged():
    tokyo = (139.6917, 35.6895)
    assert not in_china(*tokyo)
    assert wgs84_to_gcj02(*tokyo) == tokyo
    assert gcj02_to_wgs84(*tokyo) == tokyo
    # gcoord's out-of-range case.
    assert wgs84_to_gcj02(183.0, 45.0) == (183.0, 45.0)
    # Mixed arrays: only the in-China element moves.
    lon, lat = wgs84_to_gcj02(np.array([139.6917, 121.7]), np.array([35.6895, 39.1]))
    assert lon[0] == 139.6917 and lat[0] == 35.6895
    assert lon[1] != 121.7


def test_shapes_and_types():
    lon, lat = wgs84_to_gcj02(121.7, 39.1)
    assert isinstance(lon, float) and isinstance(lat, float)
    grid_lon, grid_lat = np.meshgrid(np.linspace(121.5, 122.2, 4), np.linspace(39.0, 39.5, 3))
    g_lon, g_lat = wgs84_to_gcj02(grid_lon, grid_lat)
    assert g_lon.shape == (3, 4) and g_lat.shape == (3, 4)
    w_lon, _w_lat = gcj02_to_wgs84(g_lon, g_lat)
    assert w_lon.shape == (3, 4)
    np.testing.assert_allclose(w_lon, grid_lon, atol=1e-9)
    # Broadcasting a scalar latitude against an array of longitudes.
    b_lon, b_lat = wgs84_to_gcj02(np.array([121.6, 121.8]), 39.2)
    assert b_lon.shape == (2,) and b_lat.shape == (2,)
    # Empty arrays are fine.
    e_lon, _e_lat = gcj02_to_wgs84(np.array([]), np.array([]))
    assert e_lon.shape == (0,)


def test_nan_passes_through():
    lon, _lat = wgs84_to_gcj02(np.array([np.nan, 121.7]), np.array([39.1, 39.1]))
    assert np.isnan(lon[0]) and not np.isnan(lon[1])
    w_lon, _ = gcj02_to_wgs84(np.array([np.nan]), np.array([np.nan]))
    assert np.isnan(w_lon[0])


def test_input_not_modified():
    lon = np.array([121.7, 121.8])
    lat = np.array([39.1, 39.2])
    gcj02_to_wgs84(lon, lat)
    wgs84_to_gcj02(lon, lat)
    np.testing.assert_array_equal(lon, [121.7, 121.8])
    np.testing.assert_array_equal(lat, [39.1, 39.2])


# --------------------------------------------------------------------------- #
# Geometry helpers
# --------------------------------------------------------------------------- #
def test_shift_geometry_matches_point_functions():
    poly = shapely.Polygon([(121.6, 39.0), (121.9, 39.0), (121.9, 39.3), (121.6, 39.0)])
    shifted = shift_geometry(poly, to="gcj02")
    xy = shapely.get_coordinates(poly)
    expected = np.column_stack(wgs84_to_gcj02(xy[:, 0], xy[:, 1]))
    np.testing.assert_allclose(shapely.get_coordinates(shifted), expected, rtol=0, atol=1e-12)
    back = shift_geometry(shifted, to="wgs84")
    np.testing.assert_allclose(shapely.get_coordinates(back), xy, rtol=0, atol=1e-9)


def test_shift_geometry_types_z_empty_and_arrays():
    multi = shapely.MultiLineString([[(121.6, 39.1), (121.7, 39.2)], [(122.0, 39.4), (122.1, 39.5)]])
    assert shift_geometry(multi).geom_type == "MultiLineString"
    pz = shift_geometry(shapely.Point(121.7, 39.1, 12.5))
    assert pz.has_z and pz.z == 12.5
    assert shift_geometry(shapely.Polygon()).is_empty
    arr = np.array([shapely.Point(121.7, 39.1), None, shapely.Point(139.69, 35.69)], dtype=object)
    out = shift_geometry(arr, to="gcj02")
    assert out[1] is None
    assert out[2].equals(arr[2])  # outside China: unchanged
    with pytest.raises(ValueError):
        shift_geometry(shapely.Point(121.7, 39.1), to="bd09")  # type: ignore[arg-type]


def test_shift_gdf_returns_copy_and_round_trips():
    gdf = gpd.GeoDataFrame(
        {"name": ["a", "b"]},
        geometry=[shapely.Point(121.7, 39.1), shapely.LineString([(121.6, 39.0), (121.8, 39.2)])],
        crs="EPSG:4326",
    )
    before = gdf.copy()
    out = shift_gdf(gdf, to="gcj02")
    assert out is not gdf
    assert gdf.geom_equals_exact(before, tolerance=0).all()  # input untouched
    assert out.crs == gdf.crs and list(out.columns) == list(gdf.columns)
    assert (out["name"] == gdf["name"]).all()
    moved = metres(121.7, 39.1, out.geometry.iloc[0].x, out.geometry.iloc[0].y)
    assert 400 < moved < 500
    back = shift_gdf(out, to="wgs84")
    assert back.geom_equals_exact(gdf, tolerance=1e-9).all()


def test_shift_gdf_custom_geometry_column_and_empty():
    gdf = gpd.GeoDataFrame({"v": [1]}, geometry=gpd.GeoSeries([shapely.Point(121.7, 39.1)]), crs=4326)
    gdf = gdf.rename_geometry("geom")
    out = shift_gdf(gdf)
    assert out.geometry.name == "geom" and "geometry" not in out.columns
    empty = gpd.GeoDataFrame({"v": []}, geometry=gpd.GeoSeries([], crs=4326))
    assert len(shift_gdf(empty)) == 0


def test_shift_gdf_rejects_projected_crs():
    gdf = gpd.GeoDataFrame(geometry=[shapely.Point(500000, 4330000)], crs="EPSG:32651")
    with pytest.raises(ValueError, match="EPSG:4326"):
        shift_gdf(gdf)


def test_constants():
    assert datum.KRASOVSKY_A == 6378245.0
    assert datum.KRASOVSKY_EE == 0.00669342162296594323
