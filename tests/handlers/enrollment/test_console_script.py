"""A scripted `hrdbot console` session (piped input, like `hrdbot console < script.txt`): an employee finds a course
by search and asks for a seat, a second one joins the waitlist, staff approve, the first cancels, the second is
promoted and told, staff approve them too. Plus: a double tap on Confirm through the real Application."""
from __future__ import annotations

import asyncio
import io

from sqlalchemy import select
from telegram import Update

from bot.console import run_console
from bot.settings import Settings
from db.clock import parse_moment
from db.models import Enrollment
from tests.handlers.enrollment.factory import add_course, add_people
from tests.support.chat import press_forged

SCRIPT = """\
엑셀 실무 테스트과정
1
1
1
:user 1002
엑셀 실무 테스트과정
1
1
1
/my
:user 9001
/pending
1
1
:user 1001
/my
1
1
:user 9001
/pending
1
1
:user 1002
/my
"""


async def test_scripted_console_session(db):
    await add_course(db, capacity=1, approval="staff")
    await add_people(db, [1001, 1002])
    out = io.StringIO()
    settings = Settings(database_url=db.url, admin_ids=frozenset({9001}), now=parse_moment("2022-01-03T09:00"))
    await run_console(settings, io.StringIO(SCRIPT), out)
    transcript = out.getvalue()
    steps = [
        "> 엑셀 실무 테스트과정",
        "[1] 1. 엑셀 실무 테스트과정",
        "📘 엑셀 실무 테스트과정",
        "잔여석: 1석 (정원 1명)",
        "📨 신청이 접수되었습니다: 엑셀 실무 테스트과정 1회",
        "(now acting as user 1002)",
        "대기자로 등록할 수 있으며 대기 1번이 됩니다",
        "대기 1번으로 등록되었습니다",
        "🕒 대기 1번",
        "(now acting as user 9001)",
        "• 엑셀 실무 테스트과정: 1건 대기",
        "1. 직원1001 (행정국, 7급)",
        "bot → 1001> ✅ 엑셀 실무 테스트과정 1회 신청이 승인되어 수강이 확정되었습니다.",
        "(now acting as user 1001)",
        "✅ 확정",
        "신청을 취소할까요?",
        "취소되었습니다: 엑셀 실무 테스트과정 1회.",
        "bot → 1002> 🎉 엑셀 실무 테스트과정 1회에 자리가 나서",  # promoted from the waitlist, now awaiting approval
        "1. 직원1002 (행정국, 7급)",
        "bot → 1002> ✅ 엑셀 실무 테스트과정 1회 신청이 승인되어",
        "(now acting as user 1002)",
        "✅ 확정",
    ]
    position = 0
    for step in steps:  # in this order
        found = transcript.find(step, position)
        assert found >= 0, f"missing after position {position}: {step!r}\n{transcript}"
        position = found + len(step)


async def test_a_double_tap_on_confirm_records_one_request(bot, db):
    (cohort_id,) = await add_course(db, capacity=5)
    await add_people(db, [1001])
    await press_forged(bot, f"enr:{cohort_id}")
    app = bot.runtime.app
    updates = [Update.de_json(bot.callback_update(1001, 1, f"enc:{cohort_id}"), app.bot) for _ in range(2)]
    await asyncio.gather(*(app.process_update(u) for u in updates))
    said = [s.text for s in bot.request.take() if s.method != "answerCallbackQuery"]
    assert sum("수강이 확정되었습니다" in t for t in said) == 1
    assert sum("이미 신청하셨습니다" in t for t in said) == 1
    async with db.sessionmaker() as s:
        assert len((await s.execute(select(Enrollment))).scalars().all()) == 1
