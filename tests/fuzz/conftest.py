"""Fuzz fixtures: the real Application (strict in-process Bot API) on SQLite, and a smaller run on PostgreSQL.

Example counts: `examples(n)` in tests/fuzz/support.py (HRDBOT_FUZZ_SCALE multiplies them).
"""
from __future__ import annotations

import pytest
from tests.fuzz.support import close_fuzzbot, make_fuzzbot
from tests.support import databases as dbs

@pytest.fixture
def fuzzbot(sqlite_template, tmp_path):
    """The bot on a fresh copy of the seeded SQLite database; users ME, OTHER, OTHER2 (profiles) and STAFF."""
    fb = make_fuzzbot(dbs.sqlite_copy(sqlite_template, tmp_path))
    yield fb
    close_fuzzbot(fb)


@pytest.fixture
def fuzzbot_pg(pg_url):
    """The same on the run's PostgreSQL database (emptied and re-seeded first)."""
    fb = make_fuzzbot(pg_url, reset_pg=True)
    yield fb
    close_fuzzbot(fb)

