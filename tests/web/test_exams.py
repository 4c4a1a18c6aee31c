"""Exams in the dashboard: rounds with their dates, next event first, and subscribers per round."""
from __future__ import annotations

from db.session import session_scope
from notifications.exams.subscriptions import subscribe
from tests.handlers.enrollment.factory import add_people
from tests.web.support import sign_in


async def test_rounds_show_their_dates_and_how_many_follow_them(dash):
    await add_people(dash.db, [7001, 7002], profile=False)
    async with session_scope(dash.db.sessionmaker) as s:
        for uid in (7001, 7002):
            assert (await subscribe(s, uid, "open-2022-1", dash.clock.now())).ok
    async with dash.client() as c:
        await dash.staff()
        await sign_in(c, await dash.link())
        page = (await c.get("/dashboard/exams")).text
    assert "2022년 제1회 서울시 공개·경력경쟁 임용시험" in page and "구독자 2명" in page
    assert "필기시험</strong> · 2022년 2월 26일 (토)" in page
