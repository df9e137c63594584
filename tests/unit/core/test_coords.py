"""geo.core.coords: typed coordinates and map clicks into WGS-84 (lon, lat)."""

from __future__ import annotations

import pytest

from geo.core.coords import CoordError, click_to_wgs84, parse_coords
from geo.core.datum import wgs84_to_gcj02
from geo.i18n import t


def test_click_to_wgs84_returns_lon_lat_and_shifts_back_from_gcj02():
    assert click_to_wgs84(None) is None
    assert click_to_wgs84({}) is None
    assert click_to_wgs84({"lat": None, "lng": 1}) is None
    assert click_to_wgs84({"lat": "x", "lng": 1}) is None
    assert click_to_wgs84({"lat": float("nan"), "lng": 121.7}) is None
    assert click_to_wgs84({"lat": 91, "lng": 121.7}) is None
    assert click_to_wgs84({"lat": 39.1, "lng": 121.7}) == (121.7, 39.1)
    assert click_to_wgs84({"lat": 39.1, "lng": 121.7}, "wgs84") == (121.7, 39.1)
    glon, glat = wgs84_to_gcj02(121.7, 39.1)
    lon, lat = click_to_wgs84({"lat": glat, "lng": glon}, "gcj02")
    assert lon == pytest.approx(121.7, abs=2e-6)
    assert lat == pytest.approx(39.1, abs=2e-6)
    # the GCJ-02 shift is ≈ 450 m here: not shifting back would be far off
    assert abs(glon - 121.7) > 1e-3
    # Leaflet wraps the world: 121.7 + 360 is 121.7
    assert click_to_wgs84({"lat": 39.1, "lng": 121.7 + 360})[0] == pytest.approx(121.7)
    assert click_to_wgs84({"lat": 39.1, "lng": 121.7 - 360})[0] == pytest.approx(121.7)


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("39.108, 121.712", (121.712, 39.108)),
        ("121.712,39.108", (121.712, 39.108)),
        ("39.108，121.712", (121.712, 39.108)),
        ("  39.108   121.712 ", (121.712, 39.108)),
        ("39.108N 121.712E", (121.712, 39.108)),
        ("北纬39.108° 东经121.712°", (121.712, 39.108)),
        ("-33.9, 151.2", (151.2, -33.9)),
    ],
)
def test_parse_coords_ok(text, want):
    assert parse_coords(text) == pytest.approx(want)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("", "fd.coords.empty"),
        ("   ", "fd.coords.empty"),
        ("39.1", "fd.coords.two_numbers"),
        ("1 2 3", "fd.coords.two_numbers"),
        ("abc", "fd.coords.two_numbers"),
        ("200, 300", "fd.coords.range"),
        ("39, 190", "fd.coords.range"),
    ],
)
def test_parse_coords_errors(text, key):
    with pytest.raises(CoordError) as ei:
        parse_coords(text)
    assert ei.value.key == key
    assert t(key, "zh") and t(key, "en")
