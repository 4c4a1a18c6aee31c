"""When next year's plan is published, a course card (and the move list) shows two plan years' cohorts: each
"#1" then says its year; with one year on the screen the year is left out."""
from __future__ import annotations

from datetime import date

from db.models import Cohort, PlanYear
from db.session import session_scope
from tests.handlers.enrollment.factory import NOW, add_course, add_people
from tests.support.chat import press, texts

ME = 1001


async def _next_year_cohort(db, *, published: bool) -> int:
    async with session_scope(db.sessionmaker) as s:
        s.add(PlanYear(year=2023, published=published, published_at=NOW if published else None, created_at=NOW))
        cohort = Cohort(course_id="enr-test", year=2023, number=1, start_on=date(2023, 1, 9),
                        end_on=date(2023, 1, 13), precision="day", capacity=20, status="open", created_at=NOW)
        s.add(cohort)
        await s.flush()
        return cohort.id


async def test_card_of_one_plan_year_says_just_the_number(bot, db):
    await add_course(db)
    await _next_year_cohort(db, published=False)  # a draft year is nobody's card yet
    card = await bot.feed(bot.callback_update(ME, 1, "crs:enr-test"))
    assert "1회: 2022년 3월 7일" in texts(card) and "2022년 1회" not in texts(card)
    assert card[-1].button_texts == ["1회 신청"]


async def test_card_with_two_plan_years_names_the_year_of_each_cohort(bot, db):
    await add_course(db)
    await add_people(db, [ME])
    next_id = await _next_year_cohort(db, published=True)
    card = await bot.feed(bot.callback_update(ME, 1, "crs:enr-test"))
    shown = texts(card)
    assert "2022년 1회: 2022년 3월 7일" in shown and "2023년 1회: 2023년 1월 9일" in shown
    assert card[-1].button_texts == ["2022년 1회 신청", "2023년 1회 신청"]
    await bot.feed(bot.callback_update(ME, 1, "lang:en"))
    card = await bot.feed(bot.callback_update(ME, 1, "crs:enr-test"))
    assert "Apply 2023 #1" in card[-1].button_texts

    # The move list: the seat in 2022 #1, next year's #1 offered: both say their year.
    await bot.feed(bot.callback_update(ME, 1, "lang:ko"))
    await bot.feed(bot.callback_update(ME, 1, "crs:enr-test"))
    await press(bot, "enr")
    await press(bot, "enc")
    await bot.say("/my")
    moving = await press(bot, "mvl")
    assert "엑셀 실무 테스트과정 2022년 1회" in texts(moving)
    assert any(b.startswith("2023년 1회: 2023년 1월 9일") for b in moving[-1].button_texts)
    assert "mvt:" in moving[-1].callback_data[0] and moving[-1].callback_data[0].endswith(f":{next_id}")
