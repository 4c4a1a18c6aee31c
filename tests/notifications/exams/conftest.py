"""Shared helpers for the exam reminder tests: users, runtimes on the test database, counting what was sent."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from db.models import OutboxMessage, Reminder, User
from db.session import session_scope
from tests.support.harness import make_console


async def add_users(db, clock, *specs: tuple[int, str]) -> None:
    async with session_scope(db.sessionmaker) as session:
        for uid, lang in specs:
            session.add(User(id=uid, chat_id=uid, first_name=f"u{uid}", language=lang, language_chosen=True,
                             created_at=clock.now()))


class Runner:
    """A bot process on the test database: `start()` builds a runtime, `kill()` drops it (no graceful work)."""

    def __init__(self, db, clock) -> None:
        self.db, self.clock = db, clock
        self.console = self.runtime = None
        self.messages = []  # everything the bot sent, across restarts

    async def start(self) -> None:
        self.console, self.runtime = await make_console(self.db, self.clock, out=io.StringIO())

    async def tick(self) -> list:
        await self.runtime.tick()
        sent = self.console.request.take()
        self.messages.extend(sent)
        return sent

    async def jobs_only(self) -> None:
        """The scheduler part of a tick (reminders → outbox) without sending: a kill right after it."""
        from bot.app import periodic_jobs

        for job in periodic_jobs():
            await job(self.runtime)

    async def kill(self) -> None:
        await self.runtime.app.shutdown()
        await self.runtime.close()
        self.console = self.runtime = None


@pytest.fixture
async def runner(db, clock):
    r = Runner(db, clock)
    await r.start()
    yield r
    if r.runtime is not None:
        await r.kill()


async def outbox_count(db, kind: str, user_id: int | None = None) -> int:
    async with session_scope(db.sessionmaker) as session:
        q = select(func.count()).select_from(OutboxMessage).where(OutboxMessage.kind == kind)
        if user_id is not None:
            q = q.where(OutboxMessage.user_id == user_id)
        return (await session.execute(q)).scalar_one()


async def reminder_statuses(db) -> dict[str, int]:
    async with session_scope(db.sessionmaker) as session:
        rows = (await session.execute(select(Reminder.status, func.count()).group_by(Reminder.status))).all()
    return dict(rows)


async def next_due(db):
    async with session_scope(db.sessionmaker) as session:
        return (await session.execute(select(func.min(Reminder.due_at)).where(Reminder.status == "planned"))).scalar()
