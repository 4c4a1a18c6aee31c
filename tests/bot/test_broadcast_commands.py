"""`hrdbot import courses|cohorts FILE [--dry-run]` and `hrdbot export subscribers|broadcasts`."""
from __future__ import annotations

import asyncio

from openpyxl import load_workbook
from sqlalchemy import select

from bot.cli import main
from db.access import Actor
from db.models import Course, OutboxMessage, TopicSubscription, User
from db.session import make_engine, make_sessionmaker, session_scope
from tests.support import databases as dbs


def _db(sqlite_template, tmp_path, monkeypatch) -> str:
    url = dbs.sqlite_copy(sqlite_template, tmp_path)
    monkeypatch.setenv("HRDBOT_DATABASE_URL", url)
    monkeypatch.setenv("HRDBOT_LOCALE", "en")
    monkeypatch.setenv("HRDBOT_NOW", "2022-01-03T09:00")
    return url


def _query(url, fn):
    async def go():
        engine = make_engine(url)
        try:
            async with session_scope(make_sessionmaker(engine)) as s:
                return await fn(s)
        finally:
            await engine.dispose()
    return asyncio.run(go())


def test_import_courses_dry_run_then_apply_and_news_is_queued(sqlite_template, tmp_path, monkeypatch, capsys):
    url = _db(sqlite_template, tmp_path, monkeypatch)

    async def subscriber(s):
        s.add(User(id=55, chat_id=55, created_at=_now()))
        await s.flush()
        s.add(TopicSubscription(user_id=55, topic="it", created_at=_now()))
    _query(url, subscriber)
    path = tmp_path / "courses.csv"
    path.write_text("id,title,category,topic,delivery\nai-x,생성형 AI,일반교육/IT,it,online\n", encoding="utf-8")

    assert main(["import", "courses", str(path), "--dry-run"]) == 0
    assert "Dry run — nothing changed yet. It would add 1" in capsys.readouterr().out
    assert _query(url, lambda s: s.get(Course, "ai-x")) is None
    assert main(["import", "courses", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Imported: 1 added" in out and "Course news queued for 1 subscribers." in out
    news = _query(url, lambda s: _all(s, select(OutboxMessage.user_id, OutboxMessage.kind)))
    assert news == [(55, "course_news")]

    bad = tmp_path / "cohorts.csv"
    bad.write_text("course_id,no,start\nai-x,1,2022-02-30\nai-x,2,2022-03-02\n", encoding="utf-8")
    assert main(["import", "cohorts", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "row 2, start: “2022-02-30” is not a date" in err and "nothing was imported" in err
    garbage = tmp_path / "x.xlsx"
    garbage.write_bytes(b"\x00\x01\x02")
    assert main(["import", "courses", str(garbage)]) == 1
    assert "cannot be opened" in capsys.readouterr().err


def test_export_subscribers_and_broadcasts_as_xlsx(sqlite_template, tmp_path, monkeypatch, capsys):
    url = _db(sqlite_template, tmp_path, monkeypatch)

    async def data(s):
        from notifications.broadcasts.service import create_broadcast

        s.add(User(id=56, chat_id=56, first_name="김", created_at=_now()))
        await s.flush()
        s.add(TopicSubscription(user_id=56, topic="leadership", created_at=_now()))
        await create_broadcast(s, actor=Actor.operator("test"), text="<b>공지</b> &amp; 안내", audience={"kind": "everyone"}, now=_now())
    _query(url, data)
    subs, bcs = tmp_path / "subs.xlsx", tmp_path / "bcs.xlsx"
    assert main(["export", "subscribers", "--xlsx", str(subs)]) == 0
    assert main(["export", "broadcasts", "--xlsx", str(bcs)]) == 0
    rows = list(load_workbook(subs).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("user_id", "language", "topic") and rows[1][2] == "leadership"
    assert "김" not in repr(rows)  # no Telegram names: the id, language and topic are all news needs
    rows = list(load_workbook(bcs).active.iter_rows(values_only=True))
    assert rows[0][:2] == ("No.", "Status") and rows[1][1] == "draft" and rows[1][-1] == "공지 & 안내"  # HRDBOT_LOCALE=en
    assert rows[1][7].startswith("everyone who uses the bot: ")  # the audience in words, not JSON


async def _all(s, q):
    return [tuple(r) for r in (await s.execute(q)).all()]


def _now():
    from db.clock import parse_moment

    return parse_moment("2022-01-03T09:00")
