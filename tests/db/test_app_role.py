"""`hrdbot db app-role`: the bot runs as a PostgreSQL role that owns nothing. Through the real services it requests,
approves (with the access record), signs staff in and runs retention; it cannot rewrite, empty, unguard or drop the
access record, nor change the schema; tables a later migration adds are usable at once."""
from __future__ import annotations

import uuid
from datetime import datetime

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from bot.app import SchemaNotAtHead, prepare_database, require_schema_at_head
from bot.cli import main
from catalog.retention import run_retention
from db.access import Actor
from db.audit import entries, record
from db.clock import SEOUL
from db.locks import WORKER, lock_role, unlock_role
from db.session import make_engine, make_sessionmaker, session_scope
from tests.support import databases as dbs
from tests.web.support import EMPLOYEES, STAFF, csrf_of, make_dash, sign_in

NO_ROLES = "SQLite has no roles or privileges (docs/security.md): the role is PostgreSQL's"


@pytest.fixture
async def app_db(db):
    """The test database as the bot's runtime role sees it (a TestDb over the role's own engine)."""
    if db.dialect != "postgresql":
        pytest.skip(NO_ROLES)
    role, url = dbs.create_app_role(db.url)
    engine = make_engine(url)
    yield dbs.TestDb(url, engine, make_sessionmaker(engine))
    await engine.dispose()
    dbs.drop_app_role(db.url, role)


def _role(app_db) -> str:
    return app_db.engine.url.username


async def test_as_the_app_role_the_bot_starts_enrolls_approves_signs_in_and_keeps_the_record(db, app_db, clock):
    # What web, worker and run do at start: schema at head (read only), migrate+seed at head is a no-op, the
    # worker's advisory lock.
    await require_schema_at_head(app_db.engine)
    assert await prepare_database(app_db.engine, clock) == 0
    async with app_db.engine.connect() as conn:
        assert await lock_role(conn, WORKER, wait=False)
        await unlock_role(conn, WORKER)

    dash = make_dash(app_db, clock)
    ids = await dash.pending()  # employees' requests through catalog.enrollment.request_seat
    await dash.staff()
    async with dash.client() as c:
        assert (await sign_in(c, await dash.link())).status_code in (200, 303)  # a dashboard session row
        csrf = csrf_of((await c.get("/dashboard/pending")).text)
        done = await c.post("/dashboard/pending/decide", data={"csrf": csrf, "ids": ids, "action": "approve"},
                            follow_redirects=True)
    assert "3건을 승인했습니다" in done.text
    assert {s for s, _reason in (await dash.statuses()).values()} == {"confirmed"}
    async with app_db.sessionmaker() as s:
        actions = [(r.action, r.actor_id) for r in await entries(s)]
    assert ("enrollment.view_pending", STAFF) in actions
    assert actions.count(("enrollment.approve", STAFF)) == len(EMPLOYEES)

    # Retention, on the real clock: the rows above (2022) are past two years by the database's clock too and go;
    # one written today stays.
    today = datetime.now(SEOUL)
    async with session_scope(app_db.sessionmaker) as s:
        await record(s, Actor.operator("kim"), "export.enrollments", now=today)
    async with session_scope(app_db.sessionmaker) as s:
        report = await run_retention(s, today)
    assert report.audit_rows_deleted == len(actions)
    async with app_db.sessionmaker() as s:
        left = [r.action for r in await entries(s)]
    assert left[0] == "export.enrollments" and "enrollment.approve" not in left


async def test_run_as_the_app_role_on_a_schema_behind_says_to_migrate_as_the_owner(db, app_db, clock):
    async with db.engine.begin() as conn:  # as if the last migration (0009) were still to run
        head = (await conn.execute(text("SELECT version_num FROM alembic_version"))).scalar_one()
        await conn.execute(text("UPDATE alembic_version SET version_num = '0008_dashboard_list_indexes'"))
    try:
        with pytest.raises(SchemaNotAtHead, match="run `hrdbot migrate` as the tables' owner first"):
            await prepare_database(app_db.engine, clock)
    finally:
        async with db.engine.begin() as conn:
            await conn.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": head})


@pytest.mark.parametrize("statement", [
    "UPDATE audit_log SET action = 'nothing.happened'",
    "TRUNCATE audit_log",
    "ALTER TABLE audit_log DISABLE TRIGGER ALL",
    "DROP TRIGGER audit_log_append_only ON audit_log",
    "DROP TABLE audit_log",
    "CREATE TABLE scratch (id integer)",
    "ALTER TABLE users ADD COLUMN note text",
])
async def test_the_app_role_may_not_rewrite_the_record_or_change_the_schema(db, app_db, clock, statement):
    async with session_scope(app_db.sessionmaker) as s:
        await record(s, Actor.operator("kim"), "export.enrollments", now=clock.now())
    with pytest.raises(DBAPIError) as refused:
        async with app_db.engine.begin() as conn:
            await conn.execute(text(statement))
    reason = str(refused.value.orig)
    assert "permission denied" in reason or "must be owner" in reason, reason  # the privilege, not the trigger
    async with app_db.sessionmaker() as s:
        assert [r.action for r in await entries(s)] == ["export.enrollments"]


async def test_a_table_a_later_migration_adds_is_usable_by_the_app_role(db, app_db):
    async with db.engine.begin() as conn:  # as the owner, after the grants: what `hrdbot migrate` would do
        await conn.execute(text("CREATE TABLE later_notes (id serial PRIMARY KEY, note text NOT NULL)"))
    try:
        async with app_db.engine.begin() as conn:
            await conn.execute(text("INSERT INTO later_notes (note) VALUES ('a'), ('b')"))
            await conn.execute(text("UPDATE later_notes SET note = 'c' WHERE note = 'a'"))
            await conn.execute(text("DELETE FROM later_notes WHERE note = 'b'"))
            assert (await conn.execute(text("SELECT note FROM later_notes"))).scalars().all() == ["c"]
    finally:
        async with db.engine.begin() as conn:
            await conn.execute(text("DROP TABLE later_notes"))


async def test_every_guarded_table_is_narrowed(db, app_db):
    """A table with triggers of its own (the append-only kind) gets the default grants when a migration adds it:
    it must be listed in db.privileges.APPEND_ONLY, and the app role must hold no UPDATE on it."""
    from db.privileges import APPEND_ONLY

    async with db.engine.connect() as conn:
        guarded = set((await conn.execute(text(
            "SELECT DISTINCT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE NOT t.tgisinternal AND c.relnamespace = 'public'::regnamespace"))).scalars())
        updatable = set((await conn.execute(text(
            "SELECT table_name FROM information_schema.role_table_grants "
            "WHERE grantee = :r AND privilege_type IN ('UPDATE', 'TRUNCATE', 'TRIGGER')"),
            {"r": _role(app_db)})).scalars())
    assert guarded == set(APPEND_ONLY)
    assert not guarded & updatable


def test_the_command_prints_applies_twice_and_never_shows_a_password(pg_url, monkeypatch, capsys):
    role = f"hrdbot_app_{uuid.uuid4().hex[:10]}"
    owner = make_url(pg_url).set(password="owner-secret").render_as_string(hide_password=False)
    monkeypatch.setenv("HRDBOT_DATABASE_URL", owner)
    assert main(["db", "app-role", role]) == 0
    printed = capsys.readouterr().out
    assert "GRANT SELECT, INSERT, DELETE ON audit_log" in printed and "owner-secret" not in printed
    assert f"\\password {role}" in printed  # how the DBA sets it

    monkeypatch.setenv("HRDBOT_DATABASE_URL", pg_url)
    try:
        assert main(["db", "app-role", role, "--apply"]) == 0
        assert main(["db", "app-role", role, "--apply"]) == 0
        out = capsys.readouterr().out
        assert f"HRDBOT_DATABASE_URL={dbs.app_role_url(pg_url, role)} " in out
        assert main(["db", "app-role", "postgres", "--apply"]) == 2  # the owner (a superuser here) is refused
        assert "choose a role of its own" in capsys.readouterr().err
    finally:
        dbs.drop_app_role(pg_url, role)


def test_on_sqlite_the_command_says_there_are_no_roles(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("HRDBOT_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}")
    assert main(["db", "app-role", "hrdbot_app"]) == 2
    out = capsys.readouterr()
    assert out.out == "" and out.err.count("\n") == 1 and "SQLite has no roles" in out.err
    assert not (tmp_path / "bot.db").exists()
