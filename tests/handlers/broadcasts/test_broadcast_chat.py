"""Conversation transcripts: staff broadcast to a segment and get the report; non-staff are refused at every step."""
from __future__ import annotations

from sqlalchemy import func, select

from db.models import Broadcast, OutboxMessage, User
from db.session import session_scope
from tests.handlers.broadcasts.conftest import STAFF, forge, press, to


async def test_staff_broadcasts_to_subscribers_sees_the_preview_and_gets_the_report(staff_bot, db, people):
    await people(db, range(100, 105), topics=("it",))
    await people(db, [106], topics=("it",), language="en")
    await people(db, [107], topics=("leadership",))
    bot = staff_bot

    sent = await bot.say("/broadcast")
    assert "보낼 공지를 입력하세요" in sent[0].text
    sent = await bot.say("3월 엑셀 교육 <신청> 안내 & 마감 임박")
    sent = await press(bot, sent, "붙이지 않음")
    assert "누구에게 보낼까요" in sent[-1].text
    sent = await press(bot, sent, "과정 소식 구독자")
    sent = await press(bot, sent, "IT·디지털")
    assert "IT·디지털 소식 구독자: 6명" in sent[0].text
    preview = sent[1]
    assert preview.text == ("<b>📢 서울시 인재개발원 안내</b>\n\n3월 엑셀 교육 &lt;신청&gt; 안내 &amp; 마감 임박")
    assert "6명에게 보낼까요?" in sent[2].text

    sent = await press(bot, sent, "지금 보내기")
    assert "공지 #1" in sent[0].text and "6명" in sent[0].text
    got = {s.chat_id: s.text for s in sent if s.chat_id != STAFF}
    assert set(got) == {100, 101, 102, 103, 104, 106}  # not the leadership subscriber
    assert got[100] == preview.text  # exactly what the preview showed
    assert got[106].startswith("<b>📢 Notice from the Seoul HRD Center</b>")  # in the recipient's language

    sent = await bot.say(":tick")
    report = to(sent, STAFF)
    assert len(report) == 1 and "공지 #1 발송이 끝났습니다" in report[0].text
    assert "발송 6 · 실패 0 · 수신 불가 0 · 대기 0" in report[0].text
    sent = await bot.say("/broadcasts")
    assert "#1 · 완료" in sent[0].text and "공지 #1 취소" not in sent[0].button_texts


async def test_attach_a_course_and_schedule_it_for_tomorrow_morning(staff_bot, db, people, clock):
    await people(db, range(200, 203))
    bot = staff_bot
    sent = await bot.say("/broadcast")
    sent = await bot.say("엑셀 과정 2회 모집을 시작합니다.")
    sent = await press(bot, sent, "과정 붙이기")
    sent = await bot.say("엑셀")
    sent = await press(bot, sent, "업무에 바로 쓰는 엑셀")
    sent = await press(bot, sent, "2회")
    sent = await press(bot, sent, "전체")
    assert "📘 업무에 바로 쓰는 엑셀 — 2회" in sent[1].button_texts
    sent = await press(bot, sent, "예약")
    sent = await bot.say("오늘 10시")  # 09:00 now
    assert "2022년 1월 3일 (월)" in sent[0].text and "예약했습니다" in sent[0].text
    assert to(sent, 200) == []
    sent = await bot.say(":advance 30m")
    assert to(sent, 200) == []
    sent = await bot.say(":advance 30m")
    for uid in (200, 201, 202):
        (msg,) = to(sent, uid)
        assert "엑셀 과정 2회 모집" in msg.text and "crs:it-excel" in msg.callback_data


async def test_a_typed_time_that_cannot_be_read_is_asked_again(staff_bot, db, people):
    await people(db, [300])
    bot = staff_bot
    await bot.say("/broadcast")
    sent = await bot.say("공지")
    sent = await press(bot, sent, "붙이지 않음")
    sent = await press(bot, sent, "전체")
    sent = await press(bot, sent, "예약")
    sent = await bot.say("다음주쯤")
    assert "알아듣지 못했습니다" in sent[0].text
    sent = await bot.say("2021-12-31 09:00")  # in the past: said so, not "could not read"
    assert "2021년 12월 31일 (금) 오전 9:00은 이미 지났습니다" in sent[0].text
    async with db.sessionmaker() as s:
        assert (await s.execute(select(func.count()).select_from(Broadcast))).scalar() == 0


async def test_cancel_a_scheduled_broadcast_from_the_progress_list(staff_bot, db, people):
    await people(db, range(400, 405))
    bot = staff_bot
    await bot.say("/broadcast")
    sent = await bot.say("내일 공지")
    sent = await press(bot, sent, "붙이지 않음")
    sent = await press(bot, sent, "전체")
    sent = await press(bot, sent, "예약")
    await bot.say("내일 9시")
    sent = await bot.say("/broadcasts")
    assert "#1 · 예약됨" in sent[0].text
    sent = await press(bot, sent, "공지 #1 취소")
    sent = await press(bot, sent, "네, #1 취소")
    assert "취소했습니다" in sent[-1].text
    sent = await bot.say(":advance 1d")
    assert [s for s in sent if s.chat_id in range(400, 405)] == []
    async with db.sessionmaker() as s:
        assert (await s.get(Broadcast, 1)).status == "cancelled"


async def test_cancel_mid_broadcast_stops_the_rest(staff_bot, db, people, clock):
    await people(db, range(500, 540))
    bot = staff_bot
    await bot.say("/broadcast")
    sent = await bot.say("긴 공지")
    sent = await press(bot, sent, "붙이지 않음")
    sent = await press(bot, sent, "전체")
    # Staff press "send now" while the dispatcher is busy elsewhere: sending happens in batches later.
    bot.runtime.dispatcher.batch = 10
    drain = bot.runtime.dispatcher.drain
    bot.runtime.dispatcher.drain = lambda max_batches=1: drain(max_batches=1)  # one batch per tick
    sent = await press(bot, sent, "지금 보내기")
    assert len([s for s in sent if s.chat_id != STAFF]) == 10
    sent = await bot.say("/broadcasts")
    sent = await press(bot, sent, "공지 #1 취소")
    async with db.sessionmaker() as s:
        before = (await s.execute(select(func.count()).select_from(OutboxMessage)
                                  .where(OutboxMessage.broadcast_id == 1, OutboxMessage.status == "sent"))).scalar()
    sent = await press(bot, sent, "네, #1 취소")
    assert "취소했습니다" in sent[0].text
    bot.runtime.dispatcher.drain = drain
    sent += await bot.say(":tick")
    assert [s for s in sent if s.chat_id != STAFF] == []  # nothing more went out
    report = [s for s in sent if s.chat_id == STAFF and "취소되었습니다" in s.text]
    assert len(report) == 1 and f"발송 {before}" in report[0].text
    async with db.sessionmaker() as s:
        delivered = (await s.execute(select(func.count()).select_from(OutboxMessage)
                                     .where(OutboxMessage.broadcast_id == 1, OutboxMessage.status == "sent"))).scalar()
        cancelled = (await s.execute(select(func.count()).select_from(OutboxMessage)
                                     .where(OutboxMessage.broadcast_id == 1,
                                            OutboxMessage.status == "cancelled"))).scalar()
    assert delivered == before and delivered + cancelled == 41 and cancelled > 0


async def test_non_staff_are_refused_at_every_step_and_nothing_changes(bot, db, people, tmp_path):
    await people(db, [STAFF], role="staff")
    refusal = "인재개발원 담당자만"
    sent = await bot.say("/broadcast")
    assert refusal in sent[0].text
    sent = await bot.say("/broadcasts")
    assert refusal in sent[0].text
    for data in ("bc.now", "bc.aud:all", "bc.topic:it", "bc.stop", "bcl", "bcx:1", "bcy:1", "bci:1"):
        sent = await forge(bot, data)
        assert sent and sent[0].method == "answerCallbackQuery" and refusal in sent[0].text, data
    # Even with a broadcast flow forged into its state, typed text is refused.
    async with session_scope(db.sessionmaker) as s:
        user = await s.get(User, 1001)
        user.flow, user.flow_step, user.flow_data = "broadcast", "confirm", {
            "text": "hack", "audience": {"kind": "everyone"}}
    sent = await bot.say("오늘 10시")
    assert refusal in sent[0].text
    sent = await forge(bot, "bc.now")
    assert refusal in sent[0].text
    path = tmp_path / "courses.csv"
    path.write_text("id,title,category,topic,delivery\nhack,Hack,x,it,online\n")
    sent = await bot.say(f":file {path}")
    assert refusal in sent[0].text
    async with db.sessionmaker() as s:
        assert (await s.execute(select(func.count()).select_from(Broadcast))).scalar() == 0
        assert (await s.execute(select(func.count()).select_from(OutboxMessage))).scalar() == 0
        from db.models import Course
        assert await s.get(Course, "hack") is None


async def test_staff_demoted_mid_flow_cannot_finish(staff_bot, db, people):
    await people(db, [600])
    bot = staff_bot
    await bot.say("/broadcast")
    sent = await bot.say("공지")
    sent = await press(bot, sent, "붙이지 않음")
    sent = await press(bot, sent, "전체")
    async with session_scope(db.sessionmaker) as s:
        (await s.get(User, STAFF)).role = "user"
    sent = await press(bot, sent, "지금 보내기")
    assert sent[0].method == "answerCallbackQuery" and "담당자만" in sent[0].text
    async with db.sessionmaker() as s:
        assert (await s.execute(select(func.count()).select_from(Broadcast))).scalar() == 0


async def test_stale_wizard_buttons_do_nothing(staff_bot, db):
    sent = await forge(staff_bot, "bc.now")
    assert sent[0].method == "answerCallbackQuery" and "더 이상 유효하지 않" in sent[0].text
    sent = await forge(staff_bot, "bcx:999")
    assert "더 이상 유효하지 않" in sent[0].text
