"""Projects: the 30 projects as a table and a chart; a detail view with its footprint."""

import altair as alt
import streamlit as st
from streamlit_folium import st_folium

from geo.data import facts
from geo.i18n import t
from geo.views import projects as P
from ui import state

lang = state.page_setup()
ds = state.dataset()
projects, subs = ds.projects, ds.subdistricts

st.title(t("pj.title", lang))
st.caption(t("pj.intro", lang))

c1, c2, c3 = st.columns(3)
c1.metric(t("pj.count", lang), len(projects))
c2.metric(t("pj.sectors", lang), projects["sector"].nunique())
c3.metric(t("pj.total", lang), P.programme_total(lang))
st.caption(P.programme_total_note(lang))

# counts by sector: colour plus the sector's glyph and the number (never colour alone)
counts = P.sector_counts(projects, lang)
counts["label"] = counts["symbol"] + " " + counts["count"].astype(str)
st.subheader(t("pj.chart.title", lang))
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
st.altair_chart(bars + text, width="stretch")

# table: search and filters
table = P.table(projects, subs, lang)
names = P.subdistrict_names(subs, lang)
f1, f2 = st.columns([2, 3])
query = f1.text_input(t("pj.search", lang), key="pj_q", placeholder=t("pj.search.placeholder", lang))
sectors = f2.multiselect(
    t("pj.filter.sector", lang), list(facts.SECTOR_KEYS), key="pj_sector", format_func=lambda k: t(f"sector.{k}", lang)
)
f3, f4 = st.columns([3, 2])
codes = f3.multiselect(
    t("pj.filter.subdistrict", lang), list(subs["code"]), key="pj_sub", format_func=lambda c: names.get(c, c)
)
precisions = f4.multiselect(
    t("pj.filter.precision", lang), list(P.PRECISIONS), key="pj_prec", format_func=lambda k: t(f"precision.{k}", lang)
)
if codes:
    st.caption(t("pj.filter.note", lang))
shown = P.search_filter(table, query, sectors, codes, precisions)
st.caption(t("pj.shown", lang, n=len(shown), total=len(table)))
cols = ["id", "sector", "name", "name_other", "subdistricts", "precision", "status", "year", "figures"]
if len(shown):
    st.dataframe(
        shown[cols],
        hide_index=True,
        width="stretch",
        key="pj_table",
        column_config={c: st.column_config.Column(t(f"pj.col.{c}", lang)) for c in cols},
    )
else:
    st.info(t("pj.none", lang))

# detail view
st.subheader(t("pj.detail", lang))
options = list(shown["id"]) or list(table["id"])
label = dict(zip(table["id"], table["id"] + " · " + table["name"]))
pid = st.selectbox(t("pj.detail.pick", lang), options, key="pj_pick", format_func=lambda i: label.get(i, i))
row = projects[projects["id"] == pid].iloc[0]
d = P.detail_lines(row, subs, lang)
left, right = st.columns([1, 1])
with left:
    st.text(d["name"])  # data strings are shown as plain text (st.text), never as markdown/HTML
    st.text(d["name_other"])
    st.text(f"{t('pj.col.sector', lang)}: {d['sector']}")
    st.text(f"{t('pj.detail.status', lang)}: {d['status']}" + (f" ({d['year']})" if d["year"] else ""))
    st.text(f"{t('pj.detail.where', lang)}: {d['where']}")
    st.text(f"{t('pj.detail.precision', lang)}: {d['precision']}")
    if d["location_note"]:
        st.text(f"{t('pj.detail.note', lang)}: {d['location_note']}")
    if d["summary"]:
        st.markdown(f"**{t('pj.detail.summary', lang)}**")
        st.text(d["summary"])
    st.markdown(f"**{t('pj.detail.figures', lang)}**")
    if d["figures"]:
        for k, v in d["figures"]:
            st.text(f"{k}: {v:,}")
        if d["figures_note"]:
            st.text(f"{t('pj.detail.figures_note', lang)}: {d['figures_note']}")
    else:
        st.text(t("pj.detail.no_figures", lang))
with right:
    st_folium(
        P.footprint_map(row, subs, lang), key=f"pj_map_{pid}", height=380, use_container_width=True, returned_objects=[]
    )
    st.caption(t("pj.detail.map_note", lang))
