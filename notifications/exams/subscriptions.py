"""Subscribing to a round, unsubscribing, and personal interview slots. Each change re-plans that person's
reminders in the same transaction."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import ExamRound, ExamSubscription, InterviewSlot
from notifications.exams.planner import cancel_for, plan


@dataclass(frozen=True)
class SubscribeResult:
    ok: bool  # False: no such (active) round
    changed: bool  # False: was already (un)subscribed
    planned: int = 0


async def _round_exists(session: AsyncSession, round_id: str) -> bool:
    """An active round of a published plan year (a draft round cannot be subscribed to)."""
    from catalog.plan import round_published

    return (await session.execute(select(ExamRound.id).where(
        ExamRound.id == round_id, ExamRound.active.is_(True), round_published()))).first() is not None


async def subscribe(session: AsyncSession, user_id: int, round_id: str, now: datetime,
                    applicant_no: str | None = None) -> SubscribeResult:
    if not await _round_exists(session, round_id):
        return SubscribeResult(False, False)
    sub = (await session.execute(select(ExamSubscription).where(
        ExamSubscription.user_id == user_id, ExamSubscription.round_id == round_id))).scalar_one_or_none()
    changed = sub is None
    if sub is None:
        session.add(ExamSubscription(user_id=user_id, round_id=round_id, applicant_no=applicant_no, created_at=now))
    elif applicant_no and sub.applicant_no != applicant_no:
        sub.applicant_no = applicant_no
    await session.flush()
    report = await plan(session, now, round_ids=[round_id], user_ids=[user_id])
    return SubscribeResult(True, changed, report.upserted)


async def unsubscribe(session: AsyncSession, user_id: int, round_id: str, now: datetime) -> SubscribeResult:
    result = await session.execute(delete(ExamSubscription).where(
        ExamSubscription.user_id == user_id, ExamSubscription.round_id == round_id))
    cancelled = await cancel_for(session, user_id, round_id, now)
    return SubscribeResult(True, bool(result.rowcount), cancelled)


async def is_subscribed(session: AsyncSession, user_id: int, round_id: str) -> bool:
    return (await session.execute(select(ExamSubscription.id).where(
        ExamSubscription.user_id == user_id, ExamSubscription.round_id == round_id))).first() is not None


async def set_slot(session: AsyncSession, user_id: int, round_id: str, starts_at: datetime, place: str,
                   now: datetime, *, source: str = "user") -> bool:
    """Save a personal interview time (subscribing if needed) and re-plan. True when something changed."""
    slot = (await session.execute(select(InterviewSlot).where(
        InterviewSlot.user_id == user_id, InterviewSlot.round_id == round_id))).scalar_one_or_none()
    if slot is None:
        session.add(InterviewSlot(round_id=round_id, user_id=user_id, starts_at=starts_at, place=place[:200],
                                  source=source, updated_at=now))
        changed = True
    else:
        changed = slot.starts_at != starts_at or slot.place != place[:200]
        slot.starts_at, slot.place, slot.source, slot.updated_at = starts_at, place[:200], source, now
    await session.flush()
    if not await is_subscribed(session, user_id, round_id):
        await subscribe(session, user_id, round_id, now)
    else:
        await plan(session, now, round_ids=[round_id], user_ids=[user_id])
    return changed


async def clear_slot(session: AsyncSession, user_id: int, round_id: str, now: datetime) -> bool:
    result = await session.execute(delete(InterviewSlot).where(
        InterviewSlot.user_id == user_id, InterviewSlot.round_id == round_id))
    await plan(session, now, round_ids=[round_id], user_ids=[user_id])
    return bool(result.rowcount)


async def subscriber_counts(session: AsyncSession) -> dict[str, tuple[int, int]]:
    """round id → (subscribers, of whom gave their interview slot), for the staff overview of exams."""
    from sqlalchemy import func

    subs = dict((await session.execute(
        select(ExamSubscription.round_id, func.count()).group_by(ExamSubscription.round_id))).all())
    slots = dict((await session.execute(
        select(InterviewSlot.round_id, func.count()).group_by(InterviewSlot.round_id))).all())
    return {rid: (n, slots.get(rid, 0)) for rid, n in subs.items()}
