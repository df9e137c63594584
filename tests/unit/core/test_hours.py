"""geo.core.hours: OSM opening_hours parsed, and what it means at a FIXED moment in
Asia/Shanghai (meal windows, until when, the next opening, midnight, closed days, the
server's own time zone)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from geo.core.hours import TZ, HoursError, local_time, meal_of, parse, status

SH = ZoneInfo("Asia/Shanghai")
WEEKDAYS = "Mo-Fr 10:30-13:00,16:30-18:30; Sa,Su off"
# 2025-12-01 is a Monday; 12-05 a Friday, 12-06 a Saturday
MON, FRI, SAT = 1, 5, 6


def at(day: int, hh: int, mm: int = 0) -> datetime:
    """A naive wall-clock time in December 2025 (taken as Asia/Shanghai)."""
    return datetime(2025, 12, day, hh, mm)


def sh(day: int, hh: int, mm: int = 0) -> datetime:
    return datetime(2025, 12, day, hh, mm, tzinfo=SH)


# ---------------------------------------------------------------- parsing


@pytest.mark.parametrize(
    "text",
    ["Mo-Fr 10:30-13:00,16:30-18:30; Sa,Su off", "11:00-13:00", "24/7", "Mo-Su 06:30-09:00; PH off", "Fr 17:00-01:00"],
)
def test_valid_hours_parse(text):
    assert parse(text) is not None
    assert parse(f"  {text} ") is not None  # surrounding spaces are ignored


@pytest.mark.parametrize(
    ("text", "position", "near"),
    [
        ("周一至周五 10:30-13:00", 1, "周一至周五 10:30-13:00"),
        ("Mo-Fr 25:00-26:00", 7, "25:00-26:00"),
        ("Mo-Fr 10:30-", 12, "-"),  # unfinished: the last character
        ("", 1, ""),
        ("   ", 1, ""),
    ],
)
def test_bad_hours_raise_a_clear_error(text, position, near):
    with pytest.raises(HoursError) as err:
        parse(text)
    e = err.value
    assert isinstance(e, ValueError)
    assert e.key == "v.bad_hours"
    assert (e.position, e.near) == (position, near)
    assert "not opening_hours syntax" in str(e) and e.detail


def test_meal_of_the_window_is_told_by_its_start():
    assert meal_of(time(6, 30)) == "breakfast"
    assert meal_of(time(9, 59)) == "breakfast"
    assert meal_of(time(10, 0)) == "lunch"
    assert meal_of(time(14, 59)) == "lunch"
    assert meal_of(time(15, 0)) == "dinner"
    assert meal_of(time(23, 0)) == "dinner"


# ---------------------------------------------------------------- the clock


def test_now_is_asia_shanghai_whatever_the_server_zone():
    naive = datetime(2025, 12, 1, 12, 0)
    assert local_time(naive) == datetime(2025, 12, 1, 12, 0, tzinfo=SH)  # naive = Shanghai wall clock
    utc = datetime(2025, 12, 1, 4, 0, tzinfo=UTC)
    assert local_time(utc).hour == 12 and local_time(utc).tzinfo == TZ
    ny = datetime(2025, 11, 30, 23, 0, tzinfo=ZoneInfo("America/New_York"))  # = 12:00 in Shanghai
    assert local_time(ny) == datetime(2025, 12, 1, 12, 0, tzinfo=SH)
    now = local_time()
    assert now.tzinfo == TZ and abs(now - datetime.now(UTC)) < timedelta(minutes=1)


def test_a_server_in_another_zone_gives_the_shanghai_answer():
    # 04:00 UTC on Monday is 12:00 in Shanghai: lunch (in UTC it would be closed)
    st = status(WEEKDAYS, datetime(2025, 12, 1, 4, 0, tzinfo=UTC))
    assert st.state == "open" and st.current.meal == "lunch" and st.current.end == sh(MON, 13)
    assert st.now == sh(MON, 12)
    # 23:30 UTC on Sunday is 07:30 on Monday in Shanghai: not open yet, lunch at 10:30 today
    st = status(WEEKDAYS, datetime(2025, 11, 30, 23, 30, tzinfo=UTC))
    assert st.state == "closed" and st.next.start == sh(MON, 10, 30) and st.days_until_next() == 0


# ---------------------------------------------------------------- status at fixed moments


def test_during_lunch():
    st = status(WEEKDAYS, at(MON, 12))
    assert st.is_open and st.state == "open"
    assert st.current.start == sh(MON, 10, 30) and st.current.end == sh(MON, 13) and st.current.meal == "lunch"
    assert st.next.start == sh(MON, 16, 30) and st.next.meal == "dinner"  # after the current window
    assert [w.meal for w in st.today] == ["lunch", "dinner"]


def test_just_before_and_at_opening():
    st = status(WEEKDAYS, at(MON, 10, 29))
    assert st.state == "closed" and st.current is None
    assert st.next.start == sh(MON, 10, 30) and st.next.meal == "lunch"
    assert st.later_today and not st.started_earlier_today
    assert status(WEEKDAYS, at(MON, 10, 30)).is_open  # the start is inside the window
    assert not status(WEEKDAYS, at(MON, 13, 0)).is_open  # the end is not


def test_between_meals():
    st = status(WEEKDAYS, at(MON, 14))
    assert not st.is_open and st.next.meal == "dinner" and st.next.start == sh(MON, 16, 30)
    assert st.later_today and st.started_earlier_today


def test_after_closing_the_next_is_tomorrow():
    st = status(WEEKDAYS, at(MON, 19))
    assert st.state == "closed" and not st.later_today and st.started_earlier_today
    assert st.next.start == sh(2, 10, 30) and st.next.meal == "lunch" and st.days_until_next() == 1


def test_on_a_closed_day_the_next_is_a_later_day():
    st = status(WEEKDAYS, at(SAT, 12))
    assert st.state == "closed" and st.today == ()
    assert st.next.start == sh(8, 10, 30) and st.days_until_next() == 2 and st.next.start.weekday() == 0
    # Friday evening: the next opening is Monday, three days on
    assert status(WEEKDAYS, at(FRI, 19)).days_until_next() == 3


def test_around_midnight_on_a_day_window():
    # 23:59 Monday and 00:01 Tuesday: closed; lunch next, tomorrow and today respectively
    late = status(WEEKDAYS, at(MON, 23, 59))
    assert late.state == "closed" and late.next.start == sh(2, 10, 30) and late.days_until_next() == 1
    early = status(WEEKDAYS, datetime(2025, 12, 2, 0, 1))
    assert early.state == "closed" and early.next.start == sh(2, 10, 30) and early.days_until_next() == 0
    assert not early.started_earlier_today


def test_a_window_crossing_midnight_is_one_window():
    hours = "Fr 17:00-01:00"
    late = status(hours, at(FRI, 23, 59))
    assert late.is_open and late.current.start == sh(FRI, 17) and late.current.end == sh(SAT, 1)
    assert late.current.meal == "dinner"
    after = status(hours, at(SAT, 0, 1))  # the same window, seen from Saturday
    assert after.is_open and after.current == late.current
    assert after.today == ()  # nothing starts on Saturday
    closed = status(hours, at(SAT, 1, 0))
    assert closed.state == "closed" and closed.next.start == sh(12, 17) and closed.days_until_next() == 6


def test_next_opening_a_week_later_and_none_within_seven_days():
    st = status("Mo 10:00-12:00", at(MON, 12))
    assert st.next.start == sh(8, 10) and st.days_until_next() == 7
    never = status("Mo-Su off", at(MON, 12))
    assert never.state == "closed" and never.next is None and never.days_until_next() is None
    far = status("Dec 25 10:00-12:00", at(MON, 12))  # 24 days away
    assert far.next is None


def test_around_the_clock_and_long_windows():
    always = status("24/7", at(MON, 3))
    assert always.is_open and always.current.start is None and always.current.end is None
    assert always.current.meal is None
    long = status("Mo-Su 06:00-20:00", at(MON, 12))  # 14 hours: opening time, not one meal
    assert long.is_open and long.current.end == sh(MON, 20) and long.current.meal is None
    breakfast = status("Mo-Su 06:30-09:00", at(MON, 7))
    assert breakfast.current.meal == "breakfast"
    midnight = status("Mo-Su 17:00-24:00", at(MON, 18))
    assert midnight.current.end == sh(2, 0) and midnight.current.meal == "dinner"


def test_unknown_state_and_comments():
    st = status('Mo-Fr 10:00-12:00 unknown "call ahead"', at(MON, 11))
    assert st.state == "unknown" and st.current is None and not st.is_open
    noted = status('Mo-Fr 10:30-13:00 "预约"', at(MON, 11))
    assert noted.is_open and noted.comment == "预约"


def test_public_holidays_of_china():
    hours = "Mo-Su 10:30-13:00; PH off"
    assert status(hours, datetime(2025, 10, 1, 11)).state == "closed"  # National Day
    assert status(hours, datetime(2025, 10, 9, 11)).state == "open"


def test_bad_hours_raise_in_status():
    with pytest.raises(HoursError):
        status("lunchtime", at(MON, 12))
