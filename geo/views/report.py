"""The report page's logic: which point a resident reports on, what they may say, the
place they tapped, and sending the report to the registry (stored pending, never shown
publicly before an editor reviews it).

Plain Python (no streamlit): pages/report.py draws what these functions return.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace

import folium
import geopandas as gpd

from geo.core.coords import CoordError, click_to_wgs84, parse_coords
from geo.data.escape import md_escape
from geo.data.names import local_name
from geo.data.registry import REPORT_KINDS, REPORT_TEXT_MAX, Registry, RegistryError
from geo.i18n import t
from geo.maps.base import basemap_datum
from geo.maps.review import pick_layer, pick_map
from geo.maps.symbols import is_verified
from geo.views.registry import sentence
from geo.views.shell import Dataset

__all__ = [
    "BASES",
    "KINDS",
    "KINDS_WITHOUT_POINT",
    "POSITION_KINDS",
    "TEXT_MAX",
    "Outcome",
    "PageState",
    "PointInfo",
    "client_key",
    "kind_label",
    "map_click",
    "needs_position",
    "picked_text",
    "point_info",
    "point_markdown",
    "report_maps",
    "submit",
    "typed_place",
]

KINDS = REPORT_KINDS
TEXT_MAX = REPORT_TEXT_MAX
POSITION_KINDS = ("moved", "new")
KINDS_WITHOUT_POINT = ("new", "other")  # the page opened without a point
BASES = ("blank", "osm", "amap")  # the finder's base maps, blank (no tiles) first


@dataclass(frozen=True)
class PointInfo:
    id: str
    name: str
    subdistrict: str
    precision: str
    lon: float
    lat: float

    @property
    def verified(self) -> bool:
        return is_verified(self.precision)


def point_info(ds: Dataset, point_id: str | None, lang: str) -> PointInfo | None:
    """The published meal point ``point_id`` (None when there is no such point)."""
    if not point_id:
        return None
    mp = ds.meal_points
    rows = mp[mp["id"].astype(str) == str(point_id)]
    if rows.empty:
        return None
    row = rows.iloc[0]
    subs = ds.subdistricts
    sub = subs[subs["code"].astype(str) == str(row["subdistrict_code"])]
    sub_name = local_name(sub.iloc[0], lang) if len(sub) else str(row["subdistrict_code"])
    return PointInfo(
        id=str(row["id"]),
        name=local_name(row, lang),
        subdistrict=sub_name,
        precision=str(row.get("location_precision") or "illustrative"),
        lon=float(row["lon"]),
        lat=float(row["lat"]),
    )


def point_markdown(info: PointInfo | None, lang: str) -> str:
    """Which point the report is about (Markdown, data escaped)."""
    if info is None:
        return t("rv.rp.point.none", lang)
    precision = t(f"meal.precision.{info.precision}", lang)
    return t(
        "rv.rp.point",
        lang,
        name=md_escape(info.name),
        id=md_escape(info.id),
        sub=md_escape(info.subdistrict),
        precision=precision,
    )


def kind_label(kind: str, lang: str) -> str:
    return t(f"rv.rp.kind.{kind}", lang)


def needs_position(kind: str | None) -> bool:
    return kind in POSITION_KINDS


def client_key(session_token: str) -> str:
    """The client key of the rate limit: a hash of the browser session's token (the token
    itself never reaches the database)."""
    return hashlib.sha256(f"jinpu-report:{session_token}".encode()).hexdigest()[:32]


# ---------------------------------------------------------------- the tapped place


@dataclass(frozen=True)
class PageState:
    picked: tuple[float, float] | None = None  # WGS-84 (lon, lat)
    last_click: dict | None = None  # st_folium repeats the last click on every run
    coords_err: str = ""  # a translation key
    sent: int | None = None  # the id of the report sent
    error: str = ""  # why the last send failed (in the language of that moment)


def map_click(s: PageState, click: dict | None, base: str) -> PageState:
    """A tap on the map (in the base map's datum) becomes the picked place (WGS-84)."""
    if not click or click == s.last_click:
        return s
    p = click_to_wgs84(click, basemap_datum(base))
    return replace(s, last_click=click, picked=p or s.picked, coords_err="")


def typed_place(s: PageState, text: str | None) -> PageState:
    """Typed coordinates ("39.108, 121.712") become the picked place."""
    try:
        return replace(s, picked=parse_coords(text or ""), coords_err="")
    except CoordError as exc:
        return replace(s, coords_err=exc.key)


def picked_text(s: PageState, lang: str) -> str:
    if s.picked is None:
        return t("rv.rp.picked.none", lang)
    return t("rv.rp.picked", lang, lat=f"{s.picked[1]:.5f}", lon=f"{s.picked[0]:.5f}")


def report_maps(
    info: PointInfo | None, s: PageState, lang: str, base: str, subdistricts: gpd.GeoDataFrame | None
) -> tuple[folium.Map, folium.FeatureGroup]:
    """The constant map of the point and the layer with the tapped place."""
    base = base if base in BASES else BASES[0]
    point = (info.lon, info.lat) if info else None
    m = pick_map(lang, base, point, info.name if info else "", not (info and info.verified), subdistricts)
    return m, pick_layer(s.picked, lang, base)


# ---------------------------------------------------------------- sending


@dataclass(frozen=True)
class Outcome:
    ok: bool
    text: str
    report_id: int | None = None


def submit(
    registry: Registry,
    *,
    point_id: str | None,
    kind: str | None,
    text: str,
    s: PageState,
    client: str,
    lang: str,
) -> Outcome:
    """Send the report; the registry validates it (kind, length, position, rate limits)."""
    if kind not in KINDS:
        return Outcome(False, t("rv.rp.err.kind", lang))
    if needs_position(kind) and s.picked is None:
        return Outcome(False, t("rv.rp.err.place", lang))
    lon, lat = s.picked if (s.picked and needs_position(kind)) else (None, None)
    try:
        rid = registry.add_report(point_id=point_id, kind=kind, text=text or "", lat=lat, lon=lon, client=client)
    except RegistryError as exc:
        return Outcome(False, sentence(exc.message(lang)))
    return Outcome(True, t("rv.rp.sent", lang, n=rid), rid)
