"""The reminder table: which event kinds get reminders, when, and what time an event is taken to begin.

Small and in code on purpose (the brief: "configurable per event kind"): change a row here, restart, and the
start-up planning moves every pending reminder to the new times (sent ones are never sent again).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from db.clock import SEOUL
from locales import N_

ROUND_KINDS = ("open", "career", "assessment")
EVENT_KINDS = ("notice", "document", "written", "interview", "result", "assessment", "course")
PRECISIONS = ("day", "month", "quarter")

EVENT_LABELS = {
    "notice": N_("Announcement"),
    "document": N_("Document screening"),
    "written": N_("Written exam"),
    "interview": N_("Interview"),
    "result": N_("Results"),
    "assessment": N_("Competency assessment"),
    "course": N_("Preparation course"),
}
ROUND_KIND_LABELS = {
    "open": N_("Open and career competition exam"),
    "career": N_("Career recruitment"),
    "assessment": N_("Promotion competency assessment"),
}


@dataclass(frozen=True)
class Offset:
    key: str  # d-7 | d-1 | d0 (part of the reminder's unique key: never rename a key in use)
    days_before: int  # 0 = the day itself
    at: time  # Seoul wall time of the reminder


D7 = Offset("d-7", 7, time(9, 0))
D1 = Offset("d-1", 1, time(19, 0))  # the evening before

# kind → offsets. Events of other kinds (announcement, document screening, courses) get no reminders; events whose
# date is only known to the month or quarter get none either until staff import the exact day.
REMINDERS: dict[str, tuple[Offset, ...]] = {
    "written": (D7, D1, Offset("d0", 0, time(6, 0))),  # early: what to bring, arrival time
    "interview": (D7, D1, Offset("d0", 0, time(7, 0))),
    "result": (D7, D1, Offset("d0", 0, time(7, 0))),
    "assessment": (D7, D1, Offset("d0", 0, time(7, 0))),
}

# When an event is taken to begin (for the grace window: a late reminder is still sent before this, never after).
STARTS_AT: dict[str, time] = {"written": time(10, 0), "interview": time(9, 0), "result": time(10, 0),
                              "assessment": time(9, 0), "course": time(9, 0), "notice": time(9, 0),
                              "document": time(9, 0)}
WRITTEN_ARRIVE_BY = time(9, 20)  # usual seating time of Seoul's written exams; the admission ticket rules
PERSONAL_LEAD = timedelta(hours=1)  # the morning reminder of a personal slot is at least this long before it
SLOT_HOURS = (time(7, 0), time(21, 0))  # a personal interview time must fall within these hours


def offsets_for(kind: str) -> tuple[Offset, ...]:
    return REMINDERS.get(kind, ())


def at_seoul(day: date, clock_time: time) -> datetime:
    return datetime.combine(day, clock_time, tzinfo=SEOUL)


def event_start(kind: str, day: date) -> datetime:
    return at_seoul(day, STARTS_AT.get(kind, time(9, 0)))


def due_time(offset: Offset, day: date, starts_at: datetime) -> datetime:
    """When to send `offset` for an event on `day` that begins at `starts_at` (a personal slot may be early)."""
    due = at_seoul(day - timedelta(days=offset.days_before), offset.at)
    if offset.days_before == 0 and due > starts_at - PERSONAL_LEAD:
        due = starts_at - PERSONAL_LEAD
    return due
