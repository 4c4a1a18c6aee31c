"""Broadcast life cycle without Telegram: audiences and counts, resumable fan-out, schedule, cancel, report."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, insert, select

from db.access import Actor
from db.models import Broadcast, Cohort, Enrollment, ExamRound, ExamSubscription, OutboxMessage
from db.session import session_scope
from notifications.broadcasts.audiences import BadAudience, describe
from notifications.broadcasts.service import (BroadcastError, broadcasts_tick, cancel_broadcast, create_broadcast,
                                              fan_out, finish_broadcasts, progress, schedule_broadcast)
from tests.notifications.broadcasts.conftest import outbox_counts

STAFF = 9001
STAFF_ACTOR = Actor.person(STAFF, admin_ids={STAFF})


async def new_broadcast(db, clock, audience, *, at=None, text="안내") -> int:
    async with session_scope(db.sessionmaker) as s:
        b = await create_broadcast(s, actor=STAFF_ACTOR, text=text, audience=audience, now=clock.now())
        await schedule_broadcast(s, b.id, at, clock.now(), actor=STAFF_ACTOR)
    return b.id


async def count(db, spec) -> int:
    async with db.sessionmaker() as s:
        return (await describe(s, spec)).count


async def test_audiences_count_the_right_people_and_skip_those_who_blocked_the_bot(db, clock, people):
    await people(db, range(100, 110), topics=("it",))
    await people(db, range(110, 113), topics=("it",), unreachable=True)
    await people(db, range(200, 205), language="en")
    async with session_scope(db.sessionmaker) as s:
        cohorts = list((await s.execute(select(Cohort).where(Cohort.course_id == "it-excel")
                                        .order_by(Cohort.number))).scalars())
        rnd = (await s.execute(select(ExamRound.id).order_by(ExamRound.id))).scalars().first()
        rows = [(100, cohorts[0].id, "confirmed"), (101, cohorts[0].id, "pending"), (102, cohorts[0].id, "waitlisted"),
                (103, cohorts[1].id, "confirmed"), (104, cohorts[1].id, "cancelled"), (103, cohorts[0].id, "rejected")]
        await s.execute(insert(Enrollment), [dict(user_id=u, cohort_id=c, status=st, requested_at=clock.now())
                                             for u, c, st in rows])
        await s.execute(insert(ExamSubscription), [dict(user_id=u, round_id=rnd, created_at=clock.now())
                                                   for u in (200, 201, 110)])
    assert await count(db, {"kind": "everyone"}) == 15
    assert await count(db, {"kind": "topic", "topic": "it"}) == 10
    assert await count(db, {"kind": "language", "language": "en"}) == 5
    assert await count(db, {"kind": "course", "course_id": "it-excel"}) == 4  # 100, 101, 102, 103
    assert await count(db, {"kind": "cohort", "cohort_id": cohorts[0].id}) == 3
    assert await count(db, {"kind": "cohort", "cohort_id": cohorts[0].id, "statuses": ["waitlisted"]}) == 1
    assert await count(db, {"kind": "cohort", "cohort_id": cohorts[0].id,
                            "statuses": ["confirmed", "pending"]}) == 2
    async with db.sessionmaker() as s:
        info = await describe(s, {"kind": "exam", "round_id": rnd})
    assert (info.count, info.unreachable) == (2, 1)
    for forged in ({"kind": "topic", "topic": "nope"}, {"kind": "course", "course_id": "nope"},
                   {"kind": "sql", "q": "1=1"}, {"kind": "cohort", "cohort_id": "x"},
                   {"kind": "course", "course_id": "it-excel", "statuses": ["rejected"]}):
        with pytest.raises(BadAudience):
            async with db.sessionmaker() as s:
                await describe(s, forged)


async def test_a_crash_mid_fan_out_resumes_without_duplicates(db, clock, people):
    ids = await people(db, range(1000, 1250))
    bid = await new_broadcast(db, clock, {"kind": "everyone"})
    partial = await fan_out(db.sessionmaker, bid, clock.now(), chunk=40, max_chunks=3)  # then the process dies
    assert (partial.added, partial.finished) == (120, False)
    async with db.sessionmaker() as s:
        assert (await s.get(Broadcast, bid)).status == "scheduled"  # still due: the next tick resumes it
    again = await fan_out(db.sessionmaker, bid, clock.now(), chunk=40)
    assert again.finished and again.added == len(ids) - 120
    async with db.sessionmaker() as s:
        keys = (await s.execute(select(OutboxMessage.key).where(OutboxMessage.broadcast_id == bid))).scalars().all()
        b = await s.get(Broadcast, bid)
    assert len(keys) == len(set(keys)) == len(ids) == b.total and b.status == "sending"
    # Running it once more (a second worker, a retry) changes nothing.
    assert (await fan_out(db.sessionmaker, bid, clock.now())).stopped == "sending"


async def test_a_scheduled_broadcast_starts_at_its_time(db, clock, people):
    await people(db, range(300, 320))
    bid = await new_broadcast(db, clock, {"kind": "everyone"}, at=clock.now() + timedelta(hours=24))
    clock.advance(hours=23, minutes=59)
    await broadcasts_tick(db.sessionmaker, clock.now())
    assert await outbox_counts(db, bid) == {}
    clock.advance(minutes=1)
    await broadcasts_tick(db.sessionmaker, clock.now())
    assert await outbox_counts(db, bid) == {"pending": 20}


async def test_cancel_stops_what_was_not_sent_and_reports(db, clock, people):
    await people(db, [STAFF], role="staff")
    await people(db, range(400, 450))
    bid = await new_broadcast(db, clock, {"kind": "everyone"})
    await broadcasts_tick(db.sessionmaker, clock.now())
    async with session_scope(db.sessionmaker) as s:  # 10 were sent before staff pressed cancel
        ten = (await s.execute(select(OutboxMessage.id).where(OutboxMessage.broadcast_id == bid)
                               .order_by(OutboxMessage.id).limit(10))).scalars().all()
        await s.execute(OutboxMessage.__table__.update().where(OutboxMessage.id.in_(ten)).values(status="sent"))
    async with session_scope(db.sessionmaker) as s:
        result = await cancel_broadcast(s, bid, clock.now(), actor=STAFF_ACTOR)
    assert result.cancelled == 41  # 50 people + the staff member − 10 sent
    assert await outbox_counts(db, bid) == {"sent": 10, "cancelled": 41}
    async with session_scope(db.sessionmaker) as s:
        finished = await finish_broadcasts(s, clock.now())
        again = await finish_broadcasts(s, clock.now())
        report = (await s.execute(select(OutboxMessage).where(OutboxMessage.kind == "broadcast_report"))).scalar_one()
        p = await progress(s, bid)
    assert [f.id for f in finished] == [bid] and again == []
    assert report.user_id == STAFF and report.params["sent"] == 10 and report.params["cancelled"] == 41
    assert p.status == "cancelled" and p.pending == 0
    async with session_scope(db.sessionmaker) as s:
        assert (await cancel_broadcast(s, bid, clock.now(), actor=STAFF_ACTOR)).already == "cancelled"


async def test_a_broadcast_is_done_only_when_nothing_is_in_flight(db, clock, people):
    await people(db, [STAFF], role="staff")
    await people(db, range(500, 505))
    bid = await new_broadcast(db, clock, {"kind": "everyone"})
    await broadcasts_tick(db.sessionmaker, clock.now())
    async with session_scope(db.sessionmaker) as s:
        await s.execute(OutboxMessage.__table__.update().where(OutboxMessage.broadcast_id == bid)
                        .values(status="sent"))
        one = (await s.execute(select(func.min(OutboxMessage.id)).where(OutboxMessage.broadcast_id == bid))).scalar()
        await s.execute(OutboxMessage.__table__.update().where(OutboxMessage.id == one).values(status="claimed"))
    _, finished = await broadcasts_tick(db.sessionmaker, clock.now())
    assert finished == []
    async with session_scope(db.sessionmaker) as s:
        await s.execute(OutboxMessage.__table__.update().where(OutboxMessage.id == one).values(status="unreachable"))
    _, finished = await broadcasts_tick(db.sessionmaker, clock.now())
    assert [(f.status, f.sent, f.unreachable, f.pending) for f in finished] == [("done", 5, 1, 0)]


async def test_bad_requests_are_refused(db, clock, people):
    async with session_scope(db.sessionmaker) as s:
        for kwargs, code in ((dict(text=""), "empty"), (dict(text="x" * 4000), "too_long"),
                             (dict(text="hi", audience={"kind": "topic", "topic": "??"}), "bad_audience"),
                             (dict(text="hi", course_id="no-such-course"), "no_such_course")):
            args = dict(actor=STAFF_ACTOR, audience={"kind": "everyone"}, now=clock.now()) | kwargs
            with pytest.raises(BroadcastError) as err:
                await create_broadcast(s, **args)
            assert err.value.code == code
