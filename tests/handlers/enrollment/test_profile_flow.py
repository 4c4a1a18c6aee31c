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


async def fill_profile(bot, *, rank: str = "prf.rank:3", retirement: str | None = "2032.6.30") -> list:
    """/profile: consent, every question (rank 6급 by default), then Save on the review; returns the last replies."""
    await bot.say("/profile")
    await press(bot, "prf:yes")
    await bot.say("김서울")
    await bot.say("인재개발원 교육기획과")
    await press(bot, rank)
    await press(bot, "prf.pos:2")  # 팀장
    await bot.say("2021-0345")
    await bot.say("1995.3.2")
    await (bot.say(retirement) if retirement else press(bot, "prf.skip"))
    return await press(bot, "prf.save")


async def test_consent_comes_first_and_says_what_why_and_how_long(bot, db):
    sent = await bot.say("/profile")
    shown = texts(sent)
    assert "개인정보 수집·이용 동의" in shown
    assert "이름, 부서, 직급" in shown  # what (/profile: every question)
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
    review = texts(await bot.say("2032년 6월"))
    assert "입력하신 내용을 확인해 주세요" in review and "퇴직 예정일: 2032년 6월 30일" in review
    assert await profile_row(db) is None  # nothing is saved before Save
    done = await press(bot, "prf.save")
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
    await press(bot, "prf.skip")
    done = await press(bot, "prf.save")
    assert "저장했습니다" in texts(done)
    row = await profile_row(db)
    # position "": asked, neither 과장 nor 팀장 (None would mean never asked)
    assert (row.rank, row.position, row.employee_no, row.hired_on, row.retirement_on) == ("7급", "", None, None, None)


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
    terms = await bot.feed(bot.callback_update(ME, 1, f"enr:{cohort_id}"))  # "Apply #1" on the course card
    assert "6급 미래인재 양성과정" in texts(terms) and await profile_row(db) is None  # the terms first
    first = await press(bot, "enr.prf")
    assert "개인정보 수집·이용 동의" in texts(first)
    assert "이번 신청에 필요한 항목: 이름, 부서, 직급, 직원번호 (선택)." in texts(first)  # what this course reads
    assert "(1/4)" in texts(await press(bot, "prf:yes"))
    await bot.say("김서울")
    await bot.say("인재개발원 교육기획과")
    await press(bot, "prf.rank:3")  # 6급: the course is for 6급
    review = await bot.say("2021-0345")  # no position, hire or retirement date: this course does not read them
    assert "직급: 6급" in texts(review) and "직위" not in texts(review) and "임용일" not in texts(review)
    done = await press(bot, "prf.save")
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
    await press(bot, "enr.prf")
    await press(bot, "prf:yes")
    await bot.say("김서울")
    await bot.say("인재개발원 교육기획과")
    await press(bot, "prf.rank:2")  # 7급
    await press(bot, "prf.skip")
    done = await press(bot, "prf.save")
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
    await press(bot, "prf.save")
    assert (await profile_row(db)).position == "과장"


async def test_a_later_course_asks_only_what_the_profile_lacks_shows_what_is_known_and_lets_it_change(bot, db):
    """A profile made for a course without conditions has no rank or hire date; a new-hire course asks just the
    hire date (with its own notice), the review shows the name and department already known, one is changed."""
    from catalog.profiles import save_profile
    from tests.handlers.enrollment.factory import NOW, add_course

    (cohort_id,) = await add_course(db, course_id="new-hire-test", eligibility={"hired_within_months": 24})
    await bot.say("/start")
    async with session_scope(db.sessionmaker) as s:
        await save_profile(s, ME, now=NOW, consent_at=NOW, full_name="김서울", department="교육기획과", rank="")

    terms = await bot.feed(bot.callback_update(ME, 1, f"enr:{cohort_id}"))
    assert "이 과정의 신청 자격을 확인하려면 다음 정보도 필요합니다: 임용일." in texts(terms)
    assert terms[-1].button_texts[0] == "➡ 계속: 임용일 입력"
    notice = await press(bot, "enr.prf")
    assert "🔒 이 과정은 임용일을 확인합니다" in texts(notice) and "/forget" in texts(notice)
    assert notice[-1].button_texts == ["✅ 동의합니다", "동의하지 않습니다"]
    asked = await press(bot, "prf:yes")
    assert "임용" in texts(asked) and "(1/" not in texts(asked) and "이름" not in texts(asked)
    assert "건너뛰기" not in asked[-1].button_texts  # the course reads it: not skipped
    review = texts(await bot.say("2021.9.1"))
    assert "이름: 김서울\n부서: 교육기획과\n임용일: 2021년 9월 1일" in review

    await press(bot, "prf.fix:1")  # the department changed since
    review = await bot.say("행정국")
    assert "부서: 행정국" in texts(review) and review[-1].button_texts[0] == "✅ 저장하고 계속"
    done = await press(bot, "prf.save")
    assert "저장했습니다" in texts(done) and "✅ 신청 확정" in done[-1].button_texts  # the terms, ready to confirm
    row = await profile_row(db)
    assert (row.full_name, row.department, row.rank, row.hired_on) == ("김서울", "행정국", "", date(2021, 9, 1))
    again = await bot.feed(bot.callback_update(ME, 1, f"enr:{cohort_id}"))
    assert "➡ 계속" not in " ".join(again[-1].button_texts)  # nothing more to ask
