"""The staff digest: at most once an hour, staff who opted in hear how many new requests wait for approval.

Never a message per request. The opt-in is a NotificationChoice (`pending_digest`); its `since` is the moment
the last digest covered, so each request is counted in one digest only. The role is checked when the digest is
written (someone who is no longer staff gets nothing).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.access import Actor, require_staff, role_of
from db.models import Cohort, Course, Enrollment, NotificationChoice
from db.outbox import Notice, enqueue_many
from db.session import session_scope

KEY = "pending_digest"
KIND = "pending_digest"
EVERY = timedelta(hours=1)


async def digest_on(session: AsyncSession, user_id: int) -> bool:
    row = await session.get(NotificationChoice, (user_id, KEY))
    return bool(row and row.enabled)


async def set_digest(session: AsyncSession, actor: Actor, on: bool, now: datetime) -> None:
    """Staff opt in or out. Opting in counts requests from now on (the queue itself shows the older ones)."""
    await require_staff(session, actor, "digest.choose")
    row = await session.get(NotificationChoice, (actor.user_id, KEY))
    if row is None:
        session.add(NotificationChoice(user_id=actor.user_id, key=KEY, enabled=on, since=now, updated_at=now))
    else:
        if on and not row.enabled:
            row.since = now
        row.enabled, row.updated_at = on, now
    await session.flush()


@dataclass
class DigestReport:
    sent: int = 0


async def send_digests(session: AsyncSession, now: datetime, admin_ids: frozenset[int] = frozenset()) -> DigestReport:
    """One notice per opted-in staff member whose last digest is an hour old and who has new pending requests."""
    report = DigestReport()
    choices = list((await session.execute(select(NotificationChoice).where(
        NotificationChoice.key == KEY, NotificationChoice.enabled.is_(True)))).scalars())
    for choice in choices:
        since = choice.since or now - EVERY
        if now - since < EVERY:
            continue
        if await role_of(session, Actor.person(choice.user_id, admin_ids=admin_ids)) != "staff":
            continue
        rows = (await session.execute(
            select(Course.id, Course.title, Course.title_en, func.count())
            .join(Cohort, Cohort.course_id == Course.id).join(Enrollment, Enrollment.cohort_id == Cohort.id)
            .where(Enrollment.status == "pending", Enrollment.requested_at > since)
            .group_by(Course.id, Course.title, Course.title_en).order_by(func.count().desc(), Course.id))).all()
        if not rows:
            continue
        courses = [{"course_id": cid, "title": title, "title_en": title_en, "count": n} for cid, title, title_en, n in rows]
        report.sent += await enqueue_many(session, [Notice(
            key=f"digest:{choice.user_id}:{now:%Y%m%d%H}", user_id=choice.user_id, kind=KIND,
            params={"courses": courses[:10], "more": max(len(courses) - 10, 0),
                    "total": sum(c["count"] for c in courses)})], now=now)
        choice.since = now
    await session.flush()
    return report


async def run(sessionmaker: async_sessionmaker[AsyncSession], now: datetime,
              admin_ids: frozenset[int] = frozenset()) -> DigestReport:
    async with session_scope(sessionmaker) as session:
        return await send_digests(session, now, admin_ids)


async def pending_digests(runtime) -> None:
    """The scheduler tick's job (bot/app.py periodic_jobs)."""
    services = runtime.services
    report = await run(services.sessionmaker, services.clock.now(), frozenset(services.admin_ids))
    if report.sent:
        services.outbox_ready.set()


JOBS = [pending_digests]
