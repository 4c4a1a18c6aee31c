"""The access record in the dashboard: newest first, filtered by who and what, exported as CSV; staff only."""
from __future__ import annotations

from tests.web.support import csrf_of, sign_in


async def test_the_access_record_lists_filters_and_exports_what_staff_did(dash):
    ids = await dash.pending()
    async with dash.client() as c:
        await dash.staff()
        await sign_in(c, await dash.link())
        csrf = csrf_of((await c.get("/dashboard/pending")).text)
        await c.post("/dashboard/pending/decide", data={"csrf": csrf, "ids": ids[:1], "action": "approve"})
        page = (await c.get("/dashboard/audit")).text
        assert page.index("enrollment.approve") < page.index("enrollment.view_pending")  # newest first
        assert "web:9001" in page and "직원7001" not in page  # ids and counts, never names
        only = (await c.get("/dashboard/audit?action=enrollment.approve")).text
        assert "<td data-label=\"작업\">enrollment.view_pending" not in only and f"enrollment:{ids[0]}" in only
        nobody = (await c.get("/dashboard/audit?actor=tg:1")).text
        assert "조건에 맞는 기록이 없습니다" in nobody
        later = (await c.get("/dashboard/audit?since=2022-01-04")).text
        assert "조건에 맞는 기록이 없습니다" in later
        export = await c.get("/dashboard/audit.csv?actor=web:9001")
    lines = export.content.decode("utf-8-sig").strip().splitlines()
    assert lines[0].startswith("id,at,actor") and len(lines) == 3
    assert all(",web:9001," in line for line in lines[1:])


async def test_the_access_record_is_for_staff_only(dash):
    async with dash.client() as c:
        assert (await c.get("/dashboard/audit")).status_code == 401
        assert (await c.get("/dashboard/audit.csv")).status_code == 401
