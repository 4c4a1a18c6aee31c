"""Transcripts through the real handlers (console transport): user says → bot replies.

search → card → cohort → terms → confirm → /my; a full cohort → waitlist → a cancellation → the person waiting
is promoted and told so through the outbox; staff approve / reject with a reason → the employee is notified in
their own language; a non-staff member pressing a forged staff button is refused and nothing changes.
"""
from __future__ import annotations

from sqlalchemy import func, select

from db.models import Enrollment, OutboxMessage
from tests.handlers.enrollment.factory import add_course, add_people
from tests.support.chat import button_index, press, press_forged, texts

ME, OTHER, STAFF = 1001, 1002, 9001


async def _setup(bot, db, **course):
    ids = await add_course(db, **course)
    await bot.runtime.services.reload_search()  # the index is built at start-up; our course came later
    return ids


async def _statuses(db) -> dict[int, str]:
    async with db.sessionmaker() as s:
        return dict((await s.execute(select(Enrollment.user_id, Enrollment.status))).all())


async def test_search_card_cohort_confirm_then_my(bot, db):
    (cohort_id,) = await _setup(bot, db, capacity=20)
    await add_people(db, [ME])

    await bot.say("엑셀 실무 테스트과정")
    card = await press(bot, "crs:enr-test")
    assert "엑셀 실무 테스트과정" in texts(card)
    terms = await press(bot, f"enr:{cohort_id}")
    text = texts(terms)
    assert "교육 기간: 2022년 3월 7일 (월) – 2022년 3월 11일 (금)" in text
    assert "잔여석: 20석 (정원 20명)" in text
    assert "자리가 있습니다" in text
    assert "✅ 신청 확정" in terms[-1].button_texts

    done = await press(bot, f"enc:{cohort_id}")
    assert "✅ 수강이 확정되었습니다: 엑셀 실무 테스트과정 1회" in texts(done)
    mine = await bot.say("/my")
    assert "엑셀 실무 테스트과정 1회" in texts(mine) and "✅ 확정" in texts(mine)
    assert any(d.startswith("enx:") for d in mine[-1].callback_data)  # a cancel button

    again = await bot.say(str(button_index(bot, "enx")))
    assert "엑셀 실무 테스트과정 1회 신청을 취소할까요?\n교육 기간: 2022년 3월 7일 (월)" in texts(again)
    assert "대기" not in texts(again)  # nobody is waiting: no promise of a seat passed on
    kept = await press(bot, "my")  # "No, keep it" goes back to the list, nothing changes
    assert "✅ 확정" in texts(kept)
    assert await _statuses(db) == {ME: "confirmed"}


async def test_full_cohort_waitlist_then_a_cancellation_promotes_and_notifies(bot, db):
    (cohort_id,) = await _setup(bot, db, capacity=1)
    await add_people(db, [ME, OTHER])

    await press_forged(bot, f"enr:{cohort_id}")  # the card's button
    assert "수강이 확정" in texts(await press(bot, f"enc:{cohort_id}"))

    await bot.say(f":user {OTHER}")
    terms = await press_forged(bot, f"enr:{cohort_id}")
    assert "정원이 찼습니다" in texts(terms) and "대기 1번" in texts(terms)
    assert "🕒 대기자 등록 (1번)" in terms[-1].button_texts
    waiting = await press(bot, f"enc:{cohort_id}")
    assert "대기 1번으로 등록되었습니다" in texts(waiting)
    assert "🕒 대기 1번" in texts(await bot.say("/my"))

    await bot.say(f":user {ME}")
    await bot.say("/my")
    asked = await press(bot, "enx")
    assert "좌석은 대기 1번에게 넘어갑니다" in texts(asked)  # someone is waiting
    sent = await press(bot, "eny")
    assert "취소되었습니다" in texts(sent, ME)
    # the console ran the outbox after the turn: the person waiting got their notice, dates on their own line
    notice = texts(sent, OTHER)
    assert "🎉 엑셀 실무 테스트과정 1회에 자리가 나서 대기 순번에 따라 수강이 확정되었습니다." in notice
    assert "\n교육 기간: 2022년 3월 7일 (월) – 2022년 3월 11일 (금)" in notice
    assert await _statuses(db) == {ME: "cancelled", OTHER: "confirmed"}

    await bot.say(f":user {OTHER}")
    assert "✅ 확정" in texts(await bot.say("/my"))


async def test_staff_approve_and_reject_with_a_typed_reason_notify_each_employee(bot, db):
    (cohort_id,) = await _setup(bot, db, capacity=5, approval="staff")
    await add_people(db, [ME])
    await add_people(db, [OTHER], language="en")
    await add_people(db, [STAFF], role="staff", profile=False)

    await press_forged(bot, f"enr:{cohort_id}")
    sent = await press(bot, f"enc:{cohort_id}")
    assert "신청이 접수되었습니다" in texts(sent)
    await bot.say(f":user {OTHER}")
    await press_forged(bot, f"enr:{cohort_id}")
    assert "Request sent" in texts(await press(bot, f"enc:{cohort_id}"))

    await bot.say(f":user {STAFF}")
    overview = await bot.say("/pending")
    assert "엑셀 실무 테스트과정: 2건 대기" in texts(overview)
    queue = await press(bot, "stq:enr-test")
    assert f"직원{ME}" in texts(queue) and f"직원{OTHER}" in texts(queue)

    approved = await bot.say("1")  # ✅ 1 승인 (the first request)
    assert "신청이 승인되어 수강이 확정되었습니다" in texts(approved, ME)
    assert any("승인했습니다" in s.text for s in approved)

    await press(bot, "str")  # ❌ reject the remaining one
    await press(bot, "stw")  # type a reason
    shown = await bot.say("예산 사정으로 이번 회차는 어렵습니다")
    assert "이 사유로 반려할까요?" in texts(shown) and "“예산 사정으로 이번 회차는 어렵습니다”" in texts(shown)
    assert await _statuses(db) == {ME: "confirmed", OTHER: "pending"}  # nothing happens before the press
    rejected = await press(bot, "stc")
    notice = texts(rejected, OTHER)
    assert "Not approved" in notice and "Reason: 예산 사정으로 이번 회차는 어렵습니다" in notice  # in English
    assert any("반려했습니다" in s.text for s in rejected if s.chat_id != OTHER)
    assert await _statuses(db) == {ME: "confirmed", OTHER: "rejected"}

    await bot.say(f":user {OTHER}")
    assert "not approved — reason: 예산 사정으로" in texts(await bot.say("/my"))


async def test_preset_reason_and_bulk_approve(bot, db):
    (cohort_id,) = await _setup(bot, db, capacity=5, approval="staff")
    people = [ME, OTHER, 1003]
    await add_people(db, people)
    await add_people(db, [STAFF], role="staff", profile=False)
    for uid in people:
        await bot.say(f":user {uid}")
        await press_forged(bot, f"enr:{cohort_id}")
        await press(bot, f"enc:{cohort_id}")

    await bot.say(f":user {STAFF}")
    await bot.say("/queue")
    await press(bot, "stq:enr-test")
    await press(bot, "str")
    sent = await press(bot, "stx")  # the first preset reason
    assert "사유: 이 과정은 다른 교육 대상자를 위한 과정입니다" in texts(sent, ME)
    sent = await press(bot, "stb")  # approve all (2)
    assert "신청이 승인되어" in texts(sent, OTHER) and "신청이 승인되어" in texts(sent, 1003)
    assert any("2건을 승인했습니다" in s.text for s in sent)
    assert await _statuses(db) == {ME: "rejected", OTHER: "confirmed", 1003: "confirmed"}


async def test_a_forged_staff_button_from_a_non_staff_member_is_refused_and_changes_nothing(bot, db):
    (cohort_id,) = await _setup(bot, db, capacity=5, approval="staff")
    await add_people(db, [ME, OTHER])
    await press_forged(bot, f"enr:{cohort_id}")
    await press(bot, f"enc:{cohort_id}")
    async with db.sessionmaker() as s:
        enrollment_id = (await s.execute(select(Enrollment.id))).scalar_one()
        before = (await s.execute(select(func.count()).select_from(OutboxMessage))).scalar_one()

    await bot.say(f":user {OTHER}")
    assert "담당자" in texts(await bot.say("/pending"))  # the command is refused too
    for data in (f"sta:{enrollment_id}", f"stx:{enrollment_id}:0", f"stw:{enrollment_id}", f"stc:{enrollment_id}",
                 "stb:enr-test",
                 "stq:enr-test"):
        sent = await press_forged(bot, data)
        assert [(s.method, s.alert) for s in sent] == [("answerCallbackQuery", True)]
        assert "담당자" in sent[0].text
    assert await _statuses(db) == {ME: "pending"}
    async with db.sessionmaker() as s:
        assert (await s.execute(select(func.count()).select_from(OutboxMessage))).scalar_one() == before


async def test_stale_and_foreign_buttons_get_a_polite_answer(bot, db):
    (cohort_id,) = await _setup(bot, db, capacity=5)
    await add_people(db, [ME, OTHER])
    await add_people(db, [STAFF], role="staff", profile=False)
    await press_forged(bot, f"enr:{cohort_id}")
    await press(bot, f"enc:{cohort_id}")
    async with db.sessionmaker() as s:
        enrollment_id = (await s.execute(select(Enrollment.id))).scalar_one()

    await bot.say(f":user {OTHER}")
    for data in (f"eny:{enrollment_id}", f"enx:{enrollment_id}", "enr:999999", "enc:abc", "eny:1:2:3"):
        sent = await press_forged(bot, data)
        assert sent and sent[-1].method == "answerCallbackQuery" and sent[-1].alert, data
    await bot.say(f":user {STAFF}")
    sent = await press_forged(bot, "sta:999999")
    assert sent[-1].method == "answerCallbackQuery" and sent[-1].alert
    assert await _statuses(db) == {ME: "confirmed"}


async def test_cancelling_after_the_start_is_refused(bot, db, clock):
    (cohort_id,) = await _setup(bot, db, capacity=5)
    await add_people(db, [ME])
    await press_forged(bot, f"enr:{cohort_id}")
    await press(bot, f"enc:{cohort_id}")
    await bot.say("/my")
    await press(bot, "enx")
    clock.set("2022-03-08T10:00")  # the cohort began on 7 March
    sent = await press(bot, "eny")
    assert "이미 시작되어" in texts(sent)
    mine = await bot.say("/my")
    assert not any(d.startswith("enx:") for s in mine for d in s.callback_data)
    assert await _statuses(db) == {ME: "confirmed"}


async def test_duplicate_and_overlapping_requests_show_the_existing_one(bot, db):
    (first,) = await _setup(bot, db, capacity=5)
    (other,) = await _setup(bot, db, course_id="enr-other", title="보고서 작성 테스트", cohorts=[("2022-03-09", "2022-03-10")])
    await add_people(db, [ME])
    await press_forged(bot, f"enr:{first}")
    await press(bot, f"enc:{first}")
    again = await press_forged(bot, f"enr:{first}")
    assert "이미 신청하셨습니다" in texts(again) and "✅ 확정" in texts(again)
    clash = await press_forged(bot, f"enr:{other}")
    assert "기간이 겹칩니다" in texts(clash) or "overlap" in texts(clash).lower()
    assert "엑셀 실무 테스트과정 1회" in texts(clash)
    assert not any(d.startswith("enc:") for s in clash for d in s.callback_data)


async def test_terms_say_when_the_cohort_size_is_only_an_estimate(bot, db):
    (cohort_id,) = await _setup(bot, db, capacity=16, capacity_estimated=True, precision="quarter",
                                cohorts=[("2022-04-01", "2022-06-30")])
    await add_people(db, [ME])
    terms = texts(await press_forged(bot, f"enr:{cohort_id}"))
    assert "잔여석: 16석 (정원 약 16명, 추정)" in terms
    assert "교육 기간: 2022년 2분기 (세부 일정 미정)" in terms


async def test_staff_queue_in_english_shows_ranks_in_english_and_long_titles_cut_with_an_ellipsis(bot, db):
    title_en = "A very long English course title that does not fit on one button"
    (cohort_id,) = await _setup(bot, db, capacity=5, approval="staff", title_en=title_en)
    await add_people(db, [ME], rank="6급")
    await add_people(db, [STAFF], role="staff", profile=False, language="en")
    await press_forged(bot, f"enr:{cohort_id}")
    await press(bot, f"enc:{cohort_id}")

    await bot.say(f":user {STAFF}")
    overview = await bot.say("/pending")
    (label,) = [b for b in overview[-1].button_texts if "(1)" in b]
    assert label == title_en[:39].rstrip() + "… (1)"
    queue = texts(await press(bot, "stq:enr-test"))
    assert f"직원{ME} (행정국, Grade 6)" in queue and "6급" not in queue


async def test_after_forget_the_staff_queue_says_the_personal_data_was_deleted(bot, db):
    (cohort_id,) = await _setup(bot, db, capacity=5, approval="staff")
    await add_people(db, [ME])
    await add_people(db, [STAFF], role="staff", profile=False)
    await press_forged(bot, f"enr:{cohort_id}")
    await press(bot, f"enc:{cohort_id}")
    await bot.say("/forget")
    assert "개인정보를 삭제했습니다" in texts(await bot.say("1"))  # "Yes, delete it"

    await bot.say(f":user {STAFF}")
    await bot.say("/pending")
    queue = texts(await press(bot, "stq:enr-test"))
    assert "1. (개인정보 삭제됨) · 1회 · 신청일 2022년 1월 3일 (월)" in queue
    assert "(–)" not in queue


async def test_once_the_cohort_has_begun_an_old_cancel_button_says_so(bot, db):
    (cohort_id,) = await _setup(bot, db, capacity=5)  # 7–11 March 2022
    await add_people(db, [ME])
    await press_forged(bot, f"enr:{cohort_id}")
    await press(bot, f"enc:{cohort_id}")
    mine = await bot.say("/my")
    cancel_data = next(d for d in mine[-1].callback_data if d.startswith("enx:"))

    await bot.say(":advance 65d")  # 9 March: the cohort is running
    mine = await bot.say("/my")
    assert not any(d.startswith("enx:") for d in mine[-1].callback_data)  # no cancel button any more
    sent = await press_forged(bot, cancel_data)  # the button of the earlier /my
    alert = next(s.text for s in sent if s.method == "answerCallbackQuery")
    assert "이미 시작되어 여기서 취소할 수 없습니다" in alert and "인재개발원에 문의" in alert
    assert await _statuses(db) == {ME: "confirmed"}


async def _one_pending_request(bot, db) -> None:
    """ME asks for a seat in a staff-approved course; STAFF exists."""
    (cohort_id,) = await _setup(bot, db, capacity=5, approval="staff")
    await add_people(db, [ME])
    await add_people(db, [STAFF], role="staff", profile=False)
    await press_forged(bot, f"enr:{cohort_id}")
    await press(bot, f"enc:{cohort_id}")


async def _open_the_typed_reason_prompt(bot) -> None:
    """As staff: /pending → the course → reject → "type another reason"."""
    await bot.say("/pending")
    await press(bot, "stq:enr-test")
    await press(bot, "str")
    await press(bot, "stw")


async def test_text_typed_after_leaving_a_half_typed_rejection_never_rejects_anyone(bot, db):
    await _one_pending_request(bot, db)

    await bot.say(f":user {STAFF}")
    await _open_the_typed_reason_prompt(bot)  # … then the staff member goes back to the queue instead
    await bot.say("/pending")
    searched = await bot.say("엑셀")  # later: a search
    assert "반려" not in texts(searched)
    assert await _statuses(db) == {ME: "pending"}

    # Still in the prompt, a typed text is only shown back; a stale confirm button does nothing.
    await _open_the_typed_reason_prompt(bot)
    await bot.say("정원 초과")
    await bot.say(":tick")
    await bot.say("/pending")  # leaves the prompt: the confirm button shown before is stale now
    async with db.sessionmaker() as s:
        enrollment_id = (await s.execute(select(Enrollment.id))).scalar_one()
    sent = await press_forged(bot, f"stc:{enrollment_id}")
    assert any(s.method == "answerCallbackQuery" and "유효하지 않은 버튼" in s.text for s in sent)
    assert await _statuses(db) == {ME: "pending"}


async def test_a_typed_reason_with_a_nul_is_refused_and_typed_again(bot, db):
    await _one_pending_request(bot, db)
    await bot.say(f":user {STAFF}")
    await _open_the_typed_reason_prompt(bot)
    assert "제어 문자" in texts(await bot.say("예산\x00 부족"))  # refused at the edge (handlers/privacy.py)
    await bot.say("예산 부족")
    sent = await press(bot, "stc")
    assert "사유: 예산 부족" in texts(sent, ME)
    async with db.sessionmaker() as s:
        assert (await s.execute(select(Enrollment.reason))).scalar_one() == "예산 부족"
