"""The map legend: a Leaflet control (assets/legend.js) that folds behind its title, and
the script that fills its dynamic part from a feature group (assets/legend_update.js)."""

from __future__ import annotations

from branca.element import MacroElement
from jinja2 import Template

from geo.data import facts
from geo.data.escape import esc
from geo.i18n import t
from geo.maps.assets import read
from geo.maps.cache import TextRender
from geo.maps.symbols import cluster_svg, meal_svg, sector_label, sector_svg


class Legend(TextRender, MacroElement):
    """A legend drawn as a Leaflet control (part of the map, not a page element).

    It folds behind a "Legend" button (``aria-expanded``); it starts folded when the map
    is narrower than ``collapse_below`` px so that it never covers a phone's map. With
    ``dynamic=True`` it holds a slot that :class:`LegendUpdate` fills from a feature group,
    so the legend follows the filters without changing the base map.
    """

    _template = Template("""
{% macro script(this, kwargs) %}
(function(){
{{ this.js }}
  jpLegend({{ this._parent.get_name() }}, {{ this.opts|tojson }});
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
        self.js = read("legend.js")

    @property
    def opts(self) -> dict:
        return {
            "position": self.position,
            "title": self.title,
            "body": self.body,
            "collapseBelow": self.collapse_below,
            "dynamic": bool(self.dynamic),
        }


class LegendUpdate(TextRender, MacroElement):
    """Fills the legend's dynamic slot; add it to a feature group (it reruns with the group)."""

    _template = Template("""
{% macro script(this, kwargs) %}
(function(){
{{ this.js }}
  jpLegendUpdate({{ this.html|tojson }});
})();
{% endmacro %}
""")

    def __init__(self, html_: str):
        super().__init__()
        self._name = "JpLegendUpdate"
        self.html = html_
        self.js = read("legend_update.js")


def meal_legend_rows(lang: str, verified: int | None = None, approx: int | None = None, on: bool = True) -> list[str]:
    """The legend's meal-point rows: the solid square of a checked position and the hollow,
    dashed one of an illustrative position (shape, not colour alone), with their counts
    when given (a row is left out when its count is 0; both greyed when ``on`` is False)."""
    off = "" if on else " off"
    rows = []
    for approx_, key, n in ((False, "legend.meal.verified", verified), (True, "legend.meal.approx", approx)):
        if n == 0 and on:
            continue
        cnt = "" if n is None else f'<span class="cnt">{n if on else 0}</span>'
        rows.append(f'<div class="row{off}">{meal_svg(18, approx=approx_)}<span>{esc(t(key, lang))}</span>{cnt}</div>')
    return rows


def cluster_legend_row(lang: str, approx: bool = True) -> str:
    """The legend row of a meal-point cluster (a numbered circle: tap to zoom in)."""
    return (
        f'<div class="row">{cluster_svg(18, 3, approx=approx)}<span>{esc(t("legend.meal.cluster", lang))}</span></div>'
    )


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
        rows += meal_legend_rows(lang)
    rows.append(
        f'<div class="row"><span class="jp-dw" aria-hidden="true"></span>'
        f"<span>{esc(t('legend.district_wide', lang))}</span></div>"
    )
    rows += extra_rows or []
    title = t("legend.title", lang)
    body = "".join(rows) + f'<div class="note">{esc(t("note.schematic_short", lang))}</div>'
    return Legend(title, body, position=position, dynamic=dynamic)
