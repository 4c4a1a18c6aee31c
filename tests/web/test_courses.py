"""Courses and cohorts in the dashboard: seats, requests and state per cohort, the roster per cohort, and the same
roster the CLI exports as XLSX/CSV downloads."""
from __future__ import annotations

import io

from openpyxl import load_workbook

from tests.web.support import sign_in


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
