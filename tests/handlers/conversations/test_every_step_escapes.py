"""Generated over the engine's registry: at every step of every flow, `/my`, a plain course search, a greeting and a
contact question are answered as such, and "↩ back" shows the same step again (the flow is kept).

A new flow or step without an entry in STATES fails `test_every_flow_step_has_a_state`: declare how to reach it.
"""
from __future__ import annotations

import base64
import io

import pytest
from sqlalchemy import select

from catalog import enrollment as svc
from db.models import Cohort, User
from db.session import session_scope
import handlers.registry  # noqa: F401  (every feature declares its flows on import)
from handlers.broadcasts import compose, files  # noqa: F401  (imported by register(), declared here too)
from handlers.enrollment import profile, retirement, staff  # noqa: F401
from handlers.flows import FLOWS
from tests.handlers.enrollment.factory import NOW, add_course, add_people
from tests.support.chat import press

ME, STAFF, APPLICANT = 1001, 9001, 1002
RETIREMENT = "retire-second-life"
FAMILY = "retire-future-design"


async def _pending_request(db) -> int:
    [cohort_id] = await add_course(db, course_id="esc-test", approval="staff")
    await add_people(db, [APPLICANT])
    async with session_scope(db.sessionmaker) as s:
        outcome = await svc.request_seat(s, user_id=APPLICANT, cohort_id=cohort_id, now=NOW)
        return outcome.enrollment.id


async def _first_cohort(db, course_id: str) -> int:
    async with session_scope(db.sessionmaker) as s:
        return (await s.execute(select(Cohort.id).where(Cohort.course_id == course_id)
                                .order_by(Cohort.number))).scalars().first()


async def state(db, flow: str, step: str) -> dict:
    """Flow data that a person at this step would have."""
    later = {"course_id": RETIREMENT, "retirement_on": "2030-06-30"}
    if flow == "exam_slot":
        return {"round": "open-2022-2"}
    if flow == "enr_reject":
        return {"enrollment_id": await _pending_request(db), "reason": "정원 초과"}
    if flow == "retire":
        if step == "program":
            return {}
        if step == "date":
            return {"course_id": RETIREMENT}
        if step in ("track", "refused"):
            return later if step == "track" else {**later, "retirement_on": "2045-06-30"}
        if step == "cohort":
            return {**later, "track": "귀농귀촌"}
        cohort = await _first_cohort(db, FAMILY)
        data = {"course_id": FAMILY, "retirement_on": "2030-06-30", "cohort_id": cohort}
        return data if step == "family" else {**data, "family": False}
    if flow == "broadcast":
        data = {"text": "3월 IT 과정 안내"}
        if step == "attach_cohort":
            data.update(course_id="it-excel", cohort_id=None)
        elif step == "aud_cohort":
            data.update(aud_course="it-excel")
        elif step == "aud_status":
            data.update(aud_course="it-excel", aud_cohort=0)
        elif step in ("confirm", "when"):
            data.update(audience={"kind": "everyone"})
        return data
    if flow == "import":
        from tests.handlers.broadcasts.test_news_and_imports_chat import COURSES

        return {"name": "new-courses.csv", "kind": "courses",
                "content": base64.b64encode(COURSES.encode()).decode("ascii")}
    if flow == "profile":
        return {} if step == "consent" else {"consent_at": NOW.isoformat(), "full_name": "김서울"}
    return {}


STAFF_FLOWS = {name for name, f in FLOWS.items() if f.staff}
ENDS_ON_OTHER_TEXT = {"forget"}  # a deletion question ends when the person writes something else (nothing deleted)
SEARCH_IS_THE_ANSWER = {("broadcast", "attach_find"), ("broadcast", "aud_find")}  # "type the course name": 엑셀
CASES = [(name, step) for name, f in sorted(FLOWS.items()) for step in f.steps]
MESSAGES = [
    ("/my", "아직 신청한 과정이 없습니다"),
    ("엑셀", "업무에 바로 쓰는 엑셀"),
    ("안녕하세요", "안녕하세요! 찾는 교육을 입력하거나"),
    ("연락처", "연락처가 아직 설정되어 있지 않아"),
]


def test_every_flow_step_has_a_state():
    assert {"exam_slot", "enr_reject", "retire", "profile", "forget", "broadcast", "import"} <= set(FLOWS)
    assert len(CASES) >= 30


async def _set_flow(db, uid: int, flow: str, step: str, data: dict) -> None:
    async with session_scope(db.sessionmaker) as s:
        user = await s.get(User, uid)
        user.flow, user.flow_step, user.flow_data, user.flow_updated_at = flow, step, data, NOW


async def _flow_of(db, uid: int) -> tuple:
    async with db.sessionmaker() as s:
        user = await s.get(User, uid)
        return user.flow, user.flow_step


@pytest.mark.parametrize("flow,step", CASES, ids=[f"{f}:{s}" for f, s in CASES])
async def test_every_step_answers_other_things_and_leads_back(db, clock, flow, step):
    from tests.support.harness import make_console

    uid = STAFF if flow in STAFF_FLOWS else ME
    console, runtime = await make_console(db, clock, out=io.StringIO(), admin_ids={STAFF}, user_id=uid)
    try:
        await add_people(db, [uid], role="staff" if uid == STAFF else "user")
        await console.say("/start")
        data = await state(db, flow, step)
        for message, expected in MESSAGES:
            await _set_flow(db, uid, flow, step, data)
            sent = await console.say(message)
            shown = "\n".join([s.text for s in sent] + [b for s in sent for b in s.button_texts])
            assert expected in shown, (flow, step, message, shown)
            assert "Traceback" not in shown and "이미 끝난 대화" not in shown
            if flow in ENDS_ON_OTHER_TEXT and not message.startswith("/"):
                assert await _flow_of(db, uid) == (None, None)
                continue
            if (flow, step) in SEARCH_IS_THE_ANSWER and message == "엑셀":
                assert await _flow_of(db, uid) == (flow, step)
                continue
            assert await _flow_of(db, uid) == (flow, step), (flow, step, message)
            back = await press(console, "fl.back")
            assert not any(s.method == "answerCallbackQuery" and s.alert for s in back), (flow, step, message)
            assert any(s.text for s in back if s.method != "answerCallbackQuery")
            assert (await _flow_of(db, uid))[0] == flow, (flow, step, message)
    finally:
        await runtime.app.shutdown()
        await runtime.close()
