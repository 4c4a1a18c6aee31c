"""Fixtures: every database test runs on SQLite and on PostgreSQL.

PostgreSQL tests skip (with the reason) only when no server answers, and never in CI: with CI=true an
unreachable PostgreSQL fails the run.
"""
from __future__ import annotations

import io
import os

import pytest

from db.clock import FakeClock
from db.session import make_engine, make_sessionmaker
from tests.fuzz import counts as fuzz_counts
from tests.support import databases as dbs


def pytest_sessionfinish(session):
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:  # a pytest-xdist worker: its controller prints the summary
        workeroutput["fuzz_counts"] = fuzz_counts.COUNTS


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    fuzz_counts.add(getattr(node, "workeroutput", {}).get("fuzz_counts") or {})


def pytest_terminal_summary(terminalreporter):
    if fuzz_counts.COUNTS:
        terminalreporter.write_sep("-", "fuzz examples run")
        for line in fuzz_counts.summary_lines():
            terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    return dbs.make_sqlite_template(tmp_path_factory.mktemp("sqlite-template"))


@pytest.fixture(scope="session")
def pg_url():
    reason = dbs.pg_reachable()
    if reason is not None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true but PostgreSQL is unreachable at {dbs.PG_HOST}: {reason}")
        pytest.skip(f"PostgreSQL unreachable at {dbs.PG_HOST}: {reason}")
    url = dbs.create_pg_database()
    yield url
    dbs.drop_pg_database(url)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
async def db(request, tmp_path):
    """A migrated database seeded with the 2022 catalog, on each backend."""
    if request.param == "sqlite":
        url = dbs.sqlite_copy(request.getfixturevalue("sqlite_template"), tmp_path)
        engine = make_engine(url)
    else:
        url = request.getfixturevalue("pg_url")
        engine = make_engine(url)
        await dbs.reset_pg(engine)
    yield dbs.TestDb(url, engine, make_sessionmaker(engine))
    await engine.dispose()


@pytest.fixture
def clock():
    return FakeClock("2022-01-03T09:00")


@pytest.fixture
async def bot(db, clock):
    """The real Application on the in-process transport, driven like the console: `await bot.say("엑셀")`."""
    from tests.support.harness import make_console

    console, runtime = await make_console(db, clock, out=io.StringIO())
    yield console
    await runtime.app.shutdown()
    await runtime.close()
