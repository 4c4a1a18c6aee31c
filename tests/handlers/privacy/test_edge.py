"""At the edge: text and buttons with control characters are refused politely before any feature sees them, and
nothing personal is stored before a notice (the Telegram name is never stored; the interview-slot prompt says what
is kept and for how long)."""
from __future__ import annotations

from sqlalchemy import func, select

from catalog.retention import Periods
from db.models import AuditEntry, Enrollment, ExamEvent, User
from tests.support.chat import press_forged, texts

STAFF = 9001


async def test_text_with_control_characters_is_refused_politely(bot):
    for text in ("엑셀\x00", "\x1b[31m빨강", "\x07"):
        sent = await bot.say(text)
        assert "제어 문자" in texts(sent), text
    sent = await bot.say("엑셀\t실무")  # a tab is fine
    assert "제어 문자" not in texts(sent)


async def test_buttons_with_control_characters_are_stale_for_everyone(db, clock):
    from tests.support.harness import make_console

    console, runtime = await make_console(db, clock, admin_ids={STAFF}, user_id=STAFF)
    try:
        await console.say("/start")
        for data in ("sta:\x00", "stb:\x00", "enc:1\x00", "fgt:yes\x00", "bcx:\x01"):
            sent = await press_forged(console, data)
            assert "더 이상 유효하지 않은 버튼" in texts(sent), data
    finally:
        await runtime.app.shutdown()
        await runtime.close()
    async with db.sessionmaker() as s:
        assert (await s.execute(select(func.count()).select_from(Enrollment))).scalar_one() == 0
        assert (await s.execute(select(func.count()).select_from(AuditEntry))).scalar_one() == 0


async def test_the_telegram_name_is_never_stored(bot, db):
    await bot.say("/start")
    async with db.sessionmaker() as s:
        user = (await s.execute(select(User))).scalars().one()
    assert (user.first_name, user.username) == ("", None)


async def test_the_interview_slot_prompt_says_what_is_kept(bot, db):
    async with db.sessionmaker() as s:
        round_id = (await s.execute(select(ExamEvent.round_id).where(ExamEvent.kind == "interview")
                                    .order_by(ExamEvent.start_on).limit(1))).scalar_one()
    await bot.say("/start")
    sent = await press_forged(bot, f"exi:{round_id}")  # the round card's "my interview time" button
    assert "면접 시간과 장소는 알림을 보내는 데에만 쓰고 면접 30일 뒤에 삭제합니다" in texts(sent)  # the default period


async def test_the_interview_slot_prompt_promises_the_configured_retention(bot, db):
    bot.runtime.services.extras["retention"] = Periods(slot_days=9)  # HRDBOT_RETAIN_SLOT_DAYS=9
    async with db.sessionmaker() as s:
        round_id = (await s.execute(select(ExamEvent.round_id).where(ExamEvent.kind == "interview")
                                    .order_by(ExamEvent.start_on).limit(1))).scalar_one()
    await bot.say("/start")
    sent = await press_forged(bot, f"exi:{round_id}")
    assert "면접 9일 뒤에 삭제합니다" in texts(sent)
