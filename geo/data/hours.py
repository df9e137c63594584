"""Opening hours, prices and seats of a meal point in words: open now, the meal window,
what comes next; "8 / 10 / 12 元 · 敬老补贴 2 元/餐"; "56 个座位".

(The parsing and the clock live in geo/core/hours.py; this module puts the result into
the reader's language, with the texts of geo/i18n/hours.py.)
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import datetime

from geo.core.hours import HoursError, HoursStatus, Meal, Window, status
from geo.i18n import t

__all__ = ["SEP", "parse_tiers", "price_line", "seats_line", "status_line", "tiers_text"]

#: Between the parts of one line (both languages).
SEP = " · "


def _text(v: object) -> str | None:
    """A cell as stripped text, or None when it is empty (None, NaN, NA, blanks)."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    try:
        if v != v:  # pandas NA and NaT
            return None
    except TypeError:  # pd.NA: its truth value is ambiguous
        return None
    s = str(v).strip()
    return s or None


def _number(v: object) -> float | None:
    s = _text(v)
    if s is None:
        return None
    try:
        x = float(s)
    except ValueError:
        return None
    return x if math.isfinite(x) else None


def _num(x: float) -> str:
    """8.0 -> "8", 1.5 -> "1.5"."""
    return f"{x:g}"


# ---------------------------------------------------------------- open now


def _hm(dt: datetime) -> str:
    return dt.strftime("%H:%M")


def _meal(meal: Meal | None, lang: str) -> str:
    return t(f"hours.meal.{meal or 'none'}", lang)


def _until(st: HoursStatus, w: Window, lang: str) -> str:
    """ "午餐到 13:00" / "lunch until 13:00"; a window ending at midnight ends at 24:00."""
    if w.end is None:
        return t("hours.always", lang)
    meal = _meal(w.meal, lang)
    days = (w.end.date() - st.now.date()).days
    if days == 1 and w.end.hour == 0 and w.end.minute == 0:
        return t("hours.until.today", lang, meal=meal, time="24:00")
    if days <= 0:
        return t("hours.until.today", lang, meal=meal, time=_hm(w.end))
    if days == 1:
        return t("hours.until.tomorrow", lang, meal=meal, time=_hm(w.end))
    weekday = t(f"hours.weekday.{w.end.weekday()}", lang)
    return t("hours.until.weekday", lang, meal=meal, time=_hm(w.end), weekday=weekday)


def _from(st: HoursStatus, lang: str) -> str:
    """ "明天 10:30 开始午餐" / "lunch from 10:30 tomorrow", or "not open in the next 7 days"."""
    w, days = st.next, st.days_until_next()
    if w is None or w.start is None or days is None:
        return t("hours.none_soon", lang)
    meal, time = _meal(w.meal, lang), _hm(w.start)
    weekday = t(f"hours.weekday.{w.start.weekday()}", lang)
    when = {0: "today", 1: "tomorrow", 7: "next_week"}.get(days, "weekday")
    return t(f"hours.from.{when}", lang, meal=meal, time=time, weekday=weekday)


def _head(st: HoursStatus) -> str:
    """The key of the state now: open, not yet, between meals, closed, closed today."""
    if st.is_open:
        return "hours.head.open"
    if st.state == "unknown":
        return "hours.head.maybe"
    if not st.today:
        return "hours.head.day_off"
    if st.later_today:
        return "hours.head.between" if st.started_earlier_today else "hours.head.not_yet"
    return "hours.head.closed"


def status_line(hours: object, lang: str, now: datetime | None = None) -> str | None:
    """ "营业中 · 午餐到 13:00" / "已打烊 · 明天 10:30 开始午餐" for the OSM ``opening_hours``
    text ``hours`` at ``now`` (Asia/Shanghai), or the words for unknown hours; None when
    there is nothing to say.

    ``now`` defaults to the current time in Asia/Shanghai, whatever the server's clock
    zone; an aware ``now`` is converted to Asia/Shanghai and a naive one is taken as
    Asia/Shanghai local time. Empty hours are "营业时间未公布" / "Opening hours not
    published". Text that is not ``opening_hours`` syntax (never in validated data) gives
    None: the caller shows the raw text, if anything.
    """
    text = _text(hours)
    if text is None:
        return t("hours.not_published", lang)
    try:
        st = status(text, now)
    except HoursError:
        return None
    head = t(_head(st), lang)
    if st.is_open and st.current is not None:
        return head + SEP + _until(st, st.current, lang)
    if st.state == "unknown":
        return head
    return head + SEP + _from(st, lang)


# ---------------------------------------------------------------- prices and seats


def parse_tiers(text: str) -> tuple[float, ...] | None:
    """The prices of "8/10/12" (also "8 / 10 / 12", full-width ／, "8元/10元"), each a
    number ≥ 0, or None when ``text`` is not such a list."""
    parts = [p.strip().removesuffix("元").strip() for p in text.replace("／", "/").split("/")]
    out = []
    for p in parts:
        try:
            x = float(p)
        except ValueError:
            return None
        if not math.isfinite(x) or x < 0:
            return None
        out.append(x)
    return tuple(out) if out else None


def tiers_text(prices: tuple[float, ...]) -> str:
    """(8, 10, 12) -> "8/10/12", the stored form."""
    return "/".join(_num(x) for x in prices)


def price_line(row: Mapping[str, object], lang: str) -> str | None:
    """ "8 / 10 / 12 元 · 敬老补贴 2 元/餐" / "¥8 / 10 / 12 · elderly subsidy ¥2 per meal" from
    the point's ``price_tiers``, ``subsidy_yuan`` and ``price_note`` (as it is); None when
    none of them is known."""
    parts = []
    tiers_cell = _text(row.get("price_tiers"))
    tiers = parse_tiers(tiers_cell) if tiers_cell else None
    if tiers:
        parts.append(t("hours.price.tiers", lang, tiers=" / ".join(_num(x) for x in tiers)))
    elif tiers_cell:
        parts.append(tiers_cell)
    subsidy = _number(row.get("subsidy_yuan"))
    if subsidy is not None:
        parts.append(t("hours.price.subsidy", lang, yuan=_num(subsidy)))
    note = _text(row.get("price_note"))
    if note:
        parts.append(note)
    return SEP.join(parts) if parts else None


def seats_line(row: Mapping[str, object], lang: str) -> str | None:
    """ "56 个座位" / "56 seats" from the point's ``seats``; None when not known."""
    seats = _number(row.get("seats"))
    if seats is None:
        return None
    return t("hours.seats", lang, n=int(seats))
