"""Meal-point finder for residents: where am I -> the nearest meal points -> how to get there.

Layout only: the logic, the state changes and the result cards' HTML are in
geo/views/finder.py (the ways to a point in geo/data/directions.py), the map pieces in
geo/maps/finder.py, the CSS in ui/assets/finder*.css, the poster in geo/views/poster.py.
"""

import streamlit as st
from streamlit_folium import st_folium

from geo.i18n import t
from geo.views import finder as fd
from geo.views import poster
from ui import state, styles

lang = state.page_setup(globals())
elder = bool(st.session_state.get("elder"))
ds = state.dataset()
MAP_KEY = "fd_map"
STATE_KEY = "fd_state"

st.session_state.setdefault(STATE_KEY, fd.PageState())
st.session_state.setdefault("fd_base", fd.BASES[0])
st.session_state.setdefault("fd_mode", "nearest")


def _base() -> str:
    return fd.base_or_default(st.session_state.get("fd_base"))


def _app_base() -> str | None:
    """This app's address as the browser sees it (for share links and the poster's QR code)."""
    try:
        url = st.context.url
        headers = st.context.headers
        host, proto = headers.get("host"), headers.get("x-forwarded-proto")
    except Exception:  # no browser session (a bare script run)
        return None
    return fd.app_base(url, host, proto)


@st.cache_data(show_spinner=False, max_entries=64)
def _shared_poster(code: str, lg: str, url: str, fingerprint: str) -> bytes:
    """The poster of the shared data (the same for every session), per (code, language, link)
    and published version (its fingerprint: a publish makes new posters)."""
    return poster.subdistrict_poster_pdf(state.bundled_dataset(), code, lg, url)


def _draw(card: fd.Card, app_base: str | None) -> None:
    """One result card: head, the buttons to get there, details, read aloud (elder mode), share."""
    with st.container(border=True, key=card.key):
        st.markdown(card.head_html, unsafe_allow_html=True)
        for link in card.links:
            st.link_button(
                link.label, link.url, type=link.kind, width="stretch" if link.wide else "content", icon=link.icon
            )
        st.markdown(card.details_html, unsafe_allow_html=True)
        if elder:
            st.html(fd.say_html(card.speech, lang), unsafe_allow_javascript=True)
        with st.popover(t("fd.share", lang), icon=":material/share:"):
            st.markdown(t("fd.share.hint", lang))
            st.code(fd.share_url(app_base, card.point_id, lang), language=None, wrap_lines=True)


def _poster(code: str, lg: str, url: str) -> bytes:
    """The poster of the data in use: shared cache for the shared data; an upload's poster is
    kept in this session only (it must never reach another user)."""
    if ds.is_shared:
        return _shared_poster(code, lg, url, ds.fingerprint)
    key = (code, lg, url, id(ds.meal_points), id(ds.subdistricts))
    mine = st.session_state.setdefault("fd_posters", {})
    if key not in mine:
        mine.clear()
        mine[key] = poster.subdistrict_poster_pdf(ds, code, lg, url)
    return mine[key]


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
codes = fd.subdistrict_codes(ds.subdistricts)
if not st.session_state.get("fd_query_read"):  # a shared link: ?point=<id> or ?sub=<code>, read once
    st.session_state["fd_query_read"] = True
    qp = {k: st.query_params.get(k) for k in ("point", "sub")}
    first = fd.from_query(st.session_state[STATE_KEY], qp, finder, ds.subdistricts, codes)
    st.session_state[STATE_KEY] = first
    st.session_state["fd_sub"] = first.sub
page_state = st.session_state[STATE_KEY]  # (the callbacks of this run have already changed it)
if page_state.share_err:
    st.warning(t(page_state.share_err, lang))

mode = st.session_state.get("fd_mode", "nearest") if not elder else "nearest"
answer = fd.answer_for(finder, page_state.origin, mode, lang, pin=page_state.point)
all_cards = fd.cards(answer, lang, elder) if answer is not None else []
app_base = _app_base()
for card in all_cards:  # a shared meal point: its card at the top of the page
    if card.pinned:
        st.subheader(fd.shared_heading(lang))
        _draw(card, app_base)
st.selectbox(
    t("fd.subdistrict", lang),
    codes,
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

view = fd.map_view(answer, lang, _base(), elder, ds.subdistricts, ds.meal_points, data_key=ds.fingerprint)
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
    for card in all_cards:
        if not card.pinned:
            _draw(card, app_base)
    note = fd.nav_note(answer, lang)
    if note:
        st.caption(note)

# ------------------------------------------------------------------ the subdistrict's poster

chosen = fd.listed_subdistrict(page_state)
if chosen and app_base:  # (no address to print in the QR code outside a browser session)
    st.caption(t("fd.poster.note", lang, sub=finder.subdistrict_name(chosen, lang)))
    try:
        with st.spinner(t("fd.poster.building", lang)):
            pdf = _poster(chosen, lang, fd.poster_url(app_base, chosen, lang))
    except (RuntimeError, ValueError) as exc:  # no Chinese font installed; a link too long for a QR code
        st.error(str(exc))
    else:
        st.download_button(
            t("fd.poster.download", lang),
            pdf,
            file_name=fd.poster_file_name(chosen, lang),
            mime="application/pdf",
            icon=":material/picture_as_pdf:",
            key="fd_poster",
            on_click="ignore",
        )

with st.expander(t("fd.assume.title", lang)):
    st.markdown(fd.assumptions(lang))
