"""One clock for the whole bot (Asia/Seoul), injectable in tests and overridable for demos.

The seeded plan's dates are in the past, so a demo can start the clock on a chosen day with ``HRDBOT_NOW``
(the clock then runs forward in real time from there); tests use :class:`FakeClock` and move it by hand.
"""
from __future__ import annotations

import time
from datetime import date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

SEOUL = ZoneInfo("Asia/Seoul")


class Clock(Protocol):
    def now(self) -> datetime: ...


def to_seoul(moment: datetime) -> datetime:
    """Aware datetime in Seoul; naive values are taken to be Seoul wall time."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=SEOUL)
    return moment.astimezone(SEOUL)


def parse_moment(text: str) -> datetime:
    """``2022-02-20`` or ``2022-02-20T09:00`` (Seoul unless an offset is given)."""
    return to_seoul(datetime.fromisoformat(text.strip()))


class SystemClock:
    """Real time, optionally shifted so that it starts at ``start`` (HRDBOT_NOW)."""

    def __init__(self, start: datetime | None = None) -> None:
        self._offset = timedelta(0)
        if start is not None:
            self._offset = to_seoul(start) - datetime.now(SEOUL)

    def now(self) -> datetime:
        return datetime.now(SEOUL) + self._offset

    def advance(self, delta: timedelta) -> datetime:
        """Jump ahead (the console's `:advance`, for demos of reminders)."""
        self._offset += delta
        return self.now()


class FakeClock:
    """A clock that only moves when told to: tests simulate a year in seconds."""

    def __init__(self, start: datetime | str) -> None:
        self._now = parse_moment(start) if isinstance(start, str) else to_seoul(start)

    def now(self) -> datetime:
        return self._now

    def set(self, moment: datetime | str) -> None:
        self._now = parse_moment(moment) if isinstance(moment, str) else to_seoul(moment)

    def advance(self, delta: timedelta | None = None, **kwargs: float) -> datetime:
        self._now += delta if delta is not None else timedelta(**kwargs)
        return self._now


def today(clock: Clock) -> date:
    return clock.now().date()


def monotonic() -> float:
    """For measuring durations only (benchmarks, rate limiting), never for dates."""
    return time.monotonic()
