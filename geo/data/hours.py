"""Opening hours of a meal point in words: open now, the meal window, what comes next.

(The parsing and the clock live in geo/core/hours.py; this module puts the result into
the reader's language.)
"""

from __future__ import annotations

from datetime import datetime

__all__ = ["status_line"]


def status_line(hours: object, lang: str, now: datetime | None = None) -> str | None:
    """"营业中 · 午餐到 13:00" / "已打烊 · 明天 10:30 开始午餐" for the OSM ``opening_hours``
    text ``hours`` at ``now`` (Asia/Shanghai), or the words for unknown hours; None when
    there is nothing to say."""
    raise NotImplementedError("being written")
