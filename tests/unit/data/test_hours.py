"""geo.data.hours: a meal point's hours, prices and seats in words, at a FIXED clock."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from geo.data.hours import parse_tiers, price_line, seats_line, status_line, tiers_text

WEEKDAYS = "Mo-Fr 10:30-13:00,16:30-18:30; Sa,Su off"


def at(day: int, hh: int, mm: int = 0) -> datetime:
    """December 2025, Shanghai wall clock (12-01 is a Monday, 12-05 a Friday)."""
    return datetime(2025, 12, day, hh, mm)


@pytest.mark.parametrize(
    ("now", "zh", "en"),
    [
        (at(1, 12), "营业中 · 午餐到 13:00", "Open · lunch until 13:00"),
        (at(1, 10, 29), "尚未营业 · 今天 10:30 开始午餐", "Not open yet · lunch from 10:30 today"),
        (at(1, 14), "餐间休息 · 今天 16:30 开始晚餐", "Between meals · dinner from 16:30 today"),
        (at(1, 17), "营业中 · 晚餐到 18:30", "Open · dinner until 18:30"),
        (at(1, 19), "已打烊 · 明天 10:30 开始午餐", "Closed · lunch from 10:30 tomorrow"),
        (at(1, 23, 59), "已打烊 · 明天 10:30 开始午餐", "Closed · lunch from 10:30 tomorrow"),
        (at(2, 0, 1), "尚未营业 · 今天 10:30 开始午餐", "Not open yet · lunch from 10:30 today"),
        (at(5, 19), "已打烊 · 周一 10:30 开始午餐", "Closed · lunch from 10:30 on Monday"),
        (at(6, 12), "今天休息 · 周一 10:30 开始午餐", "Closed today · lunch from 10:30 on Monday"),
    ],
)
def test_status_line_at_fixed_moments(now, zh, en):
    assert status_line(WEEKDAYS, "zh", now) == zh
    assert status_line(WEEKDAYS, "en", now) == en


def test_status_line_across_midnight():
    hours = "Fr 17:00-01:00"
    assert status_line(hours, "zh", at(5, 23, 59)) == "营业中 · 晚餐到明天 01:00"
    assert status_line(hours, "en", at(5, 23, 59)) == "Open · dinner until 01:00 tomorrow"
    assert status_line(hours, "zh", at(6, 0, 1)) == "营业中 · 晚餐到 01:00"
    assert status_line(hours, "en", at(6, 1, 0)) == "Closed today · dinner from 17:00 on Friday"
    assert status_line("Mo-Su 17:00-24:00", "zh", at(1, 18)) == "营业中 · 晚餐到 24:00"


def test_status_line_next_week_none_soon_around_the_clock_and_maybe():
    assert status_line("Mo 10:00-12:00", "zh", at(1, 12)) == "已打烊 · 下周一 10:00 开始午餐"
    assert status_line("Mo 10:00-12:00", "en", at(1, 12)) == "Closed · lunch from 10:00 next Monday"
    assert status_line("Mo-Su off", "en", at(1, 12)) == "Closed today · not open in the next 7 days"
    assert status_line("24/7", "zh", at(1, 3)) == "营业中 · 24 小时营业"
    assert status_line("Mo-Su 07:00-20:00", "en", at(1, 12)) == "Open · serving until 20:00"
    assert status_line("Mo-Fr 10:00-12:00 unknown", "en", at(1, 11)) == "May be open (check on site)"


def test_server_in_another_time_zone():
    # 04:00 UTC = 12:00 in Shanghai; 11:00 UTC = 19:00 in Shanghai
    assert status_line(WEEKDAYS, "en", datetime(2025, 12, 1, 4, 0, tzinfo=UTC)) == "Open · lunch until 13:00"
    assert status_line(WEEKDAYS, "zh", datetime(2025, 12, 1, 11, 0, tzinfo=UTC)) == "已打烊 · 明天 10:30 开始午餐"
    ny = datetime(2025, 11, 30, 23, 0, tzinfo=ZoneInfo("America/New_York"))  # Monday 12:00 in Shanghai
    assert status_line(WEEKDAYS, "zh", ny) == "营业中 · 午餐到 13:00"


def test_default_clock_is_shanghai_now():
    line = status_line(WEEKDAYS, "en")
    assert line is not None and line.split(" · ")[0] in (
        "Open",
        "Not open yet",
        "Between meals",
        "Closed",
        "Closed today",
    )


@pytest.mark.parametrize("empty", [None, "", "  ", math.nan, pd.NA])
def test_unknown_hours_are_not_published(empty):
    assert status_line(empty, "zh", at(1, 12)) == "营业时间未公布"
    assert status_line(empty, "en", at(1, 12)) == "Opening hours not published"


def test_unreadable_hours_say_nothing():
    assert status_line("周一至周五 10:30-13:00", "zh", at(1, 12)) is None


def test_price_line():
    row = {"price_tiers": "8/10/12", "subsidy_yuan": 2.0}
    assert price_line(row, "zh") == "8 / 10 / 12 元 · 敬老补贴 2 元/餐"
    assert price_line(row, "en") == "¥8 / 10 / 12 · elderly subsidy ¥2 per meal"
    assert price_line({"price_tiers": "8/10/12"}, "en") == "¥8 / 10 / 12"
    assert price_line({"subsidy_yuan": 1.5}, "zh") == "敬老补贴 1.5 元/餐"
    assert price_line({"price_note": "10元/餐"}, "zh") == "10元/餐"
    assert price_line({"price_tiers": None, "subsidy_yuan": math.nan, "price_note": None}, "zh") is None
    assert price_line(pd.Series({"price_tiers": "8/10/12", "subsidy_yuan": 2.0, "price_note": None}), "en") == (
        "¥8 / 10 / 12 · elderly subsidy ¥2 per meal"
    )


def test_seats_line():
    assert seats_line({"seats": 56}, "zh") == "56 个座位"
    assert seats_line({"seats": 56}, "en") == "56 seats"
    assert seats_line({"seats": 1}, "en") == "1 seat"
    assert seats_line({"seats": pd.NA}, "en") is None
    assert seats_line({}, "zh") is None


@pytest.mark.parametrize(
    ("text", "prices"),
    [
        ("8/10/12", (8, 10, 12)),
        (" 8 / 10 / 12 ", (8, 10, 12)),
        ("8／10／12", (8, 10, 12)),
        ("8元/10元/12元", (8, 10, 12)),
        ("9.5", (9.5,)),
        ("8元起", None),
        ("8//12", None),
        ("-8/10", None),
        ("nan", None),
        ("", None),
    ],
)
def test_parse_tiers(text, prices):
    assert parse_tiers(text) == prices
    if prices:
        assert parse_tiers(tiers_text(prices)) == prices
