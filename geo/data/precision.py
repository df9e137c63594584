"""Whether a record's position is real: the one definition of "verified".

A position is verified when its ``location_precision`` is ``address`` or ``surveyed``:
the same positions navigation goes to (:data:`geo.data.directions.NAVIGABLE`). Every
other precision (``subdistrict``, ``illustrative``, ...) is an estimate, drawn as such.
"""

from __future__ import annotations

from collections.abc import Iterable

from geo.data.directions import NAVIGABLE

__all__ = ["VERIFIED", "is_verified", "verified_count"]

#: The precisions of a real position.
VERIFIED: frozenset[str] = frozenset(NAVIGABLE)


def is_verified(precision: object) -> bool:
    """Whether a position of this ``location_precision`` is real."""
    return isinstance(precision, str) and precision in VERIFIED


def verified_count(precisions: Iterable[object]) -> int:
    """How many of these ``location_precision`` values are real positions."""
    return sum(1 for p in precisions if is_verified(p))
