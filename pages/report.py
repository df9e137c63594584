"""Report a problem with a meal point (residents, no sign-in): which point, what is wrong,
the right place on a map when it moved, a short note -> a pending report that an editor
reviews before anything changes publicly.

Layout only: the logic is in geo/views/report.py, the map in geo/maps/review.py.
Opened from a link: report?point=M05.
"""

from dataclasses import replace

import streamlit as st
from streamlit_folium import st_folium

from geo.i18n import t
from geo.views import report as rp
from geo.views import shell
from ui import auth, state, styles

lang = state.page_setup(globals())
STATE_KEY = "rp_state"
MAP_KEY = "rp_map"
ss = st.session_state
ss.setdefault(STATE_KEY, rp.PageState())
styles.inject("review")


def _base() -> str:
    base = ss.get("rp_base")
    return base if base in rp.BASES else rp.BASES[0]


def _on_map() -> None:
    ss[STATE_KEY] = rp.map_click(ss[STATE_KEY], (ss.get(MAP_KEY) or {}).get("last_clicked"), _base())


def _on_coords() -> None:
    ss[STATE_KEY] = rp.typed_place(ss[STATE_KEY], ss.get("rp_coords"))


def _submit() -> None:
    """Send the report (a callback: it runs before the page, with this run's inputs)."""
    s = ss[STATE_KEY]
    with st.spinner(t("rv.rp.sending", lang)):
        out = rp.submit(
            state.registry(),
            point_id=info.id if info else None,
            kind=ss.get("rp_kind"),
            text=ss.get("rp_text") or "",
            s=s,
            client=auth.client(),
            lang=lang,
        )
    ss[STATE_KEY] = replace(s, sent=out.report_id, error="" if out.ok else out.text)


def _again() -> None:
    ss[STATE_KEY] = rp.PageState()
    for key in ("rp_kind", "rp_text", "rp_coords"):
        ss.pop(key, None)


snap = state.snapshot()
point_id = st.query_params.get("point")
info = rp.point_info(snap.dataset, point_id, lang)

st.title(t("rv.rp.title", lang))
st.markdown(rp.point_markdown(info, lang))
if point_id and info is None:
    st.warning(t("rv.rp.point.unknown", lang))
st.caption(t("rv.rp.intro", lang))

why = shell.editing_unavailable_text(snap, lang)
if why:
    st.error(why)
    st.stop()

page = ss[STATE_KEY]
if page.sent is not None:
    st.success(t("rv.rp.sent", lang, n=page.sent), icon=":material/check_circle:")
    st.button(t("rv.rp.again", lang), key="rp_again", on_click=_again, width="stretch")
    st.stop()

kinds = rp.KINDS if info else rp.KINDS_WITHOUT_POINT
kind = st.radio(t("rv.rp.kind", lang), kinds, index=None, key="rp_kind", format_func=lambda k: rp.kind_label(k, lang))

if rp.needs_position(kind):
    st.markdown(f"**{t('rv.rp.tap', lang)}**")
    st.radio(
        t("rv.rp.base", lang),
        rp.BASES,
        key="rp_base",
        horizontal=True,
        format_func=lambda b: t(f"map.base.{b}", lang),
    )
    base_map, layer = rp.report_maps(info, page, lang, _base(), snap.dataset.subdistricts)
    st_folium(
        base_map,
        key=MAP_KEY,
        height=340,
        use_container_width=True,
        returned_objects=["last_clicked"],
        feature_group_to_add=[layer],
        on_change=_on_map,
    )
    st.markdown(rp.picked_text(page, lang))
    with st.expander(t("rv.rp.coords", lang)):
        st.text_input(t("fd.coords.label", lang), key="rp_coords", placeholder="39.108, 121.712")
        st.button(t("fd.coords.go", lang), key="rp_coords_go", on_click=_on_coords)
        if page.coords_err:
            st.error(t(page.coords_err, lang))

st.text_area(
    t("rv.rp.text", lang, n=rp.TEXT_MAX),
    key="rp_text",
    max_chars=rp.TEXT_MAX,
    placeholder=t("rv.rp.text.placeholder", lang),
)
st.button(t("rv.rp.submit", lang), key="rp_submit", type="primary", width="stretch", on_click=_submit)
if page.error:
    st.error(page.error)
