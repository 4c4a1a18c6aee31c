"""/help, /lang and labels as people see them."""
from __future__ import annotations

STAFF = 9001


async def test_staff_commands_are_listed_for_staff_only(db, clock):
    from tests.support.harness import make_console

    console, runtime = await make_console(db, clock, admin_ids={STAFF})
    try:
        employee = (await console.say("/help"))[0].text
        assert "/my" in employee and "/exams" in employee
        assert "/pending" not in employee and "/broadcast" not in employee
        await console.say(f":user {STAFF} Staff")
        staff = (await console.say("/help"))[0].text
        assert "담당자 전용 명령:" in staff
        assert staff.index("/broadcast") > staff.index("담당자 전용 명령:") and "/pending" in staff
    finally:
        await runtime.app.shutdown()
        await runtime.close()


async def test_switching_language_mid_conversation_keeps_the_conversation(bot):
    await bot.say("/profile")  # the consent question: a conversation in progress
    await bot.say("/lang")
    sent = await bot.say("2")  # English
    assert sent[-1].text.startswith("You can go on where you were")
    sent = await bot.say("/cancel")
    assert "Stopped" in sent[-1].text


def test_english_readers_see_the_category_path_in_english():
    from handlers.labels import category_path
    from locales import translator

    assert category_path("일반교육/직무역량/IT", translator("en")) == "Classroom & live training › Job skills › IT"
    assert category_path("일반교육/직무역량/IT", translator("ko")) == "일반교육 › 직무역량 › IT"


async def test_a_cohort_that_has_begun_offers_no_apply_button(bot, clock):
    # 6급 미래인재 1기 runs 2022-01-17 – 07-16; on 2022-03-02 only 2기 can still be requested.
    clock.set("2022-03-02T09:00")
    await bot.say("6급 미래인재")
    card = (await bot.say("1"))[-1]
    assert "진행 중이거나 끝나 신청할 수 없음" in card.text
    assert card.button_texts == ["2회 신청"]


async def test_a_bare_number_is_not_searched(bot):
    sent = await bot.say("3")
    assert sent[-1].buttons == [] and "엑셀" in sent[-1].text
