"""Class breaks for choropleths (deterministic schemes only).

``classify(values, scheme, k)`` returns ``(bins, classes)``: ``bins`` is the
list of class upper bounds (increasing, last = maximum of the data unless a
policy break is larger) and ``classes`` an int array with the class index of
every value (0 = lowest class) and **-1 for NaN / missing values**.

Schemes
-------
``"quantiles"``     about the same number of values per class: the breaks and classes of
                    mapclassify.Quantiles (see *Memory* below).
``"fisher_jenks"``  mapclassify.FisherJenks (optimal breaks, deterministic).  For more
                    than ``FJ_MAX_N`` values it runs on a deterministic systematic
                    sample of the sorted values (every m-th), never on a random one.
``"policy"``        fixed, documented breaks (mapclassify.UserDefined's rule):

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

Memory
------
Importing mapclassify imports scikit-learn, scipy.stats and matplotlib (its package
``__init__`` loads every classifier and its plotting helpers): 93 MB of resident memory
and about a second of CPU in every server process, to classify 25 numbers. So the two
schemes that are a percentile and a search, quantiles and user-defined breaks, are
computed here with numpy by mapclassify's own rules (``quantile()`` with
``scipy.stats.scoreatpercentile``, i.e. linear interpolation, then ``numpy.unique``; and
``bin1d``: class ``i`` holds ``bins[i-1] < v <= bins[i]``), and tests check them against
mapclassify value for value; mapclassify is imported only when Fisher-Jenks is asked for.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np

__all__ = [
    "DISTANCE_BREAKS_M",
    "FJ_MAX_N",
    "SCHEMES",
    "SHARE_BREAKS",
    "bin_classes",
    "classify",
    "legend_labels",
    "quantile_bins",
    "user_bins",
]

SCHEMES = ("quantiles", "fisher_jenks", "policy")
SHARE_BREAKS = (0.25, 0.5, 0.75, 1.0)
DISTANCE_BREAKS_M = (300.0, 500.0, 1000.0)
FJ_MAX_N = 500  # pure-Python Fisher-Jenks is O(k n^2) (~0.3 s at 500); sample above this size

_SHARE_EPS = 1e-9


def quantile_bins(y: np.ndarray, k: int) -> np.ndarray:
    """mapclassify.Quantiles' breaks: the ``100 i / k`` percentiles (linear interpolation,
    the last one 100, computed as scipy.stats.scoreatpercentile does), repeated values
    collapsed."""
    w = 100.0 / k
    p = np.arange(w, 100 + w, w)
    if p[-1] > 100.0:
        p[-1] = 100.0
    s = np.sort(np.asarray(y, dtype=float))
    out = []
    for pct in p:  # scipy.stats.scoreatpercentile, term for term (the same floating-point result)
        idx = pct / 100.0 * (s.size - 1)
        i = int(idx)
        if i == idx:
            out.append(float(s[i]))
        else:
            weights = np.array([(i + 1 - idx), (idx - i)], float)
            out.append(float(np.add.reduce(s[i : i + 2] * weights) / weights.sum()))
    return np.unique(np.array(out))


def user_bins(y: np.ndarray, bins: Sequence[float]) -> np.ndarray:
    """mapclassify.UserDefined's breaks: the given ones, plus the maximum of ``y`` when it
    is above the last."""
    b = np.asarray(bins, dtype=float)
    top = float(np.max(y))
    return np.append(b, top) if b[-1] < top else b


def bin_classes(y: np.ndarray, bins: np.ndarray) -> np.ndarray:
    """mapclassify's ``bin1d``: the class ``i`` with ``bins[i-1] < v <= bins[i]`` (values
    above the last bound: 0, as there; the breaks above never leave any)."""
    y = np.asarray(y, dtype=float)
    idx = np.searchsorted(bins, y, side="left")
    return np.where(idx < len(bins), idx, 0).astype(int)


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
            ub = user_bins(y, bins)
            classes[ok] = bin_classes(y, ub)
            return [float(b) for b in ub], classes

    uniq = np.unique(y)
    if uniq.size == 1:
        classes[ok] = 0
        return [float(uniq[0])], classes
    k_eff = min(k, uniq.size)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if scheme == "quantiles":
            edges = quantile_bins(y, k_eff)
            yb = bin_classes(y, edges)
        else:  # fisher_jenks: the one scheme that needs mapclassify (imported here: see *Memory*)
            import mapclassify as mc

            if y.size > FJ_MAX_N:
                s = np.sort(y)
                idx = np.unique(np.linspace(0, s.size - 1, FJ_MAX_N).round().astype(int))
                sample = s[idx]
                k_s = min(k_eff, np.unique(sample).size)
                fb = mc.FisherJenks(sample, k=k_s).bins
                edges = user_bins(y, list(np.unique(np.append(fb[:-1], y.max()))))
                yb = bin_classes(y, edges)
            else:
                c = mc.FisherJenks(y, k=k_eff)
                edges, yb = np.asarray(c.bins, dtype=float), np.asarray(c.yb)
    classes[ok] = np.asarray(yb, dtype=int)
    return [float(b) for b in edges], classes


def legend_labels(bins: Sequence[float], lowest: float | None = None, fmt: str = "{:,.0f}") -> list[str]:
    """Human-readable class labels "a – b" for ``bins`` (first class starts at ``lowest``)."""
    out = []
    lo = lowest
    for b in bins:
        out.append(f"≤ {fmt.format(b)}" if lo is None else f"{fmt.format(lo)} – {fmt.format(b)}")
        lo = b
    return out
