"""Plan upload in the dashboard: a dry run row by row, problems named by row and column, then apply exactly the
checked file (a swapped file is refused); the same import as the chat and the CLI."""
from __future__ import annotations

import re

from sqlalchemy import select

from db.models import Cohort
from tests.web.support import csrf_of, sign_in

BAD = ("course_id,no,start,end,capacity,precision\n"
       "it-excel,7,2022/05/02,2022.05.01,10,\n"
       "ghost,1,2022-03-02,,10,\n").encode()
GOOD = ("course_id,no,start,end,capacity\n"
        "it-excel,1,2022-03-02,2022-03-04,30\n"
        "it-excel,7,2022-05-02,2022-05-04,\n").encode()


async def _signed_in(dash, c) -> str:
    await dash.staff()
    await sign_in(c, await dash.link())
    return csrf_of((await c.get("/dashboard/plan")).text)


async def _cohort7(dash):
    async with dash.db.sessionmaker() as s:
        return (await s.execute(select(Cohort).where(Cohort.course_id == "it-excel", Cohort.number == 7))).scalar_one_or_none()


async def test_a_file_with_errors_shows_each_problem_by_row_and_changes_nothing(dash):
    async with dash.client() as c:
        csrf = await _signed_in(dash, c)
        page = await c.post("/dashboard/plan", data={"csrf": csrf}, files={"file": ("h.csv", BAD, "text/csv")})
    assert "문제 2건" in page.text
    rows = re.findall(r'<tr class="problem"><td>(\d+)</td><td data-label="열">(\w+)</td>', page.text)
    assert rows == [("2", "end"), ("3", "course_id")]
    assert 'name="content"' not in page.text and await _cohort7(dash) is None


async def test_dry_run_then_apply_the_checked_file_and_a_swapped_file_is_refused(dash):
    async with dash.client() as c:
        csrf = await _signed_in(dash, c)
        dry = await c.post("/dashboard/plan", data={"csrf": csrf}, files={"file": ("h.csv", GOOD, "text/csv")})
        assert "아직 바뀐 것은 없습니다. 추가 1, 변경 1, 그대로 0" in dry.text
        assert "it-excel 2022 #7" in dry.text and "it-excel 2022 #1" in dry.text and "capacity" in dry.text
        assert await _cohort7(dash) is None
        carried = dict(re.findall(r'name="(name|kind|content|digest)" value="([^"]*)"', dry.text))
        import base64

        swapped = await c.post("/dashboard/plan", data={
            "csrf": csrf, **carried, "content": base64.b64encode(GOOD.replace(b"30", b"99")).decode()})
        assert swapped.status_code == 400 and await _cohort7(dash) is None
        applied = await c.post("/dashboard/plan", data={"csrf": csrf, **carried})
        assert "가져왔습니다: 추가 1, 변경 1, 그대로 0." in applied.text
    new = await _cohort7(dash)
    assert new is not None and new.capacity is None


async def test_an_unreadable_file_is_explained(dash):
    async with dash.client() as c:
        csrf = await _signed_in(dash, c)
        page = await c.post("/dashboard/plan", data={"csrf": csrf},
                            files={"file": ("x.csv", b"\x00\x01binary" * 10, "text/csv")})
    assert page.status_code == 422 and "x.csv" in page.text and "Traceback" not in page.text


async def test_copy_a_year_into_a_draft_then_publish_it_once(dash):
    from catalog.plan import is_published

    async with dash.client() as c:
        csrf = await _signed_in(dash, c)
        copied = await c.post("/dashboard/plan/copy", data={"csrf": csrf, "source": "2022", "target": "2023"},
                              follow_redirects=True)
        assert "2023년 초안에 복사했습니다" in copied.text and "초안" in copied.text
        async with dash.db.sessionmaker() as s:
            assert not await is_published(s, 2023)
        published = await c.post("/dashboard/plan/publish", data={"csrf": csrf, "year": "2023"}, follow_redirects=True)
        assert "2023년 교육계획을 공개했습니다" in published.text
        again = await c.post("/dashboard/plan/publish", data={"csrf": csrf, "year": "2023"}, follow_redirects=True)
        assert "이미 공개되어 있어 다시 보내지 않았습니다" in again.text
        refused = await c.post("/dashboard/plan/copy", data={"csrf": csrf, "source": "2022", "target": "2023"},
                               follow_redirects=True)
        assert "이미 공개되었습니다" in refused.text
        forged = await c.post("/dashboard/plan/publish", data={"year": "2024"})
        assert forged.status_code == 403
    async with dash.db.sessionmaker() as s:
        assert await is_published(s, 2023)


# Every staff file goes through the chat's service (notifications.staff_files): a plan workbook, an attendance sheet.
COURSE_HEAD = ["id", "title", "title_en", "category", "topic", "delivery"]
COHORT_HEAD = ["course_id", "year", "no", "start", "end", "capacity"]
NEW_COURSE = ["it-data", "데이터 분석 입문", "Data analysis", "일반교육/직무역량/IT", "it", "face_to_face"]


def _plan_workbook(delivery: str = "face_to_face", second_end: str = "2022-09-20") -> bytes:
    from tests.support.workbooks import workbook

    return workbook({"courses": [COURSE_HEAD, [*NEW_COURSE[:5], delivery]],
                     "cohorts": [COHORT_HEAD, ["it-data", 2022, 1, "2022-09-12", "2022-09-13", 20],
                                 ["it-data", 2022, 2, "2022-09-19", second_end, 20]]})


def _problems(html: str) -> list[tuple[str, str]]:
    return re.findall(r'<tr class="problem"><td>(\d+)</td><td data-label="열">(\w+)</td>', html)


def _carried_fields(html: str) -> dict:
    return dict(re.findall(r'name="(name|kind|content|digest)" value="([^"]*)"', html))


async def test_a_plan_workbook_shows_each_sheets_problems_by_row_then_a_correct_one_is_applied(dash):
    from tests.handlers.broadcasts.people import add_people

    await add_people(dash.db, [700], topics=("it",))  # hears about new IT courses
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    async with dash.client() as c:
        csrf = await _signed_in(dash, c)
        bad = await c.post("/dashboard/plan", data={"csrf": csrf}, files={"file": (
            "plan-2022.xlsx", _plan_workbook(delivery="teleport", second_end="2022-09-01"), xlsx)})
        assert "교육계획 파일 plan-2022.xlsx: 과정 시트와 회차 시트" in bad.text
        assert "plan-2022.xlsx 가져오기 (과정): 1행." in bad.text and "plan-2022.xlsx 가져오기 (회차): 2행." in bad.text
        # each sheet's own row numbers; the cohorts of a course that cannot be imported are unknown
        assert _problems(bad.text) == [("2", "delivery"), ("2", "course_id"), ("3", "end")]
        assert "teleport" in bad.text and 'name="content"' not in bad.text

        dry = await c.post("/dashboard/plan", data={"csrf": csrf},
                           files={"file": ("plan-2022.xlsx", _plan_workbook(), xlsx)})
        assert "아직 바뀐 것은 없습니다. 추가 1, 변경 0, 그대로 0" in dry.text  # the course
        assert "아직 바뀐 것은 없습니다. 추가 2, 변경 0, 그대로 0" in dry.text  # its cohorts
        assert "it-data 2022 #1" in dry.text and "it-data 2022 #2" in dry.text
        carried = _carried_fields(dry.text)
        assert carried["kind"] == "plan"
        assert (await c.get("/dashboard/courses/it-data")).status_code == 404  # a dry run changes nothing

        applied = await c.post("/dashboard/plan", data={"csrf": csrf, **carried})
        assert "가져왔습니다: 추가 1, 변경 0, 그대로 0." in applied.text
        assert "가져왔습니다: 추가 2, 변경 0, 그대로 0." in applied.text
        assert "구독자 1명에게 과정 소식을 보냅니다." in applied.text  # the chat's sentence, the same news
        course = (await c.get("/dashboard/courses/it-data")).text
    assert "데이터 분석 입문" in course and "2022년 9월 12일" in course and "2022년 9월 19일" in course
    async with dash.db.sessionmaker() as s:
        from db.models import OutboxMessage

        assert set((await s.execute(select(OutboxMessage.user_id))).scalars()) == {700}


async def test_an_attendance_sheet_dry_run_names_who_changes_then_the_roster_shows_it(dash, clock):
    from db.models import AuditEntry
    from tests.web.support import EMPLOYEES

    await dash.confirmed()  # 7001–7003 hold confirmed seats in dash-test #1, 7–11 March
    clock.set("2022-03-14T09:00")
    sheet = "course_id,no,employee_no,result\ndash-test,1,E7001,수료\ndash-test,1,E7002,불참\n".encode()
    async with dash.client() as c:
        csrf = await _signed_in(dash, c)
        dry = await c.post("/dashboard/plan", data={"csrf": csrf}, files={"file": ("출석.csv", sheet, "text/csv")})
        assert "이수 결과 파일 출석.csv: 2행" in dry.text
        assert "미리 확인 — 아직 아무것도 바뀌지 않았습니다. 수료 1명, 불참 1명을 기록합니다 (이미 같은 결과 0명)." in dry.text
        rows = [re.sub(r"<[^>]+>", "|", r) for r in re.findall(r'<tr class="change">(.*?)</tr>', dry.text, re.S)]
        assert [[cell.strip() for cell in r.split("|") if cell.strip()] for r in rows] == [
            ["2", "직원7001 · E7001", "dash-test 2022년 1회", "확정", "수료"],
            ["3", "직원7002 · E7002", "dash-test 2022년 1회", "확정", "불참 (미이수)"]]
        assert [s for s, _r in (await dash.statuses()).values()] == ["confirmed"] * 3

        applied = await c.post("/dashboard/plan", data={"csrf": csrf, **_carried_fields(dry.text)})
        assert "기록했습니다: 수료 1명, 불참 1명 (이미 같은 결과 0명)" in applied.text
        roster = (await c.get(f"/dashboard/courses/dash-test/cohorts/{await dash.cohort_id()}")).text
    assert "수료 1명, 불참 1명" in roster
    statuses = await dash.statuses()
    assert [statuses[uid][0] for uid in EMPLOYEES] == ["completed", "no_show", "confirmed"]
    async with dash.db.sessionmaker() as s:  # the check named them (a read), then the import changed them
        rows = (await s.execute(select(AuditEntry.action, AuditEntry.actor, AuditEntry.detail)
                                .where(AuditEntry.action.like("attendance.%")).order_by(AuditEntry.id))).all()
    assert [(a, actor, d["people"]) for a, actor, d in rows] == [
        ("attendance.check", "web:9001", [7001, 7002]), ("attendance.import", "web:9001", [7001, 7002])]


async def test_a_wrong_file_gets_a_polite_page_and_a_checked_file_cannot_be_applied_as_another_kind(dash):
    async with dash.client() as c:
        csrf = await _signed_in(dash, c)
        pdf = await c.post("/dashboard/plan", data={"csrf": csrf},
                           files={"file": ("plan.pdf", b"%PDF-1.4 not a sheet", "application/pdf")})
        assert pdf.status_code == 422 and "CSV나 XLSX" in pdf.text and "plan.pdf" in pdf.text
        assert "Traceback" not in pdf.text and 'type="file"' in pdf.text  # the upload form, to try again
        dry = await c.post("/dashboard/plan", data={"csrf": csrf}, files={"file": ("h.csv", GOOD, "text/csv")})
        carried = _carried_fields(dry.text)
        assert carried["kind"] == "cohorts"
        as_courses = await c.post("/dashboard/plan", data={"csrf": csrf, **carried, "kind": "courses"})
        assert as_courses.status_code == 400 and await _cohort7(dash) is None
