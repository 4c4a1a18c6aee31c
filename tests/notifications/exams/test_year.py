"""A whole simulated 2022 with a fake clock: every reminder exactly once, across a kill and a restart."""
from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from sqlalchemy import select

from db.clock import SEOUL
from db.models import ExamRound, OutboxMessage, Reminder
from db.session import session_scope
from notifications.exams.subscriptions import set_slot, subscribe
from tests.notifications.exams.conftest import add_users, next_due, outbox_count, reminder_statuses

KO, EN, SLOT = 501, 502, 503
# 3 open rounds × (written, interview, result) × (D-7, D-1 evening, morning of the day)
PER_USER = 27


async def subscribe_everyone(db, clock) -> None:
    await add_users(db, clock, (KO, "ko"), (EN, "en"), (SLOT, "ko"))
    async with session_scope(db.sessionmaker) as session:
        round_ids = list((await session.execute(select(ExamRound.id))).scalars())
        assert len(round_ids) == 15
        for uid in (KO, EN, SLOT):
            for rid in round_ids:
                await subscribe(session, uid, rid, clock.now())
        await set_slot(session, SLOT, "open-2022-2", datetime(2022, 8, 24, 14, 0, tzinfo=SEOUL), "본관 3층 면접실",
                       clock.now())


async def test_a_year_of_reminders_each_sent_exactly_once_across_a_kill_and_restart(db, clock, runner):
    await subscribe_everyone(db, clock)
    await runner.tick()  # start-up planning
    assert (await reminder_statuses(db)) == {"planned": 3 * PER_USER}

    ticks, killed = 0, False
    while (due := await next_due(db)) is not None:
        clock.set(due)
        if not killed and due.month >= 7:
            # The process dies right after turning due reminders into outbox rows, before sending them.
            await runner.jobs_only()
            await runner.kill()
            killed = True
            clock.advance(minutes=3)  # started again a few minutes later (the dispatcher's lease has passed)
            await runner.start()
        await runner.tick()
        ticks += 1
    clock.set("2022-12-31T23:00")
    await runner.tick()

    assert killed and ticks > 20
    assert (await reminder_statuses(db)) == {"sent": 3 * PER_USER}
    for uid in (KO, EN, SLOT):
        assert await outbox_count(db, "exam_reminder", uid) == PER_USER
        assert sum(1 for m in runner.messages if m.chat_id == uid and m.method == "sendMessage") == PER_USER
    texts = Counter((m.chat_id, m.text) for m in runner.messages)
    assert max(texts.values()) == 1, "a reminder was delivered twice"
    async with session_scope(db.sessionmaker) as session:
        statuses = Counter((await session.execute(select(OutboxMessage.status)
                                                  .where(OutboxMessage.kind == "exam_reminder"))).scalars())
    assert statuses == {"sent": 3 * PER_USER}

    ko = [m.text for m in runner.messages if m.chat_id == KO]
    en = [m.text for m in runner.messages if m.chat_id == EN]
    assert any("필기시험까지 7일 남았습니다 — 2022년 2월 26일 (토)" in t for t in ko)
    assert any("내일은 필기시험 날입니다" in t and "입실" in t for t in ko)
    assert any("Written exam: tomorrow (Sat, Feb 26, 2022)" in t for t in en)
    assert any(t.startswith("🏁 Results: in 7 days") for t in en)  # not "Results is in 7 days"
    assert not any("필기" in t for t in en)
    # The applicant with a personal slot was reminded of it, never of the round's interview period.
    mine = [m.text for m in runner.messages if m.chat_id == SLOT and "면접시험" in m.text
            and "제2회" in m.text]
    assert len(mine) == 3 and all("본관 3층 면접실" in t for t in mine)
    # D-7 of their own day (Aug 24), not of the period's first day (Aug 17); the time is theirs too.
    assert any("면접시험까지 7일 남았습니다 — 2022년 8월 24일 (수)" in t for t in mine)
    assert all("2022년 8월 24일 (수) 오후 2:00" in t and "면접 기간" not in t for t in mine)


async def test_reminders_fall_at_the_configured_times(db, clock, runner):
    await add_users(db, clock, (KO, "ko"))
    async with session_scope(db.sessionmaker) as session:
        await subscribe(session, KO, "open-2022-1", clock.now())
        rows = (await session.execute(select(Reminder.offset_key, Reminder.due_at, Reminder.event_starts_at)
                                      .order_by(Reminder.due_at))).all()
    written = [(k, d.astimezone(SEOUL).strftime("%m-%d %H:%M")) for k, d, s in rows[:3]]
    assert written == [("d-7", "02-19 09:00"), ("d-1", "02-25 19:00"), ("d0", "02-26 06:00")]
    interview = [d.astimezone(SEOUL).strftime("%m-%d %H:%M") for k, d, s in rows[3:6]]
    assert interview == ["05-02 09:00", "05-08 19:00", "05-09 07:00"]
    assert rows[0][2].astimezone(SEOUL) == datetime(2022, 2, 26, 10, 0, tzinfo=SEOUL)


async def test_downtime_late_reminders_are_sent_before_the_event_and_expired_after(db, clock, runner, caplog):
    await add_users(db, clock, (KO, "ko"))
    async with session_scope(db.sessionmaker) as session:
        await subscribe(session, KO, "open-2022-1", clock.now())
    await runner.kill()

    # Down from Jan 3 to Feb 21: the D-7 of the written exam (Feb 19) was missed, the exam is still ahead.
    clock.set("2022-02-21T08:00")
    await runner.start()
    sent = await runner.tick()
    assert len(sent) == 1 and "필기시험까지 5일 남았습니다" in sent[0].text

    # Down again from Feb 21 to the exam morning at 11:00: D-1 and the morning reminder are past, the exam has begun.
    await runner.kill()
    clock.set("2022-02-26T11:00")
    caplog.set_level("WARNING", logger="notifications.exams.planner")
    await runner.start()
    assert await runner.tick() == []
    async with session_scope(db.sessionmaker) as session:
        rows = dict((await session.execute(select(Reminder.offset_key, Reminder.status)
                                           .where(Reminder.due_at < clock.now()))).all())
    assert rows == {"d-7": "sent", "d-1": "expired", "d0": "expired"}
    assert "expired: the event began before it could be sent" in caplog.text


async def test_after_long_downtime_only_the_latest_due_reminder_of_an_event_is_sent(db, clock, runner):
    await add_users(db, clock, (KO, "ko"))
    async with session_scope(db.sessionmaker) as session:
        await subscribe(session, KO, "open-2022-1", clock.now())
    await runner.kill()
    clock.set("2022-02-26T06:30")  # D-7, D-1 and the morning reminder are all due; the exam starts at 10:00
    await runner.start()
    sent = await runner.tick()
    assert len(sent) == 1 and "오늘은 필기시험 날입니다" in sent[0].text
    assert (await reminder_statuses(db)) == {"sent": 1, "expired": 2, "planned": 6}


async def test_late_subscriber_gets_only_reminders_still_ahead(db, clock, runner):
    clock.set("2022-02-22T12:00")
    await add_users(db, clock, (KO, "ko"))
    async with session_scope(db.sessionmaker) as session:
        await subscribe(session, KO, "open-2022-1", clock.now())
    statuses = await reminder_statuses(db)
    assert statuses == {"expired": 1, "planned": 8}
    assert await runner.tick() == []


async def test_unsubscribe_cancels_pending_reminders(db, clock, runner):
    from notifications.exams.subscriptions import unsubscribe

    await add_users(db, clock, (KO, "ko"))
    async with session_scope(db.sessionmaker) as session:
        await subscribe(session, KO, "open-2022-3", clock.now())
    async with session_scope(db.sessionmaker) as session:
        await unsubscribe(session, KO, "open-2022-3", clock.now())
    assert (await reminder_statuses(db)) == {"cancelled": 9}
    clock.set("2022-12-31T12:00")
    assert await runner.tick() == []
    async with session_scope(db.sessionmaker) as session:  # subscribing again brings them back
        await subscribe(session, KO, "open-2022-3", clock.now() - timedelta(days=200))
    assert (await reminder_statuses(db)) == {"planned": 9}


async def test_two_workers_claiming_at_once_queue_each_reminder_once(db, clock):
    import asyncio

    from notifications.exams.planner import send_due

    users = [(700 + i, "ko") for i in range(150)]
    await add_users(db, clock, *users)
    async with session_scope(db.sessionmaker) as session:
        for uid, _ in users:
            await subscribe(session, uid, "open-2022-1", clock.now())
    clock.set("2022-02-19T09:00")
    first, second = await asyncio.gather(send_due(db.sessionmaker, clock.now(), chunk=40),
                                         send_due(db.sessionmaker, clock.now(), chunk=40))
    assert first.sent + second.sent == 150
    assert await outbox_count(db, "exam_reminder") == 150
    assert (await reminder_statuses(db))["sent"] == 150
