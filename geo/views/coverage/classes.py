"""The choropleth's classes: breaks from mapclassify (geo.core.classify), colours from a
ColorBrewer RdYlBu ramp ordered worst -> best, so that red always means under-served (no
branca ColorMap: it makes streamlit-folium fetch d3 from a CDN), class labels with units,
ranks and under-served flags; and what shows them in words: the escaped tooltips (value,
unit, rank among N, change) and the legend HTML."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from geo.core import coverage as cv
from geo.core.classify import classify
from geo.data.escape import esc
from geo.i18n import t
from geo.maps.coverage import MEAL_COLOR, NO_DATA
from geo.views.coverage.state import View
from geo.views.coverage.text import fmt_delta, fmt_value, metric_name, metric_unit, radius_text

__all__ = ["NO_DATA", "RAMPS", "Choropleth", "choropleth", "class_labels", "legend_html", "ramp", "tooltips"]

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
    return Choropleth(
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


def class_labels(ch: Choropleth, lang: str) -> list[str]:
    return ch.labels["zh" if lang == "zh" else "en"]


# --------------------------------------------------------------------------- tooltips and legend


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


GAP_SWATCH = (
    '<svg width="18" height="14" aria-hidden="true" style="border:1px solid #555;flex:none">'
    '<rect width="18" height="14" fill="#eee"/><path d="M-2 4 L4 -2 M-2 10 L10 -2 M-2 16 L16 -2 M4 16 L20 0 M10 16 L20 6" '
    'stroke="#222" stroke-width="1.6"/></svg>'
)


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
        rows.append(f'<div class="row">{GAP_SWATCH}<span>{esc(t("cv.legend.gap", lang))}</span></div>')
    rows.append(
        f'<div class="row"><svg width="18" height="14" aria-hidden="true"><circle cx="9" cy="7" r="5" fill="{MEAL_COLOR}" '
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
