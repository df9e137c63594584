"""Coverage analysis for planners: choropleth, gap map, what-if points, suggested sites, exports.

Layout only: widgets -> geo.views.coverage -> drawing. The state is one session key (a PlannerState;
the widgets keep their own keys). The base map is the same on every run; what changes goes through
``feature_group_to_add`` with stable ids, and only ``last_clicked`` comes back (a tap adds a what-if point).
"""

import streamlit as st
from streamlit_folium import st_folium

from geo.i18n import t
from geo.views import coverage as pl
from ui import state as ui_state
from ui import styles

lang = ui_state.page_setup(globals())
ds = ui_state.dataset()
SUB, PTS = ds.subdistricts, ds.meal_points
FP = pl.fingerprint(SUB, PTS)
KEY, MAP_KEY = "cv_state", "cv_map"
ss = st.session_state


# ------------------------------------------------------------------ cached computations (keyed on their arguments)
@st.cache_data(show_spinner=False, max_entries=128)
def _metrics(fp: str, _sub, _pts, radius_m: int, mode: str, whatif: tuple):
    return pl.figures(_sub, _pts, radius_m, mode, whatif)


@st.cache_data(show_spinner=False, max_entries=128)
def _gap(fp: str, _sub, _pts, radius_m: int, mode: str, whatif: tuple) -> str:
    return pl.gap_geojson(_sub, _pts, radius_m, mode, whatif)


@st.cache_data(show_spinner=False, max_entries=64)
def _suggest(call: pl.SuggestCall, _sub, _pts, exact: bool):
    return pl.run_suggest(call, _sub, _pts, exact)


@st.cache_resource(show_spinner=False, max_entries=16)
def _district(fp: str, _sub):
    return pl.district_area(_sub)


# ------------------------------------------------------------------ state and callbacks
def _state() -> pl.PlannerState:
    return pl.from_widgets(ss.get(KEY) or pl.PlannerState(), ss)


def _do(fn, *args) -> None:
    """A callback: ``fn`` (a pure state function) on the current state; its state is kept."""
    ss[KEY] = fn(_state(), *args)[0]


def _button(where, label: str, key: str, fn, *args, width: str = "stretch", **kw) -> None:
    """A button whose callback applies ``fn`` (with ``args``) to the state."""
    where.button(label, key=key, on_click=_do, args=(fn, *args), width=width, **kw)


def _pick(widget, key: str, **kw) -> None:
    """A choice widget: its options and their labels come from the view."""
    widget(t(pl.WIDGET_LABELS[key], lang), list(opts[key]), key=key, format_func=opts[key].get, **kw)


def _on_coords() -> None:
    _do(pl.typed_point, ss.get(pl.COORDS_WIDGET, ""), _district(FP, SUB))


ss.update({k: v for k, v in pl.widget_defaults().items() if k not in ss})  # the widgets' defaults
codes, unavailable = [str(c) for c in SUB["code"]], pl.unavailable_texts(SUB, lang)
pop_ok = "pop_weighted_covered_share" not in unavailable
state = _state().checked(codes, pop_ok)  # focus codes that exist, area weights without population
ss.update(pl.widget_writes(ss, state))
if state.pending_click:  # a tap on the map (the map's callback only records it)
    state = pl.apply_click(state, _district(FP, SUB))[0]
state, msg = pl.take_message(state)
ss[KEY] = state
view, whatif, nm = state.view, state.whatif, pl.subdistrict_names(SUB, lang)
opts = pl.widget_options(lang, unavailable, view, nm, codes, pop_ok)

# ------------------------------------------------------------------ header and controls

styles.inject("coverage")
st.title(t("cv.title", lang), anchor=False)
st.caption(t("cv.intro", lang))
c1, c2, c3, c4 = st.columns([3, 2, 2, 3], vertical_alignment="bottom")
_pick(c1.selectbox, "cv_metric")
_pick(c2.selectbox, "cv_radius", help=t("cv.c.radius.help", lang))
_pick(c3.selectbox, "cv_mode")
_pick(c4.selectbox, "cv_scheme")
with st.expander(t("cv.c.more", lang)):
    e1, e2, e3 = st.columns(3, vertical_alignment="bottom")
    _pick(e1.selectbox, "cv_k")
    _pick(e2.selectbox, "cv_base")
    e3.caption(t("cv.base.note", lang))
    st.checkbox(t("cv.c.gap", lang), key="cv_gap")
    st.checkbox(t("cv.c.points", lang), key="cv_points")

# ------------------------------------------------------------------ figures

base_df, base_sum = _metrics(FP, SUB, PTS, view.radius_m, view.mode, ())
after_df, after_sum = _metrics(FP, SUB, PTS, view.radius_m, view.mode, whatif) if whatif else (base_df, base_sum)
ch = pl.choropleth(after_df, view.metric, view.scheme, view.k, unavailable)
st.html(pl.summary_html(after_sum, base_sum if whatif else None, view, lang))
st.caption(pl.census_md(PTS, lang))  # district-wide context: never spread over subdistricts
if notice := pl.unavailable_line(view, ch, unavailable, lang):
    getattr(st, notice[0])(notice[1])
if ch.fallback:
    st.caption(t("cv.scheme.fallback", lang))

call, bad_lines = pl.suggest_call(state, FP)  # suggestions are computed before the map
sg = _suggest(call, SUB, PTS, state.wants_exact(call)) if call else None
ss[KEY] = state = pl.with_suggestions(state, sg.sites if sg else None)

# ------------------------------------------------------------------ map

gap = _gap(FP, SUB, PTS, view.radius_m, view.mode, whatif) if state.show_gap else None
delta = (after_df[view.metric] - base_df[view.metric]) if whatif else None
content = pl.MapContent(state, SUB, PTS, ch, nm, lang, delta, gap, sg, data_key=FP)
with st.container(key="cv_map_box"):
    st_folium(
        pl.base_map(lang, view.base),
        key=MAP_KEY,
        height=560,
        use_container_width=True,
        returned_objects=["last_clicked"],
        feature_group_to_add=content.feature_groups(),
        on_change=lambda: _do(pl.record_click, ss.get(MAP_KEY)),
    )

wi_col, sg_col = st.columns([2, 3])
with wi_col, st.container(border=True, key="cv_wi_box"):
    st.subheader(t("cv.wi.title", lang), anchor=False)
    st.caption(t("cv.wi.hint", lang))
    if msg:
        getattr(st, (line := pl.message_line(msg, lang))[0])(line[1])
    if not whatif:
        st.caption(t("cv.wi.none", lang))
    for i, item in enumerate(pl.whatif_items(whatif, SUB, PTS, nm, lang)):
        r = st.columns([4, 2], vertical_alignment="center")
        r[0].markdown(item)
        rm_help = t("cv.wi.remove.help", lang, i=i + 1)
        _button(r[1], t("cv.wi.remove", lang), f"cv_rm_{i}", pl.remove_point, i, help=rm_help)
    if whatif:
        _button(st, t("cv.wi.clear", lang), "cv_clear", pl.clear_points, width="content")
    with st.form("cv_wi_form", border=False):
        st.text_input(t("cv.wi.coords", lang), key=pl.COORDS_WIDGET, placeholder="39.108, 121.712")
        st.form_submit_button(t("cv.wi.coords.add", lang), on_click=_on_coords)

# ------------------------------------------------------------------ suggested sites

with sg_col, st.container(border=True, key="cv_sg_box"):
    st.subheader(t("cv.sg.title", lang), anchor=False)
    st.caption(t("cv.sg.intro", lang))
    st.toggle(t("cv.sg.show", lang), key="cv_sg_on")
    if state.sg_on:
        s1, s2 = st.columns([1, 2], vertical_alignment="top")
        s1.number_input(t("cv.sg.k", lang), min_value=1, max_value=pl.MAX_K, step=1, key="cv_sg_k")
        _pick(s2.radio, "cv_sg_weights")
        if not pop_ok:
            s2.caption(t("cv.sg.weights.no_pop", lang))
        _pick(st.multiselect, "cv_sg_focus", placeholder=t("cv.sg.focus.placeholder", lang))
        _pick(st.radio, "cv_sg_cmode", horizontal=True)
        if state.sg_cmode == "list":
            st.text_area(t("cv.sg.cands.text", lang), key="cv_sg_text", placeholder="39.108, 121.712\n39.050, 121.776")
            if bad_lines:
                st.warning(pl.bad_lines_text(bad_lines, lang))
            if call is None:
                st.info(t("cv.sg.cands.empty", lang))
        if sg is not None:
            unit = pl.weight_unit(sg, SUB, lang)
            for level, text in pl.suggestion_lines(sg, unit, state.sg_cmode, lang):
                getattr(st, level)(text)
            if len(sg.sites):
                st.dataframe(pl.suggestion_table(sg, nm, unit, lang), hide_index=True, width="stretch")
            b1, b2 = st.columns(2)
            exact_off, adopt = sg.exact is not None or sg.greedy.proven, t("cv.sg.adopt", lang)
            exact = t("cv.sg.exact", lang, s=f"{pl.EXACT_TIME_S:g}")
            _button(b1, exact, "cv_sg_exact", pl.request_exact, call, disabled=exact_off)
            _button(b2, adopt, "cv_sg_adopt", pl.adopt_suggestions, disabled=not len(sg.sites), type="primary")

# ------------------------------------------------------------------ table and exports

st.subheader(t("cv.tbl.title", lang), anchor=False)
if under := pl.underserved_md(ch, nm, lang):
    st.markdown(under)
table = pl.metrics_table(SUB, after_df, ch, lang, before=base_df if whatif else None, unavailable=unavailable)
st.dataframe(pl.styled_table(table, lang), hide_index=True, width="stretch", key="cv_table")
st.caption(t("cv.tbl.note", lang))

st.subheader(t("cv.ex.title", lang), anchor=False)
for col, d in zip(st.columns(4), pl.downloads(view, table, sg, nm, lang, content.html)):
    if d.data is None:
        col.button(d.label, disabled=True, key=d.key, width="stretch")
    else:
        col.download_button(
            d.label, d.data, file_name=d.file_name, mime=d.mime, key=d.key, width="stretch", on_click="ignore"
        )
st.caption(t("cv.ex.map.note", lang))

with st.expander(t("cv.method.title", lang)):
    st.markdown(t("cv.method.body", lang))
    st.caption(t("cv.cell_note", lang, cell=pl.CELL_M))
st.info(t("note.schematic", lang))
