"""`hrdbot dashboard link --user ID` prints a working one-time link under HRDBOT_PUBLIC_URL; not for non-staff."""
from __future__ import annotations

from bot.cli import build_parser
from db import signin
from db.session import session_scope
from tests.handlers.enrollment.factory import add_people


async def _run(argv, monkeypatch, db, **env):
    monkeypatch.setenv("HRDBOT_DATABASE_URL", db.url)
    monkeypatch.setenv("HRDBOT_NOW", "2022-01-03T09:00")
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    args = build_parser().parse_args(argv)
    return await args.func(args)


async def test_a_printed_link_signs_in_that_staff_member_once(db, monkeypatch, capsys, clock):
    await add_people(db, [9001], profile=False, role="staff")
    assert await _run(["dashboard", "link", "--user", "9001"], monkeypatch, db,
                      HRDBOT_PUBLIC_URL="https://hrd.example.org/") == 0
    link = capsys.readouterr().out.strip()
    assert link.startswith("https://hrd.example.org/dashboard/signin?token=")
    async with session_scope(db.sessionmaker) as s:
        token = link.split("token=")[1]
        assert (await signin.consume_link(s, token, clock.now())) == signin.LinkCheck("ok", 9001)
        assert (await signin.consume_link(s, token, clock.now())).status == "used"


async def test_no_link_for_someone_without_the_staff_role(db, monkeypatch, capsys):
    await add_people(db, [7001], profile=False)
    assert await _run(["dashboard", "link", "--user", "7001"], monkeypatch, db) == 2
    out = capsys.readouterr()
    assert out.out == "" and "not staff" in out.err and "hrdbot admin add 7001" in out.err
