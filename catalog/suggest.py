"""Suggestions for "추천해 주세요" and "인기 과정", and the state of a course's next open cohort (search lines).

Recommended: courses with a cohort the person may ask for now (open, not begun, a seat or the waitlist, entry
conditions met by their profile when they have one), soonest first. Popular: most requested (any request that
was not cancelled), ties by title.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from catalog.courses import seats_taken
from catalog.eligibility import check
from catalog.enrollment import application_deadline, started
from catalog.plan import cohort_published
from catalog.profiles import get_profile
from db.models import Cohort, Course, Enrollment

PRECISE_FIRST = {"day": 0, "month": 1, "quarter": 2, "year": 3}  # exact dates before "2분기 (일정 미정)"
CLOSING_SHARE = 0.10  # 마감 임박: at most 10 % of the seats left …
CLOSING_DAYS = 3  # … or at most 3 days before the application deadline


@dataclass(frozen=True)
class NextCohort:
    """A course's next cohort that has not begun, and whether it takes requests: open | closing | waitlist | closed."""
    course_id: str
    cohort_id: int
    number: int
    start_on: date
    end_on: date
    precision: str
    state: str
    seats_left: int | None
    year: int = 0  # the plan year (two years' "#1" are told apart by it)


@dataclass(frozen=True)
class Suggestion:
    course_id: str
    title: str
    title_en: str
    requests: int = 0
    next: NextCohort | None = None


def cohort_state(c: Cohort, taken: int, today: date) -> str:
    deadline = application_deadline(c.start_on, c.precision, c.apply_until)
    if c.status != "open" or (deadline is not None and today > deadline):
        return "closed"
    if c.capacity is None:
        return "open"
    left = max(c.capacity - taken, 0)
    if left == 0:
        return "waitlist"
    if left <= max(1, int(c.capacity * CLOSING_SHARE)) or (
            deadline is not None and deadline - today <= timedelta(days=CLOSING_DAYS)):
        return "closing"
    return "open"


async def next_cohorts(session: AsyncSession, course_ids: list[str], today: date) -> dict[str, NextCohort]:
    """For each course, its first cohort not begun yet (dated ones before quarter-dated ones of the same start)."""
    if not course_ids:
        return {}
    rows = (await session.execute(
        select(Cohort).where(Cohort.course_id.in_(course_ids), cohort_published())
        .order_by(Cohort.start_on, Cohort.number))).scalars().all()
    upcoming = [c for c in rows if not started(c.start_on, c.end_on, c.precision, today)]
    taken = await seats_taken(session, [c.id for c in upcoming])
    out: dict[str, NextCohort] = {}
    for c in sorted(upcoming, key=lambda c: (c.status != "open", c.start_on, c.precision != "day", c.number)):
        if c.course_id in out:
            continue
        left = None if c.capacity is None else max(c.capacity - taken.get(c.id, 0), 0)
        out[c.course_id] = NextCohort(c.course_id, c.id, c.number, c.start_on, c.end_on, c.precision,
                                      cohort_state(c, taken.get(c.id, 0), today), left, c.year)
    return out


async def cohorts_between(session: AsyncSession, start: date, end: date, today: date) -> list[tuple[str, NextCohort]]:
    """Cohorts of active courses starting in [start, end], by date; quarter/month-dated ones after the dated ones."""
    rows = (await session.execute(
        select(Cohort).join(Course, Course.id == Cohort.course_id)
        .where(Course.active.is_(True), cohort_published(), Cohort.start_on <= end, Cohort.end_on >= start)
    )).scalars().all()
    # a dated cohort counts when it starts in the window; a month- or quarter-dated one when it overlaps a window of
    # a month or more (not "내일"); year-round e-learning is always open and would bury the rest
    whole_months = (end - start).days >= 27
    rows = [c for c in rows if (c.precision == "day" and c.start_on >= start)
            or (c.precision in ("month", "quarter") and whole_months)]
    taken = await seats_taken(session, [c.id for c in rows])
    out = []
    for c in sorted(rows, key=lambda c: (PRECISE_FIRST.get(c.precision, 9), c.start_on, c.course_id, c.number)):
        left = None if c.capacity is None else max(c.capacity - taken.get(c.id, 0), 0)
        state = "closed" if started(c.start_on, c.end_on, c.precision, today) else cohort_state(
            c, taken.get(c.id, 0), today)
        out.append((c.course_id, NextCohort(c.course_id, c.id, c.number, c.start_on, c.end_on, c.precision, state,
                                            left, c.year)))
    return out


async def recommend(session: AsyncSession, user_id: int, today: date, limit: int = 5) -> list[Suggestion]:
    profile = await get_profile(session, user_id)
    courses = (await session.execute(select(Course).where(Course.active.is_(True)))).scalars().all()
    by_id = {c.id: c for c in courses}
    nexts = await next_cohorts(session, list(by_id), today)
    picks = []
    for cid, n in nexts.items():
        course = by_id[cid]
        if n.state == "closed":
            continue
        refusal = check(course.eligibility, profile, n.start_on)
        if refusal is not None and refusal.code != "profile_needed":
            continue  # the profile says no; without a profile, restricted courses are still worth a look
        picks.append((n.precision != "day", n.start_on, n.state == "waitlist", course.title, course, n))
    picks.sort(key=lambda p: p[:4])
    return [Suggestion(c.id, c.title, c.title_en, next=n) for *_, c, n in picks[:limit]]


async def popular(session: AsyncSession, today: date, limit: int = 5) -> list[Suggestion]:
    rows = (await session.execute(
        select(Course.id, Course.title, Course.title_en, func.count(Enrollment.id))
        .join(Cohort, Cohort.course_id == Course.id).join(Enrollment, Enrollment.cohort_id == Cohort.id)
        .where(Course.active.is_(True), cohort_published(), Enrollment.status != "cancelled")
        .group_by(Course.id, Course.title, Course.title_en)
    )).all()
    rows = sorted(rows, key=lambda r: (-r[3], r[1]))[:limit]
    nexts = await next_cohorts(session, [r[0] for r in rows], today)
    return [Suggestion(cid, title, title_en, count, nexts.get(cid)) for cid, title, title_en, count in rows]
