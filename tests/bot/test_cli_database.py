"""Every command that opens the database says in one line when it cannot (server down, wrong address), never with
a traceback: an operator at 7 a.m. reads the reason, not forty lines of asyncio."""
from __future__ import annotations

import pytest

from bot.cli import main

COMMANDS = [["search", "엑셀"], ["exams", "--json"], ["admin", "list"], ["audit", "--json"], ["db", "seed"],
            ["db", "upgrade"], ["cohorts", "--json"]]


@pytest.mark.parametrize("argv", COMMANDS, ids=" ".join)
def test_an_unreachable_database_is_one_line(argv, monkeypatch, capsys):
    monkeypatch.setenv("HRDBOT_DATABASE_URL", "postgresql+asyncpg://nobody@127.0.0.1:1/nothing")
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("hrdbot: cannot open the database (")
