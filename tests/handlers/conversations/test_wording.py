"""The wording defects a new user ran into, each with its test (particles, plurals, labels, refusals, states)."""
from __future__ import annotations

import pytest

from handlers.turn import button_label
from locales import translator
from locales.korean import attach_particles
from tests.handlers.enrollment.factory import add_course, add_people
from tests.support.chat import press, texts


@pytest.mark.parametrize("text,expected", [
    ("1회은(는) 이미 시작되어", "1회는 이미 시작되어"),      # 회: no final consonant
    ("엑셀은(는)", "엑셀은"), ("3회은(는)", "3회는"), ("1일은(는)", "1일은"),
    ("“3”은(는) 정수가 아닙니다", "“3”은 정수가 아닙니다"),   # 삼: ㅁ, behind a closing quote
    ("“2”은(는)", "“2”는"), ("과정이(가)", "과정이"), ("리더십이(가)", "리더십이"), ("교육이(가)", "교육이"),
    ("엑셀을(를)", "엑셀을"), ("공지 #1을(를)", "공지 #1을"), ("공지 #2을(를)", "공지 #2를"),
    ("프로필(으)로 돌아가기", "프로필로 돌아가기"), ("면접 시간 입력(으)로", "면접 시간 입력으로"), ("신청 반려(으)로", "신청 반려로"),
    ("(으)로 시작", "(으)로 시작"), ("no pair here", "no pair here"),
])
def test_korean_particles_follow_the_final_consonant(text, expected):
    assert attach_particles(text) == expected


def test_every_korean_message_goes_through_the_particle_helper():
    ko = translator("ko")
    text = ko("{name} has already started, so it cannot be cancelled here. Please contact the HRD Center.",
              name="엑셀 1회")
    assert text.startswith("엑셀 1회는 이미 시작되어")


@pytest.mark.parametrize("n,expected", [(1, "1 cohort still open"), (2, "2 cohorts still open")])
def test_english_plurals_use_ngettext(n, expected):
    assert translator("en").ngettext("{n} cohort still open", "{n} cohorts still open", n) == expected
    assert translator("ko").ngettext("{n} cohort still open", "{n} cohorts still open", n) == f"신청 가능한 회차 {n}개"


def test_long_button_labels_are_cut_between_words():
    label = button_label("12. Preparing for a second career: returning to farming and rural life, re-employment")
    assert label.endswith("…") and len(label) <= 60
    assert label[:-1] == "12. Preparing for a second career: returning to farming and"
    assert button_label("짧은 제목") == "짧은 제목"


async def test_the_course_for_foreign_officials_takes_no_requests_from_employees(bot):
    await bot.say("외국 공무원 국제연수")
    card = (await bot.say("1"))[-1]
    assert "시 직원은 신청할 수 없습니다" in card.text
    assert not any(d.startswith("enr:") for d in card.callback_data)


async def test_a_course_that_needs_approval_does_not_say_confirmed_and_a_full_cohort_says_waitlist(bot, db):
    [cohort] = await add_course(db, course_id="appr-test", approval="staff")
    [full] = await add_course(db, course_id="full-test", title="만석 테스트과정", capacity=0)
    await add_people(db, [bot.user["id"]])
    sent = await bot.feed(bot.callback_update(bot.user["id"], 1, f"enr:{cohort}"))
    assert "📨 신청하기 (담당자 승인)" in [b for s in sent for b in s.button_texts]
    assert "✅ 신청 확정" not in [b for s in sent for b in s.button_texts]
    card = (await bot.feed(bot.callback_update(bot.user["id"], 1, "crs:full-test")))[-1]
    assert card.button_texts == ["1회 대기 신청"]


async def test_an_estimated_capacity_reads_naturally(bot):
    await bot.say("신임자 심화")
    card = (await bot.say("1"))[-1]
    assert "정원 약 350명(추정) 중 350석 남음" in card.text and "잔여 350석 / 약 350명" not in card.text


async def _compose_for_tomorrow_nine(bot) -> None:
    """A staff member composes a notice to everyone and asks for tomorrow 9:00 (the confirm screen is next)."""
    await bot.say("/broadcast")
    await bot.say("3월 교육 안내")
    await press(bot, "bc.att:0")
    await press(bot, "bc.aud:all")
    await press(bot, "bc.later")
    await bot.say("내일 9시")


async def test_cancelling_a_scheduled_broadcast_says_nothing_was_sent_and_is_not_listed_as_done(db, clock):
    import io

    from tests.support.harness import make_console

    await add_people(db, [9001], role="staff")
    await add_people(db, [300])
    bot, runtime = await make_console(db, clock, out=io.StringIO(), user_id=9001)
    try:
        await _compose_for_tomorrow_nine(bot)
        await press(bot, "bcx")
        sent = await press(bot, "bcy")
        assert "발송 전에 취소했습니다" in texts(sent) and "0건" not in texts(sent)
        listing = texts(await bot.say("/broadcasts"))
        assert "취소됨" in listing and "완료" not in listing
    finally:
        await runtime.app.shutdown()
        await runtime.close()


async def test_the_reject_reason_screen_names_the_applicant(db, clock):
    import io

    from catalog import enrollment as svc
    from db.session import session_scope
    from tests.handlers.enrollment.factory import NOW
    from tests.support.harness import make_console

    [cohort] = await add_course(db, course_id="rej-test", approval="staff")
    await add_people(db, [1002])
    await add_people(db, [9001], role="staff")
    async with session_scope(db.sessionmaker) as s:
        request = (await svc.request_seat(s, user_id=1002, cohort_id=cohort, now=NOW)).enrollment.id
    bot, runtime = await make_console(db, clock, out=io.StringIO(), user_id=9001)
    try:
        sent = await bot.feed(bot.callback_update(9001, 1, f"str:{request}"))
        assert "직원1002 님의 엑셀 실무 테스트과정" in texts(sent)
        sent = await press(bot, "stw")
        assert "직원1002 님의" in texts(sent)
    finally:
        await runtime.app.shutdown()
        await runtime.close()


async def test_a_broadcast_due_long_ago_is_not_sent_late_and_its_author_is_told(db, clock):
    import io

    from tests.support.harness import make_console

    await add_people(db, [9001], role="staff")
    await add_people(db, [300])
    bot, runtime = await make_console(db, clock, out=io.StringIO(), user_id=9001)
    try:
        await _compose_for_tomorrow_nine(bot)
        runtime.services.clock.advance(__import__("datetime").timedelta(days=11))  # the bot was not running
        sent = await bot.say(":tick")
        assert [s.chat_id for s in sent] == [9001]
        assert "공지 #1" in sent[0].text and "보내지 않았습니다" in sent[0].text
        assert "취소됨" in texts(await bot.say("/broadcasts"))
    finally:
        await runtime.app.shutdown()
        await runtime.close()
