"""Staff import courses with `hrdbot import` (another process) while the bot runs: people find them a tick later."""
from __future__ import annotations

from catalog.imports import import_file
from db.access import Actor
from db.session import session_scope

CSV = ("id,title,title_en,category,topic,delivery\n"
       "it-chatgpt,생성형 AI 업무 활용,Generative AI at work,일반교육/직무역량/IT,it,online\n").encode()


async def test_a_course_imported_by_another_process_is_found_after_the_next_tick(bot, db, clock):
    assert "생성형 AI 업무 활용" not in " ".join((await bot.say("생성형 AI"))[-1].button_texts)
    clock.advance(hours=1)
    async with session_scope(db.sessionmaker) as session:  # what `hrdbot import courses FILE` does
        result = await import_file(session, "courses.csv", CSV, clock.now(), actor=Actor.operator("test"), kind="courses")
    assert result.applied
    await bot.say(":tick")
    sent = await bot.say("생성형 AI")
    assert "1. 생성형 AI 업무 활용" in sent[-1].button_texts


async def test_new_dates_for_a_cohort_imported_by_another_process_show_on_the_card_after_the_next_tick(bot, db, clock):
    await bot.say("업무에 바로 쓰는 엑셀")
    assert "1회: 2022년 3월 (세부 일정 미정)" in (await bot.say("1"))[-1].text  # the card as it was
    cohorts = "course_id,no,start,end,precision\nit-excel,1,2022-03-14,2022-03-16,day\n".encode()
    clock.advance(hours=1)
    async with session_scope(db.sessionmaker) as session:
        assert (await import_file(session, "cohorts.csv", cohorts, clock.now(), actor=Actor.operator("test"),
                                   kind="cohorts")).applied
    await bot.say(":tick")
    await bot.say("업무에 바로 쓰는 엑셀")
    card = (await bot.say("1"))[-1]
    assert "1회: 2022년 3월 14일 (월) – 2022년 3월 16일 (수)" in card.text
