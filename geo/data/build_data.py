"""Rebuild the bundled default dataset in data/ (byte-identical on every run).

    python -m geo build-data [--out data]

Sources (see data/README.md):
- the 金州区 outline from the PyPI package geotool-cn 3.1.0 (DataV.GeoAtlas / Amap,
  converted to WGS-84 by the package; "for learning and exchange", not authoritative);
- the 25 subdistrict seat estimates and the 30 projects from geo.data.facts / below.

The subdistrict polygons are a SCHEMATIC partition of the outline: the Voronoi cells
of the 25 seat estimates (computed in metres, UTM 51N), clipped to the outline. They
are not official boundaries. Meal points are ILLUSTRATIVE: the report gives their
number (60) and that all 25 subdistricts have one, not their addresses or how they
are spread; the positions are laid on a regular lattice around each seat.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import TypeVar

import numpy as np
import shapely
from numpy.typing import NDArray
from pyproj import Transformer
from shapely.geometry import MultiPoint, Point, Polygon, mapping
from shapely.geometry.base import BaseGeometry

from geo.data import facts
from geo.data.schema import MEAL_POINTS, PROJECTS, SUBDISTRICTS

GEOTOOL_VERSION = "3.1.0"
SIMPLIFY_M = 60.0  # outline simplification for the web (keeps the coastline recognisable)
MIN_ISLAND_KM2 = 0.05
COORD_DECIMALS = 6
POINT_DECIMALS = 5
MIN_POINT_SPACING_M = 300.0
INNER_MARGIN_M = 120.0

_to_m = Transformer.from_crs(4326, 32651, always_xy=True)
_to_deg = Transformer.from_crs(32651, 4326, always_xy=True)


G = TypeVar("G", bound=BaseGeometry)

#: A project row or a meal point row of the CSV files: column -> text.
Row = dict[str, str]


def _tx(geom: G, transformer: Transformer) -> G:
    """``geom`` with every vertex transformed (e.g. degrees to UTM 51N metres)."""

    def coords(c: NDArray[np.float64]) -> NDArray[np.float64]:
        return np.column_stack(transformer.transform(c[:, 0], c[:, 1]))

    return shapely.transform(geom, coords)


def district_outline() -> BaseGeometry:
    """The 金州区 (210213) outline from geotool-cn, in WGS-84 degrees."""
    import importlib.metadata as md

    version = md.version("geotool-cn")
    if version != GEOTOOL_VERSION:
        raise RuntimeError(f"geotool-cn {GEOTOOL_VERSION} is required to rebuild data/ (found {version})")
    from GeoToolCN import GeoTool

    data = GeoTool()._data
    idx = data.index_of(facts.DISTRICT_CODE, "district")
    _bbox, polygons = data.geometry(idx)
    polys = []
    for rings in polygons:
        shells = [np.column_stack([np.asarray(xs) / 1e5, np.asarray(ys) / 1e5]) for xs, ys in rings]
        polys.append(Polygon(shells[0], shells[1:]))
    return shapely.make_valid(shapely.MultiPolygon(polys))


def _outline_metric() -> BaseGeometry:
    outline_m = _tx(district_outline(), _to_m)
    simple = outline_m.simplify(SIMPLIFY_M, preserve_topology=True)
    parts = [p for p in shapely.get_parts(simple) if p.area >= MIN_ISLAND_KM2 * 1e6]
    return shapely.make_valid(shapely.MultiPolygon(parts))


def _round(geom: G, decimals: int = COORD_DECIMALS) -> G:
    """``geom`` with its coordinates rounded to ``decimals`` places."""

    def coords(c: NDArray[np.float64]) -> NDArray[np.float64]:
        return np.round(c, decimals)

    return shapely.transform(geom, coords)


def subdistrict_cells() -> dict[str, BaseGeometry]:
    """Voronoi cells of the seats (metres), clipped to the outline, back in degrees."""
    outline_m = _outline_metric()
    xs, ys = _to_m.transform([s.lon for s in facts.SEATS], [s.lat for s in facts.SEATS])
    seats_m = [Point(x, y) for x, y in zip(xs, ys)]
    env = outline_m.envelope.buffer(50_000)
    cells = shapely.get_parts(shapely.voronoi_polygons(MultiPoint(seats_m), extend_to=env))
    outline_deg = _round(_tx(outline_m, _to_deg))
    out = {}
    for seat, p in zip(facts.SEATS, seats_m):
        cell = next(c for c in cells if c.contains(p))
        cell_deg = _tx(cell.intersection(env), _to_deg)
        clipped = shapely.make_valid(_round(cell_deg.intersection(outline_deg)))
        polys = [g for g in shapely.get_parts(clipped) if g.geom_type == "Polygon" and g.area > 0]
        out[seat.code] = shapely.MultiPolygon(polys) if len(polys) > 1 else polys[0]
    return out


# meal points per subdistrict: more where people live densely (old town, development zone);
# the spread itself is illustrative (the report gives only the total and 25/25 coverage).
MEAL_POINTS_PER_SUBDISTRICT = {
    "O": 3,
    "D": 3,
    "E": 2,
    "I": 2,
    "B": 2,
    "P": 2,
}
EXTRA_POINTS = {  # +1 in the largest old-town and development-zone subdistricts
    "210213031000": 1,  # 光中
    "210213004000": 1,  # 马桥子
    "210213013000": 1,  # 湾里 (two named facilities)
}
SINGLE_POINT = ("210213022000", "210213027000", "210213028000")  # 华家, 炮台, 复州湾: sparse

# The publicly named meal facilities, by subdistrict code, with what is published about
# them (every other field stays empty: the app says "not published"). Hours are not
# published for any of them.
NAMED_MEAL_POINTS: dict[str, list[Row]] = {
    "210213011000": [
        {
            "name_zh": "民祥道智慧餐厅",
            "name_en": "Minxiangdao smart canteen",
            "source": "公开报道：名称与所在街道（董家沟）；具体位置未公布",
        }
    ],
    "210213013000": [
        {
            "name_zh": "城志社区惠民餐厅",
            "name_en": "Chengzhi community canteen",
            "community_code": "210213013004",  # 城志社区, 湾里 (NBS 2023)
            "source": "公开报道：名称与所在街道（湾里）；具体位置未公布",
        },
        {
            "name_zh": "石城社区居家养老服务中心便民食堂",
            "name_en": "Shicheng community home-care centre canteen",
            "address": "湾里西23号楼一层",
            "seats": "56",
            "price_tiers": "8/10/12",
            "subsidy_yuan": "2",
            "opened_on": "2020-10-12",
            "community_code": "210213013003",  # 石城社区, 湾里 (NBS 2023)
            "source": "大连新闻传媒集团，2020年10月",
        },
    ],
}


def meal_point_counts() -> dict[str, int]:
    counts: dict[str, int] = {}
    for s in facts.SEATS:
        n = MEAL_POINTS_PER_SUBDISTRICT[s.zone] + EXTRA_POINTS.get(s.code, 0)
        if s.code in SINGLE_POINT:
            n = 1
        counts[s.code] = n
    total = sum(counts.values())
    if total != facts.MEAL_POINT_COUNT:
        raise AssertionError(f"meal point counts add up to {total}, not {facts.MEAL_POINT_COUNT}")
    return counts


def _lattice(cx: float, cy: float, spacing: float, n_rings: int = 40) -> list[tuple[float, float]]:
    """Hexagonal lattice around (cx, cy), ordered by distance then angle (deterministic)."""
    pts = []
    for i in range(-n_rings, n_rings + 1):
        for j in range(-n_rings, n_rings + 1):
            x = cx + spacing * (i + 0.5 * j)
            y = cy + spacing * (np.sqrt(3) / 2) * j
            d = np.hypot(x - cx, y - cy)
            pts.append((round(d, 3), round(np.arctan2(y - cy, x - cx), 6), x, y))
    pts.sort()
    return [(x, y) for _d, _a, x, y in pts]


def meal_point_positions(cells: dict[str, BaseGeometry]) -> dict[str, list[tuple[float, float]]]:
    counts = meal_point_counts()
    placed_m: list[tuple[float, float]] = []
    out: dict[str, list[tuple[float, float]]] = {}
    for s in facts.SEATS:
        cell_m = _tx(cells[s.code], _to_m).buffer(-INNER_MARGIN_M)
        cx, cy = _to_m.transform(s.lon, s.lat)
        spacing = 600.0 if s.zone == "O" else 900.0
        chosen: list[tuple[float, float]] = []
        for x, y in _lattice(cx, cy, spacing):
            if len(chosen) == counts[s.code]:
                break
            if not cell_m.contains(Point(x, y)):
                continue
            if any(np.hypot(x - px, y - py) < MIN_POINT_SPACING_M for px, py in placed_m):
                continue
            chosen.append((x, y))
            placed_m.append((x, y))
        if len(chosen) != counts[s.code]:
            raise AssertionError(f"could not place {counts[s.code]} meal points in {s.code}")
        lons, lats = _to_deg.transform([c[0] for c in chosen], [c[1] for c in chosen])
        out[s.code] = [(round(lo, POINT_DECIMALS), round(la, POINT_DECIMALS)) for lo, la in zip(lons, lats)]
    return out


ILLUSTRATIVE_SOURCE = (
    "示意位置：2025年报告只公布了助餐点总数（60个）和街道覆盖率（100%），"
    "未公布各点地址及各街道分布 / Illustrative: the 2025 report gives the total (60) and "
    "100% subdistrict coverage, not addresses or the spread over subdistricts"
)


def meal_point_rows(cells: dict[str, BaseGeometry]) -> list[Row]:
    positions = meal_point_positions(cells)
    rows = []
    n = 0
    for s in facts.SEATS:
        named = list(NAMED_MEAL_POINTS.get(s.code, []))
        for k, (lon, lat) in enumerate(positions[s.code], start=1):
            n += 1
            row = {f.name: "" for f in MEAL_POINTS.fields}
            row.update(id=f"M{n:02d}", subdistrict_code=s.code, lat=f"{lat:.5f}", lon=f"{lon:.5f}")
            if named:
                row.update(named.pop(0), location_precision="subdistrict")
            else:
                row.update(
                    name_zh=f"{s.name_zh}助餐点（示意）{k}",
                    name_en=f"{s.name_en} meal point {k} (illustrative)",
                    location_precision="illustrative",
                    source=ILLUSTRATIVE_SOURCE,
                )
            rows.append(row)
    return rows


#: The year of the livelihood-projects list the bundled projects come from.
PROGRAMME_YEAR = "2025"


def _p(
    pid: str,
    sector: str,
    name_zh: str,
    name_en: str,
    summary_zh: str = "",
    summary_en: str = "",
    codes: str = "",
    lat: str = "",
    lon: str = "",
    precision: str = "district",
    note_zh: str = "",
    note_en: str = "",
    figures: dict[str, int] | None = None,
    figures_note: str = "",
) -> Row:
    """One project row: every schema column, the given ones filled."""
    row = {f.name: "" for f in PROJECTS.fields}
    row.update(
        id=pid,
        sector=sector,
        name_zh=name_zh,
        name_en=name_en,
        summary_zh=summary_zh,
        summary_en=summary_en,
        subdistrict_codes=codes,
        lat=lat,
        lon=lon,
        location_precision=precision,
        location_note=note_zh + (" / " + note_en if note_en else ""),
        status="completed",
        completed_year="2025",
        programme_year=PROGRAMME_YEAR,
        figures_note=figures_note,
    )
    for k, v in (figures or {}).items():
        row[k] = str(v)
    return row


NO_SITE = ("未公布具体地点，属全区性项目", "no site was published; district-wide")
NOT_LOCATED = ("具体位置未查到", "the site has not been located")


def project_rows() -> list[Row]:
    ns, nl = NO_SITE, NOT_LOCATED
    rows = [
        _p(
            "P01",
            "education",
            "大连市金州高级中学改造工程",
            "Renovation of Dalian Jinzhou Senior High School",
            "金州高级中学改造。",
            "Renovation of Jinzhou Senior High School.",
            note_zh="位于金州城区，具体位置未查到",
            note_en="in the Jinzhou urban area; the site has not been located",
        ),
        _p(
            "P02",
            "education",
            "金阳学校建设工程",
            "Construction of Jinyang School",
            "新建金阳学校。",
            "Construction of Jinyang School.",
            note_zh=nl[0],
            note_en=nl[1],
        ),
        _p(
            "P03",
            "education",
            "学校塑胶操场面层改造工程",
            "Resurfacing of school synthetic sports grounds",
            "改造学校塑胶操场面层。",
            "Resurfacing of synthetic sports grounds at schools.",
            note_zh=ns[0],
            note_en=ns[1],
        ),
        _p(
            "P04",
            "medical",
            "医疗智慧化及胸痛单元建设项目",
            "Smart healthcare and chest-pain units",
            "25家公立医疗机构开展“互联网+护理服务”；建成覆盖全区的胸痛救治网络，在基层医疗机构建设胸痛救治单元。",
            "25 public medical institutions offer 'Internet + nursing' services; a district-wide chest-pain "
            "network, with chest-pain units at primary-care level.",
            note_zh=ns[0],
            note_en=ns[1],
            figures={"institutions": 25},
        ),
        _p(
            "P05",
            "medical",
            "金州区第三人民医院诊疗服务能力提升项目",
            "Service capacity upgrade of Jinzhou District No. 3 People's Hospital",
            "提升第三人民医院诊疗服务能力。",
            "Upgrading diagnosis and treatment at the No. 3 People's Hospital.",
            note_zh=nl[0],
            note_en=nl[1],
        ),
        _p(
            "P06",
            "urban_renewal",
            "老旧燃气管网改造工程",
            "Renewal of old gas pipe networks",
            "改造老旧燃气管网。",
            "Replacing old gas pipes.",
            note_zh=ns[0],
            note_en=ns[1],
        ),
        _p(
            "P07",
            "urban_renewal",
            "老旧供水管网改造工程",
            "Renewal of old water supply networks",
            "改造老旧供水管网。",
            "Replacing old water mains.",
            note_zh=ns[0],
            note_en=ns[1],
        ),
        _p(
            "P08",
            "urban_renewal",
            "老旧供热管网改造工程",
            "Renewal of old heating networks",
            "改造老旧供热管网。",
            "Replacing old district-heating pipes.",
            note_zh=ns[0],
            note_en=ns[1],
        ),
        _p(
            "P09",
            "urban_renewal",
            "摸黑路亮化工程",
            "Lighting for unlit roads",
            "为“摸黑路”安装照明。",
            "Street lighting for roads that were unlit.",
            note_zh=ns[0],
            note_en=ns[1],
        ),
        _p(
            "P10",
            "urban_renewal",
            "市政道路大修工程",
            "Major repair of municipal roads",
            "市政道路大修。",
            "Major repairs to municipal roads.",
            note_zh=ns[0],
            note_en=ns[1],
        ),
        _p(
            "P11",
            "urban_renewal",
            "先进街道响泉小区老旧小区改造工程",
            "Renovation of the old Xiangquan residential estate, Xianjin subdistrict",
            "二期于2025年7月开工；改造35栋20世纪80年代建成的住宅楼，涉及保温、防水、管网、道路、绿化等10余项内容。",
            "Phase 2 started in July 2025: 35 residential buildings from the 1980s, more than 10 kinds of work "
            "including insulation, waterproofing, pipe networks, roads and greening.",
            codes="210213009000",
            lat="39.09000",
            lon="121.73500",
            precision="site",
            note_zh="响泉小区，位置约 ±2 千米",
            note_en="Xiangquan estate; position approximate, ±2 km",
            figures={"buildings": 35},
            figures_note="35栋 / 35 buildings",
        ),
        _p(
            "P12",
            "urban_renewal",
            "大连金石滩国家旅游度假区基础设施改造工程",
            "Infrastructure renewal of the Dalian Golden Pebble Beach national resort",
            "改造金石滩国家旅游度假区基础设施。",
            "Renewing infrastructure in the Jinshitan (Golden Pebble Beach) resort.",
            codes="210213012000",
            lat="39.08000",
            lon="122.01000",
            precision="subdistrict",
            note_zh="度假区中心，位置约 ±4 千米",
            note_en="resort centre; position approximate, ±4 km",
        ),
        _p(
            "P13",
            "urban_renewal",
            "充电网建设工程",
            "EV charging network",
            "建设充电网络。",
            "Building a charging network.",
            note_zh=ns[0],
            note_en=ns[1],
        ),
        _p(
            "P14",
            "urban_renewal",
            "停车场建设工程",
            "Car park construction",
            "建设停车场。",
            "Building car parks.",
            note_zh=ns[0],
            note_en=ns[1],
        ),
        _p(
            "P15",
            "urban_renewal",
            "老旧电梯更新工程",
            "Replacement of old lifts",
            "更新老旧电梯。",
            "Replacing old lifts.",
            note_zh=ns[0],
            note_en=ns[1],
        ),
        _p(
            "P16",
            "urban_renewal",
            "站前街道、拥政街道等城中村居民动迁项目",
            "Relocation of urban-village residents in Zhanqian, Yongzheng and other subdistricts",
            "动迁居民6000余户，签约规模和签约比例均居全市第一。",
            "More than 6,000 households relocated; the signing scale and ratio were the highest in the city.",
            codes="210213008000;210213001000",
            lat="39.08500",
            lon="121.70500",
            precision="subdistrict",
            note_zh="站前、拥政等街道（还有其他街道，未公布）；标记位于站前街道驻地",
            note_en="Zhanqian, Yongzheng and others (not published); marker at the Zhanqian seat",
            figures={"households": 6000},
            figures_note="6000余户（下限）/ more than 6,000 households (lower bound)",
        ),
        _p(
            "P17",
            "hazard_control",
            "河道治理工程",
            "River management",
            "治理河道。",
            "River channel management.",
            note_zh=ns[0],
            note_en=ns[1],
        ),
        _p(
            "P18",
            "hazard_control",
            "危房改造工程",
            "Renovation of dilapidated housing",
            "改造危房。",
            "Renovating dilapidated housing.",
            note_zh=ns[0],
            note_en=ns[1],
        ),
        _p(
            "P19",
            "hazard_control",
            "险桥改建工程",
            "Rebuilding of unsafe bridges",
            "改建险桥。",
            "Rebuilding unsafe bridges.",
            note_zh=ns[0],
            note_en=ns[1],
        ),
        _p(
            "P20",
            "hazard_control",
            "排水改造工程",
            "Drainage renewal",
            "改造排水设施。",
            "Renewing drainage.",
            note_zh=ns[0],
            note_en=ns[1],
        ),
        _p(
            "P21",
            "hazard_control",
            "回迁小区污水管网改造工程",
            "Sewer renewal in resettlement estates",
            "改造回迁小区污水管网。",
            "Renewing sewers in resettlement housing estates.",
            note_zh=ns[0],
            note_en=ns[1],
        ),
        _p(
            "P22",
            "rural_revitalization",
            "农村安全饮水工程",
            "Safe drinking water in rural areas",
            "保障农村饮水安全。",
            "Safe drinking water for villages.",
            note_zh=ns[0],
            note_en=ns[1],
        ),
        _p(
            "P23",
            "rural_revitalization",
            "乡村基础设施工程",
            "Rural infrastructure",
            "建设乡村基础设施。",
            "Rural infrastructure works.",
            note_zh=ns[0],
            note_en=ns[1],
        ),
        _p(
            "P24",
            "rural_revitalization",
            "提升村居环境工程",
            "Village environment improvement",
            "提升村居环境。",
            "Improving village living environments.",
            note_zh=ns[0],
            note_en=ns[1],
        ),
        _p(
            "P25",
            "rural_revitalization",
            "农村村内道路硬化工程",
            "Paving of village roads",
            "硬化农村村内道路。",
            "Paving roads inside villages.",
            note_zh=ns[0],
            note_en=ns[1],
        ),
        _p(
            "P26",
            "rural_revitalization",
            "乡县级公路路面改造工程",
            "Resurfacing of township and county roads",
            "改造乡县级公路路面。",
            "Resurfacing township and county roads.",
            note_zh=ns[0],
            note_en=ns[1],
        ),
        _p(
            "P27",
            "rural_revitalization",
            "扶持发展新型农村集体经济项目",
            "Support for new rural collective economies",
            "扶持发展新型农村集体经济。",
            "Supporting new forms of village collective economy.",
            note_zh=ns[0],
            note_en=ns[1],
        ),
        _p(
            "P28",
            "elderly_care",
            "困难老年人居家养老服务",
            "Home care for elderly people in difficulty",
            "覆盖全部25个街道，由政府购买服务，为1400余名城镇60岁以上“三无”、低保及遗属独居等困难老年人提供居家养老服务。",
            "In all 25 subdistricts, the government buys home-care services for more than 1,400 urban residents "
            "aged 60+ who have no family support, live alone as surviving dependants, or receive minimum living "
            "allowances.",
            note_zh="全部25个街道",
            note_en="all 25 subdistricts",
            figures={"people": 1400},
            figures_note="1400余人（下限）/ more than 1,400 people (lower bound)",
        ),
        _p(
            "P29",
            "elderly_care",
            "养老社区服务中心改造工程",
            "Renovation of elderly community service centres",
            "对42个养老社区服务中心进行消防安全和适老化改造。",
            "Fire-safety and age-friendly renovation of 42 elderly community service centres.",
            note_zh="42个中心，位置未公布",
            note_en="42 centres; locations not published",
            figures={"centres": 42},
        ),
        _p(
            "P30",
            "elderly_care",
            "老年助餐服务",
            "Meal service for older people",
            "建成60个老年助餐点，街道覆盖率100%。",
            "60 elderly meal points built; every subdistrict (100%) has at least one.",
            note_zh="全部25个街道（助餐点位置见助餐点图层，为示意）",
            note_en="all 25 subdistricts (meal point positions in their layer are illustrative)",
            figures={"meal_points": 60},
        ),
    ]
    return rows


def _csv(rows: list[Row], fields: list[str]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=fields, lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow({k: r.get(k, "") for k in fields})
    return buf.getvalue()


def subdistricts_geojson(cells: dict[str, BaseGeometry]) -> str:
    feats = []
    for s in facts.SEATS:
        props = {
            "code": s.code,
            "name_zh": s.name_zh,
            "name_en": s.name_en,
            "zone": s.zone,
            "seat_lat": s.lat,
            "seat_lon": s.lon,
            "seat_uncertainty_km": s.uncertainty_km,
            "boundary_quality": "schematic",
            "pop_total": None,
            "pop_60plus": None,
        }
        feats.append({"type": "Feature", "properties": props, "geometry": mapping(cells[s.code])})
    fc = {"type": "FeatureCollection", "name": "subdistricts", "features": feats}
    text = json.dumps(fc, ensure_ascii=False, separators=(",", ":"))
    return text + "\n"


def build(out_dir: Path) -> dict[str, Path]:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    cells = subdistrict_cells()
    files = {
        "subdistricts": (SUBDISTRICTS.filename, subdistricts_geojson(cells)),
        "projects": (PROJECTS.filename, _csv(project_rows(), PROJECTS.names)),
        "meal_points": (MEAL_POINTS.filename, _csv(meal_point_rows(cells), MEAL_POINTS.names)),
    }
    written = {}
    for key, (name, text) in files.items():
        path = out_dir / name
        path.write_text(text, encoding="utf-8", newline="\n")
        written[key] = path
    return written
