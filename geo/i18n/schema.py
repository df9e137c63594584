"""Strings of the layer schema (keys ``schema.``): layer titles, field descriptions
and units.

``geo.data.schema`` reads them for the data page's schema table, the validation
report's summary and the matching of Chinese or English headers to fields. Keys:
``schema.title.<layer>``, ``schema.<layer>.<field>`` and ``schema.unit.<unit>``.
"""

STRINGS = {
    # ------------------------------------------------------------ layer titles
    "schema.title.subdistricts": {"zh": "街道", "en": "Subdistricts"},
    "schema.title.projects": {"zh": "惠民实事项目", "en": "Livelihood projects"},
    "schema.title.meal_points": {"zh": "老年助餐点", "en": "Elderly meal points"},
    # ------------------------------------------------------------ units
    "schema.unit.degrees": {"zh": "度", "en": "degrees"},
    "schema.unit.km": {"zh": "千米", "en": "km"},
    "schema.unit.people": {"zh": "人", "en": "people"},
    "schema.unit.households": {"zh": "户", "en": "households"},
    "schema.unit.buildings": {"zh": "栋", "en": "buildings"},
    "schema.unit.institutions": {"zh": "家", "en": "institutions"},
    "schema.unit.centres": {"zh": "个", "en": "centres"},
    "schema.unit.meal_points": {"zh": "个", "en": "meal points"},
    "schema.unit.yuan": {"zh": "元", "en": "yuan"},
    "schema.unit.seats": {"zh": "个座位", "en": "seats"},
    # ------------------------------------------------------------ subdistricts
    "schema.subdistricts.code": {"zh": "国家统计局12位统计用区划代码", "en": "NBS 12-digit statistical code"},
    "schema.subdistricts.name_zh": {"zh": "中文名称", "en": "Chinese name"},
    "schema.subdistricts.name_en": {"zh": "英文名称", "en": "English name"},
    "schema.subdistricts.zone": {
        "zh": "片区（O 老城区, D 开发区, E 东部沿海, I 内陆, B 渤海侧, P 普湾片区）",
        "en": "Zone (O old town, D development zone, E east coast, I inland, B Bohai side, P Puwan)",
    },
    "schema.subdistricts.seat_lat": {"zh": "街道驻地纬度（WGS-84，估计值）", "en": "Seat latitude (WGS-84, estimate)"},
    "schema.subdistricts.seat_lon": {"zh": "街道驻地经度（WGS-84，估计值）", "en": "Seat longitude (WGS-84, estimate)"},
    "schema.subdistricts.seat_uncertainty_km": {"zh": "驻地位置不确定半径", "en": "Seat position uncertainty radius"},
    "schema.subdistricts.boundary_quality": {
        "zh": "边界质量：schematic 示意 / official 官方",
        "en": "Boundary quality: schematic or official",
    },
    "schema.subdistricts.pop_total": {"zh": "常住人口（留空=未知）", "en": "Resident population (empty = unknown)"},
    "schema.subdistricts.pop_60plus": {
        "zh": "60岁及以上人口（留空=未知）",
        "en": "Residents aged 60+ (empty = unknown)",
    },
    # ------------------------------------------------------------ projects
    "schema.projects.id": {"zh": "项目编号（唯一）", "en": "Project id (unique)"},
    "schema.projects.sector": {"zh": "领域", "en": "Sector"},
    "schema.projects.name_zh": {"zh": "项目名称（官方）", "en": "Official name (Chinese)"},
    "schema.projects.name_en": {"zh": "英文名称", "en": "English name"},
    "schema.projects.summary_zh": {"zh": "已公布事实摘要", "en": "Summary of published facts (Chinese)"},
    "schema.projects.summary_en": {"zh": "已公布事实摘要（英文）", "en": "Summary of published facts (English)"},
    "schema.projects.subdistrict_codes": {
        "zh": "所在街道代码，用;分隔；留空=全区",
        "en": "Subdistrict codes separated by ';'; empty = district-wide",
    },
    "schema.projects.lat": {"zh": "纬度（WGS-84）；全区项目留空", "en": "Latitude (WGS-84); empty for district-wide"},
    "schema.projects.lon": {"zh": "经度（WGS-84）；全区项目留空", "en": "Longitude (WGS-84); empty for district-wide"},
    "schema.projects.location_precision": {
        "zh": "位置精度：site 地点 / subdistrict 街道 / district 全区",
        "en": "Location precision: site, subdistrict or district",
    },
    "schema.projects.location_note": {"zh": "位置说明", "en": "Note on the location"},
    "schema.projects.status": {"zh": "状态", "en": "Status"},
    "schema.projects.completed_year": {"zh": "完成年份", "en": "Year completed"},
    "schema.projects.programme_year": {
        "zh": "所属惠民实事年度（如 2025 年的 30 件实事）",
        "en": "Programme year (the year's list of livelihood projects it belongs to)",
    },
    "schema.projects.households": {"zh": "已公布数字：户", "en": "Published figure: households"},
    "schema.projects.buildings": {"zh": "已公布数字：栋", "en": "Published figure: buildings"},
    "schema.projects.institutions": {"zh": "已公布数字：家", "en": "Published figure: institutions"},
    "schema.projects.people": {"zh": "已公布数字：人", "en": "Published figure: people"},
    "schema.projects.centres": {"zh": "已公布数字：个", "en": "Published figure: centres"},
    "schema.projects.meal_points": {"zh": "已公布数字：个", "en": "Published figure: meal points"},
    "schema.projects.figures_note": {
        "zh": "数字说明（如“6000余户”为下限）",
        "en": "Note on the figures (e.g. '6000+' is a lower bound)",
    },
    # ------------------------------------------------------------ meal points
    "schema.meal_points.id": {"zh": "助餐点编号（唯一）", "en": "Meal point id (unique)"},
    "schema.meal_points.name_zh": {"zh": "名称", "en": "Name (Chinese)"},
    "schema.meal_points.name_en": {"zh": "英文名称", "en": "Name (English)"},
    "schema.meal_points.subdistrict_code": {"zh": "所在街道代码", "en": "Subdistrict code"},
    "schema.meal_points.lat": {"zh": "纬度（WGS-84）", "en": "Latitude (WGS-84)"},
    "schema.meal_points.lon": {"zh": "经度（WGS-84）", "en": "Longitude (WGS-84)"},
    "schema.meal_points.location_precision": {
        "zh": "位置精度：illustrative 示意 / subdistrict 街道级 / address 门牌 / surveyed 实测",
        "en": "Location precision: illustrative, subdistrict, address or surveyed",
    },
    "schema.meal_points.kind": {
        "zh": "类型：center 街道助餐服务中心 / point 社区助餐服务点",
        "en": "Kind: center (own kitchen) or point (catered)",
    },
    "schema.meal_points.address": {"zh": "地址", "en": "Address"},
    "schema.meal_points.phone": {"zh": "电话", "en": "Phone"},
    "schema.meal_points.hours": {
        "zh": "营业时间（OpenStreetMap opening_hours 格式，如 Mo-Fr 10:30-13:00,16:30-18:30; Sa,Su off；"
        "按北京时间；留空=未公布）",
        "en": "Opening hours (OpenStreetMap opening_hours syntax, e.g. Mo-Fr 10:30-13:00,16:30-18:30; Sa,Su off; "
        "China Standard Time; empty = not published)",
    },
    "schema.meal_points.dine_in": {"zh": "可堂食（yes/no）", "en": "Dine-in (yes/no)"},
    "schema.meal_points.delivery": {"zh": "可送餐（yes/no）", "en": "Delivery (yes/no)"},
    "schema.meal_points.price_note": {"zh": "价格说明", "en": "Price note"},
    "schema.meal_points.price_tiers": {
        "zh": "每餐价格档位（元，用 / 分隔，如 8/10/12）",
        "en": "Price tiers per meal (yuan, separated by /, e.g. 8/10/12)",
    },
    "schema.meal_points.subsidy_yuan": {
        "zh": "老年人每餐政府补贴（元）",
        "en": "Government subsidy per meal for older residents (yuan)",
    },
    "schema.meal_points.seats": {"zh": "堂食座位数", "en": "Dining seats"},
    "schema.meal_points.opened_on": {"zh": "开业日期", "en": "Date opened"},
    "schema.meal_points.community_code": {
        "zh": "社区/村代码（国家统计局12位统计用区划代码，2023年；须属于所填街道）",
        "en": "Community code (NBS 12-digit code of the community or village, 2023; must lie in the stated subdistrict)",
    },
    "schema.meal_points.source": {"zh": "来源", "en": "Source"},
    "schema.meal_points.verified_on": {"zh": "核实日期", "en": "Date verified"},
}
