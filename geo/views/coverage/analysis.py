"""The coverage figures and site suggestions for a view: the glue between the page and
geo.core.coverage / geo.core.sites (the page wraps these in its caches)."""

from __future__ import annotations

import hashlib

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.core import coverage as cv
from geo.core import sites
from geo.i18n import t
from geo.views.coverage.state import CELL_M, EXACT_TIME_S, SuggestCall, SuggestRequest, View


def fingerprint(subdistricts: gpd.GeoDataFrame, points: gpd.GeoDataFrame) -> str:
    """A short hash of what the coverage figures depend on (geometry, codes, population,
    points and their subdistrict codes): the cache key of the expensive computations."""
    h = hashlib.sha1()
    for gdf, cols in ((subdistricts, ("code", "pop_total", "pop_60plus")), (points, ("id", "subdistrict_code"))):
        h.update(str(len(gdf)).encode())
        for c in cols:
            if c in gdf.columns:
                h.update(c.encode())
                h.update(pd.util.hash_pandas_object(gdf[c].astype(str), index=False).values.tobytes())
        geom = np.asarray(gdf.geometry.values)
        for b in shapely.to_wkb(geom, output_dimension=2):
            h.update(b or b"")
    return h.hexdigest()[:16]


def district_area(subdistricts: gpd.GeoDataFrame):
    """The district (union of the subdistricts) in WGS-84, prepared for point tests."""
    g = shapely.union_all(np.asarray(subdistricts.to_crs(cv.WGS84).geometry.values))
    shapely.prepare(g)
    return g


def points_with_whatif(points: gpd.GeoDataFrame, whatif) -> gpd.GeoDataFrame:
    return cv.with_extra_points(points, list(whatif)) if whatif else points


def figures(
    subdistricts: gpd.GeoDataFrame, points: gpd.GeoDataFrame, radius_m: int, mode: str, whatif: tuple = ()
) -> tuple[pd.DataFrame, dict]:
    """(metrics per subdistrict, district summary) with the what-if points added."""
    pts = points_with_whatif(points, whatif)
    df = cv.subdistrict_metrics(subdistricts, pts, radius_m, mode, cell_m=CELL_M)
    return df, cv.district_summary(subdistricts, pts, radius_m, mode, cell_m=CELL_M, metrics=df)


def gap_geojson(
    subdistricts: gpd.GeoDataFrame, points: gpd.GeoDataFrame, radius_m: int, mode: str, whatif: tuple = ()
) -> str:
    """The area farther than R from every point (with the what-if points) as GeoJSON ("" if none)."""
    g = cv.gap_geometry(subdistricts, points_with_whatif(points, whatif), radius_m, mode, simplify_m=5.0)
    return "" if shapely.is_empty(g) else shapely.to_geojson(shapely.set_precision(g, 1e-6))


# --------------------------------------------------------------------------- suggestions


def suggest_cell_m(r_eff: float) -> int:
    """Demand / candidate grid for site suggestion: 200 m below a 600 m radius, 400 m above
    (a 1000 m radius on 200 m cells gives millions of coverage pairs: seconds, no exact solve)."""
    return 200 if r_eff < 600 else 400


def focus_subdistricts(subdistricts: gpd.GeoDataFrame, focus) -> gpd.GeoDataFrame:
    if not focus:
        return subdistricts
    sel = subdistricts[subdistricts["code"].astype(str).isin(set(map(str, focus)))]
    return sel if len(sel) else subdistricts


def suggest(
    subdistricts: gpd.GeoDataFrame,
    points: gpd.GeoDataFrame,
    view: View,
    req: SuggestRequest,
    exact: bool,
    time_limit_s: float = EXACT_TIME_S,
) -> sites.SiteSuggestion:
    """geo.core.sites.suggest_sites for the view (points include the what-if points).

    The quick answer uses greedy's own bounds (online submodular / total) and no LP bound
    (measured: 3 s at R = 1000 m with what-if points); the exact solve supplies the proof.

    The demand of a focus selection is its subdistricts only; the subdistrict codes of the
    sites are then looked up again in the whole district."""
    sub = focus_subdistricts(subdistricts, req.focus)
    cell = suggest_cell_m(view.r_eff)
    cands = np.asarray(req.candidates, dtype=float).reshape(-1, 2) if req.candidates else None
    res = sites.suggest_sites(
        sub,
        points,
        int(req.k),
        view.radius_m,
        view.mode,
        cell_m=cell,
        candidates=cands,
        weights=req.weights,
        time_limit_s=time_limit_s,
        run_exact=exact,
        swap_time_s=1.0,
        lp_bound=False,
    )  # the LP bound can take seconds; the exact solve proves instead
    if len(res.sites):
        res.sites["subdistrict_code"] = cv.assign_points(subdistricts, res.sites[["geometry"]], "spatial").to_numpy()
    return res


def run_suggest(
    call: SuggestCall, subdistricts: gpd.GeoDataFrame, points: gpd.GeoDataFrame, exact: bool
) -> sites.SiteSuggestion:
    """:func:`suggest` for a :class:`SuggestCall` (the what-if points added to ``points``)."""
    view = View(radius_m=call.radius_m, mode=call.mode)
    return suggest(subdistricts, points_with_whatif(points, call.whatif), view, call.request, exact=exact)


def weight_unit(res: sites.SiteSuggestion, subdistricts: gpd.GeoDataFrame, lang: str) -> str:
    if res.weights == "area":
        return "km²"
    basis = cv.population_basis(subdistricts)
    return t("cv.sg.unit.pop60" if basis == "pop_60plus" else "cv.sg.unit.pop", lang)
