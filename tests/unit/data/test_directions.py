"""geo.data.directions: nobody is navigated to a position the app made up."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from geo.core.datum import wgs84_to_gcj02
from geo.data.directions import HOTLINE, NAVIGABLE, directions

POINT = {"lon": 121.83, "lat": 39.07, "name_zh": "石城社区居家养老服务中心便民食堂", "name_en": "Shicheng canteen"}
ME = (121.84, 39.075)


def query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


@pytest.mark.parametrize("precision", NAVIGABLE)
def test_real_positions_get_walking_navigation(precision):
    d = directions({**POINT, "location_precision": precision}, "zh", origin=ME, origin_name="我")
    assert d.navigates_to_point and d.why is None
    amap, baidu = d.actions
    assert (amap.kind, amap.provider, amap.primary) == ("walk", "amap", True)
    q = query(amap.url)
    glon, glat = wgs84_to_gcj02(POINT["lon"], POINT["lat"])
    assert q["to"].startswith(f"{glon:.6f},{glat:.6f},") and q["mode"] == "walk"
    assert q["from"].startswith(f"{wgs84_to_gcj02(*ME)[0]:.6f}")
    assert urlsplit(baidu.url).path == "/direction" and query(baidu.url)["coord_type"] == "wgs84"


def test_a_named_facility_without_a_position_is_searched_by_name_in_dalian():
    d = directions({**POINT, "location_precision": "subdistrict"}, "zh", origin=ME)
    assert not d.navigates_to_point
    amap, baidu, call = d.actions
    assert urlsplit(amap.url)[1:3] == ("uri.amap.com", "/search") and amap.primary
    assert query(amap.url)["keyword"] == POINT["name_zh"] and query(amap.url)["city"] == "大连"
    assert "center" not in query(amap.url)  # the point's made-up position is never sent
    assert query(baidu.url)["query"] == POINT["name_zh"] and query(baidu.url)["region"] == "大连"
    assert call.url == f"tel:{HOTLINE}"
    assert "只知道它在本街道" in d.why
    assert all(f"{POINT['lon']:.6f}" not in a.url and f"{POINT['lat']:.6f}" not in a.url for a in d.actions)


def test_an_illustrative_point_is_never_a_destination():
    d = directions({**POINT, "location_precision": "illustrative"}, "en", origin=ME)
    assert not d.navigates_to_point
    kinds = [(a.kind, a.provider, a.primary) for a in d.actions]
    assert kinds == [("search_nearby", "amap", True), ("call", "phone", True), ("search_nearby", "baidu", False)]
    amap = query(d.actions[0].url)
    glon, glat = wgs84_to_gcj02(*ME)
    assert amap["center"] == f"{glon:.6f},{glat:.6f}"  # around the resident, not the point
    assert "老年食堂" in amap["keyword"]
    assert query(d.actions[2].url)["location"] == f"{ME[1]:.6f},{ME[0]:.6f}"
    assert d.actions[1].url == "tel:12345" and "12345" in d.actions[1].label
    assert "illustrative" in d.why
    for a in d.actions:
        assert f"{POINT['lon']:.6f}" not in a.url and f"{POINT['lat']:.6f}" not in a.url


def test_illustrative_without_the_residents_position_searches_around_the_area_or_the_city():
    row = {**POINT, "location_precision": "illustrative"}
    seat = (121.83, 39.07)
    d = directions(row, "zh", area=seat)
    assert "本街道" in d.actions[0].label and "center" in query(d.actions[0].url)
    d = directions(row, "zh")
    assert "大连" in d.actions[0].label and "center" not in query(d.actions[0].url)


def test_missing_precision_counts_as_illustrative_and_names_cannot_inject_parameters():
    row = {**POINT, "name_zh": "食堂&keyword=x|name:y", "location_precision": None}
    d = directions(row, "zh")
    assert not d.navigates_to_point
    d = directions({**row, "location_precision": "subdistrict"}, "zh")
    q = query(d.actions[0].url)
    assert set(q) == {"keyword", "city", "view", "src", "coordinate", "callnative"}
    assert q["keyword"].startswith("食堂&keyword=x")
