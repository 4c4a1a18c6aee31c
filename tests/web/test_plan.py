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
        carried = dict(re.findall(r'name="(name|content|digest)" value="([^"]*)"', dry.text))
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
