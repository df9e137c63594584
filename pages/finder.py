"""Meal-point finder for residents: where am I -> the nearest meal points -> walk there.

Layout only: the logic, the state changes and the result cards' HTML are in
geo/views/finder.py, the map pieces in geo/maps/finder.py, the CSS in ui/assets/finder*.css.
"""

import streamlit as st
from streamlit_folium import st_folium

from geo.i18n import t
from geo.views import finder as fd
from ui import state, styles

lang = state.page_setup()
elder = bool(st.session_state.get("elder"))
ds = state.dataset()
MAP_KEY = "fd_map"
STATE_KEY = "fd_state"

st.session_state.setdefault(STATE_KEY, fd.PageState())
st.session_state.setdefault("fd_base", fd.BASES[0])
st.session_state.setdefault("fd_mode", "nearest")


def _base() -> str:
    return fd.base_or_default(st.session_state.get("fd_base"))


# ------------------------------------------------------------------ callbacks (run before the script)


def _update(step, *args) -> None:
    """Apply a pure state change; the chosen subdistrict lives in its selectbox's key."""
    ss = st.session_state
    new = step(ss[STATE_KEY].with_sub(ss.get("fd_sub")), *args)
    ss[STATE_KEY] = new
    ss["fd_sub"] = new.sub


def _on_sub():
    _update(fd.choose_subdistrict, st.session_state.get("fd_sub"), state.dataset().subdistricts)


def _on_map():
    _update(fd.map_click, (st.session_state.get(MAP_KEY) or {}).get("last_clicked"), _base())


def _on_coords():
    ss = st.session_state
    _update(fd.typed_coords, ss.get("fd_coords_text", ""), ss.get("fd_coords_datum", fd.COORD_DATUMS[0]))


styles.inject("finder", *(["finder_elder"] if elder else []))

# ------------------------------------------------------------------ where am I

st.title(t("fd.title", lang))
if not elder:
    st.caption(t("fd.intro", lang))

finder = fd.Finder(ds.meal_points, ds.subdistricts)
st.selectbox(
    t("fd.subdistrict", lang),
    fd.subdistrict_codes(ds.subdistricts),
    index=None,
    key="fd_sub",
    on_change=_on_sub,
    format_func=lambda c: finder.subdistrict_name(c, lang),
    placeholder=t("fd.subdistrict.placeholder", lang),
)
st.markdown(t("fd.map_hint", lang))

with st.expander(t("fd.coords.title", lang)):
    st.text_input(t("fd.coords.label", lang), key="fd_coords_text", on_change=_on_coords, placeholder="39.108, 121.712")
    st.radio(
        t("fd.coords.datum", lang),
        fd.COORD_DATUMS,
        key="fd_coords_datum",
        horizontal=not elder,
        format_func=lambda d: t(f"fd.coords.datum.{d}", lang),
    )
    st.button(t("fd.coords.go", lang), key="fd_coords_go", on_click=_on_coords)
    coords_err = st.session_state[STATE_KEY].coords_err
    if coords_err:
        st.error(t(coords_err, lang))

if not elder:
    with st.expander(t("fd.options", lang)):
        st.selectbox(t("fd.mode", lang), fd.MODES, key="fd_mode", format_func=lambda m: fd.mode_label(m, lang))
        st.selectbox(t("fd.base", lang), fd.BASES, key="fd_base", format_func=lambda b: t(f"map.base.{b}", lang))
        st.caption(t("fd.base.note", lang))

# ------------------------------------------------------------------ answer and map

mode = st.session_state.get("fd_mode", "nearest") if not elder else "nearest"
answer = fd.answer_for(finder, st.session_state[STATE_KEY].origin, mode, lang)

view = fd.map_view(answer, lang, _base(), elder, ds.subdistricts, ds.meal_points)
st_folium(
    view.base_map,
    key=MAP_KEY,
    height=view.height,
    use_container_width=True,
    returned_objects=["last_clicked"],
    feature_group_to_add=[view.layer],
    center=view.center,
    zoom=view.zoom,
    on_change=_on_map,
)

# ------------------------------------------------------------------ results

if answer is None:
    level, text = fd.start_message(finder, lang)
    getattr(st, level)(text)
else:
    st.markdown(fd.origin_html(answer, finder, lang), unsafe_allow_html=True)
    for level, text in fd.messages(answer, lang):
        getattr(st, level)(text)
    heading = fd.results_heading(answer, lang)
    if heading:
        st.subheader(heading)
    for card in fd.cards(answer, lang, elder):
        with st.container(border=True, key=card.key):
            st.markdown(card.head_html, unsafe_allow_html=True)
            for link in card.links:
                st.link_button(link.label, link.url, type=link.kind, use_container_width=True, icon=link.icon)
            st.markdown(card.details_html, unsafe_allow_html=True)
    note = fd.nav_note(answer, lang)
    if note:
        st.caption(note)

with st.expander(t("fd.assume.title", lang)):
    st.markdown(fd.assumptions(lang))
