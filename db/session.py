"""Engine and session factory for SQLite (embedded default) and PostgreSQL (production)."""
from __future__ import annotations

import os
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from db.sqlite_onehop import OneHopConnection
from db.sqlite_onehop import dbapi as onehop_dbapi


def default_database_url() -> str:
    """A SQLite file in the user's data dir, so the console works with no configuration."""
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "hrdbot"
    base.mkdir(mode=0o700, parents=True, exist_ok=True)
    return f"sqlite+aiosqlite:///{base / 'hrdbot.db'}"


def _private_database_file(path: Path) -> None:
    """The SQLite file holds personal data: owner-only (0600). SQLite gives its -wal and -shm files the same mode."""
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            os.fchmod(fd, 0o600)
        finally:
            os.close(fd)
    except OSError:
        pass  # not ours to change (or a read-only place): SQLite reports what matters when it opens the file


def is_sqlite(url_or_engine: str | AsyncEngine) -> bool:
    name = url_or_engine.dialect.name if isinstance(url_or_engine, AsyncEngine) else make_url(url_or_engine).get_backend_name()
    return name == "sqlite"


def make_engine(url: str, **kwargs) -> AsyncEngine:
    # A failed statement's error (logged) must not carry its values: names, employee numbers, reasons.
    kwargs.setdefault("hide_parameters", True)
    if not is_sqlite(url):
        kwargs.setdefault("pool_size", 10)
        kwargs.setdefault("max_overflow", 20)
        ping_idle = "pool_pre_ping" not in kwargs
        engine = create_async_engine(url, **kwargs)
        if ping_idle:
            _ping_idle_connections(engine)
        return engine

    parsed = make_url(url)
    if parsed.get_driver_name() == "aiosqlite":
        kwargs.setdefault("module", onehop_dbapi())  # one thread hop per statement instead of four (see there)
    if parsed.database not in (None, "", ":memory:") and not parsed.database.startswith("file:"):
        _private_database_file(Path(parsed.database))
    if parsed.database not in (None, "", ":memory:") and "poolclass" not in kwargs:
        # Every transaction takes the write lock (below), so transactions run one at a time anyway. One
        # connection makes the others wait their turn in asyncio, first come first served, instead of in
        # SQLite's busy handler (sleep-and-retry, which starves some and wakes late).
        # So never open a second session while holding one in the same task: it would wait for itself.
        kwargs.setdefault("pool_size", 1)
        kwargs.setdefault("max_overflow", 0)
        kwargs.setdefault("pool_timeout", 60)
    kwargs.setdefault("connect_args", {"timeout": 30})
    engine = create_async_engine(url, **kwargs)

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection, _record):  # pragma: no cover - exercised by every SQLite test
        # We emit BEGIN ourselves (below); WAL lets readers run beside the one writer.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn):  # pragma: no cover
        # SQLite has no SELECT … FOR UPDATE. Every transaction takes the write lock up front
        # (BEGIN IMMEDIATE), so "count seats, then insert" can never interleave with another
        # writer and a read never has to be upgraded to a write (which fails with SQLITE_BUSY).
        dbapi_connection = conn.connection.dbapi_connection
        if isinstance(dbapi_connection, OneHopConnection):
            dbapi_connection.begin_with_next_statement("BEGIN IMMEDIATE")  # same hop as the first statement
        else:
            conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


PING_IDLE_S = 30.0  # a pooled PostgreSQL connection unused this long is checked before use


def _ping_idle_connections(engine: AsyncEngine) -> None:
    """Pre-ping only connections that sat idle (≈ 250 µs saved on every busy transaction).

    Connections die mostly while idle (server idle timeouts, firewalls, a restart during a quiet spell); those
    are pinged and replaced before use. A connection in steady use that breaks (the server restarts under load)
    fails one transaction, and SQLAlchemy then invalidates the whole pool, so the next ones reconnect."""
    from sqlalchemy import exc

    @event.listens_for(engine.sync_engine, "checkin")
    def _checked_in(_dbapi_connection, record):  # pragma: no cover - exercised by every PostgreSQL test
        if record is not None:
            record.info["checked_in_at"] = time.monotonic()

    @event.listens_for(engine.sync_engine, "checkout")
    def _checked_out(dbapi_connection, record, _proxy):  # pragma: no cover
        last = record.info.get("checked_in_at")
        if last is not None and time.monotonic() - last < PING_IDLE_S:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as error:  # the pool drops this connection and checks out another
            raise exc.DisconnectionError(str(error)) from error


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


@asynccontextmanager
async def session_scope(sessionmaker: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """One unit of work: commit on success, roll back on any error."""
    async with sessionmaker() as session:
        try:
            yield session
            await session.commit()
        except BaseException:
            await session.rollback()
            raise
