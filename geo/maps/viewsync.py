"""The overview's view applied in the browser (assets/overview_view.js).

The overview map holds every record of the dataset, built once per dataset, language and
base map, so its component message is the same for every view and every session (Streamlit
sends a reference to a message the browser already has). What the filters show reaches the
map as a small payload in the page (``geo.views.overview.view_payload``), which the script
added here reads and applies: markers shown or hidden, layers on or off, the emphasised
subdistrict, the tooltips and the legend for the view, where to move the map. A layer's
checkbox on the page acts on the map at once, before the page's rerun confirms it.
"""

from __future__ import annotations

from collections.abc import Mapping

import folium
from branca.element import MacroElement
from jinja2 import Template

from geo.maps.assets import read
from geo.maps.cache import TextRender
from geo.maps.layers import SUBDISTRICT_EMPHASIS

__all__ = ["ViewSync", "view_sync_group"]


class ViewSync(TextRender, MacroElement):
    """Applies the page's view to the layers ``window.jpGroups`` holds (add it to the last
    feature group, after the layers it acts on). ``toggles`` maps a group (sub, proj, meal)
    to the class of the page element that holds its checkbox: a change of that checkbox
    shows or hides the group at once, without waiting for the page's rerun."""

    _template = Template("""
{% macro script(this, kwargs) %}
(function(){
{{ this.legend_js }}
{{ this.js }}
  var m = {{ this._parent._parent.get_name() }};
  // after every layer is drawn (geo.maps.external loads them as files)
  Promise.all(window.jpLayersLoading || []).then(function () {
    jpOverviewView(m, window.jpGroups || {}, {{ this.opts|tojson }});
  });
})();
{% endmacro %}
""")

    def __init__(self, toggles: Mapping[str, str] | None = None):
        super().__init__()
        self._name = "JpViewSync"
        self.legend_js = read("legend_update.js")
        self.js = read("overview_view.js")
        self.opts = {"emphasis": SUBDISTRICT_EMPHASIS, "toggles": dict(toggles or {})}


def view_sync_group(*elements: MacroElement, toggles: Mapping[str, str] | None = None) -> folium.FeatureGroup:
    """A feature group with ``elements`` (e.g. the legend's default content) and, last, the
    :class:`ViewSync`."""
    fg = folium.FeatureGroup(name="view")
    for el in elements:
        el.add_to(fg)
    ViewSync(toggles).add_to(fg)
    return fg
