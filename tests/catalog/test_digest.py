"""The staff digest of new pending requests: at most hourly, only to staff who opted in, each request once."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from catalog import enrollment as svc
from db.access import Actor, Forbidden
from db.models import OutboxMessage, User
from db.session import session_scope
from notifications import digest
from tests.handlers.enrollment.factory import NOW, add_course, add_people

STAFF = 9101


async def _ask(db, uid: int, cohort: int, when) -> None:
    async with session_scope(db.sessionmaker) as s:
        assert (await svc.request_seat(s, user_id=uid, cohort_id=cohort, now=when)).status == "pending"


async def _tick(db, when) -> int:
    return (await digest.run(db.sessionmaker, when)).sent


async def _digests(db) -> list[int]:
    async with db.sessionmaker() as s:
        rows = (await s.execute(select(OutboxMessage.params).where(OutboxMessage.kind == digest.KIND)
                                .order_by(OutboxMessage.id))).scalars()
        return [p["total"] for p in rows]


async def test_an_hourly_digest_counts_each_new_request_once(db):
    (cohort,) = await add_course(db, approval="staff")
    await add_people(db, [STAFF], role="staff")
    await add_people(db, [9111, 9112, 9113])
    async with session_scope(db.sessionmaker) as s:
        await digest.set_digest(s, Actor.person(STAFF), True, NOW)
    await _ask(db, 9111, cohort, NOW + timedelta(minutes=10))
    await _ask(db, 9112, cohort, NOW + timedelta(minutes=20))
    assert await _tick(db, NOW + timedelta(minutes=30)) == 0  # not an hour yet
    assert await _tick(db, NOW + timedelta(hours=1)) == 1
    assert await _tick(db, NOW + timedelta(hours=1, minutes=1)) == 0
    await _ask(db, 9113, cohort, NOW + timedelta(hours=1, minutes=10))
    assert await _tick(db, NOW + timedelta(hours=1, minutes=50)) == 0  # at most hourly
    assert await _tick(db, NOW + timedelta(hours=2, minutes=5)) == 1
    assert await _tick(db, NOW + timedelta(hours=4)) == 0  # nothing new: no message
    assert await _digests(db) == [2, 1]


async def test_only_staff_opt_in_and_a_former_staff_member_gets_nothing(db):
    (cohort,) = await add_course(db, approval="staff")
    await add_people(db, [STAFF], role="staff")
    await add_people(db, [9121])
    async with session_scope(db.sessionmaker) as s:
        with pytest.raises(Forbidden):
            await digest.set_digest(s, Actor.person(9121), True, NOW)
        await digest.set_digest(s, Actor.person(STAFF), True, NOW)
    await _ask(db, 9121, cohort, NOW + timedelta(minutes=5))
    async with session_scope(db.sessionmaker) as s:
        await s.execute(update(User).where(User.id == STAFF).values(role="user"))
    assert await _tick(db, NOW + timedelta(hours=2)) == 0
