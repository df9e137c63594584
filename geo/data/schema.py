"""One schema definition per layer.

The validator (geo.data.validate), the data page's schema docs and the empty upload
templates are all generated from these definitions, so they cannot drift apart.

The words shown to users (layer titles, field descriptions, units) are in the
translation table (geo/i18n/schema.py): ``schema.title.<layer>``,
``schema.<layer>.<field>`` and ``schema.unit.<unit>``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from geo.data.facts import SECTOR_KEYS, ZONES
from geo.i18n import t


@dataclass(frozen=True)
class Field:
    name: str
    kind: str  # str | int | float | enum | code | codes | date | yesno
    required: bool  # the column must be present
    nullable: bool  # a cell may be empty
    example: str = ""
    allowed: tuple[str, ...] = ()
    min: float | None = None
    max: float | None = None
    unit: str = ""  # the unit's key in the translation table (schema.unit.<unit>); "" for none
    #: a text field's syntax, checked by the validator: "opening_hours" (OSM opening_hours,
    #: geo/core/hours.py), "price_tiers" (yuan separated by /) or "community_code" (a
    #: community of 金州区, NBS 2023, in the point's subdistrict); "" for free text
    syntax: str = ""

    @property
    def type_label(self) -> str:
        """The kind in English ("integer", "NBS code (12 digits)"), or the syntax of a text
        field: the validator's "expected" texts name types in English in both languages."""
        if self.syntax:
            return t(f"dt.syntax.{self.syntax}", "en")
        return t(f"dt.kind.{self.kind}", "en")

    def unit_text(self, lang: str) -> str:
        """The unit in ``lang`` ("度" / "degrees"), or "" for a field without one."""
        return t(f"schema.unit.{self.unit}", lang) if self.unit else ""


@dataclass(frozen=True)
class Layer:
    key: str
    filename: str
    geometry: str  # "polygon" | "point"
    fields: tuple[Field, ...]
    id_field: str
    extra: dict[str, object] = field(default_factory=dict)

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

    def title(self, lang: str) -> str:
        """The layer's title in ``lang`` ("老年助餐点" / "Elderly meal points")."""
        return t(f"schema.title.{self.key}", lang)

    @property
    def title_zh(self) -> str:
        return self.title("zh")

    @property
    def title_en(self) -> str:
        return self.title("en")

    def description(self, name: str, lang: str) -> str:
        """What the field ``name`` holds, in ``lang`` (the schema table's description)."""
        return t(f"schema.{self.key}.{name}", lang)


SUBDISTRICTS = Layer(
    key="subdistricts",
    filename="subdistricts.geojson",
    geometry="polygon",
    id_field="code",
    fields=(
        Field("code", "code", True, False, "210213001000"),
        Field("name_zh", "str", True, False, "拥政街道"),
        Field("name_en", "str", True, False, "Yongzheng"),
        Field("zone", "enum", True, False, "O", allowed=tuple(ZONES)),
        Field("seat_lat", "float", True, False, "39.108", min=-90, max=90, unit="degrees"),
        Field("seat_lon", "float", True, False, "121.712", min=-180, max=180, unit="degrees"),
        Field("seat_uncertainty_km", "float", True, True, "1.5", min=0, max=50, unit="km"),
        Field("boundary_quality", "enum", True, False, "schematic", allowed=("schematic", "official")),
        Field("pop_total", "int", False, True, "", min=0, max=5_000_000, unit="people"),
        Field("pop_60plus", "int", False, True, "", min=0, max=5_000_000, unit="people"),
    ),
)

#: The projects' published figures: each field's unit key is its name.
FIGURE_NAMES = ("households", "buildings", "institutions", "people", "centres", "meal_points")

#: (field, unit in Chinese, unit in English) of each published figure.
FIGURE_FIELDS: tuple[tuple[str, str, str], ...] = tuple(
    (name, t(f"schema.unit.{name}", "zh"), t(f"schema.unit.{name}", "en")) for name in FIGURE_NAMES
)

PROJECTS = Layer(
    key="projects",
    filename="projects.csv",
    geometry="point",
    id_field="id",
    fields=(
        Field("id", "str", True, False, "P01"),
        Field("sector", "enum", True, False, "education", allowed=SECTOR_KEYS),
        Field("name_zh", "str", True, False, "金阳学校建设工程"),
        Field("name_en", "str", True, False, "Jinyang School construction"),
        Field("summary_zh", "str", True, True, ""),
        Field("summary_en", "str", True, True, ""),
        Field("subdistrict_codes", "codes", True, True, "210213008000;210213001000"),
        Field("lat", "float", True, True, "39.090", min=-90, max=90, unit="degrees"),
        Field("lon", "float", True, True, "121.735", min=-180, max=180, unit="degrees"),
        Field("location_precision", "enum", True, False, "site", allowed=("site", "subdistrict", "district")),
        Field("location_note", "str", True, True, ""),
        Field("status", "enum", True, False, "completed", allowed=("completed", "in_progress", "planned")),
        Field("completed_year", "int", True, True, "2025", min=2000, max=2100),
        Field("programme_year", "int", False, True, "2025", min=2000, max=2100),
        *(Field(name, "int", True, True, "", min=0, max=10_000_000, unit=name) for name in FIGURE_NAMES),
        Field("figures_note", "str", True, True, ""),
    ),
)

MEAL_POINTS = Layer(
    key="meal_points",
    filename="meal_points.csv",
    geometry="point",
    id_field="id",
    fields=(
        Field("id", "str", True, False, "M01"),
        Field("name_zh", "str", True, False, "石城社区居家养老服务中心便民食堂"),
        Field("name_en", "str", True, False, "Shicheng community canteen"),
        Field("subdistrict_code", "code", True, False, "210213013000"),
        Field("lat", "float", True, False, "39.07", min=-90, max=90, unit="degrees"),
        Field("lon", "float", True, False, "121.83", min=-180, max=180, unit="degrees"),
        Field(
            "location_precision",
            "enum",
            True,
            False,
            "illustrative",
            allowed=("illustrative", "subdistrict", "address", "surveyed"),
        ),
        Field("kind", "enum", True, True, "point", allowed=("center", "point")),
        Field("address", "str", False, True, "湾里西23号楼一层"),
        Field("phone", "str", False, True, ""),
        Field("hours", "str", False, True, "Mo-Fr 10:30-13:00,16:30-18:30; Sa,Su off", syntax="opening_hours"),
        Field("dine_in", "yesno", False, True, ""),
        Field("delivery", "yesno", False, True, ""),
        Field("price_note", "str", False, True, ""),
        Field("price_tiers", "str", False, True, "8/10/12", syntax="price_tiers"),
        Field("subsidy_yuan", "float", False, True, "2", min=0, max=1000, unit="yuan"),
        Field("seats", "int", False, True, "56", min=0, max=10_000, unit="seats"),
        Field("opened_on", "date", False, True, "2020-10-12"),
        Field("community_code", "str", False, True, "210213013003", syntax="community_code"),
        Field("source", "str", False, True, "大连新闻传媒集团，2020年10月"),
        Field("verified_on", "date", False, True, "2025-12-31"),
    ),
)

LAYERS: dict[str, Layer] = {L.key: L for L in (SUBDISTRICTS, PROJECTS, MEAL_POINTS)}


def _check_texts(layers: dict[str, Layer]) -> None:
    """Every layer has a title and every field a description (and its unit) in the
    translation table: a missing text fails at import, not on a page."""
    for layer in layers.values():
        layer.title("zh")
        for f in layer.fields:
            layer.description(f.name, "zh")
            f.unit_text("zh")
            f.type_label  # noqa: B018 (a missing syntax text fails here)


_check_texts(LAYERS)
