"""Moving to another cohort of the same course: the new seat or the old one, never both and never neither.

Real concurrency on SQLite and PostgreSQL: 100 people move into a cohort with 10 free seats at once; moves A→B
race moves B→A (no deadlock, seats conserved); a pending move takes the new seat and releases the old one to
that cohort's waitlist in one transaction.
"""
from __future__ import annotations

import asyncio
from collections import Counter

from sqlalchemy import select

from catalog import enrollment as svc
from catalog import moves
from db.access import Actor
from db.models import Enrollment
from db.session import session_scope
from tests.handlers.enrollment.factory import NOW, add_course, add_people

HOLDING = ("confirmed", "pending")


async def _fill(db, cohort_id: int, users: list[int]) -> dict[int, int]:
    ids = {}
    async with session_scope(db.sessionmaker) as s:
        for uid in users:
            ids[uid] = (await svc.request_seat(s, user_id=uid, cohort_id=cohort_id, now=NOW)).enrollment_id
    return ids


async def _move(db, uid: int, enrollment_id: int, target: int, wait: bool = False) -> str:
    async with session_scope(db.sessionmaker) as s:
        result = await moves.move(s, actor=Actor.person(uid), enrollment_id=enrollment_id, target_cohort_id=target,
                                  now=NOW, wait=wait)
    return result.status


async def _seats(db) -> list[tuple[int, int, str]]:
    async with db.sessionmaker() as s:
        return [tuple(r) for r in await s.execute(select(Enrollment.user_id, Enrollment.cohort_id, Enrollment.status))]


async def test_100_concurrent_moves_into_10_free_seats(db):
    a, b = await add_course(db, capacity=100, cohorts=[("2022-03-07", "2022-03-11"), ("2022-04-04", "2022-04-08")])
    users = list(range(8001, 8101))
    await add_people(db, users)
    ids = await _fill(db, a, users)
    async with session_scope(db.sessionmaker) as s:  # B has 10 seats
        from sqlalchemy import update

        from db.models import Cohort
        await s.execute(update(Cohort).where(Cohort.id == b).values(capacity=10))
    outcomes = await asyncio.gather(*(_move(db, uid, ids[uid], b) for uid in users))
    assert Counter(outcomes) == {"moved": 10, "full": 90}
    rows = await _seats(db)
    holding = Counter(uid for uid, _c, status in rows if status in HOLDING)
    assert set(holding) == set(users) and set(holding.values()) == {1}  # one seat each: never both, never neither
    per_cohort = Counter(c for _u, c, status in rows if status in HOLDING)
    assert per_cohort == {a: 90, b: 10}


async def test_moves_a_to_b_racing_moves_b_to_a_neither_deadlock_nor_lose_seats(db):
    a, b = await add_course(db, capacity=25, cohorts=[("2022-03-07", "2022-03-11"), ("2022-04-04", "2022-04-08")])
    left, right = list(range(8201, 8221)), list(range(8221, 8241))
    await add_people(db, left + right)
    ids = {**await _fill(db, a, left), **await _fill(db, b, right)}
    outcomes = await asyncio.gather(*(_move(db, u, ids[u], b) for u in left), *(_move(db, u, ids[u], a) for u in right))
    assert set(outcomes) <= {"moved", "full"} and outcomes.count("moved") >= 5
    rows = await _seats(db)
    holding = Counter(uid for uid, _c, status in rows if status in HOLDING)
    assert set(holding) == set(left + right) and set(holding.values()) == {1}
    per_cohort = Counter(c for _u, c, status in rows if status in HOLDING)
    assert sum(per_cohort.values()) == 40 and max(per_cohort.values()) <= 25


async def test_a_pending_move_takes_the_new_seat_and_frees_the_old_one_for_its_waitlist(db):
    a, b = await add_course(db, capacity=1, cohorts=[("2022-03-07", "2022-03-11"), ("2022-04-04", "2022-04-08")])
    await add_people(db, [8301, 8302, 8303])
    mover = (await _fill(db, a, [8301]))[8301]
    waiting_in_a = (await _fill(db, a, [8302]))[8302]  # waitlisted behind the mover's seat
    holder = (await _fill(db, b, [8303]))[8303]
    assert await _move(db, 8301, mover, b) == "full"
    assert await _move(db, 8301, mover, b, wait=True) == "waiting"
    async with db.sessionmaker() as s:
        mine = {v.cohort_id: v for v in await svc.my_enrollments(s, 8301)}
    assert mine[a].status == "confirmed" and mine[b].status == "waitlisted" and mine[b].moving_from == mover
    async with session_scope(db.sessionmaker) as s:  # a seat in B frees up
        await svc.cancel(s, enrollment_id=holder, actor=Actor.person(8303), now=NOW)
    rows = {(uid, c): status for uid, c, status in await _seats(db)}
    assert rows[(8301, b)] == "confirmed" and rows[(8301, a)] == "cancelled"  # moved, in one transaction
    assert rows[(8302, a)] == "confirmed"  # the old seat went to the first person waiting for it
    async with db.sessionmaker() as s:
        assert (await s.get(Enrollment, waiting_in_a)).status == "confirmed"


async def test_promotions_that_release_a_movers_old_seat_race_moves_without_deadlock(db):
    """A cancellation in B promotes someone waiting to move from A (so it locks B, then A) while moves B→A run
    (A, then B): the course lock taken first keeps them in one order."""
    a, b = await add_course(db, capacity=10, cohorts=[("2022-03-07", "2022-03-11"), ("2022-04-04", "2022-04-08")])
    in_a, in_b = list(range(8401, 8411)), list(range(8411, 8421))
    await add_people(db, in_a + in_b)
    ids = {**await _fill(db, a, in_a), **await _fill(db, b, in_b)}
    for uid in in_a:
        assert await _move(db, uid, ids[uid], b, wait=True) == "waiting"

    async def cancel(uid: int) -> str:
        async with session_scope(db.sessionmaker) as s:
            return "cancelled" if (await svc.cancel(s, enrollment_id=ids[uid], actor=Actor.person(uid), now=NOW)).ok else "?"

    outcomes = await asyncio.gather(*(cancel(u) for u in in_b[:5]), *(_move(db, u, ids[u], a) for u in in_b[5:]))
    assert outcomes[:5] == ["cancelled"] * 5
    rows = await _seats(db)
    holding = Counter(uid for uid, _c, status in rows if status in HOLDING)
    assert set(holding) == set(in_a + in_b[5:]) and set(holding.values()) == {1}
    per_cohort = Counter(c for _u, c, status in rows if status in HOLDING)
    assert sum(per_cohort.values()) == 15 and max(per_cohort.values()) <= 10
