"""Fuzzing support: the real Application on a strict in-process Bot API, in an event loop of its own.

Hypothesis runs examples synchronously, so each fuzz test owns a private event loop (`FuzzBot.run`) and its own
engine on a throw-away database (a copy of the seeded SQLite template, or the run's PostgreSQL database reset).
`StrictRequest` checks every Bot API call against Telegram's limits; an ERROR log record (the error handler was
hit, or the dispatcher failed) is collected as well, so a property can assert "nothing went wrong" in one line.
"""
from __future__ import annotations

import asyncio
import html.parser
import io
import json
import logging
import os
from datetime import date, datetime
from typing import Any

from hypothesis import HealthCheck, settings
from sqlalchemy import select

from bot.app import build_runtime
from bot.console import Console
from bot.settings import Settings
from bot.transport import InProcessRequest, Sent
from db.clock import FakeClock
from db.models import Base, Profile, User
from db.session import make_engine, make_sessionmaker, session_scope
from notifications.dispatcher import RateLimits
from tests.fuzz.counts import record  # noqa: F401 - the fuzz tests import it from here

# Example counts are set per test with `@examples(n)`; HRDBOT_FUZZ_SCALE multiplies them for a longer local run
# (e.g. HRDBOT_FUZZ_SCALE=10). In CI (CI=true) examples are derandomised so that a failure reproduces.
SCALE = float(os.environ.get("HRDBOT_FUZZ_SCALE", "1") or 1)
settings.register_profile(
    "hrdbot-fuzz", deadline=None, derandomize=os.environ.get("CI", "").lower() == "true", print_blob=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large,
                           HealthCheck.filter_too_much])




def examples(n: int) -> settings:
    """`@examples(200)`: the fuzz profile with max_examples scaled by HRDBOT_FUZZ_SCALE."""
    return settings(settings.get_profile("hrdbot-fuzz"), max_examples=max(1, int(n * SCALE)))



ME, OTHER, OTHER2, STAFF = 1001, 2001, 2002, 9001
NOW = "2022-02-14T10:00"
TELEGRAM_HTML_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre", "tg-spoiler",
                      "span", "blockquote", "tg-emoji"}


class _HtmlCheck(html.parser.HTMLParser):
    """Telegram's HTML parse mode: only its tags, properly nested; `<`, `>`, `&` otherwise escaped."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.stack: list[str] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in TELEGRAM_HTML_TAGS:
            self.problems.append(f"unsupported tag <{tag}>")
        self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack.pop() != tag:
            self.problems.append(f"unbalanced </{tag}>")

    def handle_data(self, data):
        if "<" in data or "&" in data:
            self.problems.append(f"unescaped '<' or '&' in {data[:60]!r}")

    def handle_entityref(self, name):
        if name not in ("lt", "gt", "amp", "quot"):
            self.problems.append(f"unsupported entity &{name};")


def html_problems(text: str) -> list[str]:
    checker = _HtmlCheck()
    checker.feed(text)
    checker.close()
    if checker.stack:
        checker.problems.append(f"unclosed tags {checker.stack}")
    return checker.problems


class StrictRequest(InProcessRequest):
    """The in-process Bot API with Telegram's limits checked on every call; violations are recorded."""

    def __init__(self) -> None:
        super().__init__()
        self.violations: list[str] = []
        self.calls = 0

    async def do_request(self, url, method, request_data=None, read_timeout=None, write_timeout=None,
                         connect_timeout=None, pool_timeout=None):
        api = url.rsplit("/", 1)[-1]
        params = dict(request_data.parameters) if request_data else {}
        self.calls += 1
        self._check(api, params)
        return await super().do_request(url, method, request_data, read_timeout, write_timeout, connect_timeout,
                                        pool_timeout)

    def _check(self, api: str, p: dict) -> None:
        bad = self.violations.append
        if api in ("sendMessage", "editMessageText"):
            text = str(p.get("text") or "")
            if not text.strip():
                bad(f"{api}: empty text")
            if len(text) > 4096:
                bad(f"{api}: text of {len(text)} characters")
            if p.get("parse_mode") == "HTML":
                for problem in html_problems(text):
                    bad(f"{api}: HTML {problem} in {text[:200]!r}")
        if api == "sendDocument" and len(str(p.get("caption") or "")) > 1024:
            bad("sendDocument: caption over 1024 characters")
        if api == "answerCallbackQuery" and len(str(p.get("text") or "")) > 200:
            bad("answerCallbackQuery: text over 200 characters")
        markup = p.get("reply_markup")
        if isinstance(markup, str):
            markup = json.loads(markup)
        for row in (markup or {}).get("inline_keyboard", []):
            for button in row:
                if not str(button.get("text", "")).strip():
                    bad(f"{api}: a button without text")
                data = button.get("callback_data")
                if data is not None and not 1 <= len(str(data).encode()) <= 64:
                    bad(f"{api}: callback_data of {len(str(data).encode())} bytes: {data!r}")


class ErrorLog(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def describe(self) -> list[str]:
        out = []
        for r in self.records:
            text = f"{r.name}: {r.getMessage()}"
            if r.exc_info and r.exc_info[1] is not None:
                text += f" — {type(r.exc_info[1]).__name__}: {r.exc_info[1]}"
            out.append(text)
        return out


class FuzzBot:
    """The bot under fuzzing (a plain class: Hypothesis prints it by its short repr in failure reports)."""

    def __init__(self, loop: asyncio.AbstractEventLoop, console: Console, request: StrictRequest, sessionmaker: Any,
                 errors: ErrorLog, clock: FakeClock, dialect: str, fixtures: dict[str, Any],
                 sqlite_path: str | None = None) -> None:
        self.loop, self.console, self.request, self.sessionmaker = loop, console, request, sessionmaker
        self.errors, self.clock, self.dialect, self.fixtures = errors, clock, dialect, fixtures
        self.sqlite_path = sqlite_path
        self.updates = 0

    def __repr__(self) -> str:
        return f"FuzzBot({self.dialect})"

    def run(self, coro):
        return self.loop.run_until_complete(coro)

    def act_as(self, user_id: int, language: str = "ko") -> None:
        self.console.user = {"id": user_id, "is_bot": False, "first_name": f"U{user_id}", "language_code": language}

    async def _feed(self, data: dict) -> list[Sent]:
        """Like Console.feed, but only the outbox is drained afterwards (rendering every notice the update caused);
        the periodic planning jobs are not an entry point for user input and would only slow the fuzzing down."""
        from telegram import Update

        runtime = self.console.runtime
        await runtime.app.process_update(Update.de_json(data, runtime.app.bot))
        await runtime.dispatcher.drain()
        sent = self.request.take()
        self.console.show(sent)
        return sent

    def say(self, text: str) -> list[Sent]:
        self.updates += 1
        return self.run(self._feed(self.console.text_update(text)))

    def press(self, data: str, message_id: int | None = None) -> list[Sent]:
        """A callback with this data, on the user's latest bot message (or a message id of our choosing)."""
        self.updates += 1
        chat = self.console.user["id"]
        if message_id is None:
            mine = [k[1] for k in self.request.messages if k[0] == chat]
            message_id = max(mine) if mine else 1
        return self.run(self._feed(self.console.callback_update(chat, message_id, data)))

    def document(self, name: str, content: bytes) -> list[Sent]:
        import tempfile
        from pathlib import Path

        self.updates += 1
        with tempfile.TemporaryDirectory() as d:
            path = Path(d) / name
            path.write_bytes(content)
            return self.run(self._feed(self.console.document_update(path)))

    def problems(self) -> list[str]:
        """What went wrong since the last call (and forget it): limit violations and ERROR log records."""
        out = list(self.request.violations) + self.errors.describe()
        self.request.violations.clear()
        self.errors.records.clear()
        return out

    def snapshot(self) -> dict[str, set[tuple]]:
        if self.sqlite_path:  # the plain sqlite3 module reads the committed state ~10x faster than the ORM stack
            return sqlite_snapshot(self.sqlite_path)
        return self.run(snapshot(self.sessionmaker))


async def snapshot(sessionmaker) -> dict[str, set[tuple]]:
    """Every row of every table (as tuples, columns in the models' order), to compare before and after an action.
    Straight through the driver: the ORM's row handling took ~3/4 of a PostgreSQL fuzz run's time."""
    out: dict[str, set[tuple]] = {}
    async with sessionmaker() as session:
        pg = (await (await session.connection()).get_raw_connection()).driver_connection
        for table in Base.metadata.sorted_tables:
            columns = ", ".join(f'"{c.name}"' for c in table.columns)
            rows = await pg.fetch(f'SELECT {columns} FROM "{table.name}"')
            out[table.name] = {tuple(_plain(v) for v in row) for row in rows}
    return out


def sqlite_snapshot(path: str) -> dict[str, set[tuple]]:
    import sqlite3

    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return {table.name: set(conn.execute(f'SELECT * FROM "{table.name}"').fetchall())
                for table in Base.metadata.sorted_tables}
    finally:
        conn.close()


def _plain(value: Any) -> Any:
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True, default=str)
    return value


def owner_column(table_name: str) -> int | None:
    """Index of the column naming the user a row belongs to (users.id, *.user_id), if any."""
    table = Base.metadata.tables[table_name]
    names = [c.name for c in table.columns]
    if table_name == "users":
        return names.index("id")
    if table_name == "audit_log":  # the record of a person's own action (their /forget) is theirs
        return names.index("actor_id")
    return names.index("user_id") if "user_id" in names else None


def foreign_changes(before: dict[str, set[tuple]], after: dict[str, set[tuple]], actor: int) -> list[str]:
    """Rows that changed and do not belong to `actor` (rows of tables without a user column always count)."""
    out = []
    for name in after:
        changed = before.get(name, set()) ^ after[name]
        col = owner_column(name)
        for row in changed:
            if col is None or row[col] != actor:
                out.append(f"{name}: {row}")
    return out


async def _people(sessionmaker, now: datetime) -> None:
    async with session_scope(sessionmaker) as s:
        for uid, role in ((ME, "user"), (OTHER, "user"), (OTHER2, "user"), (STAFF, "staff")):
            if await s.get(User, uid) is None:
                s.add(User(id=uid, chat_id=uid, first_name=f"U{uid}", language="ko", language_chosen=True,
                           role=role, created_at=now))
        await s.flush()
        for uid in (ME, OTHER, OTHER2):
            if await s.get(Profile, uid) is None:
                s.add(Profile(user_id=uid, consent_at=now, full_name=f"직원{uid}", department="행정국", rank="7급",
                              position="", employee_no=f"E{uid}", hired_on=date(2015, 3, 2), retirement_on=None,
                              updated_at=now))


async def _others_enrolled(sessionmaker, now: datetime) -> dict[str, Any]:
    """Other people's requests (one pending staff approval, one confirmed), targets for forged buttons."""
    from db.models import Cohort, Course, Enrollment

    try:
        from catalog import enrollment as svc
    except ImportError:
        return {}
    found: dict[str, Any] = {}
    async with session_scope(sessionmaker) as s:
        rows = (await s.execute(select(Cohort.id, Course.approval).join(Course, Course.id == Cohort.course_id)
                                .where(Cohort.status == "open", Cohort.start_on > now.date())
                                .order_by(Cohort.id))).all()
    for approval in ("staff", "auto"):
        for cohort_id, appr in rows:
            if appr != approval:
                continue
            async with session_scope(sessionmaker) as s:
                out = await svc.request_seat(s, user_id=OTHER if approval == "staff" else OTHER2, cohort_id=cohort_id,
                                             now=now)
            if out.status in ("pending", "confirmed"):
                found[approval] = cohort_id
                break
    async with sessionmaker() as s:
        found["enrollment_ids"] = list((await s.execute(select(Enrollment.id))).scalars())
        found["cohort_ids"] = list((await s.execute(select(Cohort.id).order_by(Cohort.id).limit(40))).scalars())
        found["course_ids"] = list((await s.execute(select(Course.id).limit(40))).scalars())
    return found


def make_fuzzbot(url: str, *, reset_pg: bool = False) -> FuzzBot:
    loop = asyncio.new_event_loop()
    clock = FakeClock(NOW)
    engine = make_engine(url)
    if reset_pg:
        from tests.support.databases import reset_pg as _reset

        loop.run_until_complete(_reset(engine))
    sessionmaker = make_sessionmaker(engine)
    request = StrictRequest()

    async def build():
        await _people(sessionmaker, clock.now())
        fixtures = await _others_enrolled(sessionmaker, clock.now())
        runtime = await build_runtime(Settings(database_url=url, admin_ids=frozenset({STAFF})), request=request,
                                      clock=clock, engine=engine, rate_limit=False, prepare=False)

        async def no_sleep(_s: float) -> None:
            return None

        runtime.dispatcher.limits = RateLimits(sleep=no_sleep)
        await runtime.app.initialize()
        return runtime, fixtures

    runtime, fixtures = loop.run_until_complete(build())
    request.take()
    errors = ErrorLog()
    logging.getLogger().addHandler(errors)
    console = Console(runtime, request, io.StringIO(), user_id=ME)
    path = url.split(":///", 1)[1] if engine.dialect.name == "sqlite" else None
    return FuzzBot(loop, console, request, sessionmaker, errors, clock, engine.dialect.name, fixtures,
                   sqlite_path=path)


def close_fuzzbot(fb: FuzzBot) -> None:
    logging.getLogger().removeHandler(fb.errors)
    runtime = fb.console.runtime

    async def down():
        await runtime.app.shutdown()
        await runtime.close()

    fb.run(down())
    fb.loop.close()
