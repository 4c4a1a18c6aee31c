"""Dates and numbers with Babel, always in Asia/Seoul: `2022년 2월 26일 (토)` / `Sat, Feb 26, 2022`."""
from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_date, format_time as babel_format_time
from babel.numbers import format_decimal

SEOUL_TZ = "Asia/Seoul"
DAY_PATTERN = {"ko": "y년 M월 d일 (E)", "en": "EEE, MMM d, y"}
MONTH_PATTERN = {"ko": "y년 M월", "en": "MMMM y"}
TIME_PATTERN = {"ko": "aaaa h:mm", "en": "h:mm a"}  # ko: wide day period (오전/오후); the short one is "AM"


def _day(value: date | datetime) -> date:
    if isinstance(value, datetime):
        from zoneinfo import ZoneInfo

        if value.tzinfo is not None:
            value = value.astimezone(ZoneInfo(SEOUL_TZ))
        return value.date()
    return value


def format_day(value: date | datetime, lang: str) -> str:
    return format_date(_day(value), DAY_PATTERN.get(lang, DAY_PATTERN["ko"]), locale=lang)


def format_time(value: datetime, lang: str) -> str:
    from zoneinfo import ZoneInfo

    if value.tzinfo is not None:
        value = value.astimezone(ZoneInfo(SEOUL_TZ))
    return babel_format_time(value.time(), TIME_PATTERN.get(lang, TIME_PATTERN["ko"]), locale=lang)


def quarter_of(day: date) -> int:
    return (day.month - 1) // 3 + 1


def format_month(value: date, lang: str) -> str:
    return format_date(value, MONTH_PATTERN.get(lang, MONTH_PATTERN["ko"]), locale=lang)


def format_number(value: int | float, lang: str) -> str:
    return format_decimal(value, locale=lang)
