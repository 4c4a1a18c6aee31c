"""One send budget for the bot token across every dispatcher process (PostgreSQL).

Telegram's ≈30 messages/s is per bot, not per process. Each send reserves the next free slot in one row
(`send_rate`): slots are `1/30 s × margin` apart on the database server's clock, so however many processes send,
the slots they get never put more than 30 into a second. A RetryAfter moves `paused_until` forward for all.
Direct replies to an update do not go through here (Telegram counts those per chat, and they are few).
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from notifications.dispatcher import RateLimits

_RESERVE = text("""
UPDATE send_rate
   SET next_slot = GREATEST(next_slot, paused_until, extract(epoch FROM clock_timestamp())) + :spacing
 WHERE name = :name
RETURNING next_slot - :spacing, extract(epoch FROM clock_timestamp())
""")
_PAUSE = text("""
UPDATE send_rate SET paused_until = GREATEST(paused_until, extract(epoch FROM clock_timestamp()) + :seconds)
 WHERE name = :name
""")
_CREATE = text("INSERT INTO send_rate (name, next_slot, paused_until) VALUES (:name, 0, 0) ON CONFLICT DO NOTHING")


@dataclass
class SharedRateLimits(RateLimits):
    """RateLimits (1/s per chat, and this process's own sliding window) plus the token's shared slots."""

    sessionmaker: async_sessionmaker[AsyncSession] | None = None
    name: str = "telegram"
    shared_margin: float = 1.04  # ≈28.8 msg/s: room for a late wake-up on a busy machine
    _created: bool = False
    _server_now: float = 0.0

    async def _run(self, statement, **params):
        async with self.sessionmaker() as session:
            if not self._created:
                await session.execute(_CREATE, {"name": self.name})
                self._created = True
            result = await session.execute(statement, {"name": self.name, **params})
            value = result.first() if result.returns_rows else None
            await session.commit()
        return value

    async def reserve_slot(self) -> float:
        """The next free send slot of the token (epoch seconds on the server's clock); waits for nothing."""
        slot, now = await self._run(_RESERVE, spacing=self.shared_margin / self.per_second)
        self._server_now = float(now)
        return float(slot)

    async def wait_turn(self, chat_id: int) -> None:
        slot = await self.reserve_slot()
        if slot > self._server_now:
            await self.sleep(slot - self._server_now)
        await super().wait_turn(chat_id)

    async def flood_wait(self, seconds: float) -> None:
        self.pause(seconds)
        await self._run(_PAUSE, seconds=float(seconds))


def limits_for(sessionmaker: async_sessionmaker[AsyncSession], bot_id: str) -> RateLimits:
    """Shared slots on PostgreSQL (several processes); the in-process limits on SQLite (one process)."""
    if sessionmaker.kw["bind"].dialect.name == "postgresql":
        return SharedRateLimits(sessionmaker=sessionmaker, name=f"bot{bot_id}"[:32])
    return RateLimits()
