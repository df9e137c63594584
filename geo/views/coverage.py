"""Coverage analysis for planners: the glue between geo.coverage / geo.sites and the page.

Plain Python (no streamlit). The page (pages/coverage.py) reads widgets, calls the
cached core functions and draws what this module builds:

* the view (metric, radius, straight/walking, class scheme) and its validation;
* the what-if list (points a planner adds by tapping the map, typing coordinates or
  adopting suggested sites), in WGS-84;
* the choropleth layer: colours computed here from mapclassify class breaks
  (geo.classify), with a ColorBrewer RdYlBu ramp ordered worst -> best, so that red
  always means under-served (no branca ColorMap: it makes streamlit-folium fetch d3
  from a CDN); escaped tooltips with the value, its unit and the rank among N;
* the gap layer (hatched), the what-if and suggestion layers, the legend HTML;
* the metrics table, the district summary before/after, the exports (CSV with
  formula neutralisation, GeoJSON, and a standalone map HTML with Leaflet inlined
  from the xstatic package so that the file works offline).
"""

from __future__ import annotations

import hashlib
import importlib
import math
from dataclasses import dataclass
from pathlib import Path

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import Element, MacroElement
from jinja2 import Template

from geo.core import coverage as cv
from geo.core import sites
from geo.core.classify import classify
from geo.core.coords import CoordError, parse_coords
from geo.core.coords import click_to_wgs84 as click_to_wgs84  # for the page
from geo.core.datum import wgs84_to_gcj02
from geo.data import export
from geo.data.escape import esc
from geo.data.escape import md_escape as md_escape  # for the page
from geo.data.names import subdistrict_names
from geo.i18n import t
from geo.maps.base import Legend, base_map, basemap_datum, shift_for_display
from geo.maps.base import LegendUpdate as LegendUpdate  # for the page
from geo.maps.base import stable_ids as stable_ids  # for the page

# --------------------------------------------------------------------------- view

METRIC_KEYS = (
    "covered_share",
    "n_points",
    "points_per_10km2",
    "mean_dist_m",
    "p90_dist_m",
    "points_per_10k_60plus",
    "pop_weighted_covered_share",
)
TABLE_METRICS = (
    "n_points",
    "area_km2",
    "points_per_10km2",
    "covered_share",
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
CELL_M = 200  # demand grid for the interactive metrics (≈0.5 s; 100 m takes ≈2 s)
MAX_WHATIF = 30
MAX_K = 10
EXACT_TIME_S = 5.0


@dataclass(frozen=True)
class View:
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


def suggest_cell_m(r_eff: float) -> int:
    """Demand / candidate grid for site suggestion: 200 m below a 600 m radius, 400 m above
    (a 1000 m radius on 200 m cells gives millions of coverage pairs: seconds, no exact solve)."""
    return 200 if r_eff < 600 else 400


# --------------------------------------------------------------------------- dataset fingerprint


def fingerprint(subdistricts: gpd.GeoDataFrame, points: gpd.GeoDataFrame) -> str:
    """A short hash of what the coverage figures depend on (geometry, codes, population,
    points and their subdistrict codes): the cache key of the expensive computations."""
    h = hashlib.sha1()
    for gdf, cols in ((subdistricts, ("code", "pop_total", "pop_60plus")), (points, ("id", "subdistrict_code"))):
        h.update(str(len(gdf)).encode())
        for c in cols:
            if c in gdf.columns:
                h.update(c.encode())
                h.update(pd.util.hash_pandas_object(gdf[c].astype(str), index=False).values.tobytes())
        geom = np.asarray(gdf.geometry.values)
        for b in shapely.to_wkb(geom, output_dimension=2):
            h.update(b or b"")
    return h.hexdigest()[:16]


# --------------------------------------------------------------------------- what-if points


def norm_point(lon: float, lat: float) -> tuple[float, float]:
    return (round(float(lon), 6), round(float(lat), 6))


def district_area(subdistricts: gpd.GeoDataFrame):
    """The district (union of the subdistricts) in WGS-84, prepared for point tests."""
    g = shapely.union_all(np.asarray(subdistricts.to_crs(cv.WGS84).geometry.values))
    shapely.prepare(g)
    return g


def add_point(points: list, lon: float, lat: float, district, max_n: int = MAX_WHATIF) -> tuple[list, str | None]:
    """Append a what-if point; returns (new list, message key or None).

    Refused (list unchanged) outside the district, beyond ``max_n`` points, or when the
    same point (to 1e-6°) is already in the list."""
    p = norm_point(lon, lat)
    pts = [tuple(x) for x in points]
    if district is not None and not shapely.contains_xy(district, p[0], p[1]):
        return pts, "cv.wi.outside"
    if p in pts:
        return pts, "cv.wi.duplicate"
    if len(pts) >= max_n:
        return pts, "cv.wi.too_many"
    return [*pts, p], None


def remove_point(points: list, index: int) -> list:
    return [tuple(p) for i, p in enumerate(points) if i != index]


def parse_candidates(text: str) -> tuple[list[tuple[float, float]], list[int]]:
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


def points_with_whatif(points: gpd.GeoDataFrame, whatif) -> gpd.GeoDataFrame:
    return cv.with_extra_points(points, list(whatif)) if whatif else points


def unavailable_texts(subdistricts: gpd.GeoDataFrame, lang: str) -> dict[str, str]:
    """{metric: why it is unavailable, in words} for the population metrics that cannot be
    computed on this layer (empty when every metric is available)."""
    out = {}
    for metric, why in cv.unavailable_metrics(subdistricts).items():
        cols = " / ".join(why.columns)
        out[metric] = t(f"cv.unavail.{why.reason}", lang, cols=cols, n=why.n_missing, total=why.n_total)
    return out


# --------------------------------------------------------------------------- values and units


def metric_name(metric: str, lang: str) -> str:
    return t(f"cv.metric.{metric}", lang)


def metric_unit(metric: str, lang: str) -> str:
    return t(f"cv.unit.{metric}", lang)


def fmt_value(metric: str, v, lang: str, unit: bool = True) -> str:
    """A metric value as text with its unit ("—" for missing)."""
    if v is None or (isinstance(v, float) and not math.isfinite(v)) or pd.isna(v):
        return t("cv.na", lang)
    v = float(v)
    kind = cv.METRICS[metric].kind
    if kind == "share":
        s = f"{v * 100:.1f}%"
        return s
    if metric == "n_points" or kind == "distance_m":
        s = f"{v:,.0f}"
    elif metric == "area_km2":
        s = f"{v:,.1f}"
    else:
        s = f"{v:,.2f}"
    return f"{s} {metric_unit(metric, lang)}" if unit else s


def fmt_delta(metric: str, d, lang: str) -> str:
    if d is None or pd.isna(d) or abs(float(d)) < 1e-12:
        return "±0"
    d = float(d)
    sign = "+" if d > 0 else "−"
    kind = cv.METRICS[metric].kind
    if kind == "share":
        return f"{sign}{abs(d) * 100:.1f} {t('cv.pp', lang)}"
    return sign + fmt_value(metric, abs(d), lang)


def radius_text(view: View, lang: str) -> str:
    """ "R = 500 m, straight line" or "R = 500 m walk (≈ 385 m straight line, ÷ 1.3)"."""
    if view.mode == "walking":
        return t("cv.radius.walking", lang, r=view.radius_m, eff=f"{view.r_eff:,.0f}", c=cv.CIRCUITY)
    return t("cv.radius.straight", lang, r=view.radius_m)


# --------------------------------------------------------------------------- class colours

# ColorBrewer RdYlBu (colour-blind safe), ordered worst (red) -> best (blue)
RAMPS = {
    1: ["#abd9e9"],
    2: ["#fc8d59", "#91bfdb"],
    3: ["#fc8d59", "#ffffbf", "#91bfdb"],
    4: ["#d7191c", "#fdae61", "#abd9e9", "#2c7bb6"],
    5: ["#d7191c", "#fdae61", "#ffffbf", "#abd9e9", "#2c7bb6"],
    6: ["#d73027", "#fc8d59", "#fee090", "#e0f3f8", "#91bfdb", "#4575b4"],
    7: ["#d73027", "#fc8d59", "#fee090", "#ffffbf", "#e0f3f8", "#91bfdb", "#4575b4"],
}
NO_DATA = "#cfcfcf"


def ramp(n: int, higher_is_better: bool | None) -> list[str]:
    """Colours for classes 0..n-1 (class 0 = lowest values)."""
    if n <= 0:
        return []
    cols = list(RAMPS[min(n, 7)]) if n <= 7 else [RAMPS[7][round(i * 6 / (n - 1))] for i in range(n)]
    return cols if higher_is_better is not False else cols[::-1]


@dataclass
class Choropleth:
    metric: str
    scheme: str
    values: pd.Series  # by code
    classes: pd.Series  # by code, -1 = no data
    colors: pd.Series  # by code
    bins: list[float]
    labels: dict  # lang -> class labels
    class_colors: list[str]
    counts: list[int]
    ranks: pd.Series  # by code (Int64; 1 = best)
    underserved: pd.Series  # by code (bool)
    available: bool
    reason: str = ""
    fallback: bool = False  # policy breaks asked for a metric without policy thresholds

    @property
    def n(self) -> int:
        return len(self.values)


def _class_labels(metric: str, bins: list[float], lowest: float, lang: str) -> list[str]:
    kind = cv.METRICS[metric].kind
    out, lo = [], lowest
    whole = all(abs(x * 100 - round(x * 100)) < 1e-9 for x in [*list(bins), lowest])
    nd = 0 if whole else 1
    for b in bins:
        if kind == "share":
            out.append(f"{lo * 100:.{nd}f}–{b * 100:.{nd}f}%")
        else:
            a, z = fmt_value(metric, lo, lang, unit=False), fmt_value(metric, b, lang, unit=False)
            out.append(f"{a} – {z}" if a != z else a)
        lo = b
    return out


def choropleth(
    metrics: pd.DataFrame, metric: str, scheme: str = "quantiles", k: int = 5, unavailable: dict | None = None
) -> Choropleth:
    """Class breaks, colours, ranks and under-served flags of ``metric`` per subdistrict.

    Under-served: in the worst class (red on the map) or without any meal point."""
    values = metrics[metric].astype(float)
    hib = cv.METRICS[metric].higher_is_better
    reason = (unavailable or {}).get(metric, "")
    bins, cls = classify(values.to_numpy(), scheme, k, kind=metric)
    classes = pd.Series(cls, index=metrics.index)
    n_cls = len(bins)
    cols = ramp(n_cls, hib)
    colors = pd.Series([cols[c] if c >= 0 else NO_DATA for c in cls], index=metrics.index)
    finite = values[np.isfinite(values)]
    kind = cv.METRICS[metric].kind
    if scheme == "policy" and kind in ("share", "distance_m"):
        lowest = 0.0
    else:
        lowest = float(finite.min()) if len(finite) else 0.0
    labels = {lg: _class_labels(metric, bins, lowest, lg) for lg in ("zh", "en")}
    counts = [int((cls == i).sum()) for i in range(n_cls)]
    ranks = cv.rank_metrics(metrics, [metric])[f"rank_{metric}"]
    worst = (0 if hib is not False else n_cls - 1) if n_cls else None
    under = (classes == worst) if worst is not None else pd.Series(False, index=metrics.index)
    under = under | (metrics["n_points"] == 0)
    ch = Choropleth(
        metric=metric,
        scheme=scheme,
        values=values,
        classes=classes,
        colors=colors,
        bins=bins,
        labels=labels,
        class_colors=cols,
        counts=counts,
        ranks=ranks,
        underserved=under.astype(bool),
        available=bool(len(finite)),
        reason=reason,
        fallback=scheme == "policy" and kind not in ("share", "distance_m"),
    )
    return ch


def class_labels(ch: Choropleth, lang: str) -> list[str]:
    return ch.labels["zh" if lang == "zh" else "en"]


# --------------------------------------------------------------------------- names, tooltips


def tooltips(ch: Choropleth, nm: dict[str, str], lang: str, delta: pd.Series | None = None) -> dict[str, str]:
    """Escaped tooltip HTML per code: name, value with unit, rank among N, change."""
    out = {}
    n_ranked = int(ch.ranks.notna().sum())
    for code in ch.values.index:
        v = ch.values[code]
        parts = [
            f'<div class="jp-tip"><b>{esc(nm.get(code, code))}</b>',
            f"<div>{esc(metric_name(ch.metric, lang))}: <b>{esc(fmt_value(ch.metric, v, lang))}</b></div>",
        ]
        r = ch.ranks.get(code)
        if r is not None and not pd.isna(r):
            parts.append(f"<div>{esc(t('cv.tip.rank', lang, r=int(r), n=n_ranked))}</div>")
        elif ch.reason:
            parts.append(f'<div class="muted">{esc(t("cv.unavailable.short", lang))}</div>')
        if delta is not None and code in delta.index and not pd.isna(delta[code]) and abs(float(delta[code])) > 1e-12:
            parts.append(f"<div>{esc(t('cv.tip.change', lang, d=fmt_delta(ch.metric, delta[code], lang)))}</div>")
        if bool(ch.underserved.get(code, False)):
            parts.append(f"<div><b>{esc(t('cv.underserved', lang))}</b></div>")
        parts.append("</div>")
        out[code] = "".join(parts)
    return out


# --------------------------------------------------------------------------- map layers

HATCH_ID = "jp-hatch"


class HatchDefs(MacroElement):
    """An SVG pattern (diagonal hatch) that the gap polygons use as their fill; added to the
    constant base map (its script never changes)."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function(){
  if (document.getElementById('"""
        + HATCH_ID
        + """')) { return; }
  var d = document.createElement('div');
  d.setAttribute('aria-hidden', 'true');
  d.innerHTML = '<svg width="0" height="0" style="position:absolute"><defs>'
    + '<pattern id=\""""
        + HATCH_ID
        + """\" patternUnits="userSpaceOnUse" width="8" height="8" patternTransform="rotate(45)">'
    + '<rect width="8" height="8" fill="rgba(40,40,40,0.06)"/>'
    + '<line x1="0" y1="0" x2="0" y2="8" stroke="#222" stroke-width="1.4" stroke-opacity="0.5"/></pattern></defs></svg>';
  document.body.appendChild(d);
})();
{% endmacro %}
"""
    )

    def __init__(self):
        super().__init__()
        self._name = "JpHatch"


PAGE_MAP_CSS = """
<style>
.cv-wi { width: 22px; height: 22px; border-radius: 50%; background: #6A1B9A; border: 3px solid #fff;
  box-shadow: 0 0 0 2px #6A1B9A; color: #fff; font: 700 12px/22px sans-serif; text-align: center; }
.cv-sg { width: 24px; height: 24px; background: #E65100; border: 2px solid #fff; transform: rotate(45deg);
  box-shadow: 0 0 0 2px #E65100; }
.cv-sg span { display: block; transform: rotate(-45deg); color: #fff; font: 700 12px/24px sans-serif; text-align: center; }
.cv-legend .row { display: flex; align-items: center; gap: 6px; }
.cv-legend .sw { display: inline-block; width: 18px; height: 14px; border: 1px solid #555; flex: none; }
.cv-legend .cnt { margin-left: auto; padding-left: 8px; font-variant-numeric: tabular-nums; color: #333; }
.cv-legend .sub { font-size: 12px; color: #222; margin: 0 0 4px 0; }
.cv-legend { max-width: 210px; }
.cv-legend h5 { margin: 2px 0; font-size: 13px; }
</style>
"""


class _PageCss(MacroElement):
    _template = Template("""{% macro header(this, kwargs) %}""" + PAGE_MAP_CSS + """{% endmacro %}""")


def planner_base_map(lang: str, base: str = "blank") -> folium.Map:
    """The constant map of the page: base_map + hatch pattern + page CSS + a dynamic legend
    whose content comes from :func:`legend_html` through a LegendUpdate."""
    m = base_map(lang, base)
    _PageCss().add_to(m)
    HatchDefs().add_to(m)
    Legend(t("legend.title", lang), "", position="topright", dynamic=True).add_to(m)
    return m


def _geojson_str(gdf: gpd.GeoDataFrame) -> str:
    return gdf.to_json(drop_id=True)


def choropleth_layer(
    subdistricts: gpd.GeoDataFrame, ch: Choropleth, tips: dict[str, str], base: str, name: str = "choropleth"
) -> folium.FeatureGroup:
    fg = folium.FeatureGroup(name=name)
    gdf = subdistricts[["code", "geometry"]].copy()
    gdf["code"] = gdf["code"].astype(str)
    gdf = shift_for_display(gdf, base)
    gdf["tip"] = [tips.get(c, "") for c in gdf["code"]]
    gdf["fill"] = [ch.colors.get(c, NO_DATA) for c in gdf["code"]]
    gdf["under"] = [bool(ch.underserved.get(c, False)) for c in gdf["code"]]
    styles = {
        c: {
            "color": "#111" if u else "#37474F",
            "weight": 3.5 if u else 1.2,
            "fillColor": f,
            "fillOpacity": 0.72,
            "opacity": 1,
        }
        for c, f, u in zip(gdf["code"], gdf["fill"], gdf["under"])
    }
    folium.GeoJson(
        _geojson_str(gdf[["code", "tip", "geometry"]]),
        name="choropleth",
        style_function=lambda f, s=styles: s[f["properties"]["code"]],
        highlight_function=lambda _f: {"weight": 4, "color": "#000"},
        tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False, sticky=True),
    ).add_to(fg)
    return fg


def gap_layer(gap_geojson: str | None, base: str, name: str = "gap") -> folium.FeatureGroup:
    """The area farther than R from every meal point (incl. what-if points), hatched."""
    fg = folium.FeatureGroup(name=name)
    if not gap_geojson:
        return fg
    g = shapely.from_geojson(gap_geojson)
    if g is None or shapely.is_empty(g):
        return fg
    gdf = gpd.GeoDataFrame({"k": ["gap"]}, geometry=[g], crs=cv.WGS84)
    gdf = shift_for_display(gdf, base)
    folium.GeoJson(
        _geojson_str(gdf),
        name="gap",
        style_function=lambda _f: {
            "color": "#222",
            "weight": 0.8,
            "opacity": 0.7,
            "dashArray": "3 3",
            "fillColor": f"url(#{HATCH_ID})",
            "fillOpacity": 1,
            "className": "cv-gap",
        },
        interactive=False,
    ).add_to(fg)
    return fg


def _ll(lon: float, lat: float, base: str) -> tuple[float, float]:
    if basemap_datum(base) == "gcj02":
        lon, lat = wgs84_to_gcj02(lon, lat)
    return float(lat), float(lon)


def whatif_layer(whatif, view: View, lang: str, name: str = "whatif") -> folium.FeatureGroup:
    fg = folium.FeatureGroup(name=name)
    for i, (lon, lat) in enumerate(whatif, start=1):
        ll = _ll(lon, lat, view.base)
        folium.Circle(
            ll, radius=view.r_eff, color="#6A1B9A", weight=2, dash_array="6 4", fill=False, interactive=False
        ).add_to(fg)
        folium.Marker(
            ll,
            icon=folium.DivIcon(
                html=f'<div class="cv-wi" data-i="{i}">{i}</div>',
                icon_size=(28, 28),
                icon_anchor=(14, 14),
                class_name="jp-icon",
            ),
            tooltip=folium.Tooltip(esc(t("cv.wi.tip", lang, i=i, lat=f"{lat:.5f}", lon=f"{lon:.5f}"))),
            z_index_offset=2000,
        ).add_to(fg)
    return fg


def suggestion_layer(
    sg: gpd.GeoDataFrame | None, view: View, lang: str, nm: dict[str, str], name: str = "suggestions"
) -> folium.FeatureGroup:
    fg = folium.FeatureGroup(name=name)
    if sg is None or not len(sg):
        return fg
    for _, r in sg.iterrows():
        ll = _ll(r["lon"], r["lat"], view.base)
        folium.Circle(
            ll, radius=view.r_eff, color="#E65100", weight=2, fill=True, fill_opacity=0.08, interactive=False
        ).add_to(fg)
        sub = r.get("subdistrict_code")
        tip = t(
            "cv.sg.tip",
            lang,
            rank=int(r["rank"]),
            sub=nm.get(str(sub), t("cv.na", lang)) if isinstance(sub, str) else t("cv.na", lang),
            lat=f"{r['lat']:.5f}",
            lon=f"{r['lon']:.5f}",
        )
        folium.Marker(
            ll,
            icon=folium.DivIcon(
                html=f'<div class="cv-sg" data-rank="{int(r["rank"])}"><span>{int(r["rank"])}</span></div>',
                icon_size=(28, 28),
                icon_anchor=(14, 14),
                class_name="jp-icon",
            ),
            tooltip=folium.Tooltip(esc(tip)),
            z_index_offset=1500,
        ).add_to(fg)
    return fg


def meal_layer(points: gpd.GeoDataFrame, lang: str, base: str, nm: dict[str, str]) -> folium.FeatureGroup:
    """Existing meal points as light circles (the choropleth stays readable), with the name
    and subdistrict as an escaped tooltip. A tap on a circle does not add a what-if point."""
    fg = folium.FeatureGroup(name="meal")
    col = "name_zh" if lang == "zh" else "name_en"
    for _, r in points.iterrows():
        if pd.isna(r.get("lat")) or pd.isna(r.get("lon")):
            continue
        sub = nm.get(str(r.get("subdistrict_code")), "")
        tip = f"<b>{esc(r.get(col, ''))}</b>" + (f"<br>{esc(sub)}" if sub else "")
        folium.CircleMarker(
            _ll(r["lon"], r["lat"], base),
            radius=5,
            color="#ffffff",
            weight=1.5,
            fill=True,
            fill_color="#1B5E20",
            fill_opacity=1,
            tooltip=folium.Tooltip(tip),
            bubbling_mouse_events=False,
            class_name="cv-meal",
        ).add_to(fg)
    return fg


def legend_html(
    ch: Choropleth, view: View, lang: str, n_whatif: int = 0, n_sugg: int = 0, show_gap: bool = True
) -> str:
    """The legend content: metric, R and straight/walking, class breaks with units and
    counts, no data, under-served outline, gap hatch, symbols."""
    title = metric_name(ch.metric, lang)
    unit = metric_unit(ch.metric, lang)
    rows = [
        f'<div class="cv-legend" data-metric="{esc(ch.metric)}" data-scheme="{esc(ch.scheme)}">',
        f"<h5>{esc(title)}</h5>",
        f'<div class="sub">{esc(t("cv.legend.unit", lang, unit=unit))} · {esc(radius_text(view, lang))}</div>',
        f'<div class="sub">{esc(t("cv.legend.scheme", lang, s=t("cv.scheme." + ch.scheme, lang)))}'
        + (f" ({esc(t('cv.scheme.fallback.short', lang))})" if ch.fallback else "")
        + "</div>",
    ]
    if not ch.available:
        rows.append(f'<div class="sub"><b>{esc(t("cv.unavailable.short", lang))}</b></div>')
    labels = class_labels(ch, lang)
    # best class first, so the list reads from good to poor
    order = (
        range(len(labels) - 1, -1, -1)
        if ch.class_colors and cv.METRICS[ch.metric].higher_is_better is not False
        else range(len(labels))
    )
    for i in order:
        rows.append(
            f'<div class="row cv-class" data-class="{i}"><span class="sw" style="background:{ch.class_colors[i]}"></span>'
            f'<span>{esc(labels[i])}</span><span class="cnt">{ch.counts[i]}</span></div>'
        )
    n_na = int((ch.classes < 0).sum())
    if n_na:
        rows.append(
            f'<div class="row cv-class" data-class="-1"><span class="sw" style="background:{NO_DATA}"></span>'
            f'<span>{esc(t("cv.na.long", lang))}</span><span class="cnt">{n_na}</span></div>'
        )
    rows.append(
        f'<div class="row"><span class="sw" style="background:#fff;border:3px solid #111"></span>'
        f"<span>{esc(t('cv.legend.underserved', lang))}</span></div>"
    )
    if show_gap:
        rows.append(
            '<div class="row"><svg width="18" height="14" aria-hidden="true" style="border:1px solid #555;flex:none">'
            '<rect width="18" height="14" fill="#eee"/><path d="M-2 4 L4 -2 M-2 10 L10 -2 M-2 16 L16 -2 M4 16 L20 0 M10 16 L20 6" '
            'stroke="#222" stroke-width="1.6"/></svg>'
            f"<span>{esc(t('cv.legend.gap', lang))}</span></div>"
        )
    rows.append(
        '<div class="row"><svg width="18" height="14" aria-hidden="true"><circle cx="9" cy="7" r="5" fill="#1B5E20" '
        f'stroke="#fff" stroke-width="1.5"/></svg><span>{esc(t("layer.meal_points", lang))}</span></div>'
    )
    if n_whatif:
        rows.append(
            f'<div class="row"><div class="cv-wi" style="width:14px;height:14px;line-height:14px;font-size:9px">1</div>'
            f"<span>{esc(t('cv.legend.whatif', lang, n=n_whatif))}</span></div>"
        )
    if n_sugg:
        rows.append(
            f'<div class="row"><div class="cv-sg" style="width:14px;height:14px"></div>'
            f"<span>{esc(t('cv.legend.sugg', lang, n=n_sugg))}</span></div>"
        )
    rows.append(f'<div class="note">{esc(t("note.schematic_short", lang))}</div></div>')
    return "".join(rows)


# --------------------------------------------------------------------------- summary and table

SUMMARY_KEYS = ("covered_area_km2", "covered_share", "subdistricts_with_points", "points_total")


def summary_cards(after: dict, before: dict | None, lang: str) -> list[tuple[str, str, str, str]]:
    """(key, label, value, change) for the district figures; change is "" without what-if."""

    def val(s: dict, key: str) -> str:
        if key == "covered_area_km2":
            return f"{s['covered_area_km2']:,.1f} km²"
        if key == "covered_share":
            return f"{s['covered_share'] * 100:.2f}%"
        if key == "subdistricts_with_points":
            return f"{s['subdistricts_with_points']} / {s['subdistricts_total']}"
        return f"{s['points_total']}"

    out = []
    for key in SUMMARY_KEYS:
        ch = ""
        if before is not None:
            d = after[key] - before[key]
            if key == "covered_area_km2":
                ch = f"{d:+,.2f} km²"
            elif key == "covered_share":
                ch = f"{d * 100:+.2f} {t('cv.pp', lang)}"
            else:
                ch = f"{d:+d}"
        out.append((key, t(f"cv.sum.{key}", lang), val(after, key), ch))
    return out


def summary_html(after: dict, before: dict | None, view: View, lang: str) -> str:
    cards = []
    for key, label, value, change in summary_cards(after, before, lang):
        note = f'<div class="cvk-n">{esc(t("cv.sum.change", lang, d=change))}</div>' if change else ""
        cards.append(
            f'<div class="cvk" data-key="{key}"><div class="cvk-v">{esc(value)}</div>'
            f'<div class="cvk-l">{esc(label)}</div>{note}</div>'
        )
    cap = t("cv.sum.caption", lang, r=radius_text(view, lang))
    return (
        f'<div class="cvk-strip" role="group" aria-label="{esc(t("cv.sum.aria", lang))}">{"".join(cards)}</div>'
        f'<div class="cvk-cap">{esc(cap)}</div>'
    )


SUMMARY_CSS = """<style>
.cvk-strip{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:8px;margin:2px 0 2px 0}
.cvk{border:1px solid #c9d1d9;border-radius:8px;padding:6px 10px;background:#f7f9fb;min-width:0}
.cvk-v{font-size:1.45rem;font-weight:700;line-height:1.2;color:#111;font-variant-numeric:tabular-nums}
.cvk-l{font-size:0.95rem;color:#222;line-height:1.3}.cvk-n{font-size:0.85rem;color:#4a148c;font-weight:700;line-height:1.3}
.cvk-cap{font-size:0.85rem;color:#333;margin:2px 0 6px 0}
@media (max-width:640px){.cvk-strip{grid-template-columns:repeat(2,minmax(0,1fr));gap:5px}.cvk{padding:4px 6px}
.cvk-v{font-size:1.1rem}.cvk-l{font-size:0.8rem}}
</style>"""


def metrics_table(
    subdistricts: gpd.GeoDataFrame,
    after: pd.DataFrame,
    ch: Choropleth,
    lang: str,
    before: pd.DataFrame | None = None,
    unavailable: dict | None = None,
) -> pd.DataFrame:
    """Per-subdistrict table, worst first on the chosen metric (missing values last).

    Columns (translated headers): name, code, the chosen metric, its rank, under-served,
    its change (with what-if), then every available metric. Shares are in percent."""
    nm = subdistrict_names(subdistricts, lang)
    m = ch.metric
    unavailable = unavailable or {}
    df = pd.DataFrame(index=after.index)
    df[t("cv.col.name", lang)] = [nm.get(c, c) for c in after.index]
    df[t("cv.col.code", lang)] = list(after.index)
    pct = lambda metric, s: s * 100 if cv.METRICS[metric].kind == "share" else s  # noqa: E731

    def header(metric):
        u = "%" if cv.METRICS[metric].kind == "share" else metric_unit(metric, lang)
        return f"{metric_name(metric, lang)} ({u})"

    df[header(m)] = pct(m, after[m].astype(float))
    df[t("cv.col.rank", lang)] = ch.ranks.reindex(after.index)
    df[t("cv.col.underserved", lang)] = [t("cv.yes", lang) if u else "" for u in ch.underserved.reindex(after.index)]
    if before is not None:
        df[t("cv.col.change", lang, m=metric_name(m, lang))] = pct(
            m, (after[m] - before[m].reindex(after.index)).astype(float)
        )
    for metric in TABLE_METRICS:
        if metric == m or (
            after[metric].isna().all() and (metric in unavailable or cv.METRICS[metric].needs_population)
        ):
            continue
        df[header(metric)] = pct(metric, after[metric].astype(float))
    hib = cv.METRICS[m].higher_is_better
    key = after[m].astype(float)
    order = key.sort_values(ascending=hib is not False, na_position="last", kind="stable").index
    out = df.loc[order].reset_index(drop=True)
    out.attrs["underserved_col"] = t("cv.col.underserved", lang)
    fmts = {}
    for metric in TABLE_METRICS:
        h = header(metric)
        if h in out.columns:
            kind = cv.METRICS[metric].kind
            fmts[h] = (
                "{:.1f}"
                if kind == "share"
                else "{:,.0f}"
                if kind in ("count", "distance_m")
                else "{:,.1f}"
                if kind == "area"
                else "{:,.2f}"
            )
    chg = t("cv.col.change", lang, m=metric_name(m, lang))
    if chg in out.columns:
        fmts[chg] = "{:+.1f}" if cv.METRICS[m].kind == "share" else "{:+,.2f}"
    out.attrs["formats"] = fmts
    return out


def table_csv(df: pd.DataFrame) -> bytes:
    """The metrics table as CSV (UTF-8 with BOM, formula-like cells neutralised)."""
    return export.table_csv(df)


# --------------------------------------------------------------------------- suggestions


@dataclass
class SuggestRequest:
    k: int = 3
    weights: str = "area"  # or "population"
    candidates: tuple = ()  # () = grid cells; else ((lon, lat), ...)
    focus: tuple = ()  # subdistrict codes to restrict demand and grid candidates to; () = all


def focus_subdistricts(subdistricts: gpd.GeoDataFrame, focus) -> gpd.GeoDataFrame:
    if not focus:
        return subdistricts
    sel = subdistricts[subdistricts["code"].astype(str).isin(set(map(str, focus)))]
    return sel if len(sel) else subdistricts


def suggest(
    subdistricts: gpd.GeoDataFrame,
    points: gpd.GeoDataFrame,
    view: View,
    req: SuggestRequest,
    exact: bool,
    time_limit_s: float = EXACT_TIME_S,
) -> sites.SiteSuggestion:
    """geo.core.sites.suggest_sites for the view (points include the what-if points).

    The quick answer uses greedy's own bounds (online submodular / total) and no LP bound
    (measured: 3 s at R = 1000 m with what-if points); the exact solve supplies the proof.

    The demand of a focus selection is its subdistricts only; the subdistrict codes of the
    sites are then looked up again in the whole district."""
    sub = focus_subdistricts(subdistricts, req.focus)
    cell = suggest_cell_m(view.r_eff)
    cands = np.asarray(req.candidates, dtype=float).reshape(-1, 2) if req.candidates else None
    res = sites.suggest_sites(
        sub,
        points,
        int(req.k),
        view.radius_m,
        view.mode,
        cell_m=cell,
        candidates=cands,
        weights=req.weights,
        time_limit_s=time_limit_s,
        run_exact=exact,
        swap_time_s=1.0,
        lp_bound=False,
    )  # the LP bound can take seconds; the exact solve proves instead
    if len(res.sites):
        res.sites["subdistrict_code"] = cv.assign_points(subdistricts, res.sites[["geometry"]], "spatial").to_numpy()
    return res


def weight_unit(res: sites.SiteSuggestion, subdistricts: gpd.GeoDataFrame, lang: str) -> str:
    if res.weights == "area":
        return "km²"
    basis = cv.population_basis(subdistricts)
    return t("cv.sg.unit.pop60" if basis == "pop_60plus" else "cv.sg.unit.pop", lang)


def _fmt_w(v: float, unit: str) -> str:
    return f"{v:,.2f} {unit}" if unit == "km²" else f"{v:,.0f} {unit}"


def _pct(g: float) -> str:
    if not math.isfinite(g):
        return "∞"
    return f"{g * 100:.2f}%"


def status_lines(res: sites.SiteSuggestion, unit: str, lang: str) -> list[tuple[str, str]]:
    """(level, text) lines: the greedy answer with its bound, then the exact solve's true status."""
    g = res.greedy
    best_quick = res.improved if res.improved is not None and res.improved.objective > g.objective else g
    lines = [
        (
            "info",
            t(
                "cv.sg.greedy",
                lang,
                obj=_fmt_w(best_quick.objective, unit),
                bound=_fmt_w(g.bound, unit),
                gap=_pct(
                    max(0.0, (g.bound - best_quick.objective) / best_quick.objective)
                    if best_quick.objective > 0
                    else (0.0 if g.bound <= 1e-12 else math.inf)
                ),
                ms=f"{g.seconds * 1000:,.0f}",
            ),
        )
    ]
    if res.greedy.proven:
        lines.append(("success", t("cv.sg.greedy_proven", lang)))
    ex = res.exact
    if ex is None:
        return lines
    if ex.status == "optimal":
        lines.append(("success", t("cv.sg.exact.optimal", lang, obj=_fmt_w(ex.objective, unit), s=f"{ex.seconds:.2f}")))
    elif ex.status == "time_limit":
        lines.append(
            (
                "warning",
                t(
                    "cv.sg.exact.time_limit",
                    lang,
                    obj=_fmt_w(ex.objective, unit),
                    bound=_fmt_w(ex.bound, unit),
                    gap=_pct(ex.gap),
                    s=f"{ex.seconds:.1f}",
                ),
            )
        )
    elif ex.status == "skipped":
        lines.append(("warning", t("cv.sg.exact.skipped", lang)))
    else:
        lines.append(("error", t("cv.sg.exact.error", lang, msg=str(ex.message)[:200])))
    return lines


def suggestion_table(res: sites.SiteSuggestion, nm: dict[str, str], unit: str, lang: str) -> pd.DataFrame:
    s = res.sites
    return pd.DataFrame(
        {
            t("cv.sg.col.rank", lang): s["rank"].astype(int).to_numpy(),
            t("cv.sg.col.sub", lang): [
                nm.get(str(c), t("cv.na", lang)) if isinstance(c, str) else t("cv.na", lang)
                for c in s["subdistrict_code"]
            ],
            t("cv.sg.col.lat", lang): s["lat"].round(6).to_numpy(),
            t("cv.sg.col.lon", lang): s["lon"].round(6).to_numpy(),
            t("cv.sg.col.area", lang): s["marginal_area_km2"].round(3).to_numpy(),
            t("cv.sg.col.weight", lang, u=unit): s["marginal_weight"].round(3).to_numpy(),
        }
    )


def suggestions_export(res: sites.SiteSuggestion, nm: dict[str, str], view: View) -> gpd.GeoDataFrame:
    """The sites with the context a file needs (radius, mode, weights, status, names)."""
    s = res.sites.copy()
    s["subdistrict_name"] = [nm.get(str(c), "") if isinstance(c, str) else "" for c in s["subdistrict_code"]]
    s["radius_m"] = view.radius_m
    s["mode"] = view.mode
    s["effective_radius_m"] = round(view.r_eff, 1)
    s["weights"] = res.weights
    s["status"] = res.exact.status if res.exact is not None and res.source == "exact" else res.source
    s["datum"] = "WGS-84"
    return s


def suggestions_csv(gdf: gpd.GeoDataFrame) -> bytes:
    return export.suggestions_csv(gdf)


def suggestions_geojson(gdf: gpd.GeoDataFrame) -> bytes:
    return export.suggestions_geojson(gdf)


# --------------------------------------------------------------------------- standalone HTML


def _leaflet_assets() -> tuple[str, str]:
    base = Path(importlib.import_module("xstatic.pkg.leaflet").BASE_DIR)
    js = (base / "leaflet.js").read_text(encoding="utf-8")
    css = (base / "leaflet.css").read_text(encoding="utf-8")
    return js.replace("</script", "<\\/script"), css.replace("</style", "<\\/style")


def export_map_html(layers: list[folium.FeatureGroup], legend: str, lang: str, base: str, title: str) -> bytes:
    """A standalone HTML file of the current map that works offline: Leaflet's JS and CSS are
    inlined from the xstatic-leaflet package (no CDN, no /app/static URL). Tiles of an
    online base map still need the internet; the blank base needs nothing."""
    m = base_map(lang, base)
    m.default_js = []
    m.default_css = []
    js, css = _leaflet_assets()
    root = m.get_root()
    root.header.add_child(
        Element(f"<title>{esc(title)}</title><style>{css}</style><script>{js}</script>"),
        name="jp_leaflet_inline",
        index=0,
    )
    _PageCss().add_to(m)
    HatchDefs().add_to(m)
    for fg in layers:
        fg.add_to(m)
    Legend(t("legend.title", lang), legend, position="bottomright", collapse_below=0).add_to(m)
    return root.render().encode("utf-8")
