"""What keeps several processes honest on one database: the dispatcher's fence, one broadcast per composing
session, and one send budget for the bot token shared by every dispatcher (PostgreSQL)."""
from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from db.models import Broadcast
from db.session import session_scope
from notifications.broadcasts.service import create_broadcast
from notifications.send_rate import SharedRateLimits, limits_for
from tests.notifications.broadcasts.test_delivery import STAFF, STAFF_ACTOR, start_broadcast


async def test_a_dispatcher_that_slept_past_its_lease_sends_nothing_its_successor_took(db, clock, people, standin,
                                                                                    make_dispatcher):
    recipients = await people(db, range(6000, 6012), topics=("it",))
    await start_broadcast(db, clock, {"kind": "topic", "topic": "it"})
    old, new = make_dispatcher(worker="old"), make_dispatcher(worker="new")
    batch = await old.claim()
    assert len(batch) == len(recipients)
    # `old` now sleeps on a RetryAfter longer than its lease; `new` (the standby that took over) re-claims.
    clock.advance(old.lease + timedelta(seconds=1))
    assert await new.drain() == len(recipients)
    for msg, language in batch:  # `old` wakes up and goes on with the batch it had claimed
        await old.deliver(msg, language)

    assert standin.duplicates() == {}
    assert sorted(chat for chat, _ in standin.delivered) == sorted(recipients)
    assert old.stats.fenced == len(recipients) and old.stats.sent == 0


async def test_a_stopping_dispatcher_gives_its_unsent_rows_back_at_once(db, clock, people, standin, make_dispatcher):
    recipients = await people(db, range(6100, 6110), topics=("it",))
    await start_broadcast(db, clock, {"kind": "topic", "topic": "it"})
    leaving, staying = make_dispatcher(worker="leaving"), make_dispatcher(worker="staying")
    leaving.stop()  # SIGTERM arrived as the batch was claimed
    assert await leaving.run_once() == len(recipients)
    assert standin.count() == 0
    assert await staying.drain() == len(recipients)  # no lease to wait out
    assert sorted(chat for chat, _ in standin.delivered) == sorted(recipients)


async def test_a_double_send_now_in_one_composing_session_makes_one_broadcast(db, clock, people):
    await people(db, range(6200, 6205), topics=("it",))
    spec = {"kind": "topic", "topic": "it"}

    async def press() -> int:
        async with session_scope(db.sessionmaker) as s:
            b = await create_broadcast(s, actor=STAFF_ACTOR, text="공지", audience=spec, now=clock.now(),
                                       compose_key=f"{STAFF}:abc")
            return b.id

    first = await press()
    assert await press() == first
    other = await create_other(db, clock, spec)
    assert other != first
    async with db.sessionmaker() as s:
        assert (await s.execute(select(func.count()).select_from(Broadcast))).scalar() == 2


async def create_other(db, clock, spec) -> int:
    async with session_scope(db.sessionmaker) as s:
        return (await create_broadcast(s, actor=STAFF_ACTOR, text="공지", audience=spec, now=clock.now(),
                                       compose_key=f"{STAFF}:another-session")).id


@pytest.mark.postgres
async def test_two_dispatcher_processes_share_one_send_budget(pg_url):
    """Two limiters (two processes) reserving slots at once: never more than 30 slots in any second, and a
    RetryAfter seen by one holds the other back too."""
    from db.session import make_engine, make_sessionmaker

    engines = [make_engine(pg_url), make_engine(pg_url)]
    slept: list[list[float]] = [[], []]
    reserved: list[float] = []
    try:
        limits = []
        for i, engine in enumerate(engines):
            async def sleep(seconds: float, i=i) -> None:  # no real sleeping: record how long each would wait
                slept[i].append(seconds)
            lim = limits_for(make_sessionmaker(engine), "4242")
            assert isinstance(lim, SharedRateLimits)
            lim.sleep = sleep
            lim.per_chat_interval = 0.0
            limits.append(lim)

        async def reserve(lim: SharedRateLimits) -> None:
            for _ in range(45):
                reserved.append(await lim.reserve_slot())

        await asyncio.gather(reserve(limits[0]), reserve(limits[1]))
        reserved.sort()
        assert len(reserved) == 90
        assert max(_in_any_second(reserved)) <= 30
        assert reserved[-1] - reserved[0] >= 89 / 30  # 90 slots take three seconds, whoever asks

        await limits[0].flood_wait(5.0)  # Telegram told process 0 to wait 5 s
        after = await limits[1].reserve_slot()
        assert after - limits[1]._server_now >= 4.5  # process 1 waits out process 0's flood wait
    finally:
        for engine in engines:
            await engine.dispose()


def _in_any_second(times: list[float]) -> list[int]:
    counts, j = [], 0
    for i, t in enumerate(times):
        while times[j] <= t - 1.0:
            j += 1
        counts.append(i - j + 1)
    return counts
