"""A course of the current plan year and a crowd of employees ready to apply (consent and profile given),
for the multi-process tests and the webhook benchmark. Dates follow `now` (the processes' clock, never today's
date): cohorts start a month later, each in the plan year it starts in."""
from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from sqlalchemy import func, select

from catalog.courses import SEAT_HOLDING
from db.models import Cohort, Course, Enrollment, PlanYear, Profile, User
from db.session import session_scope

COURSE = "ops-cloud"
TITLE = "클라우드 운영 실무"


async def open_course(sessionmaker, *, capacity: int, cohorts: int = 2, now: datetime, first: int = 1) -> list[int]:
    """The course (auto-approved, open to everyone) with `cohorts` cohorts of `capacity` seats, numbered from
    `first`; their ids."""
    start = now.date() + timedelta(days=30)
    async with session_scope(sessionmaker) as s:
        if await s.get(Course, COURSE) is None:
            s.add(Course(id=COURSE, title=TITLE, title_en="Cloud operations in practice", category="일반교육/직무역량/IT",
                         topic="it", delivery="face_to_face", eligibility={}, approval="auto", keywords=["클라우드"],
                         keywords_en=["cloud"], aliases=[], active=True, created_at=now, updated_at=now))
            await s.flush()
        made = []
        for n in range(cohorts):
            start_on = start + timedelta(days=7 * n)
            # The plan year the cohort falls in, published (a draft year's cohorts are invisible to employees).
            if await s.get(PlanYear, start_on.year) is None:
                s.add(PlanYear(year=start_on.year, published=True, published_at=now, created_at=now))
                await s.flush()
            cohort = Cohort(course_id=COURSE, year=start_on.year, number=first + n, start_on=start_on,
                            end_on=start_on + timedelta(days=2), precision="day", capacity=capacity,
                            capacity_estimated=False, status="open", created_at=now)
            s.add(cohort)
            made.append(cohort)
        await s.flush()
        return [c.id for c in made]


async def add_employees(sessionmaker, ids, *, now: datetime) -> None:
    async with session_scope(sessionmaker) as s:
        await add_employee_rows(s, ids, now=now)


async def add_employee_rows(s, ids, *, now: datetime) -> None:
    """Users who chose Korean, gave consent and filled in a profile (7급, 행정국), in the session `s`."""
    for uid in ids:
        s.add(User(id=uid, chat_id=uid, first_name=f"U{uid}", language="ko", language_chosen=True, role="user",
                   created_at=now))
    await s.flush()
    for uid in ids:
        s.add(Profile(user_id=uid, consent_at=now, full_name=f"직원{uid}", department="행정국", rank="7급",
                      updated_at=now))
    await s.flush()


async def audit(sessionmaker, cohort_ids: list[int], capacity: int) -> dict:
    """Seats held per cohort, how far over capacity, and people holding seats in two cohorts of the course."""
    async with sessionmaker() as s:
        rows = (await s.execute(select(Enrollment.cohort_id, Enrollment.user_id, Enrollment.status)
                                .where(Enrollment.cohort_id.in_(cohort_ids)))).all()
        total = (await s.execute(select(func.count()).select_from(Enrollment)
                                 .where(Enrollment.cohort_id.in_(cohort_ids)))).scalar_one()
    held = Counter(c for c, _u, st in rows if st in SEAT_HOLDING)
    per_person = Counter(u for _c, u, st in rows if st in SEAT_HOLDING)
    return {"held": dict(held), "overbooked": sum(max(0, n - capacity) for n in held.values()),
            "in_two_cohorts": sum(1 for n in per_person.values() if n > 1), "rows": total,
            "statuses": dict(Counter(st for _c, _u, st in rows))}
