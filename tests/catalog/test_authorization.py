"""Authorization lives in the services: every mutating service (and every read of personal data) refuses a person
who is not staff — an employee, or a staff member just removed — before it writes anything, whoever calls it
(a Telegram handler, the CLI, the dashboard). The command-line operator passes, and every staff action is recorded."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from catalog import enrollment as svc
from catalog.imports import import_file
from db.access import Actor, Forbidden, role_of, set_staff
from db.audit import entries
from db.models import Base, Broadcast, Enrollment, User
from db.session import session_scope
from notifications.broadcasts.audiences import describe
from notifications.broadcasts.service import (all_broadcasts, cancel_broadcast, create_broadcast,
                                              schedule_broadcast)
from notifications.exams.imports import import_exams, import_slots
from notifications.news import import_and_announce, subscriber_rows
from tests.handlers.enrollment.factory import NOW, add_course, add_people

EMPLOYEE, STAFF, REMOVED = 7001, 9001, 9002
COURSES_CSV = "id,title,category,topic,delivery\nauth-x,권한 테스트,일반교육/직무역량/IT,it,online\n".encode()


async def _snapshot(db) -> dict[str, list]:
    """Every row of every table (the audit log included): 'nothing written' means this did not change."""
    out = {}
    async with db.sessionmaker() as s:
        for table in Base.metadata.sorted_tables:
            rows = (await s.execute(select(table))).all()
            out[table.name] = sorted(repr(tuple(r)) for r in rows)
    return out


async def _setup(db) -> tuple[int, int]:
    (cohort_id,) = await add_course(db, capacity=5, approval="staff")
    await add_people(db, [EMPLOYEE, 7002])
    await add_people(db, [STAFF, REMOVED], role="staff", profile=False)
    async with session_scope(db.sessionmaker) as s:
        pending = await svc.request_seat(s, user_id=7002, cohort_id=cohort_id, now=NOW)
        operator = Actor.operator("test")
        b = await create_broadcast(s, actor=operator, text="안내", audience={"kind": "everyone"}, now=NOW)
        # The staff member is removed (`hrdbot admin remove`): their next action must already be refused.
        await set_staff(s, operator, REMOVED, False, NOW)
    return pending.enrollment_id, b.id


def _calls(enrollment_id: int, broadcast_id: int):
    """(name, call) for every mutating service and every staff read of personal data."""
    return [
        ("approve", lambda s, a: svc.approve(s, enrollment_id=enrollment_id, actor=a, now=NOW)),
        ("reject", lambda s, a: svc.reject(s, enrollment_id=enrollment_id, actor=a, now=NOW, reason="x")),
        ("approve all", lambda s, a: svc.bulk_approve(s, course_id="enr-test", actor=a, now=NOW)),
        ("staff cancel", lambda s, a: svc.cancel(s, enrollment_id=enrollment_id, actor=a, now=NOW, by_staff=True)),
        ("pending queue", lambda s, a: svc.pending_queue(s, a, now=NOW)),
        ("roster export", lambda s, a: svc.roster(s, a, "enr-test", now=NOW)),
        ("broadcast create", lambda s, a: create_broadcast(s, actor=a, text="hi", audience={"kind": "everyone"},
                                                           now=NOW)),
        ("broadcast send", lambda s, a: schedule_broadcast(s, broadcast_id, None, NOW, actor=a)),
        ("broadcast cancel", lambda s, a: cancel_broadcast(s, broadcast_id, NOW, actor=a)),
        ("broadcasts export", lambda s, a: all_broadcasts(s, a, now=NOW)),
        ("subscribers export", lambda s, a: subscriber_rows(s, a, now=NOW)),
        ("catalog import", lambda s, a: import_file(s, "c.csv", COURSES_CSV, NOW, actor=a)),
        ("catalog import + news", lambda s, a: import_and_announce(s, "c.csv", COURSES_CSV, NOW, actor=a)),
        ("catalog dry run", lambda s, a: import_file(s, "c.csv", COURSES_CSV, NOW, actor=a, dry_run=True)),
        ("exam import", lambda s, a: import_exams(s, [], NOW, actor=a)),
        ("interview-slot import", lambda s, a: import_slots(s, [], NOW, actor=a)),
        ("grant staff", lambda s, a: set_staff(s, a, 7002, True, NOW)),
        ("revoke staff", lambda s, a: set_staff(s, a, STAFF, False, NOW)),
    ]


async def test_every_staff_service_refuses_an_employee_and_a_removed_staff_member_and_writes_nothing(db):
    enrollment_id, broadcast_id = await _setup(db)
    before = await _snapshot(db)
    refused = []
    for who in (Actor.person(EMPLOYEE), Actor.person(REMOVED),
                # listed in HRDBOT_ADMIN_IDS at first contact, then taken out of it: nothing was copied to the DB
                Actor.person(7002, admin_ids=frozenset())):
        for name, call in _calls(enrollment_id, broadcast_id):
            async with db.sessionmaker() as s:
                with pytest.raises(Forbidden):
                    await call(s, who)
                await s.commit()  # even a caller that commits after the refusal writes nothing
            refused.append((who.label, name))
    assert len(refused) == 3 * len(_calls(0, 0))
    assert await _snapshot(db) == before


async def test_staff_by_database_role_or_by_settings_list_and_the_operator_may_act_and_are_recorded(db):
    enrollment_id, broadcast_id = await _setup(db)
    async with session_scope(db.sessionmaker) as s:
        assert await role_of(s, Actor.person(STAFF)) == "staff"
        assert await role_of(s, Actor.person(4242, admin_ids={4242})) == "staff"  # HRDBOT_ADMIN_IDS, no row
        assert await role_of(s, Actor.person(EMPLOYEE)) == "employee"
        assert await role_of(s, Actor.operator("kim")) == "operator"
        result = await svc.approve(s, enrollment_id=enrollment_id, actor=Actor.person(STAFF), now=NOW)
        assert result.ok
        await cancel_broadcast(s, broadcast_id, NOW, actor=Actor.person(4242, admin_ids={4242}))
        await svc.roster(s, Actor.operator("kim"), "enr-test", now=NOW)
    async with db.sessionmaker() as s:
        decided_by = (await s.execute(select(Enrollment.decided_by).where(Enrollment.id == enrollment_id))).scalar()
        rows = [(r.actor, r.role, r.action, r.target, r.subjects) for r in await entries(s)]
        assert (await s.get(Broadcast, broadcast_id)).status == "cancelled"
    assert decided_by == STAFF
    assert rows[-3:] == [
        ("tg:9001", "staff", "enrollment.approve", f"enrollment:{enrollment_id}", 1),
        ("tg:4242", "staff", "broadcast.cancel", f"broadcast:{broadcast_id}", 0),
        ("cli:kim", "operator", "export.enrollments", "course:enr-test", 1),
    ]


async def test_granting_to_a_stranger_makes_a_role_only_row_and_revoking_from_a_stranger_makes_none(db):
    operator = Actor.operator("test")
    await add_people(db, [EMPLOYEE])
    async with session_scope(db.sessionmaker) as s:
        everyone = (await describe(s, {"kind": "everyone"})).count
        assert not (await set_staff(s, operator, 5551, False, NOW)).changed
        assert (await set_staff(s, operator, 5552, True, NOW)).changed
    async with db.sessionmaker() as s:
        assert await s.get(User, 5551) is None
        row = await s.get(User, 5552)
        assert (row.role, row.role_only) == ("staff", True)
        # nobody new to send to: the role-only row is not a person who uses the bot (yet)
        assert (await describe(s, {"kind": "everyone"})).count == everyone == 1
        actions = [(r.action, r.target, r.detail) for r in await entries(s)]
    assert actions == [("role.revoke", "user:5551", {"changed": False}), ("role.grant", "user:5552", {"changed": True})]
