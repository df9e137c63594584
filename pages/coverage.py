"""Coverage analysis for planners: choropleth, gap map, what-if points, suggested sites, exports.

Thin page: widgets -> cached geo.coverage / geo.sites calls -> geo.planner builds the layers,
tables and exports. The base map is built identically on every run; everything that changes
goes through ``feature_group_to_add`` with stable ids, and only ``last_clicked`` comes back
(a tap adds a what-if point; panning does not rerun the app).
"""

import streamlit as st
from streamlit_folium import st_folium

from geo.core import coverage as cv
from geo.i18n import t
from geo.views import coverage as pl
from ui import state

lang = state.page_setup()
ds = state.dataset()
SUB, PTS = ds.subdistricts, ds.meal_points
FP = pl.fingerprint(SUB, PTS)
MAP_KEY = "cv_map"


# ------------------------------------------------------------------ cached computations


@st.cache_data(show_spinner=False, max_entries=128)
def _metrics(fp: str, _sub, _pts, radius_m: int, mode: str, whatif: tuple):
    pts = pl.points_with_whatif(_pts, whatif)
    df = cv.subdistrict_metrics(_sub, pts, radius_m, mode, cell_m=pl.CELL_M)
    return df, cv.district_summary(_sub, pts, radius_m, mode, cell_m=pl.CELL_M, metrics=df)


@st.cache_data(show_spinner=False, max_entries=128)
def _gap(fp: str, _sub, _pts, radius_m: int, mode: str, whatif: tuple) -> str:
    import shapely

    g = cv.gap_geometry(_sub, pl.points_with_whatif(_pts, whatif), radius_m, mode, simplify_m=5.0)
    return "" if shapely.is_empty(g) else shapely.to_geojson(shapely.set_precision(g, 1e-6))


@st.cache_data(show_spinner=False, max_entries=64)
def _suggest(
    fp: str,
    _sub,
    _pts,
    radius_m: int,
    mode: str,
    whatif: tuple,
    k: int,
    weights: str,
    cands: tuple,
    focus: tuple,
    exact: bool,
):
    view = pl.View(radius_m=radius_m, mode=mode)
    return pl.suggest(
        _sub,
        pl.points_with_whatif(_pts, whatif),
        view,
        pl.SuggestRequest(k=k, weights=weights, candidates=cands, focus=focus),
        exact=exact,
    )


@st.cache_resource(show_spinner=False, max_entries=16)
def _district(fp: str, _sub):
    return pl.district_area(_sub)


# ------------------------------------------------------------------ state and callbacks

DEFAULTS = {
    "cv_metric": "covered_share",
    "cv_radius": 500,
    "cv_mode": "straight",
    "cv_scheme": "quantiles",
    "cv_k": 5,
    "cv_base": "blank",
    "cv_gap": True,
    "cv_points": True,
    "cv_sg_on": False,
    "cv_sg_k": 3,
    "cv_sg_weights": "area",
    "cv_sg_cmode": "grid",
    "cv_sg_text": "",
    "cv_sg_focus": [],
    "cv_wi_text": "",
}
for _k, _v in DEFAULTS.items():
    st.session_state.setdefault(_k, _v)
st.session_state.setdefault("cv_whatif", [])
codes = [str(c) for c in SUB["code"]]
st.session_state["cv_sg_focus"] = [c for c in st.session_state["cv_sg_focus"] if c in codes]


def _view() -> pl.View:
    ss = st.session_state
    return pl.View(ss["cv_metric"], ss["cv_radius"], ss["cv_mode"], ss["cv_scheme"], ss["cv_k"], ss["cv_base"]).valid()


def _add(lon: float, lat: float) -> None:
    pts, msg = pl.add_point(st.session_state["cv_whatif"], lon, lat, _district(FP, SUB))
    st.session_state["cv_whatif"] = pts
    st.session_state["cv_msg"] = (msg, None) if msg else ("cv.wi.added", len(pts))


def _on_map() -> None:
    value = st.session_state.get(MAP_KEY) or {}
    click = value.get("last_clicked")
    if click and click != st.session_state.get("cv_last_click"):
        st.session_state["cv_last_click"] = click
        st.session_state["cv_pending_click"] = click


def _on_coords() -> None:
    from geo.views.finder import CoordError, parse_coords

    try:
        lon, lat = parse_coords(st.session_state.get("cv_wi_text", ""))
    except CoordError:
        st.session_state["cv_msg"] = ("cv.wi.bad_coords", None)
        return
    _add(lon, lat)


def _remove(i: int) -> None:
    st.session_state["cv_whatif"] = pl.remove_point(st.session_state["cv_whatif"], i)


def _clear() -> None:
    st.session_state["cv_whatif"] = []


def _adopt() -> None:
    added = 0
    for lon, lat in st.session_state.get("cv_sg_last") or []:
        pts, msg = pl.add_point(st.session_state["cv_whatif"], lon, lat, None)
        if not msg:
            added += 1
        st.session_state["cv_whatif"] = pts
    st.session_state["cv_msg"] = ("cv.sg.adopted", added)


def _exact(key) -> None:
    st.session_state["cv_exact_key"] = key


# a tap on the map (the callback only records it; also how the page tests simulate a tap)
pending = st.session_state.pop("cv_pending_click", None)
if pending:
    p = pl.click_to_wgs84(pending, pl.basemap_datum(_view().base))
    if p:
        _add(*p)

view = _view()
whatif = tuple(tuple(p) for p in st.session_state["cv_whatif"])
unavailable = pl.unavailable_texts(SUB, lang)
nm = pl.subdistrict_names(SUB, lang)

# ------------------------------------------------------------------ header and controls

st.title(t("cv.title", lang), anchor=False)
st.caption(t("cv.intro", lang))


def _metric_label(m: str) -> str:
    name = pl.metric_name(m, lang)
    return t("cv.metric.unavailable", lang, name=name) if m in unavailable else name


c1, c2, c3, c4 = st.columns([3, 2, 2, 3], vertical_alignment="bottom")
c1.selectbox(t("cv.c.metric", lang), pl.METRIC_KEYS, key="cv_metric", format_func=_metric_label)
c2.selectbox(
    t("cv.c.radius", lang), pl.RADII, key="cv_radius", help=t("cv.c.radius.help", lang), format_func=lambda r: f"{r} m"
)
c3.selectbox(t("cv.c.mode", lang), pl.MODES, key="cv_mode", format_func=lambda m: t(f"cv.mode.{m}", lang))
c4.selectbox(t("cv.c.scheme", lang), pl.SCHEMES, key="cv_scheme", format_func=lambda s: t(f"cv.scheme.{s}", lang))
with st.expander(t("cv.c.more", lang)):
    e1, e2, e3 = st.columns(3, vertical_alignment="bottom")
    e1.selectbox(t("cv.c.k", lang), pl.CLASS_COUNTS, key="cv_k")
    e2.selectbox(t("cv.c.base", lang), pl.BASES, key="cv_base", format_func=lambda b: t(f"map.base.{b}", lang))
    e3.caption(t("cv.base.note", lang))
    st.checkbox(t("cv.c.gap", lang), key="cv_gap")
    st.checkbox(t("cv.c.points", lang), key="cv_points")
view = _view()

# ------------------------------------------------------------------ figures

base_df, base_sum = _metrics(FP, SUB, PTS, view.radius_m, view.mode, ())
if whatif:
    after_df, after_sum = _metrics(FP, SUB, PTS, view.radius_m, view.mode, whatif)
else:
    after_df, after_sum = base_df, base_sum
ch = pl.choropleth(after_df, view.metric, view.scheme, view.k, unavailable)
delta = (after_df[view.metric] - base_df[view.metric]) if whatif else None

st.html(pl.SUMMARY_CSS + pl.summary_html(after_sum, base_sum if whatif else None, view, lang))
if view.metric in unavailable:
    (st.warning if not ch.available else st.info)(
        f"**{t('cv.unavailable.title', lang) if not ch.available else pl.metric_name(view.metric, lang)}** — "
        f"{unavailable[view.metric]} {t('cv.unavailable.how', lang) if not ch.available else ''}"
    )
if ch.fallback:
    st.caption(t("cv.scheme.fallback", lang))

msg = st.session_state.pop("cv_msg", None)

# ------------------------------------------------------------------ suggestions (computed before the map)

ss = st.session_state
pop_ok = "pop_weighted_covered_share" not in unavailable
if ss["cv_sg_weights"] == "population" and not pop_ok:
    ss["cv_sg_weights"] = "area"
cands, bad_lines = ((), [])
if ss["cv_sg_cmode"] == "list":
    lst, bad_lines = pl.parse_candidates(ss["cv_sg_text"])
    cands = tuple(lst)
sg_key = (
    FP,
    view.radius_m,
    view.mode,
    whatif,
    int(ss["cv_sg_k"]),
    ss["cv_sg_weights"],
    cands,
    tuple(ss["cv_sg_focus"]),
)
sg = None
if ss["cv_sg_on"] and not (ss["cv_sg_cmode"] == "list" and not cands):
    exact = ss.get("cv_exact_key") == sg_key
    sg = _suggest(
        FP,
        SUB,
        PTS,
        view.radius_m,
        view.mode,
        whatif,
        int(ss["cv_sg_k"]),
        ss["cv_sg_weights"],
        cands,
        tuple(ss["cv_sg_focus"]),
        exact,
    )
    ss["cv_sg_last"] = [(float(r.lon), float(r.lat)) for r in sg.sites.itertuples()]
else:
    ss["cv_sg_last"] = []

# ------------------------------------------------------------------ map

m = pl.planner_base_map(lang, view.base)  # constant: same script every run, the iframe stays


# read once: the map export below is built later, in the download's own request, when
# the widgets' session keys may already be gone
SHOW_GAP, SHOW_POINTS = bool(ss["cv_gap"]), bool(ss["cv_points"])


def _layers() -> list:
    tips = pl.tooltips(ch, nm, lang, delta)
    groups = [pl.choropleth_layer(SUB, ch, tips, view.base)]
    if SHOW_GAP:
        groups.append(pl.gap_layer(_gap(FP, SUB, PTS, view.radius_m, view.mode, whatif), view.base))
    if SHOW_POINTS:
        groups.append(pl.meal_layer(PTS, lang, view.base, nm))
    if sg is not None:
        groups.append(pl.suggestion_layer(sg.sites, view, lang, nm))
    groups.append(pl.whatif_layer(whatif, view, lang))
    return groups


def _legend() -> str:
    return pl.legend_html(
        ch, view, lang, n_whatif=len(whatif), n_sugg=0 if sg is None else len(sg.sites), show_gap=SHOW_GAP
    )


groups = _layers()
pl.LegendUpdate(_legend()).add_to(groups[-1])
for i, g in enumerate(groups):
    pl.stable_ids(g, prefix=f"cv{i}x")

with st.container(key="cv_map_box"):
    st_folium(
        m,
        key=MAP_KEY,
        height=560,
        use_container_width=True,
        returned_objects=["last_clicked"],
        feature_group_to_add=groups,
        on_change=_on_map,
    )

wi_col, sg_col = st.columns([2, 3])
with wi_col, st.container(border=True, key="cv_wi_box"):
    st.subheader(t("cv.wi.title", lang), anchor=False)
    st.caption(t("cv.wi.hint", lang))
    if msg:
        key, n = msg
        level = st.success if key in ("cv.wi.added", "cv.sg.adopted") else st.warning
        level(t(key, lang, **({"i": n} if key == "cv.wi.added" else {"n": n} if key == "cv.sg.adopted" else {})))
    if not whatif:
        st.caption(t("cv.wi.none", lang))
    if whatif:
        wi_pts = pl.points_with_whatif(PTS.iloc[0:0], whatif)
        wi_sub = cv.assign_points(SUB, wi_pts, "spatial").to_list()
        for i, ((lon, lat), code) in enumerate(zip(whatif, wi_sub)):
            r = st.columns([4, 2], vertical_alignment="center")
            r[0].markdown(
                t(
                    "cv.wi.item",
                    lang,
                    i=i + 1,
                    lat=f"{lat:.5f}",
                    lon=f"{lon:.5f}",
                    sub=nm.get(code, t("cv.na", lang)) if isinstance(code, str) else t("cv.na", lang),
                )
            )
            r[1].button(
                t("cv.wi.remove", lang),
                key=f"cv_rm_{i}",
                on_click=_remove,
                args=(i,),
                help=t("cv.wi.remove.help", lang, i=i + 1),
                width="stretch",
            )
        st.button(t("cv.wi.clear", lang), key="cv_clear", on_click=_clear)
    with st.form("cv_wi_form", border=False):
        st.text_input(t("cv.wi.coords", lang), key="cv_wi_text", placeholder="39.108, 121.712")
        st.form_submit_button(t("cv.wi.coords.add", lang), on_click=_on_coords)

# ------------------------------------------------------------------ suggested sites

with sg_col, st.container(border=True, key="cv_sg_box"):
    st.subheader(t("cv.sg.title", lang), anchor=False)
    st.caption(t("cv.sg.intro", lang))
    st.toggle(t("cv.sg.show", lang), key="cv_sg_on")
    if ss["cv_sg_on"]:
        s1, s2 = st.columns([1, 2], vertical_alignment="top")
        s1.number_input(t("cv.sg.k", lang), min_value=1, max_value=pl.MAX_K, step=1, key="cv_sg_k")
        s2.radio(
            t("cv.sg.weights", lang),
            ("area", "population") if pop_ok else ("area",),
            key="cv_sg_weights",
            format_func=lambda w: t(f"cv.sg.weights.{w}", lang),
        )
        if not pop_ok:
            s2.caption(t("cv.sg.weights.no_pop", lang))
        st.multiselect(
            t("cv.sg.focus", lang),
            codes,
            key="cv_sg_focus",
            format_func=lambda c: nm.get(c, c),
            placeholder=t("cv.sg.focus.placeholder", lang),
        )
        cell = pl.suggest_cell_m(view.r_eff)
        st.radio(
            t("cv.sg.cands", lang),
            ("grid", "list"),
            key="cv_sg_cmode",
            horizontal=True,
            format_func=lambda c: (
                t("cv.sg.cands.grid", lang, cell=cell) if c == "grid" else t("cv.sg.cands.list", lang)
            ),
        )
        if ss["cv_sg_cmode"] == "list":
            st.text_area(t("cv.sg.cands.text", lang), key="cv_sg_text", placeholder="39.108, 121.712\n39.050, 121.776")
            if bad_lines:
                st.warning(t("cv.sg.cands.bad", lang, lines=", ".join(map(str, bad_lines[:20]))))
            if not cands:
                st.info(t("cv.sg.cands.empty", lang))
        if sg is not None:
            unit = pl.weight_unit(sg, SUB, lang)
            if not len(sg.sites):
                st.info(t("cv.sg.none", lang))
            for level, text in pl.status_lines(sg, unit, lang):
                getattr(st, level)(text)
            if sg.exact is None and not sg.greedy.proven:
                st.caption(t("cv.sg.exact.hint", lang))
            st.caption(t("cv.sg.meta", lang, cell=f"{sg.cell_m:g}", nd=sg.n_demand, nc=sg.n_candidates))
            if sg.weights == "area" and ss["cv_sg_cmode"] == "grid":
                st.caption(t("cv.sg.area_note", lang))
            if len(sg.sites):
                st.dataframe(pl.suggestion_table(sg, nm, unit, lang), hide_index=True, width="stretch")
            b1, b2 = st.columns(2)
            b1.button(
                t("cv.sg.exact", lang, s=f"{pl.EXACT_TIME_S:g}"),
                key="cv_sg_exact",
                on_click=_exact,
                args=(sg_key,),
                disabled=sg.exact is not None or sg.greedy.proven,
                width="stretch",
            )
            b2.button(
                t("cv.sg.adopt", lang),
                key="cv_sg_adopt",
                on_click=_adopt,
                disabled=not len(sg.sites),
                type="primary",
                width="stretch",
            )

# ------------------------------------------------------------------ table

st.subheader(t("cv.tbl.title", lang), anchor=False)
under = [nm.get(c, c) for c in ch.underserved[ch.underserved].index]
if under:
    st.markdown(
        t(
            "cv.underserved.list",
            lang,
            n=len(under),
            names=("、" if lang == "zh" else ", ").join(pl.md_escape(u) for u in under),
        )
    )
table = pl.metrics_table(SUB, after_df, ch, lang, before=base_df if whatif else None, unavailable=unavailable)
ucol = table.attrs["underserved_col"]
fmt = table.attrs["formats"]
styled = table.style.format(fmt, na_rep=t("cv.na", lang)).apply(
    lambda row: ["background-color: #fde0dc; font-weight: 600" if row[ucol] else "" for _ in row], axis=1
)
st.dataframe(styled, hide_index=True, width="stretch", key="cv_table")
st.caption(t("cv.tbl.note", lang))

# ------------------------------------------------------------------ exports

st.subheader(t("cv.ex.title", lang), anchor=False)
x1, x2, x3, x4 = st.columns(4)
x1.download_button(
    t("cv.ex.table", lang),
    pl.table_csv(table),
    file_name=f"coverage_{view.metric}_{view.radius_m}m.csv",
    mime="text/csv",
    key="cv_dl_table",
    width="stretch",
)
if sg is not None and len(sg.sites):
    sg_gdf = pl.suggestions_export(sg, nm, view)
    x2.download_button(
        t("cv.ex.sg_csv", lang),
        pl.suggestions_csv(sg_gdf),
        file_name="suggested_sites.csv",
        mime="text/csv",
        key="cv_dl_sg_csv",
        width="stretch",
    )
    x3.download_button(
        t("cv.ex.sg_geojson", lang),
        pl.suggestions_geojson(sg_gdf),
        file_name="suggested_sites.geojson",
        mime="application/geo+json",
        key="cv_dl_sg_geojson",
        width="stretch",
    )
else:
    x2.button(t("cv.ex.sg_csv", lang), disabled=True, key="cv_dl_sg_csv_off", width="stretch")
    x3.button(t("cv.ex.sg_geojson", lang), disabled=True, key="cv_dl_sg_geojson_off", width="stretch")


def _map_html() -> bytes:
    return pl.export_map_html(_layers(), _legend(), lang, view.base, t("cv.ex.map.title", lang))


x4.download_button(
    t("cv.ex.map", lang),
    _map_html,
    file_name=f"coverage_map_{view.metric}_{view.radius_m}m.html",
    mime="text/html",
    key="cv_dl_map",
    width="stretch",
)
st.caption(t("cv.ex.map.note", lang))

with st.expander(t("cv.method.title", lang)):
    st.markdown(t("cv.method.body", lang))
    st.caption(t("cv.cell_note", lang, cell=pl.CELL_M))
st.info(t("note.schematic", lang))
