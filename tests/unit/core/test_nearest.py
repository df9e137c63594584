"""Tests for geo.core.nearest (exact k-NN / radius search), geo.core.distance (haversine, walk estimate) and geo.core.navigation (URLs)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import numpy as np
import pytest
from pyproj import Geod

from geo.core.datum import wgs84_to_gcj02
from geo.core.distance import CIRCUITY, EARTH_RADIUS_M, ELDERLY_WALK_KMH, WalkEstimate, haversine_m, walk_estimate
from geo.core.navigation import amap_marker_url, amap_walk_url, baidu_walk_url
from geo.core.nearest import PointIndex

LON0, LON1, LAT0, LAT1 = 121.44, 122.30, 39.0, 39.55  # Jinpu bounding box


def random_points(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.uniform(LON0, LON1, n), rng.uniform(LAT0, LAT1, n)


def brute_nearest(lons, lats, qlon, qlat, k, d=None):
    """Reference answer: haversine to every point, sorted by (distance, index)."""
    if d is None:
        d = haversine_m(qlon, qlat, lons, lats)
    k = min(k, len(d))
    kth = np.partition(d, k - 1)[k - 1]
    idx = np.flatnonzero(d <= kth)  # all points up to the k-th distance, ties included
    order = np.lexsort((idx, d[idx]))[:k]
    return idx[order], d[idx][order]


def brute_within(lons, lats, qlon, qlat, r, d=None):
    if d is None:
        d = haversine_m(qlon, qlat, lons, lats)
    idx = np.flatnonzero(d <= r)
    order = np.lexsort((idx, d[idx]))
    return idx[order], d[idx][order]


def assert_same_answer(got, want):
    """Distances equal to 1e-6 m; indices equal as sets within each distance group."""
    gi, gd = got
    wi, wd = want
    assert len(gi) == len(wi)
    np.testing.assert_allclose(gd, wd, rtol=0, atol=1e-6)
    for d in np.unique(wd):
        assert set(gi[gd == d]) == set(wi[wd == d])
    # Our tie rule (distance, then index) is deterministic, so order matches too.
    np.testing.assert_array_equal(gi, wi)


# --------------------------------------------------------------------------- #
# haversine
# --------------------------------------------------------------------------- #
def test_haversine_known_values():
    assert haversine_m(121.7, 39.1, 121.7, 39.1) == 0.0
    # One degree of latitude on the mean sphere.
    assert haversine_m(121.7, 39.0, 121.7, 40.0) == pytest.approx(EARTH_RADIUS_M * np.pi / 180, rel=1e-12)
    # Close to the WGS-84 geodesic inside the district (sphere vs ellipsoid < 0.5 %).
    geod = Geod(ellps="WGS84")
    lons, lats = random_points(50, 3)
    h = haversine_m(lons[:-1], lats[:-1], lons[1:], lats[1:])
    g = np.asarray(geod.inv(lons[:-1], lats[:-1], lons[1:], lats[1:])[2])
    assert np.all(np.abs(h - g) / g < 0.005)


def test_haversine_broadcasts_and_returns_float_for_scalars():
    assert isinstance(haversine_m(121.7, 39.1, 121.8, 39.2), float)
    d = haversine_m(121.7, 39.1, np.array([121.7, 121.8]), np.array([39.1, 39.2]))
    assert d.shape == (2,) and d[0] == 0.0


# --------------------------------------------------------------------------- #
# PointIndex vs brute force
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize(("n", "seed"), [(60, 11), (100_000, 12)], ids=["60-points", "100k-points"])
def test_nearest_matches_brute_force(n, seed):
    lons, lats = random_points(n, seed)
    index = PointIndex(lons, lats)
    qlons, qlats = random_points(200, seed + 1000)
    for qlon, qlat in zip(qlons, qlats):
        d = haversine_m(qlon, qlat, lons, lats)
        for k in (1, 5, 20):
            assert_same_answer(index.nearest(qlon, qlat, k=k), brute_nearest(lons, lats, qlon, qlat, k, d))


def test_brute_force_reference_is_a_full_sort():
    # Guard the shortcut in brute_nearest against a plain full sort.
    lons, lats = random_points(5000, 13)
    d = haversine_m(121.8, 39.3, lons, lats)
    full = np.lexsort((np.arange(len(d)), d))[:20]
    np.testing.assert_array_equal(brute_nearest(lons, lats, 121.8, 39.3, 20)[0], full)


def test_nearest_query_on_a_point_and_outside_bbox():
    lons, lats = random_points(60, 21)
    index = PointIndex(lons, lats)
    idx, dist = index.nearest(lons[17], lats[17], k=3)
    assert idx[0] == 17 and dist[0] == 0.0
    # A query far outside the layer still gets the exact answer.
    assert_same_answer(index.nearest(120.0, 38.0, k=5), brute_nearest(lons, lats, 120.0, 38.0, 5))


@pytest.mark.parametrize(("n", "seed"), [(60, 31), (100_000, 32)], ids=["60-points", "100k-points"])
def test_within_matches_brute_force(n, seed):
    lons, lats = random_points(n, seed)
    index = PointIndex(lons, lats)
    qlons, qlats = random_points(200, seed + 1000)
    for qlon, qlat in zip(qlons, qlats):
        d = haversine_m(qlon, qlat, lons, lats)
        for radius in (0.0, 300.0, 500.0, 1000.0, 5000.0):
            assert_same_answer(index.within(qlon, qlat, radius), brute_within(lons, lats, qlon, qlat, radius, d))


def test_within_radius_larger_than_earth():
    lons, lats = random_points(60, 41)
    index = PointIndex(lons, lats)
    idx, dist = index.within(-60.0, -39.0, 1e9)  # antipode-ish, radius beyond πR
    assert len(idx) == 60
    assert np.all(np.diff(dist) >= 0)


def test_within_includes_point_exactly_on_radius():
    lons, lats = np.array([121.7, 121.71]), np.array([39.1, 39.1])
    index = PointIndex(lons, lats)
    r = haversine_m(121.7, 39.1, 121.71, 39.1)
    idx, _ = index.within(121.7, 39.1, r)
    assert idx.tolist() == [0, 1]


def test_k_larger_than_n():
    lons, lats = random_points(7, 51)
    index = PointIndex(lons, lats)
    idx, dist = index.nearest(121.8, 39.3, k=50)
    assert len(idx) == 7 and sorted(idx.tolist()) == list(range(7))
    assert_same_answer((idx, dist), brute_nearest(lons, lats, 121.8, 39.3, 7))


def test_empty_layer():
    index = PointIndex([], [])
    assert len(index) == 0
    for idx, dist in (index.nearest(121.8, 39.3, k=5), index.within(121.8, 39.3, 1000)):
        assert idx.shape == (0,) and dist.shape == (0,)
        assert idx.dtype.kind == "i" and dist.dtype.kind == "f"


def test_single_point_layer():
    index = PointIndex([121.8], [39.3])
    idx, dist = index.nearest(121.8, 39.31, k=5)
    assert idx.tolist() == [0] and dist[0] == pytest.approx(haversine_m(121.8, 39.31, 121.8, 39.3))


def test_ties_are_ordered_by_index():
    # Exact ties by construction: duplicates (indices 1 and 3) and points
    # mirrored about the query's meridian (indices 0 and 2; lon 0 so that
    # radians(-x) == -radians(x) exactly).
    lons = np.array([0.001, 0.0, -0.001, 0.0, 0.0])
    lats = np.array([0.0, 0.0005, 0.0, 0.0005, 0.01])
    index = PointIndex(lons, lats)
    idx, dist = index.nearest(0.0, 0.0, k=5)
    assert idx.tolist() == [1, 3, 0, 2, 4]
    assert dist[0] == dist[1] and dist[2] == dist[3]
    # A tie straddling the k-th place keeps the lower index.
    assert index.nearest(0.0, 0.0, k=1)[0].tolist() == [1]
    assert index.nearest(0.0, 0.0, k=3)[0].tolist() == [1, 3, 0]
    assert index.within(0.0, 0.0, float(dist[2]))[0].tolist() == [1, 3, 0, 2]


def test_many_duplicates_tie_order():
    lons = np.full(50, 121.7)
    lats = np.full(50, 39.1)
    lons[[5, 40]] = 121.8  # two farther points
    index = PointIndex(lons, lats)
    idx, _ = index.nearest(121.7, 39.1, k=10)
    assert idx.tolist() == [0, 1, 2, 3, 4, 6, 7, 8, 9, 10]


@pytest.mark.parametrize(
    "bad", [(np.nan, 39.1), (121.7, np.nan), (np.inf, 39.1), (121.7, 91.0), ("x", 39.1), (None, 39.1)]
)
def test_invalid_query_raises(bad):
    index = PointIndex(*random_points(10, 61))
    with pytest.raises(ValueError):
        index.nearest(*bad)
    with pytest.raises(ValueError):
        index.within(*bad, radius_m=500)


def test_nan_query_message_is_clear():
    index = PointIndex(*random_points(10, 62))
    with pytest.raises(ValueError, match="NaN"):
        index.nearest(float("nan"), 39.1)


def test_invalid_arguments_raise():
    index = PointIndex(*random_points(10, 63))
    with pytest.raises(ValueError):
        index.nearest(121.7, 39.1, k=0)
    with pytest.raises(ValueError):
        index.within(121.7, 39.1, radius_m=-1)
    with pytest.raises(ValueError):
        index.within(121.7, 39.1, radius_m=float("nan"))
    with pytest.raises(ValueError, match="NaN"):
        PointIndex([121.7, np.nan], [39.1, 39.2])
    with pytest.raises(ValueError):
        PointIndex([121.7, 121.8], [39.1])


def test_index_copies_input():
    lons, lats = random_points(20, 71)
    index = PointIndex(lons, lats)
    want = index.nearest(121.8, 39.3, k=3)
    lons[:] = 0.0  # caller mutates its arrays afterwards
    assert_same_answer(index.nearest(121.8, 39.3, k=3), want)
    with pytest.raises(ValueError):
        index.lons[0] = 1.0  # read-only view


# --------------------------------------------------------------------------- #
# Walk estimate
# --------------------------------------------------------------------------- #
def test_constants():
    assert CIRCUITY == 1.3
    assert ELDERLY_WALK_KMH == 4.67


def test_walk_estimate_scalar():
    est = walk_estimate(1000)
    assert isinstance(est, WalkEstimate)
    assert est.straight_m == 1000.0
    assert est.walk_m == pytest.approx(1300.0)
    assert est.walk_min == pytest.approx(16.70, abs=0.005)
    assert est.walk_min == pytest.approx(1300 / (4670 / 60))


def test_walk_estimate_vectorised():
    est = walk_estimate(np.array([0.0, 300.0, 500.0, 1000.0]))
    np.testing.assert_allclose(est.walk_m, [0, 390, 650, 1300])
    np.testing.assert_allclose(est.walk_min, np.array([0, 390, 650, 1300]) / (4670 / 60))


# --------------------------------------------------------------------------- #
# Navigation URLs
# --------------------------------------------------------------------------- #
HOSTILE = "<script>&x=1"
LON, LAT = 121.7123456789, 39.1098765432


def parse(url: str):
    parts = urlsplit(url)
    return parts, parse_qs(parts.query, keep_blank_values=True, strict_parsing=True)


def six(v: float) -> str:
    return f"{v:.6f}"


def test_amap_walk_url_default_converts_to_gcj02():
    parts, q = parse(amap_walk_url(LON, LAT, "金州区 长者食堂"))
    assert parts.scheme == "https" and parts.netloc == "uri.amap.com" and parts.path == "/navigation"
    assert q["mode"] == ["walk"]
    assert q["coordinate"] == ["gaode"]
    assert q["callnative"] == ["1"]
    assert "from" not in q
    glon, glat = wgs84_to_gcj02(LON, LAT)
    assert q["to"] == [f"{six(glon)},{six(glat)},金州区 长者食堂"]  # lon first


def test_amap_walk_url_wgs84_option_and_origin():
    url = amap_walk_url(LON, LAT, "食堂", from_lon=121.65, from_lat=39.05, coordinate="wgs84")
    _, q = parse(url)
    assert q["coordinate"] == ["wgs84"]
    assert q["to"] == [f"{six(LON)},{six(LAT)},食堂"]
    assert q["from"] == ["121.650000,39.050000"]
    lon_s, lat_s, _ = q["to"][0].split(",")
    assert len(lon_s.split(".")[1]) == 6 and len(lat_s.split(".")[1]) == 6
    assert float(lon_s) > 100 > float(lat_s)  # Amap order is lon,lat


def test_amap_walk_url_origin_is_converted_too():
    _, q = parse(amap_walk_url(LON, LAT, "食堂", 121.65, 39.05, from_name="家"))
    olon, olat = wgs84_to_gcj02(121.65, 39.05)
    assert q["from"] == [f"{six(olon)},{six(olat)},家"]


def test_amap_marker_url():
    parts, q = parse(amap_marker_url(LON, LAT, "助餐点"))
    assert parts.netloc == "uri.amap.com" and parts.path == "/marker"
    assert q["position"] == [f"{six(LON)},{six(LAT)}"]
    assert q["name"] == ["助餐点"]
    assert q["coordinate"] == ["wgs84"] and q["callnative"] == ["1"]


def test_baidu_walk_url():
    parts, q = parse(baidu_walk_url(LON, LAT, "助餐点", from_lon=121.65, from_lat=39.05))
    assert parts.scheme == "https" and parts.netloc == "api.map.baidu.com" and parts.path == "/direction"
    assert q["mode"] == ["walking"]
    assert q["coord_type"] == ["wgs84"]
    assert q["output"] == ["html"]
    assert q["src"] and q["src"][0]
    assert q["destination"] == [f"latlng:{six(LAT)},{six(LON)}|name:助餐点"]  # lat first
    assert q["origin"] == ["latlng:39.050000,121.650000|name:我的位置"]
    lat_s, lng_s = q["destination"][0].split("|")[0].removeprefix("latlng:").split(",")
    assert float(lat_s) < 90 < float(lng_s)


def test_baidu_walk_url_without_origin():
    _, q = parse(baidu_walk_url(LON, LAT, "助餐点"))
    assert "origin" not in q


@pytest.mark.parametrize(
    "make",
    [
        lambda n: amap_walk_url(LON, LAT, n),
        lambda n: amap_walk_url(LON, LAT, n, 121.65, 39.05, from_name=n, coordinate="wgs84"),
        lambda n: amap_marker_url(LON, LAT, n),
        lambda n: baidu_walk_url(LON, LAT, n, 121.65, 39.05, from_name=n),
    ],
    ids=["amap-walk", "amap-walk-from", "amap-marker", "baidu-walk"],
)
def test_hostile_names_cannot_inject(make):
    _, clean = parse(make("食堂"))
    for hostile in (HOSTILE, "a,1,2|name:x;y#frag\n\t", "mode=car&callnative=0&coordinate=gaode"):
        url = make(hostile)
        parts, q = parse(url)
        # Same parameters as with a harmless name, each exactly once ...
        assert set(q) == set(clean)
        assert all(len(v) == 1 for v in q.values())
        # ... and every parameter that does not carry the name is unchanged.
        for key in ("mode", "coordinate", "coord_type", "callnative", "output", "src", "position"):
            if key in clean:
                assert q[key] == clean[key]
        assert not parts.fragment
        for ch in "<> \n\t#":
            assert ch not in url
        assert "<script>" not in url and "&x=" not in url and "&mode=car" not in url
        # The name cannot add fields inside "lon,lat,name" or "latlng:..|name:..".
        if "to" in q:
            assert q["to"][0].count(",") == 2
        if "from" in q:
            assert q["from"][0].count(",") == 2
        for key in ("destination", "origin"):
            if key in q:
                assert q[key][0].count("|") == 1 and q[key][0].count(",") == 1


def test_hostile_name_round_trips_readably():
    _, q = parse(amap_marker_url(LON, LAT, HOSTILE))
    assert q["name"] == [HOSTILE]
    _, q = parse(amap_walk_url(LON, LAT, "A,B|C"))
    assert q["to"][0].split(",", 2)[2] == "A，B｜C"


@pytest.mark.parametrize("bad", [(np.nan, 39.1), (121.7, 95.0), (200.0, 39.1)])
def test_urls_reject_bad_coordinates(bad):
    for fn in (amap_walk_url, amap_marker_url, baidu_walk_url):
        with pytest.raises(ValueError):
            fn(*bad, "x")


def test_urls_need_both_origin_coordinates():
    with pytest.raises(ValueError):
        amap_walk_url(LON, LAT, "x", from_lon=121.6)
    with pytest.raises(ValueError):
        baidu_walk_url(LON, LAT, "x", from_lat=39.0)
