"""Moving to another cohort of the same course without cancelling first.

The person gets the seat in the new cohort or keeps the old one: never both, never neither. Both cohorts are
decided under their locks (the course row first on PostgreSQL, so moves A→B and B→A and promotions that release
a mover's old seat always lock in one order: no deadlock), and the new seat, the release of the old one and the
promotion of the first person waiting for it are one transaction.

A full target can be waited for: a waitlist entry that is a *pending move* (`moving_from` = the old enrollment).
The old seat is kept until the entry is promoted; the promotion then releases the old seat to the old cohort's
waitlist in the same transaction (catalog/enrollment.py `_fill_free_seats`). It is the one exception to "one
live request per course", shown as such in /my.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from sqlalchemy.ext.asyncio import AsyncSession

from catalog.enrollment import (SEAT_HOLDING, EnrollmentView, _counts, _existing, _fill_free_seats, _load,
                                _lock_cohort, _position, _view, past_deadline, release_for_move, started)
from catalog.plan import cohort_published
from db.access import Actor
from db.models import Cohort, Enrollment

MOVABLE = SEAT_HOLDING  # a confirmed or pending seat can be moved; a waitlist place is simply cancelled


@dataclass(frozen=True)
class MoveOutcome:
    """moved | waiting (a pending move) | full (nothing changed) | refused (see `code`)."""

    status: str
    code: str = ""  # not_found, not_movable, same_cohort, other_course, closed, started, deadline, already
    enrollment: EnrollmentView | None = None  # the new one (moved / waiting) or the old one
    position: int | None = None
    promoted: tuple[EnrollmentView, ...] = ()


async def targets(session: AsyncSession, enrollment_id: int, user_id: int, today) -> list[Cohort]:
    """The cohorts a person's seat could move to: the same course, published, open, not begun, not closed."""
    e = await session.get(Enrollment, enrollment_id)
    if e is None or e.user_id != user_id or e.status not in MOVABLE:
        return []
    old = await session.get(Cohort, e.cohort_id)
    rows = (await session.execute(select(Cohort).where(
        Cohort.course_id == old.course_id, Cohort.id != old.id, Cohort.status == "open", cohort_published())
        .order_by(Cohort.year, Cohort.number))).scalars()
    return [c for c in rows if not started(c.start_on, c.end_on, c.precision, today) and past_deadline(c, today) is None]


async def move(session: AsyncSession, *, actor: Actor, enrollment_id: int, target_cohort_id: int, now: datetime,
               wait: bool = False) -> MoveOutcome:
    """Move the actor's own seat to another cohort of the course (or wait for one there when `wait`)."""
    first = await _load(session, enrollment_id)
    if first is None or first.user_id != actor.user_id:
        return MoveOutcome("refused", "not_found")
    target_row = (await session.execute(select(Cohort).where(Cohort.id == target_cohort_id, cohort_published())
                                        )).scalar_one_or_none()
    if target_row is None:
        return MoveOutcome("refused", "not_found")
    if target_row.id == first.cohort_id:
        return MoveOutcome("refused", "same_cohort")
    # Lock both cohorts (ascending ids; the course row first on PostgreSQL, see _lock_cohort), then re-read.
    locked = {}
    for cohort_id in sorted((first.cohort_id, target_row.id)):
        found = await _lock_cohort(session, cohort_id)
        if found is None:
            return MoveOutcome("refused", "not_found")
        locked[cohort_id] = found
    e = await _load(session, enrollment_id)
    old_cohort, course = locked[e.cohort_id]
    target, target_course = locked[target_row.id]
    if target_course.id != course.id:
        return MoveOutcome("refused", "other_course")
    if e.status not in MOVABLE:
        return MoveOutcome("refused", "not_movable", _view(e, old_cohort, course))
    today = now.date()
    if not course.active or target.status != "open":
        return MoveOutcome("refused", "closed")
    if started(target.start_on, target.end_on, target.precision, today) or \
            started(old_cohort.start_on, old_cohort.end_on, old_cohort.precision, today):
        return MoveOutcome("refused", "started")
    if past_deadline(target, today) is not None:
        return MoveOutcome("refused", "deadline")
    row = await _existing(session, e.user_id, target.id)
    if row is not None and row.status not in ("cancelled", "rejected"):
        return MoveOutcome("refused", "already", _view(row, target, course, await _position(session, row)))

    taken, waiting, last_seq = await _counts(session, target.id)
    promoted: tuple[EnrollmentView, ...] = ()
    if waiting and (target.capacity is None or taken < target.capacity):
        promoted = await _fill_free_seats(session, target, course, now)  # people waiting come first
        taken, waiting, last_seq = await _counts(session, target.id)
    if target.capacity is not None and taken >= target.capacity:
        if not wait:
            return MoveOutcome("full", promoted=promoted)
        row = _reuse(session, row, e.user_id, target.id, now)
        row.status, row.waitlist_seq, row.moving_from = "waitlisted", last_seq + 1, e.id
        await session.flush()
        return MoveOutcome("waiting", enrollment=_view(row, target, course, waiting + 1), position=waiting + 1,
                           promoted=promoted)

    row = _reuse(session, row, e.user_id, target.id, now)
    row.status, row.waitlist_seq, row.moving_from = e.status, None, None
    row.decided_at, row.decided_by = e.decided_at, e.decided_by  # an approved seat stays approved
    row.details = dict(e.details or {})
    await session.flush()
    promoted += await release_for_move(session, e, old_cohort, course, now, moved_to=row.id)
    # No "moved" notice: the person who pressed sees the outcome in place (a pending move that completes later,
    # when a seat frees up, is told through the outbox: promote_waiting).
    return MoveOutcome("moved", enrollment=_view(row, target, course), promoted=promoted)


def _reuse(session: AsyncSession, row: Enrollment | None, user_id: int, cohort_id: int, now: datetime) -> Enrollment:
    """The person's earlier (cancelled or rejected) row of the target cohort, or a new one."""
    if row is None:
        row = Enrollment(user_id=user_id, cohort_id=cohort_id, requested_at=now, details={})
        session.add(row)
    else:
        row.requested_at, row.reason = now, None
    return row


__all__ = ["MoveOutcome", "move", "targets"]
