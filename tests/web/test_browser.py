"""The dashboard in real headless Chromium (Debian's package), on SQLite and PostgreSQL: sign-in by link,
approving two requests at once (the employees' notices arrive at the Bot API stand-in), rejecting with a typed
reason, refused links and forged forms; 1280 px and 390 px wide, keyboard use and accessible names.
Every scenario saves screenshots under artifacts/browser/."""
from __future__ import annotations

import re

import pytest
from telegram import Bot
from telegram.request import HTTPXRequest

from bot.app import render_for_language
from bot.sender import TelegramSender
from notifications.dispatcher import Dispatcher, RateLimits
from tests.support.botapi_standin import BotApiStandIn
from tests.web.browser import NARROW, WIDE, check_at_both_widths, horizontal_overflow, shot, unnamed_controls
from tests.web.support import EMPLOYEES, STAFF

pytestmark = pytest.mark.browser


async def _signed_in_page(browser, dash, base: str, viewport=WIDE):
    await dash.staff()
    page = await browser.new_page(viewport=viewport, locale="ko-KR")
    await page.goto(await dash.link())
    await page.get_by_role("button", name="로그인").click()
    await page.wait_for_url(f"{base}/dashboard/")
    return page


async def test_sign_in_by_link_then_overview_and_pending_work_at_1280_and_390_px_by_keyboard(browser, dash, request):
    await dash.pending()
    async with dash.serve() as base:
        page = await _signed_in_page(browser, dash, base)
        assert await page.get_by_role("heading", level=1).inner_text() == "2022년 현황"
        assert await page.get_by_role("img", name="최근 30일 일별 신청 건수").count() == 1
        assert await unnamed_controls(page) == []
        await shot(page, request, "overview-1280")

        # Keyboard only: the first Tab reaches "skip to content", then the menu; Enter opens the pending page.
        await page.keyboard.press("Tab")
        assert await page.evaluate("document.activeElement.textContent.trim()") == "본문으로 건너뛰기"
        for _ in range(6):
            await page.keyboard.press("Tab")
            if await page.evaluate("document.activeElement.textContent.trim()") == "승인 대기":
                break
        await page.keyboard.press("Enter")
        await page.wait_for_url(f"{base}/dashboard/pending")
        assert await page.get_by_role("checkbox", name="직원7001 님의 신청 선택").count() == 1
        assert await unnamed_controls(page) == []
        await shot(page, request, "pending-1280")

        await page.set_viewport_size(NARROW)
        for path in ("/dashboard/", "/dashboard/pending"):
            await page.goto(base + path)
            assert await horizontal_overflow(page) == 0, f"{path} scrolls sideways at 390 px"
        await shot(page, request, "pending-390")
        await page.goto(base + "/dashboard/")
        await shot(page, request, "overview-390")


async def test_approving_two_requests_at_once_sends_each_employee_the_chat_notice(browser, dash, request, clock):
    import handlers.enrollment.notices  # noqa: F401 - the enrollment notice renderer (as in the running bot)

    await dash.pending()
    async with dash.serve() as base:
        page = await _signed_in_page(browser, dash, base)
        await page.goto(base + "/dashboard/pending")
        await page.get_by_role("checkbox", name="직원7001 님의 신청 선택").check()
        await page.get_by_role("checkbox", name="직원7002 님의 신청 선택").check()
        await page.get_by_role("button", name="선택 승인").click()
        await page.get_by_text("2건을 승인했습니다").wait_for()
        assert await page.get_by_role("checkbox", name="직원7001 님의 신청 선택").count() == 0
        await shot(page, request, "approved")

    standin = BotApiStandIn(rate=200, per_chat_interval=0.01).start()
    try:
        bot = Bot(standin.token, base_url=standin.base_url, request=HTTPXRequest(read_timeout=2))
        await bot.initialize()
        dispatcher = Dispatcher(dash.db.sessionmaker, clock, TelegramSender(bot), render_for_language,
                                limits=RateLimits(per_second=150, per_chat_interval=0.02))
        await dispatcher.drain()
        await bot.shutdown()
    finally:
        standin.stop()
    delivered = dict(standin.delivered)
    assert sorted(delivered) == EMPLOYEES[:2]
    for text in delivered.values():
        assert "엑셀 실무 테스트과정" in text and "승인" in text
    assert (await dash.statuses())[EMPLOYEES[2]][0] == "pending"


async def test_one_checkbox_selects_every_request_on_the_page_and_shows_a_partial_choice(browser, dash, request):
    await dash.pending()
    async with dash.serve() as base:
        page = await _signed_in_page(browser, dash, base)
        await page.goto(base + "/dashboard/pending")
        every = page.get_by_role("checkbox", name="이 페이지의 신청 모두 선택")
        await every.check()
        rows = page.get_by_role("checkbox", name=re.compile("님의 신청 선택"))
        assert [await box.is_checked() for box in await rows.all()] == [True, True, True]
        await page.get_by_role("checkbox", name="직원7003 님의 신청 선택").uncheck()
        assert await every.evaluate("box => [box.checked, box.indeterminate]") == [False, True]
        await check_at_both_widths(page, request, "select-all")
        await page.set_viewport_size(WIDE)
        await page.get_by_role("button", name="선택 승인").click()
        await page.get_by_text("2건을 승인했습니다").wait_for()
    statuses = await dash.statuses()
    assert [statuses[uid][0] for uid in EMPLOYEES] == ["confirmed", "confirmed", "pending"]


async def test_rejecting_with_a_typed_reason(browser, dash, request):
    ids = await dash.pending()
    async with dash.serve() as base:
        page = await _signed_in_page(browser, dash, base)
        await page.goto(base + "/dashboard/pending")
        await page.get_by_role("link", name="직원7003 님의 신청 반려").click()
        await page.wait_for_url(f"{base}/dashboard/pending/{ids[2]}/reject")
        await page.get_by_role("textbox", name="또는 사유 직접 입력").fill("신청 부서 정원이 이미 찼습니다")
        await shot(page, request, "reason")
        await page.get_by_role("button", name="이 사유로 반려").click()
        await page.get_by_text("1건을 반려했습니다").wait_for()
        await shot(page, request, "rejected")
    assert (await dash.statuses())[EMPLOYEES[2]] == ("rejected", "신청 부서 정원이 이미 찼습니다")


async def test_a_non_staff_link_and_a_reused_link_are_refused_with_a_plain_korean_page(browser, dash, request):
    await dash.staff()
    async with dash.serve() as base:
        page = await browser.new_page(viewport=WIDE)
        link = await dash.link()
        await page.goto(link)
        await page.get_by_role("button", name="로그인").click()
        await page.wait_for_url(f"{base}/dashboard/")
        reused = await browser.new_page(viewport=WIDE)  # another browser context would do the same
        response = await reused.goto(link)
        assert response.status == 403
        assert "이미 사용된 로그인 링크입니다" in await reused.inner_text("main")
        await shot(reused, request, "reused")

        await dash.staff(7777)
        await dash.set_role(7777, "user")
        stranger = await browser.new_page(viewport=NARROW)
        await stranger.goto(await dash.link(7777))
        await stranger.get_by_role("button", name="로그인").click()
        assert "담당자 권한이 없습니다" in await stranger.inner_text("main")
        assert await horizontal_overflow(stranger) == 0
        await shot(stranger, request, "not-staff")


async def test_a_forged_post_without_the_csrf_token_is_refused(browser, dash, request):
    await dash.pending()
    async with dash.serve() as base:
        page = await _signed_in_page(browser, dash, base)
        await page.goto(base + "/dashboard/pending")
        # The session cookie goes along (same site), but the form lacks the page's token.
        await page.evaluate("""() => {
            const f = document.createElement('form');
            f.method = 'post'; f.action = '/dashboard/pending/decide';
            for (const [k, v] of [['ids', '1'], ['ids', '2'], ['action', 'approve']]) {
                const i = document.createElement('input'); i.type = 'hidden'; i.name = k; i.value = v; f.append(i);
            }
            document.body.append(f); f.submit(); }""")
        await page.wait_for_url(f"{base}/dashboard/pending/decide")
        assert "보안 토큰" in await page.inner_text("body")
        await shot(page, request, "forged")
    assert all(s == "pending" for s, _r in (await dash.statuses()).values())
    assert STAFF not in (await dash.statuses())


async def test_compose_preview_schedule_and_cancel_a_broadcast(browser, dash, request):
    await dash.pending()
    async with dash.serve() as base:
        page = await _signed_in_page(browser, dash, base)
        await page.get_by_role("link", name="공지 발송").click()
        await page.get_by_role("link", name="새 공지").click()
        await page.get_by_role("textbox", name="메시지").fill("내일 교육장이 별관 2층으로 바뀝니다.")
        await page.get_by_role("radio", name="한국어로 봇을 쓰는 사람").check()
        assert await unnamed_controls(page) == []
        await page.get_by_role("button", name="인원 확인 및 미리보기").click()
        await page.get_by_text("한국어로 봇을 쓰는 사람: 4명").wait_for()
        bubble = await page.locator(".tg-bubble").inner_text()
        assert bubble.startswith("📢 서울시 인재개발원 안내") and "별관 2층으로 바뀝니다" in bubble
        await shot(page, request, "preview")
        await page.get_by_role("radio", name="예약 발송").check()
        await page.get_by_label("날짜와 시간 (서울)").fill("2022-01-05T14:30")
        await page.get_by_role("button", name="확인").click()
        await page.get_by_text("2022년 1월 5일 (수) 오후 2:30에 보내도록 예약했습니다").wait_for()
        await page.get_by_role("button", name="이 공지 발송 취소").click()
        await page.get_by_text("취소했습니다").wait_for()
        await shot(page, request, "cancelled")
        await page.set_viewport_size(NARROW)
        assert await horizontal_overflow(page) == 0


async def test_uploading_a_plan_file_with_errors_shows_them_by_row(browser, dash, request, tmp_path):
    bad = tmp_path / "cohorts.csv"
    bad.write_text("course_id,no,start,end,capacity,precision\n"
                   "it-excel,7,2022/05/02,2022.05.01,10,\n"
                   "ghost,1,2022-03-02,,10,\n", encoding="utf-8")
    async with dash.serve() as base:
        page = await _signed_in_page(browser, dash, base)
        await _check_on_the_plan_page(page, bad)
        await page.get_by_text("문제 2건").wait_for()
        rows = await page.locator("tr.problem").all_inner_texts()
        assert [r.split()[0] for r in rows] == ["2", "3"] and "ghost" in rows[1]
        await check_at_both_widths(page, request, "problems")


async def _check_on_the_plan_page(page, path) -> None:
    """Open the plan page from the menu and send a file for its dry run."""
    await page.get_by_role("link", name="교육계획").click()
    await page.get_by_label("파일").set_input_files(str(path))
    await page.get_by_role("button", name="파일 검사 (미리 보기)").click()


async def test_an_attendance_sheet_dry_run_lists_who_changes_then_apply(browser, dash, request, clock, tmp_path):
    await dash.confirmed()
    clock.set("2022-03-14T09:00")  # the cohort (7–11 March) is over
    sheet = tmp_path / "출석.csv"
    sheet.write_text("course_id,no,employee_no,result\ndash-test,1,E7001,수료\ndash-test,1,E7002,불참\n",
                     encoding="utf-8")
    async with dash.serve() as base:
        page = await _signed_in_page(browser, dash, base)
        await _check_on_the_plan_page(page, sheet)
        await page.get_by_text("수료 1명, 불참 1명을 기록합니다").wait_for()
        rows = await page.locator("tr.change").all_inner_texts()
        assert "직원7001" in rows[0] and "수료" in rows[0] and "직원7002" in rows[1] and "불참" in rows[1]
        await check_at_both_widths(page, request, "attendance-dry-run")
        await page.get_by_role("button", name="이대로 적용").click()
        await page.get_by_text("기록했습니다: 수료 1명, 불참 1명").wait_for()
    statuses = await dash.statuses()
    assert [statuses[uid][0] for uid in EMPLOYEES] == ["completed", "no_show", "confirmed"]


async def test_recording_completion_and_a_no_show_on_the_roster(browser, dash, request, clock):
    await dash.confirmed()
    clock.set("2022-03-14T09:00")  # the cohort (7–11 March) is over
    async with dash.serve() as base:
        page = await _signed_in_page(browser, dash, base)
        await page.goto(base + "/dashboard/courses/dash-test")
        assert "종료 (이수 확인 전)" in await page.inner_text("main")
        await page.get_by_role("link", name="1회 명단").click()
        await page.get_by_role("checkbox", name="직원7001 님 선택").check()
        await page.get_by_role("checkbox", name="직원7002 님 선택").check()
        await page.get_by_role("button", name="선택한 사람 수료 처리").click()
        await page.get_by_text("2명을 수료로 기록했습니다").wait_for()
        await page.get_by_role("button", name="직원7003 님 불참 처리").click()
        await page.get_by_text("1명을 불참으로 기록했습니다").wait_for()
        rows = await page.locator("tbody tr").all_inner_texts()
        assert ["수료" in rows[0], "수료" in rows[1], "불참" in rows[2]] == [True] * 3
        await check_at_both_widths(page, request, "roster")
        await page.get_by_role("link", name="엑셀 실무 테스트과정").click()
        state = await page.inner_text("main")
        assert "수료 2명, 불참 1명" in state and "이수 확인 전" not in state
    assert sorted(s for s, _r in (await dash.statuses()).values()) == ["completed", "completed", "no_show"]


async def test_importing_exam_dates_dry_run_then_apply_and_a_wrong_file_is_refused(browser, dash, request, tmp_path):
    moved = tmp_path / "exam-dates.csv"
    moved.write_text("round_id,event,start\nopen-2022-1,written,2022-03-05\n", encoding="utf-8")
    wrong = tmp_path / "slots.pdf"
    wrong.write_bytes(b"%PDF-1.4")
    async with dash.serve() as base:
        page = await _signed_in_page(browser, dash, base)
        await page.get_by_role("link", name="시험").click()
        await page.get_by_label("파일").set_input_files(str(wrong))
        await page.get_by_role("button", name="파일 검사 (미리 보기)").click()
        await page.get_by_text("CSV나 XLSX 파일만 가져올 수 있습니다").wait_for()
        await shot(page, request, "wrong-file")
        await page.get_by_role("radio", name="시험 일정: round_id, event, start, end (일정 하나에 한 행)").check()
        await page.get_by_label("파일").set_input_files(str(moved))
        await page.get_by_role("button", name="파일 검사 (미리 보기)").click()
        await page.get_by_text("추가 0, 변경 1, 그대로 0").wait_for()
        change = await page.locator("tr.change").inner_text()
        assert "필기시험" in change and "2022년 2월 26일" in change and "2022년 3월 5일" in change
        await check_at_both_widths(page, request, "dry-run")
        await page.get_by_role("button", name="이대로 적용").click()
        await page.get_by_text("가져왔습니다: 추가 0, 변경 1").wait_for()
        assert "필기시험 · 2022년 3월 5일 (토)" in await page.inner_text("main")
        await shot(page, request, "applied")


async def test_the_composer_counts_the_audience_as_it_changes_and_offers_no_draft_cohort(browser, dash, request):
    from tests.handlers.enrollment.factory import add_people
    from tests.web.test_broadcasts import _draft_cohort

    await dash.pending()
    await add_people(dash.db, [8001], profile=False, language="en")
    draft = await _draft_cohort(dash)
    async with dash.serve() as base:
        page = await _signed_in_page(browser, dash, base)
        await page.goto(base + "/dashboard/broadcasts/new")
        count = page.get_by_role("status")
        assert await count.inner_text() == "봇을 쓰는 모든 사람: 5명"
        await page.get_by_role("radio", name="영어로 봇을 쓰는 사람").check()
        await page.get_by_text("영어로 봇을 쓰는 사람: 1명").wait_for()
        await page.locator("select[name=course_id]").select_option(label="엑셀 실무 테스트과정")
        await page.get_by_text("엑셀 실무 테스트과정 신청자·대기자: 3명").wait_for()
        assert await page.get_by_role("radio", name="위에서 고른 과정의 사람들").is_checked()
        cohorts = page.locator("select[name=cohort]")
        assert await cohorts.locator("option").all_inner_texts() == ["모든 회차", "1회 (2022년 3월 7일 (월))"]
        assert await cohorts.locator(f'option[value="{draft}"]').count() == 0
        await cohorts.select_option(label="1회 (2022년 3월 7일 (월))")
        await page.get_by_text("엑셀 실무 테스트과정 1회 신청자·대기자: 3명").wait_for()
        await check_at_both_widths(page, request, "live-count")
