"""The coverage page's state, and what every control does to it, as pure functions.

:class:`PlannerState` holds everything the page remembers between runs: the view (metric,
radius, straight/walking, class breaks, base map, layer toggles), the what-if points, the
suggestion settings, the sites suggested last, a tap waiting to be applied, the exact solve
that was asked for and the message to show once. Each callback (add, remove, clear, adopt,
tap, typed coordinates, exact solve) takes a state and returns ``(new state, message key)``
(the key is None when there is nothing to say), so it can be tested without Streamlit.

What-if points are WGS-84 ``(lon, lat)``, rounded to 1e-6°. The page keeps one session key
for the state; the widgets keep their own keys (:data:`WIDGETS`) and are read into the state
with :func:`from_widgets` at the start of a run and of a callback.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

import shapely

from geo.core import coverage as cv
from geo.core.coords import CoordError, click_to_wgs84, parse_coords
from geo.maps.base import basemap_datum

METRIC_KEYS = (
    "covered_share",
    "n_points",
    "points_per_10km2",
    "mean_dist_m",
    "p90_dist_m",
    "points_per_10k_60plus",
    "pop_weighted_covered_share",
)
RADII = cv.RADII_M  # 300 / 500 / 1000 m (GB 50180-2018 life circles)
MODES = cv.MODES  # straight / walking (÷ circuity 1.3)
SCHEMES = ("quantiles", "fisher_jenks", "policy")
CLASS_COUNTS = (3, 4, 5, 6)
BASES = ("blank", "osm", "amap")
WEIGHTS = ("area", "population")
CANDIDATE_MODES = ("grid", "list")
CELL_M = 200  # demand grid for the interactive metrics (≈0.5 s; 100 m takes ≈2 s)
MAX_WHATIF = 30
MAX_K = 10
EXACT_TIME_S = 5.0

Point = tuple[float, float]
Message = tuple[str, int | None]  # (translation key, the count it names)


# --------------------------------------------------------------------------- view


@dataclass(frozen=True)
class View:
    """What the map shows: metric, R, straight/walking, class breaks, base map."""

    metric: str = "covered_share"
    radius_m: int = 500
    mode: str = "straight"
    scheme: str = "quantiles"
    k: int = 5
    base: str = "blank"

    def valid(self) -> View:
        return View(
            metric=self.metric if self.metric in METRIC_KEYS else "covered_share",
            radius_m=int(self.radius_m) if int(self.radius_m) in RADII else 500,
            mode=self.mode if self.mode in MODES else "straight",
            scheme=self.scheme if self.scheme in SCHEMES else "quantiles",
            k=int(self.k) if int(self.k) in CLASS_COUNTS else 5,
            base=self.base if self.base in BASES else "blank",
        )

    @property
    def datum(self) -> str:
        return basemap_datum(self.base)

    @property
    def r_eff(self) -> float:
        return cv.effective_radius(self.radius_m, self.mode)


# --------------------------------------------------------------------------- suggestion requests


@dataclass(frozen=True)
class SuggestRequest:
    k: int = 3
    weights: str = "area"  # or "population"
    candidates: tuple = ()  # () = grid cells; else ((lon, lat), ...)
    focus: tuple = ()  # subdistrict codes to restrict demand and grid candidates to; () = all


@dataclass(frozen=True)
class SuggestCall:
    """Everything one site suggestion depends on: the dataset (its fingerprint), R and
    straight/walking, the what-if points and the request. It is the argument of the page's
    cached computation, and what an exact-solve request remembers."""

    fingerprint: str
    radius_m: int
    mode: str
    whatif: tuple[Point, ...]
    request: SuggestRequest


# --------------------------------------------------------------------------- what-if list


def norm_point(lon: float, lat: float) -> Point:
    return (round(float(lon), 6), round(float(lat), 6))


def whatif_add(
    points: Iterable[Point], lon: float, lat: float, district, max_n: int = MAX_WHATIF
) -> tuple[list[Point], str | None]:
    """Append a what-if point; returns (new list, message key or None).

    Refused (list unchanged) outside the district (``district`` None: not checked), beyond
    ``max_n`` points, or when the same point (to 1e-6°) is already in the list."""
    p = norm_point(lon, lat)
    pts = [tuple(x) for x in points]
    if district is not None and not shapely.contains_xy(district, p[0], p[1]):
        return pts, "cv.wi.outside"
    if p in pts:
        return pts, "cv.wi.duplicate"
    if len(pts) >= max_n:
        return pts, "cv.wi.too_many"
    return [*pts, p], None


def whatif_remove(points: Iterable[Point], index: int) -> list[Point]:
    return [tuple(p) for i, p in enumerate(points) if i != index]


def parse_candidates(text: str) -> tuple[list[Point], list[int]]:
    """A user list of candidate sites, one "lat, lon" (or "lon, lat") per line (WGS-84).

    Returns ((lon, lat) list, 1-based line numbers that could not be read). Blank lines
    and lines starting with ``#`` are skipped; a header line (no digits) too."""
    out, bad = [], []
    for i, line in enumerate((text or "").splitlines(), start=1):
        s = line.strip()
        if not s or s.startswith("#") or not any(ch.isdigit() for ch in s):
            continue
        try:
            lon, lat = parse_coords(s)
        except CoordError:
            bad.append(i)
            continue
        out.append(norm_point(lon, lat))
    return out, bad


# --------------------------------------------------------------------------- the page state

# widget key -> state field (the widgets keep their own session keys)
WIDGETS = {
    "cv_metric": "metric",
    "cv_radius": "radius_m",
    "cv_mode": "mode",
    "cv_scheme": "scheme",
    "cv_k": "k",
    "cv_base": "base",
    "cv_gap": "show_gap",
    "cv_points": "show_points",
    "cv_sg_on": "sg_on",
    "cv_sg_k": "sg_k",
    "cv_sg_weights": "sg_weights",
    "cv_sg_cmode": "sg_cmode",
    "cv_sg_text": "sg_text",
    "cv_sg_focus": "sg_focus",
}
COORDS_WIDGET = "cv_wi_text"  # typed coordinates: read by the callback, not kept in the state


@dataclass(frozen=True)
class PlannerState:
    """Everything the coverage page remembers; the defaults are a new session's. The widget
    fields hold the widgets' raw values (:attr:`view` is the validated view)."""

    # the view and the layers shown
    metric: str = "covered_share"
    radius_m: int = 500
    mode: str = "straight"
    scheme: str = "quantiles"
    k: int = 5
    base: str = "blank"
    show_gap: bool = True
    show_points: bool = True
    # suggested sites: settings
    sg_on: bool = False
    sg_k: int = 3
    sg_weights: str = "area"
    sg_cmode: str = "grid"
    sg_text: str = ""
    sg_focus: tuple[str, ...] = ()
    # not widgets
    whatif: tuple[Point, ...] = ()
    sg_sites: tuple[Point, ...] = ()  # the sites suggested on the last run (what "adopt" adds)
    exact_for: SuggestCall | None = None  # the suggestion an exact solve was asked for
    last_click: Mapping[str, Any] | None = None  # the map's last reported tap
    pending_click: Mapping[str, Any] | None = None  # a tap not yet applied
    message: Message | None = None  # shown once, on the next run

    @property
    def view(self) -> View:
        return View(self.metric, self.radius_m, self.mode, self.scheme, self.k, self.base).valid()

    def checked(self, codes: Iterable[str], population_ok: bool) -> PlannerState:
        """The suggestion settings made consistent with the data: focus codes that exist,
        area weights when no population figures are available."""
        known = set(codes)
        return replace(
            self,
            sg_focus=tuple(c for c in self.sg_focus if c in known),
            sg_weights="area" if self.sg_weights == "population" and not population_ok else self.sg_weights,
        )

    def wants_exact(self, call: SuggestCall | None) -> bool:
        return call is not None and self.exact_for == call


def widget_values(state: PlannerState) -> dict[str, Any]:
    """The widgets' values for ``state`` ({widget key: value}; the defaults for a new session)."""
    out: dict[str, Any] = {key: getattr(state, name) for key, name in WIDGETS.items()}
    out["cv_sg_focus"] = list(state.sg_focus)  # a multiselect holds a list
    return out


# written on every run: Streamlit drops the value of a widget that is not drawn (the focus
# while the suggestion panel is closed), but keeps a value the app wrote
KEPT_WIDGETS = ("cv_sg_focus",)


def widget_writes(session: Mapping[str, Any], state: PlannerState) -> dict[str, Any]:
    """The widget values to write before the widgets are drawn: the ones ``state`` corrected
    (see :meth:`PlannerState.checked`) and the kept ones (:data:`KEPT_WIDGETS`)."""
    return {k: v for k, v in widget_values(state).items() if k in KEPT_WIDGETS or session.get(k) != v}


def widget_defaults() -> dict[str, Any]:
    return {**widget_values(PlannerState()), COORDS_WIDGET: ""}


def from_widgets(state: PlannerState, values: Mapping[str, Any]) -> PlannerState:
    """``state`` with the widget values in ``values`` (a session state; missing keys keep
    the state's value)."""
    changes = {name: values[key] for key, name in WIDGETS.items() if key in values}
    if "sg_focus" in changes:
        changes["sg_focus"] = tuple(str(c) for c in changes["sg_focus"] or ())
    return replace(state, **changes)


# --------------------------------------------------------------------------- callbacks


def add_point(state: PlannerState, lon: float, lat: float, district) -> tuple[PlannerState, str]:
    """A what-if point at WGS-84 (lon, lat): added, or refused (outside the district,
    already in the list, too many)."""
    pts, refused = whatif_add(state.whatif, lon, lat, district)
    message: Message = (refused, None) if refused else ("cv.wi.added", len(pts))
    return replace(state, whatif=tuple(pts), message=message), message[0]


def remove_point(state: PlannerState, index: int) -> tuple[PlannerState, None]:
    return replace(state, whatif=tuple(whatif_remove(state.whatif, index))), None


def clear_points(state: PlannerState) -> tuple[PlannerState, None]:
    return replace(state, whatif=()), None


def adopt_suggestions(state: PlannerState) -> tuple[PlannerState, str]:
    """The sites suggested last become what-if points (duplicates and any beyond the
    limit are skipped; suggested sites are inside the district by construction)."""
    pts: list[Point] = list(state.whatif)
    added = 0
    for lon, lat in state.sg_sites:
        pts, refused = whatif_add(pts, lon, lat, None)
        added += refused is None
    return replace(state, whatif=tuple(pts), message=("cv.sg.adopted", added)), "cv.sg.adopted"


def record_click(state: PlannerState, map_value: Mapping[str, Any] | None) -> tuple[PlannerState, None]:
    """The map reported its value: a new ``last_clicked`` is kept as a pending tap (applied
    by :func:`apply_click` on the next run); the same tap reported again is ignored."""
    click = (map_value or {}).get("last_clicked")
    if click and click != state.last_click:
        return replace(state, last_click=click, pending_click=click), None
    return state, None


def apply_click(state: PlannerState, district) -> tuple[PlannerState, str | None]:
    """The pending tap (in the base map's datum: GCJ-02 on Amap) as a WGS-84 what-if point."""
    click = state.pending_click
    if not click:
        return state, None
    state = replace(state, pending_click=None)
    p = click_to_wgs84(click, state.view.datum)
    if p is None:
        return state, None
    return add_point(state, p[0], p[1], district)


def typed_point(state: PlannerState, text: str, district) -> tuple[PlannerState, str]:
    """Coordinates typed by the user ("lat, lon" or "lon, lat", WGS-84) as a what-if point."""
    try:
        lon, lat = parse_coords(text or "")
    except CoordError:
        return replace(state, message=("cv.wi.bad_coords", None)), "cv.wi.bad_coords"
    return add_point(state, lon, lat, district)


def request_exact(state: PlannerState, call: SuggestCall) -> tuple[PlannerState, None]:
    """Ask for the exact solve of ``call``; it stays asked for while the settings are the same."""
    return replace(state, exact_for=call), None


def take_message(state: PlannerState) -> tuple[PlannerState, Message | None]:
    """The message to show on this run, and the state without it."""
    return replace(state, message=None), state.message


# --------------------------------------------------------------------------- suggestions


def suggest_call(state: PlannerState, fingerprint: str) -> tuple[SuggestCall | None, list[int]]:
    """The suggestion to compute for ``state`` (None: suggestions off, or an empty candidate
    list), and the 1-based lines of the candidate list that could not be read."""
    cands: tuple[Point, ...] = ()
    bad: list[int] = []
    if state.sg_cmode == "list":
        lst, bad = parse_candidates(state.sg_text)
        cands = tuple(lst)
    if not state.sg_on or (state.sg_cmode == "list" and not cands):
        return None, bad
    view = state.view
    req = SuggestRequest(k=int(state.sg_k), weights=state.sg_weights, candidates=cands, focus=tuple(state.sg_focus))
    return SuggestCall(fingerprint, view.radius_m, view.mode, tuple(state.whatif), req), bad


def with_suggestions(state: PlannerState, sites) -> PlannerState:
    """Remember the sites suggested on this run (a frame with lon/lat, or None)."""
    if sites is None:
        return replace(state, sg_sites=())
    return replace(state, sg_sites=tuple((float(r.lon), float(r.lat)) for r in sites.itertuples()))
