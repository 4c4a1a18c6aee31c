"""The rest of the enrollment lifecycle: application deadlines, recorded completion, course-start reminders."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select, update

from catalog import enrollment as svc
from catalog.attendance import import_attendance, record_outcome
from catalog.courses import course_card
from catalog.imports import read_table
from db.access import Actor
from db.clock import FakeClock
from db.models import Cohort, CourseReminder, OutboxMessage
from db.session import session_scope
from handlers.enrollment.wording import view_line
from handlers.search import render_card
from locales import translator
from notifications import course_start
from tests.handlers.enrollment.factory import NOW, add_course, add_people

STAFF = Actor.operator("test")
KO = translator("ko")


def at(moment: str):
    return FakeClock(moment).now()


async def _request(db, user_id: int, cohort_id: int, moment: str):
    async with session_scope(db.sessionmaker) as s:
        return await svc.request_seat(s, user_id=user_id, cohort_id=cohort_id, now=at(moment))


# -- deadlines ------------------------------------------------------------------------------------------------
async def test_day_dated_cohorts_close_seven_days_before_the_start_and_staff_can_still_add(db):
    (cohort,) = await add_course(db, capacity=1)  # 7–11 March
    await add_people(db, [7001, 7002, 7003, 7004])
    assert (await _request(db, 7001, cohort, "2022-02-28T23:00")).status == "confirmed"  # the last day
    late = await _request(db, 7002, cohort, "2022-03-01T08:00")
    assert late.status == "refused" and late.refusal.code == "deadline"
    assert late.refusal.params == {"day": "2022-02-28"}
    full_and_late = await _request(db, 7003, cohort, "2022-03-01T08:00")
    assert full_and_late.refusal.code == "deadline"  # the waitlist is closed too
    async with session_scope(db.sessionmaker) as s:
        added = await svc.add_by_staff(s, actor=STAFF, user_id=7004, cohort_id=cohort, now=at("2022-03-02T09:00"))
    assert added.status == "waitlisted"  # staff may add after the deadline; seats are still seats


async def test_the_plans_own_deadline_and_none_for_a_quarter(db):
    day, = await add_course(db, course_id="dl-day")
    quarter, = await add_course(db, course_id="dl-quarter", cohorts=[("2022-04-01", "2022-06-30")], precision="quarter")
    await add_people(db, [7011, 7012])
    async with session_scope(db.sessionmaker) as s:
        await s.execute(update(Cohort).where(Cohort.id == day).values(apply_until=date(2022, 2, 14)))
    assert (await _request(db, 7011, day, "2022-02-15T09:00")).refusal.code == "deadline"
    assert (await _request(db, 7012, quarter, "2022-05-20T09:00")).status == "confirmed"


async def test_a_card_says_when_a_cohort_closes_and_that_it_has_closed(db):
    await add_course(db, cohorts=[("2022-03-07", "2022-03-11"), ("2022-04-04", "2022-04-08")])
    async with db.sessionmaker() as s:
        card = await course_card(s, "enr-test", today=date(2022, 3, 2))
    text, buttons = render_card(card, KO, date(2022, 3, 2))
    first, second = [line for line in text.splitlines() if line.startswith(("1회", "2회"))]
    assert first.endswith("2022년 2월 28일 (월) 신청 마감됨")  # closed, and since when
    assert second.endswith("2022년 3월 28일 (월)까지 신청")
    assert [b.text for row in buttons for b in row] == ["2회 신청"]


# -- completion is recorded, not assumed -------------------------------------------------------------------------
async def test_a_finished_cohort_reads_ended_until_staff_record_completion(db):
    (cohort,) = await add_course(db)
    await add_people(db, [7021, 7022, 7023])
    for uid in (7021, 7022, 7023):
        assert (await _request(db, uid, cohort, "2022-01-03T09:00")).status == "confirmed"
    after = date(2022, 3, 14)
    async with db.sessionmaker() as s:
        mine = await svc.my_enrollments(s, 7021)
    assert mine[0].display_status(after) == "ended"
    assert "2022 · " in view_line(KO, mine[0], after) and "이수 확인 전" in view_line(KO, mine[0], after)

    sheet = ("course_id,year,no,employee_no,result\n"
             "enr-test,2022,1,E7021,수료\n"
             "enr-test,2022,1,E7022,불참\n"
             "enr-test,2021,9,,maybe\n").encode()
    async with session_scope(db.sessionmaker) as s:
        bad = await import_attendance(s, read_table("a.csv", sheet), at("2022-03-14T09:00"), actor=STAFF,
                                      default_year=2022)
    assert not bad.applied and [(p.row, p.column) for p in bad.plan.errors] == [
        (4, "result"), (4, "employee_no")]  # every problem of the row
    good = sheet.rsplit(b"\n", 2)[0] + b"\n"
    async with session_scope(db.sessionmaker) as s:
        early = await import_attendance(s, read_table("a.csv", good), at("2022-03-01T09:00"), actor=STAFF,
                                        default_year=2022)
        assert not early.ok  # nobody completes a cohort that has not begun
        done = await import_attendance(s, read_table("a.csv", good), at("2022-03-14T09:00"), actor=STAFF,
                                       default_year=2022)
        assert done.applied and len(done.changes) == 2
        assert await record_outcome(s, actor=STAFF, enrollment_id=mine[0].id, outcome="completed",
                                    now=at("2022-03-14T09:00")) == "ok"
    async with db.sessionmaker() as s:
        statuses = {v.user_id: v.display_status(after) for uid in (7021, 7022, 7023)
                    for v in await svc.my_enrollments(s, uid)}
        line = view_line(KO, (await svc.my_enrollments(s, 7021))[0], after)
    assert statuses == {7021: "completed", 7022: "no_show", 7023: "ended"}
    assert "2022 · 🎓" in line


# -- course-start reminders ----------------------------------------------------------------------------------------
async def _tick(db, moment: str) -> course_start.StartReport:
    return await course_start.run(db.sessionmaker, at(moment))


async def _sent(db) -> list[tuple[int, str]]:
    async with db.sessionmaker() as s:
        rows = (await s.execute(select(OutboxMessage.user_id, OutboxMessage.params)
                                .where(OutboxMessage.kind == course_start.KIND).order_by(OutboxMessage.id))).all()
    return [(uid, p["offset"]) for uid, p in rows]


async def test_d3_and_d1_reach_each_confirmed_learner_once_across_restarts(db):
    (cohort,) = await add_course(db)  # starts Monday 7 March
    await add_people(db, [7031, 7032, 7033])
    for uid in (7031, 7032):
        await _request(db, uid, cohort, "2022-01-03T09:00")
    await _request(db, 7033, cohort, "2022-01-03T09:00")
    async with session_scope(db.sessionmaker) as s:
        await course_start.set_opt_out(s, 7032, NOW)  # one press: no more reminders
    for moment in ("2022-03-02T09:00", "2022-03-04T09:59", "2022-03-04T10:00", "2022-03-04T10:00",
                   "2022-03-05T12:00", "2022-03-06T17:00", "2022-03-06T17:00", "2022-03-07T08:00"):
        await _tick(db, moment)  # the same moment twice: a restart
    assert sorted(await _sent(db)) == [(7031, "d-1"), (7031, "d-3"), (7033, "d-1"), (7033, "d-3")]
    async with db.sessionmaker() as s:
        counts = dict((await s.execute(select(CourseReminder.status, func.count()).group_by(CourseReminder.status))).all())
    assert counts == {"sent": 4, "cancelled": 2}


async def test_reminders_missed_while_down_expire_and_late_learners_get_only_what_is_still_ahead(db):
    (cohort,) = await add_course(db)
    await add_people(db, [7041, 7042])
    await _request(db, 7041, cohort, "2022-01-03T09:00")
    await _tick(db, "2022-03-03T09:00")  # planned, then the bot is down until after the start
    report = await _tick(db, "2022-03-07T10:00")
    assert report.expired == 2 and await _sent(db) == []
    (second,) = await add_course(db, course_id="late-test", cohorts=[("2022-03-14", "2022-03-18")])
    await _request(db, 7042, second, "2022-01-03T09:00")  # first seen by a tick after its D-3 was due
    await _tick(db, "2022-03-12T12:00")
    await _tick(db, "2022-03-13T17:00")
    assert await _sent(db) == [(7042, "d-1")]
