"""Profile transcripts (user says → bot replies): consent first, the questions, /profile edits, /forget."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from db.models import Enrollment, Profile, User
from db.session import session_scope
from tests.support.chat import press, texts

ME = 1001




async def profile_row(db, user_id: int = ME) -> Profile | None:
    async with db.sessionmaker() as s:
        return await s.get(Profile, user_id)


async def fill_profile(bot, *, rank: str = "prf.rank:3", retirement: str | None = "2032.6.30",
                       start: bool = True) -> list:
    """Consent and answer every question (rank 6급 by default); returns the last replies."""
    if start:
        await bot.say("/profile")
    elif any(d.startswith("enr.prf:") for _chat, _msg, d in bot.buttons):  # the terms came first: go on
        await press(bot, "enr.prf")
    await press(bot, "prf:yes")
    await bot.say("김서울")
    await bot.say("인재개발원 교육기획과")
    await press(bot, rank)
    await press(bot, "prf.pos:2")  # 팀장
    await bot.say("2021-0345")
    await bot.say("1995.3.2")
    return await (bot.say(retirement) if retirement else press(bot, "prf.skip"))


async def test_consent_comes_first_and_says_what_why_and_how_long(bot, db):
    sent = await bot.say("/profile")
    shown = texts(sent)
    assert "개인정보 수집·이용 동의" in shown
    assert "이름, 부서, 직급" in shown  # what
    assert "입교 요건" in shown  # why
    assert "/forget" in shown and "삭제" in shown  # how long
    assert "거부" in shown
    assert sent[-1].button_texts == ["✅ 동의합니다", "동의하지 않습니다"]
    # Typing instead of answering does not skip the consent.
    again = await bot.say("김서울")
    assert "먼저" in texts(again) and await profile_row(db) is None
    # Reminded once; typing on means the person has moved on: a search, not the same reminder again.
    searched = texts(await bot.say("엑셀"))
    assert "먼저" not in searched and "검색 결과" in searched
    assert "성함" in texts(await bot.feed(bot.callback_update(ME, 1, "prf:yes")))  # the consent buttons still work


async def test_declining_stores_nothing_and_explains(bot, db):
    await bot.say("/profile")
    sent = await press(bot, "prf:no")
    assert "아무것도 저장하지 않았습니다" in texts(sent)
    assert "검색" in texts(sent)
    assert await profile_row(db) is None
    async with db.sessionmaker() as s:
        user = await s.get(User, ME)
    assert user.flow is None and user.flow_data is None
    # Free text searches again instead of being taken as a name.
    assert "이름" not in texts(await bot.say("엑셀"))


async def test_the_questions_then_the_profile_is_saved_and_shown(bot, db):
    await bot.say("/profile")
    asked = await press(bot, "prf:yes")
    assert "1/7" in texts(asked) and "성함" in texts(asked)
    assert "부서" in texts(await bot.say("김서울"))
    rank = await bot.say("인재개발원 교육기획과")
    assert "직급" in texts(rank) and "6급" in rank[-1].button_texts and "공무직" in rank[-1].button_texts
    position = await press(bot, "prf.rank:3")
    assert "과장" in texts(position) and "팀장" in texts(position)
    number = await press(bot, "prf.pos:2")
    assert "직원번호" in texts(number) and "건너뛰기" in number[-1].button_texts
    await bot.say("2021-0345")
    wrong = await bot.say("어제")
    assert "날짜를 읽지 못했습니다" in texts(wrong)
    future = await bot.say("2030.1.1")
    assert "미래" in texts(future)
    await bot.say("1995.3.2")
    done = await bot.say("2032년 6월")
    shown = texts(done)
    assert "저장했습니다" in shown
    assert "김서울" in shown and "팀장" in shown and "2032년 6월 30일" in shown
    row = await profile_row(db)
    assert (row.full_name, row.department, row.rank, row.position) == ("김서울", "인재개발원 교육기획과", "6급", "팀장")
    assert (row.employee_no, row.hired_on, row.retirement_on) == ("2021-0345", date(1995, 3, 2), date(2032, 6, 30))
    assert row.consent_at is not None


async def test_optional_answers_can_be_skipped(bot, db):
    await bot.say("/profile")
    await press(bot, "prf:yes")
    await bot.say("이한강")
    await bot.say("행정국")
    await bot.say("7급")  # typed instead of pressed
    await press(bot, "prf.pos:0")
    await press(bot, "prf.skip")
    await press(bot, "prf.skip")
    done = await press(bot, "prf.skip")
    assert "저장했습니다" in texts(done)
    row = await profile_row(db)
    assert (row.rank, row.position, row.employee_no, row.hired_on, row.retirement_on) == ("7급", None, None, None, None)


async def test_cancel_midway_keeps_nothing(bot, db):
    await bot.say("/profile")
    await press(bot, "prf:yes")
    await bot.say("김서울")
    await bot.say("/cancel")
    assert await profile_row(db) is None
    async with db.sessionmaker() as s:
        user = await s.get(User, ME)
    assert user.flow is None and user.flow_data is None  # the answers so far are discarded too


async def test_edit_one_field_from_profile(bot, db):
    await fill_profile(bot)
    shown = await bot.say("/profile")
    assert "직급: 6급" in texts(shown)
    await press(bot, "prf.edit:2")  # rank
    updated = await press(bot, "prf.rank:4")  # 5급
    assert "수정했습니다" in texts(updated) and "직급: 5급" in texts(updated)
    await press(bot, "prf.edit:6")  # retirement date
    removed = await press(bot, "prf.skip")  # "remove"
    assert "퇴직 예정일: 입력하지 않음" in texts(removed)
    row = await profile_row(db)
    assert (row.rank, row.retirement_on, row.full_name) == ("5급", None, "김서울")


async def test_stale_or_forged_profile_buttons_do_nothing(bot, db):
    sent = await bot.feed(bot.callback_update(ME, 1, "prf.rank:3"))
    assert any(s.method == "answerCallbackQuery" and "더 이상" in s.text for s in sent)
    assert await profile_row(db) is None


async def test_forget_asks_then_deletes_and_says_what_is_kept(bot, db):
    await fill_profile(bot)
    async with session_scope(db.sessionmaker) as s:
        from db.models import Cohort

        cohort_id = (await s.execute(select(Cohort.id).order_by(Cohort.id).limit(1))).scalar_one()
        s.add(Enrollment(user_id=ME, cohort_id=cohort_id, status="pending", requested_at=bot.runtime.services.clock.now(),
                         details={"program": "retirement", "retirement_on": "2032-06-30", "family_programme": True}))
    asked = await bot.say("/forget")
    shown = texts(asked)
    assert "삭제" in shown and "남는" in shown
    kept = await press(bot, "fgt:no")
    assert "삭제하지 않았습니다" in texts(kept) and await profile_row(db) is not None

    await bot.say("/forget")
    done = await press(bot, "fgt:yes")
    shown = texts(done)
    assert "삭제했습니다" in shown and "1건" in shown
    assert await profile_row(db) is None
    async with db.sessionmaker() as s:
        e = (await s.execute(select(Enrollment).where(Enrollment.user_id == ME))).scalar_one()
    assert e.status == "pending" and "retirement_on" not in e.details and "family_programme" not in e.details
    # Next time, consent is asked again.
    assert "개인정보 수집·이용 동의" in texts(await bot.say("/profile"))


async def test_english_speakers_get_the_same_screens_in_english(bot, db):
    await bot.meta("lang en")
    sent = await bot.say("/profile")
    assert "Consent to collect and use personal information" in texts(sent)
    assert sent[-1].button_texts == ["✅ I agree", "No, thank you"]


async def test_a_course_request_without_profile_asks_consent_then_continues_to_the_terms(bot, db):
    from db.models import Cohort

    async with db.sessionmaker() as s:
        cohort_id = (await s.execute(select(Cohort.id).where(Cohort.course_id == "future-talent-6")
                                     .order_by(Cohort.number).limit(1))).scalar_one()
    first = await bot.feed(bot.callback_update(ME, 1, f"enr:{cohort_id}"))  # "Apply #1" on the course card
    assert "개인정보 수집·이용 동의" in texts(first)
    done = await fill_profile(bot, retirement=None, start=False)  # rank 6급: the course is for 6급
    shown = texts(done)
    assert "프로필을 저장했습니다" in shown
    assert "6급 미래인재 양성과정" in shown  # the terms of the cohort, where the person left off
    assert any(d == f"enc:{cohort_id}" for s in done for d in s.callback_data)


async def test_a_refused_rank_is_explained_after_the_profile(bot, db):
    from db.models import Cohort

    async with db.sessionmaker() as s:
        cohort_id = (await s.execute(select(Cohort.id).where(Cohort.course_id == "future-talent-6")
                                     .order_by(Cohort.number).limit(1))).scalar_one()
    await bot.feed(bot.callback_update(ME, 1, f"enr:{cohort_id}"))
    done = await fill_profile(bot, rank="prf.rank:2", retirement=None, start=False)  # 7급
    assert "6급" in texts(done) and "7급" in texts(done)
    assert not any(d == f"enc:{cohort_id}" for s in done for d in s.callback_data)


async def test_an_old_or_forged_delete_button_deletes_nothing(bot, db):
    await fill_profile(bot)
    sent = await bot.feed(bot.callback_update(ME, 1, "fgt:yes"))  # no /forget question is open
    assert any(s.method == "answerCallbackQuery" and s.alert for s in sent)
    assert await profile_row(db) is not None
    await bot.say("/forget")
    searched = await bot.say("엑셀")  # typing something else instead of answering
    assert "삭제하지 않았습니다" in texts(searched) and "검색 결과" in texts(searched)
    stale = await bot.feed(bot.callback_update(ME, 1, "fgt:yes"))
    assert any(s.method == "answerCallbackQuery" and s.alert for s in stale)
    assert await profile_row(db) is not None


async def test_a_typed_sentence_answers_the_position_question(bot, db):
    await bot.say("/profile")
    await press(bot, "prf:yes")
    await bot.say("김서울")
    await bot.say("인재개발원 교육기획과")
    await bot.say("6급")
    unclear = await bot.say("팀장은 아닙니다")  # a negation naming a position: ask again, do not guess
    assert "과장, 팀장, 해당 없음 중 하나를 입력해 주세요" in texts(unclear)
    number = await bot.say("저는 과장입니다")
    assert "직원번호" in texts(number)
    for _ in range(3):
        await press(bot, "prf.skip")
    assert (await profile_row(db)).position == "과장"
