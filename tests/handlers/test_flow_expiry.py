"""How long an untouched conversation lives is one setting (HRDBOT_RETAIN_FLOW_HOURS): the person writing again,
the scheduler tick and the daily retention pass all read it, so none can keep half-given answers longer."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.settings import Settings
from catalog.retention import Periods, run_retention
from db.models import User
from db.session import session_scope
from tests.support.chat import press


async def _flow(db, user_id: int):
    async with db.sessionmaker() as s:
        return (await s.execute(select(User.flow, User.flow_data).where(User.id == user_id))).one()


async def _ask_interview_time(bot):
    await bot.say("/exams open-2022-2")
    await press(bot, "exi:open-2022-2")


def _use(bot, hours: int) -> None:
    bot.runtime.services.extras["retention"] = Settings.from_env({"HRDBOT_RETAIN_FLOW_HOURS": str(hours)}).retention


async def test_the_default_is_three_hours_everywhere():
    assert Settings.from_env({}).retention.flow_ttl == Periods().flow_ttl == timedelta(hours=3)


async def test_the_tick_keeps_a_flow_younger_than_the_setting_and_clears_an_older_one(bot, db, clock):
    _use(bot, 5)
    await _ask_interview_time(bot)
    clock.advance(timedelta(hours=4))  # past the default 3 h, within the setting
    await bot.say(":tick")
    assert (await _flow(db, bot.user["id"]))[0] == "exam_slot"
    clock.advance(timedelta(hours=2))
    await bot.say(":tick")
    assert await _flow(db, bot.user["id"]) == (None, None)


async def test_writing_again_after_the_setting_starts_afresh_and_within_it_answers_the_question(bot, db, clock):
    _use(bot, 5)
    await _ask_interview_time(bot)
    clock.advance(timedelta(hours=4))
    sent = await bot.say("8/24 본관")  # still the interview-time question: the answer is read as one
    assert "시간을 찾지 못했습니다" in sent[0].text
    clock.advance(timedelta(hours=5, minutes=1))
    sent = await bot.say("8/24 본관")  # the question is gone: the text is a search now
    assert "시간을 찾지 못했습니다" not in " ".join(s.text for s in sent)
    assert await _flow(db, bot.user["id"]) == (None, None)


async def test_the_retention_pass_uses_the_same_period(bot, db, clock):
    _use(bot, 5)
    await _ask_interview_time(bot)
    periods = bot.runtime.services.retention
    async with session_scope(db.sessionmaker) as s:
        assert (await run_retention(s, clock.now() + timedelta(hours=4), periods)).conversations_forgotten == 0
    async with session_scope(db.sessionmaker) as s:
        assert (await run_retention(s, clock.now() + timedelta(hours=6), periods)).conversations_forgotten == 1
