"""Broadcast tests: people in the database, the Bot API stand-in, and a real Dispatcher + TelegramSender on it."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from telegram import Bot
from telegram.request import HTTPXRequest

import handlers.broadcasts  # noqa: F401 - registers the broadcast / course_news / broadcast_report renderers
from bot.app import render_for_language
from bot.sender import TelegramSender
from db.models import OutboxMessage
from notifications.dispatcher import Dispatcher, RateLimits
from tests.handlers.broadcasts.people import add_people
from tests.support.botapi_standin import BotApiStandIn

# Faster than Telegram so the suite stays quick; the benchmark runs the real 30/s and 1/s.
STANDIN_RATE = 200.0
STANDIN_PER_CHAT = 0.05


@pytest.fixture
def people():
    return add_people


@pytest.fixture
def standin():
    s = BotApiStandIn(rate=STANDIN_RATE, per_chat_interval=STANDIN_PER_CHAT).start()
    yield s
    s.stop()


@pytest.fixture
async def tg(standin):
    """A PTB Bot pointed at the stand-in (short read timeout, so injected timeouts cost little)."""
    bot = Bot(standin.token, base_url=standin.base_url,
              request=HTTPXRequest(read_timeout=0.3, connect_timeout=1.0, connection_pool_size=4))
    await bot.initialize()
    yield bot
    await bot.shutdown()


class FakeTimer:
    """Monotonic time for a sender's RateLimits (and the stand-in's `clock`) that only its own sleeps move: a flood
    wait costs no real time, and when each send went is exact."""

    def __init__(self) -> None:
        self.now = 0.0

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += max(seconds, 0.0)


@pytest.fixture
def make_dispatcher(db, clock, tg):
    def make(*, per_second: float = STANDIN_RATE * 0.9, per_chat: float = STANDIN_PER_CHAT * 1.2, worker=None,
             timer: FakeTimer | None = None):
        timing = {"monotonic": timer.monotonic, "sleep": timer.sleep} if timer else {}
        return Dispatcher(db.sessionmaker, clock, TelegramSender(tg), render_for_language, worker=worker,
                          limits=RateLimits(per_second=per_second, per_chat_interval=per_chat, **timing))
    return make


async def outbox_counts(db, broadcast_id: int | None = None) -> dict[str, int]:
    q = select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
    if broadcast_id is not None:
        q = q.where(OutboxMessage.broadcast_id == broadcast_id)
    async with db.sessionmaker() as s:
        return dict((await s.execute(q)).all())


async def send_until_settled(dispatcher, db, clock, *, rounds: int = 40) -> None:
    """Drain; when only retries wait (back-off, flood wait), move the fake clock on and drain again."""
    for _ in range(rounds):
        await dispatcher.drain()
        counts = await outbox_counts(db)
        if not counts.get("pending") and not counts.get("claimed"):
            return
        clock.advance(timedelta(minutes=10))
    raise AssertionError(f"outbox never settled: {await outbox_counts(db)}")
