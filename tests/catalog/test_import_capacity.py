"""A capacity changed by an import is decided under the cohort lock, and raising it gives the freed seats to the
people waiting, in order (each is told)."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from catalog import enrollment as svc
from catalog.imports import apply_plan, import_file, plan_import, read_table
from db.access import Actor
from db.models import Enrollment, OutboxMessage
from db.session import session_scope
from tests.handlers.enrollment.factory import NOW, add_course, add_people

STAFF = Actor.operator("test")


def _cohorts_csv(capacity: int) -> bytes:
    return f"course_id,no,start,end,capacity\nenr-test,1,2022-03-07,2022-03-11,{capacity}\n".encode()


async def test_raising_the_capacity_promotes_the_waitlist_in_order(db):
    (cohort_id,) = await add_course(db, capacity=1)
    await add_people(db, [7501, 7502, 7503])
    for uid in (7501, 7502, 7503):
        async with session_scope(db.sessionmaker) as s:
            await svc.request_seat(s, user_id=uid, cohort_id=cohort_id, now=NOW)
    async with session_scope(db.sessionmaker) as s:
        result = await import_file(s, "cohorts.csv", _cohorts_csv(2), NOW, actor=STAFF)
    assert result.applied and result.promoted == 1
    async with db.sessionmaker() as s:
        statuses = dict((await s.execute(select(Enrollment.user_id, Enrollment.status))).all())
        told = (await s.execute(select(OutboxMessage.user_id).where(OutboxMessage.kind == "enrollment_status")
                                )).scalars().all()
    assert statuses == {7501: "confirmed", 7502: "confirmed", 7503: "waitlisted"}
    assert told == [7502]


async def test_a_seat_taken_after_the_check_makes_a_lower_capacity_fail_not_overbook(db):
    if db.dialect == "sqlite":
        pytest.skip("SQLite: the import's transaction holds the write lock from its first statement, so no request "
                    "can come in between (a second writer would wait for it)")
    (cohort_id,) = await add_course(db, capacity=3)
    await add_people(db, [7601, 7602])
    async with session_scope(db.sessionmaker) as s:
        await svc.request_seat(s, user_id=7601, cohort_id=cohort_id, now=NOW)
    async with db.sessionmaker() as importer:
        plan = await plan_import(importer, "cohorts", read_table("c.csv", _cohorts_csv(1)), NOW.year)
        assert plan.ok  # 1 seat held, capacity 1: fine when checked
        async with session_scope(db.sessionmaker) as other:  # meanwhile someone takes the second seat
            assert (await svc.request_seat(other, user_id=7602, cohort_id=cohort_id, now=NOW)).status == "confirmed"
        result = await apply_plan(importer, plan, NOW)
        await importer.commit()
    assert not result.applied
    async with db.sessionmaker() as s:
        held = (await s.execute(select(Enrollment.status).where(Enrollment.cohort_id == cohort_id))).scalars().all()
    assert sorted(held) == ["confirmed", "confirmed"]
    assert result.plan.errors[0].values == {"capacity": 1, "taken": 2}
