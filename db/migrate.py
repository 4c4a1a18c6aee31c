"""Alembic, driven from code: `hrdbot migrate` (and `db upgrade`, the console's first start) call `upgrade()`."""
from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.ext.asyncio import AsyncEngine

from db.locks import MIGRATE, lock_role, unlock_role

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config(url: str | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if url:
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


async def upgrade(engine: AsyncEngine, revision: str = "heads") -> None:
    """Bring the schema up to date on an existing engine (shares its connection)."""

    def run(connection) -> None:
        cfg = alembic_config()
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, revision)

    async with engine.begin() as conn:
        await conn.run_sync(run)


@asynccontextmanager
async def migration_lock(engine: AsyncEngine) -> AsyncIterator[None]:
    """One migrating process at a time across the deployment (PostgreSQL advisory lock; SQLite: nothing).

    Two `hrdbot migrate` started together: the second waits, then finds the schema at head and the seed there."""
    if engine.dialect.name != "postgresql":  # SQLite: one connection, and BEGIN IMMEDIATE already serializes
        yield
        return
    async with engine.connect() as conn:
        await lock_role(conn, MIGRATE)
        try:
            yield
        finally:
            await unlock_role(conn, MIGRATE)


@dataclass(frozen=True)
class SchemaStatus:
    current: tuple[str, ...]
    head: tuple[str, ...]

    @property
    def at_head(self) -> bool:
        return set(self.current) == set(self.head)

    def describe(self) -> str:
        return f"the database schema is at {', '.join(self.current) or 'nothing (empty database)'}, " \
               f"this version needs {', '.join(self.head)}"


def head_revisions() -> tuple[str, ...]:
    return tuple(sorted(ScriptDirectory.from_config(alembic_config()).get_heads()))


async def schema_status(engine: AsyncEngine) -> SchemaStatus:
    """Where the database's schema is against this code's migrations (read only)."""

    def current(connection) -> tuple[str, ...]:
        return tuple(sorted(MigrationContext.configure(connection).get_current_heads()))

    async with engine.connect() as conn:
        found = await conn.run_sync(current)
    return SchemaStatus(found, head_revisions())
