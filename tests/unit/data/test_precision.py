import math

import pandas as pd
import pytest

from geo.data.directions import NAVIGABLE
from geo.data.precision import VERIFIED, is_verified, verified_count


@pytest.mark.parametrize(
    ("precision", "want"),
    [
        ("address", True),
        ("surveyed", True),
        ("subdistrict", False),
        ("illustrative", False),
        ("", False),
        (None, False),
        (math.nan, False),
        ("Address", False),  # the schema's values are lower case; nothing else is a real position
    ],
)
def test_only_address_and_surveyed_are_verified(precision, want):
    assert is_verified(precision) is want


def test_verified_is_where_navigation_goes():
    assert VERIFIED == set(NAVIGABLE) == {"address", "surveyed"}


def test_verified_count_counts_real_positions():
    assert verified_count(["address", "illustrative", "surveyed", None, "subdistrict", "address"]) == 3
    assert verified_count([]) == 0


def test_verified_count_reads_a_layer_column_with_gaps():
    col = pd.Series(["surveyed", None, math.nan, "illustrative", "address"], dtype=object)
    assert verified_count(col) == 2
