"""PostgreSQL advisory locks: the few places where processes must take turns (no-ops on SQLite, where every
transaction already takes the write lock with BEGIN IMMEDIATE and the bot is one process).

Two key spaces that never overlap (PostgreSQL keeps them apart): one bigint key = a Telegram user id (a turn);
two int keys (HRDBOT, n) = a role of the whole deployment (migrating, the active worker).
"""
from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

HRDBOT = 0x48524442  # "HRDB": the class id of the deployment-wide locks
MIGRATE = 1
WORKER = 2


def _is_pg(bind) -> bool:
    return bind.dialect.name == "postgresql"


async def lock_person(session: AsyncSession, user_id: int) -> None:
    """Until this transaction ends, nobody else handles this person's updates (any process, any worker).

    Taken before the user row is read, so it also covers a first contact (no row yet)."""
    if _is_pg(session.bind):
        await session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": int(user_id)})


async def lock_role(conn: AsyncConnection, role: int, *, wait: bool = True) -> bool:
    """A session-level lock on this connection: held until released or the connection ends (a killed
    process's connection is closed by its kernel, so PostgreSQL frees the lock at once)."""
    if not _is_pg(conn):
        return True
    if wait:
        await conn.execute(text("SELECT pg_advisory_lock(:c, :o)"), {"c": HRDBOT, "o": role})
        await conn.commit()
        return True
    got = (await conn.execute(text("SELECT pg_try_advisory_lock(:c, :o)"), {"c": HRDBOT, "o": role})).scalar()
    await conn.commit()
    return bool(got)


async def unlock_role(conn: AsyncConnection, role: int) -> None:
    if _is_pg(conn):
        await conn.execute(text("SELECT pg_advisory_unlock(:c, :o)"), {"c": HRDBOT, "o": role})
        await conn.commit()
