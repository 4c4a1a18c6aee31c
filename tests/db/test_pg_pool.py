"""PostgreSQL pool: connections that sat idle are pinged (and replaced when dead) before use; a connection in
steady use that dies fails one transaction, then the pool reconnects."""
from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

import db.session
from db.session import make_engine, make_sessionmaker

pytestmark = pytest.mark.postgres
APP = "hrdbot-pool-test"  # only this test's connections are killed, never another test's


def _engine(url: str):
    return make_engine(url, pool_size=1, max_overflow=0,
                       connect_args={"server_settings": {"application_name": APP}})


async def _kill_other_backends(url: str) -> None:
    killer = make_engine(url, pool_pre_ping=False)
    try:
        async with killer.connect() as conn:
            await conn.execute(text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND application_name = :name"), {"name": APP})
            await conn.commit()
    finally:
        await killer.dispose()


async def _one(sm) -> int:
    async with sm() as session:
        return (await session.execute(text("SELECT 1"))).scalar_one()


async def test_an_idle_connection_killed_by_the_server_is_replaced_before_use(pg_url, monkeypatch):
    monkeypatch.setattr(db.session, "PING_IDLE_S", 0.0)  # every connection counts as idle
    engine = _engine(pg_url)
    try:
        sm = make_sessionmaker(engine)
        assert await _one(sm) == 1
        await _kill_other_backends(pg_url)
        assert await _one(sm) == 1  # pinged, found dead, replaced: the user never sees it
    finally:
        await engine.dispose()


async def test_a_busy_connection_killed_fails_one_transaction_then_the_pool_reconnects(pg_url, monkeypatch):
    monkeypatch.setattr(db.session, "PING_IDLE_S", 3600.0)
    engine = _engine(pg_url)
    try:
        sm = make_sessionmaker(engine)
        assert await _one(sm) == 1
        await _kill_other_backends(pg_url)
        with pytest.raises(DBAPIError):
            await _one(sm)
        assert await _one(sm) == 1
    finally:
        await engine.dispose()
