"""Broadcasts from the dashboard: the chat's audiences and count, the exact Telegram message as preview, send now
or schedule, cancel; typed HTML stays text; nothing is written before the last step."""
from __future__ import annotations

from sqlalchemy import func, select

from bot.app import render_for_language
from db.models import Broadcast
from tests.handlers.enrollment.factory import add_people
from tests.web.support import csrf_of, sign_in

FORM = {"text": "<b>내일</b> 교육장 변경: 별관 2층", "audience": "language:ko", "attach": "dash-test"}


async def _ready(dash, c) -> str:
    await dash.pending()  # also makes the course "dash-test" and three Korean-speaking employees
    await add_people(dash.db, [8001, 8002], profile=False, language="en")
    await dash.staff()
    await sign_in(c, await dash.link())
    return csrf_of((await c.get("/dashboard/broadcasts/new")).text)


async def _broadcasts(dash) -> list[Broadcast]:
    async with dash.db.sessionmaker() as s:
        return list((await s.execute(select(Broadcast).order_by(Broadcast.id))).scalars())


async def test_the_preview_counts_the_audience_and_shows_the_exact_telegram_message(dash):
    async with dash.client() as c:
        csrf = await _ready(dash, c)
        page = (await c.post("/dashboard/broadcasts/preview", data={"csrf": csrf, **FORM})).text
    assert "한국어로 봇을 쓰는 사람: 4명" in page  # three employees and the staff member
    expected = render_for_language("broadcast", {"text": "&lt;b&gt;내일&lt;/b&gt; 교육장 변경: 별관 2층",
                                                 "course_id": "dash-test", "title": "엑셀 실무 테스트과정",
                                                 "title_en": "Excel practice test course"}, "ko")
    assert expected.text in page  # the staff member's "<b>" stays text, the header is the bot's own
    assert expected.buttons[0][0].text in page
    assert await _broadcasts(dash) == []


async def test_send_now_schedules_at_once_and_later_at_the_chosen_seoul_time_then_cancel(dash):
    async with dash.client() as c:
        csrf = await _ready(dash, c)
        now = await c.post("/dashboard/broadcasts/create", data={"csrf": csrf, **FORM, "when": "now"},
                           follow_redirects=True)
        assert "1분 안에 발송을 시작합니다" in now.text
        later = await c.post("/dashboard/broadcasts/create", data={
            "csrf": csrf, **FORM, "audience": "language:en", "when": "later", "at": "2022-01-05T14:30"},
            follow_redirects=True)
        assert "2022년 1월 5일 (수) 오후 2:30에 보내도록 예약했습니다" in later.text
        b1, b2 = await _broadcasts(dash)
        assert (b1.status, b1.scheduled_at, b1.audience) == ("scheduled", dash.clock.now(), {"kind": "language", "language": "ko"})
        assert b2.scheduled_at.isoformat() == "2022-01-05T14:30:00+09:00"
        cancelled = await c.post(f"/dashboard/broadcasts/{b2.id}/cancel", data={"csrf": csrf}, follow_redirects=True)
        assert "취소했습니다" in cancelled.text
        assert [b.status for b in await _broadcasts(dash)] == ["scheduled", "cancelled"]
        listing = (await c.get("/dashboard/broadcasts")).text
        assert f"#{b1.id}" in listing and "취소" in listing


async def test_an_empty_message_a_past_time_or_no_audience_are_explained_and_nothing_is_written(dash):
    async with dash.client() as c:
        csrf = await _ready(dash, c)
        empty = await c.post("/dashboard/broadcasts/preview", data={"csrf": csrf, **FORM, "text": "  "})
        assert empty.status_code == 422 and "메시지를 입력하세요" in empty.text
        nobody = await c.post("/dashboard/broadcasts/preview", data={"csrf": csrf, **FORM, "audience": "exam:nope"})
        assert nobody.status_code == 422 and "받을 대상을 고르세요" in nobody.text
        past = await c.post("/dashboard/broadcasts/create", data={
            "csrf": csrf, **FORM, "when": "later", "at": "2021-12-31T09:00"}, follow_redirects=True)
        assert "이미 지난 시간입니다" in past.text
        forged = await c.post("/dashboard/broadcasts/create", data={**FORM, "when": "now"})
        assert forged.status_code == 403
    async with dash.db.sessionmaker() as s:
        assert (await s.execute(select(func.count()).select_from(Broadcast))).scalar_one() == 0


async def _draft_cohort(dash) -> int:
    """A cohort of dash-test in a draft (unpublished) plan year: nobody's yet, never offered as an audience."""
    from datetime import date

    from catalog.plan import ensure_year
    from db.models import Cohort
    from db.session import session_scope

    async with session_scope(dash.db.sessionmaker) as s:
        await ensure_year(s, 2023, dash.clock.now())
        cohort = Cohort(course_id="dash-test", year=2023, number=1, start_on=date(2023, 3, 6), end_on=date(2023, 3, 10),
                        precision="day", capacity=10, capacity_estimated=False, status="open",
                        created_at=dash.clock.now())
        s.add(cohort)
        await s.flush()
        return cohort.id


async def test_the_composer_counts_the_chosen_audience_live_and_without_script(dash):
    async with dash.client() as c:
        csrf = await _ready(dash, c)
        page = (await c.get("/dashboard/broadcasts/new")).text
        assert 'id="audience-count" role="status" aria-live="polite">봇을 쓰는 모든 사람: 6명<' in page
        live = (await c.get("/dashboard/broadcasts/count", params={
            "audience": "course", "course_id": "dash-test", "statuses": "all"})).json()
        assert live["text"] == "엑셀 실무 테스트과정 신청자·대기자: 3명"
        assert live["cohorts"] == [[await dash.cohort_id(), "1회 (2022년 3월 7일 (월))"]]
        english = (await c.get("/dashboard/broadcasts/count", params={"audience": "language:en"})).json()
        assert english["text"] == "영어로 봇을 쓰는 사람: 2명"
        # Without script: the "count again" button posts the form back to the composer, which keeps it.
        counted = (await c.post("/dashboard/broadcasts/new", data={"csrf": csrf, **FORM, "count": "1"})).text
        assert ">한국어로 봇을 쓰는 사람: 4명<" in counted and "별관 2층</textarea>" in counted
        assert (await c.post("/dashboard/broadcasts/new", data={**FORM, "count": "1"})).status_code == 403
    assert await _broadcasts(dash) == []


async def test_the_composer_offers_published_cohorts_only(dash):
    async with dash.client() as c:
        csrf = await _ready(dash, c)
        draft = await _draft_cohort(dash)
        published = await dash.cohort_id()
        page = (await c.post("/dashboard/broadcasts/new", data={
            "csrf": csrf, "audience": "course", "course_id": "dash-test", "count": "1"})).text
        assert f'<option value="{published}">1회' in page and f'<option value="{draft}"' not in page
        live = (await c.get("/dashboard/broadcasts/count", params={"audience": "course", "course_id": "dash-test"})).json()
        assert [cid for cid, _label in live["cohorts"]] == [published]
        one = {**FORM, "audience": "course", "course_id": "dash-test", "statuses": "all"}
        ok = await c.post("/dashboard/broadcasts/preview", data={"csrf": csrf, **one, "cohort": str(published)})
        assert "엑셀 실무 테스트과정 1회 신청자·대기자: 3명" in ok.text
        forged = await c.post("/dashboard/broadcasts/preview", data={"csrf": csrf, **one, "cohort": str(draft)})
        assert forged.status_code == 422 and "메시지를 받을 대상을 고르세요" in forged.text
