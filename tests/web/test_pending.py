"""Pending requests in the dashboard: approve or reject one or many through the chat's own service, so each
employee gets the same notice as when staff decide in the chat; forged or incomplete forms change nothing."""
from __future__ import annotations

from sqlalchemy import select

from bot.app import render_for_language
from db.models import OutboxMessage
from tests.web.support import EMPLOYEES, STAFF, csrf_of, sign_in


async def _signed_in(dash, c) -> str:
    await dash.staff()
    await sign_in(c, await dash.link())
    return csrf_of((await c.get("/dashboard/pending")).text)


async def _notices(dash) -> dict[int, str]:
    import handlers.enrollment.notices  # noqa: F401 - registers the enrollment notice renderer

    async with dash.db.sessionmaker() as s:
        rows = (await s.execute(select(OutboxMessage).order_by(OutboxMessage.id))).scalars().all()
    return {r.user_id: render_for_language(r.kind, r.params, "ko").text for r in rows}


async def test_the_list_shows_who_asked_for_what_and_filters_by_course(dash):
    await dash.pending()
    async with dash.client() as c:
        await _signed_in(dash, c)
        page = (await c.get("/dashboard/pending")).text
        assert all(f"직원{uid}" in page for uid in EMPLOYEES)
        assert "엑셀 실무 테스트과정 1회" in page and "행정국" in page
        other = (await c.get("/dashboard/pending?course=nothing-here")).text
        assert "직원7001" not in other


async def test_staff_find_a_persons_request_by_name_or_employee_number_and_return_to_that_search(dash):
    ids = await dash.pending()
    async with dash.client() as c:
        csrf = await _signed_in(dash, c)
        by_name = (await c.get("/dashboard/pending", params={"who": "직원7002"})).text
        assert "직원7002" in by_name and "직원7001" not in by_name and "(1)" in by_name
        assert "직원7003" in (await c.get("/dashboard/pending", params={"who": "e7003"})).text  # any case
        nobody = (await c.get("/dashboard/pending", params={"who": "7_0"})).text  # LIKE's _ is literal (not "700")
        assert "직원700" not in nobody and "“7_0”에 맞는 승인 대기 신청이 없습니다" in nobody
        assert "직원700" not in (await c.get("/dashboard/pending", params={"who": "7%1"})).text
        decided = await c.post("/dashboard/pending/decide", data={"csrf": csrf, "ids": ids[1:2], "action": "approve",
                                                                   "who": "직원7002"})
        assert decided.headers["location"].startswith("/dashboard/pending?who=")  # back to the same search
    statuses = await dash.statuses()
    assert [statuses[uid][0] for uid in EMPLOYEES] == ["pending", "confirmed", "pending"]


async def test_approving_two_at_once_confirms_both_and_queues_the_chat_notice_for_each(dash):
    ids = await dash.pending()
    async with dash.client() as c:
        csrf = await _signed_in(dash, c)
        done = await c.post("/dashboard/pending/decide", data={"csrf": csrf, "ids": ids[:2], "action": "approve"},
                            follow_redirects=True)
    assert "2건을 승인했습니다" in done.text
    statuses = await dash.statuses()
    assert [statuses[u][0] for u in EMPLOYEES] == ["confirmed", "confirmed", "pending"]
    notices = await _notices(dash)
    assert sorted(notices) == EMPLOYEES[:2]
    assert all("승인" in text and "엑셀 실무 테스트과정" in text for text in notices.values())


async def test_rejecting_with_a_typed_reason_tells_the_employee_that_reason(dash):
    ids = await dash.pending()
    async with dash.client() as c:
        csrf = await _signed_in(dash, c)
        form = await c.get(f"/dashboard/pending/{ids[0]}/reject")
        assert form.status_code == 200 and "반려 사유" in form.text
        await c.post(f"/dashboard/pending/{ids[0]}/reject",
                     data={"csrf": csrf, "reason_text": "  이번 회차는\x07 부서 배정 인원이 찼습니다 "})
    assert (await dash.statuses())[EMPLOYEES[0]] == ("rejected", "이번 회차는 부서 배정 인원이 찼습니다")
    assert "이번 회차는 부서 배정 인원이 찼습니다" in (await _notices(dash))[EMPLOYEES[0]]


async def test_a_rejection_needs_a_reason_and_a_preset_one_is_shown_translated(dash):
    ids = await dash.pending()
    async with dash.client() as c:
        csrf = await _signed_in(dash, c)
        none = await c.post("/dashboard/pending/decide", data={"csrf": csrf, "ids": ids, "action": "reject"},
                            follow_redirects=True)
        assert "반려 사유를 고르거나 입력하세요" in none.text
        assert all(s == "pending" for s, _r in (await dash.statuses()).values())
        await c.post("/dashboard/pending/decide",
                     data={"csrf": csrf, "ids": ids[2:], "action": "reject", "reason_preset": "2"})
    assert (await dash.statuses())[EMPLOYEES[2]] == ("rejected", "Please apply for a later cohort")
    assert "다음 회차" in (await _notices(dash))[EMPLOYEES[2]]


async def test_a_forged_post_without_the_csrf_token_is_refused_and_changes_nothing(dash):
    ids = await dash.pending()
    async with dash.client() as c:
        await _signed_in(dash, c)
        for data in ({"ids": ids, "action": "approve"}, {"csrf": "guess", "ids": ids, "action": "approve"},
                     {"csrf": "토큰", "ids": ids, "action": "approve"}):
            refused = await c.post("/dashboard/pending/decide", data=data)
            assert refused.status_code == 403 and "보안 토큰" in refused.text
    assert all(s == "pending" for s, _r in (await dash.statuses()).values())
    assert await _notices(dash) == {}


async def test_a_request_decided_meanwhile_in_the_chat_is_reported_not_decided_twice(dash):
    from catalog import enrollment as svc
    from db.access import Actor
    from db.session import session_scope

    ids = await dash.pending()
    async with dash.client() as c:
        csrf = await _signed_in(dash, c)
        async with session_scope(dash.db.sessionmaker) as s:  # another staff member, in the chat
            await svc.approve(s, enrollment_id=ids[0], actor=Actor.person(STAFF + 1, admin_ids={STAFF + 1}),
                              now=dash.clock.now())
        page = await c.post("/dashboard/pending/decide", data={"csrf": csrf, "ids": ids[:2], "action": "reject",
                                                               "reason_preset": "0"}, follow_redirects=True)
    assert "1건을 반려했습니다" in page.text and "1건은 이미 다른 담당자가 처리했습니다" in page.text
    statuses = await dash.statuses()
    assert statuses[EMPLOYEES[0]][0] == "confirmed" and statuses[EMPLOYEES[1]][0] == "rejected"


async def test_every_view_of_names_and_every_decision_is_in_the_access_record_as_a_web_actor(dash):
    from db.audit import entries

    ids = await dash.pending()
    async with dash.client() as c:
        csrf = await _signed_in(dash, c)
        await c.post("/dashboard/pending/decide", data={"csrf": csrf, "ids": ids[:2], "action": "approve"})
    async with dash.db.sessionmaker() as s:
        rows = [(r.actor, r.action, r.subjects) for r in await entries(s)]
    assert rows == [("web:9001", "enrollment.view_pending", 3), ("web:9001", "enrollment.approve", 1),
                    ("web:9001", "enrollment.approve", 1)]
