"""Figures for the staff overview: requests per day, fill rate per category, waitlists, pending requests.

Aggregates run in the database (GROUP BY), so the overview costs the same few queries at 100 rows or 100,000.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from catalog.courses import SEAT_HOLDING
from db.clock import SEOUL
from db.matching import contains
from db.models import Cohort, Course, Enrollment


@dataclass(frozen=True)
class CategoryFill:
    category: str  # the first part of the category path (일반교육, e-러닝…)
    capacity: int
    taken: int

    @property
    def rate(self) -> float:
        return self.taken / self.capacity if self.capacity else 0.0


@dataclass(frozen=True)
class WaitlistedCourse:
    course_id: str
    title: str
    title_en: str
    waiting: int


@dataclass(frozen=True)
class Overview:
    year: int
    requests_per_day: tuple[tuple[date, int], ...]  # the last `days` days, oldest first, zeros included
    fill: tuple[CategoryFill, ...]
    waitlists: tuple[WaitlistedCourse, ...]
    pending: int
    confirmed: int
    cohorts: int


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, SEOUL)


def _seoul_day(session: AsyncSession):
    """The Seoul calendar day of a stored moment (stored as naive UTC; Seoul is UTC+9 all year, no DST)."""
    if session.bind.dialect.name == "sqlite":
        return func.date(Enrollment.requested_at, "+9 hours")
    return func.date(Enrollment.requested_at + text("interval '9 hours'"))


async def requests_per_day(session: AsyncSession, today: date, days: int = 30) -> tuple[tuple[date, int], ...]:
    first = today - timedelta(days=days - 1)
    day = _seoul_day(session)
    rows = (await session.execute(
        select(day, func.count()).where(Enrollment.requested_at >= _start_of(first),
                                        Enrollment.requested_at < _start_of(today + timedelta(days=1)))
        .group_by(day)
    )).all()
    counts = {(d if isinstance(d, date) else date.fromisoformat(str(d))): n for d, n in rows}
    return tuple((first + timedelta(days=i), counts.get(first + timedelta(days=i), 0)) for i in range(days))


async def fill_by_category(session: AsyncSession, year: int) -> tuple[CategoryFill, ...]:
    """Seats held (confirmed + pending) against seats offered, per top-level category, for the plan year's cohorts
    with a limit."""
    in_year = (Cohort.capacity.is_not(None), Cohort.year == year)
    seats = (await session.execute(
        select(Course.category, func.sum(Cohort.capacity)).join(Cohort, Cohort.course_id == Course.id)
        .where(*in_year).group_by(Course.category))).all()
    taken = dict((await session.execute(
        select(Course.category, func.count()).select_from(Enrollment).join(Cohort, Cohort.id == Enrollment.cohort_id)
        .join(Course, Course.id == Cohort.course_id).where(Enrollment.status.in_(SEAT_HOLDING), *in_year)
        .group_by(Course.category))).all())
    merged: dict[str, list[int]] = {}
    for category, capacity in seats:
        top = (category or "").split("/")[0] or "-"
        acc = merged.setdefault(top, [0, 0])
        acc[0] += int(capacity or 0)
        acc[1] += int(taken.get(category, 0))
    return tuple(sorted((CategoryFill(k, c, t) for k, (c, t) in merged.items()), key=lambda f: -f.rate))


async def waitlisted_courses(session: AsyncSession, limit: int = 8) -> tuple[WaitlistedCourse, ...]:
    rows = (await session.execute(
        select(Course.id, Course.title, Course.title_en, func.count())
        .join(Cohort, Cohort.course_id == Course.id).join(Enrollment, Enrollment.cohort_id == Cohort.id)
        .where(Enrollment.status == "waitlisted").group_by(Course.id, Course.title, Course.title_en)
        .order_by(func.count().desc(), Course.id).limit(limit)
    )).all()
    return tuple(WaitlistedCourse(*row) for row in rows)


async def status_counts(session: AsyncSession) -> dict[str, int]:
    rows = await session.execute(select(Enrollment.status, func.count()).group_by(Enrollment.status))
    return {status: n for status, n in rows.all()}


async def overview(session: AsyncSession, today: date, days: int = 30, *, year: int | None = None) -> Overview:
    """`year`: the plan year shown (default: the current plan, see catalog.plan.current_year)."""
    from catalog.plan import current_year

    year = year if year is not None else await current_year(session, today)
    counts = await status_counts(session)
    cohorts = (await session.execute(select(func.count()).select_from(Cohort).where(Cohort.year == year))).scalar_one()
    return Overview(year, await requests_per_day(session, today, days), await fill_by_category(session, year),
                    await waitlisted_courses(session), counts.get("pending", 0), counts.get("confirmed", 0), cohorts)


@dataclass(frozen=True)
class CourseRow:
    course_id: str
    title: str
    title_en: str
    category: str
    cohorts: int
    capacity: int | None  # None: a cohort without a limit (e-러닝)
    confirmed: int
    pending: int
    waitlisted: int


@dataclass(frozen=True)
class CoursePage:
    rows: tuple[CourseRow, ...]
    total: int
    offset: int
    limit: int

    @property
    def has_next(self) -> bool:
        return self.offset + self.limit < self.total


COUNTED = ("confirmed", "pending", "waitlisted")


def _by_status(rows) -> dict:
    """(key, status, n) rows → key → (confirmed, pending, waitlisted)."""
    out: dict = {}
    for key, status, n in rows:
        acc = out.setdefault(key, [0, 0, 0])
        acc[COUNTED.index(status)] += int(n)
    return {k: tuple(v) for k, v in out.items()}


async def course_page(session: AsyncSession, *, year: int, text: str = "", offset: int = 0,
                      limit: int = 50) -> CoursePage:
    """Courses with cohorts in plan year `year` (title contains `text`), with their seats and requests.

    Two statements: the page of courses with their seats and the number of matching courses (a window count over
    the groups), then the requests of the courses on the page."""
    offset = max(offset, 0)
    where = [Cohort.year == year]
    if text.strip():
        where.append(contains(text.strip(), Course.title, Course.title_en, Course.id))
    courses = (await session.execute(
        select(Course.id, Course.title, Course.title_en, Course.category, func.count(), func.sum(Cohort.capacity),
               func.count(Cohort.capacity), func.count().over())
        .join(Cohort, Cohort.course_id == Course.id).where(*where)
        .group_by(Course.id, Course.title, Course.title_en, Course.category)
        .order_by(func.min(Cohort.start_on), Course.id).offset(offset).limit(limit)
    )).all()
    if not courses:  # past the last page (or nothing matches): the count alone
        total = (await session.execute(
            select(func.count(func.distinct(Course.id))).join(Cohort, Cohort.course_id == Course.id).where(*where)
        )).scalar_one() if offset else 0
        return CoursePage((), total, offset, limit)
    # Grouped by status (not summed with CASE) so the (cohort_id, status) index answers it alone.
    requests = _by_status((await session.execute(
        select(Cohort.course_id, Enrollment.status, func.count())
        .join(Enrollment, Enrollment.cohort_id == Cohort.id)
        .where(Cohort.course_id.in_([c[0] for c in courses]), Enrollment.status.in_(COUNTED), Cohort.year == year)
        .group_by(Cohort.course_id, Enrollment.status)
    )).all())
    rows = []
    for course_id, title, title_en, category, n, capacity, limited, _total in courses:
        confirmed, pending, waitlisted = requests.get(course_id, (0, 0, 0))
        rows.append(CourseRow(course_id, title, title_en, category, n, int(capacity or 0) if limited == n else None,
                              int(confirmed), int(pending), int(waitlisted)))
    return CoursePage(tuple(rows), courses[0][-1], offset, limit)


@dataclass(frozen=True)
class CohortRow:
    id: int
    year: int
    number: int
    start_on: date
    end_on: date
    precision: str
    capacity: int | None
    capacity_estimated: bool
    track: str | None
    track_en: str | None
    status: str  # open | closed
    confirmed: int
    pending: int
    waitlisted: int

    @property
    def seats_left(self) -> int | None:
        return None if self.capacity is None else max(self.capacity - self.confirmed - self.pending, 0)

    def phase(self, today: date) -> str:
        """upcoming | running | ended."""
        if today < self.start_on:
            return "upcoming"
        return "running" if today <= self.end_on else "ended"


async def cohort_rows(session: AsyncSession, course_id: str, year: int | None = None,
                      cohort_id: int | None = None) -> tuple[CohortRow, ...]:
    """The course's cohorts (of one plan year, one cohort, or all), by year and number, with their requests."""
    only = (Cohort.id == cohort_id,) if cohort_id is not None else ()
    counts = _by_status((await session.execute(
        select(Enrollment.cohort_id, Enrollment.status, func.count())
        .join(Cohort, Cohort.id == Enrollment.cohort_id)
        .where(Cohort.course_id == course_id, Enrollment.status.in_(COUNTED), *only)
        .group_by(Enrollment.cohort_id, Enrollment.status)
    )).all())
    out = []
    stmt = select(Cohort).where(Cohort.course_id == course_id, *only).order_by(Cohort.year, Cohort.number)
    if year is not None:
        stmt = stmt.where(Cohort.year == year)
    for c in (await session.execute(stmt)).scalars():
        confirmed, pending, waitlisted = counts.get(c.id, (0, 0, 0))
        out.append(CohortRow(c.id, c.year, c.number, c.start_on, c.end_on, c.precision, c.capacity, c.capacity_estimated,
                             c.track, c.track_en, c.status, int(confirmed or 0), int(pending or 0), int(waitlisted or 0)))
    return tuple(out)
