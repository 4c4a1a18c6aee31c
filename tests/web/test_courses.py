"""Courses and cohorts in the dashboard: seats, requests and state per cohort, the roster per cohort, and the same
roster the CLI exports as XLSX/CSV downloads."""
from __future__ import annotations

import io

from openpyxl import load_workbook
from sqlalchemy import select

from db.models import AuditEntry

from tests.web.support import EMPLOYEES, csrf_of, sign_in


async def _signed_in(dash, c) -> None:
    await dash.staff()
    await sign_in(c, await dash.link())


async def test_the_course_list_finds_a_course_and_counts_its_requests(dash):
    await dash.pending()
    async with dash.client() as c:
        await _signed_in(dash, c)
        page = (await c.get("/dashboard/courses?q=엑셀 실무 테스트")).text
        assert "엑셀 실무 테스트과정" in page and 'href="/dashboard/pending?course=dash-test">3<' in page
        assert "맞는 과정이 없습니다" in (await c.get("/dashboard/courses?q=zzqqxx")).text
        assert "맞는 과정이 없습니다" in (await c.get("/dashboard/courses", params={"q": "%"})).text  # not "all"


async def test_a_course_shows_each_cohorts_seats_and_a_roster_with_names(dash):
    await dash.pending()
    async with dash.client() as c:
        await _signed_in(dash, c)
        course = (await c.get("/dashboard/courses/dash-test")).text
        assert "2022년 3월 7일 (월)" in course and "신청 가능" in course
        assert '<td class="num" data-label="남은 자리">7</td>' in course  # 10 seats, 3 held by pending requests
        cohort = await dash.cohort_id()
        roster = (await c.get(f"/dashboard/courses/dash-test/cohorts/{cohort}")).text
        assert "직원7001" in roster and "E7002" in roster and "승인 대기" in roster
        assert (await c.get(f"/dashboard/courses/dash-test/cohorts/{cohort + 999}")).status_code == 404
        assert (await c.get("/dashboard/courses/no-such-course")).status_code == 404


async def test_the_roster_downloads_are_the_coordinators_export(dash):
    await dash.pending()
    async with dash.client() as c:
        await _signed_in(dash, c)
        xlsx = await c.get(f"/dashboard/courses/dash-test/roster.xlsx?cohort={await dash.cohort_id()}")
        csv = await c.get("/dashboard/courses/dash-test/roster.csv?year=2022")
        assert (await c.get("/dashboard/courses/dash-test/roster.pdf")).status_code == 404
    assert xlsx.headers["content-disposition"] == 'attachment; filename="roster-dash-test-1.xlsx"'
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    assert rows[0][:4] == ("이름", "부서", "직급", "직원번호") and {r[0] for r in rows[1:]} == {"직원7001", "직원7002", "직원7003"}
    assert csv.content.startswith("\ufeff".encode()) and csv.content.decode("utf-8-sig").count("직원70") == 3


async def test_downloads_and_rosters_need_a_staff_session(dash):
    await dash.pending()
    async with dash.client() as c:
        for path in ("/dashboard/courses", f"/dashboard/courses/dash-test/cohorts/{await dash.cohort_id()}",
                     "/dashboard/courses/dash-test/roster.xlsx"):
            response = await c.get(path)
            assert response.status_code == 401 and "직원7001" not in response.text


async def test_completion_and_no_shows_are_recorded_from_the_roster_once_the_cohort_has_begun(dash, clock):
    ids = await dash.confirmed()
    cohort = await dash.cohort_id()
    roster = f"/dashboard/courses/dash-test/cohorts/{cohort}"
    async with dash.client() as c:
        await _signed_in(dash, c)
        early = (await c.get(roster)).text
        assert "회차가 시작된 뒤에 기록할 수 있습니다" in early and 'name="ids"' not in early
        csrf = csrf_of(early)
        refused = await c.post(roster + "/attendance", data={"csrf": csrf, "ids": ids[:1], "outcome": "completed"},
                               follow_redirects=True)
        assert "회차가 시작된 뒤에" in refused.text and (await dash.statuses())[EMPLOYEES[0]][0] == "confirmed"

        clock.set("2022-03-14T09:00")  # the cohort (7–11 March) is over: nothing recorded yet
        await sign_in(c, await dash.link())  # the session of January has expired
        csrf = csrf_of((await c.get(roster)).text)
        course = (await c.get("/dashboard/courses/dash-test")).text
        assert "종료 (이수 확인 전)" in course
        marked = await c.post(roster + "/attendance", data={"csrf": csrf, "ids": ids[:2], "outcome": "completed"},
                              follow_redirects=True)
        assert "2명을 수료로 기록했습니다" in marked.text
        absent = await c.post(roster + "/attendance", data={"csrf": csrf, "one": f"{ids[2]}:no_show"},
                              follow_redirects=True)
        assert "1명을 불참으로 기록했습니다" in absent.text and "수료 2명, 불참 1명" in absent.text
        forged = await c.post(roster + "/attendance", data={"ids": ids[:1], "outcome": "no_show"})
        assert forged.status_code == 403
        course = (await c.get("/dashboard/courses/dash-test")).text
        assert "이수 확인 전" not in course and "수료 2명, 불참 1명" in course
    statuses = await dash.statuses()
    assert [statuses[uid][0] for uid in EMPLOYEES] == ["completed", "completed", "no_show"]
    async with dash.db.sessionmaker() as s:  # each mark is on the access record, by this staff member on the web
        rows = (await s.execute(select(AuditEntry.action, AuditEntry.actor)
                                .where(AuditEntry.action.like("attendance.%")))).all()
    assert sorted(rows) == [("attendance.completed", "web:9001")] * 2 + [("attendance.no_show", "web:9001")]


async def test_a_request_of_another_cohort_or_not_confirmed_is_not_marked(dash, clock):
    ids = await dash.pending()  # pending, not confirmed
    clock.set("2022-03-14T09:00")
    cohort = await dash.cohort_id()
    async with dash.client() as c:
        await _signed_in(dash, c)
        roster = f"/dashboard/courses/dash-test/cohorts/{cohort}"
        csrf = csrf_of((await c.get(roster)).text)
        page = await c.post(roster + "/attendance", data={"csrf": csrf, "ids": ids, "outcome": "completed"},
                            follow_redirects=True)
        assert "3명은 확정된 자리가 아니어서 기록하지 않았습니다" in page.text
        none = await c.post(roster + "/attendance", data={"csrf": csrf, "outcome": "completed"}, follow_redirects=True)
        assert "먼저 한 명 이상 선택해 주세요" in none.text
        elsewhere = await c.post(f"/dashboard/courses/it-excel/cohorts/{cohort}/attendance",
                                 data={"csrf": csrf, "ids": ids, "outcome": "no_show"})
        assert elsewhere.status_code == 404
    assert all(s == "pending" for s, _r in (await dash.statuses()).values())
