"""An .ics calendar of one round: every event with an exact day (all-day), and the person's own interview
time (a timed event with its place) instead of the round's interview period where known."""
from __future__ import annotations

from datetime import datetime, timedelta

from icalendar import Calendar, Event

from db.clock import SEOUL
from locales import Translator
from notifications.exams.calendar import RoundInfo, SlotInfo
from notifications.exams.config import EVENT_LABELS, WRITTEN_ARRIVE_BY

SLOT_LENGTH = timedelta(hours=1)


def build_ics(info: RoundInfo, tr: Translator, now: datetime, slot: SlotInfo | None = None) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//Seoul HRD Center//hrdbot//KO")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    title = tr.pick(info.title, info.title_en)
    cal.add("x-wr-calname", title)
    cal.add("x-wr-timezone", "Asia/Seoul")
    for e in info.events:
        label = tr(EVENT_LABELS.get(e.kind, e.kind))
        ev = Event()
        ev.add("uid", f"{info.id}-{e.kind}@hrdbot")
        ev.add("dtstamp", now.astimezone(SEOUL))
        if e.kind == "interview" and slot is not None:
            ev["uid"] = f"{info.id}-{e.kind}-personal@hrdbot"
            mine = tr("my time")
            ev.add("summary", f"{label} ({mine}) · {title}")
            ev.add("dtstart", slot.starts_at.astimezone(SEOUL))
            ev.add("dtend", slot.starts_at.astimezone(SEOUL) + SLOT_LENGTH)
            if slot.place:
                ev.add("location", slot.place)
        elif e.exact:
            ev.add("summary", f"{label} · {title}")
            ev.add("dtstart", e.start_on)
            ev.add("dtend", e.end_on + timedelta(days=1))  # DTEND of an all-day event is exclusive
            ev.add("transp", "TRANSPARENT")
            if e.kind == "written":
                ev.add("description", tr("Be seated by {time}; bring your admission ticket and photo ID "
                                         "(check the exam notice).", time=tr.time(datetime.combine(
                                             e.start_on, WRITTEN_ARRIVE_BY, tzinfo=SEOUL))))
        else:
            continue  # only the quarter or month is known: not put in a calendar as if it were a date
        cal.add_component(ev)
    if hasattr(cal, "add_missing_timezones"):
        cal.add_missing_timezones()
    return cal.to_ical()


def exact_event_count(info: RoundInfo, slot: SlotInfo | None = None) -> int:
    return sum(1 for e in info.events if e.exact or (e.kind == "interview" and slot is not None))
