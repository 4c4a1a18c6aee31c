"""Transcripts (input lines → what the person must see): intents before search, escapes out of flows with a way
back, search pages and dates, flows expired by the scheduler tick."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from catalog.center import ContactDetails
from db.models import User
from tests.support.chat import press, texts


def shown(sent) -> str:
    return texts([s for s in sent if s.method != "answerCallbackQuery"])


def datas(sent) -> list[str]:
    return [d for s in sent for d in s.callback_data]


TRANSCRIPTS = [
    # (lines typed, what the last answer contains, what it must not contain)
    (["안녕하세요"], ["안녕하세요! 찾는 교육을 입력하거나"], ["맞는 과정이 없습니다"]),
    (["감사합니다"], ["천만에요"], ["맞는 과정이 없습니다"]),
    (["연락처"], ["연락처가 아직 설정되어 있지 않아", "/about"], ["02-"]),
    (["전화번호 알려주세요"], ["연락처가 아직 설정되어 있지 않아"], []),
    (["9급 시험"], ["질문에 맞는 시험 일정", "제1회 서울시 공개·경력경쟁 임용시험"], ["리더십"]),
    (["면접 일정"], ["면접시험: 2022년 5월 9일 (월)"], ["맞는 과정이 없습니다"]),
    (["필기시험 언제예요?"], ["필기시험: 2022년 2월 26일 (토)"], []),
    (["공무원 시험"], ["질문에 맞는 시험 일정"], ["맞는 과정이 없습니다"]),
    (["추천해 주세요"], ["지금 신청할 수 있는 과정", "모집 중"], []),
    (["인기 과정"], ["아직 신청이 없어"], ["맞는 과정이 없습니다"]),
    (["다음 달"], ["2022년 2월 1일 (화) – 2022년 2월 28일 (월)에 시작하는 회차 (날짜 순)"], []),
    (["엑셀"], ["“엑셀” 검색 결과 2건", "1. 업무에 바로 쓰는 엑셀 — 3월 (일정 미정) · 모집 중"], []),
]


@pytest.mark.parametrize("lines,expected,absent", TRANSCRIPTS, ids=[" / ".join(t[0]) for t in TRANSCRIPTS])
async def test_transcript(bot, lines, expected, absent):
    for line in lines:
        sent = await bot.say(line)
    out = shown(sent)
    for text in expected:
        assert text in out
    for text in absent:
        assert text not in out


async def test_contact_card_shows_the_configured_details_only(bot):
    bot.runtime.services.contact = ContactDetails(phone="02-0000-0000", website="https://example.org",
                                                  topics=(("it", "정보화교육 담당"),))
    out = shown(await bot.say("연락처 알려주세요"))
    assert "☎ 인재개발원 연락처" in out and "• 전화: 02-0000-0000" in out and "• 누리집: https://example.org" in out
    assert "IT·디지털 문의: 정보화교육 담당" in out or "문의: 정보화교육 담당" in out
    assert "주소" not in out  # not configured: not invented


async def test_every_language_course_is_reachable_with_more(bot):
    sent = await bot.say("외국어")
    assert "“외국어” 검색 결과 12건" in shown(sent)
    first = [d for d in datas(sent) if d.startswith("crs:")]
    assert len(first) == 8 and any(d.startswith("more:") for d in datas(sent))
    sent = await press(bot, "more")
    assert "(9–12 / 12)" in shown(sent)
    rest = [d for d in datas(sent) if d.startswith("crs:")]
    assert len(rest) == 4 and not set(first) & set(rest)
    assert not any(d.startswith("more:") for d in datas(sent))


async def test_a_date_question_lists_cohorts_by_date(bot, clock):
    clock.advance(timedelta(days=42))  # 2022-02-14
    sent = await bot.say("다음 달 교육")
    out = shown(sent)
    assert "2022년 3월 1일 (화) – 2022년 3월 31일 (목)에 시작하는 회차 (날짜 순)" in out
    lines = [line for line in out.splitlines() if re.match(r"\d+\. ", line)]
    assert lines and all(" — " in line for line in lines)
    assert all("3월" in line for line in lines)  # the March-dated cohorts first …
    pages = [out]
    while any(d.startswith("win:") for d in datas(sent)):
        sent = await press(bot, "win")
        pages.append(shown(sent))
    assert len(pages) > 1 and "1분기 (일정 미정)" in pages[-1]  # … the quarter-dated ones last


async def test_a_search_in_the_middle_of_the_interview_question_is_answered_with_a_way_back(bot):
    await bot.say("/exams open-2022-2")
    await press(bot, "exi:open-2022-2")
    sent = await bot.say("엑셀 교육 찾고 있어요")
    out = shown(sent)
    assert "업무에 바로 쓰는 엑셀" in out and "날짜를 찾지 못했습니다" not in out
    assert "진행 중이던 면접 시간 입력은 그대로 남아 있습니다" in out
    sent = await press(bot, "fl.back")
    assert "면접 날짜, 시간, 장소를 한 메시지로 보내 주세요" in shown(sent)
    sent = await bot.say("8/24 14:00 서울시인재개발원 별관 2층")
    assert "저장했습니다" in shown(sent)


async def test_a_command_mid_flow_keeps_the_flow_and_offers_the_way_back(bot):
    await bot.say("/exams open-2022-2")
    await press(bot, "exi:open-2022-2")
    sent = await bot.say("/my")
    assert "아직 신청한 과정이 없습니다" in shown(sent) and "진행 중이던 면접 시간 입력은" in shown(sent)
    sent = await press(bot, "fl.stop")
    assert "취소했습니다. 저장된 내용은 없습니다." in shown(sent)
    out = shown(await bot.say("안녕하세요"))
    assert "진행 중이던" not in out


async def test_unreadable_answer_asks_again_with_the_reason(bot):
    await bot.say("/exams open-2022-2")
    await press(bot, "exi:open-2022-2")
    out = shown(await bot.say("8/24 본관"))
    assert "시간을 찾지 못했습니다" in out and "면접 날짜, 시간, 장소를 한 메시지로" in out


async def test_an_unfinished_flow_is_cleared_by_the_scheduler_tick(bot, db, clock):
    await bot.say("/exams open-2022-2")
    await press(bot, "exi:open-2022-2")
    clock.advance(timedelta(hours=4))
    await bot.say(":tick")
    async with db.sessionmaker() as session:
        user = (await session.execute(select(User).where(User.id == bot.user["id"]))).scalar_one()
        assert user.flow is None and user.flow_data is None


async def test_a_stale_back_button_is_answered_politely(bot):
    await bot.say("/exams open-2022-2")
    await press(bot, "exi:open-2022-2")
    await bot.say("엑셀")
    await bot.say("/cancel")
    sent = await bot.say("3")  # the old "back" button of the escape message… now pressed
    sent = await bot.feed(bot.callback_update(bot.user["id"], 1, "fl.back:exam_slot:ask"))
    assert any(s.method == "answerCallbackQuery" and "이미 끝난 대화" in s.text for s in sent)
