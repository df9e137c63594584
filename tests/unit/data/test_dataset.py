"""The bundled dataset: partition, containment, counts, names, provenance, determinism."""

import hashlib
import itertools

import geopandas as gpd
import pytest
import shapely

from geo.data import facts
from geo.data.build_data import build, district_outline
from geo.data.loader import DATA_DIR, load_bundled

M = "EPSG:32651"


@pytest.fixture(scope="module")
def ds():
    return load_bundled()


def test_counts(ds):
    assert len(ds.subdistricts) == 25
    assert len(ds.projects) == 30
    assert len(ds.meal_points) == 60


def test_subdistrict_codes_and_names_match_design(ds):
    got = dict(zip(ds.subdistricts["code"], ds.subdistricts["name_zh"]))
    assert got == {s.code: s.name_zh for s in facts.SEATS}
    assert set(ds.subdistricts["boundary_quality"]) == {"schematic"}
    assert ds.subdistricts["pop_total"].isna().all() and ds.subdistricts["pop_60plus"].isna().all()


def test_partition_has_no_gaps_or_overlaps(ds):
    sub = ds.subdistricts.to_crs(M)
    assert sub.is_valid.all()
    union = shapely.union_all(sub.geometry.values)
    assert abs(sub.area.sum() - union.area) < 1.0  # m²: no overlaps
    overlap = sum(a.intersection(b).area for a, b in itertools.combinations(sub.geometry, 2))
    assert overlap < 1.0
    # the union fills the (simplified) outline: within 0.5 % of the package's outline area
    outline = gpd.GeoSeries([district_outline()], crs=4326).to_crs(M).iloc[0]
    assert abs(union.area - outline.area) / outline.area < 0.005
    # no holes between cells: the union has no interior rings that the outline lacks
    assert sum(len(p.interiors) for p in shapely.get_parts(union)) == sum(
        len(p.interiors) for p in shapely.get_parts(outline.simplify(60))
    )


def test_each_seat_in_its_own_cell(ds):
    for _, row in ds.subdistricts.iterrows():
        assert row.geometry.contains(shapely.Point(row.seat_lon, row.seat_lat)), row.code


def test_outline_matches_design(ds):
    outline = district_outline()
    area = gpd.GeoSeries([outline], crs=4326).to_crs(M).area.iloc[0] / 1e6
    assert 1900 < area < 2000  # 金州区 in geotool-cn 3.1.0: ≈1958 km²
    minx, miny, maxx, maxy = outline.bounds
    assert (round(minx, 2), round(maxx, 2)) == (121.44, 122.30) or (121.4 < minx < 121.5 and 122.25 < maxx < 122.35)
    assert 38.9 < miny < 39.0 and 39.5 < maxy < 39.6


def test_sector_counts_and_exact_names(ds):
    counts = ds.projects.groupby("sector").size().to_dict()
    assert counts == {s.key: s.count for s in facts.SECTORS}
    names = set(ds.projects["name_zh"])
    for expected in (
        "大连市金州高级中学改造工程",
        "金阳学校建设工程",
        "学校塑胶操场面层改造工程",
        "医疗智慧化及胸痛单元建设项目",
        "金州区第三人民医院诊疗服务能力提升项目",
        "先进街道响泉小区老旧小区改造工程",
        "大连金石滩国家旅游度假区基础设施改造工程",
        "站前街道、拥政街道等城中村居民动迁项目",
        "回迁小区污水管网改造工程",
        "扶持发展新型农村集体经济项目",
        "困难老年人居家养老服务",
        "养老社区服务中心改造工程",
        "老年助餐服务",
    ):
        assert expected in names
    assert set(ds.projects["status"]) == {"completed"}


def test_published_figures_on_the_right_projects(ds):
    p = ds.projects.set_index("name_zh")
    assert p.at["先进街道响泉小区老旧小区改造工程", "buildings"] == 35
    assert p.at["站前街道、拥政街道等城中村居民动迁项目", "households"] == 6000
    assert p.at["医疗智慧化及胸痛单元建设项目", "institutions"] == 25
    assert p.at["困难老年人居家养老服务", "people"] == 1400
    assert p.at["养老社区服务中心改造工程", "centres"] == 42
    assert p.at["老年助餐服务", "meal_points"] == 60
    # no other project carries a figure, and no investment column exists at all
    fig_cols = ["households", "buildings", "institutions", "people", "centres", "meal_points"]
    assert int(ds.projects[fig_cols].notna().sum().sum()) == 6
    assert not any("invest" in c or "budget" in c for c in ds.projects.columns)


def test_known_sites_and_district_wide(ds):
    p = ds.projects.set_index("id")
    xq = p.loc[p["name_zh"] == "先进街道响泉小区老旧小区改造工程"].iloc[0]
    assert xq.subdistrict_codes == "210213009000" and xq.location_precision == "site"
    assert abs(xq.lat - 39.090) < 0.02 and abs(xq.lon - 121.735) < 0.02
    reloc = p.loc[p["name_zh"].str.startswith("站前街道")].iloc[0]
    assert set(reloc.subdistrict_codes.split(";")) == {"210213008000", "210213001000"}
    jst = p.loc[p["name_zh"].str.contains("金石滩")].iloc[0]
    assert jst.subdistrict_codes == "210213012000"
    wide = ds.projects[ds.projects["location_precision"] == "district"]
    assert len(wide) == 27
    assert wide["lat"].isna().all() and wide["subdistrict_codes"].isna().all()
    assert wide["location_note"].notna().all()


def test_meal_points_cover_every_subdistrict_inside_and_apart(ds):
    mp = ds.meal_points
    assert set(mp["subdistrict_code"]) == set(facts.SUBDISTRICT_CODES)
    sub = ds.subdistricts.set_index("code")
    for _, r in mp.iterrows():
        assert sub.geometry[r.subdistrict_code].contains(r.geometry), r.id
    pts = mp.to_crs(M).geometry
    d = min(a.distance(b) for a, b in itertools.combinations(pts, 2))
    assert d >= 300.0
    # denser in the old town (O) and development zone (D) than elsewhere
    zone = dict(zip(ds.subdistricts["code"], ds.subdistricts["zone"]))
    per = mp.groupby(mp["subdistrict_code"].map(zone)).size() / ds.subdistricts.groupby("zone").size()
    assert per["O"] > per["I"] and per["D"] > per["P"]


def test_meal_points_are_marked_illustrative(ds):
    mp = ds.meal_points
    named = mp[mp["location_precision"] == "subdistrict"]
    assert set(named["name_zh"]) == {"民祥道智慧餐厅", "城志社区惠民餐厅", "石城社区居家养老服务中心便民食堂"}
    assert set(mp["location_precision"]) == {"illustrative", "subdistrict"}
    ill = mp[mp["location_precision"] == "illustrative"]
    assert ill["name_zh"].str.contains("示意").all() and ill["name_en"].str.contains("illustrative").all()
    assert mp["source"].notna().all()
    # nothing made up: no phones, hours or prices (hours are published for no point)
    for col in ("phone", "hours", "price_note", "dine_in", "delivery", "verified_on"):
        assert mp[col].isna().all(), col
    shicheng = mp[mp["name_zh"] == "石城社区居家养老服务中心便民食堂"].iloc[0]
    assert shicheng.address == "湾里西23号楼一层" and shicheng.subdistrict_code == "210213013000"


def test_published_facts_of_the_named_meal_points(ds):
    mp = ds.meal_points.set_index("name_zh")
    shicheng = mp.loc["石城社区居家养老服务中心便民食堂"]
    assert shicheng.seats == 56 and shicheng.price_tiers == "8/10/12" and shicheng.subsidy_yuan == 2.0
    assert shicheng.opened_on == "2020-10-12" and shicheng.community_code == "210213013003"
    assert shicheng.source == "大连新闻传媒集团，2020年10月" and shicheng.location_precision == "subdistrict"
    chengzhi = mp.loc["城志社区惠民餐厅"]
    assert chengzhi.community_code == "210213013004" and chengzhi.location_precision == "subdistrict"
    # the communities are where the points are (石城社区 and 城志社区 in 湾里)
    for code in ("210213013003", "210213013004"):
        assert facts.communities()[code].street_code == "210213013000"
    # only the two named facilities carry these facts
    others = ds.meal_points[~ds.meal_points["name_zh"].isin(["石城社区居家养老服务中心便民食堂", "城志社区惠民餐厅"])]
    for col in ("price_tiers", "subsidy_yuan", "seats", "opened_on", "community_code"):
        assert others[col].isna().all(), col
    assert int(ds.meal_points["community_code"].notna().sum()) == 2


def test_communities_list_is_the_nbs_2023_list():
    c = facts.communities()
    assert len(c) == 371
    assert {x.street_code for x in c.values()} == set(facts.SUBDISTRICT_CODES)
    assert c["210213013004"].name.startswith("城志社区") and c["210213013003"].name.startswith("石城社区")
    assert c["210213009005"].name.startswith("响泉社区") and c["210213009005"].street_name == "先进街道"
    # 亮甲店 has a 石城社区 too: the same name, another code
    namesakes = [x for x in c.values() if x.name.startswith("石城社区")]
    assert {x.street_name for x in namesakes} == {"湾里街道", "亮甲店街道"}
    seat_names = {s.code: s.name_zh for s in facts.SEATS}
    assert all(seat_names[x.street_code] == x.street_name for x in c.values())


def test_district_census_figures():
    c = facts.CENSUS_2020
    assert (c.residents, c.aged_60_plus, c.aged_65_plus, c.aged_80_plus) == (1_545_491, 301_759, 206_525, 33_395)
    assert round(c.share_60_plus * 100, 1) == 19.5
    assert "leiii/census" in c.source and "210213" in c.source


def test_build_is_byte_identical(tmp_path):
    a = build(tmp_path / "a")
    b = build(tmp_path / "b")
    for key in a:
        ha = hashlib.sha256(a[key].read_bytes()).hexdigest()
        assert ha == hashlib.sha256(b[key].read_bytes()).hexdigest()
        assert ha == hashlib.sha256((DATA_DIR / a[key].name).read_bytes()).hexdigest(), (
            f"data/{a[key].name} is out of date: run python -m geo build-data"
        )


def test_data_readme_states_provenance():
    text = (DATA_DIR / "README.md").read_text(encoding="utf-8")
    for phrase in (
        "geotool-cn",
        "schematic",
        "illustrative",
        "DataV",
        "learning",
        "nbs2023_jinzhou_communities.csv",
        "china-division",
        "WTFPL",
        "301,759",
        "leiii/census",
    ):
        assert phrase in text
