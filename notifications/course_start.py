"""Course-start reminders: D-3 and D-1 for confirmed learners of day-dated cohorts, planned like exam reminders.

Reminders are rows (unique per enrollment and offset) with a due time; the scheduler tick plans the rows of
cohorts starting soon, then claims what is due into the outbox in the same transaction (SKIP LOCKED on
PostgreSQL), so a restart never loses or repeats one. A reminder due while the bot was down is still sent if the
cohort has not begun, else marked expired; a learner who is no longer confirmed, or who pressed the opt-out, gets
nothing (cancelled). The notice says when, where or the online link, and what to bring (per-course settings).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from catalog.plan import cohort_published
from catalog.profiles import FORGOTTEN
from db.clock import SEOUL
from db.models import Cohort, Course, CourseReminder, Enrollment, NotificationChoice, User
from db.outbox import Notice, enqueue_many
from db.session import session_scope

log = logging.getLogger(__name__)
KIND = "course_start"
OPT_OUT = "course_start"  # NotificationChoice key: enabled=False after the opt-out press
STARTS_AT = time(9, 0)  # a day-dated cohort is taken to begin at 09:00 Seoul
OFFSETS = (("d-3", 3, time(10, 0)), ("d-1", 1, time(17, 0)))  # (key, days before, time of day)
HORIZON = timedelta(days=4)  # plan the cohorts starting within this window
CHUNK = 200


@dataclass
class StartReport:
    planned: int = 0
    sent: int = 0
    expired: int = 0
    cancelled: int = 0


def starts_at(day: date) -> datetime:
    return datetime.combine(day, STARTS_AT, SEOUL)


def _insert(session: AsyncSession):
    return postgresql.insert if session.bind.dialect.name == "postgresql" else sqlite.insert


async def opted_out(session: AsyncSession, user_id: int) -> bool:
    row = await session.get(NotificationChoice, (user_id, OPT_OUT))
    return row is not None and not row.enabled


async def set_opt_out(session: AsyncSession, user_id: int, now: datetime, *, out: bool = True) -> None:
    """The one-press opt-out (and its undo): planned reminders of the person are cancelled at send time."""
    row = await session.get(NotificationChoice, (user_id, OPT_OUT))
    if row is None:
        session.add(NotificationChoice(user_id=user_id, key=OPT_OUT, enabled=not out, updated_at=now))
    else:
        row.enabled, row.updated_at = not out, now
    await session.flush()


async def plan(session: AsyncSession, now: datetime) -> int:
    """Write the missing reminder rows of confirmed learners of cohorts starting within the horizon. Idempotent:
    an existing row (sent, expired or cancelled too) is never written again. A seat kept after its holder used
    /forget gets none (its reminders were deleted with the rest of their data)."""
    today = now.astimezone(SEOUL).date()
    rows = (await session.execute(
        select(Enrollment.id, Enrollment.user_id, Cohort.start_on, Enrollment.details)
        .join(Cohort, Cohort.id == Enrollment.cohort_id)
        .where(Enrollment.status == "confirmed", Cohort.precision == "day", cohort_published(),
               Cohort.start_on >= today, Cohort.start_on <= today + HORIZON))).all()
    values = []
    for enrollment_id, user_id, start_on, details in rows:
        if FORGOTTEN in (details or {}):
            continue
        begins = starts_at(start_on)
        for key, days, at in OFFSETS:
            due = datetime.combine(start_on - timedelta(days=days), at, SEOUL)
            late = due + timedelta(hours=12) < now  # enrolled after it was due: a D-3 on the day before is noise
            values.append(dict(enrollment_id=enrollment_id, user_id=user_id, offset_key=key, due_at=due,
                               starts_at=begins, status="expired" if late else "planned",
                               processed_at=now if late else None, created_at=now))
    if not values:
        return 0
    stmt = _insert(session)(CourseReminder).on_conflict_do_nothing(index_elements=["enrollment_id", "offset_key"])
    result = await session.execute(stmt.returning(CourseReminder.id), values)
    return len(result.all())


async def _expire_begun(session: AsyncSession, now: datetime) -> int:
    missed = list((await session.execute(select(CourseReminder.id).where(
        CourseReminder.status == "planned", CourseReminder.due_at <= now, CourseReminder.starts_at <= now))).scalars())
    if missed:
        log.warning("%d course-start reminders expired: the cohort began before they could be sent", len(missed))
        await session.execute(update(CourseReminder).where(CourseReminder.id.in_(missed))
                              .values(status="expired", processed_at=now).execution_options(synchronize_session=False))
    return len(missed)


async def _send_chunk(session: AsyncSession, now: datetime, report: StartReport) -> int:
    claim = (select(CourseReminder.id).where(CourseReminder.status == "planned", CourseReminder.due_at <= now)
             .order_by(CourseReminder.due_at).limit(CHUNK))
    if session.bind.dialect.name == "postgresql":
        claim = claim.with_for_update(skip_locked=True)
    ids = list((await session.execute(claim)).scalars())
    if not ids:
        return 0
    rows = (await session.execute(
        select(CourseReminder.id, CourseReminder.user_id, CourseReminder.offset_key, Enrollment.id,
               Enrollment.status, Cohort.number, Cohort.start_on, Cohort.end_on, Cohort.track, Cohort.track_en,
               Course.id, Course.title, Course.title_en, Course.delivery, Course.venue, Course.online_link,
               Course.bring, NotificationChoice.enabled, User.unreachable_at)
        .join(Enrollment, Enrollment.id == CourseReminder.enrollment_id)
        .join(Cohort, Cohort.id == Enrollment.cohort_id).join(Course, Course.id == Cohort.course_id)
        .join(User, User.id == CourseReminder.user_id)
        .join(NotificationChoice, and_(NotificationChoice.user_id == CourseReminder.user_id,
                                       NotificationChoice.key == OPT_OUT), isouter=True)
        .where(CourseReminder.id.in_(ids)))).all()
    notices, sent, cancelled = [], [], []
    for (rid, uid, key, eid, status, number, start_on, end_on, track, track_en, course_id, title, title_en, delivery,
         venue, link, bring, enabled, unreachable) in rows:
        if status != "confirmed" or enabled is False or unreachable is not None:
            cancelled.append(rid)
            continue
        notices.append(Notice(key=f"crs-start:{eid}:{key}", user_id=uid, kind=KIND, params={
            "enrollment_id": eid, "offset": key, "course_id": course_id, "title": title, "title_en": title_en,
            "number": number, "track": track, "track_en": track_en, "start": start_on.isoformat(),
            "end": end_on.isoformat(), "delivery": delivery, "venue": venue or "", "link": link or "",
            "bring": bring or ""}))
        sent.append(rid)
    await enqueue_many(session, notices, now=now)
    for status, chosen in (("sent", sent), ("cancelled", cancelled)):
        if chosen:
            await session.execute(update(CourseReminder).where(CourseReminder.id.in_(chosen))
                                  .values(status=status, processed_at=now).execution_options(synchronize_session=False))
    report.sent += len(sent)
    report.cancelled += len(cancelled)
    return len(ids)


async def run(sessionmaker: async_sessionmaker[AsyncSession], now: datetime) -> StartReport:
    """One tick: plan, expire what came too late, queue what is due."""
    report = StartReport()
    async with session_scope(sessionmaker) as session:
        report.planned = await plan(session, now)
        report.expired = await _expire_begun(session, now)
    while True:
        async with session_scope(sessionmaker) as session:
            if not await _send_chunk(session, now, report):
                break
    return report


async def course_start_reminders(runtime) -> None:
    """The scheduler tick's job (bot/app.py periodic_jobs)."""
    services = runtime.services
    report = await run(services.sessionmaker, services.clock.now())
    if report.sent:
        services.outbox_ready.set()
    if report.sent or report.expired or report.cancelled:
        log.info("course-start reminders: %d queued, %d expired, %d cancelled", report.sent, report.expired,
                 report.cancelled)


JOBS = [course_start_reminders]
