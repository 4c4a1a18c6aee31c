"""The traps of the issue, replayed as console transcripts: (lines typed → what the last answer must and must not say).
The person has a profile (so /retire asks the retirement date at once)."""
from __future__ import annotations

import pytest

from tests.handlers.enrollment.factory import add_people

DATE_ERROR = "날짜를 읽지 못했습니다"
TRAPS = [
    # /retire, 1 (인생이모작), then a course search: answered as a search, with the way back — not a date error
    (["/retire", "1", "엑셀 교육 찾고 있어요"], ["업무에 바로 쓰는 엑셀", "진행 중이던 퇴직 준비 교육 신청은"], [DATE_ERROR]),
    (["/retire", "1", "/my", "엑셀 교육 찾고 있어요"], ["업무에 바로 쓰는 엑셀"], [DATE_ERROR]),
    (["/retire", "1", ":advance 8h", "엑셀 교육 찾고 있어요"], ["업무에 바로 쓰는 엑셀"], [DATE_ERROR, "진행 중이던"]),
    (["/retire", "1", "2030.6.30"], ["회차"], [DATE_ERROR]),  # the date is the answer: on to the cohorts
    (["/retire", "1", "몰라요"], [DATE_ERROR], ["검색 결과"]),
    (["/retire", "1", "연락처"], ["연락처가 아직 설정되어 있지 않아", "진행 중이던"], [DATE_ERROR]),
    (["/retire", "1", "안녕하세요"], ["안녕하세요! 찾는 교육을"], [DATE_ERROR]),
    (["/retire", "1", "면접 일정"], ["질문에 맞는 시험 일정"], [DATE_ERROR]),
    (["/start"], ["서울시 인재개발원", "/help"], ["/broadcast", "/pending"]),
    (["외국어"], ["검색 결과 12건", "➡ 더 보기"], []),
    (["9급 시험"], ["제1회 서울시 공개·경력경쟁 임용시험"], ["리더십"]),
]


@pytest.mark.parametrize("lines,expected,absent", TRAPS, ids=[" / ".join(t[0]) for t in TRAPS])
async def test_trap(bot, db, lines, expected, absent):
    await add_people(db, [bot.user["id"]])
    for line in lines:
        sent = await bot.say(line)
    shown = "\n".join([s.text for s in sent] + [b for s in sent for b in s.button_texts])
    for text in expected:
        assert text in shown, (text, shown)
    for text in absent:
        assert text not in shown, (text, shown)


async def test_the_terms_and_the_seat_check_come_before_consent_and_write_nothing(bot, db):
    from sqlalchemy import func, select

    from db.models import Profile, User
    from tests.handlers.enrollment.factory import add_course
    from tests.support.chat import press

    [full] = await add_course(db, course_id="full-test", title="만석 테스트과정", capacity=0)
    sent = await bot.feed(bot.callback_update(bot.user["id"], 1, f"enr:{full}"))
    shown = "\n".join(s.text for s in sent)
    assert "정원이 찼습니다. 신청하면 대기자 명단에 오릅니다" in shown and "동의하기 전에는 아무것도 저장하지 않습니다" in shown
    assert "🔒" not in shown  # not the consent question yet
    async with db.sessionmaker() as s:
        user = await s.get(User, bot.user["id"])
        assert user.flow is None and (await s.execute(select(func.count()).select_from(Profile))).scalar() == 0
    consent = await press(bot, "enr.prf")
    assert "🔒 개인정보 수집·이용 동의" in "\n".join(s.text for s in consent)
