"""Broadcasts: draft → scheduled → (fan-out) → sending → done | cancelled.

* `create_broadcast` writes a draft; `schedule_broadcast` sets when it goes (now or later).
* `fan_out` turns a due broadcast into outbox rows, one chunk per transaction, in user-id order, keyed
  ``bc:{broadcast_id}:{user_id}``: a crash mid-fan-out resumes after the last user id written and the unique key
  makes a re-run harmless. The last chunk flips the broadcast to ``sending`` (so "scheduled and due" means
  "fan-out not finished yet").
* The dispatcher sends the rows (≈30/s overall, 1/s per chat; RetryAfter, back-off, Forbidden → unreachable).
* `finish_broadcasts` sees when nothing is pending or in flight any more, marks the broadcast done and queues the
  staff member's delivery report (itself an outbox notice, kind ``broadcast_report``).
* `cancel_broadcast`: pending rows become ``cancelled`` and are never sent; rows already in flight finish.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.access import Actor, require_staff
from db.audit import record
from db.models import Broadcast, Cohort, Course, OutboxMessage
from db.outbox import Notice, enqueue_many
from db.session import session_scope
from notifications.broadcasts.audiences import BadAudience, describe, recipients

BROADCAST_PRIORITY = 10  # personal notices (0) and course news (5) go first
FANOUT_CHUNK = 1000
MAX_TEXT = 3500  # Telegram allows 4096; leave room for the header and the HTML of formatting
UNFINISHED = ("draft", "scheduled", "sending")
IN_FLIGHT = ("pending", "claimed")


class BroadcastError(ValueError):
    """A request that cannot be done (unknown broadcast, already finished, text too long…); `code` says which."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def _lock(q, session: AsyncSession):
    return q.with_for_update() if session.bind.dialect.name == "postgresql" else q


async def _get_locked(session: AsyncSession, broadcast_id: int) -> Broadcast | None:
    return (await session.execute(_lock(select(Broadcast).where(Broadcast.id == broadcast_id), session))).scalar_one_or_none()


async def notice_params(session: AsyncSession, text: str, course_id: str | None, cohort_id: int | None) -> dict:
    """What the renderer needs (it has no database): the text and the attached course/cohort as a button."""
    params: dict = {"text": text}
    if cohort_id is not None:
        cohort = await session.get(Cohort, cohort_id)
        if cohort is None:
            raise BroadcastError("no_such_cohort")
        course_id = cohort.course_id
        params.update(cohort_id=cohort.id, cohort_no=cohort.number)
    if course_id:
        course = await session.get(Course, course_id)
        if course is None:
            raise BroadcastError("no_such_course")
        params.update(course_id=course.id, title=course.title, title_en=course.title_en)
    return params


async def create_broadcast(session: AsyncSession, *, actor: Actor, text: str, audience: dict, now: datetime,
                           course_id: str | None = None, cohort_id: int | None = None,
                           compose_key: str | None = None) -> Broadcast:
    """A draft by a staff member (its delivery report goes to them); the command-line operator has no chat, so
    their broadcasts report to nobody. With `compose_key` (one per composing session) a second call, even racing on
    another process, returns the first one's broadcast instead of making another: a double "send now" sends once."""
    await require_staff(session, actor, "broadcast.create")
    if compose_key is not None:
        existing = (await session.execute(select(Broadcast).where(Broadcast.compose_key == compose_key))).scalar_one_or_none()
        if existing is not None:
            return existing
    text = (text or "").strip()
    if not text:
        raise BroadcastError("empty")
    if len(text) > MAX_TEXT:
        raise BroadcastError("too_long")
    try:
        info = await describe(session, audience)
    except BadAudience:
        raise BroadcastError("bad_audience") from None
    params = await notice_params(session, text, course_id, cohort_id)
    b = Broadcast(created_by=actor.user_id or 0, text=text, course_id=params.get("course_id"), cohort_id=params.get("cohort_id"),
                  audience=info.spec, status="draft", total=0, report_sent=False, created_at=now, compose_key=compose_key)
    try:
        async with session.begin_nested():  # a racing twin inserted the key first: theirs is the broadcast
            session.add(b)
            await session.flush()
    except IntegrityError:
        if compose_key is None:
            raise
        return (await session.execute(select(Broadcast).where(Broadcast.compose_key == compose_key))).scalar_one()
    await record(session, actor, "broadcast.create", now=now, target=f"broadcast:{b.id}",
                 detail={"audience": info.spec.get("kind")})
    return b


async def schedule_broadcast(session: AsyncSession, broadcast_id: int, at: datetime | None, now: datetime, *,
                             actor: Actor) -> Broadcast:
    """Send at `at` (None or the past: as soon as the scheduler runs)."""
    await require_staff(session, actor, "broadcast.send")
    b = await _get_locked(session, broadcast_id)
    if b is None:
        raise BroadcastError("no_such_broadcast")
    if b.status not in ("draft", "scheduled"):
        raise BroadcastError("not_draft")
    b.status = "scheduled"
    b.scheduled_at = max(at, now) if at else now
    await session.flush()
    await record(session, actor, "broadcast.send", now=now, target=f"broadcast:{b.id}",
                 detail={"at": b.scheduled_at.isoformat()})
    return b


@dataclass
class CancelResult:
    broadcast_id: int
    cancelled: int  # messages that will not be sent
    already: str | None = None  # done | cancelled when there was nothing to cancel


async def cancel_broadcast(session: AsyncSession, broadcast_id: int, now: datetime, *, actor: Actor) -> CancelResult:
    await require_staff(session, actor, "broadcast.cancel")
    b = await _get_locked(session, broadcast_id)
    if b is None:
        raise BroadcastError("no_such_broadcast")
    if b.status in ("done", "cancelled"):
        return CancelResult(b.id, 0, already=b.status)
    result = await session.execute(update(OutboxMessage)
                                   .where(OutboxMessage.broadcast_id == b.id, OutboxMessage.status == "pending")
                                   .values(status="cancelled", error="broadcast cancelled"))
    b.status = "cancelled"
    if b.started_at is None and b.scheduled_at is not None and b.scheduled_at <= now:
        b.started_at = now  # cancelled mid fan-out
    await session.flush()
    cancelled = max(result.rowcount or 0, 0)
    await record(session, actor, "broadcast.cancel", now=now, target=f"broadcast:{b.id}",
                 detail={"messages_cancelled": cancelled})
    return CancelResult(b.id, cancelled)


@dataclass
class FanOut:
    broadcast_id: int
    added: int = 0
    chunks: int = 0
    finished: bool = False  # every recipient has a row; the broadcast is now "sending"
    stopped: str | None = None  # why it did not run (cancelled, not due…)


async def fan_out(sessionmaker: async_sessionmaker[AsyncSession], broadcast_id: int, now: datetime, *,
                  chunk: int = FANOUT_CHUNK, max_chunks: int | None = None) -> FanOut:
    """Write the outbox rows of a due broadcast, `chunk` recipients per transaction; resumable and idempotent."""
    out = FanOut(broadcast_id)
    while max_chunks is None or out.chunks < max_chunks:
        async with session_scope(sessionmaker) as session:
            b = await _get_locked(session, broadcast_id)
            if b is None or b.status != "scheduled":
                out.stopped = b.status if b else "missing"
                return out
            if b.scheduled_at is not None and b.scheduled_at > now:
                out.stopped = "not_due"
                return out
            cursor = (await session.execute(select(func.max(OutboxMessage.user_id))
                                            .where(OutboxMessage.broadcast_id == b.id))).scalar_one()
            rows = (await session.execute(recipients(b.audience, after=cursor, limit=chunk))).all()
            if rows:
                params = await notice_params(session, b.text, b.course_id, b.cohort_id)
                params["b"] = b.id
                out.added += await enqueue_many(session, (
                    Notice(key=f"bc:{b.id}:{uid}", user_id=uid, chat_id=chat_id, kind="broadcast", params=params,
                           priority=BROADCAST_PRIORITY, broadcast_id=b.id) for uid, chat_id in rows), now=now)
            out.chunks += 1
            if len(rows) < chunk:
                b.total = (await session.execute(select(func.count()).select_from(OutboxMessage)
                                                 .where(OutboxMessage.broadcast_id == b.id))).scalar_one()
                b.status = "sending"
                b.started_at = b.started_at or now
                out.finished = True
                return out
    return out


async def due_broadcasts(session: AsyncSession, now: datetime) -> list[int]:
    rows = await session.execute(select(Broadcast.id).where(Broadcast.status == "scheduled", Broadcast.scheduled_at <= now)
                                 .order_by(Broadcast.scheduled_at, Broadcast.id))
    return list(rows.scalars())


MISSED_AFTER = timedelta(hours=6)  # a broadcast this late (the bot was not running) is not sent without asking


async def start_due_broadcasts(sessionmaker: async_sessionmaker[AsyncSession], now: datetime) -> list[FanOut]:
    async with session_scope(sessionmaker) as session:
        ids = await due_broadcasts(session, now)
        ids = [i for i in ids if not await _hold_if_missed(session, i, now)]
    return [await fan_out(sessionmaker, i, now) for i in ids]


async def _hold_if_missed(session: AsyncSession, broadcast_id: int, now: datetime) -> bool:
    """A scheduled broadcast whose time passed long ago (downtime) is not sent days late: it is cancelled, and the
    person who scheduled it is told, so they can send it again if it still matters."""
    b = await session.get(Broadcast, broadcast_id)
    if b is None or b.scheduled_at is None or now - b.scheduled_at <= MISSED_AFTER:
        return False
    b.status = "cancelled"
    b.report_sent = True  # this notice is its report
    await enqueue_many(session, [Notice(key=f"bcm:{b.id}", user_id=b.created_by, kind="broadcast_missed",
                                        params={"b": b.id, "due": b.scheduled_at.isoformat(),
                                                "text": b.text[:200]})], now=now)
    return True


async def delivery_counts(session: AsyncSession, broadcast_ids: list[int]) -> dict[int, dict[str, int]]:
    if not broadcast_ids:
        return {}
    rows = await session.execute(select(OutboxMessage.broadcast_id, OutboxMessage.status, func.count())
                                 .where(OutboxMessage.broadcast_id.in_(broadcast_ids))
                                 .group_by(OutboxMessage.broadcast_id, OutboxMessage.status))
    out: dict[int, dict[str, int]] = {i: {} for i in broadcast_ids}
    for bid, status, n in rows.all():
        out[bid][status] = n
    return out


@dataclass(frozen=True)
class Progress:
    id: int
    status: str
    created_by: int
    created_at: datetime
    scheduled_at: datetime | None
    started_at: datetime | None
    finished_at: datetime | None
    audience: dict
    text: str
    course_id: str | None
    total: int
    sent: int = 0
    failed: int = 0
    unreachable: int = 0
    pending: int = 0  # not sent yet (pending or in flight)
    cancelled: int = 0
    counts: dict = field(default_factory=dict)

    @property
    def unfinished(self) -> bool:
        return self.status in UNFINISHED

    def as_params(self) -> dict:
        return {"b": self.id, "status": self.status, "total": self.total, "sent": self.sent, "failed": self.failed,
                "unreachable": self.unreachable, "pending": self.pending, "cancelled": self.cancelled,
                "text": self.text[:80]}


def _progress(b: Broadcast, counts: dict[str, int]) -> Progress:
    total = b.total if b.status in ("sending", "done") else sum(counts.values())
    return Progress(b.id, b.status, b.created_by, b.created_at, b.scheduled_at, b.started_at, b.finished_at,
                    dict(b.audience or {}), b.text, b.course_id, max(total, sum(counts.values())),
                    sent=counts.get("sent", 0), failed=counts.get("failed", 0) + counts.get("expired", 0),
                    unreachable=counts.get("unreachable", 0),
                    pending=sum(counts.get(s, 0) for s in IN_FLIGHT), cancelled=counts.get("cancelled", 0),
                    counts=dict(counts))


async def progress(session: AsyncSession, broadcast_id: int) -> Progress | None:
    b = await session.get(Broadcast, broadcast_id)
    if b is None:
        return None
    return _progress(b, (await delivery_counts(session, [b.id]))[b.id])


async def recent(session: AsyncSession, limit: int = 8) -> list[Progress]:
    bs = list((await session.execute(select(Broadcast).order_by(Broadcast.id.desc()).limit(limit))).scalars())
    counts = await delivery_counts(session, [b.id for b in bs])
    return [_progress(b, counts[b.id]) for b in bs]


async def all_broadcasts(session: AsyncSession, actor: Actor, *, now: datetime) -> list[Progress]:
    """Every broadcast with its counts (the staff export; recorded like every export)."""
    await require_staff(session, actor, "export.broadcasts")
    await record(session, actor, "export.broadcasts", now=now)
    bs = list((await session.execute(select(Broadcast).order_by(Broadcast.id))).scalars())
    counts = await delivery_counts(session, [b.id for b in bs])
    return [_progress(b, counts[b.id]) for b in bs]


async def finish_broadcasts(session: AsyncSession, now: datetime) -> list[Progress]:
    """Broadcasts with nothing left to send become done; each finished one queues its report (once)."""
    candidates = list((await session.execute(
        _lock(select(Broadcast).where(Broadcast.status.in_(("sending", "cancelled")), Broadcast.report_sent.is_(False)),
              session))).scalars())
    cancelled = [b.id for b in candidates if b.status == "cancelled"]
    if cancelled:  # a message in flight at cancel time that then had to be retried must not go out later
        await session.execute(update(OutboxMessage).where(OutboxMessage.broadcast_id.in_(cancelled),
                                                          OutboxMessage.status == "pending")
                              .values(status="cancelled", error="broadcast cancelled"))
    counts = await delivery_counts(session, [b.id for b in candidates])
    finished = []
    for b in candidates:
        c = counts[b.id]
        if b.status == "sending" and any(c.get(s) for s in IN_FLIGHT):
            continue
        if b.status == "cancelled" and c.get("claimed"):
            continue  # the last messages in flight are still being sent
        if b.status == "sending":
            b.status = "done"
        b.finished_at = b.finished_at or now
        b.report_sent = True
        p = _progress(b, c)
        if b.started_at is not None or c:
            await enqueue_many(session, [Notice(key=f"bcr:{b.id}", user_id=b.created_by, kind="broadcast_report",
                                                params=p.as_params())], now=now)
        finished.append(p)
    await session.flush()
    return finished


async def broadcasts_tick(sessionmaker: async_sessionmaker[AsyncSession], now: datetime) -> tuple[list[FanOut], list[Progress]]:
    """The periodic job's work: start what is due, then report what has finished."""
    started = await start_due_broadcasts(sessionmaker, now)
    async with session_scope(sessionmaker) as session:
        finished = await finish_broadcasts(session, now)
    return started, finished
