"""Enrollment: seats decided under a lock, waitlists, staff decisions, notices through the outbox.

Every function takes the caller's session and never commits: the caller's unit of work (one Telegram turn, one
CLI command) commits the change together with the outbox notices it causes.

Seats are decided under a lock on the cohort: PostgreSQL takes `SELECT … FOR UPDATE` on the cohort row; SQLite
already holds the database write lock from `BEGIN IMMEDIATE` (db/session.py). Under that lock we count the
seat-holding requests (confirmed + pending), then insert. The unique (user, cohort) constraint plus a savepoint
turns a racing duplicate into a no-op ("duplicate", showing the existing request).
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import case, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from catalog.courses import SEAT_HOLDING
from catalog.eligibility import Refusal
from catalog.eligibility import check as check_eligibility
from catalog.plan import cohort_published
from catalog.profiles import get_profile
from catalog.retirement import TOPIC as RETIREMENT_TOPIC
from db.access import Actor, Forbidden, require_staff
from db.audit import record
from db.models import Cohort, Course, Enrollment, Profile
from db.outbox import Notice, enqueue

ACTIVE = ("pending", "confirmed", "waitlisted")  # a request that is still alive
DEADLINE_DAYS = 7  # a day-dated cohort's default 신청 마감: a week before it starts
NOTICE_KIND = "enrollment_status"
NOTICE_PRIORITY = -1  # personal notices go before broadcasts


# -- views ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class EnrollmentView:
    id: int
    user_id: int
    cohort_id: int
    course_id: str
    course_title: str
    course_title_en: str
    cohort_number: int
    start_on: date
    end_on: date
    precision: str
    delivery: str
    approval: str
    track: str | None
    track_en: str | None
    status: str
    position: int | None  # waitlist position (1 = next to be promoted), only while waitlisted
    requested_at: datetime
    decided_at: datetime | None
    reason: str | None
    details: dict
    year: int = 0  # the cohort's plan year
    moving_from: int | None = None  # a waitlist place that is a pending move from this enrollment

    def display_status(self, today: date) -> str:
        """`ended` for a confirmed seat in a cohort that is over but whose completion staff have not recorded
        (completed and no_show are recorded, never assumed); otherwise the stored status."""
        if self.status == "confirmed" and self.end_on < today:
            return "ended"
        return self.status

    def can_cancel(self, today: date) -> bool:
        return self.status in ACTIVE and not started(self.start_on, self.end_on, self.precision, today)


@dataclass(frozen=True)
class EnrollOutcome:
    """confirmed | pending | waitlisted (a new request), refused (see `refusal`), duplicate (see `existing`)."""

    status: str
    enrollment: EnrollmentView | None = None
    position: int | None = None
    refusal: Refusal | None = None
    existing: EnrollmentView | None = None  # the request that makes this one a duplicate or an overlap
    promoted: tuple[EnrollmentView, ...] = ()

    @property
    def enrollment_id(self) -> int | None:
        return self.enrollment.id if self.enrollment else None


@dataclass(frozen=True)
class Terms:
    """What a person sees before confirming: the cohort, seats, policy and what would happen."""

    cohort_id: int
    course_id: str
    course_title: str
    course_title_en: str
    cohort_number: int
    start_on: date
    end_on: date
    precision: str
    delivery: str
    approval: str
    track: str | None
    track_en: str | None
    capacity: int | None
    seats_left: int | None
    eligibility: dict
    would_be: str  # confirmed | pending | waitlisted | refused | duplicate
    position: int | None  # the waitlist position the person would get
    refusal: Refusal | None = None
    existing: EnrollmentView | None = None
    capacity_estimated: bool = False  # the report gives the cohort size only roughly
    deadline: date | None = None  # the last day to apply


@dataclass(frozen=True)
class ChangeOutcome:
    """Result of cancel / approve / reject: ok, or refused with a code (not_found, not_yours, started, decided)."""

    ok: bool
    enrollment: EnrollmentView | None = None
    code: str = ""
    promoted: tuple[EnrollmentView, ...] = ()


@dataclass(frozen=True)
class PendingItem:
    enrollment: EnrollmentView
    full_name: str | None
    department: str | None
    rank: str | None


@dataclass(frozen=True)
class QueueCourse:
    course_id: str
    title: str
    title_en: str
    items: tuple[PendingItem, ...]


# -- helpers ----------------------------------------------------------------------------------------------
def application_deadline(start_on: date, precision: str, apply_until: date | None) -> date | None:
    """The last day to apply: the plan's own date, else a week before a day-dated start; none for a cohort the
    plan dates only by month, quarter or year (its exact day is not known yet)."""
    if apply_until is not None:
        return apply_until
    return start_on - timedelta(days=DEADLINE_DAYS) if precision == "day" else None


def past_deadline(cohort: Cohort, today: date) -> date | None:
    """The deadline when it has passed on `today`, else None."""
    deadline = application_deadline(cohort.start_on, cohort.precision, cohort.apply_until)
    return deadline if deadline is not None and today > deadline else None


def started(start_on: date, end_on: date, precision: str, today: date) -> bool:
    """Has the cohort begun? Exact dates: from its first day. A period the report gives only as a month,
    quarter or year (exact day to be announced): only once the period is over, so nobody is refused early."""
    if precision == "day":
        return today >= start_on
    return today > end_on


def _view(e: Enrollment, c: Cohort, course: Course, position: int | None = None) -> EnrollmentView:
    return EnrollmentView(
        e.id, e.user_id, e.cohort_id, course.id, course.title, course.title_en, c.number, c.start_on, c.end_on,
        c.precision, course.delivery, course.approval, c.track, c.track_en, e.status,
        position if e.status == "waitlisted" else None, e.requested_at, e.decided_at, e.reason, dict(e.details or {}),
        c.year, e.moving_from if e.status == "waitlisted" else None,
    )


async def _lock_cohort(session: AsyncSession, cohort_id: int) -> tuple[Cohort, Course] | None:
    """The cohort and its course, with the cohort row locked for the rest of the transaction.

    On PostgreSQL the course row is locked first: every seat decision of a course queues there, so one that takes
    two cohorts of the course (a move; a promotion that releases a mover's old seat) never deadlocks with
    another. (SQLite: BEGIN IMMEDIATE already holds the database's one write lock.)"""
    stmt = select(Cohort, Course).join(Course, Course.id == Cohort.course_id).where(Cohort.id == cohort_id)
    if session.bind.dialect.name == "postgresql":
        course_id = (await session.execute(select(Cohort.course_id).where(Cohort.id == cohort_id))).scalar()
        if course_id is None:
            return None
        await session.execute(select(Course.id).where(Course.id == course_id).with_for_update())
        stmt = stmt.with_for_update(of=Cohort)
    row = (await session.execute(stmt.execution_options(populate_existing=True))).first()
    return (row[0], row[1]) if row else None


async def _position(session: AsyncSession, e: Enrollment) -> int | None:
    if e.status != "waitlisted" or e.waitlist_seq is None:
        return None
    ahead = (await session.execute(
        select(func.count()).select_from(Enrollment).where(
            Enrollment.cohort_id == e.cohort_id, Enrollment.status == "waitlisted",
            Enrollment.waitlist_seq < e.waitlist_seq)
    )).scalar_one()
    return ahead + 1


def _seat_status(course: Course) -> str:
    return "pending" if course.approval == "staff" else "confirmed"


def notice_params(view: EnrollmentView, event: str, **extra) -> dict:
    """Everything the renderer needs, so the text is built at send time in the recipient's language."""
    return dict(
        event=event, enrollment_id=view.id, status=view.status, course_id=view.course_id,
        title=view.course_title, title_en=view.course_title_en, number=view.cohort_number,
        start=view.start_on.isoformat(), end=view.end_on.isoformat(), precision=view.precision,
        track=view.track, track_en=view.track_en, reason=view.reason, **extra,
    )


async def _notify(session: AsyncSession, view: EnrollmentView, event: str, now: datetime, **extra) -> None:
    # Written in the same transaction as the change; a rolled-back change takes its notice with it.
    key = f"enr:{view.id}:{event}:{uuid.uuid4().hex[:16]}"
    await enqueue(session, Notice(key=key, user_id=view.user_id, kind=NOTICE_KIND,
                                  params=notice_params(view, event, **extra), priority=NOTICE_PRIORITY), now=now)


async def _conflict(session: AsyncSession, user_id: int, cohort: Cohort, course: Course) -> tuple[str, EnrollmentView] | None:
    """Another live request of the person for the same course, or for a cohort whose exact dates overlap."""
    rows = (await session.execute(
        select(Enrollment, Cohort, Course)
        .join(Cohort, Cohort.id == Enrollment.cohort_id).join(Course, Course.id == Cohort.course_id)
        .where(Enrollment.user_id == user_id, Enrollment.cohort_id != cohort.id, Enrollment.status.in_(ACTIVE))
        .order_by(Cohort.start_on)
    )).all()
    for e, c, other in rows:
        if other.id == course.id:
            return "same_course", _view(e, c, other, await _position(session, e))
    if cohort.precision != "day" or course.delivery == "elearning":
        return None  # undated (quarter/month/year) or any-time e-learning: no clash can be told
    for e, c, other in rows:
        if c.precision == "day" and other.delivery != "elearning" and c.start_on <= cohort.end_on and cohort.start_on <= c.end_on:
            return "overlap", _view(e, c, other, await _position(session, e))
    return None


async def _existing(session: AsyncSession, user_id: int, cohort_id: int) -> Enrollment | None:
    return (await session.execute(
        select(Enrollment).where(Enrollment.user_id == user_id, Enrollment.cohort_id == cohort_id)
        .execution_options(populate_existing=True)
    )).scalar_one_or_none()


async def _judge(session: AsyncSession, user_id: int, cohort: Cohort, course: Course, today: date, *,
                 staff_adds: bool = False) -> tuple[Refusal | None, EnrollmentView | None, str | None]:
    """(refusal, existing request shown with it, duplicate?) — the checks shared by preview and request.
    After the application deadline only staff can add people (the waitlist closes too)."""
    existing = await _existing(session, user_id, cohort.id)
    if existing is not None and existing.status not in ("cancelled",):
        return None, _view(existing, cohort, course, await _position(session, existing)), "duplicate"
    if not course.active or cohort.status != "open":
        return Refusal("closed", {}), None, None
    if started(cohort.start_on, cohort.end_on, cohort.precision, today):
        return Refusal("started", {}), None, None
    closed_on = past_deadline(cohort, today)
    if closed_on is not None and not staff_adds:
        return Refusal("deadline", {"day": closed_on.isoformat()}), None, None
    if (course.eligibility or {}).get("external"):  # said before asking anyone for a profile
        return Refusal("external", {}), None, None
    profile = await get_profile(session, user_id)
    if profile is None:
        return Refusal("profile_needed", {}), None, None
    refusal = check_eligibility(dict(course.eligibility or {}), profile, cohort.start_on)
    if refusal is not None:
        return refusal, None, None
    conflict = await _conflict(session, user_id, cohort, course)
    if conflict is not None:
        return Refusal(conflict[0], {}), conflict[1], None
    return None, None, None


# -- employees --------------------------------------------------------------------------------------------
async def preview(session: AsyncSession, *, user_id: int, cohort_id: int, today: date) -> Terms | None:
    """The terms of a cohort for one person (no lock, nothing written). None for an unknown cohort."""
    row = (await session.execute(
        select(Cohort, Course).join(Course, Course.id == Cohort.course_id).where(Cohort.id == cohort_id,
                                                                                 cohort_published())
    )).first()
    if row is None:  # unknown, or a draft of an unpublished plan year: the same to an employee
        return None
    cohort, course = row
    taken, waiting, _last = await _counts(session, cohort.id)
    left = None if cohort.capacity is None else max(cohort.capacity - taken, 0)
    refusal, existing, duplicate = await _judge(session, user_id, cohort, course, today)
    if duplicate:
        would, position = "duplicate", None
    elif refusal is not None:
        would, position = "refused", None
    elif left is None or (left > waiting):
        would, position = _seat_status(course), None
    else:
        would, position = "waitlisted", waiting + 1
    return Terms(cohort.id, course.id, course.title, course.title_en, cohort.number, cohort.start_on, cohort.end_on,
                 cohort.precision, course.delivery, course.approval, cohort.track, cohort.track_en, cohort.capacity,
                 left, dict(course.eligibility or {}), would, position, refusal, existing, cohort.capacity_estimated,
                 application_deadline(cohort.start_on, cohort.precision, cohort.apply_until))


async def _counts(session: AsyncSession, cohort_id: int) -> tuple[int, int, int]:
    """(seats held, people waiting, last waitlist number) of a cohort, in one query."""
    held, waiting, last = (await session.execute(
        select(func.coalesce(func.sum(case((Enrollment.status.in_(SEAT_HOLDING), 1), else_=0)), 0),
               func.coalesce(func.sum(case((Enrollment.status == "waitlisted", 1), else_=0)), 0),
               func.max(Enrollment.waitlist_seq))
        .where(Enrollment.cohort_id == cohort_id)
    )).one()
    return int(held), int(waiting), int(last or 0)


async def people_waiting(session: AsyncSession, cohort_id: int) -> int:
    """How many people are on a cohort's waitlist right now (no lock: for wording, not for deciding seats)."""
    return (await _counts(session, cohort_id))[1]


async def request_seat(session: AsyncSession, *, user_id: int, cohort_id: int, now: datetime,
                       details: dict | None = None, staff_adds: bool = False) -> EnrollOutcome:
    """Ask for a seat. Auto-approved courses confirm while seats last, staff-approved ones hold a seat as pending;
    a full cohort puts the person on its waitlist (order assigned under the lock)."""
    found = (await session.execute(
        select(Cohort, Course).join(Course, Course.id == Cohort.course_id).where(Cohort.id == cohort_id,
                                                                                 cohort_published())
    )).first()
    if found is None:  # unknown, or a draft (publishing is never undone, so no re-check under the lock)
        return EnrollOutcome("refused", refusal=Refusal("not_found", {}))
    if found[1].topic == RETIREMENT_TOPIC and (details or {}).get("program") != "retirement":
        # Retirement programmes are asked for through their guided sign-up (retirement date, track, family
        # programme): a request without those answers (a forged or stale confirm button) is not filed.
        return EnrollOutcome("refused", refusal=Refusal("guided_signup", {"course_id": found[1].id}))
    # The person's own checks (profile, eligibility, overlaps, an earlier request) need no lock: they do not
    # depend on other people. A racing request of the same person is caught below by the unique constraint.
    refusal, existing, duplicate = await _judge(session, user_id, found[0], found[1], now.date(),
                                                staff_adds=staff_adds)
    if duplicate:
        return EnrollOutcome("duplicate", existing=existing, position=existing.position if existing else None)
    if refusal is not None:
        return EnrollOutcome("refused", refusal=refusal, existing=existing)

    # -- under the cohort lock: count, then insert ------------------------------------------------------------
    locked = await _lock_cohort(session, cohort_id)
    if locked is None:
        return EnrollOutcome("refused", refusal=Refusal("not_found", {}))
    cohort, course = locked
    if not course.active or cohort.status != "open":
        return EnrollOutcome("refused", refusal=Refusal("closed", {}))
    taken, waiting, last_seq = await _counts(session, cohort.id)
    promoted: tuple[EnrollmentView, ...] = ()
    if waiting and (cohort.capacity is None or taken < cohort.capacity):
        promoted = await _fill_free_seats(session, cohort, course, now)  # people waiting come first, always
        taken, waiting, last_seq = await _counts(session, cohort.id)

    row = await _existing(session, user_id, cohort.id)
    if row is not None and row.status != "cancelled":  # the same person, a moment earlier
        view = _view(row, cohort, course, await _position(session, row))
        return EnrollOutcome("duplicate", existing=view, position=view.position, promoted=promoted)
    if cohort.capacity is None or taken < cohort.capacity:
        status, seq, position = _seat_status(course), None, None
    else:
        status, seq, position = "waitlisted", last_seq + 1, waiting + 1
    try:
        async with session.begin_nested():
            if row is None:
                row = Enrollment(user_id=user_id, cohort_id=cohort.id, status=status, waitlist_seq=seq,
                                 requested_at=now, details=dict(details or {}))
                session.add(row)
            else:  # a cancelled request is asked for again
                row.status, row.waitlist_seq, row.requested_at = status, seq, now
                row.decided_at = row.decided_by = row.reason = None
                row.details = dict(details or {})
            await session.flush()
    except IntegrityError:
        # Another request of the same person won the race: theirs stands, this one is a no-op.
        existing_row = await _existing(session, user_id, cohort.id)
        if existing_row is None:
            raise
        view = _view(existing_row, cohort, course, await _position(session, existing_row))
        return EnrollOutcome("duplicate", existing=view, position=view.position, promoted=promoted)
    view = _view(row, cohort, course, position)
    return EnrollOutcome(status, enrollment=view, position=position, promoted=promoted)


async def add_by_staff(session: AsyncSession, *, actor: Actor, user_id: int, cohort_id: int,
                       now: datetime) -> EnrollOutcome:
    """Staff put a person into a cohort, also after its application deadline (a seat while there is one, else the
    waitlist, like anyone); the person's own conditions still apply. Audited."""
    await require_staff(session, actor, "enrollment.add")
    outcome = await request_seat(session, user_id=user_id, cohort_id=cohort_id, now=now, staff_adds=True)
    if outcome.enrollment is not None:
        await record(session, actor, "enrollment.add", now=now, target=f"enrollment:{outcome.enrollment.id}",
                     subjects=1, detail={"status": outcome.status})
    return outcome


async def _fill_free_seats(session: AsyncSession, cohort: Cohort, course: Course, now: datetime,
                           limit: int | None = None) -> tuple[EnrollmentView, ...]:
    """Promote the first people waiting into free seats (caller holds the cohort lock); each is notified."""
    if cohort.capacity is None:
        free = limit if limit is not None else 10 ** 6
    else:
        free = cohort.capacity - (await _counts(session, cohort.id))[0]
    if free <= 0:
        return ()
    rows = list((await session.execute(
        select(Enrollment).where(Enrollment.cohort_id == cohort.id, Enrollment.status == "waitlisted")
        .order_by(Enrollment.waitlist_seq, Enrollment.id).limit(free)
        .execution_options(populate_existing=True)
    )).scalars())
    out: list[EnrollmentView] = []
    released: list[Enrollment] = []
    for e in rows:
        # A pending move (catalog/moves.py): the person takes this seat and gives up the old one, keeping its
        # approval; a move whose old seat is gone meanwhile is an ordinary promotion.
        old = await _load(session, e.moving_from) if e.moving_from else None
        moving = old is not None and old.user_id == e.user_id and old.status in SEAT_HOLDING
        e.status = old.status if moving else _seat_status(course)
        e.decided_at = (old.decided_at if moving else now) if e.status == "confirmed" else None
        e.moving_from = None
        view = _view(e, cohort, course)
        await _notify(session, view, "moved" if moving else "promoted", now)
        out.append(view)
        if moving:
            released.append(old)
    if out:
        await session.flush()
    for old in released:  # the old seat goes to the first person waiting there, in this same transaction
        locked = await _lock_cohort(session, old.cohort_id)
        if locked is not None:
            moved_to = next(v.id for v in out if v.user_id == old.user_id)
            out.extend(await release_for_move(session, old, *locked, now, moved_to=moved_to))
    return tuple(out)


async def release_for_move(session: AsyncSession, old: Enrollment, cohort: Cohort, course: Course, now: datetime,
                           *, moved_to: int) -> tuple[EnrollmentView, ...]:
    """The old seat of someone who moved: cancelled (details: moved_to) and handed to the first person waiting
    there (the caller holds the cohort's lock)."""
    old.status, old.decided_at, old.waitlist_seq = "cancelled", now, None
    old.details = {**(old.details or {}), "moved_to": moved_to}
    await session.flush()
    return await _fill_free_seats(session, cohort, course, now)
async def lock_seats(session: AsyncSession, cohort_id: int) -> int | None:
    """Lock the cohort (for the rest of the transaction) and count the seats held now; None for no such cohort.
    A capacity change is decided on this count, so no request can take a seat between the check and the change."""
    if await _lock_cohort(session, cohort_id) is None:
        return None
    return (await _counts(session, cohort_id))[0]


async def promote_waitlist(session: AsyncSession, *, cohort_id: int, now: datetime) -> tuple[EnrollmentView, ...]:
    """Fill the free seats of a cohort from its waitlist (e.g. after staff raised the capacity)."""
    locked = await _lock_cohort(session, cohort_id)
    if locked is None:
        return ()
    return await _fill_free_seats(session, *locked, now)


async def _load(session: AsyncSession, enrollment_id: int) -> Enrollment | None:
    return (await session.execute(
        select(Enrollment).where(Enrollment.id == enrollment_id).execution_options(populate_existing=True)
    )).scalar_one_or_none()


async def _locked_enrollment(session: AsyncSession, enrollment_id: int
                             ) -> tuple[Enrollment, Cohort, Course] | None:
    """The enrollment re-read after its cohort is locked (its status may have changed while we waited)."""
    first = await _load(session, enrollment_id)
    if first is None:
        return None
    locked = await _lock_cohort(session, first.cohort_id)
    if locked is None:
        return None
    e = await _load(session, enrollment_id)
    return (e, *locked) if e is not None else None


async def cancel(session: AsyncSession, *, enrollment_id: int, actor: Actor, now: datetime,
                 by_staff: bool = False, reason: str | None = None) -> ChangeOutcome:
    """Cancel a request. The person may cancel their own until the cohort starts; staff may cancel any
    (the person is notified). A freed seat goes to the first person waiting."""
    if by_staff:
        await require_staff(session, actor, "enrollment.cancel")
    found = await _locked_enrollment(session, enrollment_id)
    if found is None:
        return ChangeOutcome(False, code="not_found")
    e, cohort, course = found
    if not by_staff and e.user_id != actor.user_id:
        return ChangeOutcome(False, code="not_found")  # someone else's id: same answer as a made-up one
    if e.status not in ACTIVE:
        return ChangeOutcome(False, _view(e, cohort, course), code="not_active")
    if not by_staff and started(cohort.start_on, cohort.end_on, cohort.precision, now.date()):
        return ChangeOutcome(False, _view(e, cohort, course, await _position(session, e)), code="started")
    held_seat = e.status in SEAT_HOLDING
    e.status, e.decided_at, e.waitlist_seq = "cancelled", now, None
    if by_staff:
        e.decided_by, e.reason = actor.user_id, reason
    await session.flush()
    view = _view(e, cohort, course)
    if by_staff:
        await _notify(session, view, "cancelled", now)
        await record(session, actor, "enrollment.cancel", now=now, target=f"enrollment:{e.id}", subjects=1,
                     detail={"user_id": e.user_id, "cohort_id": e.cohort_id, "reason_given": bool(reason)})
    promoted = await _fill_free_seats(session, cohort, course, now) if held_seat else ()
    return ChangeOutcome(True, view, promoted=promoted)


# -- staff ------------------------------------------------------------------------------------------------
async def _approve(session: AsyncSession, enrollment_id: int, actor: Actor, now: datetime) -> ChangeOutcome:
    found = await _locked_enrollment(session, enrollment_id)
    if found is None:
        return ChangeOutcome(False, code="not_found")
    e, cohort, course = found
    if e.status != "pending":
        return ChangeOutcome(False, _view(e, cohort, course, await _position(session, e)), code="decided")
    e.status, e.decided_at, e.decided_by, e.reason = "confirmed", now, actor.user_id, None
    await session.flush()
    view = _view(e, cohort, course)
    await _notify(session, view, "approved", now)
    return ChangeOutcome(True, view)


async def approve(session: AsyncSession, *, enrollment_id: int, actor: Actor, now: datetime) -> ChangeOutcome:
    await require_staff(session, actor, "enrollment.approve")
    result = await _approve(session, enrollment_id, actor, now)
    if result.ok and result.enrollment:
        await record(session, actor, "enrollment.approve", now=now, target=f"enrollment:{enrollment_id}", subjects=1,
                     detail={"user_id": result.enrollment.user_id, "cohort_id": result.enrollment.cohort_id})
    return result


async def reject(session: AsyncSession, *, enrollment_id: int, actor: Actor, now: datetime,
                 reason: str) -> ChangeOutcome:
    await require_staff(session, actor, "enrollment.reject")
    found = await _locked_enrollment(session, enrollment_id)
    if found is None:
        return ChangeOutcome(False, code="not_found")
    e, cohort, course = found
    if e.status not in ("pending", "waitlisted"):
        return ChangeOutcome(False, _view(e, cohort, course, await _position(session, e)), code="decided")
    held_seat = e.status in SEAT_HOLDING
    e.status, e.decided_at, e.decided_by, e.reason, e.waitlist_seq = "rejected", now, actor.user_id, reason.strip()[:500], None
    await session.flush()
    view = _view(e, cohort, course)
    await _notify(session, view, "rejected", now)
    # The reason may name the person: the record says only that one was given.
    await record(session, actor, "enrollment.reject", now=now, target=f"enrollment:{e.id}", subjects=1,
                 detail={"user_id": e.user_id, "cohort_id": e.cohort_id})
    promoted = await _fill_free_seats(session, cohort, course, now) if held_seat else ()
    return ChangeOutcome(True, view, promoted=promoted)


async def bulk_approve(session: AsyncSession, *, course_id: str, actor: Actor, now: datetime,
                       enrollment_ids: list[int] | None = None) -> list[EnrollmentView]:
    """Approve every pending request of a course (or only the given ones). Returns those approved."""
    await require_staff(session, actor, "enrollment.approve_all")
    stmt = (select(Enrollment.id).join(Cohort, Cohort.id == Enrollment.cohort_id)
            .where(Cohort.course_id == course_id, Enrollment.status == "pending")
            .order_by(Enrollment.cohort_id, Enrollment.id))  # cohorts locked in one order: no deadlock
    if enrollment_ids is not None:
        stmt = stmt.where(Enrollment.id.in_(enrollment_ids))
    out = []
    for enrollment_id in list((await session.execute(stmt)).scalars()):
        result = await _approve(session, enrollment_id, actor, now)
        if result.ok and result.enrollment:
            out.append(result.enrollment)
    if out:
        await record(session, actor, "enrollment.approve_all", now=now, target=f"course:{course_id}",
                     people={v.user_id for v in out}, detail={"enrollment_ids": [v.id for v in out]})
    return out


async def get_enrollment(session: AsyncSession, enrollment_id: int) -> EnrollmentView | None:
    row = (await session.execute(
        select(Enrollment, Cohort, Course).join(Cohort, Cohort.id == Enrollment.cohort_id)
        .join(Course, Course.id == Cohort.course_id).where(Enrollment.id == enrollment_id)
    )).first()
    if row is None:
        return None
    return _view(row[0], row[1], row[2], await _position(session, row[0]))


async def my_enrollments(session: AsyncSession, user_id: int) -> list[EnrollmentView]:
    """Everything a person asked for, across plan years, soonest cohort first, with waitlist positions
    (a cohort of a draft year, where only staff can have put someone, stays out of sight)."""
    rows = (await session.execute(
        select(Enrollment, Cohort, Course).join(Cohort, Cohort.id == Enrollment.cohort_id)
        .join(Course, Course.id == Cohort.course_id).where(Enrollment.user_id == user_id, cohort_published())
        .order_by(Cohort.start_on, Enrollment.id)
    )).all()
    return [_view(e, c, course, await _position(session, e)) for e, c, course in rows]


async def live_requests(session: AsyncSession, cohort_ids: list[int]) -> list[EnrollmentView]:
    """The live requests (pending, confirmed, waitlisted) of these cohorts, oldest first (no waitlist positions)."""
    if not cohort_ids:
        return []
    rows = (await session.execute(
        select(Enrollment, Cohort, Course).join(Cohort, Cohort.id == Enrollment.cohort_id)
        .join(Course, Course.id == Cohort.course_id)
        .where(Enrollment.cohort_id.in_(cohort_ids), Enrollment.status.in_(ACTIVE)).order_by(Enrollment.id))).all()
    return [_view(e, c, course) for e, c, course in rows]


async def active_request(session: AsyncSession, user_id: int, course_id: str) -> EnrollmentView | None:
    """The person's live request (pending, confirmed or waitlisted) for any cohort of a course, if any."""
    row = (await session.execute(
        select(Enrollment, Cohort, Course).join(Cohort, Cohort.id == Enrollment.cohort_id)
        .join(Course, Course.id == Cohort.course_id)
        .where(Enrollment.user_id == user_id, Cohort.course_id == course_id, Enrollment.status.in_(ACTIVE))
        .order_by(Cohort.start_on, Enrollment.id).limit(1)
    )).first()
    if row is None:
        return None
    return _view(row[0], row[1], row[2], await _position(session, row[0]))


async def pending_queue(session: AsyncSession, actor: Actor, course_id: str | None = None, *,
                        now: datetime) -> list[QueueCourse]:
    """Pending requests grouped by course (oldest request first), with the applicant's name and rank.
    Staff only; a read of personal data, so it is recorded (who looked, at how many people)."""
    await require_staff(session, actor, "enrollment.view_pending")
    stmt = (select(Enrollment, Cohort, Course, Profile.full_name, Profile.department, Profile.rank)
            .join(Cohort, Cohort.id == Enrollment.cohort_id).join(Course, Course.id == Cohort.course_id)
            .join(Profile, Profile.user_id == Enrollment.user_id, isouter=True)
            .where(Enrollment.status == "pending").order_by(Course.id, Enrollment.requested_at, Enrollment.id))
    if course_id is not None:
        stmt = stmt.where(Course.id == course_id)
    grouped: dict[str, tuple[Course, list[PendingItem]]] = {}
    for e, c, course, name, department, rank in (await session.execute(stmt)).all():
        grouped.setdefault(course.id, (course, []))[1].append(PendingItem(_view(e, c, course), name, department, rank))
    people = {item.enrollment.user_id for _course, items in grouped.values() for item in items}
    await record(session, actor, "enrollment.view_pending", now=now,
                 target=f"course:{course_id}" if course_id else None, people=people)
    return [QueueCourse(course.id, course.title, course.title_en, tuple(items)) for course, items in grouped.values()]


@dataclass(frozen=True)
class RosterRow:
    full_name: str
    department: str
    rank: str
    employee_no: str
    cohort_number: int
    start_on: date
    end_on: date
    precision: str
    track: str | None
    status: str
    position: int | None
    requested_at: datetime
    decided_at: datetime | None
    reason: str | None
    details: dict = field(default_factory=dict)  # answers given with the request (retirement date, family programme)
    enrollment_id: int | None = None  # what the dashboard's roster marks completed / no-show


async def roster(session: AsyncSession, actor: Actor, course_id: str, *, now: datetime, year: int | None = None,
                 cohort_id: int | None = None) -> list[RosterRow] | None:
    """Every request of a course (or of its cohorts of one plan year, or of one cohort), by cohort then status, for
    the coordinator's export. None: unknown course. Staff only, and recorded: the export is a read of personal data."""
    role = await require_staff(session, actor, "export.enrollments")
    if await session.get(Course, course_id) is None:
        return None
    # Plain columns, not ORM objects: a roster is a hundred rows or more, read once and never changed here.
    stmt = (select(Profile.full_name, Profile.department, Profile.rank, Profile.employee_no, Cohort.id, Cohort.number,
                   Cohort.start_on, Cohort.end_on, Cohort.precision, Cohort.track, Enrollment.status,
                   Enrollment.waitlist_seq, Enrollment.requested_at, Enrollment.decided_at, Enrollment.reason,
                   Enrollment.details, Enrollment.id, Enrollment.user_id)
            .join(Cohort, Cohort.id == Enrollment.cohort_id)
            .join(Profile, Profile.user_id == Enrollment.user_id, isouter=True)
            .where(Cohort.course_id == course_id)
            .order_by(Cohort.number, Enrollment.status, Enrollment.waitlist_seq, Enrollment.requested_at, Enrollment.id))
    if year is not None:
        stmt = stmt.where(Cohort.year == year)
    if cohort_id is not None:
        stmt = stmt.where(Cohort.id == cohort_id)
    out = []
    people = set()
    waiting: dict[int, int] = {}  # cohort id -> waitlisted rows seen so far (they come in waitlist order)
    for (name, department, rank, employee_no, cohort, number, start_on, end_on, precision, track, status, seq,
         requested_at, decided_at, reason, details, enrollment_id, user_id) in (await session.execute(stmt)).all():
        position = None
        if status == "waitlisted" and seq is not None:
            position = waiting[cohort] = waiting.get(cohort, 0) + 1  # one query for the roster, not one per person
        out.append(RosterRow(name or "", department or "", rank or "", employee_no or "", number, start_on, end_on,
                             precision, track, status, position, requested_at, decided_at, reason, dict(details or {}),
                             enrollment_id))
        people.add(user_id)
    target = f"cohort:{cohort_id}" if cohort_id is not None else f"course:{course_id}" + (f"/{year}" if year else "")
    await record(session, actor, "export.enrollments", now=now, target=target, people=people, detail={"rows": len(out)},
                 role=role)
    return out


__all__ = [
    "ACTIVE", "NOTICE_KIND", "EnrollmentView", "EnrollOutcome", "Terms", "ChangeOutcome", "PendingItem",
    "QueueCourse", "RosterRow", "Refusal", "Actor", "Forbidden", "started", "preview", "request_seat", "promote_waitlist",
    "lock_seats", "cancel",
    "approve", "reject", "bulk_approve", "get_enrollment", "my_enrollments", "pending_queue", "roster",
    "notice_params", "people_waiting", "active_request", "live_requests",
]
