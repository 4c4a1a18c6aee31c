"""The real dispatcher against the Bot API stand-in: 429s, 403s, 5xx and timeouts — every message is delivered
exactly once or accounted for as unreachable; a kill mid-broadcast resumes without losing anything."""
from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta

from sqlalchemy import select

from db.access import Actor
from db.models import Broadcast, OutboxMessage, User
from db.session import session_scope
from notifications.broadcasts.service import broadcasts_tick, create_broadcast, schedule_broadcast
from tests.notifications.broadcasts.conftest import FakeTimer, outbox_counts, send_until_settled

STAFF = 9001
STAFF_ACTOR = Actor.person(STAFF, admin_ids={STAFF})


async def start_broadcast(db, clock, audience: dict, text: str = "공지: 3월 교육 일정") -> int:
    async with session_scope(db.sessionmaker) as s:
        b = await create_broadcast(s, actor=STAFF_ACTOR, text=text, audience=audience, now=clock.now())
        await schedule_broadcast(s, b.id, None, clock.now(), actor=STAFF_ACTOR)
    await broadcasts_tick(db.sessionmaker, clock.now())
    return b.id


async def test_every_message_delivered_exactly_once_or_unreachable_under_faults(db, clock, people, standin,
                                                                                make_dispatcher):
    await people(db, [STAFF], role="staff")
    recipients = await people(db, range(5000, 5060), topics=("it",))
    blocked = set(recipients[::20])  # 3 people blocked the bot (Telegram answers 403)
    standin.blocked.update(blocked)
    standin.fail_next(3, status=502)
    standin.timeout_next(2, delay=0.6)
    standin.faults(p_5xx=0.05, p_timeout=0.03, seed=11, delay=0.6)
    # Flood control (429 + retry_after) on chosen sends, by count: a busy machine sees it as surely as an idle one.
    # The 31st is the first send after the 30th's flood wait: waiting once is not enough, it must wait again.
    standin.retry_after_at(6, 30, 31, seconds=1)
    timer = FakeTimer()  # the dispatcher's flood waits and pacing, and the stand-in's record of when each send came
    standin.clock = timer.monotonic
    dispatcher = make_dispatcher(timer=timer)
    bid = await start_broadcast(db, clock, {"kind": "topic", "topic": "it"})

    await send_until_settled(dispatcher, db, clock)

    delivered = Counter(chat for chat, _ in standin.delivered)
    assert set(delivered) == set(recipients) - blocked
    assert max(delivered.values()) == 1, "somebody got the notice twice"
    assert standin.stats.rate_limited == 3 and standin.stats.server_errors > 0 and standin.stats.timeouts > 0
    counts = await outbox_counts(db, bid)
    assert counts == {"sent": 57, "unreachable": 3}
    async with db.sessionmaker() as s:
        marked = set((await s.execute(select(User.id).where(User.unreachable_at.is_not(None)))).scalars())
    assert marked == blocked
    assert_nothing_sent_during_a_flood_wait(standin, seconds=1)

    # Once the last message is settled the staff member gets the delivery report (itself an outbox notice), even when
    # Telegram's flood control refuses its first try.
    standin.retry_after_at(standin.stats.requests + 1, seconds=1)
    await broadcasts_tick(db.sessionmaker, clock.now())
    await send_until_settled(dispatcher, db, clock)
    reports = [text for chat, text in standin.delivered if chat == STAFF]
    assert len(reports) == 1 and "57" in reports[0] and "3" in reports[0]
    assert standin.stats.rate_limited == 4
    assert_nothing_sent_during_a_flood_wait(standin, seconds=1)


def assert_nothing_sent_during_a_flood_wait(standin, *, seconds: float) -> None:
    """After a 429 the next send to anyone waits out retry_after (one shared flood wait, not just that message)."""
    answers = standin.answered
    for (at, _, status), (next_at, chat, _) in zip(answers, answers[1:]):
        if status == 429:
            assert next_at - at >= seconds - 1e-9, f"chat {chat} was sent {next_at - at:.3f} s after a 429"


async def test_people_who_blocked_the_bot_are_skipped_by_the_next_broadcast(db, clock, people, standin,
                                                                            make_dispatcher):
    await people(db, [STAFF], role="staff")
    recipients = await people(db, range(6000, 6020))
    standin.blocked.add(6003)
    dispatcher = make_dispatcher()
    await start_broadcast(db, clock, {"kind": "everyone"}, text="first")
    await send_until_settled(dispatcher, db, clock)
    second = await start_broadcast(db, clock, {"kind": "everyone"}, text="second")
    await send_until_settled(dispatcher, db, clock)
    assert 6003 not in {chat for chat, text in standin.delivered if text.endswith("second")}
    assert standin.stats.forbidden == 1  # never tried again
    async with db.sessionmaker() as s:
        total = (await s.get(Broadcast, second)).total
    assert total == len(recipients)  # 20 people + staff − the one who blocked


async def test_kill_between_claim_and_mark_resumes_with_duplicates_bounded_by_the_batch(db, clock, people, standin,
                                                                                      make_dispatcher):
    await people(db, [STAFF], role="staff")
    recipients = await people(db, range(7000, 7090), topics=("leadership",))
    bid = await start_broadcast(db, clock, {"kind": "topic", "topic": "leadership"})
    first = make_dispatcher(worker="doomed")
    task = asyncio.create_task(first.drain())
    loop = asyncio.get_running_loop()
    standin.on_delivered = lambda n: loop.call_soon_threadsafe(task.cancel) if n == 35 else None
    try:
        await task
    except asyncio.CancelledError:
        pass
    assert 35 <= standin.count() < len(recipients)
    standin.on_delivered = None
    async with db.sessionmaker() as s:
        in_flight = (await s.execute(select(OutboxMessage.id).where(OutboxMessage.status == "claimed"))).all()
    assert 0 < len(in_flight) <= first.batch

    # Restart: a new worker takes the dead worker's claims once their lease has run out.
    clock.advance(first.lease + timedelta(seconds=1))
    await send_until_settled(make_dispatcher(worker="restarted"), db, clock)

    delivered = Counter(chat for chat, _ in standin.delivered if chat != STAFF)
    assert set(delivered) == set(recipients)  # nothing lost
    duplicates = sum(n - 1 for n in delivered.values())
    assert duplicates <= first.batch
    assert duplicates <= 1  # each message is marked right after Telegram accepts it: at most the one in flight
    assert await outbox_counts(db, bid) == {"sent": len(recipients)}


async def test_claimed_but_never_sent_batch_is_sent_after_the_lease_without_duplicates(db, clock, people, standin,
                                                                                      make_dispatcher):
    await people(db, [STAFF], role="staff")
    recipients = await people(db, range(7500, 7560), language="en")
    await start_broadcast(db, clock, {"kind": "language", "language": "en"})
    crashed = make_dispatcher(worker="crashed")
    claimed = await crashed.claim()  # committed claim, then the process dies before sending
    assert len(claimed) == crashed.batch
    restarted = make_dispatcher(worker="restarted")
    await restarted.drain()
    assert standin.count() == len(recipients) - crashed.batch  # the claimed batch waits for its lease
    clock.advance(crashed.lease + timedelta(seconds=1))
    await send_until_settled(restarted, db, clock)
    delivered = Counter(chat for chat, _ in standin.delivered)
    assert set(delivered) == set(recipients) and max(delivered.values()) == 1
