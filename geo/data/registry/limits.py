"""Limits on residents' reports: what a report may hold, and how many may come in.

Rates are counted in the database (table ``rate_events``), so they hold across server
processes: per client key (a hash of the browser session) :data:`RATE_CLIENT`, and per
server :data:`RATE_SERVER`. Sign-in failures are slowed by :func:`sign_in_delay`.
"""

from __future__ import annotations

from geo.data.facts import DISTRICT_BOUNDS
from geo.data.registry.types import (
    REPORT_KINDS,
    REPORT_KINDS_WITH_POSITION,
    REPORT_TEXT_MAX,
    RegistryError,
)

#: Reports per client key: (count, window in seconds) — 5 per 10 minutes.
RATE_CLIENT = (5, 600)
#: Reports for the whole server: (count, window in seconds) — 200 per hour.
RATE_SERVER = (200, 3600)
#: Sign-in: failures within this window count towards the delay (seconds).
SIGN_IN_WINDOW = 900
#: Sign-in delay: base seconds, doubled per recent failure, capped.
SIGN_IN_DELAY_BASE = 0.5
SIGN_IN_DELAY_CAP = 8.0


def check_report(kind: str, text: str, lat: float | None, lon: float | None) -> None:
    """Raise a RegistryError when a report's kind, text or position is not acceptable."""
    if kind not in REPORT_KINDS:
        raise RegistryError("reg.err.report_kind", kind=str(kind)[:40], allowed=", ".join(REPORT_KINDS))
    if not isinstance(text, str):
        raise RegistryError("reg.err.report_text_type")
    if len(text) > REPORT_TEXT_MAX:
        raise RegistryError("reg.err.report_text_long", n=len(text), limit=REPORT_TEXT_MAX)
    if (lat is None) != (lon is None):
        raise RegistryError("reg.err.report_coords")
    if lat is None or lon is None:
        if kind in REPORT_KINDS_WITH_POSITION:
            raise RegistryError("reg.err.report_position_needed")
        return
    try:
        la, lo = float(lat), float(lon)
    except (TypeError, ValueError):
        raise RegistryError("reg.err.report_coords") from None
    w, s, e, n = DISTRICT_BOUNDS  # the district's bounding box (geo.data.facts)
    if not (s <= la <= n and w <= lo <= e):
        raise RegistryError("reg.err.report_outside")


def sign_in_delay(recent_failures: int) -> float:
    """Seconds to wait before answering a sign-in after ``recent_failures`` failures
    (for that name or client in :data:`SIGN_IN_WINDOW`): none for the first, then
    doubling from :data:`SIGN_IN_DELAY_BASE`, capped at :data:`SIGN_IN_DELAY_CAP`."""
    if recent_failures <= 0:
        return 0.0
    return float(min(SIGN_IN_DELAY_CAP, SIGN_IN_DELAY_BASE * 2 ** (recent_failures - 1)))
