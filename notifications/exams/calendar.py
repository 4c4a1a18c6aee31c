"""The exam calendar as data: rounds, their events, the next event, a round's card for one person."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import ExamEvent, ExamRound, ExamSubscription, InterviewSlot, Reminder

KIND_ORDER = {"notice": 0, "document": 1, "written": 2, "assessment": 3, "course": 3, "interview": 4, "result": 5}


@dataclass(frozen=True)
class EventInfo:
    id: int
    round_id: str
    kind: str
    start_on: date
    end_on: date
    precision: str

    @property
    def exact(self) -> bool:
        return self.precision == "day"


@dataclass(frozen=True)
class RoundInfo:
    id: str
    kind: str
    title: str
    title_en: str
    selection: int | None
    selection_note: str
    note: str
    note_en: str
    events: tuple[EventInfo, ...] = ()
    year: int = 0  # the plan year

    def next_event(self, today: date) -> EventInfo | None:
        """The first event not over yet (an interview period counts until its last day)."""
        for event in self.events:
            if event.end_on >= today:
                return event
        return None

    def event(self, kind: str) -> EventInfo | None:
        return next((e for e in self.events if e.kind == kind), None)

    @property
    def first_day(self) -> date | None:
        return self.events[0].start_on if self.events else None

    @property
    def last_day(self) -> date | None:
        return max((e.end_on for e in self.events), default=None)


@dataclass(frozen=True)
class SlotInfo:
    round_id: str
    starts_at: datetime
    place: str
    source: str


@dataclass(frozen=True)
class PlannedReminder:
    event_kind: str
    offset_key: str
    due_at: datetime
    status: str


@dataclass
class RoundCard:
    round: RoundInfo
    subscribed: bool
    slot: SlotInfo | None
    reminders: list[PlannedReminder] = field(default_factory=list)


def _event(e: ExamEvent) -> EventInfo:
    return EventInfo(e.id, e.round_id, e.kind, e.start_on, e.end_on, e.precision)


def _sort_events(events: list[EventInfo]) -> tuple[EventInfo, ...]:
    return tuple(sorted(events, key=lambda e: (e.start_on, KIND_ORDER.get(e.kind, 9), e.end_on)))


def _round(r: ExamRound, events: list[EventInfo]) -> RoundInfo:
    return RoundInfo(r.id, r.kind, r.title, r.title_en, r.selection, r.selection_note or "", r.note or "",
                     r.note_en or "", _sort_events(events), r.year)


async def rounds(session: AsyncSession, *, ids: list[str] | None = None, active_only: bool = True,
                 year: int | None = None, since_year: int | None = None,
                 published_only: bool = True) -> list[RoundInfo]:
    """Rounds with their events, in calendar order (by first event): of one plan year when `year` is given (or of
    `since_year` and later), of published years only unless `published_only` is False (staff's view of a draft)."""
    from catalog.plan import round_published

    q = select(ExamRound)
    if active_only:
        q = q.where(ExamRound.active.is_(True))
    if year is not None:
        q = q.where(ExamRound.year == year)
    if since_year is not None:
        q = q.where(ExamRound.year >= since_year)
    if published_only:
        q = q.where(round_published())
    if ids is not None:
        q = q.where(ExamRound.id.in_(ids))
    found = list((await session.execute(q)).scalars())
    by_round: dict[str, list[EventInfo]] = {r.id: [] for r in found}
    if found:
        eq = select(ExamEvent).where(ExamEvent.round_id.in_(list(by_round)))
        for e in (await session.execute(eq)).scalars():
            by_round[e.round_id].append(_event(e))
    out = [_round(r, by_round[r.id]) for r in found]
    out.sort(key=lambda r: (r.first_day or date.max, r.id))
    return out


async def current_rounds(session: AsyncSession, today: date) -> list[RoundInfo]:
    """What /exams offers: the rounds of the current plan year and of published later years."""
    from catalog.plan import current_year

    return await rounds(session, since_year=await current_year(session, today))


async def get_round(session: AsyncSession, round_id: str) -> RoundInfo | None:
    found = await rounds(session, ids=[round_id])
    return found[0] if found else None


def upcoming_first(all_rounds: list[RoundInfo], today: date) -> list[RoundInfo]:
    """Rounds with something still to come, soonest next event first; finished rounds after them."""
    kinds = {"open": 0, "career": 1, "assessment": 2}

    def key(r: RoundInfo):
        nxt = r.next_event(today)
        if nxt is None:
            return (1, 0, date.min, r.id)
        return (0, kinds.get(r.kind, 9), max(nxt.start_on, today), r.id)

    return sorted(all_rounds, key=key)


async def slot_of(session: AsyncSession, user_id: int, round_id: str) -> SlotInfo | None:
    s = (await session.execute(select(InterviewSlot).where(
        InterviewSlot.user_id == user_id, InterviewSlot.round_id == round_id))).scalar_one_or_none()
    return SlotInfo(s.round_id, s.starts_at, s.place, s.source) if s else None


async def round_card(session: AsyncSession, round_id: str, user_id: int) -> RoundCard | None:
    info = await get_round(session, round_id)
    if info is None:
        return None
    subscribed = (await session.execute(select(ExamSubscription.id).where(
        ExamSubscription.user_id == user_id, ExamSubscription.round_id == round_id))).first() is not None
    slot = await slot_of(session, user_id, round_id)
    card = RoundCard(info, subscribed, slot)
    if subscribed:
        card.reminders = await planned_reminders(session, user_id, round_id)
    return card


async def planned_reminders(session: AsyncSession, user_id: int, round_id: str | None = None) -> list[PlannedReminder]:
    q = (select(ExamEvent.kind, Reminder.offset_key, Reminder.due_at, Reminder.status)
         .join(ExamEvent, ExamEvent.id == Reminder.event_id)
         .where(Reminder.user_id == user_id, Reminder.status.in_(("planned", "sent"))))
    if round_id is not None:
        q = q.where(ExamEvent.round_id == round_id)
    rows = (await session.execute(q.order_by(Reminder.due_at))).all()
    return [PlannedReminder(k, o, d, s) for k, o, d, s in rows]


async def my_rounds(session: AsyncSession, user_id: int) -> list[RoundInfo]:
    ids = list((await session.execute(select(ExamSubscription.round_id).where(
        ExamSubscription.user_id == user_id))).scalars())
    return await rounds(session, ids=ids, active_only=False) if ids else []
