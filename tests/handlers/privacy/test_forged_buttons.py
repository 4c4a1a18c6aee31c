"""Forged buttons found when trying the bot as an attacker: none files a request or reaches the database with
bytes it cannot store."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from catalog.profiles import save_profile

from db.models import Cohort, Course, Enrollment
from db.session import session_scope
from tests.handlers.enrollment.factory import NOW
from tests.support.chat import press_forged, texts


async def test_a_forged_confirm_on_a_retirement_cohort_starts_the_guided_sign_up_and_files_nothing(bot, db):
    async with db.sessionmaker() as s:
        cohort_id = (await s.execute(select(Cohort.id).join(Course, Course.id == Cohort.course_id)
                                     .where(Course.topic == "retirement").order_by(Cohort.id).limit(1))).scalar_one()
    await bot.say("/start")
    async with session_scope(db.sessionmaker) as s:  # someone who could ask for the seat: profile, retiring soon
        await save_profile(s, 1001, now=NOW, consent_at=NOW, full_name="김서울", department="총무과", rank="5급",
                           hired_on=date(1995, 3, 2), retirement_on=date(2024, 6, 30))
    sent = await press_forged(bot, f"enc:{cohort_id}")
    async with db.sessionmaker() as s:
        assert (await s.execute(select(func.count()).select_from(Enrollment))).scalar_one() == 0
    assert "퇴직" in texts(sent) and "동의" not in texts(sent)  # the sign-up's first question, not a filed request
