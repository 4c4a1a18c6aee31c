"""Reading the catalog: course cards with their cohorts and open seats."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Cohort, Course, Enrollment

SEAT_HOLDING = ("confirmed", "pending")  # a request awaiting approval holds its seat until decided


@dataclass(frozen=True)
class CohortView:
    id: int
    number: int
    start_on: date
    end_on: date
    precision: str
    capacity: int | None
    capacity_estimated: bool
    taken: int
    track: str | None
    track_en: str | None
    status: str

    @property
    def seats_left(self) -> int | None:
        return None if self.capacity is None else max(self.capacity - self.taken, 0)


@dataclass(frozen=True)
class CourseCard:
    id: str
    title: str
    title_en: str
    category: str
    topic: str
    delivery: str
    duration_ko: str
    duration_en: str
    audience: str
    audience_en: str
    eligibility: dict
    approval: str
    description: str
    description_en: str
    cohorts: tuple[CohortView, ...]


async def seats_taken(session: AsyncSession, cohort_ids: Iterable[int]) -> dict[int, int]:
    ids = list(cohort_ids)
    if not ids:
        return {}
    rows = await session.execute(
        select(Enrollment.cohort_id, func.count())
        .where(Enrollment.cohort_id.in_(ids), Enrollment.status.in_(SEAT_HOLDING))
        .group_by(Enrollment.cohort_id)
    )
    return {cohort_id: n for cohort_id, n in rows.all()}


def cohort_view(c: Cohort, taken: int) -> CohortView:
    return CohortView(c.id, c.number, c.start_on, c.end_on, c.precision, c.capacity, c.capacity_estimated,
                      taken, c.track, c.track_en, c.status)


async def course_card(session: AsyncSession, course_id: str) -> CourseCard | None:
    course = await session.get(Course, course_id)
    if course is None or not course.active:
        return None
    cohorts = (await session.execute(
        select(Cohort).where(Cohort.course_id == course_id).order_by(Cohort.number)
    )).scalars().all()
    taken = await seats_taken(session, [c.id for c in cohorts])
    return CourseCard(
        course.id, course.title, course.title_en, course.category, course.topic, course.delivery,
        course.duration_ko, course.duration_en, course.audience, course.audience_en, dict(course.eligibility or {}),
        course.approval, course.description, course.description_en,
        tuple(cohort_view(c, taken.get(c.id, 0)) for c in cohorts),
    )


async def active_courses(session: AsyncSession) -> list[Course]:
    return list((await session.execute(select(Course).where(Course.active.is_(True)).order_by(Course.id))).scalars())


async def cohort_months(session: AsyncSession) -> dict[str, frozenset[int]]:
    """Months in which each course has a cohort (for the month filter of search)."""
    months: dict[str, set[int]] = {}
    for course_id, start, end in (await session.execute(select(Cohort.course_id, Cohort.start_on, Cohort.end_on))).all():
        span = months.setdefault(course_id, set())
        if end.year > start.year:
            span.update(range(1, 13))
        else:
            span.update(range(start.month, end.month + 1))
    return {k: frozenset(v) for k, v in months.items()}
