"""Overview map: the 25 subdistricts, the 30 projects and the 60 meal points."""

import streamlit as st
from streamlit_folium import st_folium

from geo.i18n import t
from geo.mapping import base_map, meal_point_layer, overview_legend, project_layer, subdistrict_layer
from ui import state

lang = state.page_setup()
ds = state.dataset()

st.title(t("app.title", lang))
st.caption(t("app.subtitle", lang))
st.info(t("note.schematic", lang))

names = dict(zip(ds.subdistricts["code"], ds.subdistricts["name_zh" if lang == "zh" else "name_en"]))
m = base_map(lang, "blank")
overview_legend(lang).add_to(m)
layers = [
    subdistrict_layer(ds.subdistricts, lang),
    project_layer(ds.projects, lang),
    meal_point_layer(ds.meal_points, lang, subdistrict_names=names),
]
st_folium(m, key="overview_map", height=620, use_container_width=True, returned_objects=[],
          feature_group_to_add=layers)
