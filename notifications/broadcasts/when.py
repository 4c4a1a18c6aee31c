"""When to send: what staff type, read in Seoul time. Returns None when it cannot be read.

Accepted (examples for now = 2022-03-01 15:00):
  2022-03-02 09:00 · 2022-03-02T09:00 · 2022.3.2 9:00 · 2022/03/02 · 3/2 9:00 · 03-02 09:30
  09:00 (today, or tomorrow when already past) · 오늘 18시 · 내일 9시 · 모레 오후 2시 30분 · 내일 오전 9:30
  tomorrow 9:00 · today 6pm · 30분 후 · 2시간 뒤 · in 2 hours · in 30 min · 3일 후
A date without a time means 09:00. Month/day without a year means the next such day.
"""
from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from db.clock import SEOUL, to_seoul

DEFAULT_TIME = time(9, 0)


def _time_of(text: str) -> tuple[time | None, str]:
    """A time of day somewhere in `text`; returns it and the text without it."""
    t = text
    pm = bool(re.search(r"오후|저녁|밤|(?:(?<=\d)|\b)p\.?m\b\.?", t))
    am = bool(re.search(r"오전|아침|새벽|(?:(?<=\d)|\b)a\.?m\b\.?", t))
    t = re.sub(r"오후|저녁|밤|오전|아침|새벽|(?:(?<=\d)|\b)[ap]\.?m\b\.?", " ", t)
    m = re.search(r"(\d{1,2})\s*시\s*(?:(\d{1,2})\s*분|(반))?", t)
    if m:
        hour, minute = int(m.group(1)), int(m.group(2) or (30 if m.group(3) else 0))
    else:
        m = re.search(r"(?<![\d./-])(\d{1,2}):(\d{2})(?![\d])", t) or re.search(r"(?<![\d./-])(\d{1,2})\s*(?=$)", t) \
            if (am or pm) else re.search(r"(?<![\d./-])(\d{1,2}):(\d{2})(?![\d])", t)
        if not m:
            return None, text
        hour = int(m.group(1))
        minute = int(m.group(2)) if m.lastindex and m.lastindex >= 2 and m.group(2) else 0
    if pm and hour < 12:
        hour += 12
    if am and hour == 12:
        hour = 0
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        return None, text
    rest = (t[:m.start()] + " " + t[m.end():]).strip()
    return time(hour, minute), rest


def parse_when(text: str, now: datetime) -> datetime | None:
    now = to_seoul(now)
    s = " ".join((text or "").strip().lower().split())
    if not s or len(s) > 60:
        return None
    if s in ("now", "지금", "바로", "즉시"):
        return now
    rel = re.fullmatch(r"(?:in\s+)?(\d{1,3})\s*(분|시간|일|min|mins|minutes?|hours?|h|days?|d)\s*(?:후|뒤|later)?", s)
    if rel:
        n, unit = int(rel.group(1)), rel.group(2)
        delta = (timedelta(minutes=n) if unit in ("분", "min", "mins", "minute", "minutes") else
                 timedelta(hours=n) if unit in ("시간", "hour", "hours", "h") else timedelta(days=n))
        return (now + delta).replace(second=0, microsecond=0)
    iso = re.fullmatch(r"(\d{4})[-./](\d{1,2})[-./](\d{1,2})\.?(?:[ t](\d{1,2}):(\d{2}))?", s)
    if iso:
        try:
            day = date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
            at = time(int(iso.group(4)), int(iso.group(5))) if iso.group(4) else DEFAULT_TIME
            return datetime.combine(day, at, SEOUL)
        except ValueError:
            return None
    day: date | None = None
    rest = s
    for word, offset in (("모레", 2), ("내일", 1), ("오늘", 0), ("tomorrow", 1), ("today", 0)):
        if word in rest:
            day = now.date() + timedelta(days=offset)
            rest = rest.replace(word, " ")
            break
    if day is None:
        md = re.search(r"(?<!\d)(\d{1,2})\s*(?:월\s*(\d{1,2})\s*일|[/.-]\s*(\d{1,2}))(?![\d:])", rest)
        if md:
            month, dom = int(md.group(1)), int(md.group(2) or md.group(3))
            try:
                day = date(now.year, month, dom)
            except ValueError:
                return None
            if day < now.date():
                try:
                    day = date(now.year + 1, month, dom)
                except ValueError:
                    return None
            rest = rest[:md.start()] + " " + rest[md.end():]
    at, rest = _time_of(rest)
    if re.search(r"\d", rest) or re.sub(r"[\s,에]", "", rest):
        return None  # something we did not understand is left over
    if day is None and at is None:
        return None
    if day is None:
        moment = datetime.combine(now.date(), at, SEOUL)
        return moment if moment > now else moment + timedelta(days=1)
    return datetime.combine(day, at or DEFAULT_TIME, SEOUL)
