"""Dates and numbers with Babel, always in Asia/Seoul: `2022년 2월 26일 (토)` / `Sat, Feb 26, 2022`.

Babel parses its pattern and walks its locale data on every call (≈ 0.1 ms); a dashboard page formats hundreds of
dates and figures, mostly the same few. The results are pure functions of (value, language), so they are memoised.
"""
from __future__ import annotations

from datetime import date, datetime, time
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time as babel_format_time
from babel.numbers import format_decimal

SEOUL_TZ = "Asia/Seoul"
SEOUL = ZoneInfo(SEOUL_TZ)
DAY_PATTERN = {"ko": "y년 M월 d일 (E)", "en": "EEE, MMM d, y"}
MONTH_PATTERN = {"ko": "y년 M월", "en": "MMMM y"}
TIME_PATTERN = {"ko": "aaaa h:mm", "en": "h:mm a"}  # ko: wide day period (오전/오후); the short one is "AM"
MEMO = 4096  # distinct days, minutes and figures kept per function (a few years of days; ~1 MB at most)


def _in_seoul(value: datetime) -> datetime:
    return value.astimezone(SEOUL) if value.tzinfo is not None else value


def _day(value: date | datetime) -> date:
    return _in_seoul(value).date() if isinstance(value, datetime) else value


def format_day(value: date | datetime, lang: str) -> str:
    return _format_day(_day(value), lang)


@lru_cache(maxsize=MEMO)
def _format_day(day: date, lang: str) -> str:
    return format_date(day, DAY_PATTERN.get(lang, DAY_PATTERN["ko"]), locale=lang)


def format_time(value: datetime, lang: str) -> str:
    moment = _in_seoul(value)
    return _format_minute(moment.hour, moment.minute, lang)  # the patterns show hours and minutes only


@lru_cache(maxsize=MEMO)
def _format_minute(hour: int, minute: int, lang: str) -> str:
    return babel_format_time(time(hour, minute), TIME_PATTERN.get(lang, TIME_PATTERN["ko"]), locale=lang)


def quarter_of(day: date) -> int:
    return (day.month - 1) // 3 + 1


@lru_cache(maxsize=MEMO)
def format_month(value: date, lang: str) -> str:
    return format_date(value, MONTH_PATTERN.get(lang, MONTH_PATTERN["ko"]), locale=lang)


@lru_cache(maxsize=MEMO, typed=True)  # typed: 2 and 2.0 are told apart, as Babel tells them apart
def format_number(value: int | float, lang: str) -> str:
    return format_decimal(value, locale=lang)
