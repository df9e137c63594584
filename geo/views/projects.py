"""The projects page's logic: headline figures, the chart by sector, the table, search,
filters, the detail view's text and the project's footprint map.

Plain Python (no streamlit). Works on whatever projects layer is in use (bundled
or uploaded). No per-project investment exists: only the programme total is shown.
"""

from __future__ import annotations

import altair as alt
import folium
import geopandas as gpd
import pandas as pd
import shapely

from geo.data import facts
from geo.data.names import local_name, name_column
from geo.data.names import subdistrict_names as subdistrict_names  # for the page
from geo.data.schema import FIGURE_FIELDS
from geo.i18n import join_open, t
from geo.maps.base import base_map, stable_ids
from geo.maps.cache import Lru, script_layer
from geo.maps.layers import project_layer, subdistrict_layer

PRECISIONS = ("site", "subdistrict", "district")
SECTOR_KEYS = facts.SECTOR_KEYS  # the sector filter's options, in the programme's order
# the table's visible columns (their headers are the keys "pj.col.<column>")
TABLE_COLUMNS = ("id", "sector", "name", "name_other", "subdistricts", "precision", "status", "year", "figures")


def _codes(v) -> list[str]:
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return []
    return [c for c in str(v).split(";") if c]


def figures(row, lang: str) -> list[tuple[str, int]]:
    """The published figures of a project: (label, value) pairs, in schema order."""
    out = []
    for name, _unit_zh, _unit_en in FIGURE_FIELDS:
        v = row.get(name) if hasattr(row, "get") else None
        if v is not None and not pd.isna(v):
            out.append((t(f"pj.fig.{name}", lang), int(v)))
    return out


def figures_text(row, lang: str) -> str:
    """The figures on one line (a semicolon between them: the numbers contain commas)."""
    return t("pj.fig.sep", lang).join(f"{label} {value:,}" for label, value in figures(row, lang))


def _other_name(row, lang: str) -> str:
    """The record's name in the other language (the table and the detail show both)."""
    return row[name_column("en" if lang == "zh" else "zh")]


def table(projects: gpd.GeoDataFrame, subdistricts: gpd.GeoDataFrame, lang: str) -> pd.DataFrame:
    """One row per project with display columns (plain text; shown with st.dataframe)."""
    names = subdistrict_names(subdistricts, lang)
    both = {c: f"{z} {e}" for c, z, e in zip(subdistricts["code"], subdistricts["name_zh"], subdistricts["name_en"])}
    rows = []
    for _, r in projects.iterrows():
        codes = _codes(r.get("subdistrict_codes"))
        where = join_open((names.get(c, c) for c in codes), lang) if codes else t("pj.district_wide", lang)
        rows.append(
            {
                "id": r["id"],
                "sector_key": r["sector"],
                "sector": t(f"sector.{r['sector']}", lang),
                "name": local_name(r, lang),
                "name_other": _other_name(r, lang),
                "subdistricts": where,
                "codes": ";".join(codes),
                "precision_key": r["location_precision"],
                "precision": t(f"precision.{r['location_precision']}", lang),
                "status": t(f"pj.status.{r['status']}", lang),
                "year": None if pd.isna(r.get("completed_year")) else int(r["completed_year"]),
                "figures": figures_text(r, lang),
                "_search": " ".join(
                    str(r.get(c) or "")
                    for c in ("id", "name_zh", "name_en", "summary_zh", "summary_en", "location_note", "figures_note")
                ).lower()
                + " "
                + where.lower()
                + " "
                + " ".join(both.get(c, c) for c in codes).lower()
                + " "
                + t(f"sector.{r['sector']}", "zh")
                + " "
                + t(f"sector.{r['sector']}", "en").lower(),
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "id",
            "sector_key",
            "sector",
            "name",
            "name_other",
            "subdistricts",
            "codes",
            "precision_key",
            "precision",
            "status",
            "year",
            "figures",
            "_search",
        ],
    )


def search_filter(df: pd.DataFrame, query: str = "", sectors=(), codes=(), precisions=()) -> pd.DataFrame:
    """Search (Chinese or English, case-insensitive, every word must match) and filters.

    A subdistrict filter keeps projects in that subdistrict and, explicitly,
    district-wide projects only when no subdistrict is chosen.
    """
    out = df
    words = [w for w in (query or "").lower().replace("，", " ").replace(",", " ").split() if w]
    for w in words:
        out = out[out["_search"].str.contains(w, regex=False)]
    if sectors:
        out = out[out["sector_key"].isin(list(sectors))]
    if codes:
        want = set(codes)
        out = out[out["codes"].map(lambda s: bool(want & set(s.split(";"))) if s else False)]
    if precisions:
        out = out[out["precision_key"].isin(list(precisions))]
    return out


def sector_counts(projects: gpd.GeoDataFrame, lang: str) -> pd.DataFrame:
    """Counts by sector in the programme's order (education … elderly care)."""
    counts = projects["sector"].value_counts()
    return pd.DataFrame(
        {
            "key": list(facts.SECTOR_KEYS),
            "sector": [t(f"sector.{k}", lang) for k in facts.SECTOR_KEYS],
            "count": [int(counts.get(k, 0)) for k in facts.SECTOR_KEYS],
            "color": [facts.SECTOR_BY_KEY[k].color for k in facts.SECTOR_KEYS],
            "symbol": [facts.SECTOR_BY_KEY[k].symbol for k in facts.SECTOR_KEYS],
        }
    )


def footprint(row, subdistricts: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, bool]:
    """The subdistricts a project covers, and whether it is district-wide (then all)."""
    codes = _codes(row.get("subdistrict_codes"))
    if not codes or row.get("location_precision") == "district":
        return subdistricts, True
    return subdistricts[subdistricts["code"].isin(codes)], False


#: The footprint maps' layers by (data key, language, project), once per process.
FOOTPRINT_CACHE: Lru[str] = Lru(max_entries=128)


def _footprint_layers(row, subdistricts: gpd.GeoDataFrame, lang: str) -> folium.FeatureGroup:
    """Every subdistrict faint, the footprint highlighted, the project's point if it has one."""
    fp, wide = footprint(row, subdistricts)
    fg = folium.FeatureGroup(name="pj_footprint")
    subdistrict_layer(
        subdistricts,
        lang,
        labels=False,
        style={"color": "#90A4AE", "weight": 1, "fillColor": "#CFD8DC", "fillOpacity": 0.15},
    ).add_to(fg)
    color = facts.SECTOR_BY_KEY[row["sector"]].color if row["sector"] in facts.SECTOR_BY_KEY else "#333"
    name = t("pj.map.footprint_wide" if wide else "pj.map.footprint", lang)
    subdistrict_layer(
        fp,
        lang,
        labels=not wide,
        name=name,
        style={"color": "#000", "weight": 3, "fillColor": color, "fillOpacity": 0.35},
    ).add_to(fg)
    if pd.notna(row.get("lat")) and pd.notna(row.get("lon")):
        one = gpd.GeoDataFrame([row], geometry=[shapely.Point(row["lon"], row["lat"])], crs=4326)
        project_layer(one, lang).add_to(fg)
    return fg


def footprint_map(row, subdistricts: gpd.GeoDataFrame, lang: str, data_key: str | None = None) -> folium.Map:
    """A small map: every subdistrict faint, the footprint highlighted, the project's
    point if it has one; zoomed to the footprint. With a ``data_key`` (the dataset's
    fingerprint) its layers' script is built once per process (:data:`FOOTPRINT_CACHE`)."""
    fp, _wide = footprint(row, subdistricts)
    m = base_map(lang, "blank", locate=False)
    if data_key is None:
        layers: folium.FeatureGroup = _footprint_layers(row, subdistricts, lang)
    else:
        key = (data_key, lang, str(row["id"]))
        layers = script_layer(FOOTPRINT_CACHE, key, lambda: _footprint_layers(row, subdistricts, lang), "pj_footprint")
    stable_ids(layers, prefix="pjf")
    layers.add_to(m)
    b = fp.total_bounds
    m.fit_bounds([[b[1], b[0]], [b[3], b[2]]])
    return m


def detail_lines(row, subdistricts: gpd.GeoDataFrame, lang: str) -> dict:
    """The detail view's text (plain; the page renders it as text, never as HTML)."""
    fp, wide = footprint(row, subdistricts)
    names = subdistrict_names(subdistricts, lang)
    where = t("pj.district_wide_long", lang) if wide else join_open((names.get(c, c) for c in fp["code"]), lang)
    summary = row.get("summary_zh" if lang == "zh" else "summary_en")  # the summary in the reader's language
    return {
        "name": local_name(row, lang),
        "name_other": _other_name(row, lang),
        "sector": t(f"sector.{row['sector']}", lang),
        "summary": "" if summary is None or pd.isna(summary) else str(summary),
        "where": where,
        "precision": t(f"precision.{row['location_precision']}", lang),
        "location_note": ""
        if pd.isna(row.get("location_note")) or row.get("location_note") is None
        else str(row["location_note"]),
        "figures": figures(row, lang),
        "figures_note": ""
        if pd.isna(row.get("figures_note")) or row.get("figures_note") is None
        else str(row["figures_note"]),
        "status": t(f"pj.status.{row['status']}", lang),
        "year": None if pd.isna(row.get("completed_year")) else int(row["completed_year"]),
    }


def _total_params() -> dict:
    return {
        "total": facts.PROGRAMME_TOTAL_YI_YUAN,
        "bn": facts.PROGRAMME_TOTAL_YI_YUAN / 10,
        "n": facts.PROGRAMME_PROJECT_COUNT,
    }


def programme_total(lang: str) -> str:
    """The programme total (亿元 = 100 million yuan); programme level only."""
    return t("pj.total_value", lang, **_total_params())


def programme_total_note(lang: str) -> str:
    return t("pj.total_note", lang, **_total_params())


def metrics(projects: pd.DataFrame, lang: str) -> list[tuple[str, object]]:
    """The headline figures: (label, value) for the number of projects, of sectors, and
    the programme total."""
    return [
        (t("pj.count", lang), len(projects)),
        (t("pj.sectors", lang), projects["sector"].nunique()),
        (t("pj.total", lang), programme_total(lang)),
    ]


def sector_chart(projects: pd.DataFrame, lang: str) -> alt.LayerChart:
    """Projects by sector as bars in the sector's colour, each labelled with the sector's
    glyph and the number (never colour alone)."""
    counts = sector_counts(projects, lang)
    counts["label"] = counts["symbol"] + " " + counts["count"].astype(str)
    x = alt.X("sector:N", sort=list(counts["sector"]), title=t("pj.chart.sector", lang), axis=alt.Axis(labelAngle=0))
    y = alt.Y("count:Q", title=t("pj.chart.count", lang), axis=alt.Axis(tickMinStep=1))
    bars = (
        alt.Chart(counts)
        .mark_bar()
        .encode(
            x=x,
            y=y,
            color=alt.Color(
                "sector:N", scale=alt.Scale(domain=list(counts["sector"]), range=list(counts["color"])), legend=None
            ),
            tooltip=[
                alt.Tooltip("sector:N", title=t("pj.chart.sector", lang)),
                alt.Tooltip("count:Q", title=t("pj.chart.count", lang)),
            ],
        )
    )
    text = alt.Chart(counts).mark_text(dy=-10, fontSize=16, fontWeight="bold").encode(x=x, y=y, text="label:N")
    return bars + text


def column_labels(lang: str) -> dict[str, str]:
    """The table's column headers."""
    return {c: t(f"pj.col.{c}", lang) for c in TABLE_COLUMNS}


def pick_labels(table_all: pd.DataFrame, shown: pd.DataFrame) -> dict[str, str]:
    """The detail view's choices: the projects shown (every project when none is), each as
    "id · name"."""
    label = dict(zip(table_all["id"], table_all["id"] + " · " + table_all["name"]))
    ids = list(shown["id"]) or list(table_all["id"])
    return {i: label.get(i, i) for i in ids}


def detail_blocks(row, subdistricts: gpd.GeoDataFrame, lang: str) -> list[tuple[str, str]]:
    """The detail view as ("text" | "heading", plain text) blocks, in order. Data strings
    are plain text: the page shows them with st.text, never as markdown or HTML."""
    d = detail_lines(row, subdistricts, lang)
    out = [
        ("text", d["name"]),
        ("text", d["name_other"]),
        ("text", f"{t('pj.col.sector', lang)}: {d['sector']}"),
        ("text", f"{t('pj.detail.status', lang)}: {d['status']}" + (f" ({d['year']})" if d["year"] else "")),
        ("text", f"{t('pj.detail.where', lang)}: {d['where']}"),
        ("text", f"{t('pj.detail.precision', lang)}: {d['precision']}"),
    ]
    if d["location_note"]:
        out.append(("text", f"{t('pj.detail.note', lang)}: {d['location_note']}"))
    if d["summary"]:
        out += [("heading", t("pj.detail.summary", lang)), ("text", d["summary"])]
    out.append(("heading", t("pj.detail.figures", lang)))
    if d["figures"]:
        out += [("text", f"{k}: {v:,}") for k, v in d["figures"]]
        if d["figures_note"]:
            out.append(("text", f"{t('pj.detail.figures_note', lang)}: {d['figures_note']}"))
    else:
        out.append(("text", t("pj.detail.no_figures", lang)))
    return out


__all__ = [
    "PRECISIONS",
    "SECTOR_KEYS",
    "TABLE_COLUMNS",
    "column_labels",
    "detail_blocks",
    "detail_lines",
    "figures",
    "footprint",
    "footprint_map",
    "metrics",
    "pick_labels",
    "programme_total",
    "programme_total_note",
    "search_filter",
    "sector_chart",
    "sector_counts",
    "subdistrict_names",
    "table",
]
