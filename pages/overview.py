"""Overview map: the subdistricts, the livelihood projects and the meal points.

Thin page: read widgets -> geo.overview (filters, KPIs, URL, clicks) -> draw. The base
map is rebuilt identically on every run (so its script, and the iframe, never change);
everything that follows the filters goes through ``feature_group_to_add``.
"""

import streamlit as st
from streamlit_folium import st_folium

from geo.core.datum import wgs84_to_gcj02
from geo.i18n import t
from geo.maps.base import (
    BASEMAPS,
    DISTRICT_CENTER,
    LegendUpdate,
    base_map,
    basemap_datum,
    meal_point_layer,
    overview_legend,
    project_layer,
    stable_ids,
    subdistrict_layer,
)
from geo.views import overview as ov
from ui import state

MAP_HEIGHT = 600
KEYS = ("ov_sectors", "ov_sub", "ov_q", "ov_l_sub", "ov_l_proj", "ov_l_meal", "ov_base")

lang = state.page_setup()  # no-op when app.py already drew the shared controls
ds = state.dataset()
scope = ov.Scope.of(ds)
naive = st.query_params.get("bench") == "naive"  # the benchmark's baseline: rebuild the whole map


def _seed(v: ov.View) -> None:
    st.session_state["ov_sectors"] = list(v.sectors)
    st.session_state["ov_sub"] = v.subdistrict or ""
    st.session_state["ov_q"] = v.query
    for k in ov.LAYER_KEYS:
        st.session_state[f"ov_l_{k}"] = k in v.layers
    st.session_state["ov_base"] = v.base
    st.session_state["ov_sel"] = v.selection


def _reset() -> None:
    _seed(scope.default_view())


def _pick() -> None:
    st.session_state["ov_sel"] = st.session_state.get("ov_pick")


def _clear_sel() -> None:
    st.session_state["ov_sel"] = None


# first run on this page (or after another page): the view comes from the URL
if any(k not in st.session_state for k in KEYS):
    _seed(ov.view_from_params(st.query_params.to_dict(), scope))
# the dataset may have changed (an upload): drop values it no longer has
st.session_state["ov_sectors"] = [k for k in st.session_state["ov_sectors"] if k in scope.sector_keys]
if st.session_state["ov_sub"] not in ("", *scope.subdistrict_codes):
    st.session_state["ov_sub"] = ""
if st.session_state["ov_base"] not in BASEMAPS:
    st.session_state["ov_base"] = ov.DEFAULT_BASE
st.session_state["ov_sel"] = scope.valid_selection(st.session_state.get("ov_sel"))

names = ov.subdistrict_names(ds.subdistricts, lang)

st.title(t("app.title", lang), anchor=False)
st.caption(t("app.subtitle", lang))

# On phones the map comes first (CSS order), then the filters, the KPIs and the notes.
st.html("""<style>@media (max-width: 640px) {
.st-key-ov_map, div:has(> .st-key-ov_map) { order: 1; } .st-key-ov_filters, div:has(> .st-key-ov_filters) { order: 2; }
.st-key-ov_kpis, div:has(> .st-key-ov_kpis) { order: 3; } .st-key-ov_tail, div:has(> .st-key-ov_tail) { order: 4; }
}</style>""")
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
    c2.selectbox(
        t("ov.f.subdistrict", lang),
        ("", *scope.subdistrict_codes),
        key="ov_sub",
        format_func=lambda c: (
            names.get(c, c) if c else t("ov.f.all_subdistricts.n", lang, n=len(scope.subdistrict_codes))
        ),
    )
    c3.button(t("ov.f.reset", lang), on_click=_reset, key="ov_reset", use_container_width=True)

    pre = ov.View(
        sectors=tuple(st.session_state["ov_sectors"]),
        subdistrict=st.session_state["ov_sub"] or None,
        query=ov.clean_query(st.session_state["ov_q"]),
    )
    counts = ov.sector_counts(ds.projects, pre, scope)
    if "ov_expanded" not in st.session_state:  # decided once: a changing `expanded` would snap it shut
        st.session_state["ov_expanded"] = (
            tuple(st.session_state["ov_sectors"]) != scope.sector_keys
            or not all(st.session_state[f"ov_l_{k}"] for k in ov.LAYER_KEYS)
            or st.session_state["ov_base"] != ov.DEFAULT_BASE
        )
    with st.expander(
        f"{t('ov.filters', lang)}: {t('ov.f.sectors', lang)} · {t('ov.f.layers', lang)} · {t('ov.f.base', lang)}",
        expanded=st.session_state["ov_expanded"],
    ):
        from geo.data.facts import SECTOR_BY_KEY

        st.multiselect(
            t("ov.f.sectors", lang),
            scope.sector_keys,
            key="ov_sectors",
            help=t("ov.f.sectors.help", lang),
            placeholder=t("ov.f.sectors.placeholder", lang),
            format_func=lambda k: f"{SECTOR_BY_KEY[k].symbol} {t('sector.' + k, lang)} ({counts.get(k, 0)})",
        )
        lc = st.columns([1, 1, 1, 2], vertical_alignment="bottom")
        for col, k, label in zip(lc, ov.LAYER_KEYS, ("layer.subdistricts", "layer.projects", "layer.meal_points")):
            col.checkbox(t(label, lang), key=f"ov_l_{k}")
        lc[3].selectbox(
            t("ov.f.base", lang),
            tuple(BASEMAPS),
            key="ov_base",
            help=t("ov.f.base.help", lang),
            format_func=lambda b: t(f"map.base.{b}", lang),
        )

view = ov.View(
    sectors=tuple(st.session_state["ov_sectors"]),
    subdistrict=st.session_state["ov_sub"] or None,
    query=ov.clean_query(st.session_state["ov_q"]),
    layers=tuple(k for k in ov.LAYER_KEYS if st.session_state[f"ov_l_{k}"]),
    base=st.session_state["ov_base"],
    selection=st.session_state.get("ov_sel"),
)
datum = basemap_datum(view.base)

projects = ov.filter_projects(ds.projects, view)
meals = ov.filter_meal_points(ds.meal_points, view)
k = ov.kpis(ds, view, projects, meals)
kpis_box.html(
    """<style>
.ovk-strip{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:8px;margin:2px 0 6px 0}
.ovk{border:1px solid #c9d1d9;border-radius:8px;padding:6px 10px;background:#f7f9fb;min-width:0}
.ovk-v{font-size:1.5rem;font-weight:700;line-height:1.2;color:#111;font-variant-numeric:tabular-nums}
.ovk-l{font-size:0.95rem;color:#222;line-height:1.3}.ovk-n{font-size:0.8rem;color:#444;line-height:1.3}
@media (max-width:640px){.ovk-strip{grid-template-columns:repeat(3,minmax(0,1fr));gap:5px}.ovk{padding:4px 6px}
.ovk-v{font-size:1.1rem}.ovk-l{font-size:0.8rem}.ovk-n{font-size:0.72rem}}
.ovd{font-size:1rem;line-height:1.5;color:#111;overflow-wrap:anywhere}.ovd-h{font-size:1.25rem;margin:2px 0 6px 0}
.ovd-kind{display:flex;align-items:center;gap:6px;color:#333}.ovd-dl{margin:0}.ovd-dl dt{font-weight:700;margin-top:6px}
.ovd-dl dd{margin:0 0 0 0}.ovd .muted{color:#444}.ovd-ul{padding-left:0;list-style:none}.ovd-ul li{margin:6px 0}
</style>"""
    + ov.kpi_html(k, lang)
)
if not len(projects) and not len(meals):
    kpis_box.warning(t("ov.empty", lang))

# ---------------------------------------------------------------- map
proj_disp, meal_disp = ov.display_frames(projects, meals)
positions = ov.marker_positions(proj_disp, meal_disp, view)

m = base_map(lang, view.base)  # deterministic: the same script every run, so the iframe stays
overview_legend(lang, dynamic=True, position="topright").add_to(m)
groups = []
if "sub" in view.layers:
    tips = ov.subdistrict_tooltips(ds, projects, meals, view, lang)
    groups.append(subdistrict_layer(ds.subdistricts, lang, datum, tooltips=tips, emphasis=view.subdistrict))
if "proj" in view.layers:
    groups.append(project_layer(proj_disp, lang, datum))
if "meal" in view.layers:
    groups.append(meal_point_layer(meal_disp, lang, datum, subdistrict_names=names))
legend_fg = groups[-1] if groups else None
if legend_fg is None:
    import folium

    legend_fg = folium.FeatureGroup(name="legend")
    groups.append(legend_fg)
LegendUpdate(
    ov.legend_dynamic_html(
        ds, view, {s: int((projects["sector"] == s).sum()) for s in scope.sector_keys}, len(meals), lang
    )
).add_to(legend_fg)

for i, g in enumerate(groups):
    stable_ids(g, prefix=f"fg{i}x")  # the same script for the same view: no re-render on reruns


def _display(lat: float, lon: float) -> tuple[float, float]:
    if datum == "gcj02":
        lon, lat = wgs84_to_gcj02(lon, lat)
    return float(lat), float(lon)


center = zoom = None
if view.subdistrict:
    row = ds.subdistricts[ds.subdistricts["code"] == view.subdistrict].iloc[0]
    center, zoom = _display(row["seat_lat"], row["seat_lon"]), 12
    st.session_state["ov_zoomed"] = True
elif st.session_state.get("ov_zoomed"):
    center, zoom = _display(*DISTRICT_CENTER), 9

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
        center=center,
        zoom=zoom,
    )

click = (out or {}).get("last_object_clicked")
if click:
    sig = ((out or {}).get("last_object_clicked_count"), click.get("lat"), click.get("lng"), view.base)
    if sig != st.session_state.get("ov_click_sig"):
        st.session_state["ov_click_sig"] = sig
        hit = ov.match_click(click, view.base, positions, ds.subdistricts if "sub" in view.layers else None)
        if hit:
            st.session_state["ov_sel"] = hit
view = view.with_(selection=st.session_state.get("ov_sel"))

# ---------------------------------------------------------------- details
with det_col:
    st.subheader(t("ov.details.title", lang))
    html = ov.details_html(view.selection, ds, projects, meals, view, lang)
    if html:
        st.html(html)
    else:
        st.caption(t("ov.details.hint", lang))
    options = ov.pick_options(projects, meals, view, lang)
    if view.selection and view.selection not in options:
        kind, _, ident = view.selection.partition(":")
        if kind == "s":
            options[view.selection] = t("ov.pick.sub", lang, name=names.get(ident, ident))
        else:
            options[view.selection] = view.selection
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
        st.button(t("ov.details.clear", lang), on_click=_clear_sel, key="ov_clear")

tail_box.info(t("note.schematic", lang))
tail_box.caption(t("ov.share", lang))

# ---------------------------------------------------------------- URL
params = ov.view_to_params(view, scope)
for key in ov.PARAM_KEYS:
    if key in params:
        if st.query_params.get(key) != params[key]:
            st.query_params[key] = params[key]
    elif key in st.query_params:
        del st.query_params[key]
