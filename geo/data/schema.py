"""One schema definition per layer.

The validator (geo.validate), the data page's schema docs and the empty upload
templates are all generated from these definitions, so they cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from geo.data.facts import SECTOR_KEYS, ZONES


@dataclass(frozen=True)
class Field:
    name: str
    kind: str  # str | int | float | enum | code | codes | date | yesno
    required: bool  # the column must be present
    nullable: bool  # a cell may be empty
    desc_zh: str
    desc_en: str
    example: str = ""
    allowed: tuple[str, ...] = ()
    min: float | None = None
    max: float | None = None
    unit_zh: str = ""
    unit_en: str = ""

    @property
    def type_label(self) -> str:
        return {
            "str": "text",
            "int": "integer",
            "float": "number",
            "enum": "one of",
            "code": "NBS code (12 digits)",
            "codes": "NBS codes separated by ;",
            "date": "date YYYY-MM-DD",
            "yesno": "yes / no",
        }[self.kind]


@dataclass(frozen=True)
class Layer:
    key: str
    filename: str
    geometry: str  # "polygon" | "point"
    fields: tuple[Field, ...]
    id_field: str
    title_zh: str
    title_en: str
    extra: dict = field(default_factory=dict)

    @property
    def names(self) -> list[str]:
        return [f.name for f in self.fields]

    @property
    def required_names(self) -> list[str]:
        return [f.name for f in self.fields if f.required]

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)


SUBDISTRICTS = Layer(
    key="subdistricts",
    filename="subdistricts.geojson",
    geometry="polygon",
    id_field="code",
    title_zh="街道",
    title_en="Subdistricts",
    fields=(
        Field(
            "code", "code", True, False, "国家统计局12位统计用区划代码", "NBS 12-digit statistical code", "210213001000"
        ),
        Field("name_zh", "str", True, False, "中文名称", "Chinese name", "拥政街道"),
        Field("name_en", "str", True, False, "英文名称", "English name", "Yongzheng"),
        Field(
            "zone",
            "enum",
            True,
            False,
            "片区（O 老城区, D 开发区, E 东部沿海, I 内陆, B 渤海侧, P 普湾片区）",
            "Zone (O old town, D development zone, E east coast, I inland, B Bohai side, P Puwan)",
            "O",
            allowed=tuple(ZONES),
        ),
        Field(
            "seat_lat",
            "float",
            True,
            False,
            "街道驻地纬度（WGS-84，估计值）",
            "Seat latitude (WGS-84, estimate)",
            "39.108",
            min=-90,
            max=90,
            unit_zh="度",
            unit_en="degrees",
        ),
        Field(
            "seat_lon",
            "float",
            True,
            False,
            "街道驻地经度（WGS-84，估计值）",
            "Seat longitude (WGS-84, estimate)",
            "121.712",
            min=-180,
            max=180,
            unit_zh="度",
            unit_en="degrees",
        ),
        Field(
            "seat_uncertainty_km",
            "float",
            True,
            True,
            "驻地位置不确定半径",
            "Seat position uncertainty radius",
            "1.5",
            min=0,
            max=50,
            unit_zh="千米",
            unit_en="km",
        ),
        Field(
            "boundary_quality",
            "enum",
            True,
            False,
            "边界质量：schematic 示意 / official 官方",
            "Boundary quality: schematic or official",
            "schematic",
            allowed=("schematic", "official"),
        ),
        Field(
            "pop_total",
            "int",
            False,
            True,
            "常住人口（留空=未知）",
            "Resident population (empty = unknown)",
            "",
            min=0,
            max=5_000_000,
            unit_zh="人",
            unit_en="people",
        ),
        Field(
            "pop_60plus",
            "int",
            False,
            True,
            "60岁及以上人口（留空=未知）",
            "Residents aged 60+ (empty = unknown)",
            "",
            min=0,
            max=5_000_000,
            unit_zh="人",
            unit_en="people",
        ),
    ),
)

FIGURE_FIELDS = (
    ("households", "户", "households"),
    ("buildings", "栋", "buildings"),
    ("institutions", "家", "institutions"),
    ("people", "人", "people"),
    ("centres", "个", "centres"),
    ("meal_points", "个", "meal points"),
)

PROJECTS = Layer(
    key="projects",
    filename="projects.csv",
    geometry="point",
    id_field="id",
    title_zh="惠民实事项目",
    title_en="Livelihood projects",
    fields=(
        Field("id", "str", True, False, "项目编号（唯一）", "Project id (unique)", "P01"),
        Field("sector", "enum", True, False, "领域", "Sector", "education", allowed=SECTOR_KEYS),
        Field("name_zh", "str", True, False, "项目名称（官方）", "Official name (Chinese)", "金阳学校建设工程"),
        Field("name_en", "str", True, False, "英文名称", "English name", "Jinyang School construction"),
        Field("summary_zh", "str", True, True, "已公布事实摘要", "Summary of published facts (Chinese)", ""),
        Field("summary_en", "str", True, True, "已公布事实摘要（英文）", "Summary of published facts (English)", ""),
        Field(
            "subdistrict_codes",
            "codes",
            True,
            True,
            "所在街道代码，用;分隔；留空=全区",
            "Subdistrict codes separated by ';'; empty = district-wide",
            "210213008000;210213001000",
        ),
        Field(
            "lat",
            "float",
            True,
            True,
            "纬度（WGS-84）；全区项目留空",
            "Latitude (WGS-84); empty for district-wide",
            "39.090",
            min=-90,
            max=90,
            unit_zh="度",
            unit_en="degrees",
        ),
        Field(
            "lon",
            "float",
            True,
            True,
            "经度（WGS-84）；全区项目留空",
            "Longitude (WGS-84); empty for district-wide",
            "121.735",
            min=-180,
            max=180,
            unit_zh="度",
            unit_en="degrees",
        ),
        Field(
            "location_precision",
            "enum",
            True,
            False,
            "位置精度：site 地点 / subdistrict 街道 / district 全区",
            "Location precision: site, subdistrict or district",
            "site",
            allowed=("site", "subdistrict", "district"),
        ),
        Field("location_note", "str", True, True, "位置说明", "Note on the location", ""),
        Field(
            "status",
            "enum",
            True,
            False,
            "状态",
            "Status",
            "completed",
            allowed=("completed", "in_progress", "planned"),
        ),
        Field("completed_year", "int", True, True, "完成年份", "Year completed", "2025", min=2000, max=2100),
        *(
            Field(
                name,
                "int",
                True,
                True,
                f"已公布数字：{unit_zh}",
                f"Published figure: {unit_en}",
                "",
                min=0,
                max=10_000_000,
                unit_zh=unit_zh,
                unit_en=unit_en,
            )
            for name, unit_zh, unit_en in FIGURE_FIELDS
        ),
        Field(
            "figures_note",
            "str",
            True,
            True,
            "数字说明（如“6000余户”为下限）",
            "Note on the figures (e.g. '6000+' is a lower bound)",
            "",
        ),
    ),
)

MEAL_POINTS = Layer(
    key="meal_points",
    filename="meal_points.csv",
    geometry="point",
    id_field="id",
    title_zh="老年助餐点",
    title_en="Elderly meal points",
    fields=(
        Field("id", "str", True, False, "助餐点编号（唯一）", "Meal point id (unique)", "M01"),
        Field("name_zh", "str", True, False, "名称", "Name (Chinese)", "石城社区居家养老服务中心便民食堂"),
        Field("name_en", "str", True, False, "英文名称", "Name (English)", "Shicheng community canteen"),
        Field("subdistrict_code", "code", True, False, "所在街道代码", "Subdistrict code", "210213013000"),
        Field(
            "lat",
            "float",
            True,
            False,
            "纬度（WGS-84）",
            "Latitude (WGS-84)",
            "39.07",
            min=-90,
            max=90,
            unit_zh="度",
            unit_en="degrees",
        ),
        Field(
            "lon",
            "float",
            True,
            False,
            "经度（WGS-84）",
            "Longitude (WGS-84)",
            "121.83",
            min=-180,
            max=180,
            unit_zh="度",
            unit_en="degrees",
        ),
        Field(
            "location_precision",
            "enum",
            True,
            False,
            "位置精度：illustrative 示意 / subdistrict 街道级 / address 门牌 / surveyed 实测",
            "Location precision: illustrative, subdistrict, address or surveyed",
            "illustrative",
            allowed=("illustrative", "subdistrict", "address", "surveyed"),
        ),
        Field(
            "kind",
            "enum",
            True,
            True,
            "类型：center 街道助餐服务中心 / point 社区助餐服务点",
            "Kind: center (own kitchen) or point (catered)",
            "point",
            allowed=("center", "point"),
        ),
        Field("address", "str", False, True, "地址", "Address", "湾里西23号楼一层"),
        Field("phone", "str", False, True, "电话", "Phone", ""),
        Field("hours", "str", False, True, "营业时间", "Opening hours", ""),
        Field("dine_in", "yesno", False, True, "可堂食（yes/no）", "Dine-in (yes/no)", ""),
        Field("delivery", "yesno", False, True, "可送餐（yes/no）", "Delivery (yes/no)", ""),
        Field("price_note", "str", False, True, "价格说明", "Price note", ""),
        Field("source", "str", False, True, "来源", "Source", ""),
        Field("verified_on", "date", False, True, "核实日期", "Date verified", "2025-12-31"),
    ),
)

LAYERS: dict[str, Layer] = {L.key: L for L in (SUBDISTRICTS, PROJECTS, MEAL_POINTS)}
