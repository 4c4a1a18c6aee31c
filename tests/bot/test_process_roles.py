"""The process roles from the command line: `hrdbot migrate` (twice at once), web and worker refusing a database
that is not at this version's schema, in one line."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest
from sqlalchemy import func, select

from db.models import Course
from db.session import make_engine, make_sessionmaker
from tests.support import databases as dbs


def hrdbot(*args, env: dict, wait: bool = True):
    full = {**{k: v for k, v in os.environ.items() if not k.startswith(("HRDBOT_", "TELEGRAM_"))}, **env}
    cmd = [sys.executable, "-m", "bot.cli", *args]
    if not wait:
        return subprocess.Popen(cmd, env=full, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return subprocess.run(cmd, env=full, capture_output=True, text=True, timeout=120)


@pytest.fixture
def empty_pg(pg_url):
    """A brand-new, empty PostgreSQL database (no schema at all)."""
    import uuid

    name = f"hrdbot_test_{uuid.uuid4().hex[:10]}"
    dbs.run_blocking(dbs._pg_admin(f'CREATE DATABASE "{name}"'))
    url = f"{dbs.PG_HOST}/{name}"
    yield url
    dbs.drop_pg_database(url)


async def _courses(url: str) -> int:
    engine = make_engine(url)
    try:
        async with make_sessionmaker(engine)() as s:
            return (await s.execute(select(func.count()).select_from(Course))).scalar()
    finally:
        await engine.dispose()


@pytest.mark.postgres
async def test_two_migrations_started_together_on_a_fresh_database_both_succeed(empty_pg):
    env = {"HRDBOT_DATABASE_URL": empty_pg}
    first, second = hrdbot("migrate", env=env, wait=False), hrdbot("migrate", env=env, wait=False)
    outs = [p.communicate(timeout=120) for p in (first, second)]
    assert [p.returncode for p in (first, second)] == [0, 0], outs
    assert all("Traceback" not in err for _, err in outs)
    seeded = sorted(int(out.split("seeded ")[1].split()[0]) for out, _ in outs)
    assert seeded[0] == 0 and seeded[1] > 0  # one seeded, the other found everything there
    assert await _courses(empty_pg) == 70


def test_migrate_works_on_sqlite_and_twice(tmp_path):
    env = {"HRDBOT_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'm.db'}"}
    first, again = hrdbot("migrate", env=env), hrdbot("migrate", env=env)
    assert first.returncode == 0 and again.returncode == 0, first.stderr + again.stderr
    assert "seeded 0 new rows" in again.stdout


@pytest.mark.postgres
@pytest.mark.parametrize("role", ["web", "worker"])
def test_web_and_worker_refuse_a_database_not_at_this_versions_schema(empty_pg, role):
    env = {"HRDBOT_DATABASE_URL": empty_pg, "TELEGRAM_BOT_TOKEN": "1:x", "HRDBOT_WEBHOOK_SECRET": "s",
           "HRDBOT_WEBHOOK_URL": "https://bot.example.org/hook"}
    done = hrdbot(role, env=env)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        f"hrdbot {role}: the database schema is at nothing (empty database), this version needs "
        f"{_head()}; run `hrdbot migrate` first"]

    dbs.run_blocking(_upgrade_to(empty_pg, "0001"))  # an old release's schema
    done = hrdbot(role, env=env)
    assert done.returncode == 2 and done.stderr.strip().splitlines() == [
        f"hrdbot {role}: the database schema is at 0001, this version needs {_head()}; run `hrdbot migrate` first"]


def test_web_needs_the_shared_secret(tmp_path):
    done = hrdbot("web", env={"HRDBOT_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'w.db'}",
                              "TELEGRAM_BOT_TOKEN": "1:x", "HRDBOT_WEBHOOK_URL": "https://bot.example.org/hook"})
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1
    assert "HRDBOT_WEBHOOK_SECRET is not set" in done.stderr


def _head() -> str:
    from db.migrate import head_revisions

    return ", ".join(head_revisions())


async def _upgrade_to(url: str, revision: str) -> None:
    from db.migrate import upgrade

    engine = make_engine(url)
    try:
        await upgrade(engine, revision)
    finally:
        await engine.dispose()


def test_webhook_set_info_delete_talk_to_telegram_once(tmp_path):
    from tests.support.botapi_standin import BotApiStandIn

    with BotApiStandIn() as standin:
        env = {"HRDBOT_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'h.db'}", "TELEGRAM_BOT_TOKEN": standin.token,
               "HRDBOT_BOT_API_URL": standin.base_url, "HRDBOT_WEBHOOK_SECRET": "shared-secret",
               "HRDBOT_WEBHOOK_URL": "https://bot.example.org/telegram/webhook"}
        done = hrdbot("webhook", "set", env=env)
        assert done.returncode == 0, done.stderr
        assert standin.webhook["url"] == "https://bot.example.org/telegram/webhook"
        assert standin.webhook["secret_token"] == "shared-secret"
        info = hrdbot("webhook", "info", env=env)
        assert "url: https://bot.example.org/telegram/webhook" in info.stdout
        assert hrdbot("webhook", "delete", env=env).returncode == 0
        assert standin.webhook == {}
        bad = hrdbot("webhook", "set", env={**env, "HRDBOT_WEBHOOK_SECRET": "has spaces"})
        assert bad.returncode == 2 and "Traceback" not in bad.stderr
