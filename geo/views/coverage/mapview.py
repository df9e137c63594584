"""What the coverage map shows for one run: which layers (choropleth, gap, meal points,
suggested sites, what-if points), the legend that goes with them, the feature groups the
page sends to the map (with the legend update and stable ids) and the standalone HTML."""

from __future__ import annotations

from dataclasses import dataclass

import folium
import geopandas as gpd
import pandas as pd

from geo.core import sites
from geo.i18n import t
from geo.maps import coverage as mp
from geo.maps.base import LegendUpdate, stable_ids
from geo.maps.cache import script_layer
from geo.views.coverage.classes import Choropleth, legend_html, tooltips
from geo.views.coverage.exports import export_map_html
from geo.views.coverage.state import PlannerState


@dataclass(frozen=True, eq=False)
class MapContent:
    """The map of one run. ``gap`` is the gap GeoJSON ("" when there is no gap; drawn when
    the state shows the gap layer); ``suggestion`` is None when suggestions are off. It holds
    values only, so the map export (built later, in the download's own request) reads no
    session state."""

    state: PlannerState
    subdistricts: gpd.GeoDataFrame
    points: gpd.GeoDataFrame
    ch: Choropleth
    nm: dict[str, str]
    lang: str
    delta: pd.Series | None = None
    gap: str | None = ""
    suggestion: sites.SiteSuggestion | None = None
    data_key: str = ""  # the data's fingerprint: the choropleth and meal layers are built once per process

    def layers(self) -> list[folium.FeatureGroup]:
        """New feature groups (each call builds them again; with a ``data_key`` the
        choropleth's and the meal points' scripts come from :data:`geo.maps.coverage.LAYER_CACHE`)."""
        view, lang = self.state.view, self.lang
        tips = tooltips(self.ch, self.nm, lang, self.delta)
        if self.data_key:
            key = (
                "choropleth",
                self.data_key,
                view.base,
                tuple(sorted(tips.items())),
                tuple(self.ch.colors.astype(str).items()),
                tuple(self.ch.underserved.astype(bool).items()),
            )
            groups: list[folium.FeatureGroup] = [
                script_layer(
                    mp.LAYER_CACHE,
                    key,
                    lambda: mp.choropleth_layer(self.subdistricts, self.ch, tips, view.base),
                    "choropleth",
                )
            ]
        else:
            groups = [mp.choropleth_layer(self.subdistricts, self.ch, tips, view.base)]
        if self.state.show_gap:
            if self.data_key and self.gap:
                groups.append(
                    script_layer(
                        mp.LAYER_CACHE, ("gap", view.base, self.gap), lambda: mp.gap_layer(self.gap, view.base), "gap"
                    )
                )
            else:
                groups.append(mp.gap_layer(self.gap, view.base))
        if self.state.show_points:
            if self.data_key:
                groups.append(
                    script_layer(
                        mp.LAYER_CACHE,
                        ("meal", self.data_key, lang, view.base),
                        lambda: mp.meal_layer(self.points, lang, view.base, self.nm),
                        "meal",
                    )
                )
            else:
                groups.append(mp.meal_layer(self.points, lang, view.base, self.nm))
        if self.suggestion is not None:
            groups.append(mp.suggestion_layer(self.suggestion.sites, view, lang, self.nm))
        groups.append(mp.whatif_layer(self.state.whatif, view, lang))
        return groups

    def legend(self) -> str:
        n_sugg = 0 if self.suggestion is None else len(self.suggestion.sites)
        return legend_html(
            self.ch,
            self.state.view,
            self.lang,
            n_whatif=len(self.state.whatif),
            n_sugg=n_sugg,
            show_gap=self.state.show_gap,
        )

    def feature_groups(self) -> list[folium.FeatureGroup]:
        """The layers for ``st_folium(feature_group_to_add=...)``: the last one carries the
        legend update, and every element has a deterministic id (an unchanged map is not redrawn)."""
        groups = self.layers()
        LegendUpdate(self.legend()).add_to(groups[-1])
        for i, g in enumerate(groups):
            stable_ids(g, prefix=f"cv{i}x")
        return groups

    def html(self) -> bytes:
        """The standalone HTML file of this map (works offline)."""
        return export_map_html(
            self.layers(), self.legend(), self.lang, self.state.view.base, t("cv.ex.map.title", self.lang)
        )


def base_map(lang: str, base: str) -> folium.Map:
    """The constant map of the page (the same script on every run, so the iframe stays)."""
    return mp.planner_base_map(lang, base)
