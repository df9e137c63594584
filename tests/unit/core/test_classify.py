"""Tests for geo.classify (mapclassify class breaks)."""

from __future__ import annotations

import numpy as np
import pytest

from geo.core.classify import DISTANCE_BREAKS_M, SHARE_BREAKS, classify, legend_labels

RNG = np.random.default_rng(7)
VALUES = RNG.gamma(2.0, 1.5, size=40)


def _check_consistent(values, bins, classes):
    values = np.asarray(values, dtype=float)
    assert np.all(np.diff(bins) > 0), "bins must be strictly increasing"
    ok = np.isfinite(values)
    assert (classes[~ok] == -1).all()
    assert (classes[ok] >= 0).all() and (classes[ok] < len(bins)).all()
    for v, c in zip(values[ok], classes[ok]):
        assert v <= bins[c] + 1e-12
        if c > 0:
            assert v > bins[c - 1]


@pytest.mark.parametrize("scheme", ["quantiles", "fisher_jenks", "policy"])
def test_bins_monotone_and_classes_consistent(scheme):
    bins, classes = classify(VALUES, scheme, k=5)
    _check_consistent(VALUES, bins, classes)
    assert bins[-1] == pytest.approx(VALUES.max())
    assert len(bins) == 5  # non-share data: policy falls back to quantiles


def test_policy_share_breaks_exact():
    shares = np.array([0.0, 0.1, 0.25, 0.26, 0.5, 0.74, 0.75, 0.9, 1.0])
    bins, classes = classify(shares, "policy")
    assert bins == [0.25, 0.5, 0.75, 1.0] == list(SHARE_BREAKS)
    assert classes.tolist() == [0, 0, 0, 1, 1, 2, 2, 3, 3]
    # explicit kind / metric name give the same breaks even if all values are small
    assert classify([0.01, 0.02], "policy", kind="share")[0] == [0.25, 0.5, 0.75, 1.0]
    assert classify([0.01, 0.02], "policy", kind="covered_share")[0] == [0.25, 0.5, 0.75, 1.0]
    # float noise just above 1 stays in the top class
    assert classify([0.2, 1.0 + 1e-12], "policy")[1].tolist() == [0, 3]


def test_policy_distance_breaks():
    d = np.array([120.0, 300.0, 450.0, 800.0, 2500.0])
    bins, classes = classify(d, "policy", kind="distance_m")
    assert bins == [300.0, 500.0, 1000.0, 2500.0]
    assert bins[:3] == list(DISTANCE_BREAKS_M)
    assert classes.tolist() == [0, 0, 1, 2, 3]
    assert classify(d, "policy", kind="mean_dist_m")[0] == bins


def test_nan_handling():
    v = np.array([np.nan, 0.3, np.nan, 0.8, 0.1, np.inf])
    for scheme in ("quantiles", "fisher_jenks", "policy"):
        bins, classes = classify(v, scheme, k=3)
        assert classes.tolist()[0] == -1 and classes[2] == -1 and classes[5] == -1
        assert (classes[[1, 3, 4]] >= 0).all()
        _check_consistent(np.where(np.isinf(v), np.nan, v), bins, classes)
    bins, classes = classify([np.nan, np.nan], "quantiles")
    assert bins == [] and classes.tolist() == [-1, -1]
    bins, classes = classify([], "fisher_jenks")
    assert bins == [] and classes.size == 0


@pytest.mark.parametrize("scheme", ["quantiles", "fisher_jenks", "policy"])
def test_fewer_distinct_values_than_k(scheme):
    v = [3.0, 3.0, 5.0, 5.0, 5.0, np.nan]
    bins, classes = classify(v, scheme, k=7)
    _check_consistent(v, bins, classes)
    assert len(bins) <= 7
    one = classify([2.0, 2.0, 2.0], scheme, k=5)
    assert one[1].tolist() == [0, 0, 0]


def test_deterministic_and_large_input():
    big = np.random.default_rng(1).lognormal(size=5000)
    a = classify(big, "fisher_jenks", k=5)
    b = classify(big, "fisher_jenks", k=5)
    assert a[0] == b[0] and np.array_equal(a[1], b[1])
    _check_consistent(big, *a)
    assert a[0][-1] == pytest.approx(big.max())


def test_bad_arguments():
    with pytest.raises(ValueError):
        classify(VALUES, "natural_breaks")
    with pytest.raises(ValueError):
        classify(VALUES, "quantiles", k=0)


def test_legend_labels():
    assert legend_labels([300, 500, 1000], lowest=0) == ["0 – 300", "300 – 500", "500 – 1,000"]
    assert legend_labels([0.25, 0.5], fmt="{:.0%}")[0] == "≤ 25%"


# ---------------------------------------------------------------- the numpy schemes = mapclassify's


def _samples():
    rng = np.random.default_rng(11)
    yield rng.gamma(2.0, 1.5, size=40)
    yield rng.normal(500, 200, size=25)
    yield rng.integers(0, 6, size=60).astype(float)  # many ties
    yield np.array([0.0, 0.0, 0.0, 1.0, 2.0])
    yield np.array([3.0, 3.0, 3.0, 3.0, 7.0, 7.0])
    yield rng.uniform(0, 1, size=7)
    yield np.arange(1000, dtype=float)


@pytest.mark.parametrize("k", [1, 2, 3, 4, 5, 7, 9])
def test_quantiles_equal_mapclassify(k):
    import warnings

    import mapclassify as mc

    from geo.core.classify import bin_classes, quantile_bins

    for y in _samples():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ref = mc.Quantiles(y, k=k)
        edges = quantile_bins(y, k)
        np.testing.assert_array_equal(edges, ref.bins)
        np.testing.assert_array_equal(bin_classes(y, edges), ref.yb)


def test_user_defined_equal_mapclassify():
    import mapclassify as mc

    from geo.core.classify import bin_classes, user_bins

    for y in _samples():
        for bins in ([0.25, 0.5, 0.75, 1.0], [300.0, 500.0, 1000.0], [float(np.median(y))], [float(y.max()) + 1]):
            ref = mc.UserDefined(y, bins)
            edges = user_bins(y, bins)
            np.testing.assert_array_equal(edges, ref.bins)
            np.testing.assert_array_equal(bin_classes(y, edges), ref.yb)


def test_only_fisher_jenks_imports_mapclassify():
    """The other schemes run without mapclassify (93 MB of scikit-learn, scipy.stats and
    matplotlib in every server process): checked in a fresh interpreter."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from geo.core.classify import classify\n"
        "classify([0.1, 0.5, 0.9], 'policy'); classify([1, 2, 3, 4, 9], 'quantiles', k=3)\n"
        "print('mapclassify' in sys.modules, 'sklearn' in sys.modules)\n"
        "classify([1, 2, 3, 4, 9], 'fisher_jenks', k=3)\n"
        "print('mapclassify' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "False", "True"]
