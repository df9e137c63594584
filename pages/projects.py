"""Projects: the 30 projects as a table and a chart; a detail view with its footprint.

Layout only: widgets -> geo.views.projects (figures, chart, table, filters, detail) -> draw.
"""

import streamlit as st
from streamlit_folium import st_folium

from geo.i18n import t
from geo.views import projects as pv
from ui import state

lang = state.page_setup(globals())
ds = state.dataset()
projects, subs = ds.projects, ds.subdistricts

st.title(t("pj.title", lang))
st.caption(t("pj.intro", lang))

for col, (label, value) in zip(st.columns(3), pv.metrics(projects, lang)):
    col.metric(label, value)
st.caption(pv.programme_total_note(lang))

st.subheader(t("pj.chart.title", lang))
st.altair_chart(pv.sector_chart(projects, lang), width="stretch")

# table: search and filters
table = pv.table(projects, subs, lang)
names = pv.subdistrict_names(subs, lang)
f1, f2 = st.columns([2, 3])
query = f1.text_input(t("pj.search", lang), key="pj_q", placeholder=t("pj.search.placeholder", lang))
sectors = f2.multiselect(
    t("pj.filter.sector", lang), list(pv.SECTOR_KEYS), key="pj_sector", format_func=lambda k: t(f"sector.{k}", lang)
)
f3, f4 = st.columns([3, 2])
codes = f3.multiselect(
    t("pj.filter.subdistrict", lang), list(subs["code"]), key="pj_sub", format_func=lambda c: names.get(c, c)
)
precisions = f4.multiselect(
    t("pj.filter.precision", lang), list(pv.PRECISIONS), key="pj_prec", format_func=lambda k: t(f"precision.{k}", lang)
)
if codes:
    st.caption(t("pj.filter.note", lang))
shown = pv.search_filter(table, query, sectors, codes, precisions)
st.caption(t("pj.shown", lang, n=len(shown), total=len(table)))
if len(shown):
    labels = pv.column_labels(lang)
    st.dataframe(
        shown[list(pv.TABLE_COLUMNS)],
        hide_index=True,
        width="stretch",
        key="pj_table",
        column_config={c: st.column_config.Column(label) for c, label in labels.items()},
    )
else:
    st.info(t("pj.none", lang))

# detail view
st.subheader(t("pj.detail", lang))
choices = pv.pick_labels(table, shown)
pid = st.selectbox(t("pj.detail.pick", lang), list(choices), key="pj_pick", format_func=lambda i: choices.get(i, i))
row = projects[projects["id"] == pid].iloc[0]
left, right = st.columns([1, 1])
with left:
    for kind, text in pv.detail_blocks(row, subs, lang):
        if kind == "heading":
            st.markdown(f"**{text}**")  # a translated heading, not data
        else:
            st.text(text)  # data strings are shown as plain text (st.text), never as markdown/HTML
with right:
    st_folium(
        pv.footprint_map(row, subs, lang, data_key=ds.fingerprint),
        key=f"pj_map_{pid}",
        height=380,
        use_container_width=True,
        returned_objects=[],
    )
    st.caption(t("pj.detail.map_note", lang))
