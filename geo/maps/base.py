"""Building the Folium map: offline assets, base maps, escaped layers, legend, controls.

No streamlit import. Every string that comes from data goes through :func:`esc`
before it reaches folium (DESIGN §5): folium inserts popup and tooltip HTML into a
JavaScript template literal and GeoJSON tooltips through innerHTML.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import folium
import geopandas as gpd
import pandas as pd
from branca.element import MacroElement
from jinja2 import Template

from geo.core.datum import shift_gdf, wgs84_to_gcj02
from geo.data import facts
from geo.data.escape import esc
from geo.data.names import map_label
from geo.i18n import t

ROOT = Path(__file__).resolve().parents[2]
STATIC_DIR = ROOT / "static"
VENDOR_URL = "/app/static/vendor"  # served by Streamlit ([server] enableStaticServing)

# district extent for the initial view (south-west, north-east)
DISTRICT_FIT = [
    [facts.DISTRICT_BOUNDS[1], facts.DISTRICT_BOUNDS[0]],
    [facts.DISTRICT_BOUNDS[3], facts.DISTRICT_BOUNDS[2]],
]
DISTRICT_CENTER = (39.24, 121.87)
# The anchor of district-wide projects: an explicit, labelled marker in the sea off the
# east coast, so that it is never read as a place in a subdistrict.
DISTRICT_WIDE_ANCHOR = (39.02, 122.20)

MEAL_COLOR = "#1B5E20"
MEAL_SYMBOL = "餐"


# ---------------------------------------------------------------- offline assets

VENDOR_FILES = {
    "leaflet/leaflet.js": ("xstatic.pkg.leaflet", "leaflet.js"),
    "leaflet/leaflet.css": ("xstatic.pkg.leaflet", "leaflet.css"),
    "leaflet/images": ("xstatic.pkg.leaflet", "images"),
    "jquery/jquery.min.js": ("xstatic.pkg.jquery", "jquery.min.js"),
}
LOCAL_JS = [
    ("leaflet", f"{VENDOR_URL}/leaflet/leaflet.js"),
    ("jquery", f"{VENDOR_URL}/jquery/jquery.min.js"),
]
LOCAL_CSS = [("leaflet_css", f"{VENDOR_URL}/leaflet/leaflet.css")]


def ensure_static_assets(static_dir: Path = STATIC_DIR) -> Path:
    """Copy Leaflet and jQuery from their registry packages into static/vendor.

    Idempotent and cheap when the files are already there. The files are not
    committed: they come from the pinned xstatic packages.
    """
    import importlib

    vendor = Path(static_dir) / "vendor"
    for rel, (module, name) in VENDOR_FILES.items():
        target = vendor / rel
        if target.exists():
            continue
        src = Path(importlib.import_module(module).BASE_DIR) / name
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(target.name + ".tmp")
        if src.is_dir():
            shutil.copytree(src, tmp, dirs_exist_ok=True)
        else:
            shutil.copyfile(src, tmp)
        tmp.replace(target)  # atomic: concurrent sessions never see half a file
    return vendor


# ---------------------------------------------------------------- base maps

BASEMAPS = {
    # key: (tile URL, datum, attribution key, extra options)
    "blank": (None, "wgs84", "map.attr.blank", {}),
    "osm": ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "wgs84", "map.attr.osm", {"max_zoom": 19}),
    "amap": (
        "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}",
        "gcj02",
        "map.attr.amap",
        {"subdomains": "1234", "max_zoom": 18},
    ),
    "amap_sat": (
        "https://webst0{s}.is.autonavi.com/appmaptile?style=6&x={x}&y={y}&z={z}",
        "gcj02",
        "map.attr.amap_sat",
        {"subdomains": "1234", "max_zoom": 18},
    ),
}


def basemap_datum(base: str) -> str:
    return BASEMAPS[base][1]


# Inline SVG icons: a font may lack the ⛶ / ⌖ glyphs (they showed as empty boxes).
FULLSCREEN_SVG = (
    '<svg width="18" height="18" viewBox="0 0 18 18" aria-hidden="true" style="vertical-align:middle">'
    '<path d="M2 7V2h5M11 2h5v5M16 11v5h-5M7 16H2v-5" fill="none" stroke="#111" stroke-width="2.2"/></svg>'
)
LOCATE_SVG = (
    '<svg width="18" height="18" viewBox="0 0 18 18" aria-hidden="true" style="vertical-align:middle">'
    '<circle cx="9" cy="9" r="5" fill="none" stroke="#111" stroke-width="2"/><circle cx="9" cy="9" r="1.8" fill="#111"/>'
    '<path d="M9 0v4M9 14v4M0 9h4M14 9h4" stroke="#111" stroke-width="2"/></svg>'
)


class _Controls(MacroElement):
    """Fullscreen and locate-me buttons, written against Leaflet only (no CDN plugin)."""

    _template = Template("""
{% macro script(this, kwargs) %}
(function(){
  var map = {{ this._parent.get_name() }};
  if (map.attributionControl) { map.attributionControl.addAttribution({{ this.attribution|tojson }}); }
  var Btn = L.Control.extend({
    options: {position: 'topleft'},
    initialize: function(o){ L.setOptions(this, o); },
    onAdd: function(){
      var bar = L.DomUtil.create('div', 'leaflet-bar jp-ctl');
      var a = L.DomUtil.create('a', 'jp-btn ' + this.options.cls, bar);
      a.href = '#'; a.title = this.options.title; a.setAttribute('role', 'button');
      a.setAttribute('aria-label', this.options.title); a.innerHTML = this.options.glyph;
      var fn = this.options.fn;
      L.DomEvent.on(a, 'click', function(e){ L.DomEvent.stop(e); fn(); });
      L.DomEvent.disableClickPropagation(bar);
      return bar;
    }
  });
  new Btn({cls: 'jp-fullscreen', glyph: {{ this.fs_svg|tojson }}, title: {{ this.fs_title|tojson }}, fn: function(){
    var el = map.getContainer();
    var doc = document;
    if (doc.fullscreenElement || doc.webkitFullscreenElement) {
      (doc.exitFullscreen || doc.webkitExitFullscreen).call(doc);
    } else if (el.requestFullscreen) { el.requestFullscreen(); }
    else if (el.webkitRequestFullscreen) { el.webkitRequestFullscreen(); }
    setTimeout(function(){ map.invalidateSize(); }, 300);
  }}).addTo(map);
  // accessible markers: Leaflet gives every marker icon role=button and tabindex=0. An
  // interactive one without visible text is named by its tooltip's text (parsed inertly,
  // never inserted); a
  // non-interactive one (a label, a background point) is not a button and leaves the tab order.
  function a11y(l){
    if (!(l instanceof L.Marker)) { return; }
    var el = l.getElement && l.getElement();
    if (!el) { return; }
    if (!l.options.interactive) {
      el.removeAttribute('role'); el.removeAttribute('tabindex'); el.setAttribute('aria-hidden', 'true'); return;
    }
    var tt = l.getTooltip && l.getTooltip(), c = tt && tt.getContent();
    if (typeof c === 'string' && c && !el.getAttribute('aria-label')) {
      var txt = new DOMParser().parseFromString(c, 'text/html').body.textContent.trim();
      // an icon with visible text is named by that text (WCAG 2.5.3, label in name)
      // (text under aria-hidden, such as a sector glyph's SVG, is not a name)
      var vis = el.cloneNode(true);
      vis.querySelectorAll('[aria-hidden="true"]').forEach(function(n){ n.remove(); });
      if (txt && !vis.textContent.trim()) { el.setAttribute('aria-label', txt); }
    }
  }
  // deferred: folium sets a marker's icon and tooltip after adding it
  function later(l){ setTimeout(function(){ a11y(l); }, 0); }
  map.eachLayer(later);
  map.on('layeradd', function(e){ later(e.layer); });
  {% if this.locate %}
  new Btn({cls: 'jp-locate', glyph: {{ this.loc_svg|tojson }}, title: {{ this.loc_title|tojson }}, fn: function(){
    if (!navigator.geolocation) { return; }
    map.locate({setView: true, maxZoom: 15});
  }}).addTo(map);
  var me = null;
  map.on('locationfound', function(e){
    if (me) { map.removeLayer(me); }
    me = L.circle(e.latlng, {radius: e.accuracy, color: '#0b57d0', weight: 2, fillOpacity: 0.1}).addTo(map);
  });
  {% endif %}
})();
{% endmacro %}
""")

    def __init__(self, lang: str, locate: bool = True, attribution: str = ""):
        super().__init__()
        self.attribution = " | ".join(x for x in (attribution, t("map.attr.data", lang)) if x)
        self._name = "JpControls"
        self.fs_title = t("map.fullscreen", lang)
        self.loc_title = t("map.locate", lang)
        self.locate = locate
        self.fs_svg = FULLSCREEN_SVG
        self.loc_svg = LOCATE_SVG


MAP_CSS = """
<style>
.leaflet-container { background: #eef2f4; font-size: 15px; }
.jp-btn { font-size: 20px; line-height: 30px; text-align: center; text-decoration: none; color: #111 !important; }
.jp-icon { background: none; border: none; }
.jp-label { background: rgba(255,255,255,0.85); border: 1px solid #555; border-radius: 4px; padding: 1px 4px;
  font-size: 12px; color: #111; white-space: nowrap; }
.jp-sublabel { background: none; border: none; box-shadow: none; font-size: 12px; color: #222; font-weight: 600;
  text-shadow: 0 0 3px #fff, 0 0 3px #fff; white-space: nowrap; }
.jp-legend { background: rgba(255,255,255,0.95); padding: 8px 10px; border-radius: 6px; border: 1px solid #999;
  font-size: 13px; line-height: 1.5; color: #111; max-width: 240px; }
.jp-legend h4 { margin: 0 0 4px 0; font-size: 14px; }
.jp-legend .row { display: flex; align-items: center; gap: 6px; }
.jp-legend .note { margin-top: 4px; font-size: 12px; color: #333; }
.jp-legend-toggle { cursor: pointer; display: flex; align-items: center; justify-content: space-between; gap: 8px;
  width: 100%; min-height: 36px; margin: 0; padding: 2px 0; background: none; border: none; font: inherit;
  font-weight: 700; font-size: 14px; color: #111; text-align: left; }
.jp-legend-toggle .chev { font-size: 12px; }
.jp-legend.collapsed .jp-legend-body { display: none; }
.jp-legend.collapsed { padding: 2px 10px; }
.jp-legend .row.off { opacity: 0.45; }
.jp-legend .row .cnt { margin-left: auto; padding-left: 8px; font-weight: 700; font-variant-numeric: tabular-nums; }
.jp-legend .scope { font-weight: 600; overflow-wrap: anywhere; }
.jp-legend-body { max-height: 60vh; overflow-y: auto; }
.jp-tip { font-size: 14px; line-height: 1.45; max-width: 280px; white-space: normal; overflow-wrap: anywhere; }
.jp-tip .muted { color: #444; }
.jp-meal { width: 22px; height: 22px; margin: 0; border: 2px solid #fff; border-radius: 6px; background: #1B5E20;
  color: #fff; font: 700 13px/22px sans-serif; text-align: center; box-shadow: 0 0 0 1px #1B5E20; }
.jp-meal::after { content: "\\9910"; }
.jp-pin { filter: drop-shadow(0 1px 1px rgba(0,0,0,0.5)); }
.jp-dw { background: rgba(255,255,255,0.96); border: 2px dashed #333; border-radius: 8px; padding: 3px 6px;
  font-size: 13px; font-weight: 700; color: #111; white-space: nowrap; display: inline-block; cursor: pointer; }
.jp-dw { white-space: normal; width: 110px; line-height: 1.25; }
.jp-dw .g { display: grid; grid-template-columns: repeat(3, 1fr); gap: 1px 2px; margin-top: 2px; font-weight: 600; font-size: 11px; }
.jp-dw .g span { display: inline-flex; align-items: center; gap: 1px; }
.jp-popup ul.jp-dw-list { padding-left: 0; margin: 0; list-style: none; max-height: 240px; overflow-y: auto; }
.jp-popup ul.jp-dw-list li { margin: 2px 0; }
.jp-popup { font-size: 14px; line-height: 1.45; color: #111; max-width: 300px; overflow-wrap: anywhere; }
.jp-popup h4 { font-size: 15px; margin: 0 0 4px 0; }
.jp-popup .muted { color: #444; }
.jp-popup table { border-collapse: collapse; }
.jp-popup td { padding: 1px 6px 1px 0; vertical-align: top; }
@media (max-width: 500px) { .jp-legend { max-width: 190px; font-size: 12px; } .jp-popup { max-width: 240px; } }
</style>
"""


class _Css(MacroElement):
    _template = Template("""{% macro header(this, kwargs) %}""" + MAP_CSS + """{% endmacro %}""")


def base_map(
    lang: str = "zh", base: str = "blank", height_fit: bool = True, locate: bool = True, zoom_control: bool = True
) -> folium.Map:
    """The constant part of the map: local Leaflet, a base layer, CSS and controls.

    Build it once per (language, base) and keep it: changing layers go through
    ``st_folium(feature_group_to_add=...)`` so the iframe is not remounted.
    """
    m = folium.Map(
        location=DISTRICT_CENTER,
        zoom_start=10,
        tiles=None,
        control_scale=True,
        zoom_control=zoom_control,
        prefer_canvas=False,
        zoom_snap=0.25,
        zoom_delta=0.5,
    )
    m.default_js = list(LOCAL_JS)
    m.default_css = list(LOCAL_CSS)
    url, _datum, attr_key, opts = BASEMAPS[base]
    if url:
        folium.TileLayer(tiles=url, attr=t(attr_key, lang), name=t(f"map.base.{base}", lang), **opts).add_to(m)
    # a blank base has no tile layer at all: no tile requests, the vector layers carry the map
    _Css().add_to(m)
    _Controls(lang, locate=locate, attribution=t(attr_key, lang) if not url else "").add_to(m)
    m.fit_bounds(DISTRICT_FIT)
    return m


# ---------------------------------------------------------------- symbols

SHAPES = {
    "education": "M14 2 L26 14 L14 26 L2 14 Z",  # diamond
    "medical": "M10 2 H18 V10 H26 V18 H18 V26 H10 V18 H2 V10 H10 Z",  # cross
    "urban_renewal": "M3 3 H25 V25 H3 Z",  # square
    "hazard_control": "M14 2 L26 25 H2 Z",  # triangle
    "rural_revitalization": "M14 2 L17.5 10.5 L26.5 10.8 L19.5 16.5 L22 25.5 L14 20.3 L6 25.5 L8.5 16.5 L1.5 10.8 L10.5 10.5 Z",  # star
    "elderly_care": "M14 2 A12 12 0 1 1 13.99 2 Z",  # circle
}


def sector_svg(key: str, size: int = 28) -> str:
    s = facts.SECTOR_BY_KEY[key]
    return (
        f'<svg width="{size}" height="{size}" viewBox="0 0 28 28" aria-hidden="true">'
        f'<path d="{SHAPES[key]}" fill="{s.color}" stroke="#111" stroke-width="1.5"/>'
        f'<text x="14" y="18.5" text-anchor="middle" font-size="11" font-weight="700" fill="#fff" '
        f'stroke="#000" stroke-width="0.6" paint-order="stroke">{s.symbol}</text></svg>'
    )


def meal_svg(size: int = 26, number: int | None = None) -> str:
    label = str(number) if number is not None else MEAL_SYMBOL
    return (
        f'<svg width="{size}" height="{size}" viewBox="0 0 26 26" aria-hidden="true">'
        f'<rect x="1.5" y="1.5" width="23" height="23" rx="6" fill="{MEAL_COLOR}" stroke="#fff" stroke-width="2"/>'
        f'<text x="13" y="18" text-anchor="middle" font-size="13" font-weight="700" fill="#fff">{label}</text></svg>'
    )


def sector_label(key: str, lang: str) -> str:
    return t(f"sector.{key}", lang)


# ---------------------------------------------------------------- popups


def _fig_lines(row, lang: str) -> list[str]:
    from geo.data.schema import FIGURE_FIELDS

    out = []
    for name, unit_zh, unit_en in FIGURE_FIELDS:
        v = row.get(name)
        if v is not None and not pd.isna(v):
            unit = unit_zh if lang == "zh" else unit_en
            out.append(f"{int(v):,} {esc(unit)}")
    return out


def project_popup_html(row, lang: str) -> str:
    name = row["name_zh"] if lang == "zh" else row["name_en"]
    summary = row.get("summary_zh" if lang == "zh" else "summary_en")
    prec = row["location_precision"]
    parts = [
        f'<div class="jp-popup"><h4>{esc(name)}</h4>',
        f"<div>{sector_svg(row['sector'], 18)} {esc(sector_label(row['sector'], lang))}</div>",
    ]
    if summary and not pd.isna(summary):
        parts.append(f"<p>{esc(summary)}</p>")
    figs = _fig_lines(row, lang)
    if figs:
        parts.append(f"<div><b>{esc(t('popup.figures', lang))}</b> " + "; ".join(figs))
        note = row.get("figures_note")
        if note and not pd.isna(note):
            parts.append(f' <span class="muted">({esc(note)})</span>')
        parts.append("</div>")
    parts.append(f'<div class="muted">{esc(t("popup.precision", lang))}: {esc(t("precision." + prec, lang))}')
    note = row.get("location_note")
    if note and not pd.isna(note):
        parts.append(f" — {esc(note)}")
    parts.append("</div></div>")
    return "".join(parts)


def meal_popup_html(row, lang: str, subdistrict_name: str = "") -> str:
    name = row["name_zh"] if lang == "zh" else row["name_en"]
    np_ = t("popup.not_published", lang)
    kind = row.get("kind")
    kind_txt = t(f"meal.kind.{kind}", lang) if kind and not pd.isna(kind) else np_
    rows = [(t("popup.subdistrict", lang), subdistrict_name or row["subdistrict_code"])]
    missing = []  # what is not known is listed once, after "not published"
    if kind and not pd.isna(kind):
        rows.append((t("popup.kind", lang), kind_txt))
    else:
        missing.append(t("popup.kind", lang))
    for col in ("address", "hours", "phone", "dine_in", "delivery", "price_note"):
        v = row.get(col)
        if v is None or pd.isna(v) or v == "":
            missing.append(t(f"meal.{col}", lang))
            continue
        if col in ("dine_in", "delivery"):
            v = t(f"yesno.{v}", lang)
        rows.append((t(f"meal.{col}", lang), v))
    cells = "".join(f"<tr><td><b>{esc(k)}</b></td><td>{esc(v)}</td></tr>" for k, v in rows)
    sep = "、" if lang == "zh" else ", "
    miss = f"<div><b>{esc(np_)}:</b> {esc(sep.join(missing))}</div>" if missing else ""
    prec = row["location_precision"]
    return (
        f'<div class="jp-popup"><h4>{esc(name)}</h4><table>{cells}</table>{miss}'
        f'<div class="muted">{esc(t("popup.precision", lang))}: {esc(t("meal.precision." + prec, lang))}</div></div>'
    )


# ---------------------------------------------------------------- layers


def subdistrict_layer(
    subdistricts: gpd.GeoDataFrame,
    lang: str,
    datum: str = "wgs84",
    tooltips: dict[str, str] | None = None,
    labels: bool = True,
    name: str | None = None,
    style: dict | None = None,
    emphasis: str | None = None,
) -> folium.FeatureGroup:
    """Outlines with escaped tooltips (pre-built HTML per code) and optional name labels;
    the subdistrict ``emphasis`` (a code) is drawn with a heavier outline."""
    fg = folium.FeatureGroup(name=name or t("layer.subdistricts", lang))
    gdf = subdistricts[["code", "name_zh", "name_en", "geometry"]].copy()
    if datum == "gcj02":
        gdf = shift_gdf(gdf, to="gcj02")
    gdf["tip"] = [
        (tooltips or {}).get(c) or f"<b>{esc(nz if lang == 'zh' else ne)}</b>"
        for c, nz, ne in zip(gdf["code"], gdf["name_zh"], gdf["name_en"])
    ]
    gdf = gdf[["code", "tip", "geometry"]]
    st = style or {"color": "#37474F", "weight": 1.5, "fillColor": "#90A4AE", "fillOpacity": 0.08}
    folium.GeoJson(
        gdf.to_json(),
        name="subdistricts",
        style_function=lambda f, st=st: (
            st if f["properties"]["code"] != emphasis else {**st, "weight": 4, "color": "#000", "fillOpacity": 0.18}
        ),
        highlight_function=lambda _f: {"weight": 3, "color": "#000"},
        tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False, sticky=True),
    ).add_to(fg)
    if labels:
        for _c, nz, ne, geom in zip(
            subdistricts["code"], subdistricts["name_zh"], subdistricts["name_en"], subdistricts.geometry
        ):
            p = geom.representative_point()
            lat, lon = p.y, p.x
            if datum == "gcj02":
                lon, lat = wgs84_to_gcj02(lon, lat)
            text = esc(map_label(nz, ne, lang))
            folium.Marker(
                (float(lat), float(lon)),
                icon=folium.DivIcon(
                    html=f'<div class="jp-sublabel">{text}</div>',
                    icon_size=(90, 16),
                    icon_anchor=(45, 8),
                    class_name="jp-icon",
                ),
                interactive=False,
            ).add_to(fg)
    return fg


def _latlon(lat, lon, datum):
    if datum == "gcj02":
        lon, lat = wgs84_to_gcj02(lon, lat)
    return float(lat), float(lon)


def _sector_shape(key: str) -> str:
    s = facts.SECTOR_BY_KEY[key]
    return (
        f'<path d="{SHAPES[key]}" fill="{s.color}" stroke="#111" stroke-width="1.5"/>'
        f'<text x="14" y="18.5" text-anchor="middle" font-size="11" font-weight="700" fill="#fff" '
        f'stroke="#000" stroke-width="0.6" paint-order="stroke">{s.symbol}</text>'
    )


def project_pin(key: str) -> str:
    """The project marker: the sector symbol on a short stem whose tip is the position, so a
    meal point at the same place stays visible below it."""
    return (
        '<svg class="jp-pin" width="28" height="36" viewBox="0 0 28 36" aria-hidden="true">'
        '<line x1="14" y1="24" x2="14" y2="36" stroke="#111" stroke-width="2.5"/>'
        f"{_sector_shape(key)}</svg>"
    )


def district_wide_popup_html(wide: pd.DataFrame, lang: str) -> str:
    items = []
    for _, r in wide.iterrows():
        figs = _fig_lines(r, lang)
        items.append(
            f'<li class="jp-dw-item" data-id="{esc(r["id"])}" data-sector="{esc(r["sector"])}">'
            f"{sector_svg(r['sector'], 14)} {esc(r['name_zh'] if lang == 'zh' else r['name_en'])}"
            + (f' <span class="muted">({"; ".join(figs)})</span>' if figs else "")
            + "</li>"
        )
    title = t("map.district_wide", lang, n=len(wide))
    return (
        f'<div class="jp-popup"><h4>{esc(title)}</h4><p class="muted">{esc(t("map.district_wide_note", lang))}</p>'
        f'<ul class="jp-dw-list">{"".join(items)}</ul></div>'
    )


def district_wide_icon_html(wide: pd.DataFrame, lang: str) -> str:
    counts = wide["sector"].value_counts()
    glyphs = "".join(
        f'<span data-sector="{esc(k)}">{sector_svg(k, 14)}{int(counts[k])}</span>'
        for k in facts.SECTOR_KEYS
        if k in counts.index
    )
    return (
        f'<div class="jp-dw jp-district-wide" data-n="{len(wide)}" title="{esc(t("map.district_wide_note", lang))}">'
        f"<div>&#9679; {esc(t('ov.anchor.title', lang))}</div><div>{esc(t('ov.anchor.n', lang, n=len(wide)))}</div>"
        f'<div class="g">{glyphs}</div></div>'
    )


def project_layer(
    projects: gpd.GeoDataFrame, lang: str, datum: str = "wgs84", name: str | None = None
) -> folium.FeatureGroup:
    """One marker per located project; district-wide projects grouped at a labelled anchor
    (off the coast, so it is never read as a place) whose popup lists them."""
    fg = folium.FeatureGroup(name=name or t("layer.projects", lang))
    has_pos = projects["lat"].notna() & projects["lon"].notna()
    located = projects[has_pos]
    wide = projects[~has_pos]
    for _, row in located.iterrows():
        nm = row["name_zh"] if lang == "zh" else row["name_en"]
        folium.Marker(
            _latlon(row["lat"], row["lon"], datum),
            icon=folium.DivIcon(
                html=f'<div class="jp-proj" data-id="{esc(row["id"])}" '
                f'data-sector="{esc(row["sector"])}">{project_pin(row["sector"])}</div>',
                icon_size=(28, 36),
                icon_anchor=(14, 36),
                class_name="jp-icon",
            ),
            tooltip=folium.Tooltip(esc(nm)),
            popup=folium.Popup(project_popup_html(row, lang), max_width=320),
            z_index_offset=1000,
        ).add_to(fg)
    if len(wide):
        folium.Marker(
            _latlon(*DISTRICT_WIDE_ANCHOR, datum),
            icon=folium.DivIcon(
                html=district_wide_icon_html(wide, lang),
                icon_size=(124, 76),
                icon_anchor=(62, 38),
                class_name="jp-icon jp-dw-anchor",
            ),
            tooltip=folium.Tooltip(esc(t("map.district_wide_note", lang))),
            popup=folium.Popup(district_wide_popup_html(wide, lang), max_width=340),
            z_index_offset=500,
        ).add_to(fg)
    return fg


def meal_point_layer(
    meal_points: gpd.GeoDataFrame,
    lang: str,
    datum: str = "wgs84",
    subdistrict_names: dict[str, str] | None = None,
    name: str | None = None,
) -> folium.FeatureGroup:
    fg = folium.FeatureGroup(name=name or t("layer.meal_points", lang))
    names = subdistrict_names or {}
    for _, row in meal_points.iterrows():
        nm = row["name_zh"] if lang == "zh" else row["name_en"]
        folium.Marker(
            _latlon(row["lat"], row["lon"], datum),
            # drawn by CSS (.jp-meal in MAP_CSS, the same look as meal_svg): 60 inline SVGs cost ≈36 kB per rerun
            icon=folium.DivIcon(
                html=f'<div class="jp-meal" data-id="{esc(row["id"])}"></div>',
                icon_size=(26, 26),
                icon_anchor=(13, 13),
                class_name="jp-icon",
            ),
            tooltip=folium.Tooltip(esc(nm)),
            popup=folium.Popup(meal_popup_html(row, lang, names.get(row["subdistrict_code"], "")), max_width=320),
        ).add_to(fg)
    return fg


class Legend(MacroElement):
    """A legend drawn as a Leaflet control (part of the map, not a page element).

    It folds behind a "Legend" button (``aria-expanded``); it starts folded when the map
    is narrower than ``collapse_below`` px so that it never covers a phone's map. With
    ``dynamic=True`` it holds a slot that :class:`LegendUpdate` fills from a feature group,
    so the legend follows the filters without changing the base map.
    """

    _template = Template("""
{% macro script(this, kwargs) %}
(function(){
  var map = {{ this._parent.get_name() }};
  var lg = L.control({position: {{ this.position|tojson }}});
  lg.onAdd = function(){
    var d = L.DomUtil.create('div', 'jp-legend');
    d.setAttribute('role', 'region'); d.setAttribute('aria-label', {{ this.title|tojson }});
    var b = L.DomUtil.create('button', 'jp-legend-toggle', d);
    b.type = 'button'; b.setAttribute('aria-expanded', 'true');
    var tt = L.DomUtil.create('span', '', b); tt.textContent = {{ this.title|tojson }};
    var ch = L.DomUtil.create('span', 'chev', b); ch.textContent = '\u25be';
    var body = L.DomUtil.create('div', 'jp-legend-body', d);
    {% if this.dynamic %}var dyn = L.DomUtil.create('div', 'jp-legend-dyn', body);
    if (window.__jpLegendDyn !== undefined) { dyn.innerHTML = window.__jpLegendDyn; }{% endif %}
    var st = L.DomUtil.create('div', 'jp-legend-static', body);
    st.innerHTML = {{ this.body|tojson }};
    function set(open){ d.classList.toggle('collapsed', !open); b.setAttribute('aria-expanded', open ? 'true' : 'false');
      ch.textContent = open ? '\u25be' : '\u25b8'; }
    L.DomEvent.on(b, 'click', function(e){ L.DomEvent.stop(e); set(d.classList.contains('collapsed')); });
    set(!(map.getSize().x < {{ this.collapse_below }}));
    L.DomEvent.disableClickPropagation(d);
    L.DomEvent.disableScrollPropagation(d);
    return d;
  };
  lg.addTo(map);
})();
{% endmacro %}
""")

    def __init__(
        self,
        title: str,
        body_html: str,
        position: str = "bottomright",
        collapse_below: int = 560,
        dynamic: bool = False,
    ):
        super().__init__()
        self._name = "JpLegend"
        self.title = title
        self.body = body_html
        self.position = position
        self.collapse_below = int(collapse_below)
        self.dynamic = dynamic


class LegendUpdate(MacroElement):
    """Fills the legend's dynamic slot; add it to a feature group (it reruns with the group)."""

    _template = Template("""
{% macro script(this, kwargs) %}
(function(){
  window.__jpLegendDyn = {{ this.html|tojson }};
  var els = document.querySelectorAll('.jp-legend-dyn');
  for (var i = 0; i < els.length; i++) { els[i].innerHTML = window.__jpLegendDyn; }
})();
{% endmacro %}
""")

    def __init__(self, html_: str):
        super().__init__()
        self._name = "JpLegendUpdate"
        self.html = html_


def overview_legend(
    lang: str, sectors=None, extra_rows: list[str] | None = None, dynamic: bool = False, position: str = "bottomright"
) -> Legend:
    """The map legend. With ``dynamic=True`` the sector and meal-point rows come from a
    :class:`LegendUpdate` in a feature group (with counts that follow the filters)."""
    sectors = sectors or facts.SECTOR_KEYS
    rows = (
        []
        if dynamic
        else [f'<div class="row">{sector_svg(k, 18)}<span>{esc(sector_label(k, lang))}</span></div>' for k in sectors]
    )
    if not dynamic:
        rows.append(f'<div class="row">{meal_svg(18)}<span>{esc(t("layer.meal_points", lang))}</span></div>')
    rows.append(
        f'<div class="row"><span class="jp-dw" style="font-size:10px;padding:0 3px">&#9679;</span>'
        f"<span>{esc(t('legend.district_wide', lang))}</span></div>"
    )
    rows += extra_rows or []
    title = t("legend.title", lang)
    body = "".join(rows) + f'<div class="note">{esc(t("note.schematic_short", lang))}</div>'
    return Legend(title, body, position=position, dynamic=dynamic)


def shift_for_display(gdf: gpd.GeoDataFrame, base: str) -> gpd.GeoDataFrame:
    """Data is stored in WGS-84; with a GCJ-02 base map it is shifted for display only."""
    return shift_gdf(gdf, to="gcj02") if basemap_datum(base) == "gcj02" else gdf


def stable_ids(element, prefix: str = "s") -> None:
    """Give every element under ``element`` a deterministic id.

    folium names elements with random uuids; streamlit-folium renames the children of a
    feature group but not, e.g., a popup's inner Html element. Random names would make the
    feature-group script differ on every rerun, so the iframe would re-add every layer (and
    close an open popup) on reruns that change nothing. Call this before ``st_folium``.
    """
    seen: set[int] = set()
    counter = [0]

    def visit(el):
        if id(el) in seen:
            return
        seen.add(id(el))
        el._id = f"{prefix}{counter[0]:x}"
        counter[0] += 1
        children = getattr(el, "_children", None)
        if children:
            for child in list(children.values()):
                visit(child)
            # templates use the dict keys (names taken when the child was added): re-key them
            el._children = type(children)((c.get_name(), c) for c in children.values())
        for attr in ("html", "script", "header"):
            sub = getattr(el, attr, None)
            if sub is not None and hasattr(sub, "_children") and sub is not el:
                visit(sub)

    visit(element)
