"""Staff send the plan workbook and the attendance sheet to the bot like a course list: the kind is told from the
sheets and headers, a dry run comes first (nothing changes), Apply records it through the same services as the CLI
(notifications.plans, catalog.attendance). A new course with its cohorts is one news message per subscriber."""
from __future__ import annotations

import io
from datetime import date, datetime

from openpyxl import load_workbook
from sqlalchemy import select

from catalog.planfile import export_plan
from db.models import Cohort, Course, Enrollment
from db.session import session_scope
from tests.handlers.broadcasts.conftest import STAFF, press, to
from tests.handlers.enrollment.factory import NOW, add_course
from tests.handlers.enrollment.factory import add_people as add_employees
from tests.support.workbooks import workbook


async def _plan_with_a_new_course_and_a_moved_cohort(db) -> bytes:
    async with session_scope(db.sessionmaker) as s:
        content = (await export_plan(s, 2022))[0]
    wb = load_workbook(io.BytesIO(content))
    courses, cohorts = ([list(r) for r in wb[name].iter_rows(values_only=True)] for name in ("courses", "cohorts"))
    ch, kh = courses[0], cohorts[0]
    new = list(next(r for r in courses[1:] if r[ch.index("id")] == "it-excel"))
    new[ch.index("id")], new[ch.index("title")], new[ch.index("title_en")] = "it-data", "데이터 분석 입문", "Data analysis"
    template = next(r for r in cohorts[1:] if r[kh.index("course_id")] == "it-excel")
    added = []
    for no, day in ((1, 12), (2, 19)):
        row = list(template)
        row[kh.index("course_id")], row[kh.index("no")] = "it-data", no
        row[kh.index("start")], row[kh.index("end")] = datetime(2022, 9, day), datetime(2022, 9, day + 1)
        row[kh.index("apply_until")], row[kh.index("precision")] = None, "day"
        added.append(row)
    for row in cohorts[1:]:
        if row[kh.index("course_id")] == "enr-test":
            row[kh.index("start")], row[kh.index("end")] = datetime(2022, 3, 14), datetime(2022, 3, 18)
    return workbook({"courses": [*courses, new], "cohorts": [*cohorts, *added]})


async def test_a_plan_workbook_from_chat_dry_run_then_apply_one_news_message_and_the_moved_told(
        staff_bot, db, people, tmp_path):
    (moved,) = await add_course(db)  # enr-test #1, 7–11 March; 1001 holds a seat
    await add_employees(db, [1001])
    async with session_scope(db.sessionmaker) as s:
        s.add(Enrollment(user_id=1001, cohort_id=moved, status="confirmed", requested_at=NOW, decided_at=NOW))
    await people(db, [700], topics=("it",))
    path = tmp_path / "plan-2022.xlsx"
    path.write_bytes(await _plan_with_a_new_course_and_a_moved_cohort(db))

    sent = await staff_bot.say(f":file {path}")
    report = sent[0].text
    assert report.startswith("교육계획 파일 plan-2022.xlsx: 과정 시트와 회차 시트")
    assert "미리 확인" in report and "추가 1" in report and "추가 2" in report and "enr-test 2022 #1" in report
    assert "✅ 가져오기 실행" in sent[0].button_texts
    async with db.sessionmaker() as s:
        assert await s.get(Course, "it-data") is None  # a dry run changes nothing

    sent = await press(staff_bot, sent, "가져오기 실행")
    assert "가져왔습니다" in sent[0].text and "회차 일정이 바뀐 1명에게 새 일정을 알립니다." in sent[0].text
    (news,) = to(sent, 700)  # one message for the new course and its two cohorts
    assert "데이터 분석 입문" in news.text and "1회: 2022년 9월 12일" in news.text and "2회: 2022년 9월 19일" in news.text
    (dates,) = to(sent, 1001)
    assert "2022년 3월 14일" in dates.text
    async with db.sessionmaker() as s:
        assert (await s.get(Cohort, moved)).start_on == date(2022, 3, 14)

    again = await staff_bot.say(f":file {path}")  # the same file again: nothing to apply, nobody told twice
    assert "가져오기 실행" not in again[0].button_texts and to(again, 700) == [] and to(again, 1001) == []


async def test_an_attendance_sheet_from_chat_dry_run_then_apply(staff_bot, db, tmp_path):
    (cohort,) = await add_course(db, cohorts=[("2022-01-03", "2022-01-07")])  # begun today
    await add_employees(db, [1001, 1002])
    async with session_scope(db.sessionmaker) as s:
        for uid in (1001, 1002):
            s.add(Enrollment(user_id=uid, cohort_id=cohort, status="confirmed", requested_at=NOW, decided_at=NOW))
    path = tmp_path / "출석.csv"
    path.write_text("course_id,no,employee_no,result\nenr-test,1,E1001,수료\nenr-test,1,E1002,불참\n", encoding="utf-8")

    sent = await staff_bot.say(f":file {path}")
    assert sent[0].text == ("이수 결과 파일 출석.csv: 2행\n미리 확인 — 아직 아무것도 바뀌지 않았습니다. "
                            "수료 1명, 불참 1명을 기록합니다 (이미 같은 결과 0명).")
    async with db.sessionmaker() as s:
        assert set((await s.execute(select(Enrollment.status))).scalars()) == {"confirmed"}
    sent = await press(staff_bot, sent, "가져오기 실행")
    assert sent[0].text.endswith("기록했습니다: 수료 1명, 불참 1명 (이미 같은 결과 0명)")
    async with db.sessionmaker() as s:
        assert dict((await s.execute(select(Enrollment.user_id, Enrollment.status))).all()) == {
            1001: "completed", 1002: "no_show"}


async def test_an_attendance_sheet_with_a_wrong_row_says_which_and_changes_nothing(staff_bot, db, tmp_path):
    (cohort,) = await add_course(db, cohorts=[("2022-01-03", "2022-01-07")])
    await add_employees(db, [1001])
    async with session_scope(db.sessionmaker) as s:
        s.add(Enrollment(user_id=1001, cohort_id=cohort, status="confirmed", requested_at=NOW, decided_at=NOW))
    path = tmp_path / "attendance.csv"
    path.write_text("course_id,no,employee_no,result\nenr-test,1,E1001,수료\nenr-test,1,E9999,수료\n", encoding="utf-8")
    sent = await staff_bot.say(f":file {path}")
    assert "3행" in sent[0].text and "아무것도 가져오지 않았습니다" in sent[0].text
    assert sent[0].button_texts == []
    async with db.sessionmaker() as s:
        assert set((await s.execute(select(Enrollment.status))).scalars()) == {"confirmed"}


async def test_people_who_are_not_staff_cannot_send_either_file(staff_bot, db, tmp_path):
    path = tmp_path / "attendance.csv"
    path.write_text("course_id,no,employee_no,result\nenr-test,1,E1001,수료\n", encoding="utf-8")
    await staff_bot.say(":user 1001")
    sent = await staff_bot.say(f":file {path}")
    assert "담당자" in sent[0].text and "가져오기" not in " ".join(sent[0].button_texts)
    assert STAFF != 1001
