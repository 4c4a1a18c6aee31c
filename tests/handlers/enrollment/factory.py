"""Test data for enrollment: a course of our own (so tests do not depend on the seed's contents) and people with a
profile written straight to the database (so these tests do not depend on the profile screens)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from db.clock import parse_moment
from db.models import Cohort, Course, Profile, User
from db.session import session_scope

NOW = parse_moment("2022-01-03T09:00")


async def add_course(db, *, course_id: str = "enr-test", title: str = "엑셀 실무 테스트과정",
                     title_en: str = "Excel practice test course", approval: str = "auto",
                     capacity: int | None = 50, eligibility: dict | None = None, delivery: str = "face_to_face",
                     cohorts: list[tuple[str, str]] | None = None, precision: str = "day",
                     keywords: list[str] | None = None, capacity_estimated: bool = False) -> list[int]:
    """A course with cohorts (default: one, 7–11 March 2022); returns the cohort ids in order."""
    cohorts = cohorts or [("2022-03-07", "2022-03-11")]
    async with session_scope(db.sessionmaker) as s:
        s.add(Course(id=course_id, title=title, title_en=title_en, category="일반교육/직무역량/IT", topic="it",
                     delivery=delivery, duration_ko="5일", duration_en="5 days", hours=35, audience="시 직원",
                     audience_en="City employees", eligibility=eligibility or {}, approval=approval,
                     keywords=keywords or ["엑셀실무테스트"], keywords_en=["excel-test"], aliases=[],
                     description="", description_en="", source="test", active=True, created_at=NOW, updated_at=NOW))
        await s.flush()
        for i, (start, end) in enumerate(cohorts, 1):
            s.add(Cohort(course_id=course_id, number=i, start_on=date.fromisoformat(start),
                         end_on=date.fromisoformat(end), precision=precision, capacity=capacity,
                         capacity_estimated=capacity_estimated, status="open", created_at=NOW))
        await s.flush()
        return list((await s.execute(
            select(Cohort.id).where(Cohort.course_id == course_id).order_by(Cohort.number))).scalars())


async def add_people(db, ids, *, profile: bool = True, rank: str = "7급", role: str = "user",
                     language: str = "ko", now: datetime = NOW) -> None:
    async with session_scope(db.sessionmaker) as s:
        for uid in ids:
            s.add(User(id=uid, chat_id=uid, first_name=f"U{uid}", language=language, language_chosen=True,
                       role=role, created_at=now))
        await s.flush()
        if profile:
            for uid in ids:
                s.add(Profile(user_id=uid, consent_at=now, full_name=f"직원{uid}", department="행정국",
                              rank=rank, position="", employee_no=f"E{uid}", hired_on=date(2015, 3, 2),
                              retirement_on=None, updated_at=now))


