"""The daily retention pass: message contents, abandoned answers, past interview slots and closed requests' personal
fields go when their period is over (and not before); the access record stays at least two years."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from catalog import enrollment as svc
from catalog.retention import Periods, run_retention
from db.access import Actor
from db.audit import entries
from db.models import Enrollment, ExamRound, InterviewSlot, OutboxMessage, User
from db.outbox import Notice, enqueue
from db.session import session_scope
from tests.handlers.enrollment.factory import NOW, add_course, add_people


async def _setup(db) -> tuple[int, int]:
    (cohort_id,) = await add_course(db, capacity=5, approval="staff", cohorts=[("2022-03-07", "2022-03-11")])
    await add_people(db, [7401, 7402])
    async with session_scope(db.sessionmaker) as s:
        a = await svc.request_seat(s, user_id=7401, cohort_id=cohort_id, now=NOW,
                                   details={"program": "retirement", "retirement_on": "2031-06-30"})
        await svc.reject(s, enrollment_id=a.enrollment_id, actor=Actor.operator("t"), now=NOW, reason="개인 사유 X")
        await enqueue(s, Notice(key="k-pending", user_id=7402, kind="exam_slot", params={"place": "본관"}), now=NOW)
        (await s.execute(select(OutboxMessage).where(OutboxMessage.user_id == 7401))).scalar_one().status = "sent"
        round_id = (await s.execute(select(ExamRound.id).limit(1))).scalar_one()
        s.add(InterviewSlot(round_id=round_id, user_id=7402, starts_at=NOW + timedelta(days=5), place="별관",
                            source="user", updated_at=NOW))
        user = await s.get(User, 7402)
        user.flow, user.flow_step, user.flow_data, user.flow_updated_at = "profile", "rank", {"full_name": "반쯤"}, NOW
    return a.enrollment_id, cohort_id


async def _run(db, when, periods=Periods()):
    async with session_scope(db.sessionmaker) as s:
        return await run_retention(s, when, periods)


async def test_nothing_goes_before_its_period(db):
    await _setup(db)
    report = await _run(db, NOW + timedelta(hours=2))  # the shortest period: a conversation's 3 hours
    assert report == type(report)()


async def test_each_kind_of_data_goes_when_its_period_is_over(db):
    enrollment_id, _cohort = await _setup(db)
    day = await _run(db, NOW + timedelta(hours=25))
    assert (day.conversations_forgotten, day.messages_blanked, day.slots_deleted) == (1, 0, 0)
    month = await _run(db, NOW + timedelta(days=31))
    assert (month.messages_blanked, month.slots_deleted, month.requests_anonymised) == (1, 0, 0)  # pending kept
    next_year = await _run(db, NOW.replace(year=NOW.year + 1, month=1, day=2))
    assert (next_year.slots_deleted, next_year.requests_anonymised) == (1, 1)
    assert await _run(db, NOW.replace(year=NOW.year + 1, month=1, day=2)) == type(next_year)()  # idempotent
    async with db.sessionmaker() as s:
        e = await s.get(Enrollment, enrollment_id)
        assert (e.status, e.reason, e.details) == ("rejected", None, {"program": "retirement"})
        params = dict((await s.execute(select(OutboxMessage.key, OutboxMessage.params))).all())
        assert params["k-pending"] == {"place": "본관"}  # not delivered yet: still needed
        assert [p for k, p in params.items() if k != "k-pending"] == [{}]
        assert (await s.get(User, 7402)).flow_data is None
        assert (await s.execute(select(InterviewSlot))).first() is None
        runs = [r for r in await entries(s) if r.action == "retention.run"]
    assert [r.actor for r in runs] == ["system:retention"] * 3 and "place" not in repr([r.detail for r in runs])


async def test_periods_are_settings(db):
    from bot.settings import Settings

    settings = Settings.from_env({"HRDBOT_RETAIN_FLOW_HOURS": "48", "HRDBOT_RETAIN_OUTBOX_DAYS": "7",
                                  "HRDBOT_RETAIN_AUDIT_DAYS": "3650"})
    assert settings.retention == Periods(outbox_days=7, flow_hours=48, slot_days=30, audit_days=3650)
    await _setup(db)
    assert (await _run(db, NOW + timedelta(hours=25), settings.retention)).conversations_forgotten == 0
    assert (await _run(db, NOW + timedelta(days=8), settings.retention)).messages_blanked == 1
