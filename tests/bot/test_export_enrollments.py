"""`hrdbot export enrollments --course ID --xlsx/--csv FILE`: the coordinator's roster, and one-line errors."""
from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from bot.cli import build_parser
from catalog import enrollment as svc
from db.access import Actor
from db.session import session_scope
from tests.handlers.enrollment.factory import NOW, add_course, add_people


async def _run(argv, monkeypatch, db):
    monkeypatch.setenv("HRDBOT_DATABASE_URL", db.url)
    monkeypatch.setenv("HRDBOT_LOCALE", "ko")
    monkeypatch.setenv("HRDBOT_NOW", "2022-01-03T09:00")
    args = build_parser().parse_args(argv)
    return await args.func(args)


async def _three_requests(db):
    (cohort_id,) = await add_course(db, capacity=1, approval="staff")
    await add_people(db, [4001, 4002, 4003])
    async with session_scope(db.sessionmaker) as s:
        a = await svc.request_seat(s, user_id=4001, cohort_id=cohort_id, now=NOW)
        await svc.request_seat(s, user_id=4002, cohort_id=cohort_id, now=NOW)
        await svc.request_seat(s, user_id=4003, cohort_id=cohort_id, now=NOW)
        await svc.reject(s, enrollment_id=a.enrollment_id, actor=Actor.operator("test"), now=NOW, reason="정원 초과")


async def test_xlsx_roster_lists_everyone_with_status(db, tmp_path, monkeypatch, capsys):
    await _three_requests(db)
    target = tmp_path / "roster.xlsx"
    assert await _run(["export", "enrollments", "--course", "enr-test", "--xlsx", str(target)], monkeypatch, db) == 0
    assert "3 requests" in capsys.readouterr().out
    rows = list(load_workbook(target).active.iter_rows(values_only=True))
    assert rows[0][:4] == ("이름", "부서", "직급", "직원번호")
    people = {r[0]: r for r in rows[1:]}
    assert set(people) == {"직원4001", "직원4002", "직원4003"}
    assert people["직원4001"][9] == "반려" and people["직원4001"][13] == "정원 초과"
    assert people["직원4002"][9] == "승인 대기"  # promoted from the waitlist into the freed seat
    assert people["직원4003"][9] == "대기" and people["직원4003"][10] == 1
    assert people["직원4002"][1:4] == ("행정국", "7급", "E4002")


async def test_csv_roster_opens_in_excel(db, tmp_path, monkeypatch):
    await _three_requests(db)
    target = tmp_path / "roster.csv"
    assert await _run(["export", "enrollments", "--course", "enr-test", "--csv", str(target)], monkeypatch, db) == 0
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads the Korean right
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == 4 and rows[1][6] == "2022-03-07"


async def test_unknown_course_and_unwritable_path_are_one_line_errors(db, tmp_path, monkeypatch, capsys):
    code = await _run(["export", "enrollments", "--course", "no-such", "--xlsx", str(tmp_path / "x.xlsx")],
                      monkeypatch, db)
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "unknown course 'no-such'" in err
    code = await _run(["export", "enrollments", "--course", "enr-test", "--csv", str(tmp_path / "nope" / "x.csv")],
                      monkeypatch, db)
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "cannot write" in err


async def test_retirement_roster_has_the_expected_retirement_and_family_programme_answers(db, tmp_path, monkeypatch):
    from datetime import date

    from catalog.retirement import SignUp, programs, submit

    await add_people(db, [5001, 5002])
    async with session_scope(db.sessionmaker) as s:
        future = next(p for p in await programs(s) if p.family_programme)
        cohort = future.cohorts[-1]
        await submit(s, user_id=5001, now=NOW, signup=SignUp(future.course_id, cohort.id, date(2030, 6, 30), family=True))
        await submit(s, user_id=5002, now=NOW, signup=SignUp(future.course_id, cohort.id, date(2031, 12, 31), family=False))
    target = tmp_path / "retire.xlsx"
    assert await _run(["export", "enrollments", "--course", future.course_id, "--xlsx", str(target)],
                      monkeypatch, db) == 0
    rows = list(load_workbook(target).active.iter_rows(values_only=True))
    assert rows[0][-2:] == ("퇴직 예정일", "가족 프로그램")
    people = {r[0]: r for r in rows[1:]}
    assert people["직원5001"][-1] == "가족과 함께 참여" and people["직원5002"][-1] == "참여 안 함"
    assert people["직원5001"][-2].date() == date(2030, 6, 30)

    # An ordinary course keeps the plain columns.
    await _three_requests(db)
    plain = tmp_path / "plain.csv"
    assert await _run(["export", "enrollments", "--course", "enr-test", "--csv", str(plain)], monkeypatch, db) == 0
    assert "가족 프로그램" not in plain.read_bytes().decode("utf-8-sig")
