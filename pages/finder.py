"""Meal-point finder for residents: where am I -> the nearest meal points -> walk there.

Thin page: the logic is in geo/finder.py, the map pieces in geo/finder_map.py.
"""

import streamlit as st
from streamlit_folium import st_folium

from geo.i18n import t
from geo.maps.base import basemap_datum, esc, meal_svg
from geo.maps.finder import finder_base_map, result_layer
from geo.views import finder as fd
from ui import state

lang = state.page_setup()
elder = bool(st.session_state.get("elder"))
ds = state.dataset()
MAP_KEY = "fd_map"
BASES = ("blank", "osm", "amap")
MODES = ("nearest", *fd.WALK_RADII_M)

st.session_state.setdefault("fd_origin", None)
st.session_state.setdefault("fd_base", "blank")
st.session_state.setdefault("fd_mode", "nearest")


def _base() -> str:
    b = st.session_state.get("fd_base", "blank")
    return b if b in BASES else "blank"


# ------------------------------------------------------------------ callbacks (run before the script)


def _on_sub():
    code = st.session_state.get("fd_sub")
    if code:
        st.session_state["fd_origin"] = fd.origin_from_seat(state.dataset().subdistricts, code)


def _on_map():
    value = st.session_state.get(MAP_KEY) or {}
    click = value.get("last_clicked")
    if click and click != st.session_state.get("fd_last_click"):
        st.session_state["fd_last_click"] = click
        origin = fd.origin_from_click(click, basemap_datum(_base()))
        if origin is not None:
            st.session_state["fd_origin"] = origin
            st.session_state["fd_sub"] = None


def _on_coords():
    try:
        origin = fd.origin_from_text(
            st.session_state.get("fd_coords_text", ""), st.session_state.get("fd_coords_datum", "wgs84")
        )
    except fd.CoordError as exc:
        st.session_state["fd_coords_err"] = exc.key
        return
    st.session_state["fd_coords_err"] = None
    st.session_state["fd_origin"] = origin
    st.session_state["fd_sub"] = None


# ------------------------------------------------------------------ page CSS (elder mode reaches 20 px / 60 px here)

PAGE_CSS = """
<style>
.fd-head { display: flex; align-items: center; gap: 10px; font-weight: 700; font-size: 1.15em; line-height: 1.3; }
.fd-head svg { flex: none; }
.fd-dist { font-size: 1.05em; margin: 4px 0 2px 0; }
.fd-tie { color: #3b3b3b; }
.fd-caveat { color: #5c4400; background: #FFF8E1; border-left: 4px solid #8D6E00; padding: 4px 8px; margin: 4px 0; }
.fd-details { margin: 4px 0 0 0; line-height: 1.5; }
.fd-details .np { color: #4a4a4a; }
.fd-tel { display: inline-flex; align-items: center; min-height: 44px; padding: 0 12px; border: 2px solid #0B57D0;
  border-radius: 8px; color: #0B57D0 !important; font-weight: 700; text-decoration: none; }
.fd-origin { font-weight: 600; }
[data-testid="stMainBlockContainer"] { overflow-x: hidden; }
iframe[title="streamlit_folium.st_folium"] { max-width: 100%; }
</style>
"""

ELDER_PAGE_CSS = """
<style>
[data-testid="stMainBlockContainer"] p, [data-testid="stMainBlockContainer"] li,
[data-testid="stMainBlockContainer"] label, .fd-details div, .fd-dist, .fd-caveat, .fd-origin { font-size: 22px !important; line-height: 1.5 !important; }
.fd-head { font-size: 26px !important; }
[data-testid="stMainBlockContainer"] h1 { font-size: 36px !important; }
[data-testid="stHeaderActionElements"] { display: none !important; }
.fd-tel { min-height: 60px; min-width: 60px; font-size: 22px; }
[data-testid="stMainBlockContainer"] a[data-testid^="stBaseLinkButton"],
[data-testid="stMainBlockContainer"] button { min-height: 60px !important; min-width: 60px !important; font-size: 22px !important; }
[data-testid="stMainBlockContainer"] [data-baseweb="select"] > div { min-height: 60px !important; }
[data-testid="stMainBlockContainer"] input { min-height: 60px !important; font-size: 22px !important; }
[data-testid="stMainBlockContainer"] details summary { min-height: 60px !important; display: flex; align-items: center; }
[data-testid="stMainBlockContainer"] [role="radiogroup"] label,
[data-testid="stMainBlockContainer"] [data-testid="stCheckbox"] label { min-height: 60px !important; align-items: center; }
</style>
"""

st.markdown(PAGE_CSS + (ELDER_PAGE_CSS if elder else ""), unsafe_allow_html=True)

# ------------------------------------------------------------------ where am I

st.title(t("fd.title", lang))
if not elder:
    st.caption(t("fd.intro", lang))

codes = [str(c) for c in ds.subdistricts["code"]]
finder = fd.Finder(ds.meal_points, ds.subdistricts)
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
        ("wgs84", "gcj02"),
        key="fd_coords_datum",
        horizontal=not elder,
        format_func=lambda d: t(f"fd.coords.datum.{d}", lang),
    )
    st.button(t("fd.coords.go", lang), key="fd_coords_go", on_click=_on_coords)
    if st.session_state.get("fd_coords_err"):
        st.error(t(st.session_state["fd_coords_err"], lang))

if not elder:
    with st.expander(t("fd.options", lang)):
        st.selectbox(
            t("fd.mode", lang),
            MODES,
            key="fd_mode",
            format_func=lambda m: (
                t("fd.mode.nearest", lang) if m == "nearest" else t("fd.mode.within", lang, r=fd.fmt_distance(m, lang))
            ),
        )
        st.selectbox(t("fd.base", lang), BASES, key="fd_base", format_func=lambda b: t(f"map.base.{b}", lang))
        st.caption(t("fd.base.note", lang))

# ------------------------------------------------------------------ answer

origin = st.session_state.get("fd_origin")
mode = st.session_state.get("fd_mode", "nearest") if not elder else "nearest"
answer = None
if origin is not None:
    if mode == "nearest":
        answer = finder.answer(origin, lang)
    else:
        answer = finder.answer(origin, lang, mode="within", walk_radius_m=float(mode))

# ------------------------------------------------------------------ map

base = _base()
m = finder_base_map(lang, base, elder, ds.subdistricts, ds.meal_points)
center = zoom = None
if answer is not None:
    pts = [(origin.lon, origin.lat)] + [(r.lon, r.lat) for r in answer.results]
    (clat, clon), zoom = fd.view_for(pts, height_px=360)
    if basemap_datum(base) == "gcj02":
        from geo.core.datum import wgs84_to_gcj02

        clon, clat = wgs84_to_gcj02(clon, clat)
    center = (clat, clon)
st_folium(
    m,
    key=MAP_KEY,
    height=380 if elder else 360,
    use_container_width=True,
    returned_objects=["last_clicked"],
    feature_group_to_add=[result_layer(answer, lang, base, elder)],
    center=center,
    zoom=zoom,
    on_change=_on_map,
)

# ------------------------------------------------------------------ results

if answer is None:
    if len(finder) == 0:
        st.error(t("fd.msg.empty", lang))
    else:
        st.info(t("fd.start", lang))
else:
    where = fd.origin_label(origin, finder, lang)
    if answer.origin_code and origin.kind != "seat":
        where += " · " + t("fd.origin.in_sub", lang, sub=finder.subdistrict_name(answer.origin_code, lang))
    st.markdown(f'<div class="fd-origin">{esc(where)}</div>', unsafe_allow_html=True)
    for level, text in fd.messages(answer, lang):
        getattr(st, level)(text)
    if answer.results:
        if answer.none_within:
            st.subheader(t("fd.results.fallback", lang))
        elif answer.mode == "within":
            st.subheader(
                t(
                    "fd.results.within",
                    lang,
                    r=fd.fmt_distance(answer.walk_radius_m, lang),
                    n=len(answer.results) + answer.truncated,
                )
            )
        else:
            st.subheader(t("fd.results.nearest", lang, n=len(answer.results)))
        np_ = t("popup.not_published", lang)
        colon = "：" if lang == "zh" else ": "
        for r in answer.results:
            with st.container(border=True, key=f"fd_item_{r.rank}"):
                parts = [
                    f'<div class="fd-item" data-rank="{r.rank}" data-id="{esc(r.id)}">',
                    f'<div class="fd-head">{meal_svg(34 if elder else 28, number=r.rank)}'
                    f"<span>{r.rank}. {esc(r.name)}</span></div>",
                    f'<div class="fd-dist">{esc(fd.distance_line(r, lang))}',
                ]
                tie = fd.tie_note(r, lang)
                if tie:
                    parts.append(
                        f' <span class="fd-tie">（{esc(tie)}）</span>'
                        if lang == "zh"
                        else f' <span class="fd-tie">({esc(tie)})</span>'
                    )
                parts.append("</div>")
                cav = fd.caveat(r, lang)
                if cav:
                    parts.append(f'<div class="fd-caveat">{esc(cav)}</div>')
                parts.append("</div>")
                st.markdown("".join(parts), unsafe_allow_html=True)
                st.link_button(
                    t("fd.nav.amap", lang),
                    r.amap_url,
                    type="primary",
                    use_container_width=True,
                    icon=":material/directions_walk:",
                )
                st.link_button(t("fd.nav.baidu", lang), r.baidu_url, use_container_width=True)
                rows, unpublished = [], []
                for label, val, kind in fd.detail_rows(r, lang, essentials_only=elder):
                    if val is None:
                        unpublished.append(esc(label))
                    elif kind == "tel":
                        rows.append(
                            f'<div><b>{esc(label)}</b>{colon}<a class="fd-tel" href="tel:{esc(r.tel)}">'
                            f"☎ {esc(val)}</a></div>"
                        )
                    else:
                        rows.append(f"<div><b>{esc(label)}</b>{colon}{esc(val)}</div>")
                if unpublished:
                    sep = "、" if lang == "zh" else ", "
                    rows.append(f'<div class="np"><b>{esc(np_)}</b>{colon}{sep.join(unpublished)}</div>')
                st.markdown(f'<div class="fd-details">{"".join(rows)}</div>', unsafe_allow_html=True)
        if not origin.user_given:
            st.caption(t("fd.nav.note", lang))

with st.expander(t("fd.assume.title", lang)):
    st.markdown(fd.assumptions(lang))
