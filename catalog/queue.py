"""The staff's pending queue one page at a time, filtered by course and cohort (the dashboard's list).

`catalog.enrollment.pending_queue` gives the chat the whole queue grouped by course; a browser shows 2,000
requests a page at a time, so the counting and the slicing are done by the database here.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, null, select
from sqlalchemy.ext.asyncio import AsyncSession

from datetime import datetime

from catalog.enrollment import EnrollmentView, PendingItem
from db.access import Actor, require_staff
from db.audit import record
from db.matching import contains
from db.models import Cohort, Course, Enrollment, Profile


@dataclass(frozen=True)
class CourseCount:
    course_id: str
    title: str
    title_en: str
    pending: int


@dataclass(frozen=True)
class PendingPage:
    items: tuple[PendingItem, ...]
    total: int  # matching the filter, across all pages
    offset: int
    limit: int
    courses: tuple[CourseCount, ...]  # every course with pending requests (the filter's choices)
    cohorts: tuple[tuple[int, int], ...]  # (number, pending) of the chosen course's cohorts

    @property
    def has_next(self) -> bool:
        return self.offset + self.limit < self.total


def _view_of(row) -> EnrollmentView:
    *head, details, year = row
    return EnrollmentView(*head, dict(details or {}), year)


# The columns of an EnrollmentView in its field order (a pending request has no waitlist place and no move), read as
# plain rows: building ORM objects for a page of 50 requests cost about as much as everything else on the page.
_VIEW_COLUMNS = (Enrollment.id, Enrollment.user_id, Enrollment.cohort_id, Course.id, Course.title, Course.title_en,
                 Cohort.number, Cohort.start_on, Cohort.end_on, Cohort.precision, Course.delivery, Course.approval,
                 Cohort.track, Cohort.track_en, Enrollment.status, null(), Enrollment.requested_at,
                 Enrollment.decided_at, Enrollment.reason, Enrollment.details, Cohort.year)


def _people_named(who: str):
    """Whose name, department or employee number contains `who`."""
    return select(Profile.user_id).where(contains(who, Profile.full_name, Profile.department, Profile.employee_no))


async def pending_page(session: AsyncSession, actor: Actor, *, now: datetime, course_id: str | None = None,
                       cohort_number: int | None = None, who: str = "", offset: int = 0,
                       limit: int = 50) -> PendingPage:
    """Staff only; the names shown are a read of personal data, recorded like the chat's queue. `who`: only the
    requests of people whose name, department or employee number contains it (the search text itself is never
    recorded: it may be a name)."""
    role = await require_staff(session, actor, "enrollment.view_pending")
    where = [Enrollment.status == "pending"]
    if course_id:
        where.append(Cohort.course_id == course_id)
        if cohort_number is not None:
            where.append(Cohort.number == cohort_number)
    who = who.strip()
    if who:
        where.append(Enrollment.user_id.in_(_people_named(who)))
    # The page's ids first, read in order off the (status, requested_at, id) index; then only those rows joined.
    page = select(Enrollment.id).where(*where).order_by(Enrollment.requested_at, Enrollment.id)
    if course_id:
        page = page.join(Cohort, Cohort.id == Enrollment.cohort_id)
    page = page.offset(max(offset, 0)).limit(limit).subquery()
    rows = (await session.execute(
        select(*_VIEW_COLUMNS, Profile.full_name, Profile.department, Profile.rank)
        .join(page, page.c.id == Enrollment.id)
        .join(Cohort, Cohort.id == Enrollment.cohort_id).join(Course, Course.id == Cohort.course_id)
        .join(Profile, Profile.user_id == Enrollment.user_id, isouter=True)
        .order_by(Enrollment.requested_at, Enrollment.id)
    )).all()
    n = len(_VIEW_COLUMNS)
    items = tuple(PendingItem(_view_of(row[:n]), *row[n:]) for row in rows)
    courses = tuple(CourseCount(*r) for r in (await session.execute(
        select(Course.id, Course.title, Course.title_en, func.count())
        .join(Cohort, Cohort.course_id == Course.id).join(Enrollment, Enrollment.cohort_id == Cohort.id)
        .where(Enrollment.status == "pending").group_by(Course.id, Course.title, Course.title_en).order_by(Course.id)
    )).all())
    cohorts: tuple[tuple[int, int], ...] = ()
    if course_id:
        cohorts = tuple((n, c) for n, c in (await session.execute(
            select(Cohort.number, func.count()).join(Enrollment, Enrollment.cohort_id == Cohort.id)
            .where(Enrollment.status == "pending", Cohort.course_id == course_id)
            .group_by(Cohort.number).order_by(Cohort.number)
        )).all())
    # The exact total is the filter's own choice count (no second pass over the requests to count them), except
    # for a search by person, which those counts do not know.
    if who:
        counted = select(func.count()).select_from(Enrollment).where(*where)
        if course_id:
            counted = counted.join(Cohort, Cohort.id == Enrollment.cohort_id)
        total = (await session.execute(counted)).scalar_one()
    elif not course_id:
        total = sum(c.pending for c in courses)
    elif cohort_number is None:
        total = next((c.pending for c in courses if c.course_id == course_id), 0)
    else:
        total = dict(cohorts).get(cohort_number, 0)
    await record(session, actor, "enrollment.view_pending", now=now, role=role,
                 target=f"course:{course_id}" if course_id else None,
                 people={item.enrollment.user_id for item in items})
    return PendingPage(items, total, max(offset, 0), limit, courses, cohorts)
