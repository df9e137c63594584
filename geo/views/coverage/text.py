"""The coverage page's words and numbers: values with units, changes, R, the district
summary, the suggestion status, the unavailable-metric reasons, the labels of the controls
and the short texts the page shows (messages, notices, the what-if and under-served lists).

Plain text for Streamlit (``md_escape`` where it is markdown) or escaped HTML (``esc``)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import geopandas as gpd
import pandas as pd

from geo.core import coverage as cv
from geo.core import sites
from geo.data.escape import esc, md_escape
from geo.data.facts import CENSUS_2020
from geo.i18n import join_open, t
from geo.views.coverage.analysis import points_with_whatif, suggest_cell_m
from geo.views.coverage.state import (
    BASES,
    CANDIDATE_MODES,
    CLASS_COUNTS,
    METRIC_KEYS,
    MODES,
    RADII,
    SCHEMES,
    WEIGHTS,
    Message,
    View,
)

if TYPE_CHECKING:
    from geo.views.coverage.classes import Choropleth

Line = tuple[str, str]  # (level: info / success / warning / error / caption, text)


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
        return f"{v * 100:.1f}%"
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


def unavailable_texts(subdistricts: gpd.GeoDataFrame, lang: str) -> dict[str, str]:
    """{metric: why it is unavailable, in words} for the population metrics that cannot be
    computed on this layer (empty when every metric is available)."""
    out = {}
    for metric, why in cv.unavailable_metrics(subdistricts).items():
        cols = " / ".join(why.columns)
        out[metric] = t(f"cv.unavail.{why.reason}", lang, cols=cols, n=why.n_missing, total=why.n_total)
    return out


# --------------------------------------------------------------------------- controls


# widget key -> translation key of its label
WIDGET_LABELS = {
    "cv_metric": "cv.c.metric",
    "cv_radius": "cv.c.radius",
    "cv_mode": "cv.c.mode",
    "cv_scheme": "cv.c.scheme",
    "cv_k": "cv.c.k",
    "cv_base": "cv.c.base",
    "cv_sg_weights": "cv.sg.weights",
    "cv_sg_focus": "cv.sg.focus",
    "cv_sg_cmode": "cv.sg.cands",
}


def widget_options(
    lang: str, unavailable: dict[str, str], view: View, nm: dict[str, str], codes: list[str], population_ok: bool
) -> dict[str, dict]:
    """{widget key: {option: label}} for the page's choice widgets, in the order shown (the
    options are the keys; ``.get`` is the format_func). Population weights are offered only
    with population figures; the focus options are the subdistrict codes."""
    cell = suggest_cell_m(view.r_eff)
    return {
        "cv_metric": {
            m: t("cv.metric.unavailable", lang, name=metric_name(m, lang)) if m in unavailable else metric_name(m, lang)
            for m in METRIC_KEYS
        },
        "cv_radius": {r: f"{r} m" for r in RADII},
        "cv_mode": {m: t(f"cv.mode.{m}", lang) for m in MODES},
        "cv_scheme": {s: t(f"cv.scheme.{s}", lang) for s in SCHEMES},
        "cv_k": {k: str(k) for k in CLASS_COUNTS},
        "cv_base": {b: t(f"map.base.{b}", lang) for b in BASES},
        "cv_sg_weights": {w: t(f"cv.sg.weights.{w}", lang) for w in (WEIGHTS if population_ok else WEIGHTS[:1])},
        "cv_sg_focus": {c: nm.get(c, c) for c in codes},
        "cv_sg_cmode": {
            c: t("cv.sg.cands.grid", lang, cell=cell) if c == "grid" else t("cv.sg.cands.list", lang)
            for c in CANDIDATE_MODES
        },
    }


# --------------------------------------------------------------------------- short texts


def message_line(message: Message, lang: str) -> Line:
    """What a callback said, as (level, text)."""
    key, n = message
    level = "success" if key in ("cv.wi.added", "cv.sg.adopted") else "warning"
    params = {"i": n} if key == "cv.wi.added" else {"n": n} if key == "cv.sg.adopted" else {}
    return level, t(key, lang, **params)


def unavailable_line(view: View, ch: Choropleth, unavailable: dict[str, str], lang: str) -> Line | None:
    """Why the chosen metric is unavailable (a warning when nothing could be computed)."""
    if view.metric not in unavailable:
        return None
    why = unavailable[view.metric]
    if not ch.available:
        return "warning", f"**{t('cv.unavailable.title', lang)}** — {why} {t('cv.unavailable.how', lang)}"
    return "info", f"**{metric_name(view.metric, lang)}** — {why} "


def whatif_items(
    whatif, subdistricts: gpd.GeoDataFrame, points: gpd.GeoDataFrame, nm: dict[str, str], lang: str
) -> list[str]:
    """One line per what-if point: number, latitude, longitude, the subdistrict it falls in."""
    if not whatif:
        return []
    wi_pts = points_with_whatif(points.iloc[0:0], whatif)
    codes = cv.assign_points(subdistricts, wi_pts, "spatial").to_list()
    na = t("cv.na", lang)
    return [
        t(
            "cv.wi.item",
            lang,
            i=i + 1,
            lat=f"{lat:.5f}",
            lon=f"{lon:.5f}",
            sub=nm.get(code, na) if isinstance(code, str) else na,
        )
        for i, ((lon, lat), code) in enumerate(zip(whatif, codes))
    ]


def underserved_md(ch: Choropleth, nm: dict[str, str], lang: str) -> str:
    """The under-served subdistricts as one markdown line ("" when there are none)."""
    under = [nm.get(c, c) for c in ch.underserved[ch.underserved].index]
    if not under:
        return ""
    return t("cv.underserved.list", lang, n=len(under), names=join_open((md_escape(u) for u in under), lang))


def bad_lines_text(bad: list[int], lang: str) -> str:
    """The candidate-list lines that could not be read (the first 20)."""
    return t("cv.sg.cands.bad", lang, lines=", ".join(map(str, bad[:20])))


# --------------------------------------------------------------------------- district summary

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
    """The summary strip (styled by ui/assets/coverage.css) and its caption, escaped HTML."""
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


# --------------------------------------------------------------------------- district context


def points_per_10k_60plus_district(n_points: int) -> float:
    """Meal points per 10,000 residents aged 60+ in the whole district (2020 census)."""
    return n_points / CENSUS_2020.aged_60_plus * 10_000


def census_md(points: gpd.GeoDataFrame, lang: str) -> str:
    """The district's 2020 census figures and the meal points in use per 10,000 aged 60+,
    as one markdown paragraph, labelled district-wide (the census has no figures per
    subdistrict: nothing here is spread over subdistricts)."""
    c, n = CENSUS_2020, len(points)
    body = t(
        "cv.census.body",
        lang,
        residents=f"{c.residents:,}",
        aged=f"{c.aged_60_plus:,}",
        share=f"{c.share_60_plus * 100:.1f}%",
        n=n,
        rate=f"{points_per_10k_60plus_district(n):.2f}",
    )
    source = t("cv.census.source", lang, source=c.source)
    return f"**{t('cv.census.title', lang)}** — {body} {md_escape(source)}"


# --------------------------------------------------------------------------- suggestion status


def _fmt_w(v: float, unit: str) -> str:
    return f"{v:,.2f} {unit}" if unit == "km²" else f"{v:,.0f} {unit}"


def _pct(g: float) -> str:
    if not math.isfinite(g):
        return "∞"
    return f"{g * 100:.2f}%"


def status_lines(res: sites.SiteSuggestion, unit: str, lang: str) -> list[Line]:
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


def suggestion_lines(res: sites.SiteSuggestion, unit: str, candidate_mode: str, lang: str) -> list[Line]:
    """Everything said under the suggestion controls, in order: no sites, the status lines,
    the exact-solve hint, the grid sizes, the note on area weights."""
    lines: list[Line] = []
    if not len(res.sites):
        lines.append(("info", t("cv.sg.none", lang)))
    lines += status_lines(res, unit, lang)
    if res.exact is None and not res.greedy.proven:
        lines.append(("caption", t("cv.sg.exact.hint", lang)))
    lines.append(("caption", t("cv.sg.meta", lang, cell=f"{res.cell_m:g}", nd=res.n_demand, nc=res.n_candidates)))
    if res.weights == "area" and candidate_mode == "grid":
        lines.append(("caption", t("cv.sg.area_note", lang)))
    return lines
