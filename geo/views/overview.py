"""The overview page's logic: the view (filters, base map, selection) and its URL form,
the page state kept in the session and its callbacks (pure functions from state to
state), filtering, KPIs, the map (base, feature groups, where it moves), the display
positions of markers and click -> record matching, the escaped HTML of tooltips, the
legend and the details panel, and the widgets' option labels.

No streamlit import: pages/overview.py reads widgets, calls this module and draws.
Every count comes from the dataset in use (bundled or uploaded), never from constants;
the programme total is the programme-level fact in geo.data.facts.
"""

from __future__ import annotations

import hashlib
import html
import json
import math
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import folium
import numpy as np
import pandas as pd
import shapely

from geo.core.coords import click_to_wgs84
from geo.core.distance import haversine_m
from geo.data import facts
from geo.data.directions import directions
from geo.data.escape import esc
from geo.data.names import local_name
from geo.data.names import subdistrict_names as subdistrict_names  # for the page
from geo.data.precision import verified_count
from geo.i18n import join_open, t
from geo.maps.base import BASEMAPS, DISTRICT_CENTER, base_map, basemap_datum
from geo.maps.cache import Lru, script_layer
from geo.maps.external import external_layer
from geo.maps.ids import stable_ids
from geo.maps.layers import (
    DISTRICT_WIDE_ANCHOR,
    display_latlon,
    district_wide_icon_html,
    meal_point_layer,
    project_layer,
    subdistrict_layer,
)
from geo.maps.legend import LegendUpdate, cluster_legend_row, meal_legend_rows, overview_legend
from geo.maps.popups import directions_html, district_wide_popup_html, figure_texts, open_now, report_link_html
from geo.maps.symbols import is_verified, meal_svg, sector_svg
from geo.maps.viewsync import view_sync_group

LAYER_KEYS = ("sub", "proj", "meal")
BASE_KEYS = tuple(BASEMAPS)
# 高德 is what residents in China know and it loads there; OSM and a blank base are one tap away.
DEFAULT_BASE = "amap"
PARAM_KEYS = ("sectors", "sub", "q", "layers", "base", "sel")
NONE_TOKEN = "none"
MAX_QUERY = 80
CLICK_TOLERANCE_M = 5.0
NUDGE_DEG = 2e-6  # ≈0.2 m: separates markers that share a position, for display and matching only


# ---------------------------------------------------------------- view and URL


@dataclass(frozen=True)
class View:
    sectors: tuple[str, ...]
    subdistrict: str | None = None
    query: str = ""
    layers: tuple[str, ...] = LAYER_KEYS
    base: str = DEFAULT_BASE
    selection: str | None = None  # "p:<id>", "m:<id>", "dw" or "s:<code>"

    def with_(self, **kw) -> View:
        return replace(self, **kw)


@dataclass(frozen=True)
class Scope:
    """What a view may refer to in the dataset in use."""

    sector_keys: tuple[str, ...]  # sectors present in the dataset, in the canonical order
    subdistrict_codes: tuple[str, ...]
    project_ids: frozenset = field(default_factory=frozenset)
    meal_ids: frozenset = field(default_factory=frozenset)

    @classmethod
    def of(cls, ds) -> Scope:
        present = set(ds.projects["sector"].dropna())
        return cls(
            sector_keys=tuple(k for k in facts.SECTOR_KEYS if k in present),
            subdistrict_codes=tuple(ds.subdistricts["code"].astype(str)),
            project_ids=frozenset(ds.projects["id"].astype(str)),
            meal_ids=frozenset(ds.meal_points["id"].astype(str)),
        )

    def default_view(self) -> View:
        return View(sectors=self.sector_keys)

    def valid_selection(self, sel: str | None) -> str | None:
        if not sel:
            return None
        if sel == "dw":
            return sel
        kind, _, ident = sel.partition(":")
        ok = {"p": self.project_ids, "m": self.meal_ids, "s": set(self.subdistrict_codes)}.get(kind, ())
        return sel if ident in ok else None


def clean_query(q) -> str:
    q = "" if q is None else str(q)
    q = "".join(ch for ch in q if unicodedata.category(ch)[0] != "C")  # no control characters
    return " ".join(q.split())[:MAX_QUERY]


def view_from_params(params: Mapping[str, str], scope: Scope) -> View:
    """Read a view from URL query parameters; anything unknown falls back to the default."""
    v = scope.default_view()
    raw = params.get("sectors")
    if raw is not None:
        wanted = set() if raw == NONE_TOKEN else {s.strip() for s in str(raw).split(",")}
        v = v.with_(sectors=tuple(k for k in scope.sector_keys if k in wanted))
    sub = params.get("sub")
    if sub in scope.subdistrict_codes:
        v = v.with_(subdistrict=sub)
    if params.get("q"):
        v = v.with_(query=clean_query(params.get("q")))
    raw = params.get("layers")
    if raw is not None:
        wanted = set() if raw == NONE_TOKEN else set(str(raw).split(","))
        v = v.with_(layers=tuple(k for k in LAYER_KEYS if k in wanted))
    if params.get("base") in BASE_KEYS:
        v = v.with_(base=params["base"])
    v = v.with_(selection=scope.valid_selection(params.get("sel")))
    return v


def view_to_params(view: View, scope: Scope) -> dict[str, str]:
    """The URL form of a view: only what differs from the default, so links stay short."""
    out: dict[str, str] = {}
    if tuple(view.sectors) != scope.sector_keys:
        out["sectors"] = ",".join(view.sectors) if view.sectors else NONE_TOKEN
    if view.subdistrict:
        out["sub"] = view.subdistrict
    if view.query:
        out["q"] = view.query
    if tuple(view.layers) != LAYER_KEYS:
        out["layers"] = ",".join(view.layers) if view.layers else NONE_TOKEN
    if view.base != DEFAULT_BASE:
        out["base"] = view.base
    if view.selection:
        out["sel"] = view.selection
    return out


def url_changes(current: Mapping[str, str], view: View, scope: Scope) -> tuple[dict[str, str], list[str]]:
    """What to change in the URL's query parameters (``current``) so that they show ``view``:
    the parameters to set and the ones to delete."""
    params = view_to_params(view, scope)
    sets = {k: params[k] for k in PARAM_KEYS if k in params and current.get(k) != params[k]}
    drops = [k for k in PARAM_KEYS if k not in params and k in current]
    return sets, drops


# ---------------------------------------------------------------- page state and callbacks


def layer_key(layer: str) -> str:
    """The session key of a layer's checkbox (its element carries the class ``st-key-<key>``)."""
    return f"ov_l_{layer}"


# the session keys the filter widgets are bound to
WIDGET_KEYS = ("ov_sectors", "ov_sub", "ov_q", *(layer_key(k) for k in LAYER_KEYS), "ov_base")
LAYER_LABELS = {"sub": "layer.subdistricts", "proj": "layer.projects", "meal": "layer.meal_points"}


@dataclass(frozen=True)
class PageState:
    """What the overview page keeps in the session between runs: the filter widgets'
    values, the selection, the last map click already handled and whether the map has
    been moved to a subdistrict. :meth:`to_session` gives the session keys."""

    sectors: tuple[str, ...]
    subdistrict: str = ""  # the subdistrict box's value; "" is every subdistrict
    query: str = ""  # the search box's text as typed
    layers: tuple[str, ...] = LAYER_KEYS
    base: str = DEFAULT_BASE
    selection: str | None = None
    click_sig: tuple | None = None  # (click count, lat, lng, base) of the last map click handled
    zoomed: bool = False  # the map was moved to a subdistrict: clearing it moves back to the district

    @classmethod
    def of_view(cls, v: View, click_sig: tuple | None = None, zoomed: bool = False) -> PageState:
        return cls(
            sectors=tuple(v.sectors),
            subdistrict=v.subdistrict or "",
            query=v.query,
            layers=tuple(v.layers),
            base=v.base,
            selection=v.selection,
            click_sig=click_sig,
            zoomed=zoomed,
        )

    @classmethod
    def from_session(cls, session: Mapping) -> PageState | None:
        """The state held in the session, or None when a widget key is missing (the first
        run on this page, or a return from another page: Streamlit drops the keys of
        widgets that were not drawn)."""
        if any(k not in session for k in WIDGET_KEYS):
            return None
        return cls(
            sectors=tuple(session["ov_sectors"]),
            subdistrict=session["ov_sub"] or "",
            query=session["ov_q"] or "",
            layers=tuple(k for k in LAYER_KEYS if session[layer_key(k)]),
            base=session["ov_base"],
            selection=session.get("ov_sel"),
            click_sig=session.get("ov_click_sig"),
            zoomed=bool(session.get("ov_zoomed")),
        )

    def to_session(self) -> dict[str, object]:
        return {
            "ov_sectors": list(self.sectors),
            "ov_sub": self.subdistrict,
            "ov_q": self.query,
            **{layer_key(k): k in self.layers for k in LAYER_KEYS},
            "ov_base": self.base,
            "ov_sel": self.selection,
            "ov_click_sig": self.click_sig,
            "ov_zoomed": self.zoomed,
        }

    def view(self) -> View:
        return View(
            sectors=self.sectors,
            subdistrict=self.subdistrict or None,
            query=clean_query(self.query),
            layers=self.layers,
            base=self.base,
            selection=self.selection,
        )

    def filters_open(self, scope: Scope) -> bool:
        """Whether the folded filters start open: when a sector, a layer or the base map
        differs from the default (so that a shared link shows what it hides)."""
        return self.sectors != scope.sector_keys or self.layers != LAYER_KEYS or self.base != DEFAULT_BASE


# Written back on every run even when unchanged: a select box or multiselect comes back
# from the browser as its options' labels, and those labels change (the counts in the
# sector labels, the language), so the session's value is restated; the selection is
# restated as validated against the dataset in use.
RESTATED_KEYS = ("ov_sectors", "ov_sub", "ov_base", "ov_sel")


def session_changes(session: Mapping, state: PageState, widgets: bool = True) -> dict[str, object]:
    """The session entries to write so that the session holds ``state``: those that
    differ, and the :data:`RESTATED_KEYS`. ``widgets=False`` once the widgets are drawn:
    Streamlit forbids changing a drawn widget's value, and what changes then (a map
    click, the map's focus) is never a filter."""
    return {
        k: v
        for k, v in state.to_session().items()
        if (widgets or k not in WIDGET_KEYS) and (k in RESTATED_KEYS or k not in session or session[k] != v)
    }


def fit(state: PageState, scope: Scope) -> PageState:
    """``state`` without what the dataset in use does not have (it may have changed: an upload)."""
    return replace(
        state,
        sectors=tuple(k for k in state.sectors if k in scope.sector_keys),
        subdistrict=state.subdistrict if state.subdistrict in scope.subdistrict_codes else "",
        base=state.base if state.base in BASE_KEYS else DEFAULT_BASE,
        selection=scope.valid_selection(state.selection),
    )


def start(session: Mapping, params: Mapping[str, str], scope: Scope) -> PageState:
    """The state at the start of a run: the session's; on the first run on this page (or
    after another page) the view in the URL's ``params``. Fitted to the dataset in use."""
    state = PageState.from_session(session)
    if state is None:
        state = PageState.of_view(
            view_from_params(params, scope),
            click_sig=session.get("ov_click_sig"),
            zoomed=bool(session.get("ov_zoomed")),
        )
    return fit(state, scope)


def reset(state: PageState, scope: Scope) -> PageState:
    """The "Reset filters" button: the default view, nothing selected."""
    return PageState.of_view(scope.default_view(), click_sig=state.click_sig, zoomed=state.zoomed)


def pick(state: PageState, key: str | None) -> PageState:
    """A record picked from the list beside the map (a selection key, or None)."""
    return replace(state, selection=key)


def clear_selection(state: PageState) -> PageState:
    return replace(state, selection=None)


def on_map_click(
    state: PageState, returned: Mapping | None, positions: list[tuple[str, float, float]], subdistricts=None
) -> PageState:
    """A map click (what ``st_folium`` returned) selects the record under it: a marker
    within the click tolerance, else the subdistrict when that layer is shown. A click
    already handled (the same count and position, returned again by a rerun) changes
    nothing, and a click on nothing keeps the selection."""
    click = (returned or {}).get("last_object_clicked")
    if not click:
        return state
    sig = ((returned or {}).get("last_object_clicked_count"), click.get("lat"), click.get("lng"), state.base)
    if sig == state.click_sig:
        return state
    hit = match_click(click, state.base, positions, subdistricts if "sub" in state.layers else None)
    return replace(state, click_sig=sig, selection=hit or state.selection)


# ---------------------------------------------------------------- filtering


def _norm(s) -> str:
    if s is None or (isinstance(s, float) and math.isnan(s)):
        return ""
    return unicodedata.normalize("NFKC", str(s)).casefold()


def text_mask(df: pd.DataFrame, query: str, cols=("name_zh", "name_en")) -> pd.Series:
    """Every word of the query occurs in the Chinese or the English name (case- and width-insensitive)."""
    words = [_norm(w) for w in clean_query(query).split()]
    if not words:
        return pd.Series(True, index=df.index)
    hay = df[list(cols)].apply(lambda r: " ".join(_norm(v) for v in r), axis=1) if len(df) else pd.Series([], dtype=str)
    return hay.apply(lambda h: all(w in h for w in words)).astype(bool)


def is_district_wide(projects: pd.DataFrame) -> pd.Series:
    """Projects without a map position: shown at the labelled district-wide anchor."""
    return ~(projects["lat"].notna() & projects["lon"].notna())


def project_codes(projects: pd.DataFrame) -> pd.Series:
    return projects["subdistrict_codes"].apply(
        lambda v: [c.strip() for c in str(v).split(";") if c.strip()] if isinstance(v, str) else []
    )


def project_scope_mask(projects: pd.DataFrame, view: View) -> pd.Series:
    """Subdistrict and search filters (not sectors). A project without subdistricts
    covers the whole district and so stays in every subdistrict's view."""
    m = text_mask(projects, view.query)
    if view.subdistrict:
        codes = project_codes(projects)
        m &= codes.apply(lambda cs: (not cs) or view.subdistrict in cs).astype(bool)
    return m


def filter_projects(projects: pd.DataFrame, view: View) -> pd.DataFrame:
    m = project_scope_mask(projects, view) & projects["sector"].isin(view.sectors)
    return projects[m]


def filter_meal_points(meal_points: pd.DataFrame, view: View) -> pd.DataFrame:
    m = text_mask(meal_points, view.query)
    if view.subdistrict:
        m &= meal_points["subdistrict_code"].astype(str) == view.subdistrict
    return meal_points[m]


def sector_counts(projects: pd.DataFrame, view: View, scope: Scope) -> dict[str, int]:
    """Projects per sector within the subdistrict and search filters (for the sector picker)."""
    inscope = projects[project_scope_mask(projects, view)]
    vc = inscope["sector"].value_counts()
    return {k: int(vc.get(k, 0)) for k in scope.sector_keys}


# ---------------------------------------------------------------- KPIs


@dataclass(frozen=True)
class Kpis:
    projects_shown: int
    projects_total: int
    district_wide_shown: int
    sectors_shown: int
    sectors_total: int
    programme_total_yi: float
    meals_shown: int
    meals_total: int
    covered_shown: int
    subdistricts_total: int
    meals_verified_shown: int = 0  # of the meal points shown, those at a real position (geo.data.precision)


def kpis(ds, view: View, projects_shown: pd.DataFrame, meals_shown: pd.DataFrame) -> Kpis:
    proj_layer = "proj" in view.layers
    meal_layer = "meal" in view.layers
    ps = projects_shown if proj_layer else projects_shown.iloc[0:0]
    ms = meals_shown if meal_layer else meals_shown.iloc[0:0]
    codes = set(ds.subdistricts["code"].astype(str))
    return Kpis(
        projects_shown=len(ps),
        projects_total=len(ds.projects),
        district_wide_shown=int(is_district_wide(ps).sum()) if len(ps) else 0,
        sectors_shown=int(ps["sector"].nunique()),
        sectors_total=int(ds.projects["sector"].nunique()),
        programme_total_yi=facts.PROGRAMME_TOTAL_YI_YUAN,
        meals_shown=len(ms),
        meals_total=len(ds.meal_points),
        covered_shown=len(codes & set(ms["subdistrict_code"].astype(str))),
        subdistricts_total=len(codes),
        meals_verified_shown=verified_count(ms["location_precision"]),
    )


def kpi_html(k: Kpis, lang: str) -> str:
    """The KPI strip (numbers and translated labels only, escaped anyway)."""
    cards = [
        (
            f"{k.projects_shown} / {k.projects_total}",
            t("ov.kpi.projects", lang),
            t("ov.kpi.projects.note", lang, n=k.district_wide_shown) if k.district_wide_shown else "",
        ),
        (f"{k.sectors_shown} / {k.sectors_total}", t("ov.kpi.sectors", lang), ""),
        (
            t("ov.kpi.total.value", lang, v=f"{k.programme_total_yi:g}"),
            t("ov.kpi.total", lang),
            t("ov.kpi.total.note", lang),
        ),
        (f"{k.meals_shown} / {k.meals_total}", t("ov.kpi.meals", lang), ""),
        (f"{k.covered_shown} / {k.subdistricts_total}", t("ov.kpi.covered", lang), ""),
        (
            f"{k.meals_verified_shown} / {k.meals_shown}",
            t("ov.kpi.verified", lang),
            t("ov.kpi.verified.note", lang),
        ),
    ]
    items = "".join(
        f'<div class="ovk"><div class="ovk-v">{esc(v)}</div><div class="ovk-l">{esc(lbl)}</div>'
        + (f'<div class="ovk-n">{esc(note)}</div>' if note else "")
        + "</div>"
        for v, lbl, note in cards
    )
    return f'<div class="ovk-strip" role="group" aria-label="{esc(t("ov.kpi.aria", lang))}">{items}</div>'


# ---------------------------------------------------------------- display positions and clicks


def display_frames(projects: pd.DataFrame, meal_points: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Copies whose markers never share a position: a later marker at the same place as an
    earlier one moves ≈0.2 m north. Display only; the data itself is never changed."""
    seen: dict[tuple[int, int], int] = {}
    out = []
    for df in (projects, meal_points):
        df = df.copy()
        lats = df["lat"].to_numpy(dtype=float, na_value=np.nan).copy()
        lons = df["lon"].to_numpy(dtype=float, na_value=np.nan)
        for i, (la, lo) in enumerate(zip(lats, lons)):
            if not (np.isfinite(la) and np.isfinite(lo)):
                continue
            while (round(la * 1e6), round(lo * 1e6)) in seen:
                la += NUDGE_DEG
            seen[(round(la * 1e6), round(lo * 1e6))] = 1
            lats[i] = la
        df["lat"] = lats
        out.append(df)
    return out[0], out[1]


def marker_positions(
    projects_disp: pd.DataFrame, meals_disp: pd.DataFrame, view: View
) -> list[tuple[str, float, float]]:
    """(selection key, lat, lon) in WGS-84 of every clickable marker of the view."""
    out: list[tuple[str, float, float]] = []
    if "proj" in view.layers and len(projects_disp):
        wide = is_district_wide(projects_disp)
        for pid, la, lo in zip(projects_disp["id"][~wide], projects_disp["lat"][~wide], projects_disp["lon"][~wide]):
            out.append((f"p:{pid}", float(la), float(lo)))
        if wide.any():
            out.append(("dw", *DISTRICT_WIDE_ANCHOR))
    if "meal" in view.layers:
        for mid, la, lo in zip(meals_disp["id"], meals_disp["lat"], meals_disp["lon"]):
            out.append((f"m:{mid}", float(la), float(lo)))
    return out


def match_click(
    click: Mapping | None,
    base: str,
    positions: list[tuple[str, float, float]],
    subdistricts=None,
    tol_m: float = CLICK_TOLERANCE_M,
) -> str | None:
    """The record a click landed on: the nearest marker within ``tol_m`` metres, else the
    subdistrict under the click (if ``subdistricts`` is given), else None."""
    p = click_to_wgs84(click, basemap_datum(base))
    if p is None:
        return None
    lon, lat = p
    if positions:
        d = haversine_m(lon, lat, [q[2] for q in positions], [q[1] for q in positions])
        i = int(np.argmin(d))
        if d[i] <= tol_m:
            return positions[i][0]
    if subdistricts is not None and len(subdistricts):
        pt = shapely.Point(lon, lat)
        hit = subdistricts[subdistricts.geometry.intersects(pt)]
        if len(hit):
            return f"s:{hit['code'].iloc[0]}"
    return None


# ---------------------------------------------------------------- the map


def map_base(view: View, lang: str) -> folium.Map:
    """The constant part of the overview map: the base map and the legend's frame. The
    same script on every run for one language and base, so the iframe is never remounted;
    everything that follows the filters is in :func:`map_layers`."""
    m = base_map(lang, view.base, cluster=True)  # meal points are clustered (map_layers)
    overview_legend(lang, dynamic=True, position="topright").add_to(m)
    return m


def seats(subdistricts) -> dict[str, tuple[float, float]]:
    """{code: (lon, lat)} of each subdistrict's seat (the layer's seat_lon / seat_lat, else the
    seat in geo.data.facts): where a nearby search is centred for a meal point whose own
    position is not real (no origin is known on the overview)."""
    out = {c: (s.lon, s.lat) for c, s in facts.SEAT_BY_CODE.items()}
    if {"seat_lon", "seat_lat"} <= set(subdistricts.columns):
        for code, lon, lat in zip(subdistricts["code"], subdistricts["seat_lon"], subdistricts["seat_lat"]):
            if pd.notna(lon) and pd.notna(lat):
                out[str(code)] = (float(lon), float(lat))
    return out


# Per process, shared by every session: the layers' scripts by (dataset fingerprint,
# language, datum, the filters each layer follows). 8 sectors' subsets x 26 subdistricts x
# a few searches is far more than a crowd uses; the least recently used go first.
LAYER_CACHE: Lru[str] = Lru(max_entries=192)


def _open_key(meals: pd.DataFrame, lang: str) -> tuple:
    """What the meal popups say about opening now (it changes with the clock): part of their key."""
    if "hours" not in meals.columns:
        return ()
    return tuple(open_now(h, lang) for h in meals["hours"] if isinstance(h, str) and h.strip())


def map_layers(ds, view: View, scope: Scope, lang: str) -> list[folium.FeatureGroup]:
    """The feature groups of the overview map (for ``st_folium(feature_group_to_add=...)``):
    **every** record of the dataset, the same for every view of one language and base map,
    so the map's component message never changes with the filters (Streamlit then sends the
    browser a reference to the message it already has). The view is applied in the browser
    from :func:`view_payload` (geo.maps.viewsync). Groups: the subdistricts (tooltips: the
    names; the view's tooltips come with the payload), the projects, the meal points and the
    view script with the legend's default content (everything shown). For a dataset every
    session shares, the layers are files the browser loads once (geo.maps.external).

    Each layer's script is built once per process for its key (:data:`LAYER_CACHE`): the
    dataset's fingerprint, the language and the datum (and, for the meal popups, what they
    say about opening now)."""
    proj_disp, meal_disp = dataset_display_frames(ds)
    datum = basemap_datum(view.base)
    fp = ds.fingerprint
    everything = scope.default_view().with_(base=view.base)
    # shared data: the layers are files the browser loads and keeps (geo.maps.external);
    # a session's upload stays in its own messages
    layer = external_layer if ds.is_shared else script_layer
    groups = [
        layer(LAYER_CACHE, ("sub", fp, lang, datum), lambda: subdistrict_layer(ds.subdistricts, lang, datum), "sub"),
        layer(LAYER_CACHE, ("proj", fp, lang, datum), lambda: project_layer(proj_disp, lang, datum), "proj"),
        layer(
            LAYER_CACHE,
            ("meal", fp, lang, datum, _open_key(ds.meal_points, lang)),
            lambda: meal_point_layer(
                meal_disp,
                lang,
                datum,
                subdistrict_names=subdistrict_names(ds.subdistricts, lang),
                seats=seats(ds.subdistricts),
                cluster=True,
            ),
            "meal",
        ),
        layer(
            LAYER_CACHE,
            ("view", fp, lang),
            lambda: view_sync_group(
                LegendUpdate(_legend_html(ds, everything, ds.projects, ds.meal_points, scope, lang)),
                toggles={k: f"st-key-{layer_key(k)}" for k in LAYER_KEYS},
            ),
            "view",
        ),
    ]
    for i, g in enumerate(groups):
        stable_ids(g, prefix=f"fg{i}x")
    return groups


def _legend_html(
    ds, view: View, projects_shown: pd.DataFrame, meals_shown: pd.DataFrame, scope: Scope, lang: str
) -> str:
    counts = {s: int((projects_shown["sector"] == s).sum()) for s in scope.sector_keys}
    verified = int(meals_shown["location_precision"].map(is_verified).sum()) if len(meals_shown) else 0
    return legend_dynamic_html(ds, view, counts, len(meals_shown), lang, verified)


#: The display frames of a dataset (read only), by fingerprint.
DISPLAY_CACHE: Lru[tuple[pd.DataFrame, pd.DataFrame]] = Lru(max_entries=8)


def dataset_display_frames(ds) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`display_frames` of every project and meal point of ``ds``, once per dataset
    (callers must not change them)."""
    return DISPLAY_CACHE.get(ds.fingerprint, lambda: display_frames(ds.projects, ds.meal_points))


def view_positions(
    ds, view: View, projects_shown: pd.DataFrame, meals_shown: pd.DataFrame
) -> list[tuple[str, float, float]]:
    """(selection key, lat, lon) in WGS-84 of every clickable marker the view shows, at the
    display positions of the map (which holds every record: :func:`map_layers`)."""
    proj_disp, meal_disp = dataset_display_frames(ds)
    proj_ids = set(projects_shown["id"].astype(str))
    meal_ids = set(meals_shown["id"].astype(str))
    return marker_positions(
        proj_disp[proj_disp["id"].astype(str).isin(proj_ids)],
        meal_disp[meal_disp["id"].astype(str).isin(meal_ids)],
        view,
    )


def view_payload(
    ds,
    view: View,
    projects_shown: pd.DataFrame,
    meals_shown: pd.DataFrame,
    scope: Scope,
    lang: str,
    focus: tuple[float, float, int] | None = None,
) -> dict:
    """What the browser applies to the overview map (assets/overview_view.js): ``p`` the
    located projects the filters keep and ``m`` the meal points they keep (escaped ids, as
    the markers carry them; listed even when their layer is off), ``dw`` the district-wide
    anchor's icon and popup for the projects kept (None: none), ``layers`` the layers shown,
    ``sub`` the subdistrict to emphasise, ``tips`` the subdistricts' tooltips, ``legend`` the
    legend's dynamic part (all HTML built and escaped here), ``focus`` ``[lat, lon, zoom]`` in
    the base map's datum or None (leave the map where it is), and ``n`` a short digest of the
    rest (the script marks the view it applied).

    Built once per process for a dataset, language and view (:data:`PAYLOAD_CACHE`): a crowd
    asks for a handful of views."""
    f = (round(focus[0], 6), round(focus[1], 6), int(focus[2])) if focus else None
    key = (ds.fingerprint, lang, tuple(view.sectors), view.subdistrict, view.query, tuple(view.layers), f)
    return PAYLOAD_CACHE.get(key, lambda: _payload(ds, view, projects_shown, meals_shown, scope, lang, f))


PAYLOAD_CACHE: Lru[dict] = Lru(max_entries=512)


def _payload(ds, view, projects_shown, meals_shown, scope, lang, focus) -> dict:
    # the markers and tooltips are listed whether their layer is on or not: a layer's
    # checkbox shows or hides its layer in the browser at once (assets/overview_view.js),
    # with the markers of this view already in it
    wide = is_district_wide(projects_shown)
    dw = None
    if wide.any():
        shown_wide = projects_shown[wide]
        dw = {"icon": district_wide_icon_html(shown_wide, lang), "popup": district_wide_popup_html(shown_wide, lang)}
    payload: dict = {
        "p": [esc(i) for i in projects_shown.loc[~wide, "id"].astype(str)],
        "dw": dw,
        "m": [esc(i) for i in meals_shown["id"].astype(str)],
        "layers": list(view.layers),
        "sub": view.subdistrict,
        "tips": subdistrict_tooltips(ds, projects_shown, meals_shown, view, lang),
        "legend": _legend_html(ds, view, projects_shown, meals_shown, scope, lang),
        "focus": list(focus) if focus else None,
    }
    payload["n"] = hashlib.sha1(_json(payload).encode()).hexdigest()[:12]
    return payload


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def view_html(payload: dict) -> str:
    """The payload as a hidden element of the page (the map's script finds it by its
    ``data-jp-view`` attribute): JSON, escaped for an HTML attribute."""
    return f'<div class="jp-view" hidden data-jp-view="{html.escape(_json(payload), quote=True)}"></div>'


def read_view_html(text: str) -> dict | None:
    """The payload in a page's HTML (what the browser's ``getAttribute`` gives), or None."""
    m = re.search(r'data-jp-view="([^"]*)"', text)
    return json.loads(html.unescape(m.group(1))) if m else None


def map_focus(state: PageState, subdistricts) -> tuple[PageState, tuple[float, float] | None, int | None]:
    """Where the map moves (display centre and zoom, or None to leave it): to the chosen
    subdistrict's seat, or back to the district once a subdistrict has been cleared."""
    datum = basemap_datum(state.base)
    if state.subdistrict:
        row = subdistricts[subdistricts["code"] == state.subdistrict].iloc[0]
        return replace(state, zoomed=True), display_latlon(row["seat_lat"], row["seat_lon"], datum), 12
    if state.zoomed:
        return state, display_latlon(*DISTRICT_CENTER, datum), 9
    return state, None, None


# ---------------------------------------------------------------- escaped HTML


def _list(items: list[str], limit: int, lang: str) -> str:
    # "; " in English: project names may contain commas
    shown = t("ov.tip.sep", lang).join(items[:limit])
    more = len(items) - limit
    return shown + (esc(t("ov.more", lang, n=more)) if more > 0 else "")


def subdistrict_tooltips(
    ds, projects_shown: pd.DataFrame, meals_shown: pd.DataFrame, view: View, lang: str, limit: int = 4
) -> dict[str, str]:
    """Per subdistrict: its name, the meal points and the located projects shown in it."""
    out = {}
    codes_per_project = project_codes(projects_shown)
    wide_n = int(is_district_wide(projects_shown).sum()) if "proj" in view.layers else 0
    for code, name in subdistrict_names(ds.subdistricts, lang).items():
        meals = (
            meals_shown[meals_shown["subdistrict_code"].astype(str) == code]
            if "meal" in view.layers
            else meals_shown.iloc[0:0]
        )
        mnames = [esc(local_name(r, lang)) for _, r in meals.iterrows()]
        projs = (
            [esc(local_name(r, lang)) for (_, r), cs in zip(projects_shown.iterrows(), codes_per_project) if code in cs]
            if "proj" in view.layers
            else []
        )
        parts = [
            f'<div class="jp-tip"><b>{esc(name)}</b>',
            f"<div>{esc(t('ov.tip.meals', lang, n=len(mnames)))}"
            + (f": {_list(mnames, limit, lang)}" if mnames else "")
            + "</div>",
            f"<div>{esc(t('ov.tip.projects', lang, n=len(projs)))}"
            + (f": {_list(projs, limit, lang)}" if projs else "")
            + "</div>",
        ]
        if wide_n:
            parts.append(f'<div class="muted">{esc(t("ov.tip.wide", lang, n=wide_n))}</div>')
        parts.append("</div>")
        out[code] = "".join(parts)
    return out


def legend_dynamic_html(
    ds, view: View, counts_shown: dict[str, int], meals_n: int, lang: str, meals_verified: int | None = None
) -> str:
    """The part of the legend that follows the filters: sectors with the number shown
    (hidden sectors greyed), meal points shown (``meals_verified`` of the ``meals_n`` with
    a checked position, drawn solid; the rest hollow), the clusters, and the active
    subdistrict / search."""
    rows = []
    for k in facts.SECTOR_KEYS:
        if k not in counts_shown:
            continue
        on = "proj" in view.layers and k in view.sectors
        rows.append(
            f'<div class="row{"" if on else " off"}">{sector_svg(k, 18)}<span>{esc(t("sector." + k, lang))}'
            f'</span><span class="cnt">{counts_shown[k] if on else 0}</span></div>'
        )
    on = "meal" in view.layers
    verified = int(meals_verified or 0)  # not given: none is claimed to be checked
    rows += meal_legend_rows(lang, verified=verified, approx=meals_n - verified, on=on)
    if on and meals_n > 1:
        rows.append(cluster_legend_row(lang, approx=verified == 0))
    scope = []
    if view.subdistrict:
        scope.append(esc(subdistrict_names(ds.subdistricts, lang).get(view.subdistrict, view.subdistrict)))
    if view.query:
        scope.append(esc(t("ov.legend.search", lang, q=view.query)))
    if scope:
        rows.append(f'<div class="note scope">{esc(t("ov.legend.scope", lang))}: {" · ".join(scope)}</div>')
    return "".join(rows)


def _val(v, lang: str) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)) or (not isinstance(v, str) and pd.isna(v)) or v == "":
        return t("popup.not_published", lang)
    return str(v)


def _dl(rows: list[tuple[str, str]]) -> str:
    return '<dl class="ovd-dl">' + "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in rows) + "</dl>"


def project_details_html(row, ds, lang: str) -> str:
    names = subdistrict_names(ds.subdistricts, lang)
    codes = [c for c in str(row.get("subdistrict_codes") or "").split(";") if c.strip()]
    where = join_open((names.get(c, c) for c in codes), lang) if codes else t("ov.d.district_wide", lang)
    figs = figure_texts(row, lang)
    fig_txt = "; ".join(figs) if figs else t("popup.not_published", lang)
    note = row.get("figures_note")
    if figs and isinstance(note, str) and note:
        fig_txt += f" ({note})"
    prec = t("precision." + row["location_precision"], lang)
    lnote = row.get("location_note")
    if isinstance(lnote, str) and lnote:
        prec += f" — {lnote}"
    summary = row.get("summary_zh" if lang == "zh" else "summary_en")  # the summary in the reader's language
    status = row.get("status")
    year = row.get("completed_year")
    status_txt = t(f"ov.status.{status}", lang) if isinstance(status, str) else t("popup.not_published", lang)
    if year is not None and not pd.isna(year):
        status_txt += f" ({int(year)})"
    rows = [
        (t("ov.d.sector", lang), t("sector." + row["sector"], lang)),
        (t("ov.d.summary", lang), _val(summary, lang)),
        (t("ov.d.figures", lang), fig_txt),
        (t("ov.d.where", lang), where),
        (t("popup.precision", lang), prec),
        (t("ov.d.status", lang), status_txt),
        (t("ov.d.investment", lang), t("ov.d.investment.none", lang, total=f"{facts.PROGRAMME_TOTAL_YI_YUAN:g}")),
    ]
    return (
        f'<div class="ovd"><div class="ovd-kind">{sector_svg(row["sector"], 22)} {esc(t("ov.d.project", lang))}</div>'
        f'<h3 class="ovd-h">{esc(local_name(row, lang))}</h3>{_dl(rows)}</div>'
    )


def meal_details_html(row, ds, lang: str) -> str:
    """A meal point in the details panel: open now, the ways to it (geo.data.directions: no
    origin is known here, so a nearby search is centred on its subdistrict's seat), what is
    known and what is not."""
    names = subdistrict_names(ds.subdistricts, lang)
    code = str(row["subdistrict_code"])
    ways = directions_html(directions(row, lang, area=seats(ds.subdistricts).get(code)), cls="ovd-dir")
    status = open_now(row.get("hours"), lang)
    kind = row.get("kind")
    rows = [
        (t("popup.subdistrict", lang), names.get(str(row["subdistrict_code"]), str(row["subdistrict_code"]))),
        (
            t("popup.kind", lang),
            t(f"meal.kind.{kind}", lang) if isinstance(kind, str) and kind else t("popup.not_published", lang),
        ),
    ]
    for col in ("address", "hours", "phone", "dine_in", "delivery", "price_note"):
        v = row.get(col) if col in row.index else None
        if isinstance(v, str) and v and col in ("dine_in", "delivery"):
            v = t(f"yesno.{v}", lang)
        rows.append((t(f"meal.{col}", lang), _val(v, lang)))
    rows.append((t("popup.precision", lang), t("meal.precision." + row["location_precision"], lang)))
    for col, key in (("source", "ov.d.source"), ("verified_on", "ov.d.verified")):
        v = row.get(col) if col in row.index else None
        if isinstance(v, str) and v:
            rows.append((t(key, lang), v))
    approx = not is_verified(row["location_precision"])
    tag = f'<span class="ovd-approx">{esc(t("map.meal.approx_tag", lang))}</span> ' if approx else ""
    open_ = f'<p class="ovd-open">{esc(status)}</p>' if status else ""
    return (
        f'<div class="ovd"><div class="ovd-kind">{meal_svg(22, approx=approx)} {tag}{esc(t("ov.d.meal", lang))}</div>'
        f'<h3 class="ovd-h">{esc(local_name(row, lang))}</h3>{open_}{ways}{_dl(rows)}'
        f'<p class="ovd-report">{report_link_html(row["id"], lang)}</p></div>'
    )


def district_wide_details_html(projects_shown: pd.DataFrame, lang: str) -> str:
    wide = projects_shown[is_district_wide(projects_shown)]
    items = []
    for _, r in wide.iterrows():
        figs = figure_texts(r, lang)
        items.append(
            f"<li>{sector_svg(r['sector'], 18)} <b>{esc(local_name(r, lang))}</b>"
            f' <span class="muted">({esc(t("sector." + r["sector"], lang))})</span>'
            + (f"<br><span>{esc('; '.join(figs))}</span>" if figs else "")
            + "</li>"
        )
    return (
        f'<div class="ovd"><h3 class="ovd-h">{esc(t("map.district_wide", lang, n=len(wide)))}</h3>'
        f'<p class="muted">{esc(t("map.district_wide_note", lang))}</p><ul class="ovd-ul">{"".join(items)}</ul></div>'
    )


def subdistrict_details_html(code: str, ds, projects_shown, meals_shown, view: View, lang: str) -> str:
    tip = subdistrict_tooltips(ds, projects_shown, meals_shown, view, lang, limit=50).get(code, "")
    return f'<div class="ovd">{tip}</div>'


def details_html(sel: str | None, ds, projects_shown, meals_shown, view: View, lang: str) -> str | None:
    if not sel:
        return None
    if sel == "dw":
        return district_wide_details_html(projects_shown, lang)
    kind, _, ident = sel.partition(":")
    if kind == "p":
        hit = ds.projects[ds.projects["id"].astype(str) == ident]
        return project_details_html(hit.iloc[0], ds, lang) if len(hit) else None
    if kind == "m":
        hit = ds.meal_points[ds.meal_points["id"].astype(str) == ident]
        return meal_details_html(hit.iloc[0], ds, lang) if len(hit) else None
    if kind == "s" and ident in set(ds.subdistricts["code"].astype(str)):
        return subdistrict_details_html(ident, ds, projects_shown, meals_shown, view, lang)
    return None


def pick_options(projects_shown, meals_shown, view: View, lang: str) -> dict[str, str]:
    """Selection key -> plain-text label, for the list that mirrors the map (no HTML: a widget shows text)."""
    out: dict[str, str] = {}
    if "proj" in view.layers:
        n_wide = int(is_district_wide(projects_shown).sum()) if len(projects_shown) else 0
        if n_wide:
            out["dw"] = t("ov.details.wide_option", lang, n=n_wide)
        for _, r in projects_shown.iterrows():
            out[f"p:{r['id']}"] = f"{facts.SECTOR_BY_KEY[r['sector']].symbol} {local_name(r, lang)}"
    if "meal" in view.layers:
        for _, r in meals_shown.iterrows():
            out[f"m:{r['id']}"] = t("ov.pick.meal", lang, name=local_name(r, lang))
    return out


def pick_list(projects_shown, meals_shown, view: View, names: Mapping[str, str], lang: str) -> dict[str, str]:
    """The options of the list beside the map: :func:`pick_options`, plus the current
    selection when the map does not show it (a subdistrict, or a record filtered out);
    ``names`` are the subdistricts' names ({code: name})."""
    options = pick_options(projects_shown, meals_shown, view, lang)
    sel = view.selection
    if sel and sel not in options:
        kind, _, ident = sel.partition(":")
        options[sel] = t("ov.pick.sub", lang, name=names.get(ident, ident)) if kind == "s" else sel
    return options


# ---------------------------------------------------------------- widget labels


def filters_title(lang: str) -> str:
    """The title of the folded filters: what they hold."""
    return f"{t('ov.filters', lang)}: {t('ov.f.sectors', lang)} · {t('ov.f.layers', lang)} · {t('ov.f.base', lang)}"


def sector_options(counts: Mapping[str, int], scope: Scope, lang: str) -> dict[str, str]:
    """Sector key -> "glyph name (number of projects)", for the sector picker."""
    return {
        k: f"{facts.SECTOR_BY_KEY[k].symbol} {t('sector.' + k, lang)} ({counts.get(k, 0)})" for k in scope.sector_keys
    }


def subdistrict_options(scope: Scope, names: Mapping[str, str], lang: str) -> dict[str, str]:
    """The subdistrict box's options: "" (every subdistrict, with their number), then each code."""
    first = t("ov.f.all_subdistricts.n", lang, n=len(scope.subdistrict_codes))
    return {"": first, **{c: names.get(c, c) for c in scope.subdistrict_codes}}


def base_options(lang: str) -> dict[str, str]:
    """Base map key -> its name."""
    return {b: t(f"map.base.{b}", lang) for b in BASE_KEYS}
