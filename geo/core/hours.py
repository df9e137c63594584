"""Opening hours of a meal point: OSM ``opening_hours`` text, and what it means at a moment.

The text is the OpenStreetMap syntax (``Mo-Fr 10:30-13:00,16:30-18:30; Sa,Su off``; see
https://wiki.openstreetmap.org/wiki/Key:opening_hours), parsed and evaluated by
opening-hours-py (``opening_hours``, the Python binding of the Rust crate
``opening-hours``). Public holidays (``PH``) use its calendar for China.

Every moment is Asia/Shanghai time, whatever the server's own clock zone: an aware
datetime is converted, a naive one is taken as Asia/Shanghai local time, and no datetime
means now in Asia/Shanghai. (China has had no daylight-saving time since 1991, so local
wall-clock times map one to one onto instants.)

A *window* is one stretch of open time (a midnight crossing is one window). Its meal is
told by when it starts: before 10:00 breakfast, before 15:00 lunch, otherwise dinner; a
window longer than :data:`MEAL_WINDOW_MAX` is opening time rather than a meal and has no
meal. Pure: no words (geo/data/hours.py says it in the reader's language).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Literal
from zoneinfo import ZoneInfo

import opening_hours
from opening_hours import OpeningHours, State

__all__ = [
    "BREAKFAST_BEFORE",
    "COUNTRY",
    "LOOKAHEAD",
    "LOOKBACK",
    "LUNCH_BEFORE",
    "MEALS",
    "MEAL_WINDOW_MAX",
    "TZ",
    "HoursError",
    "HoursStatus",
    "Meal",
    "Window",
    "local_time",
    "meal_of",
    "parse",
    "status",
]

#: The zone every moment is told in.
TZ = ZoneInfo("Asia/Shanghai")
#: The country whose public holidays ``PH`` means.
COUNTRY = "CN"
#: A window starting before this is breakfast ...
BREAKFAST_BEFORE = time(10, 0)
#: ... before this lunch, otherwise dinner.
LUNCH_BEFORE = time(15, 0)
#: A window longer than this spans more than one meal: it is opening time, not a meal.
MEAL_WINDOW_MAX = timedelta(hours=8)
#: How far ahead the next opening is looked for (its end is looked for a day further).
LOOKAHEAD = timedelta(days=7)
#: How far back the start of a window open now is looked for; a window open for longer
#: (e.g. ``24/7``) has no known start.
LOOKBACK = timedelta(days=2)

Meal = Literal["breakfast", "lunch", "dinner"]
MEALS: tuple[Meal, ...] = ("breakfast", "lunch", "dinner")

_POSITION = re.compile(r"-->\s*(\d+):(\d+)")
#: What the parser raises (a class of the compiled module that its type stubs leave out).
_PARSER_ERROR: type[Exception] = opening_hours.ParserError  # type: ignore[attr-defined]


class HoursError(ValueError):
    """A text that is not ``opening_hours`` syntax.

    ``key`` names the message (a translation key); ``position`` is the 1-based character
    where the parser stopped understanding, ``near`` the text from there on, and
    ``detail`` the parser's own words (English, for logs)."""

    key = "v.bad_hours"

    def __init__(self, value: str, position: int, detail: str):
        self.value = value
        # the parser stops one past the end of an unfinished text: point at its last character
        self.position = max(1, min(position, len(value)))
        self.near = value[self.position - 1 :][:24]
        self.detail = detail
        super().__init__(f"{value!r} is not opening_hours syntax (from character {position}): {detail}")


@lru_cache(maxsize=2048)
def parse(text: str) -> OpeningHours:
    """The parsed hours of ``text`` (surrounding spaces ignored).

    Raises
    ------
    HoursError
        ``text`` is empty or not ``opening_hours`` syntax.
    """
    s = text.strip()
    if not s:
        raise HoursError(s, 1, "empty")
    try:
        return OpeningHours(s, country=COUNTRY)
    except _PARSER_ERROR as exc:
        msg = str(exc)
        m = _POSITION.search(msg)
        col = int(m.group(2)) if m else 1
        lines = msg.splitlines() or [type(exc).__name__]
        detail = next((ln.strip(" =") for ln in lines if ln.strip().startswith("=")), lines[0])
        raise HoursError(s, col, detail) from None


def local_time(now: datetime | None = None) -> datetime:
    """``now`` as an aware Asia/Shanghai datetime: converted when aware, taken as
    Asia/Shanghai wall-clock time when naive, the current time when None."""
    if now is None:
        return datetime.now(TZ)
    if now.tzinfo is None or now.utcoffset() is None:
        return now.replace(tzinfo=TZ)
    return now.astimezone(TZ)


def meal_of(start: time) -> Meal:
    """The meal of a window that starts at ``start`` (time of day)."""
    if start < BREAKFAST_BEFORE:
        return "breakfast"
    if start < LUNCH_BEFORE:
        return "lunch"
    return "dinner"


@dataclass(frozen=True)
class Window:
    """One stretch of open time, in Asia/Shanghai.

    ``start`` is None when it began before the look-back (open around the clock), ``end``
    None when it lasts beyond the look-ahead; ``meal`` is None when the start is unknown
    or the window is longer than :data:`MEAL_WINDOW_MAX`."""

    start: datetime | None
    end: datetime | None
    meal: Meal | None


@dataclass(frozen=True)
class HoursStatus:
    """What the hours say at ``now`` (aware, Asia/Shanghai).

    ``state`` is "open", "closed" or "unknown" (the syntax's ``unknown``: may be open).
    ``current`` is the window open now (None unless open); ``next`` the next opening
    after now within :data:`LOOKAHEAD` (after the current window when open), or None.
    ``today`` lists the windows that start on now's date (past, current and later)."""

    state: Literal["open", "closed", "unknown"]
    now: datetime
    current: Window | None
    next: Window | None
    today: tuple[Window, ...]
    comment: str = ""

    @property
    def is_open(self) -> bool:
        return self.state == "open"

    @property
    def started_earlier_today(self) -> bool:
        """A window started earlier today (and is over, when closed)."""
        return any(w.start is not None and w.start <= self.now for w in self.today)

    @property
    def later_today(self) -> bool:
        """The next opening is later today."""
        return self.next is not None and self.next.start is not None and self.next.start.date() == self.now.date()

    def days_until_next(self) -> int | None:
        """Calendar days from today to the next opening (0 today, 1 tomorrow ...)."""
        if self.next is None or self.next.start is None:
            return None
        return (self.next.start.date() - self.now.date()).days


Span = tuple[datetime, datetime, State, str]


def _spans(oh: OpeningHours, start: datetime, end: datetime) -> list[Span]:
    """The hours' intervals between two naive local times, with neighbours of the same
    state merged (the library splits them where the comment changes)."""
    out: list[Span] = []
    for a, b, st, comment in oh.intervals(start, end):
        if out and out[-1][2] == st and out[-1][1] == a:
            prev = out[-1]
            out[-1] = (prev[0], b, st, prev[3] or comment)
        else:
            out.append((a, b, st, comment))
    return out


def _window(a: datetime, b: datetime, lo: datetime, hi: datetime) -> Window:
    """An open span ``[a, b)`` (naive local) as a Window, given the searched range."""
    start = None if a <= lo else a.replace(tzinfo=TZ)
    end = None if b >= hi else b.replace(tzinfo=TZ)
    meal: Meal | None = None
    if start is not None and end is not None and end - start <= MEAL_WINDOW_MAX:
        meal = meal_of(start.time())
    return Window(start, end, meal)


def _today(spans: list[Span], day: date, lo: datetime, hi: datetime) -> tuple[Window, ...]:
    return tuple(_window(a, b, lo, hi) for a, b, st, _ in spans if st == State.OPEN and a > lo and a.date() == day)


def status(hours: str, now: datetime | None = None) -> HoursStatus:
    """Whether the hours ``hours`` are open at ``now``, the window open now, the next
    opening within 7 days and today's windows.

    Raises
    ------
    HoursError
        ``hours`` is not ``opening_hours`` syntax.
    """
    oh = parse(hours)
    at = local_time(now)
    naive = at.replace(tzinfo=None)
    lo, hi = naive - LOOKBACK, naive + LOOKAHEAD + timedelta(days=1)
    spans = _spans(oh, lo, hi)
    current: Window | None = None
    state: Literal["open", "closed", "unknown"] = "closed"
    comment = ""
    nxt: Window | None = None
    for a, b, st, note in spans:
        if a <= naive < b:
            comment = note
            if st == State.OPEN:
                state, current = "open", _window(a, b, lo, hi)
            elif st == State.UNKNOWN:
                state = "unknown"
        elif naive < a <= naive + LOOKAHEAD and st == State.OPEN:
            nxt = _window(a, b, lo, hi)
            break
    return HoursStatus(state, at, current, nxt, _today(spans, naive.date(), lo, hi), comment)
