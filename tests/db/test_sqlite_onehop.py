"""The SQLite adapter (db/sqlite_onehop.py): one thread hop per statement, BEGIN IMMEDIATE sent with the first
statement, no rollback after a commit — and the same results, errors, savepoints and rollbacks as aiosqlite."""
from __future__ import annotations

import sqlite3

import aiosqlite.core
import pytest
from sqlalchemy import select, text, update
from sqlalchemy.exc import IntegrityError

from db.clock import parse_moment
from db.models import User
from db.session import make_engine, make_sessionmaker
from tests.support import databases as dbs

NOW = parse_moment("2022-01-03T09:00")


@pytest.fixture
async def sm(tmp_path, sqlite_template):
    engine = make_engine(dbs.sqlite_copy(sqlite_template, tmp_path))
    yield make_sessionmaker(engine)
    await engine.dispose()


@pytest.fixture
def hops(monkeypatch):
    calls: list[str] = []
    original = aiosqlite.core.Connection._execute

    async def counting(self, fn, *args, **kwargs):
        calls.append(getattr(fn, "__name__", repr(fn)))
        return await original(self, fn, *args, **kwargs)

    monkeypatch.setattr(aiosqlite.core.Connection, "_execute", counting)
    return calls


async def test_a_read_and_commit_cost_two_hops(sm, hops):
    async with sm() as s:  # the first use connects (PRAGMAs); measure the second
        await s.get(User, 1)
        await s.commit()
    hops.clear()
    async with sm() as s:
        assert await s.get(User, 1) is None
        await s.commit()
    assert hops == ["_run", "_commit"]  # BEGIN IMMEDIATE rides with the SELECT; no rollback on check-in
    hops.clear()
    async with sm() as s:  # a session that never ran a statement never began a transaction
        await s.commit()
    assert hops == []


async def test_writes_rowcounts_savepoints_and_rollbacks_behave_as_before(sm):
    async with sm() as s:
        s.add_all([User(id=1, chat_id=1, created_at=NOW), User(id=2, chat_id=2, created_at=NOW)])
        await s.commit()
    async with sm() as s:
        result = await s.execute(update(User).where(User.id.in_([1, 2, 3])).values(first_name="x"))
        assert result.rowcount == 2
        with pytest.raises(IntegrityError):
            async with s.begin_nested():  # a racing duplicate inside a savepoint is a no-op
                s.add(User(id=1, chat_id=1, created_at=NOW))
        s.add(User(id=3, chat_id=3, created_at=NOW))
        await s.commit()
    async with sm() as s:
        s.add(User(id=4, chat_id=4, created_at=NOW))
        await s.flush()
        await s.rollback()
        names = dict((await s.execute(select(User.id, User.first_name))).all())
        assert names == {1: "x", 2: "x", 3: ""}
        assert (await s.execute(text("SELECT count(*) FROM users WHERE id = :i"), {"i": 4})).scalar() == 0
        await s.commit()


async def test_the_write_lock_is_taken_before_the_first_read(sm):
    """BEGIN IMMEDIATE still comes first: another writer waits instead of reading seats beside this one."""
    path = sm.kw["bind"].url.database
    async with sm() as first:
        await first.get(User, 1)  # the read went out with BEGIN IMMEDIATE: the write lock is held
        other = sqlite3.connect(path, timeout=0.05, isolation_level=None)
        try:
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        finally:
            other.close()
        await first.commit()
    other = sqlite3.connect(path, timeout=0.05, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # released at commit
    other.execute("ROLLBACK")
    other.close()


async def test_a_streamed_read_also_runs_under_the_write_lock(sm):
    path = sm.kw["bind"].url.database
    async with sm() as first:
        rows = await first.stream(select(User.id))
        assert [r async for r in rows] == []
        other = sqlite3.connect(path, timeout=0.05, isolation_level=None)
        try:
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        finally:
            other.close()
        await first.commit()
