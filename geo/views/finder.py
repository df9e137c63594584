"""The meal-point finder for residents: where am I, and what is nearest.

No streamlit import. The page (pages/finder.py) only lays out widgets, calls this
module and draws what it returns:

* :class:`PageState` and :func:`choose_subdistrict`, :func:`map_click`,
  :func:`typed_coords`: what the page remembers, and the widget callbacks as pure
  functions (old state in, new state out);
* :func:`origin_from_seat`, :func:`origin_from_text`, :func:`origin_from_click`
  turn the three ways of saying "I am here" into an :class:`Origin` (WGS-84);
* :class:`Finder` (built once per dataset) answers with an :class:`Answer`: from a
  real start (a tap, the browser's location, typed coordinates) the nearest points
  (or all within a walking distance) with straight-line distance, estimated walk and
  minutes; from a subdistrict's seat (an estimate) the subdistrict's own points
  ("在您的街道") and the nearest of the neighbours' ("附近街道") **without** any
  distance. Each result carries its ways there from :func:`geo.data.directions.directions`
  (walking navigation only to a real position), and the edge cases (empty layer,
  outside the district, ties, only far points, the own subdistrict having no point);
* :func:`messages`, :func:`distance_line`, :func:`group_line`, :func:`detail_rows`
  turn that answer into plain words in either language;
* :func:`map_view`, :func:`origin_html`, :func:`results_heading` and :func:`cards`
  give the page its map and its result cards (HTML escaped here with
  :func:`geo.data.escape.esc`; the page passes it on unchanged), with the card's
  text to read aloud (:func:`say_html`) and its share link (:func:`share_url`);
* :func:`from_query` reads a shared link (``?point=M07`` or ``?sub=<code>``),
  :func:`app_base`, :func:`poster_url` and :func:`poster_file_name` serve the
  page's share links and its A4 poster (:mod:`geo.views.poster`).

The map's locate button and its messages live in :mod:`geo.maps.finder`.
Distances: straight line (haversine), walk = straight × 1.3 at 4.67 km/h
(:mod:`geo.core.distance`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from urllib.parse import urlencode, urlsplit, urlunsplit

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from jinja2 import Template
from shapely.geometry import Point

from geo.core.coords import CoordError as CoordError  # for the page
from geo.core.coords import click_to_wgs84, parse_coords
from geo.core.datum import gcj02_to_wgs84, wgs84_to_gcj02
from geo.core.distance import CIRCUITY, ELDERLY_WALK_KMH, haversine_m, walk_estimate
from geo.core.nearest import PointIndex
from geo.data import facts
from geo.data import hours as hours_words
from geo.data.directions import NAVIGABLE, Directions, directions
from geo.data.escape import esc
from geo.data.names import local_name, subdistrict_names
from geo.i18n import join_open, t
from geo.maps.assets import read
from geo.maps.base import basemap_datum, meal_svg
from geo.maps.finder import finder_base_map, result_layer
from geo.maps.popups import report_link_html
from geo.views.poster import PRECISION_ORDER, natural_key

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
    point: str | None = None  # the meal point of a shared link: its card comes first
    share_err: str | None = None  # translation key: the shared link's point or subdistrict is unknown

    def with_sub(self, sub: str | None) -> PageState:
        """The state with the subdistrict the selectbox shows now (a widget's value can be
        dropped by Streamlit when another page is shown; the widget is the truth)."""
        return replace(self, sub=sub)


def choose_subdistrict(s: PageState, code: str | None, subdistricts: gpd.GeoDataFrame | None) -> PageState:
    """A subdistrict was chosen: start from its seat and list its points (a shared point is
    no longer put first); clearing the choice keeps the origin."""
    if not code:
        return replace(s, sub=code)
    return replace(s, sub=code, origin=origin_from_seat(subdistricts, code), point=None)


def listed_subdistrict(s: PageState) -> str | None:
    """The subdistrict whose points are listed from its seat (the one chosen; it stays listed
    when the choice is cleared), for its poster; None from a real start."""
    if s.sub:
        return s.sub
    return s.origin.code if s.origin is not None and s.origin.kind == "seat" else None


def from_query(
    s: PageState,
    params: Mapping[str, str | None],
    finder: Finder,
    subdistricts: gpd.GeoDataFrame | None,
    codes: list[str],
) -> PageState:
    """The state a shared link asks for, read once when the page first runs in a session.

    ``?point=<id>``: that meal point's card first, starting from its subdistrict (as if
    chosen: no distances until the resident says where they are); ``?sub=<code>`` (the
    poster's QR code): start from that subdistrict. ``codes`` are the subdistricts the
    page offers. An unknown point or subdistrict leaves the state as it was, with a
    message key in ``share_err``.
    """
    point = _text(params.get("point"))
    sub = _text(params.get("sub"))
    if point:
        row = finder.point_row(point)
        if row is None:
            return replace(s, share_err="fd.share.unknown")
        code = _text(row.get("subdistrict_code"))
        if code in codes:
            return replace(s, sub=code, origin=origin_from_seat(subdistricts, code), point=point, share_err=None)
        return replace(s, point=point, share_err=None)
    if sub:
        if sub not in codes:
            return replace(s, share_err="fd.share.unknown_sub")
        return replace(choose_subdistrict(s, sub, subdistricts), share_err=None)
    return s


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
    ways: Directions  # how to get there (geo.data.directions: never to a made-up position)
    tel: str | None  # phone sanitised for a tel: link
    group: str | None = None  # from a seat start: "own" (the chosen subdistrict), "near" or "other"
    pinned: bool = False  # the point of a shared link, listed first

    @property
    def navigable(self) -> bool:
        """True when the position is real (surveyed or from an address)."""
        return self.precision in NAVIGABLE


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
    """The results for one start. From a seat (``mode`` "subdistrict") the results are the
    subdistrict's points and the nearest neighbours' points, and no distance is shown."""

    origin: Origin
    mode: str  # "nearest", "within" or "subdistrict" (a seat start)
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
        rest = [r for r in self.results if not r.pinned]
        object.__setattr__(self, "far", self.distances and bool(rest) and rest[0].walk_m > FAR_WALK_M)

    @property
    def distances(self) -> bool:
        """True when distances and walking times may be shown: only from a real start (a tap,
        the browser's location, typed coordinates), never from a subdistrict seat estimate."""
        return self.origin.user_given

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

    def point_row(self, point_id: str) -> dict | None:
        """The attributes of the meal point ``point_id`` (None when the layer has none such)."""
        i = self._index_of(point_id)
        return None if i is None else self.points.iloc[i].to_dict()

    def _index_of(self, point_id: str | None) -> int | None:
        if not point_id or "id" not in self.points:
            return None
        hits = np.flatnonzero(self.points["id"].astype(str).to_numpy() == str(point_id))
        return int(hits[0]) if len(hits) else None

    def answer(
        self,
        origin: Origin,
        lang: str = "zh",
        mode: str = "nearest",
        k: int = K_NEAREST,
        walk_radius_m: float | None = None,
        pin: str | None = None,
    ) -> Answer:
        """The meal points for ``origin``.

        From a real start, the ``k`` nearest (``mode="nearest"``) or all within
        ``walk_radius_m`` of estimated walk (``mode="within"``). From a subdistrict's seat
        (an estimate) ``mode`` does not apply: the subdistrict's own points (real positions
        first, as on its poster) and then the points of other subdistricts nearest to its
        seat, up to ``k`` in all; their distances are kept for the order only and are never
        shown. ``pin`` (a shared point's id) is put first in either case.
        """
        if mode not in ("nearest", "within"):
            raise ValueError(f"mode must be 'nearest' or 'within', got {mode!r}")
        if mode == "within" and (walk_radius_m is None or not walk_radius_m > 0):
            raise ValueError("within mode needs a positive walk_radius_m")
        origin_code = self.subdistrict_of(origin.lon, origin.lat)
        outside = self.is_outside(origin.lon, origin.lat)
        own = self._own(origin, origin_code, lang)
        none_within = False
        tie_beyond = 0
        truncated = 0
        groups: list[str | None] | None = None
        n = len(self.index)
        if n == 0:
            idx, dist = np.empty(0, dtype=int), np.empty(0)
        elif not origin.user_given:
            mode = "subdistrict"
            idx, dist, groups, truncated = self._seat_list(origin, k)
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
            idx, dist = self.index.within(origin.lon, origin.lat, float(walk_radius_m) / CIRCUITY)
            if len(idx) == 0:
                none_within = True
                idx, dist = self.index.nearest(origin.lon, origin.lat, k=1)
            elif len(idx) > MAX_WITHIN:
                truncated = len(idx) - MAX_WITHIN
                idx, dist = idx[:MAX_WITHIN], dist[:MAX_WITHIN]
        idx, dist, groups, pinned = self._pin(origin, list(idx), list(dist), groups, pin)
        results = self._results(origin, idx, dist, lang, groups, pinned)
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

    def _seat_list(self, origin: Origin, k: int) -> tuple[list[int], list[float], list[str | None], int]:
        """From a seat: the subdistrict's own points, then the nearest others' (to ``k`` in all)."""
        lon, lat = self.points["lon"].to_numpy(), self.points["lat"].to_numpy()
        d = haversine_m(origin.lon, origin.lat, lon, lat)
        own = [int(i) for i in self._by_code.get(str(origin.code), np.empty(0, dtype=int))]
        prec = self.points.get("location_precision")
        ids = self.points["id"] if "id" in self.points else pd.Series(range(len(self.points)))

        def order(i: int) -> tuple:
            p = _text(prec.iloc[i]) if prec is not None else ""
            return (PRECISION_ORDER.get(p, len(PRECISION_ORDER)), natural_key(ids.iloc[i]), i)

        own.sort(key=order)
        truncated = max(0, len(own) - MAX_WITHIN)
        own = own[:MAX_WITHIN]
        taken = set(own)
        others = [int(i) for i in np.lexsort((np.arange(len(d)), d)) if int(i) not in taken][: max(0, k - len(own))]
        idx = own + others
        return idx, [float(d[i]) for i in idx], ["own"] * len(own) + ["near"] * len(others), truncated

    def _pin(self, origin: Origin, idx: list, dist: list, groups: list | None, pin: str | None):
        """Put the shared point ``pin`` first (added when the answer does not hold it). From a
        seat its card says only where it is ("位于…"): the link was opened by someone who may
        live elsewhere."""
        i = self._index_of(pin)
        if i is None:
            return idx, dist, groups, False
        if i in idx:
            j = idx.index(i)
            idx.pop(j)
            d = dist.pop(j)
            if groups is not None:
                groups.pop(j)
        else:
            d = float(haversine_m(origin.lon, origin.lat, self.points["lon"].iloc[i], self.points["lat"].iloc[i]))
        return [i, *idx], [d, *dist], None if groups is None else ["other", *groups], True

    def _results(
        self, origin: Origin, idx, dist, lang: str, groups: list[str | None] | None = None, pinned: bool = False
    ) -> list[Result]:
        out = []
        dist = np.asarray(dist, dtype=float)
        w = walk_estimate(dist) if len(dist) else None
        if origin.user_given:
            way_kw = {"origin": (origin.lon, origin.lat), "origin_name": t("fd.nav.from", lang)}
        else:
            way_kw = {"area": (origin.lon, origin.lat)}
        for r, (i, d) in enumerate(zip(idx, dist), start=1):
            row = self.points.iloc[int(i)].to_dict()
            name = local_name(row, lang)
            ties = ()
            if origin.user_given:
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
                    ways=directions(row, lang, **way_kw),
                    tel=sanitize_tel(row.get("phone")),
                    group=None if groups is None else groups[r - 1],
                    pinned=pinned and r == 1,
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
    """Straight line, estimated walk and minutes (only ever shown from a real start); to a
    position that is not real, marked as a guide only."""
    if r.walk_m < HERE_WALK_M:
        line = t("fd.here", lang, straight=fmt_distance(r.straight_m, lang))
    else:
        line = t(
            "fd.dist_line",
            lang,
            straight=fmt_distance(r.straight_m, lang),
            walk=fmt_distance(r.walk_m, lang),
            minutes=fmt_minutes(r.walk_min, lang),
        )
    return line if r.navigable else line + t("fd.dist.guide", lang)


def group_line(r: Result, lang: str) -> str:
    """From a seat start, where the point is instead of how far: "在您的街道 · 湾里街道"."""
    sub = r.subdistrict_name or r.subdistrict_code or "?"
    key = {"own": "fd.group.own", "near": "fd.group.near"}.get(r.group or "", "fd.group.other")
    return t(key, lang, sub=sub)


def tie_note(r: Result, lang: str) -> str | None:
    if not r.tie_with:
        return None
    return t("fd.tie_with", lang, ranks=join_open(r.tie_with, lang))


def _line(text: str | None) -> str | None:
    text = str(text).strip() if text else ""
    return text or None


def open_lines(r: Result, lang: str) -> list[tuple[str, str]]:
    """(kind, text) of what is known about visiting: open now and the hours ("status"), the
    price ("price") and the seats ("seats"); a line is left out when nothing is known."""
    lines = [
        ("status", _line(hours_words.status_line(r.row.get("hours"), lang))),
        ("price", _line(hours_words.price_line(r.row, lang))),
        ("seats", _line(hours_words.seats_line(r.row, lang))),
    ]
    return [(kind, text) for kind, text in lines if text]


def detail_rows(
    r: Result, lang: str, essentials_only: bool = False, skip: frozenset[str] | set[str] = frozenset()
) -> list[tuple[str, str | None, str]]:
    """(label, value or None for "not published", kind) for the list; kind "tel" for the phone.
    ``skip`` leaves fields out (the hours and the price when a status or price line says them)."""
    rows: list[tuple[str, str | None, str]] = []
    keys = ["hours", "phone", "delivery", "price_note", "address"]
    if not essentials_only:
        keys += ["dine_in", "kind"]
    for key in [k for k in keys if k not in skip]:
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
        return t("fd.origin.seat", lang, sub=finder.subdistrict_name(o.code, lang))
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
        elif own.far and a.distances:
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
    if not a.distances and a.results:
        out.append(("info", t("fd.msg.seat", lang)))
    if any(r.tie_with for r in a.results):
        out.append(("info", t("fd.msg.ties", lang)))
    if a.tie_beyond:
        out.append(("info", t("fd.msg.tie_beyond", lang, n=a.tie_beyond, k=len(a.results))))
    if a.truncated:
        out.append(("info", t("fd.msg.truncated", lang, n=a.truncated, k=len([r for r in a.results if not r.pinned]))))
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


def answer_for(
    finder: Finder, origin: Origin | None, mode: str | int, lang: str, pin: str | None = None
) -> Answer | None:
    """The answer for the page's mode ("nearest" or a walking radius in metres; from a seat
    the subdistrict's list), with the shared point ``pin`` first; None before there is an
    origin."""
    if origin is None:
        return None
    if mode == "nearest" or not origin.user_given:
        return finder.answer(origin, lang, pin=pin)
    return finder.answer(origin, lang, mode="within", walk_radius_m=float(mode), pin=pin)


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
    data_key: str | None = None,
) -> MapView:
    """The finder's map; with an answer, centred and zoomed to show the origin and every
    result. ``data_key`` (the dataset's fingerprint) lets the constant layers be built once
    per process."""
    base = base_or_default(base)
    center = zoom = None
    if answer is not None:
        pts = [(answer.origin.lon, answer.origin.lat)] + [(r.lon, r.lat) for r in answer.results]
        (clat, clon), zoom = view_for(pts, height_px=MAP_HEIGHT_PX)
        if basemap_datum(base) == "gcj02":
            clon, clat = wgs84_to_gcj02(clon, clat)
        center = (clat, clon)
    return MapView(
        finder_base_map(lang, base, elder, subdistricts, meal_points, data_key=data_key),
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
    """The heading over the result cards (a shared point has its own: :func:`shared_heading`);
    None when there is no other result."""
    n = len([r for r in a.results if not r.pinned])
    if not n:
        return None
    if a.mode == "subdistrict":
        return t("fd.results.seat", lang, sub=a.own.name if a.own else "")
    if a.none_within:
        return t("fd.results.fallback", lang)
    if a.mode == "within":
        return t("fd.results.within", lang, r=fmt_distance(a.walk_radius_m or 0, lang), n=n + a.truncated)
    return t("fd.results.nearest", lang, n=n)


def shared_heading(lang: str) -> str:
    return t("fd.shared", lang)


@dataclass(frozen=True)
class Link:
    """A button that opens a link: st.link_button's label, url, type and icon, and whether it
    fills the card's width (the large buttons) or not (the smaller, secondary ones)."""

    label: str
    url: str
    kind: str = "secondary"  # "primary", "secondary" or "tertiary"
    icon: str | None = None
    wide: bool = True


@dataclass(frozen=True)
class Card:
    """One result as the page draws it: the head (HTML), the buttons to get there, the details
    (HTML), the text to read aloud and the point's id (for its share link)."""

    key: str  # the bordered container's widget key
    head_html: str
    links: tuple[Link, ...]
    details_html: str
    speech: str = ""
    point_id: str = ""
    pinned: bool = False


#: The icon of each kind of action (Material Symbols, as st.link_button takes them).
ACTION_ICONS = {
    "walk": ":material/directions_walk:",
    "search_name": ":material/search:",
    "search_nearby": ":material/travel_explore:",
    "call": ":material/call:",
}


def head_lines(r: Result, a: Answer, lang: str) -> list[tuple[str, str]]:
    """(css class, text) under the name: how far (from a real start) or where (from a seat),
    what is known about visiting (open now, price, seats), and why the ways there are what
    they are (for a position that is not real)."""
    out = [("fd-dist", distance_line(r, lang)) if a.distances else ("fd-group", group_line(r, lang))]
    out += [(f"fd-{kind}", text) for kind, text in open_lines(r, lang)]
    if r.ways.why:
        out.append(("fd-caveat", "⚠ " + r.ways.why))
    return out


def head_html(r: Result, a: Answer, lang: str, elder: bool = False) -> str:
    """Number, symbol and name (and "shared with you"); the distance line with its tie note,
    or from a seat the subdistrict; open now, price, seats; the precision's explanation."""
    pinned = ' data-pinned="1"' if r.pinned else ""
    parts = [
        f'<div class="fd-item" data-rank="{r.rank}" data-id="{esc(r.id)}" data-precision="{esc(r.precision)}"{pinned}>',
        f'<div class="fd-head">{meal_svg(34 if elder else 28, number=r.rank)}<span>{r.rank}. {esc(r.name)}</span></div>',
    ]
    for cls, text in head_lines(r, a, lang):
        parts.append(f'<div class="{cls}">{esc(text)}')
        tie = tie_note(r, lang) if cls == "fd-dist" else None
        if tie:
            parts.append(f' <span class="fd-tie">{esc(t("fd.paren", lang, text=tie))}</span>')
        parts.append("</div>")
    parts.append("</div>")
    return "".join(parts)


def _row_html(label_html: str, value_html: str, lang: str, cls: str = "") -> str:
    attr = f' class="{cls}"' if cls else ""
    return f"<div{attr}>{t('fd.label_value', lang, label=label_html, value=value_html)}</div>"


def _said(r: Result, lang: str) -> set[str]:
    """The detail fields a status or price line already says."""
    kinds = {kind for kind, _ in open_lines(r, lang)}
    return {field for kind, field in (("status", "hours"), ("price", "price_note")) if kind in kinds}


def details_html(r: Result, lang: str, elder: bool = False) -> str:
    """The detail rows (the phone as a tel: link), then the labels not published, in one row."""
    rows, unpublished = [], []
    for label, val, kind in detail_rows(r, lang, essentials_only=elder, skip=_said(r, lang)):
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
    rows.append(f'<div class="fd-report">{report_link_html(r.id, lang, cls="fd-report-a", elder=elder)}</div>')
    return f'<div class="fd-details">{"".join(rows)}</div>'


def nav_links(r: Result) -> tuple[Link, ...]:
    """The card's buttons, from :func:`geo.data.directions.directions`: the primary actions
    and the phone call as large buttons, then the secondary ones smaller."""
    links = []
    for act in r.ways.actions:
        if act.primary:
            kind, wide = "primary", True
        elif act.kind == "call":
            kind, wide = "secondary", True
        else:
            kind, wide = "tertiary", False
        links.append(Link(act.label, act.url, kind, ACTION_ICONS.get(act.kind), wide))
    return tuple(sorted(links, key=lambda k: not k.wide))


def _sentence(text: str, lang: str) -> str:
    text = text.strip()
    end = "。" if lang == "zh" else "."
    return text if not text or text[-1] in "。！？.!?" else text + end


def speech_text(r: Result, a: Answer, lang: str, elder: bool = False) -> str:
    """The card in plain sentences, for reading aloud: name, how far or where, open now,
    price, seats, why, the published details."""
    parts = [r.name]
    parts += [text.removeprefix("⚠ ") for _, text in head_lines(r, a, lang)]
    for label, val, _kind in detail_rows(r, lang, essentials_only=elder, skip=_said(r, lang)):
        if val is not None:
            parts.append(t("fd.label_value", lang, label=label, value=val))
    return " ".join(_sentence(p, lang) for p in parts if p.strip())


def cards(a: Answer, lang: str, elder: bool = False) -> list[Card]:
    """The result cards, a shared point first, then nearest first (or, from a seat, the
    subdistrict's own points first); the elder mode shows the essential details only."""
    return [
        Card(
            f"fd_item_{r.rank}",
            head_html(r, a, lang, elder),
            nav_links(r),
            details_html(r, lang, elder),
            speech_text(r, a, lang, elder),
            r.id,
            r.pinned,
        )
        for r in a.results
    ]


def nav_note(a: Answer, lang: str) -> str | None:
    """Under the cards: walking navigation starts from the phone's own location when the
    start shown is only a seat estimate (and some card offers walking navigation)."""
    if a.origin.user_given or not any(r.ways.navigates_to_point for r in a.results):
        return None
    return t("fd.nav.note", lang)


# --------------------------------------------------------------------------- read aloud, share, poster

_SAY = Template(
    '<div class="fd-say-box"><button type="button" class="fd-say" hidden>{{ label }}</button>'
    "<script>{{ js }}\njpFinderSay(document.currentScript, {{ opts|tojson }});</script></div>"
)

#: The speech-synthesis language of each page language.
SPEECH_LANG = {"zh": "zh-CN", "en": "en-US"}


def say_html(text: str, lang: str) -> str:
    """A "read aloud" button and its script (assets/finder_say.js) for ``st.html`` with
    JavaScript allowed: the browser's speech synthesis reads ``text`` in ``lang``; the
    button stays hidden when the browser has no voice for the language. The text goes into
    the script JSON-encoded (Jinja's ``tojson``: ``<``, ``>``, ``&`` and ``'`` escaped)."""
    opts = {
        "text": text,
        "lang": SPEECH_LANG.get(lang, "zh-CN"),
        "label": t("fd.say", lang),
        "stop": t("fd.say.stop", lang),
    }
    return _SAY.render(label=esc(t("fd.say", lang)), js=read("finder_say.js"), opts=opts)


_HOST = re.compile(r"^[A-Za-z0-9.\-]+(:[0-9]{1,5})?$|^\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?$")


def app_base(url: str | None, host: str | None = None, proto: str | None = None) -> str | None:
    """The app's own address without the page: from the browser's URL of this page
    (``st.context.url``, e.g. ``https://x.streamlit.app/finder`` -> ``https://x.streamlit.app``),
    else from the request's Host header (and X-Forwarded-Proto); None when neither is known."""
    if url:
        parts = urlsplit(str(url))
        if parts.scheme in ("http", "https") and parts.netloc:
            path = parts.path.rstrip("/")
            path = path.removesuffix("/finder")
            return urlunsplit((parts.scheme, parts.netloc, path, "", ""))
    if host and _HOST.match(host.strip()):
        scheme = proto if proto in ("http", "https") else "http"
        return f"{scheme}://{host.strip()}"
    return None


def share_url(base: str | None, point_id: str, lang: str) -> str:
    """The link that opens the finder with the meal point ``point_id`` first."""
    q = urlencode({"point": point_id, "lang": lang})
    return f"{base or ''}/finder?{q}"


def poster_url(base: str, code: str, lang: str) -> str:
    """The link the poster's QR code opens: the finder starting from subdistrict ``code``."""
    return f"{base}/finder?{urlencode({'sub': code, 'lang': lang})}"


def poster_file_name(code: str, lang: str) -> str:
    """A safe download name: ``jinpu_meal_points_<code>_<lang>.pdf``."""
    safe = re.sub(r"[^0-9A-Za-z_-]", "", str(code))[:40] or "subdistrict"
    return f"jinpu_meal_points_{safe}_{lang if lang in ('zh', 'en') else 'zh'}.pdf"
