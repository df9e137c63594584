"""How a resident can get to a meal point, decided by how precisely we know where it is.

Nobody is navigated to a position this app made up:

* ``surveyed`` / ``address``: the position is real -> walking navigation to it
  (高德 first, 百度 second).
* ``subdistrict``: a named facility whose position we do not know -> a map search for
  its **name** in Dalian, which opens the real place if the map provider knows it.
* ``illustrative`` (and anything unknown): there is no real position -> no navigation
  to the point at all. The primary action is a search for meal services near the
  resident (or near their subdistrict when that is all we know), and a large button
  to call 12345, the government service hotline, which answers where the nearest meal
  point is.

Every page that offers a way to a point (finder cards, map popups, overview details)
takes its links from :func:`directions`, so one rule holds everywhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from geo.core.navigation import amap_search_url, amap_walk_url, baidu_search_url, baidu_walk_url
from geo.data.names import local_name
from geo.i18n import t

__all__ = [
    "CITY",
    "HOTLINE",
    "NAVIGABLE",
    "NEARBY_KEYWORD",
    "Action",
    "Directions",
    "directions",
]

#: Precisions whose position is real enough to walk to.
NAVIGABLE: tuple[str, ...] = ("surveyed", "address")
#: The city a name search is limited to.
CITY = "大连"
#: What a nearby search looks for (the names residents and map providers use).
NEARBY_KEYWORD = "老年食堂 助餐"
#: The government service hotline (everywhere in China, Dalian included).
HOTLINE = "12345"


@dataclass(frozen=True)
class Action:
    """One thing a resident can tap: a link (``https://`` or ``tel:``) and its words."""

    kind: str  # "walk", "search_name", "search_nearby" or "call"
    provider: str  # "amap", "baidu" or "phone"
    url: str
    label: str
    primary: bool


@dataclass(frozen=True)
class Directions:
    """The actions for one meal point, most useful first, and why they are what they are."""

    precision: str
    actions: tuple[Action, ...]
    #: A sentence in plain words saying why (None when the position is real).
    why: str | None

    @property
    def navigates_to_point(self) -> bool:
        """True when some action starts navigation to the point's own coordinates."""
        return any(a.kind == "walk" for a in self.actions)


def _text(v: Any) -> str:
    return "" if v is None or (isinstance(v, float) and v != v) else str(v).strip()


def directions(
    row: Mapping[str, Any],
    lang: str,
    origin: tuple[float, float] | None = None,
    area: tuple[float, float] | None = None,
    origin_name: str | None = None,
) -> Directions:
    """The ways to a meal point ``row`` (a record of the meal-points layer).

    Parameters
    ----------
    row
        The point's fields: ``lon``, ``lat``, ``name_zh`` (``name_en``) and
        ``location_precision``.
    lang
        "zh" or "en", for the labels and the explanation.
    origin
        The resident's own position (lon, lat) WGS-84 when they gave one (a tap, GPS,
        typed coordinates); walking navigation starts there, a nearby search is centred
        there. None when the app does not know where the resident is.
    area
        A fallback centre (lon, lat) for a nearby search when ``origin`` is None, e.g. the
        seat of the resident's subdistrict.
    origin_name
        The name navigation shows for ``origin``.

    Raises
    ------
    ValueError
        A navigable point without finite coordinates.
    """
    precision = _text(row.get("location_precision")) or "illustrative"
    name_zh = _text(row.get("name_zh")) or local_name(row, lang)
    name = local_name(row, lang) or name_zh
    if precision in NAVIGABLE:
        lon, lat = float(row["lon"]), float(row["lat"])
        o_lon, o_lat = origin if origin else (None, None)
        amap = amap_walk_url(lon, lat, name, o_lon, o_lat, from_name=origin_name if origin else None)
        baidu = baidu_walk_url(lon, lat, name, o_lon, o_lat, from_name=origin_name or t("dir.me", lang))
        return Directions(
            precision,
            (
                Action("walk", "amap", amap, t("dir.walk.amap", lang), True),
                Action("walk", "baidu", baidu, t("dir.walk.baidu", lang), False),
            ),
            None,
        )
    call = Action("call", "phone", f"tel:{HOTLINE}", t("dir.call", lang, hotline=HOTLINE), False)
    if precision == "subdistrict":
        return Directions(
            precision,
            (
                Action("search_name", "amap", amap_search_url(name_zh, city=CITY), t("dir.name.amap", lang), True),
                Action("search_name", "baidu", baidu_search_url(name_zh, city=CITY), t("dir.name.baidu", lang), False),
                call,
            ),
            t("dir.why.subdistrict", lang),
        )
    centre = origin or area
    around = "dir.nearby.me" if origin else ("dir.nearby.area" if area else "dir.nearby.city")
    return Directions(
        precision,
        (
            Action(
                "search_nearby",
                "amap",
                amap_search_url(NEARBY_KEYWORD, near=centre, city=CITY),
                t(f"{around}.amap", lang),
                True,
            ),
            Action("call", "phone", f"tel:{HOTLINE}", t("dir.call", lang, hotline=HOTLINE), True),
            Action(
                "search_nearby",
                "baidu",
                baidu_search_url(NEARBY_KEYWORD, near=centre, city=CITY),
                t(f"{around}.baidu", lang),
                False,
            ),
        ),
        t("dir.why.illustrative", lang),
    )
