"""The enrollment service under load, on SQLite and PostgreSQL: never overbooked, waitlists in one order,
freed seats go to the first person waiting exactly once, duplicates are no-ops."""
from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from catalog import enrollment as svc
from db.access import Actor
from db.models import Enrollment, OutboxMessage
from db.session import make_engine, make_sessionmaker, session_scope
from tests.support.databases import TestDb
from tests.handlers.enrollment.factory import NOW, add_course, add_people

USERS = list(range(5001, 5201))  # 200 people


async def _request(db, user_id: int, cohort_id: int, now=NOW) -> svc.EnrollOutcome:
    async with session_scope(db.sessionmaker) as s:  # one session (one connection) per person
        return await svc.request_seat(s, user_id=user_id, cohort_id=cohort_id, now=now)


async def _cancel(db, enrollment_id: int, user_id: int, now=NOW) -> svc.ChangeOutcome:
    async with session_scope(db.sessionmaker) as s:
        return await svc.cancel(s, enrollment_id=enrollment_id, actor=Actor.person(user_id), now=now)


async def _rows(db, cohort_id: int) -> list[Enrollment]:
    async with db.sessionmaker() as s:
        return list((await s.execute(select(Enrollment).where(Enrollment.cohort_id == cohort_id)
                                     .order_by(Enrollment.id))).scalars())


async def _fill(db, capacity=50, approval="auto", users=USERS):
    (cohort_id,) = await add_course(db, capacity=capacity, approval=approval)
    await add_people(db, users)
    outcomes = await asyncio.gather(*(_request(db, u, cohort_id) for u in users))
    return cohort_id, outcomes


async def test_200_concurrent_requests_for_50_seats_never_overbook_then_30_cancellations_promote_30(db):
    cohort_id, outcomes = await _fill(db)
    counts = Counter(o.status for o in outcomes)
    assert counts == {"confirmed": 50, "waitlisted": 150}
    # the waitlist positions handed out are 1..150, each once
    assert sorted(o.position for o in outcomes if o.status == "waitlisted") == list(range(1, 151))
    rows = await _rows(db, cohort_id)
    assert len(rows) == 200 and len({r.user_id for r in rows}) == 200  # no duplicates
    assert Counter(r.status for r in rows) == {"confirmed": 50, "waitlisted": 150}
    waiting = sorted((r for r in rows if r.status == "waitlisted"), key=lambda r: r.waitlist_seq)
    # one consistent order: the sequence is the order in which the seats were decided (row ids too)
    assert [r.waitlist_seq for r in waiting] == list(range(1, 151))
    assert [r.id for r in waiting] == sorted(r.id for r in waiting)
    assert all(r.id < min(w.id for w in waiting) for r in rows if r.status == "confirmed")
    # what each person was told is what the database says
    by_user = {r.user_id: r for r in rows}
    for user_id, o in zip(USERS, outcomes):
        assert by_user[user_id].status == o.status
    await _then_30_concurrent_cancellations_promote_exactly_30_waiting_people_in_order(db, cohort_id, outcomes)


async def test_on_sqlite_twenty_connections_racing_for_the_lock_never_overbook_either(db):
    """The bot keeps one SQLite connection per process (transactions queue in asyncio); several processes, or a
    bigger pool, contend in SQLite itself. BEGIN IMMEDIATE must hold the line there too."""
    if db.dialect != "sqlite":
        pytest.skip("on PostgreSQL every test already runs on separate connections")
    engine = make_engine(db.url, pool_size=20, max_overflow=0)
    try:
        many = TestDb(db.url, engine, make_sessionmaker(engine))
        cohort_id, outcomes = await _fill(many)
        assert Counter(o.status for o in outcomes) == {"confirmed": 50, "waitlisted": 150}
        rows = await _rows(many, cohort_id)
        assert Counter(r.status for r in rows) == {"confirmed": 50, "waitlisted": 150}
        assert sorted(r.waitlist_seq for r in rows if r.status == "waitlisted") == list(range(1, 151))
    finally:
        await engine.dispose()


async def test_staff_approved_course_holds_seats_as_pending(db):
    cohort_id, outcomes = await _fill(db, capacity=10, approval="staff", users=USERS[:40])
    assert Counter(o.status for o in outcomes) == {"pending": 10, "waitlisted": 30}


async def _then_30_concurrent_cancellations_promote_exactly_30_waiting_people_in_order(db, cohort_id, outcomes):
    confirmed = [o.enrollment for o in outcomes if o.status == "confirmed"][:30]
    results = await asyncio.gather(*(_cancel(db, v.id, v.user_id) for v in confirmed))
    assert all(r.ok for r in results)
    promoted = [p for r in results for p in r.promoted]
    assert len(promoted) == 30 and len({p.id for p in promoted}) == 30  # nobody promoted twice
    rows = await _rows(db, cohort_id)
    counts = Counter(r.status for r in rows)
    assert counts == {"confirmed": 50, "cancelled": 30, "waitlisted": 120}
    # the 30 promoted are exactly the first 30 who were waiting
    first_waiting = sorted((o.enrollment for o in outcomes if o.status == "waitlisted"), key=lambda v: v.position)
    assert {p.id for p in promoted} == {v.id for v in first_waiting[:30]}
    # and each of them has exactly one notice in the outbox
    async with db.sessionmaker() as s:
        notices = (await s.execute(select(OutboxMessage.user_id, func.count()).where(
            OutboxMessage.kind == svc.NOTICE_KIND).group_by(OutboxMessage.user_id))).all()
    assert dict(notices) == {p.user_id: 1 for p in promoted}
    # the remaining waitlist is renumbered 1..120 in the old order
    async with db.sessionmaker() as s:
        last = [v.user_id for v in first_waiting[-3:]]
        mine = {v.id: v.position for u in last for v in await svc.my_enrollments(s, u)}
    assert sorted(mine.values()) == [118, 119, 120]


async def test_concurrent_cancellations_and_new_requests_keep_the_seat_count(db):
    cohort_id, outcomes = await _fill(db, capacity=20, users=USERS[:60])
    late = list(range(6001, 6021))
    await add_people(db, late)
    confirmed = [o.enrollment for o in outcomes if o.status == "confirmed"][:10]
    await asyncio.gather(*(_cancel(db, v.id, v.user_id) for v in confirmed),
                         *(_request(db, u, cohort_id) for u in late))
    rows = await _rows(db, cohort_id)
    counts = Counter(r.status for r in rows)
    assert counts["confirmed"] == 20 and counts["cancelled"] == 10 and counts["waitlisted"] == 50
    # newcomers never jump the queue: all 20 late requests are on the waitlist, behind the first 30
    assert all(r.status == "waitlisted" for r in rows if r.user_id in late)


async def test_a_racing_duplicate_request_is_a_no_op(db):
    (cohort_id,) = await add_course(db, capacity=5)
    await add_people(db, [7001])
    outcomes = await asyncio.gather(*(_request(db, 7001, cohort_id) for _ in range(8)))
    assert Counter(o.status for o in outcomes) == {"confirmed": 1, "duplicate": 7}
    first = next(o for o in outcomes if o.status == "confirmed")
    assert all(o.existing.id == first.enrollment_id for o in outcomes if o.status == "duplicate")
    assert len(await _rows(db, cohort_id)) == 1


async def test_cancelling_after_the_start_is_refused_and_before_it_frees_the_seat(db):
    (cohort_id,) = await add_course(db, capacity=1)
    await add_people(db, [7001, 7002])
    a = await _request(db, 7001, cohort_id)
    b = await _request(db, 7002, cohort_id)
    assert (a.status, b.status, b.position) == ("confirmed", "waitlisted", 1)
    late = await _cancel(db, a.enrollment_id, 7001, now=NOW.replace(month=3, day=8))
    assert not late.ok and late.code == "started"
    other = await _cancel(db, a.enrollment_id, 7002)  # not theirs
    assert not other.ok and other.code == "not_found"
    ok = await _cancel(db, a.enrollment_id, 7001)
    assert ok.ok and [p.user_id for p in ok.promoted] == [7002]


async def test_overlapping_and_same_course_requests_are_refused_with_the_existing_one(db):
    first, second = await add_course(db, cohorts=[("2022-03-07", "2022-03-11"), ("2022-05-02", "2022-05-06")])
    (other,) = await add_course(db, course_id="enr-other", title="리더십 테스트", cohorts=[("2022-03-10", "2022-03-12")])
    await add_people(db, [7001])
    assert (await _request(db, 7001, first)).status == "confirmed"
    same = await _request(db, 7001, second)
    assert same.status == "refused" and same.refusal.code == "same_course" and same.existing.cohort_id == first
    clash = await _request(db, 7001, other)
    assert clash.status == "refused" and clash.refusal.code == "overlap" and clash.existing.cohort_id == first


async def test_no_profile_and_eligibility_refusals(db):
    (cohort_id,) = await add_course(db, eligibility={"ranks": ["6급"], "note": "6급"})
    await add_people(db, [7001], rank="7급")
    await add_people(db, [7002], profile=False)
    refused = await _request(db, 7001, cohort_id)
    assert refused.status == "refused" and refused.refusal.code == "rank"
    nobody = await _request(db, 7002, cohort_id)
    assert nobody.status == "refused" and nobody.refusal.code == "profile_needed"


async def test_staff_reject_frees_the_seat_and_notifies_both(db):
    (cohort_id,) = await add_course(db, capacity=1, approval="staff")
    await add_people(db, [7001, 7002])
    a = await _request(db, 7001, cohort_id)
    b = await _request(db, 7002, cohort_id)
    assert (a.status, b.status) == ("pending", "waitlisted")
    async with session_scope(db.sessionmaker) as s:
        r = await svc.reject(s, enrollment_id=a.enrollment_id, actor=Actor.operator("test"), now=NOW + timedelta(hours=1),
                             reason="정원 초과")
    assert r.ok and [p.status for p in r.promoted] == ["pending"]
    async with session_scope(db.sessionmaker) as s:
        again = await svc.reject(s, enrollment_id=a.enrollment_id, actor=Actor.operator("test"), now=NOW, reason="x")
        queue = await svc.pending_queue(s, Actor.operator("test"), now=NOW)
        approved = await svc.bulk_approve(s, course_id="enr-test", actor=Actor.operator("test"), now=NOW)
    assert not again.ok and again.code == "decided"
    assert [i.enrollment.user_id for q in queue for i in q.items] == [7002]
    assert [v.user_id for v in approved] == [7002]
    async with db.sessionmaker() as s:
        events = [(m.user_id, m.params["event"]) for m in (await s.execute(
            select(OutboxMessage).order_by(OutboxMessage.id))).scalars()]
    assert events == [(7001, "rejected"), (7002, "promoted"), (7002, "approved")]


async def test_a_duplicate_that_slips_past_the_checks_is_stopped_by_the_constraint_in_a_savepoint(db, monkeypatch):
    """The unique (user, cohort) constraint is the last line: if a racing duplicate got past every check, the
    insert fails inside a savepoint, the transaction goes on, and the person is shown the request that stands."""
    (cohort_id,) = await add_course(db, capacity=5)
    await add_people(db, [7001, 7002])
    first = await _request(db, 7001, cohort_id)
    real_existing = svc._existing
    calls = {"n": 0}

    async def blind_existing(session, user_id, cid):  # the race: the checks do not see the winner's row
        calls["n"] += 1
        return None if calls["n"] <= 2 else await real_existing(session, user_id, cid)

    monkeypatch.setattr(svc, "_existing", blind_existing)
    async with session_scope(db.sessionmaker) as s:
        dup = await svc.request_seat(s, user_id=7001, cohort_id=cohort_id, now=NOW)
        other = await svc.request_seat(s, user_id=7002, cohort_id=cohort_id, now=NOW)  # same transaction goes on
    assert dup.status == "duplicate" and dup.existing.id == first.enrollment_id
    assert other.status == "confirmed"
    rows = await _rows(db, cohort_id)
    assert sorted((r.user_id, r.status) for r in rows) == [(7001, "confirmed"), (7002, "confirmed")]


async def test_after_cancelling_a_person_may_ask_again_and_goes_behind_those_waiting(db):
    (cohort_id,) = await add_course(db, capacity=1)
    await add_people(db, [7001, 7002])
    a = await _request(db, 7001, cohort_id)
    await _request(db, 7002, cohort_id)  # waitlisted
    assert (await _cancel(db, a.enrollment_id, 7001)).ok  # 7002 takes the seat
    again = await _request(db, 7001, cohort_id)
    assert again.status == "waitlisted" and again.position == 1 and again.enrollment_id == a.enrollment_id
    rows = await _rows(db, cohort_id)
    assert sorted((r.user_id, r.status) for r in rows) == [(7001, "waitlisted"), (7002, "confirmed")]
