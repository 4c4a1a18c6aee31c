"""The access record is append-only in the database itself: UPDATE is refused always, DELETE until a row is two years
old (measured by the database's clock), so only the retention job, past the period, removes anything."""
from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.exc import DBAPIError

from bot.cli import main
from db.access import Actor
from db.audit import entries, purge_expired, record
from db.clock import SEOUL
from db.models import AuditEntry
from db.session import session_scope
from tests.support import databases as dbs

NOW = datetime.now(SEOUL)  # the triggers use the database's real clock, so these rows are really recent


async def _add(db, at: datetime, action: str = "export.enrollments") -> None:
    async with session_scope(db.sessionmaker) as s:
        await record(s, Actor.operator("kim"), action, now=at, target="course:x", subjects=3)


async def _count(db) -> int:
    async with db.sessionmaker() as s:
        return (await s.execute(select(func.count()).select_from(AuditEntry))).scalar_one()


@pytest.mark.parametrize("statement", [
    update(AuditEntry).values(action="nothing.happened"),
    update(AuditEntry).values(subjects=0),
    delete(AuditEntry),
])
async def test_the_database_refuses_to_rewrite_or_delete_a_recent_row(db, statement):
    await _add(db, NOW)
    with pytest.raises(DBAPIError):
        async with session_scope(db.sessionmaker) as s:
            await s.execute(statement)
    async with db.sessionmaker() as s:
        [row] = await entries(s)
    assert (row.action, row.subjects) == ("export.enrollments", 3)


async def test_raw_sql_cannot_go_around_it_either(db):
    await _add(db, NOW)
    with pytest.raises(DBAPIError):
        async with db.engine.begin() as conn:
            await conn.execute(text("DELETE FROM audit_log"))
    assert await _count(db) == 1


# Emptying the table in one statement: TRUNCATE on PostgreSQL (alone, with another table, with CASCADE; no row trigger
# sees it, so migration 0009 adds a statement trigger); SQLite has no TRUNCATE, and its DELETE without WHERE runs the
# row trigger for every row.
EMPTY_AT_ONCE = {"postgresql": ["TRUNCATE audit_log", "TRUNCATE audit_log RESTART IDENTITY CASCADE",
                                "TRUNCATE send_rate, audit_log"],
                 "sqlite": ["DELETE FROM audit_log"]}


async def test_the_table_cannot_be_emptied_in_one_statement(db):
    await _add(db, NOW)
    await _add(db, NOW - timedelta(days=800), "role.grant")  # even rows past the period go only through retention
    for statement in EMPTY_AT_ONCE[db.dialect]:
        with pytest.raises(DBAPIError, match="append-only|two years"):
            async with db.engine.begin() as conn:
                await conn.execute(text(statement))
        assert await _count(db) == 2, statement


async def test_the_retention_job_removes_only_rows_past_the_period(db):
    await _add(db, NOW - timedelta(days=800), "role.grant")  # older than two years
    await _add(db, NOW - timedelta(days=700), "role.revoke")  # younger: kept, and the trigger would refuse it
    await _add(db, NOW)
    async with session_scope(db.sessionmaker) as s:
        # asking for a shorter period than the law's minimum changes nothing
        assert await purge_expired(s, now=NOW, keep=timedelta(days=30)) == 1
    async with db.sessionmaker() as s:
        assert [r.action for r in await entries(s)] == ["role.revoke", "export.enrollments"]


async def test_a_clock_ahead_of_the_database_deletes_nothing_rather_than_failing(db):
    await _add(db, NOW)
    async with session_scope(db.sessionmaker) as s:
        assert await purge_expired(s, now=NOW + timedelta(days=1000)) == 0
    assert await _count(db) == 1


def test_hrdbot_audit_prints_every_row_as_json_and_filters_with_since(sqlite_template, tmp_path, monkeypatch, capsys):
    url = dbs.sqlite_copy(sqlite_template, tmp_path)
    monkeypatch.setenv("HRDBOT_DATABASE_URL", url)
    assert main(["admin", "add", "424242"]) == 0
    assert main(["admin", "remove", "777"]) == 0  # a stranger: no user row, but the attempt is recorded
    capsys.readouterr()
    assert main(["audit", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["action"], r["target"], r["role"]) for r in rows] == [
        ("role.grant", "user:424242", "operator"), ("role.revoke", "user:777", "operator")]
    assert rows[0]["actor"].startswith("cli:")
    datetime.fromisoformat(rows[0]["at"])
    assert main(["audit", "--json", "--since", "2999-01-01"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert main(["audit"]) == 0
    assert "role.grant" in capsys.readouterr().out

