"""Transcripts for the plan-year lifecycle buttons: 🔁 move from /my (a free seat, or waiting for one while keeping
the old seat), the staff's hourly digest (opt in, open the queue from it, opt out) and the one-press news opt-out."""
from __future__ import annotations

from sqlalchemy import select

from db.models import Enrollment
from db.session import session_scope
from notifications.news import announce, subscribe
from tests.handlers.enrollment.factory import NOW, add_course, add_people
from tests.support.chat import press, texts

ME, OTHER, STAFF = 1001, 1002, 9001
MARCH, APRIL = ("2022-03-07", "2022-03-11"), ("2022-04-04", "2022-04-08")


async def _seats(db) -> set[tuple[int, int, str]]:
    async with db.sessionmaker() as s:
        return set((await s.execute(select(Enrollment.user_id, Enrollment.cohort_id, Enrollment.status))).all())


async def _take(bot, user: int, cohort_id: int) -> None:
    await bot.say(f":user {user}")
    await bot.feed(bot.callback_update(user, 1, f"enr:{cohort_id}"))
    await press(bot, "enc")


async def test_move_from_my_to_a_cohort_with_a_free_seat(bot, db):
    march, april = await add_course(db, capacity=1, cohorts=[MARCH, APRIL])
    await add_people(db, [ME])
    await _take(bot, ME, march)

    mine = await bot.say("/my")
    assert "🔁 1. 회차 변경" in mine[-1].button_texts
    choices = await press(bot, "mvl")
    assert "엑셀 실무 테스트과정 1회를 어느 회차로 옮길까요?" in texts(choices)
    assert choices[-1].button_texts == ["2회: 2022년 4월 4일 (월) – 2022년 4월 8일 (금)", "📋 내 신청 내역"]
    done = await press(bot, "mvt")
    assert texts(done) == "🔁 완료: 이제 엑셀 실무 테스트과정 2회에 등록되었습니다. 1회 자리는 반환되었습니다."
    assert [s for s in done if s.method == "sendMessage"] == []  # told once, in place: no second notice
    assert await _seats(db) == {(ME, march, "cancelled"), (ME, april, "confirmed")}
    mine = texts(await bot.say("/my"))
    assert "엑셀 실무 테스트과정 2회" in mine and "✅ 확정" in mine and "취소됨" in mine


async def test_move_to_a_full_cohort_waits_there_and_keeps_the_seat_until_one_frees_up(bot, db):
    march, april = await add_course(db, capacity=1, cohorts=[MARCH, APRIL])
    await add_people(db, [ME, OTHER])
    await _take(bot, OTHER, april)
    await _take(bot, ME, march)

    await bot.say("/my")
    await press(bot, "mvl")
    full = await press(bot, "mvt")
    assert "정원이 찼습니다" in texts(full) and "mvw" in full[-1].callback_data[0]
    waiting = await press(bot, "mvw")
    assert "그 회차의 대기 1번입니다" in texts(waiting) and "1회 자리는 유지" in texts(waiting)
    assert await _seats(db) == {(OTHER, april, "confirmed"), (ME, march, "confirmed"), (ME, april, "waitlisted")}

    await bot.say(f":user {OTHER}")  # the April seat frees up: ME moves, and March's seat is released
    await bot.say("/my")
    await press(bot, "enx")
    told = [*await press(bot, "eny"), *await bot.say(":tick")]
    (notice,) = [s for s in told if s.chat_id == ME]
    assert "엑셀 실무 테스트과정 2회" in notice.text and "옮겨" in notice.text
    assert await _seats(db) == {(OTHER, april, "cancelled"), (ME, march, "cancelled"), (ME, april, "confirmed")}


async def test_staff_digest_opt_in_open_the_queue_from_it_and_opt_out(bot, db):
    (cohort,) = await add_course(db, approval="staff")
    await add_people(db, [ME, OTHER])
    await add_people(db, [STAFF], role="staff")
    await bot.say(f":user {STAFF}")
    pending = await bot.say("/pending")
    assert pending[-1].button_texts == ["🔔 새 신청 요약 받기 (한 시간에 한 번)"]
    on = await press(bot, "pdg:on")
    assert any("한 시간에 한 번" in s.text for s in on if s.method == "answerCallbackQuery")
    assert on[-1].button_texts == ["🔕 새 신청 요약 그만 받기"]

    await bot.say(":advance 5m")
    await _take(bot, ME, cohort)
    await bot.say(":advance 30m")
    assert [s for s in await bot.say(":tick") if s.chat_id == STAFF] == []  # at most once an hour
    digest = [s for s in await bot.say(":advance 30m") if s.chat_id == STAFF]
    assert [s.text for s in digest] == ["📥 승인을 기다리는 새 신청: 1건\n• 엑셀 실무 테스트과정: 1건"]
    assert digest[0].button_texts == ["📥 승인 대기 목록 열기", "🔕 요약 그만 받기"]

    await bot.say(f":user {STAFF}")
    await bot.say(":tick")
    queue = await bot.feed(bot.callback_update(STAFF, digest[0].message_id, "stq"))
    assert "엑셀 실무 테스트과정: 1건 대기" in texts(queue)
    off = await bot.feed(bot.callback_update(STAFF, digest[0].message_id, "pdg:off"))
    assert any("더 보내지 않습니다" in s.text for s in off if s.method == "answerCallbackQuery")

    await _take(bot, OTHER, cohort)  # another request: no digest any more
    assert [s for s in await bot.say(":advance 2h") if s.chat_id == STAFF] == []


async def test_news_opt_out_from_the_notice_then_a_second_press_and_the_subscribe_menu(bot, db):
    await add_course(db)
    await add_people(db, [ME])
    async with session_scope(db.sessionmaker) as s:
        await subscribe(s, ME, "it", NOW)
        await announce(s, "enr-test", NOW, new_course=True)
    (news,) = [s for s in await bot.say(":tick") if s.chat_id == ME]
    assert "IT·디지털 분야 새 과정: 엑셀 실무 테스트과정" in news.text
    assert news.button_texts == ["📘 과정 보기", "🔕 IT·디지털 소식 그만 받기"]

    off = await bot.feed(bot.callback_update(ME, news.message_id, "nwo:it"))
    assert any("IT·디지털 소식을 보내지 않습니다" in s.text for s in off if s.method == "answerCallbackQuery")
    assert "/subscribe" in texts([s for s in off if s.method == "sendMessage"])
    again = await bot.feed(bot.callback_update(ME, news.message_id, "nwo:it"))
    assert [s.method for s in again] == ["answerCallbackQuery"] and "구독" in again[0].text
    menu = await bot.say("/subscribe")
    assert "▫️ IT·디지털" in menu[-1].button_texts
