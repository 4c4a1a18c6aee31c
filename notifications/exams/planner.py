"""Reminders as rows: planned from the database, claimed when due, turned into outbox notices.

- `plan()` rebuilds the plan of some rounds/users (or all) from the calendar, the subscriptions and personal
  interview slots: an upsert on the unique key (user, event, offset), so running it again changes nothing.
  It runs at start-up and in the transaction of every change (subscribe, slot, import).
- `send_due()` is the one scheduler tick: in one transaction per chunk it claims due reminders (SKIP LOCKED on
  PostgreSQL), writes one outbox notice each (idempotency key per user, event, offset and event day) and marks
  them sent. A reminder that fell due while the bot was down is still sent if its event has not begun; if it has
  begun, the reminder is marked `expired` and logged. When several reminders of one event are overdue at once
  (long downtime), only the latest is sent: the others are `expired` as superseded.
"""
from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import and_, case, exists, false, func, literal, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import aliased

from catalog.retention import Periods
from db.clock import SEOUL
from db.models import ExamEvent, ExamRound, ExamSubscription, InterviewSlot, Reminder
from db.outbox import Notice, enqueue_many
from db.session import session_scope
from notifications.exams.config import due_time, event_start, offsets_for

log = logging.getLogger(__name__)

CHUNK = 1000  # rows per statement / per claim transaction: bounded memory, SQLite's variable limit
REMINDER_KIND = "exam_reminder"
CHANGE_KIND = "exam_change"
SLOT_KEEP_DAYS = Periods().slot_days  # HRDBOT_RETAIN_SLOT_DAYS's default; the bot passes the setting


def slot_notice_params(keep_days: int, *, applicant_no: bool = False) -> dict:
    """What a message quoting a staff-imported interview slot needs to carry the privacy notice (the person did not
    type that data): the renderer then says what is kept, why, for how long, and points to /mydata and /forget."""
    return {"slot_source": "import", "keep_days": keep_days, **({"applicant_no_from_staff": True} if applicant_no else {})}


@dataclass
class PlanReport:
    upserted: int = 0
    cancelled: int = 0


@dataclass
class SendReport:
    sent: int = 0
    expired: int = 0
    superseded: int = 0
    expired_ids: list[int] = field(default_factory=list)


def _insert(session: AsyncSession):
    return postgresql.insert if session.bind.dialect.name == "postgresql" else sqlite.insert


def _moment(value: datetime):
    return literal(value, type_=Reminder.__table__.c.due_at.type)


async def _upsert(session: AsyncSession, rows: list[dict], now: datetime) -> int:
    """Insert or move reminder rows; one cached statement executed for many rows (no per-chunk compile)."""
    if not rows:
        return 0
    t = Reminder.__table__
    ins = _insert(session)(t)
    ex = ins.excluded
    changed = or_(t.c.due_at != ex.due_at, t.c.event_starts_at != ex.event_starts_at)
    replan = or_(t.c.status == "planned", ex.due_at > _moment(now))
    status = case((t.c.status == "cancelled", ex.status), (and_(changed, replan), "planned"), else_=t.c.status)
    stmt = ins.on_conflict_do_update(
        index_elements=["user_id", "event_id", "offset_key"],
        set_={"due_at": ex.due_at, "event_starts_at": ex.event_starts_at, "status": status,
              "note": case((t.c.status == "cancelled", ex.note), else_=t.c.note)},
        where=or_(t.c.status == "cancelled", changed),
    ).returning(t.c.id)
    result = await session.execute(stmt, rows)
    return len(result.all())


def desired_rows(user_id: int, event: tuple, slot_at: datetime | None, now: datetime) -> Iterable[dict]:
    """The reminders one subscriber should have for one event (a personal slot replaces an interview period)."""
    event_id, kind, start_on = event
    if kind == "interview" and slot_at is not None:
        starts_at = slot_at.astimezone(SEOUL)
        day = starts_at.date()
    else:
        day, starts_at = start_on, event_start(kind, start_on)
    for offset in offsets_for(kind):
        due = due_time(offset, day, starts_at)
        late = due <= now
        yield dict(user_id=user_id, event_id=event_id, offset_key=offset.key, due_at=due, event_starts_at=starts_at,
                   status="expired" if late else "planned",
                   note="planned after its time (subscribed late)" if late else None, created_at=now)


async def plan(session: AsyncSession, now: datetime, *, round_ids: Iterable[str] | None = None,
               user_ids: Iterable[int] | None = None) -> PlanReport:
    """Bring the reminder rows of these rounds/users (None = all) in line with the calendar. Idempotent."""
    report = PlanReport()
    round_ids = list(round_ids) if round_ids is not None else None
    user_ids = list(user_ids) if user_ids is not None else None
    eq = select(ExamEvent.id, ExamEvent.round_id, ExamEvent.kind, ExamEvent.start_on, ExamEvent.precision)
    if round_ids is not None:
        eq = eq.where(ExamEvent.round_id.in_(round_ids))
    all_events = (await session.execute(eq)).all()
    eligible: dict[str, list[tuple]] = {}
    for eid, rid, kind, start_on, precision in all_events:
        if precision == "day" and offsets_for(kind):
            eligible.setdefault(rid, []).append((eid, kind, start_on))

    if eligible:
        # Stream subscriptions (keyset pages) with their personal interview slot, upsert in chunks.
        last_id = 0
        while True:
            q = (select(ExamSubscription.id, ExamSubscription.user_id, ExamSubscription.round_id,
                        InterviewSlot.starts_at)
                 .join(InterviewSlot, and_(InterviewSlot.round_id == ExamSubscription.round_id,
                                           InterviewSlot.user_id == ExamSubscription.user_id), isouter=True)
                 .where(ExamSubscription.round_id.in_(list(eligible)), ExamSubscription.id > last_id)
                 .order_by(ExamSubscription.id).limit(CHUNK))
            if user_ids is not None:
                q = q.where(ExamSubscription.user_id.in_(user_ids))
            page = (await session.execute(q)).all()
            if not page:
                break
            rows: list[dict] = []
            for sub_id, uid, rid, slot_at in page:
                for event in eligible[rid]:
                    rows.extend(desired_rows(uid, event, slot_at, now))
                    if len(rows) >= CHUNK:
                        report.upserted += await _upsert(session, rows, now)
                        rows = []
            report.upserted += await _upsert(session, rows, now)
            last_id = page[-1][0]
            if len(page) < CHUNK:
                break

    # Cancel what is no longer wanted: unsubscribed users, events without an exact day, offsets removed.
    scope_events = [e[0] for e in all_events]
    if scope_events:
        subscribed = (select(ExamSubscription.id)
                      .join(ExamEvent, ExamEvent.round_id == ExamSubscription.round_id)
                      .where(ExamEvent.id == Reminder.event_id, ExamSubscription.user_id == Reminder.user_id)
                      .correlate(Reminder).exists())
        keep = [and_(Reminder.event_id == eid, Reminder.offset_key.in_([o.key for o in offsets_for(kind)]))
                for eid, rid, kind, start_on, precision in all_events
                if precision == "day" and offsets_for(kind)]
        wanted = and_(subscribed, or_(*keep)) if keep else false()
        for i in range(0, len(scope_events), CHUNK):
            stmt = (update(Reminder)
                    .where(Reminder.status == "planned", Reminder.event_id.in_(scope_events[i:i + CHUNK]), ~wanted)
                    .values(status="cancelled", processed_at=now, note="no longer wanted")
                    .execution_options(synchronize_session=False))
            if user_ids is not None:
                stmt = stmt.where(Reminder.user_id.in_(user_ids))
            report.cancelled += max((await session.execute(stmt)).rowcount or 0, 0)
    return report


async def cancel_for(session: AsyncSession, user_id: int, round_id: str, now: datetime) -> int:
    """Unsubscribe: the person's pending reminders of that round are cancelled (kept as rows, never sent)."""
    events = select(ExamEvent.id).where(ExamEvent.round_id == round_id)
    result = await session.execute(
        update(Reminder).where(Reminder.user_id == user_id, Reminder.status == "planned", Reminder.event_id.in_(events))
        .values(status="cancelled", processed_at=now, note="unsubscribed").execution_options(synchronize_session=False))
    return max(result.rowcount or 0, 0)


def reminder_key(user_id: int, event_id: int, offset_key: str, day: date) -> str:
    return f"exr:{user_id}:{event_id}:{offset_key}:{day:%Y%m%d}"


async def _expire_missed(session: AsyncSession, now: datetime, report: SendReport) -> None:
    later = aliased(Reminder)
    superseded = exists().where(later.user_id == Reminder.user_id, later.event_id == Reminder.event_id,
                                later.status == "planned", later.due_at <= _moment(now),
                                later.due_at > Reminder.due_at, later.event_starts_at > _moment(now))
    # Event already begun: too late, whatever the reminder.
    begun = select(Reminder.id, Reminder.user_id, Reminder.event_id, Reminder.offset_key, Reminder.due_at).where(
        Reminder.status == "planned", Reminder.due_at <= now, Reminder.event_starts_at <= now)
    missed = (await session.execute(begun)).all()
    for rid, uid, eid, key, due in missed[:20]:
        log.warning("reminder %s (user %s, event %s, %s, due %s) expired: the event began before it could be sent",
                    rid, uid, eid, key, due)
    if len(missed) > 20:
        log.warning("… and %d more expired reminders", len(missed) - 20)
    ids = [m[0] for m in missed]
    for i in range(0, len(ids), CHUNK):
        await session.execute(update(Reminder).where(Reminder.id.in_(ids[i:i + CHUNK]))
                              .values(status="expired", processed_at=now, note="event began before it was sent")
                              .execution_options(synchronize_session=False))
    report.expired += len(ids)
    report.expired_ids.extend(ids)
    result = await session.execute(
        update(Reminder).where(Reminder.status == "planned", Reminder.due_at <= _moment(now), superseded)
        .values(status="expired", processed_at=now, note="superseded by a later reminder of the same event")
        .execution_options(synchronize_session=False))
    report.superseded += max(result.rowcount or 0, 0)


async def send_due(sessionmaker: async_sessionmaker[AsyncSession], now: datetime, *, chunk: int = CHUNK,
                   slot_keep_days: int = SLOT_KEEP_DAYS) -> SendReport:
    """Claim due reminders and turn each into an outbox notice, in the same transaction. A reminder quoting a slot
    that staff imported repeats its privacy notice (`slot_keep_days`: the retention setting), so the person reads
    it with the first message using the slot even if the import's own notice were delayed by a retry."""
    report = SendReport()
    async with session_scope(sessionmaker) as session:
        await _expire_missed(session, now, report)
    while True:
        async with session_scope(sessionmaker) as session:
            n = await _send_chunk(session, now, chunk, slot_keep_days)
        report.sent += n
        if n == 0:
            break
    return report


async def _send_chunk(session: AsyncSession, now: datetime, chunk: int, slot_keep_days: int) -> int:
    # Claim ids first (one table, walked along the (status, due_at) index, no sort of the backlog, SKIP LOCKED
    # so two workers never take the same row), then read what the notices need for just those rows.
    claim = (select(Reminder.id).where(Reminder.status == "planned", Reminder.due_at <= now)
             .order_by(Reminder.due_at).limit(chunk))
    if session.bind.dialect.name == "postgresql":
        claim = claim.with_for_update(skip_locked=True)
    ids = list((await session.execute(claim)).scalars())
    if not ids:
        return 0
    q = (select(Reminder.id, Reminder.user_id, Reminder.event_id, Reminder.offset_key, Reminder.event_starts_at,
                ExamEvent.kind, ExamEvent.start_on, ExamEvent.end_on, ExamEvent.round_id,
                ExamRound.title, ExamRound.title_en, InterviewSlot.starts_at, InterviewSlot.place, InterviewSlot.source)
         .join(ExamEvent, ExamEvent.id == Reminder.event_id)
         .join(ExamRound, ExamRound.id == ExamEvent.round_id)
         .join(InterviewSlot, and_(InterviewSlot.round_id == ExamEvent.round_id,
                                   InterviewSlot.user_id == Reminder.user_id, ExamEvent.kind == "interview"),
               isouter=True)
         .where(Reminder.id.in_(ids)))
    rows = (await session.execute(q)).all()
    today = now.astimezone(SEOUL).date()
    notices = []
    for rid, uid, eid, key, starts_at, kind, start_on, end_on, round_id, title, title_en, slot_at, place, source in rows:
        personal = slot_at is not None
        day = starts_at.astimezone(SEOUL).date()
        params = {"round_id": round_id, "title": title, "title_en": title_en, "event": kind, "offset": key,
                  "start": start_on.isoformat(), "end": end_on.isoformat(), "day": day.isoformat(),
                  "days": (day - today).days}
        if personal:
            params.update(at=slot_at.astimezone(SEOUL).isoformat(), place=place or "")
            if source == "import":
                params.update(slot_notice_params(slot_keep_days))
        notices.append(Notice(key=reminder_key(uid, eid, key, day), user_id=uid, kind=REMINDER_KIND, params=params))
    await enqueue_many(session, notices, now=now)
    await session.execute(update(Reminder).where(Reminder.id.in_([r[0] for r in rows]))
                          .values(status="sent", processed_at=now).execution_options(synchronize_session=False))
    return len(rows)


# -- staff changed the calendar ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class EventChange:
    round_id: str
    kind: str
    old: tuple[str, str, str] | None  # (start, end, precision) ISO, None = new event
    new: tuple[str, str, str] | None  # None = removed

    def as_param(self) -> dict:
        return {"event": self.kind, "old": list(self.old) if self.old else None,
                "new": list(self.new) if self.new else None}


async def notify_changes(session: AsyncSession, changes: list[EventChange], now: datetime) -> int:
    """Re-plan the changed rounds and queue ONE change notice per subscriber and round. Returns notices queued."""
    by_round: dict[str, list[EventChange]] = {}
    for c in changes:
        by_round.setdefault(c.round_id, []).append(c)
    if not by_round:
        return 0
    await plan(session, now, round_ids=list(by_round))
    titles = dict((rid, (t, te)) for rid, t, te in (await session.execute(
        select(ExamRound.id, ExamRound.title, ExamRound.title_en).where(ExamRound.id.in_(list(by_round))))).all())
    queued = 0
    for round_id, round_changes in by_round.items():
        payload = [c.as_param() for c in round_changes]
        digest = hashlib.sha1(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:10]
        title, title_en = titles.get(round_id, (round_id, round_id))
        params = {"round_id": round_id, "title": title, "title_en": title_en, "changes": payload}
        last = 0
        while True:
            page = (await session.execute(
                select(ExamSubscription.id, ExamSubscription.user_id)
                .where(ExamSubscription.round_id == round_id, ExamSubscription.id > last)
                .order_by(ExamSubscription.id).limit(CHUNK))).all()
            if not page:
                break
            queued += await enqueue_many(session, (
                Notice(key=f"exchg:{round_id}:{uid}:{now:%Y%m%d%H%M%S}:{digest}", user_id=uid, kind=CHANGE_KIND,
                       params=params) for _sid, uid in page), now=now)
            last = page[-1][0]
    return queued


async def count_by_status(session: AsyncSession) -> dict[str, int]:
    rows = (await session.execute(select(Reminder.status, func.count()).group_by(Reminder.status))).all()
    return {status: n for status, n in rows}
