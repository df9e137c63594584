"""Overview map: the subdistricts, the livelihood projects and the meal points.

Layout only: widgets -> geo.views.overview (page state, filters, KPIs, map, clicks, URL)
-> draw. The base map is rebuilt identically on every run (so its script, and the
iframe, never change); everything that follows the filters goes through
``feature_group_to_add``.
"""

import streamlit as st
from streamlit_folium import st_folium

from geo.i18n import t
from geo.views import overview as ov
from ui import state

MAP_HEIGHT = 600

lang = state.page_setup(globals())  # no-op when app.py already drew the shared controls
ds = state.dataset()
scope = ov.Scope.of(ds)
naive = st.query_params.get("bench") == "naive"  # the benchmark's baseline: rebuild the whole map


def _save(new: ov.PageState, widgets: bool = True) -> None:
    for key, value in ov.session_changes(st.session_state, new, widgets).items():
        st.session_state[key] = value


def _callback(fn, *args) -> None:
    """Run a pure callback of geo.views.overview on the state in the session."""
    current = ov.PageState.from_session(st.session_state)
    if current is not None:
        _save(fn(current, *args))


def _pick() -> None:
    _callback(ov.pick, st.session_state.get("ov_pick"))


# the view comes from the URL on the first run on this page (or after another page), and
# drops what the dataset in use (an upload) no longer has
ps = ov.start(st.session_state, st.query_params.to_dict(), scope)
_save(ps)
st.session_state.setdefault("ov_expanded", ps.filters_open(scope))  # decided once: a changing `expanded` snaps shut
names = ov.subdistrict_names(ds.subdistricts, lang)

st.title(t("app.title", lang), anchor=False)
st.caption(t("app.subtitle", lang))

# On phones the map comes first, then the filters, the KPIs and the notes (ui/assets/base.css).
filters_box = st.container(key="ov_filters")
kpis_box = st.container(key="ov_kpis")
map_box = st.container(key="ov_map")
tail_box = st.container(key="ov_tail")

# ---------------------------------------------------------------- filters
with filters_box:
    c1, c2, c3 = st.columns([3, 3, 1], vertical_alignment="bottom")
    c1.text_input(
        t("ov.f.search", lang), key="ov_q", placeholder=t("ov.f.search.placeholder", lang), max_chars=ov.MAX_QUERY
    )
    sub_labels = ov.subdistrict_options(scope, names, lang)
    c2.selectbox(
        t("ov.f.subdistrict", lang), list(sub_labels), key="ov_sub", format_func=lambda c: sub_labels.get(c, c)
    )
    c3.button(
        t("ov.f.reset", lang), on_click=_callback, args=(ov.reset, scope), key="ov_reset", use_container_width=True
    )

    counts = ov.sector_counts(ds.projects, ps.view(), scope)
    with st.expander(ov.filters_title(lang), expanded=st.session_state["ov_expanded"]):
        sector_labels = ov.sector_options(counts, scope, lang)
        st.multiselect(
            t("ov.f.sectors", lang),
            scope.sector_keys,
            key="ov_sectors",
            help=t("ov.f.sectors.help", lang),
            placeholder=t("ov.f.sectors.placeholder", lang),
            format_func=lambda k: sector_labels.get(k, k),
        )
        lc = st.columns([1, 1, 1, 2], vertical_alignment="bottom")
        for col, k in zip(lc, ov.LAYER_KEYS):
            col.checkbox(t(ov.LAYER_LABELS[k], lang), key=ov.layer_key(k))
        base_labels = ov.base_options(lang)
        lc[3].selectbox(
            t("ov.f.base", lang),
            ov.BASE_KEYS,
            key="ov_base",
            help=t("ov.f.base.help", lang),
            format_func=lambda b: base_labels.get(b, b),
        )

ps = ov.PageState.from_session(st.session_state)
view = ps.view()

projects = ov.filter_projects(ds.projects, view)
meals = ov.filter_meal_points(ds.meal_points, view)

# ---------------------------------------------------------------- map
# The map (base and layers) holds every record and is the same for every view: the view
# reaches it as a payload in the KPI strip, applied in the browser (geo.maps.viewsync).
m = ov.map_base(view, lang)
groups = ov.map_layers(ds, view, scope, lang)
ps, center, zoom = ov.map_focus(ps, ds.subdistricts)
positions = ov.view_positions(ds, view, projects, meals)
payload = ov.view_payload(ds, view, projects, meals, scope, lang, (*center, zoom) if center and zoom else None)
kpis_box.html(ov.kpi_html(ov.kpis(ds, view, projects, meals), lang) + ov.view_html(payload))
if not len(projects) and not len(meals):
    kpis_box.warning(t("ov.empty", lang))

map_col, det_col = map_box.columns([5, 2])
with map_col:
    if naive:
        for g in groups:
            g.add_to(m)
    out = st_folium(
        m,
        key="ov_map",
        height=MAP_HEIGHT,
        use_container_width=True,
        returned_objects=["last_object_clicked", "last_object_clicked_count"],
        feature_group_to_add=None if naive else groups,
    )

ps = ov.on_map_click(ps, out, positions, ds.subdistricts)
_save(ps, widgets=False)
view = ps.view()

# ---------------------------------------------------------------- details
with det_col:
    st.subheader(t("ov.details.title", lang))
    html = ov.details_html(view.selection, ds, projects, meals, view, lang)
    if html:
        st.html(html)
    else:
        st.caption(t("ov.details.hint", lang))
    options = ov.pick_list(projects, meals, view, names, lang)
    st.session_state["ov_pick"] = view.selection
    st.selectbox(
        t("ov.details.pick", lang),
        list(options),
        key="ov_pick",
        on_change=_pick,
        index=None,
        placeholder=t("ov.details.none", lang),
        format_func=lambda s: options.get(s, s),
    )
    if view.selection:
        st.button(t("ov.details.clear", lang), on_click=_callback, args=(ov.clear_selection,), key="ov_clear")

tail_box.info(t("note.schematic", lang))
tail_box.caption(t("ov.share", lang))

# ---------------------------------------------------------------- URL
sets, drops = ov.url_changes(st.query_params.to_dict(), view, scope)
for key, value in sets.items():
    st.query_params[key] = value
for key in drops:
    del st.query_params[key]
