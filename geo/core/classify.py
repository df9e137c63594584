"""Class breaks for choropleths (mapclassify; deterministic schemes only).

``classify(values, scheme, k)`` returns ``(bins, classes)``: ``bins`` is the
list of class upper bounds (increasing, last = maximum of the data unless a
policy break is larger) and ``classes`` an int array with the class index of
every value (0 = lowest class) and **-1 for NaN / missing values**.

Schemes
-------
``"quantiles"``     mapclassify.Quantiles (about the same number of values per class).
``"fisher_jenks"``  mapclassify.FisherJenks (optimal breaks, deterministic).  For more
                    than ``FJ_MAX_N`` values it runs on a deterministic systematic
                    sample of the sorted values (every m-th), never on a random one.
``"policy"``        mapclassify.UserDefined with fixed, documented breaks:

                    * shares (0-1; ``kind="share"``, or every value in [0, 1] when no
                      kind is given): 0-25 %, 25-50 %, 50-75 %, 75-100 %, i.e. bins
                      ``[0.25, 0.5, 0.75, 1.0]``;
                    * distances in metres (``kind="distance_m"``): the GB 50180-2018
                      life-circle thresholds 300 / 500 / 1000 m (5-, 10-, 15-minute
                      walks; Beijing's meal-point norm is <= 1000 m), plus the maximum
                      when it exceeds 1000 m;
                    * anything else (counts, densities): no published policy
                      thresholds exist, so the fallback is ``"quantiles"`` with ``k``.

NaturalBreaks is never used: it is unseeded k-means and not reproducible.
Fewer distinct values than ``k`` reduce the number of classes instead of failing.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import mapclassify as mc
import numpy as np

__all__ = ["DISTANCE_BREAKS_M", "FJ_MAX_N", "SCHEMES", "SHARE_BREAKS", "classify", "legend_labels"]

SCHEMES = ("quantiles", "fisher_jenks", "policy")
SHARE_BREAKS = (0.25, 0.5, 0.75, 1.0)
DISTANCE_BREAKS_M = (300.0, 500.0, 1000.0)
FJ_MAX_N = 500  # pure-Python Fisher-Jenks is O(k n^2) (~0.3 s at 500); sample above this size

_SHARE_EPS = 1e-9


def _kind_of(kind: str | None) -> str | None:
    """Accept a kind ("share", "distance_m", ...) or a metric key of geo.core.coverage.METRICS."""
    if kind is None:
        return None
    try:
        from geo.core.coverage import METRICS  # local import: keep this module light

        if kind in METRICS:
            return METRICS[kind].kind
    except ImportError:  # pragma: no cover
        pass
    return kind


def _policy_bins(y: np.ndarray, kind: str | None) -> list[float] | None:
    if kind is None and y.min() >= 0 and y.max() <= 1 + _SHARE_EPS:
        kind = "share"
    if kind == "share":
        return list(SHARE_BREAKS)
    if kind == "distance_m":
        return list(DISTANCE_BREAKS_M)
    return None


def classify(
    values: Sequence[float],
    scheme: str = "quantiles",
    k: int = 5,
    kind: str | None = None,
) -> tuple[list[float], np.ndarray]:
    """Class upper bounds and class index per value (-1 for NaN).

    ``kind`` (or a metric name of ``geo.core.coverage.METRICS``) selects the policy
    breaks; see the module docstring.
    """
    if scheme not in SCHEMES:
        raise ValueError(f"scheme must be one of {SCHEMES}, got {scheme!r}")
    k = int(k)
    if k < 1:
        raise ValueError("k must be >= 1")
    v = np.asarray(values, dtype=float).ravel()
    classes = np.full(v.shape, -1, dtype=int)
    ok = np.isfinite(v)
    y = v[ok]
    if y.size == 0:
        return [], classes
    kind = _kind_of(kind)

    bins: list[float] | None = None
    if scheme == "policy":
        if kind == "share" or kind is None:
            y = np.where((y > 1) & (y <= 1 + _SHARE_EPS), 1.0, y)
        bins = _policy_bins(y, kind)
        if bins is None:
            scheme = "quantiles"  # documented fallback for non-share, non-distance metrics
        else:
            c = mc.UserDefined(y, bins)
            classes[ok] = c.yb
            return [float(b) for b in c.bins], classes

    uniq = np.unique(y)
    if uniq.size == 1:
        classes[ok] = 0
        return [float(uniq[0])], classes
    k_eff = min(k, uniq.size)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if scheme == "quantiles":
            c = mc.Quantiles(y, k=k_eff)
            bins, yb = c.bins, c.yb
        else:  # fisher_jenks
            if y.size > FJ_MAX_N:
                s = np.sort(y)
                idx = np.unique(np.linspace(0, s.size - 1, FJ_MAX_N).round().astype(int))
                sample = s[idx]
                k_s = min(k_eff, np.unique(sample).size)
                fb = mc.FisherJenks(sample, k=k_s).bins
                fb = np.unique(np.append(fb[:-1], y.max()))
                c = mc.UserDefined(y, list(fb))
            else:
                c = mc.FisherJenks(y, k=k_eff)
            bins, yb = c.bins, c.yb
    classes[ok] = np.asarray(yb, dtype=int)
    return [float(b) for b in bins], classes


def legend_labels(bins: Sequence[float], lowest: float | None = None, fmt: str = "{:,.0f}") -> list[str]:
    """Human-readable class labels "a – b" for ``bins`` (first class starts at ``lowest``)."""
    out = []
    lo = lowest
    for b in bins:
        out.append(f"≤ {fmt.format(b)}" if lo is None else f"{fmt.format(lo)} – {fmt.format(b)}")
        lo = b
    return out
