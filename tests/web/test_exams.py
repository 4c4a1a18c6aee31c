"""Exams in the dashboard: rounds with their dates, next event first, and subscribers per round."""
from __future__ import annotations

import re

from sqlalchemy import select

from db.models import ExamEvent, OutboxMessage
from db.session import session_scope
from notifications.exams.subscriptions import subscribe
from tests.handlers.enrollment.factory import add_people
from tests.web.support import csrf_of, sign_in


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


# The import of exam dates and interview slots: the same service as `hrdbot import exams|interview-slots`.
MOVED = "round_id,event,start\nopen-2022-1,written,2022-03-05\n".encode()
BROKEN = "round_id,event,start\nopen-2022-1,lunch,2022-03-05\nopen-2022-1,written,2022-13-01\n".encode()
SLOT = "round_id,telegram_id,date,time,place\nopen-2022-1,7001,2022-05-10,10:00,별관 2층\n".encode()


async def _subscribed_and_signed_in(dash, c) -> str:
    await add_people(dash.db, [7001, 7002], profile=False)
    async with session_scope(dash.db.sessionmaker) as s:
        for uid in (7001, 7002):
            assert (await subscribe(s, uid, "open-2022-1", dash.clock.now())).ok
    await dash.staff()
    await sign_in(c, await dash.link())
    return csrf_of((await c.get("/dashboard/exams")).text)


async def _written_on(dash) -> str:
    async with dash.db.sessionmaker() as s:
        return (await s.execute(select(ExamEvent.start_on).where(
            ExamEvent.round_id == "open-2022-1", ExamEvent.kind == "written"))).scalar_one().isoformat()


async def _queued(dash, kind: str) -> set[int]:
    async with dash.db.sessionmaker() as s:
        return set((await s.execute(select(OutboxMessage.user_id).where(OutboxMessage.kind == kind))).scalars())


async def test_exam_dates_dry_run_row_by_row_then_apply_tells_the_subscribers(dash):
    async with dash.client() as c:
        csrf = await _subscribed_and_signed_in(dash, c)
        dry = await c.post("/dashboard/exams", data={"csrf": csrf, "kind": "exams"},
                           files={"file": ("dates.csv", MOVED, "text/csv")})
        assert "아직 바뀐 것은 없습니다. 추가 0, 변경 1, 그대로 0" in dry.text
        row = re.search(r'<tr class="change">(.*?)</tr>', dry.text, re.S).group(1)
        assert "2022년 제1회 서울시 공개·경력경쟁 임용시험 (8·9급) · 필기시험" in row and "2022년 2월 26일" in row and "2022년 3월 5일" in row
        assert await _written_on(dash) == "2022-02-26" and not await _queued(dash, "exam_change")
        carried = _carried(dry.text)
        applied = await c.post("/dashboard/exams", data={"csrf": csrf, **carried})
        assert "가져왔습니다: 추가 0, 변경 1, 그대로 0." in applied.text and "변경 알림 2건" in applied.text
    assert await _written_on(dash) == "2022-03-05"
    assert await _queued(dash, "exam_change") == {7001, 7002}


async def test_the_dry_run_names_rounds_by_their_title_in_the_staff_members_language(dash):
    async with dash.client() as c:
        await dash.staff(language="en")
        await sign_in(c, await dash.link())
        csrf = csrf_of((await c.get("/dashboard/exams")).text)
        slot = await c.post("/dashboard/exams", data={"csrf": csrf, "kind": "interview-slots"},
                            files={"file": ("slots.csv", SLOT.replace(b"7001", str(9001).encode()), "text/csv")})
        new = await c.post("/dashboard/exams", data={"csrf": csrf, "kind": "exams"}, files={"file": ("new.csv", (
            "round_id,round_kind,title,title_en,event,start\n"
            "open-2099-1,open,2099년 제1회 시험,Exam 2099 round 1,written,2022-06-04\n").encode(), "text/csv")})
    row = re.search(r'<tr class="change">(.*?)</tr>', slot.text, re.S).group(1)
    assert "2022 Seoul civil service exam, round 1 (open &amp; career competition, grades 8–9) · 9001" in row
    row = re.search(r'<tr class="change">(.*?)</tr>', new.text, re.S).group(1)
    assert "Exam 2099 round 1 · " in row and "open-2099-1" not in row  # a new round: its title from the file


async def test_a_wrong_exam_file_gets_its_problems_by_row_or_a_polite_refusal(dash):
    async with dash.client() as c:
        csrf = await _subscribed_and_signed_in(dash, c)
        bad = await c.post("/dashboard/exams", data={"csrf": csrf, "kind": "exams"},
                           files={"file": ("dates.csv", BROKEN, "text/csv")})
        rows = re.findall(r'<tr class="problem"><td>(\d+)</td>.*?<td data-label="문제">([^<]*)</td>', bad.text)
        assert [r for r, _t in rows] == ["2", "3"] and "lunch" in rows[0][1] and "날짜" in rows[1][1]
        assert "문제 2건" in bad.text and 'name="content"' not in bad.text
        pdf = await c.post("/dashboard/exams", data={"csrf": csrf, "kind": "interview-slots"},
                           files={"file": ("slots.pdf", b"%PDF-1.4", "application/pdf")})
        assert pdf.status_code == 422 and "CSV나 XLSX 파일만 가져올 수 있습니다" in pdf.text
        columns = await c.post("/dashboard/exams", data={"csrf": csrf, "kind": "interview-slots"},
                               files={"file": ("slots.csv", MOVED, "text/csv")})
        assert columns.status_code == 422 and "date, time" in columns.text and "Traceback" not in columns.text
    assert await _written_on(dash) == "2022-02-26"


async def test_interview_slots_are_imported_and_the_applicant_is_told(dash):
    dash.config.slot_keep_days = 9  # HRDBOT_RETAIN_SLOT_DAYS as the host process read it
    async with dash.client() as c:
        csrf = await _subscribed_and_signed_in(dash, c)
        dry = await c.post("/dashboard/exams", data={"csrf": csrf, "kind": "interview-slots"},
                           files={"file": ("slots.xlsx", _xlsx(SLOT), "application/octet-stream")})
        assert "추가 1, 변경 0, 그대로 0" in dry.text and "별관 2층" in dry.text
        assert await _checked(dash) == [("import.interview_slots.check", "web:9001", [7001])]  # a read, recorded
        carried = _carried(dry.text)
        assert carried["kind"] == "interview-slots"
        applied = await c.post("/dashboard/exams", data={"csrf": csrf, **carried})
        assert "가져왔습니다: 추가 1" in applied.text and "1명이 면접 시간을 등록함" in applied.text
    assert await _queued(dash, "exam_slot") == {7001}
    assert [a for a, _actor, _people in await _checked(dash)] == ["import.interview_slots.check", "import.interview_slots"]
    async with dash.db.sessionmaker() as s:  # the notice promises the period the Center configured
        params = (await s.execute(select(OutboxMessage.params).where(OutboxMessage.kind == "exam_slot"))).scalar_one()
    assert params["slot_source"] == "import" and params["keep_days"] == 9


async def _checked(dash) -> list[tuple]:
    from db.models import AuditEntry

    async with dash.db.sessionmaker() as s:
        rows = await s.execute(select(AuditEntry.action, AuditEntry.actor, AuditEntry.detail)
                               .where(AuditEntry.action.like("import.interview_slots%")).order_by(AuditEntry.id))
        return [(action, actor, detail["people"]) for action, actor, detail in rows.all()]


def _carried(html: str) -> dict:
    """The hidden fields of the dry-run page's "apply" form."""
    form = html.split('<button type="submit" class="primary"')[0].rsplit("<form", 1)[1]
    return dict(re.findall(r'type="hidden" name="(\w+)" value="([^"]*)"', form))


def _xlsx(csv_bytes: bytes) -> bytes:
    import io

    from openpyxl import Workbook

    wb = Workbook()
    for line in csv_bytes.decode().splitlines():
        wb.active.append(line.split(","))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
