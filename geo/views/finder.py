"""The meal-point finder for residents: where am I, and what is nearest.

No streamlit import. The page (pages/finder.py) only lays out widgets, calls this
module and draws what it returns:

* :class:`PageState` and :func:`choose_subdistrict`, :func:`map_click`,
  :func:`typed_coords`: what the page remembers, and the widget callbacks as pure
  functions (old state in, new state out);
* :func:`origin_from_seat`, :func:`origin_from_text`, :func:`origin_from_click`
  turn the three ways of saying "I am here" into an :class:`Origin` (WGS-84);
* :class:`Finder` (built once per dataset) answers with an :class:`Answer`: the
  nearest points (or all within a walking distance) with straight-line distance,
  estimated walk and minutes, details, navigation links, and the edge cases
  (empty layer, outside the district, ties, only far points, the origin's own
  subdistrict having no near point);
* :func:`messages`, :func:`distance_line`, :func:`caveat`, :func:`detail_rows`
  turn that answer into plain words in either language;
* :func:`map_view`, :func:`origin_html`, :func:`results_heading` and :func:`cards`
  give the page its map and its result cards (HTML escaped here with
  :func:`geo.data.escape.esc`; the page passes it on unchanged).

The map's locate button and its messages live in :mod:`geo.maps.finder`.
Distances: straight line (haversine), walk = straight × 1.3 at 4.67 km/h
(:mod:`geo.core.distance`).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import Point

from geo.core.coords import CoordError as CoordError  # for the page
from geo.core.coords import click_to_wgs84, parse_coords
from geo.core.datum import gcj02_to_wgs84, wgs84_to_gcj02
from geo.core.distance import CIRCUITY, ELDERLY_WALK_KMH, haversine_m, walk_estimate
from geo.core.navigation import amap_walk_url, baidu_walk_url
from geo.core.nearest import PointIndex
from geo.data import facts
from geo.data.escape import esc
from geo.data.names import local_name, subdistrict_names
from geo.i18n import join_open, t
from geo.maps.base import basemap_datum, meal_svg
from geo.maps.finder import finder_base_map, result_layer

K_NEAREST = 5
#: Walking distances offered for "all within" (metres of estimated walk): the coverage page's
#: radii (GB 50180-2018 5/10/15-minute life circles, geo.core.coverage.RADII_M) and 2 km.
WALK_RADII_M = (300, 500, 1000, 2000)
#: At most this many results in "all within" mode (a phone list stays usable).
MAX_WITHIN = 20
#: An estimated walk longer than this is "far" (Beijing's meal-point norm: service radius ≤ 1000 m).
FAR_WALK_M = 1000.0
#: Two results whose straight-line distances differ by less than this are "equally near".
TIE_TOL_M = 1.0
#: Below this estimated walk the point is "right here".
HERE_WALK_M = 50.0

ORIGIN_KINDS = ("seat", "map", "typed")
PRECISION_CAVEAT = ("illustrative", "subdistrict")


# --------------------------------------------------------------------------- origin


@dataclass(frozen=True)
class Origin:
    """The starting point, always WGS-84."""

    kind: str  # "seat" (a subdistrict's seat), "map" (tap or browser location), "typed"
    lon: float
    lat: float
    code: str | None = None  # the chosen subdistrict (kind "seat")
    uncertainty_km: float | None = None  # of an estimated seat

    def __post_init__(self):
        if self.kind not in ORIGIN_KINDS:
            raise ValueError(f"unknown origin kind {self.kind!r}")
        if not (math.isfinite(self.lon) and math.isfinite(self.lat)) or abs(self.lat) > 90 or abs(self.lon) > 180:
            raise ValueError(f"origin must be finite WGS-84 lon/lat, got ({self.lon!r}, {self.lat!r})")

    @property
    def user_given(self) -> bool:
        """True when the user said "I am here" (tap, location, typed) rather than picking a seat estimate.

        Only then is the origin passed to the navigation apps; from a seat estimate they
        start from the phone's own location instead.
        """
        return self.kind != "seat"


def origin_from_seat(subdistricts: gpd.GeoDataFrame | None, code: str) -> Origin:
    """The seat of subdistrict ``code`` (from the layer in use, else the bundled facts)."""
    if subdistricts is not None and len(subdistricts) and {"seat_lat", "seat_lon"} <= set(subdistricts.columns):
        row = subdistricts[subdistricts["code"].astype(str) == str(code)]
        if len(row):
            r = row.iloc[0]
            lat, lon = _num(r.get("seat_lat")), _num(r.get("seat_lon"))
            if lat is not None and lon is not None:
                unc = _num(r.get("seat_uncertainty_km"))
                return Origin("seat", lon, lat, code=str(code), uncertainty_km=unc)
    seat = facts.SEAT_BY_CODE.get(str(code))
    if seat is None:
        raise KeyError(code)
    return Origin("seat", seat.lon, seat.lat, code=seat.code, uncertainty_km=seat.uncertainty_km)


def _num(v) -> float | None:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def origin_from_text(text: str, datum: str = "wgs84") -> Origin:
    """Typed coordinates; ``datum="gcj02"`` when they were copied from Amap/Tencent."""
    lon, lat = parse_coords(text)
    if datum == "gcj02":
        lon, lat = gcj02_to_wgs84(lon, lat)
    elif datum != "wgs84":
        raise ValueError(f"datum must be 'wgs84' or 'gcj02', got {datum!r}")
    return Origin("typed", float(lon), float(lat))


def origin_from_click(last_clicked: dict | None, base_datum: str = "wgs84") -> Origin | None:
    """A map click as st_folium returns it (``{"lat": .., "lng": ..}``), shifted back to
    WGS-84 when the base map draws in GCJ-02. None when there is no usable click."""
    p = click_to_wgs84(last_clicked, base_datum)
    return None if p is None else Origin("map", p[0], p[1])


# --------------------------------------------------------------------------- page state

#: Base maps offered on the page (the first is the default).
BASES = ("blank", "osm", "amap")
#: Datums of typed coordinates (the first is the default).
COORD_DATUMS = ("wgs84", "gcj02")


def base_or_default(base: str | None) -> str:
    """``base`` if the page offers it, else the default (a stale session value stays harmless)."""
    return base if base in BASES else BASES[0]


@dataclass(frozen=True)
class PageState:
    """What the finder page remembers between runs (the page keeps it in its session).

    The callbacks below take the old state and return the new one; they never touch
    Streamlit, so they are tested on their own.
    """

    origin: Origin | None = None
    sub: str | None = None  # the chosen subdistrict: the subdistrict selectbox's value
    last_click: dict | None = None  # the last map click handled (st_folium repeats it on every run)
    coords_err: str | None = None  # translation key of the typed-coordinates error shown

    def with_sub(self, sub: str | None) -> PageState:
        """The state with the subdistrict the selectbox shows now (a widget's value can be
        dropped by Streamlit when another page is shown; the widget is the truth)."""
        return replace(self, sub=sub)


def choose_subdistrict(s: PageState, code: str | None, subdistricts: gpd.GeoDataFrame | None) -> PageState:
    """A subdistrict was chosen: start from its seat (clearing the choice keeps the origin)."""
    if not code:
        return replace(s, sub=code)
    return replace(s, sub=code, origin=origin_from_seat(subdistricts, code))


def map_click(s: PageState, click: dict | None, base: str) -> PageState:
    """A map click (or a located position) on the base map ``base`` (its datum is shifted
    back): a new click becomes the origin and clears the subdistrict; a click already
    handled, or one that is not a position, changes nothing else."""
    if not click or click == s.last_click:
        return s
    s = replace(s, last_click=click)
    origin = origin_from_click(click, basemap_datum(base_or_default(base)))
    return s if origin is None else replace(s, origin=origin, sub=None)


def typed_coords(s: PageState, text: str | None, datum: str | None) -> PageState:
    """Typed coordinates in ``datum``: the origin, or an error message key (the previous
    answer stays)."""
    try:
        origin = origin_from_text(text or "", datum or COORD_DATUMS[0])
    except CoordError as exc:
        return replace(s, coords_err=exc.key)
    return replace(s, origin=origin, sub=None, coords_err=None)


# --------------------------------------------------------------------------- answer


@dataclass(frozen=True)
class Result:
    rank: int
    id: str
    name: str
    lon: float
    lat: float
    straight_m: float
    walk_m: float
    walk_min: float
    precision: str
    subdistrict_code: str
    subdistrict_name: str
    row: dict  # the meal point's attributes (raw)
    tie_with: tuple[int, ...]  # ranks of other results equally near
    amap_url: str
    baidu_url: str
    tel: str | None  # phone sanitised for a tel: link


@dataclass(frozen=True)
class OwnSubdistrict:
    """The origin's own subdistrict (the one chosen, or the one the point falls in)."""

    code: str
    name: str
    n_points: int
    nearest_straight_m: float | None  # to its nearest own point

    @property
    def far(self) -> bool:
        return self.nearest_straight_m is not None and self.nearest_straight_m * CIRCUITY > FAR_WALK_M


@dataclass(frozen=True)
class Answer:
    origin: Origin
    mode: str  # "nearest" or "within"
    walk_radius_m: float | None
    results: list[Result]
    n_layer: int  # points in the layer
    outside: bool  # origin outside the district outline
    origin_code: str | None  # subdistrict the origin falls in (schematic boundaries)
    own: OwnSubdistrict | None
    tie_beyond: int  # points as near as the last result but not listed
    none_within: bool  # "within" mode found nothing: results hold the nearest one instead
    truncated: int = 0  # "within" mode: points within the radius not listed (over MAX_WITHIN)
    far: bool = field(init=False)

    def __post_init__(self):
        object.__setattr__(self, "far", bool(self.results) and self.results[0].walk_m > FAR_WALK_M)

    @property
    def empty(self) -> bool:
        return self.n_layer == 0


def sanitize_tel(phone) -> str | None:
    """Digits, '+' and '-' only (for a ``tel:`` link); None when fewer than 3 digits remain."""
    if phone is None or (isinstance(phone, float) and pd.isna(phone)):
        return None
    s = re.sub(r"[^0-9+\-]", "", str(phone))
    s = s[:1] + s[1:].replace("+", "")  # '+' only in front
    return s if sum(c.isdigit() for c in s) >= 3 else None


def _blank(v) -> bool:
    return (
        v is None
        or (isinstance(v, float) and math.isnan(v))
        or (not isinstance(v, str) and pd.isna(v))
        or str(v).strip() == ""
    )


class Finder:
    """Nearest-search over one meal-point layer, with the district outline for checks.

    Build once per dataset (cheap: a KD-tree over the points and one union of the
    subdistrict polygons); :meth:`answer` is called per query.
    """

    def __init__(self, meal_points: gpd.GeoDataFrame, subdistricts: gpd.GeoDataFrame | None):
        mp = pd.DataFrame(meal_points.drop(columns="geometry", errors="ignore")).copy()
        if len(mp):
            lat = pd.to_numeric(mp.get("lat"), errors="coerce")
            lon = pd.to_numeric(mp.get("lon"), errors="coerce")
            ok = (
                np.isfinite(lat.to_numpy(dtype=float))
                & np.isfinite(lon.to_numpy(dtype=float))
                & (lat.abs() <= 90).to_numpy()
            )
            mp = mp[ok].reset_index(drop=True)
            mp["lat"], mp["lon"] = lat[ok].to_numpy(dtype=float), lon[ok].to_numpy(dtype=float)
        else:
            mp = pd.DataFrame(columns=["id", "lat", "lon"])
        self.points = mp
        self.index = PointIndex(mp["lon"].to_numpy(dtype=float), mp["lat"].to_numpy(dtype=float))
        self.subdistricts = subdistricts
        if subdistricts is not None and len(subdistricts):
            geoms = subdistricts.geometry.to_numpy()
            self._sub_geoms = geoms
            self._sub_codes = subdistricts["code"].astype(str).tolist()
            self._names = {lg: subdistrict_names(subdistricts, lg) for lg in ("zh", "en")}
            self.district = shapely.union_all(geoms)
            shapely.prepare(self.district)
            for g in geoms:
                shapely.prepare(g)
        else:
            self._sub_geoms, self._sub_codes, self.district = None, [], None
            self._names = {
                "zh": {s.code: s.name_zh for s in facts.SEATS},
                "en": {s.code: s.name_en for s in facts.SEATS},
            }
        codes = mp["subdistrict_code"].astype(str) if "subdistrict_code" in mp else pd.Series([], dtype=str)
        self._by_code = {c: np.flatnonzero(codes.to_numpy() == c) for c in set(codes)}

    def __len__(self) -> int:
        return len(self.index)

    def subdistrict_name(self, code: str | None, lang: str) -> str:
        if not code:
            return ""
        return self._names["zh" if lang == "zh" else "en"].get(str(code), str(code))

    def subdistrict_of(self, lon: float, lat: float) -> str | None:
        """The subdistrict (schematic boundary) containing the point, or None outside all."""
        if self._sub_geoms is None:
            return None
        p = Point(lon, lat)
        hits = np.flatnonzero(shapely.covers(self._sub_geoms, p))
        return self._sub_codes[int(hits[0])] if len(hits) else None

    def is_outside(self, lon: float, lat: float) -> bool:
        if self.district is None:
            b = facts.DISTRICT_BOUNDS
            return not (b[0] <= lon <= b[2] and b[1] <= lat <= b[3])
        return not shapely.covers(self.district, Point(lon, lat))

    def _own(self, origin: Origin, origin_code: str | None, lang: str) -> OwnSubdistrict | None:
        code = origin.code if origin.kind == "seat" else origin_code
        if not code:
            return None
        idx = self._by_code.get(str(code), np.empty(0, dtype=int))
        nearest = None
        if len(idx):
            d = haversine_m(
                origin.lon, origin.lat, self.points["lon"].to_numpy()[idx], self.points["lat"].to_numpy()[idx]
            )
            nearest = float(np.min(d))
        return OwnSubdistrict(str(code), self.subdistrict_name(code, lang), len(idx), nearest)

    def answer(
        self,
        origin: Origin,
        lang: str = "zh",
        mode: str = "nearest",
        k: int = K_NEAREST,
        walk_radius_m: float | None = None,
    ) -> Answer:
        if mode not in ("nearest", "within"):
            raise ValueError(f"mode must be 'nearest' or 'within', got {mode!r}")
        origin_code = self.subdistrict_of(origin.lon, origin.lat)
        outside = self.is_outside(origin.lon, origin.lat)
        own = self._own(origin, origin_code, lang)
        none_within = False
        tie_beyond = 0
        truncated = 0
        n = len(self.index)
        if n == 0:
            idx, dist = np.empty(0, dtype=int), np.empty(0)
        elif mode == "nearest":
            idx, dist = self.index.nearest(origin.lon, origin.lat, k=k)
            if len(idx) == k and n > k:
                # points exactly as near as the k-th but left out by the index's tie rule
                _, d_all = self.index.within(origin.lon, origin.lat, float(dist[-1]) + TIE_TOL_M)
                tie_beyond = max(
                    0,
                    int(np.sum(np.abs(d_all - dist[-1]) < TIE_TOL_M))
                    - int(np.sum(np.abs(dist - dist[-1]) < TIE_TOL_M)),
                )
        else:
            if walk_radius_m is None or not walk_radius_m > 0:
                raise ValueError("within mode needs a positive walk_radius_m")
            idx, dist = self.index.within(origin.lon, origin.lat, float(walk_radius_m) / CIRCUITY)
            if len(idx) == 0:
                none_within = True
                idx, dist = self.index.nearest(origin.lon, origin.lat, k=1)
            elif len(idx) > MAX_WITHIN:
                truncated = len(idx) - MAX_WITHIN
                idx, dist = idx[:MAX_WITHIN], dist[:MAX_WITHIN]
        results = self._results(origin, idx, dist, lang)
        return Answer(
            origin,
            mode,
            walk_radius_m if mode == "within" else None,
            results,
            n,
            outside,
            origin_code,
            own,
            tie_beyond,
            none_within,
            truncated,
        )

    def _results(self, origin: Origin, idx, dist, lang: str) -> list[Result]:
        out = []
        dist = np.asarray(dist, dtype=float)
        w = walk_estimate(dist) if len(dist) else None
        from_kw = {"from_lon": origin.lon, "from_lat": origin.lat} if origin.user_given else {}
        for r, (i, d) in enumerate(zip(idx, dist), start=1):
            row = self.points.iloc[int(i)].to_dict()
            name = local_name(row, lang)
            ties = tuple(j + 1 for j, d2 in enumerate(dist) if j != r - 1 and abs(d2 - d) < TIE_TOL_M)
            lon, lat = float(row["lon"]), float(row["lat"])
            code = _text(row.get("subdistrict_code"))
            out.append(
                Result(
                    rank=r,
                    id=str(row.get("id", "")),
                    name=name,
                    lon=lon,
                    lat=lat,
                    straight_m=float(d),
                    walk_m=float(w.walk_m[r - 1]),
                    walk_min=float(w.walk_min[r - 1]),
                    precision=_text(row.get("location_precision")) or "illustrative",
                    subdistrict_code=code,
                    subdistrict_name=self.subdistrict_name(code, lang),
                    row=row,
                    tie_with=ties,
                    amap_url=amap_walk_url(
                        lon, lat, name, **from_kw, from_name=t("fd.nav.from", lang) if origin.user_given else None
                    ),
                    baidu_url=baidu_walk_url(lon, lat, name, **from_kw, from_name=t("fd.nav.from", lang)),
                    tel=sanitize_tel(row.get("phone")),
                )
            )
        return out


def _text(v) -> str:
    return "" if _blank(v) else str(v).strip()


# --------------------------------------------------------------------------- words


def fmt_distance(m: float, lang: str) -> str:
    """ "350 米" (to 10 m) below 1 km, "1.2 公里" (to 0.1 km) above; ≥ 100 km to whole km."""
    if m < 995:
        v = int(round(m / 10.0) * 10)
        return t("fd.unit.m", lang, v=f"{v:,}")
    km = m / 1000.0
    v = f"{km:,.0f}" if km >= 100 else f"{km:.1f}"
    return t("fd.unit.km", lang, v=v)


def fmt_minutes(minutes: float, lang: str) -> str:
    mins = max(1, round(minutes))
    if mins < 60:
        return t("fd.unit.min", lang, v=mins)
    h, mm = divmod(mins, 60)
    if h >= 24:
        return t("fd.unit.days", lang, v=f"{mins / 1440:.0f}")
    return t("fd.unit.h", lang, h=h, m=mm) if mm else t("fd.unit.h0", lang, h=h)


def distance_line(r: Result, lang: str) -> str:
    if r.walk_m < HERE_WALK_M:
        return t("fd.here", lang, straight=fmt_distance(r.straight_m, lang))
    return t(
        "fd.dist_line",
        lang,
        straight=fmt_distance(r.straight_m, lang),
        walk=fmt_distance(r.walk_m, lang),
        minutes=fmt_minutes(r.walk_min, lang),
    )


def tie_note(r: Result, lang: str) -> str | None:
    if not r.tie_with:
        return None
    return t("fd.tie_with", lang, ranks=join_open(r.tie_with, lang))


def caveat(r: Result, lang: str) -> str | None:
    """The precision caveat for positions that are not real addresses."""
    if r.precision == "illustrative":
        return t("fd.caveat.illustrative", lang)
    if r.precision == "subdistrict":
        return t("fd.caveat.subdistrict", lang, sub=r.subdistrict_name or r.subdistrict_code)
    return None


def detail_rows(r: Result, lang: str, essentials_only: bool = False) -> list[tuple[str, str | None, str]]:
    """(label, value or None for "not published", kind) for the list; kind "tel" for the phone."""
    rows: list[tuple[str, str | None, str]] = []
    keys = ["hours", "phone", "delivery", "price_note", "address"]
    if not essentials_only:
        keys += ["dine_in", "kind"]
    for key in keys:
        v = r.row.get(key)
        if _blank(v):
            val = None
        elif key in ("dine_in", "delivery"):
            val = t(f"yesno.{v}", lang) if str(v) in ("yes", "no") else str(v)
        elif key == "kind":
            val = t(f"meal.kind.{v}", lang) if str(v) in ("center", "point") else str(v)
        else:
            val = str(v).strip()
        label = t("popup.kind", lang) if key == "kind" else t(f"meal.{key}", lang)
        rows.append((label, val, "tel" if key == "phone" and val and r.tel else "text"))
    return rows


def origin_label(o: Origin, finder: Finder, lang: str) -> str:
    if o.kind == "seat":
        return t(
            "fd.origin.seat",
            lang,
            sub=finder.subdistrict_name(o.code, lang),
            km=f"{o.uncertainty_km:g}" if o.uncertainty_km else "?",
        )
    key = "fd.origin.map" if o.kind == "map" else "fd.origin.typed"
    return t(key, lang, lat=f"{o.lat:.5f}", lon=f"{o.lon:.5f}")


def messages(a: Answer, lang: str) -> list[tuple[str, str]]:
    """(level, text) for the edge cases, most important first; level is "error", "warning" or "info"."""
    out: list[tuple[str, str]] = []
    if a.empty:
        out.append(("error", t("fd.msg.empty", lang)))
        return out
    if a.outside:
        out.append(("warning", t("fd.msg.outside", lang, d=fmt_distance(a.results[0].straight_m, lang))))
    if a.none_within:
        out.append(("warning", t("fd.msg.none_within", lang, r=fmt_distance(a.walk_radius_m or 0, lang))))
    own = a.own
    if own is not None and not a.outside:
        if own.n_points == 0:
            out.append(("warning", t("fd.msg.own_none", lang, sub=own.name)))
        elif own.far:
            key = "fd.msg.own_only_far" if own.n_points == 1 else "fd.msg.own_far"
            out.append(
                (
                    "warning",
                    t(key, lang, sub=own.name, n=own.n_points, d=fmt_distance(own.nearest_straight_m * CIRCUITY, lang)),
                )
            )
    if a.far and not a.outside:
        r0 = a.results[0]
        out.append(
            (
                "warning",
                t("fd.msg.far", lang, walk=fmt_distance(r0.walk_m, lang), minutes=fmt_minutes(r0.walk_min, lang)),
            )
        )
    if any(r.tie_with for r in a.results):
        out.append(("info", t("fd.msg.ties", lang)))
    if a.tie_beyond:
        out.append(("info", t("fd.msg.tie_beyond", lang, n=a.tie_beyond, k=len(a.results))))
    if a.truncated:
        out.append(("info", t("fd.msg.truncated", lang, n=a.truncated, k=len(a.results))))
    return out


def assumptions(lang: str) -> str:
    """The walking assumptions in plain words."""
    return t(
        "fd.assume.body",
        lang,
        circuity=f"{CIRCUITY:g}",
        speed=f"{ELDERLY_WALK_KMH:g}",
        per_km=f"{60 / ELDERLY_WALK_KMH * CIRCUITY:.0f}",
    )


# --------------------------------------------------------------------------- map view


def view_for(
    points: list[tuple[float, float]], width_px: int = 340, height_px: int = 340, max_zoom: int = 16, min_zoom: int = 8
) -> tuple[tuple[float, float], int]:
    """(center (lat, lon), zoom) showing every (lon, lat) point with a margin, Web Mercator."""
    lons = [p[0] for p in points]
    lats = [max(-85.0, min(85.0, p[1])) for p in points]

    def y(lat):
        s = math.sin(math.radians(lat))
        return 0.5 - math.log((1 + s) / (1 - s)) / (4 * math.pi)

    dx = (max(lons) - min(lons)) / 360.0
    dy = abs(y(max(lats)) - y(min(lats)))
    zooms = [max_zoom]
    if dx > 0:
        zooms.append(math.log2(0.75 * width_px / (256 * dx)))
    if dy > 0:
        zooms.append(math.log2(0.75 * height_px / (256 * dy)))
    zoom = int(max(min_zoom, min(max_zoom, math.floor(min(zooms)))))
    center = ((max(lats) + min(lats)) / 2.0, (max(lons) + min(lons)) / 2.0)
    return center, zoom


# --------------------------------------------------------------------------- the page's pieces

#: What the page offers in "which meal points to show": the nearest, or all within a walk.
MODES = ("nearest", *WALK_RADII_M)
MAP_HEIGHT_PX = 360
ELDER_MAP_HEIGHT_PX = 380


def subdistrict_codes(subdistricts: gpd.GeoDataFrame) -> list[str]:
    return [str(c) for c in subdistricts["code"]]


def mode_label(mode: str | int, lang: str) -> str:
    if mode == "nearest":
        return t("fd.mode.nearest", lang)
    return t("fd.mode.within", lang, r=fmt_distance(float(mode), lang))


def answer_for(finder: Finder, origin: Origin | None, mode: str | int, lang: str) -> Answer | None:
    """The answer for the page's mode ("nearest" or a walking radius in metres); None before
    there is an origin."""
    if origin is None:
        return None
    if mode == "nearest":
        return finder.answer(origin, lang)
    return finder.answer(origin, lang, mode="within", walk_radius_m=float(mode))


def start_message(finder: Finder, lang: str) -> tuple[str, str]:
    """(level, text) shown before there is an answer."""
    if len(finder) == 0:
        return "error", t("fd.msg.empty", lang)
    return "info", t("fd.start", lang)


@dataclass
class MapView:
    """What the page passes to st_folium: the constant map, the changing layer and the view."""

    base_map: folium.Map
    layer: folium.FeatureGroup
    center: tuple[float, float] | None  # (lat, lon) in the base map's datum; None keeps the view
    zoom: int | None
    height: int


def map_view(
    answer: Answer | None,
    lang: str,
    base: str,
    elder: bool,
    subdistricts: gpd.GeoDataFrame | None,
    meal_points: gpd.GeoDataFrame | None,
) -> MapView:
    """The finder's map; with an answer, centred and zoomed to show the origin and every result."""
    base = base_or_default(base)
    center = zoom = None
    if answer is not None:
        pts = [(answer.origin.lon, answer.origin.lat)] + [(r.lon, r.lat) for r in answer.results]
        (clat, clon), zoom = view_for(pts, height_px=MAP_HEIGHT_PX)
        if basemap_datum(base) == "gcj02":
            clon, clat = wgs84_to_gcj02(clon, clat)
        center = (clat, clon)
    return MapView(
        finder_base_map(lang, base, elder, subdistricts, meal_points),
        result_layer(answer, lang, base, elder),
        center,
        zoom,
        ELDER_MAP_HEIGHT_PX if elder else MAP_HEIGHT_PX,
    )


def origin_html(answer: Answer, finder: Finder, lang: str) -> str:
    """Where the answer starts from, and the subdistrict a tapped or typed point is in."""
    o = answer.origin
    where = origin_label(o, finder, lang)
    if answer.origin_code and o.kind != "seat":
        where += " · " + t("fd.origin.in_sub", lang, sub=finder.subdistrict_name(answer.origin_code, lang))
    return f'<div class="fd-origin">{esc(where)}</div>'


def results_heading(a: Answer, lang: str) -> str | None:
    """The heading over the result cards; None when there are no results."""
    if not a.results:
        return None
    if a.none_within:
        return t("fd.results.fallback", lang)
    if a.mode == "within":
        return t("fd.results.within", lang, r=fmt_distance(a.walk_radius_m or 0, lang), n=len(a.results) + a.truncated)
    return t("fd.results.nearest", lang, n=len(a.results))


@dataclass(frozen=True)
class Link:
    """A navigation button: st.link_button's label, url, type and icon."""

    label: str
    url: str
    kind: str = "secondary"  # "primary" or "secondary"
    icon: str | None = None


@dataclass(frozen=True)
class Card:
    """One result as the page draws it: the head (HTML), the navigation links, the details (HTML)."""

    key: str  # the bordered container's widget key
    head_html: str
    links: tuple[Link, ...]
    details_html: str


def head_html(r: Result, lang: str, elder: bool = False) -> str:
    """Number, symbol and name; the distance line with its tie note; the precision caveat."""
    parts = [
        f'<div class="fd-item" data-rank="{r.rank}" data-id="{esc(r.id)}">',
        f'<div class="fd-head">{meal_svg(34 if elder else 28, number=r.rank)}<span>{r.rank}. {esc(r.name)}</span></div>',
        f'<div class="fd-dist">{esc(distance_line(r, lang))}',
    ]
    tie = tie_note(r, lang)
    if tie:
        parts.append(f' <span class="fd-tie">{esc(t("fd.paren", lang, text=tie))}</span>')
    parts.append("</div>")
    cav = caveat(r, lang)
    if cav:
        parts.append(f'<div class="fd-caveat">{esc(cav)}</div>')
    parts.append("</div>")
    return "".join(parts)


def _row_html(label_html: str, value_html: str, lang: str, cls: str = "") -> str:
    attr = f' class="{cls}"' if cls else ""
    return f"<div{attr}>{t('fd.label_value', lang, label=label_html, value=value_html)}</div>"


def details_html(r: Result, lang: str, elder: bool = False) -> str:
    """The detail rows (the phone as a tel: link), then the labels not published, in one row."""
    rows, unpublished = [], []
    for label, val, kind in detail_rows(r, lang, essentials_only=elder):
        if val is None:
            unpublished.append(esc(label))
        elif kind == "tel":
            tel = f'<a class="fd-tel" href="tel:{esc(r.tel)}">☎ {esc(val)}</a>'
            rows.append(_row_html(f"<b>{esc(label)}</b>", tel, lang))
        else:
            rows.append(_row_html(f"<b>{esc(label)}</b>", esc(val), lang))
    if unpublished:
        np_ = f"<b>{esc(t('popup.not_published', lang))}</b>"
        rows.append(_row_html(np_, join_open(unpublished, lang), lang, cls="np"))
    return f'<div class="fd-details">{"".join(rows)}</div>'


def nav_links(r: Result, lang: str) -> tuple[Link, ...]:
    return (
        Link(t("fd.nav.amap", lang), r.amap_url, kind="primary", icon=":material/directions_walk:"),
        Link(t("fd.nav.baidu", lang), r.baidu_url),
    )


def cards(a: Answer, lang: str, elder: bool = False) -> list[Card]:
    """The result cards, nearest first (the elder mode shows the essential details only)."""
    return [
        Card(f"fd_item_{r.rank}", head_html(r, lang, elder), nav_links(r, lang), details_html(r, lang, elder))
        for r in a.results
    ]


def nav_note(a: Answer, lang: str) -> str | None:
    """Under the cards: where the navigation starts, when it is not the origin shown."""
    return None if not a.results or a.origin.user_given else t("fd.nav.note", lang)
