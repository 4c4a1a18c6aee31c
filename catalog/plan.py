"""Plan years (연간 교육계획): which years exist, which are published, and which one is "the current plan".

A cohort is (course, plan year, number) and an exam round belongs to a plan year. A year's cohorts and rounds are
drafts, invisible to employees everywhere, until the year is published. "The current plan" is the year of the
clock's today when that year is published, else the latest published year (so in January, before staff publish
the new plan, people still see last year's). Years are data: nothing here names one.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, func, literal, select, union
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Cohort, ExamRound, PlanYear

MIN_YEAR, MAX_YEAR = 2000, 2100  # what a plan file may name: anything else is a typo


def published_years_q():
    return select(PlanYear.year).where(PlanYear.published.is_(True))


def cohort_published() -> ColumnElement[bool]:
    """SQL condition: the cohort's plan year is published (use in WHERE/ON clauses)."""
    return Cohort.year.in_(published_years_q())


def round_published() -> ColumnElement[bool]:
    return ExamRound.year.in_(published_years_q())


@dataclass(frozen=True)
class YearInfo:
    year: int
    published: bool
    published_at: datetime | None
    cohorts: int
    rounds: int


async def published_years(session: AsyncSession) -> list[int]:
    return sorted((await session.execute(published_years_q())).scalars())


async def is_published(session: AsyncSession, year: int) -> bool:
    row = await session.get(PlanYear, year)
    return bool(row and row.published)


def pick_current(published: list[int], today: date) -> int | None:
    """The current plan among the published years: this year's when published, else the latest one."""
    if today.year in published:
        return today.year
    return max(published) if published else None


async def current_year(session: AsyncSession, today: date) -> int:
    """The current plan year; with nothing published yet, the clock's year (whose plan is still a draft)."""
    return _current(await published_years(session), today)


def current_among(known: list[YearInfo], today: date) -> int:
    """`current_year` from the `years()` a page has read already (no second look at the database)."""
    return _current([y.year for y in known if y.published], today)


def _current(published: list[int], today: date) -> int:
    found = pick_current(published, today)
    return found if found is not None else today.year


async def years(session: AsyncSession) -> list[YearInfo]:
    """Every year that has a row, cohorts or exam rounds, oldest first."""
    known = {r.year: (r.published, r.published_at) for r in (await session.execute(
        select(PlanYear.year, PlanYear.published, PlanYear.published_at))).all()}
    counted = (await session.execute(  # cohorts and exam rounds per year in one round trip
        select(Cohort.year, literal(True), func.count()).group_by(Cohort.year)
        .union_all(select(ExamRound.year, literal(False), func.count()).group_by(ExamRound.year)))).all()
    cohorts = {y: n for y, is_cohort, n in counted if is_cohort}
    rounds = {y: n for y, is_cohort, n in counted if not is_cohort}
    return [YearInfo(y, bool(known.get(y, (False,))[0]), known.get(y, (False, None))[1], cohorts.get(y, 0),
                     rounds.get(y, 0)) for y in sorted(set(known) | set(cohorts) | set(rounds))]


async def ensure_year(session: AsyncSession, year: int, now: datetime, *, published: bool = False) -> PlanYear:
    """The year's row, created as a draft (or published, for the seeded plan) when missing."""
    row = await session.get(PlanYear, year)
    if row is None:
        row = PlanYear(year=year, published=published, published_at=now if published else None, created_at=now)
        session.add(row)
        await session.flush()
    return row


async def years_with_data(session: AsyncSession) -> set[int]:
    q = union(select(Cohort.year), select(ExamRound.year))
    return set((await session.execute(q)).scalars())


@dataclass(frozen=True)
class CohortRow:
    """One cohort of a plan year as staff see it (drafts included), for `hrdbot cohorts` and the plan export."""

    course_id: str
    title: str
    year: int
    number: int
    start_on: date
    end_on: date
    precision: str
    capacity: int | None
    capacity_estimated: bool
    track: str | None
    track_en: str | None
    status: str
    apply_until: date | None
    published: bool


async def cohort_rows(session: AsyncSession, year: int) -> list[CohortRow]:
    from db.models import Course

    published = await is_published(session, year)
    rows = (await session.execute(
        select(Cohort, Course.title).join(Course, Course.id == Cohort.course_id)
        .where(Cohort.year == year).order_by(Cohort.course_id, Cohort.number))).all()
    return [CohortRow(c.course_id, title, c.year, c.number, c.start_on, c.end_on, c.precision, c.capacity,
                      c.capacity_estimated, c.track, c.track_en, c.status, c.apply_until, published)
            for c, title in rows]
