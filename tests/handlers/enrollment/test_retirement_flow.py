"""Retirement sign-up transcripts: free text or /retire → programme → retirement date → track → cohort →
family programme → summary → confirm, on the seeded 2022 programmes (행복한 미래설계, 인생이모작 준비)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from db.clock import parse_moment
from db.models import Cohort, Course, Enrollment, Profile, User
from db.session import session_scope
from tests.support.chat import press, texts

ME = 1001
NOW = parse_moment("2022-01-03T09:00")




async def add_person(db, *, retirement_on: date | None, user_id: int = ME, language: str = "ko") -> None:
    async with session_scope(db.sessionmaker) as s:
        s.add(User(id=user_id, chat_id=user_id, first_name="서울", language=language, language_chosen=True,
                   created_at=NOW))
        await s.flush()
        s.add(Profile(user_id=user_id, consent_at=NOW, full_name="김서울", department="인재개발원 교육기획과",
                      rank="5급", position="과장", employee_no=None, hired_on=date(1992, 3, 2),
                      retirement_on=retirement_on, updated_at=NOW))


async def retirement_courses(db) -> dict[str, str]:
    """Course id by programme, found the way the bot finds them: by topic."""
    async with db.sessionmaker() as s:
        rows = (await s.execute(select(Course.id, Course.title).where(Course.topic == "retirement"))).all()
    ids = {("second" if "이모작" in title else "future"): cid for cid, title in rows}
    assert set(ids) == {"second", "future"}, rows
    return ids


async def enrollments(db, user_id: int = ME) -> list[tuple[Enrollment, Cohort]]:
    async with db.sessionmaker() as s:
        return list((await s.execute(
            select(Enrollment, Cohort).join(Cohort, Cohort.id == Enrollment.cohort_id).where(Enrollment.user_id == user_id)
        )).tuples())


async def flow_of(db, user_id: int = ME) -> str | None:
    async with db.sessionmaker() as s:
        user = await s.get(User, user_id)
        return user.flow if user else None


async def test_free_text_request_starts_the_guided_sign_up_with_the_two_programmes(bot, db):
    await add_person(db, retirement_on=date(2030, 6, 30))
    sent = await bot.say("퇴직 준비 교육 신청하고 싶어요")
    shown = texts(sent)
    assert "어느 과정을 신청하시겠어요?" in shown
    assert "행복한 미래설계" in shown and "인생이모작" in shown
    assert "귀농귀촌" in shown and "재취업·창업" in shown  # the tracks are announced
    assert sent[-1].button_texts[:2] == ["행복한 미래설계 과정", "인생이모작 준비 과정"]


async def test_other_phrasings_and_english(bot, db):
    await add_person(db, retirement_on=date(2030, 6, 30))
    assert "어느 과정을" in texts(await bot.say("은퇴 준비 과정 신청"))
    # Naming one programme goes straight to it.
    direct = await bot.say("인생이모작 신청")
    assert "인생이모작 준비 과정: 퇴직 예정일은 언제인가요?" in texts(direct)
    assert "네, 2030년 6월 30일 (일)" in direct[-1].button_texts


async def test_plain_topic_words_still_search(bot, db):
    await add_person(db, retirement_on=date(2030, 6, 30))
    for query in ("퇴직", "인생이모작", "퇴직 준비"):
        sent = await bot.say(query)
        assert "어느 과정을 신청" not in texts(sent)
        assert not any(d.startswith("ret.") for s in sent for d in s.callback_data)
        assert await flow_of(db) is None


async def test_future_design_sign_up_with_family_programme_summary_and_confirmation(bot, db):
    ids = await retirement_courses(db)
    await add_person(db, retirement_on=date(2030, 6, 30))
    await bot.say("/retire")
    asked = await press(bot, f"ret.p:{ids['future']}")
    assert "퇴직 예정일은 언제인가요?" in texts(asked) and "프로필에는 2030년 6월 30일 (일)" in texts(asked)
    cohorts = await press(bot, "ret.keep")
    shown = texts(cohorts)
    assert "희망하시는 회차" in shown
    assert "6회: 2022년 4분기 (세부 일정 미정) · 잔여 100석" in shown
    assert len([b for b in cohorts[-1].callback_data if b.startswith("ret.c:")]) == 6
    family = await press(bot, "ret.c")  # the first cohort button (1회, Q1)
    assert "국내문화탐방" in texts(family)
    summary = await press(bot, "ret.f:1")
    shown = texts(summary)
    for expected in ("신청 전에 내용을 확인해 주세요", "과정: 행복한 미래설계 과정 (2주)",
                     "회차: 1회, 2022년 1분기 (세부 일정 미정)", "퇴직 예정일: 2030년 6월 30일 (일)",
                     "가족 프로그램(국내문화탐방): 가족과 함께 참여", "신청자: 김서울, 인재개발원 교육기획과, 5급",
                     "담당자가 승인"):
        assert expected in shown, expected
    assert "분야:" not in shown  # no tracks in this programme
    assert await enrollments(db) == []  # nothing is sent before confirming

    done = await press(bot, "ret.ok")
    assert "신청을 접수했습니다" in texts(done)
    [(enrollment, cohort)] = await enrollments(db)
    assert (cohort.course_id, cohort.number, enrollment.status) == (ids["future"], 1, "pending")
    assert enrollment.details == {"program": "retirement", "course_id": ids["future"],
                                  "retirement_on": "2030-06-30", "family_programme": True}
    assert await flow_of(db) is None
    # Pressing the old confirm button again does nothing.
    again = await bot.feed(bot.callback_update(ME, 1, "ret.ok"))
    assert any(s.method == "answerCallbackQuery" and s.text for s in again)
    assert len(await enrollments(db)) == 1

    # Signing up again for the same programme says at once that a request exists (not after four questions).
    await bot.say("/retire")
    again = texts(await press(bot, f"ret.p:{ids['future']}"))
    assert "행복한 미래설계 과정에 이미 신청하셨습니다" in again and "행복한 미래설계 과정 1회" in again
    assert "담당자 승인 대기" in again and "/my 에서 이 신청을 먼저 취소" in again
    assert "퇴직 예정일은 언제인가요?" not in again
    assert await flow_of(db) is None
    assert len(await enrollments(db)) == 1


async def test_second_career_asks_track_not_family_and_records_a_new_retirement_date(bot, db):
    ids = await retirement_courses(db)
    await add_person(db, retirement_on=date(2030, 6, 30))
    await bot.say("인생이모작 준비 과정 신청하고 싶어요")
    wrong = await bot.say("언젠가")
    assert "날짜를 읽지 못했습니다" in texts(wrong)
    tracks = await bot.say("2031년 12월")  # a month: the end of it
    assert "귀농귀촌" in tracks[-1].button_texts and "재취업·창업" in tracks[-1].button_texts
    cohorts = await press(bot, "ret.t:1")  # 재취업·창업
    shown = texts(cohorts)
    assert "2회" in shown and "4회" in shown and "1회:" not in shown and "3회:" not in shown
    summary = await press(bot, "ret.c")
    shown = texts(summary)
    assert "분야: 재취업·창업" in shown and "퇴직 예정일: 2031년 12월 31일 (수)" in shown
    assert "가족 프로그램" not in shown
    assert "프로필의 퇴직 예정일을 2031년 12월 31일 (수)로 고쳐 두겠습니다" in shown
    await press(bot, "ret.ok")
    [(enrollment, cohort)] = await enrollments(db)
    assert cohort.course_id == ids["second"] and cohort.track == "재취업·창업"
    assert enrollment.details == {"program": "retirement", "course_id": ids["second"],
                                  "retirement_on": "2031-12-31", "track": "재취업·창업"}
    async with db.sessionmaker() as s:
        assert (await s.get(Profile, ME)).retirement_on == date(2031, 12, 31)


async def test_fifteen_years_from_retirement_is_refused_second_career_with_a_clear_reason(bot, db):
    await add_person(db, retirement_on=date(2037, 6, 30))
    await bot.say("인생이모작 신청")
    refused = await press(bot, "ret.keep")
    shown = texts(refused)
    assert shown.startswith("⛔")
    assert "퇴직까지 10년 이내인 분을 위한 과정입니다" in shown
    assert "2037년 6월 30일" in shown and "약 15년" in shown
    assert "2027년 6월 30일 (수) 이후에 시작하는 회차부터" in shown
    assert not any(d.startswith("ret.c:") for d in refused[-1].callback_data)
    assert await enrollments(db) == []
    # Typing something else now is a search, not "please use the buttons above".
    searched = texts(await bot.say("엑셀"))
    assert "버튼을 눌러 주세요" not in searched and "검색 결과" in searched
    # The other programme is still open to them.
    await bot.say("인생이모작 신청")
    await press(bot, "ret.keep")
    again = await press(bot, "ret.go")
    assert "어느 과정을" in texts(again)


async def test_a_typed_date_within_ten_years_unlocks_it(bot, db):
    await add_person(db, retirement_on=date(2037, 6, 30))
    await bot.say("인생이모작 신청")
    await press(bot, "ret.keep")
    asked = await press(bot, "ret.redate")
    assert "퇴직 예정일은 언제인가요?" in texts(asked)
    assert "귀농귀촌" in texts(await bot.say("2031.6.30"))


async def test_without_a_profile_consent_comes_first_and_the_sign_up_resumes(bot, db):
    sent = await bot.say("퇴직 준비 교육 신청하고 싶어요")
    assert "개인정보 수집·이용 동의" in texts(sent)
    assert "이번 신청에 필요한 항목: 이름, 부서, 직원번호 (선택), 퇴직 예정일." in texts(sent)  # the sign-up asks the date
    await press(bot, "prf:yes")
    await bot.say("김서울")
    await bot.say("교육기획과")
    review = await press(bot, "prf.skip")  # no rank, position or hire date: these programmes do not read them
    assert "이름: 김서울\n부서: 교육기획과\n직원번호: 입력하지 않음" in texts(review)
    resumed = await press(bot, "prf.save")
    shown = texts(resumed)
    assert "프로필을 저장했습니다" in shown
    assert "어느 과정을 신청하시겠어요?" in shown  # back where the person started
    assert await flow_of(db) == "retire"


async def test_declining_consent_means_no_sign_up_and_nothing_stored(bot, db):
    await bot.say("/retire")
    sent = await press(bot, "prf:no")
    assert "아무것도 저장하지 않았습니다" in texts(sent)
    async with db.sessionmaker() as s:
        assert await s.get(Profile, ME) is None
    assert await enrollments(db) == []


async def test_stop_button_and_cancel_send_nothing(bot, db):
    await add_person(db, retirement_on=date(2030, 6, 30))
    await bot.say("/retirement")
    await press(bot, "ret.p")
    await press(bot, "ret.keep")
    stopped = await press(bot, "ret.x")
    assert "취소했습니다" in texts(stopped)
    assert await flow_of(db) is None and await enrollments(db) == []
    # After stopping, text searches again.
    assert "어느 과정을" not in texts(await bot.say("엑셀"))


async def test_english_screens(bot, db):
    await add_person(db, retirement_on=date(2030, 6, 30), language="en")
    sent = await bot.say("/retire")
    shown = texts(sent)
    assert "Which programme would you like to join?" in shown
    assert "Planning a happy future" in shown
    await press(bot, "ret.p")
    cohorts = await press(bot, "ret.keep")
    assert "Q4 2022" in texts(cohorts)
    await press(bot, "ret.c")
    summary = texts(await press(bot, "ret.f:0"))
    assert "Programme: Planning a happy future (pre-retirement course) · 2 weeks" in summary  # no "(…) (…)"
    assert "Applicant: 김서울, 인재개발원 교육기획과, Grade 5" in summary


async def test_a_cohort_button_preselects_the_cohort_and_its_track(bot, db):
    ids = await retirement_courses(db)
    await add_person(db, retirement_on=date(2030, 6, 30))
    async with db.sessionmaker() as s:
        cohort_id, track = (await s.execute(select(Cohort.id, Cohort.track).where(
            Cohort.course_id == ids["second"], Cohort.number == 4))).one()
    # e.g. from a course card: the button that start_button(tr, course_id, cohort_id) makes
    await bot.feed(bot.callback_update(ME, 1, f"ret.go:{ids['second']}:{cohort_id}"))
    summary = await press(bot, "ret.keep")
    shown = texts(summary)
    assert "회차: 4회" in shown and f"분야: {track}" in shown
    await press(bot, "ret.ok")
    [(enrollment, cohort)] = await enrollments(db)
    assert cohort.id == cohort_id and enrollment.details["track"] == track


async def test_help_lists_the_new_commands(bot, db):
    shown = texts(await bot.say("/help"))
    assert "/profile" in shown and "/forget" in shown and "/retire" in shown


async def test_typed_answers_work_where_buttons_are_offered(bot, db):
    await add_person(db, retirement_on=date(2030, 6, 30))
    await bot.say("/retire")
    asked = await bot.say("인생이모작")  # the programme, typed
    assert "인생이모작 준비 과정: 퇴직 예정일은 언제인가요?" in texts(asked)
    await press(bot, "ret.keep")
    cohorts = await bot.say("귀농")  # the track, typed
    assert "1회:" in texts(cohorts) and "2회:" not in texts(cohorts)
    hint = await bot.say("아무거나")
    assert "버튼" in texts(hint)
    assert "버튼" in texts(await bot.say("2회"))  # 2회 is the other track's: not offered here
    summary = await bot.say("3회")  # a cohort number, typed
    assert "회차: 3회" in texts(summary) and "분야: 귀농귀촌" in texts(summary)

    await bot.say("/retire")
    await bot.say("미래설계")
    await press(bot, "ret.keep")
    await press(bot, "ret.c")
    summary = await bot.say("아니요")  # family programme: no
    assert "가족 프로그램(국내문화탐방): 참여 안 함" in texts(summary)


async def test_apply_on_a_retirement_course_card_opens_the_guided_sign_up(bot, db):
    ids = await retirement_courses(db)
    await add_person(db, retirement_on=date(2030, 6, 30))
    await bot.say("인생이모작 준비 과정")  # a search
    card = await press(bot, f"crs:{ids['second']}")
    assert any(d.startswith("enr:") for d in card[-1].callback_data)
    asked = await press(bot, "enr")  # "Apply #1" on the card
    assert "인생이모작 준비 과정: 퇴직 예정일은 언제인가요?" in texts(asked)
    summary = await press(bot, "ret.keep")
    assert "회차: 1회" in texts(summary) and "분야: 귀농귀촌" in texts(summary)


async def test_a_full_cohort_is_offered_as_waitlist_and_the_request_waits(bot, db):
    from sqlalchemy import update

    ids = await retirement_courses(db)
    await add_person(db, retirement_on=date(2030, 6, 30))
    async with session_scope(db.sessionmaker) as s:
        await s.execute(update(Cohort).where(Cohort.course_id == ids["future"], Cohort.number == 6).values(capacity=0))
        cohort_id = (await s.execute(select(Cohort.id).where(Cohort.course_id == ids["future"], Cohort.number == 6))).scalar_one()
    await bot.say("행복한 미래설계 신청")
    cohorts = await press(bot, "ret.keep")
    assert "6회: 2022년 4분기 (세부 일정 미정) · 마감 — 대기 신청" in texts(cohorts)
    await press(bot, f"ret.c:{cohort_id}")
    summary = await press(bot, "ret.f:0")
    assert "대기자로 신청됩니다" in texts(summary) and "가족 프로그램(국내문화탐방): 참여 안 함" in texts(summary)
    done = await press(bot, "ret.ok")
    assert "대기 1번" in texts(done)
    [(enrollment, _cohort)] = await enrollments(db)
    assert enrollment.status == "waitlisted" and enrollment.details["family_programme"] is False
