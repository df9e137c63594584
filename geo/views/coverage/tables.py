"""The coverage page's tables: the metrics per subdistrict (worst first, with its number
formats and the under-served rows highlighted), its CSV, and the suggested sites."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
from pandas.io.formats.style import Styler

from geo.core import coverage as cv
from geo.core import sites
from geo.data import export
from geo.data.names import subdistrict_names
from geo.i18n import t
from geo.views.coverage.classes import Choropleth
from geo.views.coverage.text import metric_name, metric_unit

TABLE_METRICS = tuple(cv.METRICS)  # every metric, in the engine's order
UNDERSERVED_ROW_STYLE = "background-color: #fde0dc; font-weight: 600"


def _number_format(kind: str) -> str:
    if kind == "share":
        return "{:.1f}"
    if kind in ("count", "distance_m"):
        return "{:,.0f}"
    if kind == "area":
        return "{:,.1f}"
    return "{:,.2f}"


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
    its change (with what-if), then every available metric. Shares are in percent.
    ``attrs``: ``underserved_col`` (its header) and ``formats`` ({header: format})."""
    nm = subdistrict_names(subdistricts, lang)
    m = ch.metric
    unavailable = unavailable or {}
    df = pd.DataFrame(index=after.index)
    df[t("cv.col.name", lang)] = [nm.get(c, c) for c in after.index]
    df[t("cv.col.code", lang)] = list(after.index)

    def pct(metric, s):
        return s * 100 if cv.METRICS[metric].kind == "share" else s

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
    fmts = {header(metric): _number_format(cv.METRICS[metric].kind) for metric in TABLE_METRICS}
    fmts = {h: f for h, f in fmts.items() if h in out.columns}
    chg = t("cv.col.change", lang, m=metric_name(m, lang))
    if chg in out.columns:
        fmts[chg] = "{:+.1f}" if cv.METRICS[m].kind == "share" else "{:+,.2f}"
    out.attrs["formats"] = fmts
    return out


def styled_table(table: pd.DataFrame, lang: str) -> Styler:
    """The metrics table with its number formats, "—" for missing values and the
    under-served rows highlighted."""
    ucol = table.attrs["underserved_col"]
    return table.style.format(table.attrs["formats"], na_rep=t("cv.na", lang)).apply(
        lambda row: [UNDERSERVED_ROW_STYLE if row[ucol] else "" for _ in row], axis=1
    )


def table_csv(df: pd.DataFrame) -> bytes:
    """The metrics table as CSV (UTF-8 with BOM, formula-like cells neutralised)."""
    return export.table_csv(df)


def suggestion_table(res: sites.SiteSuggestion, nm: dict[str, str], unit: str, lang: str) -> pd.DataFrame:
    s = res.sites
    na = t("cv.na", lang)
    return pd.DataFrame(
        {
            t("cv.sg.col.rank", lang): s["rank"].astype(int).to_numpy(),
            t("cv.sg.col.sub", lang): [nm.get(str(c), na) if isinstance(c, str) else na for c in s["subdistrict_code"]],
            t("cv.sg.col.lat", lang): s["lat"].round(6).to_numpy(),
            t("cv.sg.col.lon", lang): s["lon"].round(6).to_numpy(),
            t("cv.sg.col.area", lang): s["marginal_area_km2"].round(3).to_numpy(),
            t("cv.sg.col.weight", lang, u=unit): s["marginal_weight"].round(3).to_numpy(),
        }
    )
