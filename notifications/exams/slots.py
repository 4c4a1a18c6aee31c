"""Reading a personal interview time typed by a person: `8/24 14:00 서울시인재개발원 별관`,
`2022-08-24 오후 2시 30분 본관 3층`, `8월 24일 14시, 인재개발원`. Pure functions; errors are codes the handler
turns into words."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time

from db.clock import SEOUL
from notifications.exams.config import SLOT_HOURS

DATE_RE = re.compile(r"(?:(?P<y>\d{4})\s*[-./년]\s*)?(?P<m>\d{1,2})\s*(?:[-./]|월)\s*(?P<d>\d{1,2})(?!\d)\s*일?(?:\s*\([^)]{1,3}\))?")
TIME_RE = re.compile(
    r"(?P<ampm>오전|오후|AM|PM|am|pm)?\s*(?P<h>\d{1,2})\s*(?::\s*(?P<mi>\d{2})|시(?:\s*(?P<mk>\d{1,2})\s*분|\s*(?P<half>반))?)"
    r"(?:\s*(?P<ampm2>AM|PM|am|pm))?|(?P<h2>\d{1,2})\s*(?P<ampm3>am|pm|AM|PM)")
MAX_PLACE = 200


@dataclass(frozen=True)
class ParsedSlot:
    starts_at: datetime
    place: str


class SlotError(ValueError):
    """code: no_date | bad_date | day_first | no_time | bad_time | no_place | outside_period | too_long"""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def parse_slot(text: str, year: int, period: tuple[date, date] | None = None) -> ParsedSlot:
    # no control characters (PostgreSQL refuses NUL in text)
    text = " ".join("".join(ch for ch in (text or "") if ch.isspace() or unicodedata.category(ch) != "Cc").split())
    if len(text) > 300:
        raise SlotError("too_long")
    dm = DATE_RE.search(text)
    if not dm:
        raise SlotError("no_date")
    try:
        day = date(int(dm.group("y") or year), int(dm.group("m")), int(dm.group("d")))
    except ValueError:
        month, day_of_month = int(dm.group("m")), int(dm.group("d"))
        if month > 12 and 1 <= day_of_month <= 12 and "월" not in dm.group(0):
            raise SlotError("day_first") from None  # 24/8: written day first, as many people abroad do
        raise SlotError("bad_date") from None
    rest = text[:dm.start()] + " " + text[dm.end():]
    tm = TIME_RE.search(rest)
    if not tm:
        raise SlotError("no_time")
    hour = int(tm.group("h") or tm.group("h2"))
    minute = int(tm.group("mi") or tm.group("mk") or (30 if tm.group("half") else 0))
    ampm = (tm.group("ampm") or tm.group("ampm2") or tm.group("ampm3") or "").lower()
    if ampm in ("오후", "pm") and hour < 12:
        hour += 12
    elif ampm in ("오전", "am") and hour == 12:
        hour = 0
    if hour > 23 or minute > 59:
        raise SlotError("bad_time")
    clock = time(hour, minute)
    if not (SLOT_HOURS[0] <= clock <= SLOT_HOURS[1]):
        raise SlotError("bad_time")
    place = (rest[:tm.start()] + " " + rest[tm.end():]).strip(" ,;·-/")
    place = " ".join(place.split())
    if not place:
        raise SlotError("no_place")
    if len(place) > MAX_PLACE:
        raise SlotError("too_long")
    if period is not None and not (period[0] <= day <= period[1]):
        raise SlotError("outside_period")
    return ParsedSlot(datetime.combine(day, clock, tzinfo=SEOUL), place)
