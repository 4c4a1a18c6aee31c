"""Two `hrdbot worker` on one PostgreSQL: one active; kill -9 of the active one mid-broadcast; its lock
connection terminated while it waits out a RetryAfter longer than its lease; SIGTERM."""
from __future__ import annotations

import signal
import time
from collections import Counter
from datetime import datetime
from types import SimpleNamespace

from sqlalchemy import text

from db.access import Actor
from db.locks import HRDBOT, WORKER
from db.session import session_scope
from notifications.broadcasts.service import create_broadcast, schedule_broadcast
from tests.handlers.broadcasts.people import add_people
from tests.support.processes import db_call, wait_for

STAFF = 9001


async def topic_broadcast(sessionmaker, recipients: range, now: datetime) -> int:
    await add_people(SimpleNamespace(sessionmaker=sessionmaker), [STAFF], role="staff", now=now)
    await add_people(SimpleNamespace(sessionmaker=sessionmaker), recipients, topics=("it",), now=now)
    async with session_scope(sessionmaker) as s:
        staff = Actor.person(STAFF)  # staff in the database (role), as the services check
        b = await create_broadcast(s, actor=staff, text="공지: 운영 점검 안내", audience={"kind": "topic", "topic": "it"},
                                   now=now)
        await schedule_broadcast(s, b.id, None, now, actor=staff)
    return b.id


async def _terminate_worker_lock(sessionmaker) -> int:
    async with sessionmaker() as s:
        killed = (await s.execute(text(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_locks "
            "WHERE locktype = 'advisory' AND classid = :c AND objid = :o AND granted "
            # advisory locks belong to one database: other test runs on the same server hold their own
            "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"),
            {"c": HRDBOT, "o": WORKER})).scalar()
        await s.commit()
    return killed


def active_ones(workers) -> list:
    """Workers whose last state line says active."""
    out = []
    for w in workers:
        states = [e["state"] for e in w.events(event="worker") if e.get("state") in ("active", "standby", "lost")]
        if states and states[-1] == "active":
            out.append(w)
    return out


def start_workers(deployment, **env):
    workers = [deployment.start("worker", **env), deployment.start("worker", **env)]
    wait_for(lambda: active_ones(workers), timeout=60, what="a worker to become active")
    return workers


def test_kill_9_of_the_active_worker_mid_broadcast_loses_nothing(deployment):
    standin = deployment.standin
    standin.rate, standin.per_chat_interval = 30, 1.0  # Telegram's limits
    tick = 2.0
    workers = start_workers(deployment, HRDBOT_TICK_SECONDS=tick, HRDBOT_OUTBOX_LEASE_SECONDS=5)
    assert len(active_ones(workers)) == 1
    # At Telegram's 30/s: the kill comes ~3 s in, with a batch in flight and ~200 messages still to go (the standby
    # sends them, then the dead worker's batch once its lease has run out).
    recipients = range(50_000, 50_300)
    db_call(deployment.url, topic_broadcast, recipients, deployment.now())
    wait_for(lambda: standin.count() >= 90, timeout=60, what="the broadcast to be under way")

    [active] = active_ones(workers)
    [standby] = [w for w in workers if w is not active]
    active.popen.kill()  # kill -9
    killed_at = time.monotonic()
    wait_for(lambda: active_ones([standby]), timeout=3 * tick, every=0.02, what="the standby to take over")
    took = time.monotonic() - killed_at
    assert took <= 2 * tick, f"takeover took {took:.1f} s"

    wait_for(lambda: len(set(standin.per_chat()) & set(recipients)) == len(recipients), timeout=120,
             every=0.5, what="every recipient to get the notice")
    per_chat = Counter(chat for chat, _ in standin.delivered if chat in recipients)
    duplicates = sum(n - 1 for n in per_chat.values())
    assert duplicates <= 30, f"{duplicates} duplicates: more than the batch in flight"
    assert standin.max_in_window() <= 30
    assert standin.stats.rate_limited <= 1, standin.stats  # our slots kept under Telegram's 30/s


def test_a_worker_paused_past_its_lease_whose_lock_is_terminated_never_sends_twice(deployment):
    standin = deployment.standin
    standin.rate, standin.per_chat_interval = 30, 1.0
    workers = start_workers(deployment, HRDBOT_TICK_SECONDS=1, HRDBOT_OUTBOX_LEASE_SECONDS=2)
    [first] = active_ones(workers)
    recipients = range(60_000, 60_090)
    db_call(deployment.url, topic_broadcast, recipients, deployment.now())
    wait_for(lambda: standin.count() >= 10, timeout=60, what="the broadcast to be under way")
    standin.retry_after_next(1, seconds=5)  # longer than the 2 s lease
    wait_for(lambda: standin.stats.rate_limited >= 1, timeout=20, what="the RetryAfter to be given")

    async def terminate(sessionmaker):
        return await _terminate_worker_lock(sessionmaker)
    assert db_call(deployment.url, terminate) == 1  # an operator (or a failover) cut its lock connection

    wait_for(lambda: len(set(standin.per_chat()) & set(recipients)) == len(recipients), timeout=90,
             every=0.5, what="every recipient to get the notice")
    assert standin.duplicates() == {}
    assert standin.max_in_window() <= 30 and standin.stats.rate_limited == 1
    assert first.events(event="worker", state="lost") or first.popen.poll() is not None


def test_sigterm_releases_the_worker_lock_at_once_and_exits_0(deployment):
    workers = start_workers(deployment, HRDBOT_TICK_SECONDS=2)
    [active] = active_ones(workers)
    [standby] = [w for w in workers if w is not active]
    active.signal(signal.SIGTERM)
    assert active.wait(30) == 0
    assert active.events(event="worker", state="stopped")
    wait_for(lambda: active_ones([standby]), timeout=4, what="the standby to take over")
