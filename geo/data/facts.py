"""The facts we know about Jinpu New Area's 2025 livelihood programme.

Everything here comes from the district's 2025 livelihood-projects report and the
public sources listed in data/README.md. Nothing is estimated except where a name
says so (``*_estimate``, ``uncertainty_km``).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DISTRICT_CODE = "210213"
DISTRICT_NAME_ZH = "金普新区（金州区）"
DISTRICT_NAME_EN = "Jinpu New Area (Jinzhou District)"

# Programme level only: no per-project investment was published.
PROGRAMME_TOTAL_YI_YUAN = 33.88
PROGRAMME_PROJECT_COUNT = 30
PROGRAMME_YEAR = 2025
MEAL_POINT_COUNT = 60
SUBDISTRICT_COUNT = 25
RESIDENT_POPULATION_2020 = 1_545_491  # 2020 census, whole district (CENSUS_2020.residents)


@dataclass(frozen=True)
class Census:
    """District-wide census figures (no figures per subdistrict exist in any reachable
    source: these must never be spread over subdistricts)."""

    year: int
    residents: int
    aged_60_plus: int
    aged_65_plus: int
    aged_80_plus: int
    source: str

    @property
    def share_60_plus(self) -> float:
        return self.aged_60_plus / self.residents


#: The 2020 census, county tabulation, row 210213 (金州区).
CENSUS_2020 = Census(
    year=2020,
    residents=RESIDENT_POPULATION_2020,
    aged_60_plus=301_759,
    aged_65_plus=206_525,
    aged_80_plus=33_395,
    source="GitHub leiii/census (MIT), census_county_2020_v1.xlsx, row 210213",
)


@dataclass(frozen=True)
class Sector:
    """A sector of the programme; its display name is the translation table's
    ``sector.<key>`` (geo/i18n/common.py)."""

    key: str
    count: int
    color: str  # Okabe-Ito palette: colour-blind safe
    symbol: str  # a glyph shown with the colour, never colour alone


# Okabe & Ito (2008) colour-blind safe palette; each sector also has a distinct glyph.
SECTORS: tuple[Sector, ...] = (
    Sector("education", 3, "#0072B2", "学"),
    Sector("medical", 2, "#D55E00", "医"),
    Sector("urban_renewal", 11, "#009E73", "城"),
    Sector("hazard_control", 5, "#CC79A7", "险"),
    Sector("rural_revitalization", 6, "#E69F00", "乡"),
    Sector("elderly_care", 3, "#56B4E9", "老"),
)
SECTOR_KEYS: tuple[str, ...] = tuple(s.key for s in SECTORS)
SECTOR_BY_KEY = {s.key: s for s in SECTORS}

ZONES = {
    "O": ("老城区", "Old town"),
    "D": ("开发区", "Development zone"),
    "E": ("东部沿海", "East coast"),
    "I": ("内陆", "Inland"),
    "B": ("渤海侧", "Bohai side"),
    "P": ("普湾片区", "Puwan cluster"),
}


@dataclass(frozen=True)
class Seat:
    code: str
    name_zh: str
    name_en: str
    zone: str
    lat: float
    lon: float
    uncertainty_km: float


# Seat positions are ESTIMATES (WGS-84) with an uncertainty radius in km (1.5–12 km):
# only 站前街道's seat address (五一路162号) is published (data/README.md).
# NBS 2023 statistical codes.
SEATS: tuple[Seat, ...] = (
    Seat("210213001000", "拥政街道", "Yongzheng", "O", 39.108, 121.712, 1.5),
    Seat("210213002000", "友谊街道", "Youyi", "O", 39.112, 121.700, 2.5),
    Seat("210213031000", "光中街道", "Guangzhong", "O", 39.100, 121.712, 2.5),
    Seat("210213008000", "站前街道", "Zhanqian", "O", 39.085, 121.705, 1.5),
    Seat("210213009000", "先进街道", "Xianjin", "O", 39.088, 121.735, 2.0),
    Seat("210213004000", "马桥子街道", "Maqiaozi", "D", 39.050, 121.776, 2.0),
    Seat("210213005000", "海青岛街道", "Haiqingdao", "D", 39.030, 121.810, 3.0),
    Seat("210213006000", "大孤山街道", "Dagushan", "D", 38.985, 121.870, 5.0),
    Seat("210213013000", "湾里街道", "Wanli", "D", 39.070, 121.830, 3.0),
    Seat("210213011000", "董家沟街道", "Dongjiagou", "D", 39.090, 121.890, 4.0),
    Seat("210213012000", "金石滩街道", "Jinshitan", "E", 39.080, 122.010, 4.0),
    Seat("210213024000", "大李家街道", "Dalijia", "E", 39.150, 122.060, 6.0),
    Seat("210213017000", "登沙河街道", "Dengshahe", "E", 39.217, 122.050, 3.0),
    Seat("210213020000", "杏树街道", "Xingshu", "E", 39.280, 122.150, 8.0),
    Seat("210213014000", "二十里堡街道", "Ershilipu", "I", 39.180, 121.745, 5.0),
    Seat("210213016000", "亮甲店街道", "Liangjiadian", "I", 39.185, 121.940, 5.0),
    Seat("210213019000", "大魏家街道", "Daweijia", "I", 39.230, 121.880, 10.0),
    Seat("210213022000", "华家街道", "Huajia", "I", 39.300, 121.980, 10.0),
    Seat("210213023000", "向应街道", "Xiangying", "I", 39.150, 121.830, 6.0),
    Seat("210213025000", "得胜街道", "Desheng", "I", 39.130, 121.950, 7.0),
    Seat("210213021000", "七顶山街道", "Qidingshan", "B", 39.220, 121.690, 8.0),
    Seat("210213029000", "三十里堡街道", "Sanshilipu", "P", 39.250, 121.833, 4.0),
    Seat("210213030000", "石河街道", "Shihe", "P", 39.330, 121.840, 4.0),
    Seat("210213027000", "炮台街道", "Paotai", "P", 39.440, 121.870, 8.0),
    Seat("210213028000", "复州湾街道", "Fuzhouwan", "P", 39.500, 121.700, 12.0),
)
SEAT_BY_CODE = {s.code: s for s in SEATS}
SUBDISTRICT_CODES: tuple[str, ...] = tuple(s.code for s in SEATS)

# Extent of the 金州区 outline (geotool-cn 3.1.0), used for range checks.
DISTRICT_BOUNDS = (121.44, 38.94, 122.30, 39.54)  # minx, miny, maxx, maxy


# ---------------------------------------------------------------- communities (社区/村)

#: The NBS 2023 list of 金州区's residents' and villagers' committees (data/README.md).
COMMUNITIES_FILE = Path(__file__).resolve().parents[2] / "data" / "nbs2023_jinzhou_communities.csv"


@dataclass(frozen=True)
class Community:
    """A residents' or villagers' committee (社区/村) with its 12-digit NBS 2023 code and
    the 12-digit code of the subdistrict (街道) it belongs to."""

    code: str
    name: str
    street_code: str
    street_name: str


def street_of(code: str) -> str:
    """The subdistrict code of a 12-digit community code: its first 9 digits + "000"."""
    return code[:9] + "000"


@cache
def communities() -> dict[str, Community]:
    """code -> Community for the 371 communities and villages of 金州区 (NBS 2023)."""
    with COMMUNITIES_FILE.open(encoding="utf-8", newline="") as fh:
        return {
            r["village_code"]: Community(
                r["village_code"], r["village_name"], street_of(r["village_code"]), r["street_name"]
            )
            for r in csv.DictReader(fh)
        }
