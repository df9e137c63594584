"""The HTML inside the map's popups: a project, a meal point, the district-wide list; and
the ways to a meal point (:func:`directions_html`), shared with the overview's details.

Every string from data goes through :func:`esc`: folium inserts popup HTML into a
JavaScript template literal, so HTML escaping alone would not be enough. Links come
from geo.data.directions (one rule for every page: walking navigation only to a real
position) and open in a new tab.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from urllib.parse import urlencode

import pandas as pd

from geo.data.directions import Directions, directions
from geo.data.escape import esc
from geo.data.hours import status_line
from geo.data.names import local_name
from geo.data.schema import FIGURE_FIELDS
from geo.i18n import join_open, t
from geo.maps.symbols import is_verified, sector_label, sector_svg

MEAL_FIELDS = ("address", "hours", "phone", "dine_in", "delivery", "price_note")

#: The page where a resident reports a wrong fact about a meal point (pages/report.py).
REPORT_PAGE = "report"


def report_href(point_id: object, lang: str, in_map: bool = False) -> str:
    """The report page's address for meal point ``point_id``, relative to the page it is on:
    a page of the app, or (``in_map``) the map's frame, which streamlit-folium serves two
    levels down (``<app>/component/<name>/index.html``)."""
    q = urlencode({"point": str(point_id), "lang": lang})
    return f"{'../../' if in_map else ''}{REPORT_PAGE}?{q}"


#: The smallest tap target (px) of a link on a page: 44, and 60 in the elder mode (DESIGN §6).
TAP_PX = {False: 44, True: 60}


def report_link_html(
    point_id: object, lang: str, in_map: bool = False, cls: str = "jp-report", elder: bool = False
) -> str:
    """The link "Something wrong? Report it" for meal point ``point_id``: in the map's frame
    it opens in the top window (``target="_top"``); on a page, in the same tab, as a tap
    target of at least :data:`TAP_PX` (the page's style sheets are not the map's, so the
    size is inline)."""
    target = "_top" if in_map else "_self"
    size = "" if in_map else f' style="display:inline-flex;align-items:center;min-height:{TAP_PX[elder]}px"'
    return (
        f'<a class="{cls}" data-kind="report" href="{esc(report_href(point_id, lang, in_map))}" '
        f'target="{target}"{size}>{esc(t("report.link", lang))}</a>'
    )


def _known(v) -> bool:
    return v is not None and not pd.isna(v)


def open_now(hours: object, lang: str, now: datetime | None = None) -> str | None:
    """Words saying whether a meal point is open now, from its ``hours``
    (geo.data.hours.status_line); None when the hours are not published (the popup lists
    them among what is not)."""
    if not _known(hours) or not str(hours).strip():
        return None
    return status_line(hours, lang, now)


def directions_html(d: Directions, cls: str = "jp-dir") -> str:
    """The ways to a meal point as links (most useful first, each opening in a new tab),
    after the sentence saying why when the position is not real."""
    links = "".join(
        f'<a class="{cls}-a{" primary" if a.primary else ""}" data-kind="{esc(a.kind)}" '
        f'href="{esc(a.url)}" target="_blank" rel="noopener">{esc(a.label)}</a>'
        for a in d.actions
    )
    why = f'<p class="{cls}-why">{esc(d.why)}</p>' if d.why else ""
    return f'<div class="{cls}" data-precision="{esc(d.precision)}">{why}<div class="{cls}-links">{links}</div></div>'


def figure_texts(row, lang: str) -> list[str]:
    """A project's published figures as plain text ("6,000 households"), in schema order."""
    out = []
    for name, unit_zh, unit_en in FIGURE_FIELDS:
        v = row.get(name)
        if _known(v):
            out.append(f"{int(v):,} {unit_zh if lang == 'zh' else unit_en}")  # the unit in the reader's language
    return out


def project_popup_html(row, lang: str) -> str:
    summary = row.get("summary_zh" if lang == "zh" else "summary_en")  # the summary in the reader's language
    prec = row["location_precision"]
    parts = [
        f'<div class="jp-popup"><h4>{esc(local_name(row, lang))}</h4>',
        f"<div>{sector_svg(row['sector'], 18)} {esc(sector_label(row['sector'], lang))}</div>",
    ]
    if summary and _known(summary):
        parts.append(f"<p>{esc(summary)}</p>")
    figs = figure_texts(row, lang)
    if figs:
        parts.append(f"<div><b>{esc(t('popup.figures', lang))}</b> " + "; ".join(esc(f) for f in figs))
        note = row.get("figures_note")
        if note and _known(note):
            parts.append(f' <span class="muted">({esc(note)})</span>')
        parts.append("</div>")
    parts.append(f'<div class="muted">{esc(t("popup.precision", lang))}: {esc(t("precision." + prec, lang))}')
    note = row.get("location_note")
    if note and _known(note):
        parts.append(f" — {esc(note)}")
    parts.append("</div></div>")
    return "".join(parts)


def meal_popup_html(
    row: Mapping,
    lang: str,
    subdistrict_name: str = "",
    area: tuple[float, float] | None = None,
    now: datetime | None = None,
) -> str:
    """What is known of a meal point, and once, after "not published", what is not; whether
    it is open now; and the ways to it (geo.data.directions: ``area`` = (lon, lat), e.g.
    its subdistrict's seat, centres a nearby search when its own position is not real)."""
    np_ = t("popup.not_published", lang)
    kind = row.get("kind")
    rows = [(t("popup.subdistrict", lang), subdistrict_name or row["subdistrict_code"])]
    missing = []
    if kind and _known(kind):
        rows.append((t("popup.kind", lang), t(f"meal.kind.{kind}", lang)))
    else:
        missing.append(t("popup.kind", lang))
    for col in MEAL_FIELDS:
        v = row.get(col)
        if not _known(v) or v == "":
            missing.append(t(f"meal.{col}", lang))
            continue
        if col in ("dine_in", "delivery"):
            v = t(f"yesno.{v}", lang)
        rows.append((t(f"meal.{col}", lang), v))
    cells = "".join(f"<tr><td><b>{esc(k)}</b></td><td>{esc(v)}</td></tr>" for k, v in rows)
    miss = f"<div><b>{esc(np_)}:</b> {esc(join_open(missing, lang))}</div>" if missing else ""
    prec = row["location_precision"]
    status = open_now(row.get("hours"), lang, now)
    open_ = f'<div class="jp-open">{esc(status)}</div>' if status else ""
    tag = "" if is_verified(prec) else f'<span class="jp-approx-tag">{esc(t("map.meal.approx_tag", lang))}</span> '
    return (
        f'<div class="jp-popup"><h4>{tag}{esc(local_name(row, lang))}</h4>{open_}'
        f"{directions_html(directions(row, lang, area=area))}<table>{cells}</table>{miss}"
        f'<div class="muted">{esc(t("popup.precision", lang))}: {esc(t("meal.precision." + prec, lang))}</div>'
        f'<div class="jp-report-row">{report_link_html(row.get("id", ""), lang, in_map=True)}</div></div>'
    )


def district_wide_popup_html(wide: pd.DataFrame, lang: str) -> str:
    """The list of the projects without a map position, for the district-wide anchor."""
    items = []
    for _, r in wide.iterrows():
        figs = figure_texts(r, lang)
        items.append(
            f'<li class="jp-dw-item" data-id="{esc(r["id"])}" data-sector="{esc(r["sector"])}">'
            f"{sector_svg(r['sector'], 14)} {esc(local_name(r, lang))}"
            + (f' <span class="muted">({esc("; ".join(figs))})</span>' if figs else "")
            + "</li>"
        )
    title = t("map.district_wide", lang, n=len(wide))
    return (
        f'<div class="jp-popup"><h4>{esc(title)}</h4><p class="muted">{esc(t("map.district_wide_note", lang))}</p>'
        f'<ul class="jp-dw-list">{"".join(items)}</ul></div>'
    )
