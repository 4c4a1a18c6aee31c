"""console, run, search, admin add|remove|list, audit."""
from __future__ import annotations

import argparse
import json
import os
import sys

from sqlalchemy.exc import SQLAlchemyError

from bot.settings import Settings


def add_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("console", help="chat with the bot in the terminal (no token needed)")
    p.add_argument("--now", metavar="WHEN", help=f"start the bot's clock here (default: HRDBOT_NOW, else {demo_now()})")
    p.set_defaults(func=cmd_console)

    p = sub.add_parser("run", help="run the bot on Telegram (TELEGRAM_BOT_TOKEN)")
    p.add_argument("--webhook", metavar="URL", help="use a webhook at this public URL instead of polling")
    p.add_argument("--listen", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8443)
    p.add_argument("--dashboard-port", type=int, metavar="P", help="also serve the staff dashboard on this port")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("search", help="search the catalog")
    p.add_argument("query", nargs="?", help="what to look for")
    p.add_argument("--json", action="store_true", help="print a JSON array of results")
    p.add_argument("--jsonl", action="store_true", help="read one query per line on stdin, print one JSON array per line")
    p.add_argument("--limit", type=int, default=8)
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("admin", help="staff role: add, remove or list staff by Telegram user id")
    p.add_argument("action", choices=["add", "remove", "list"])
    p.add_argument("telegram_id", nargs="?", type=int)
    p.set_defaults(func=cmd_admin)

    p = sub.add_parser("audit", help="the access record: staff actions and reads of personal data",
                       description="Every row of the append-only audit log, oldest first (all rows without --since).")
    p.add_argument("--since", metavar="WHEN", help="only rows from this moment on (YYYY-MM-DD or YYYY-MM-DDTHH:MM, Seoul)")
    p.add_argument("--json", action="store_true", help="print a JSON array of rows")
    p.set_defaults(func=cmd_audit)


def demo_now() -> str:
    """Where the console's clock starts: a day of the seeded plan (catalog/data/center.yaml `demo_now`), since on
    today's date every seeded cohort would have started and every exam passed."""
    from catalog.center import center_info

    return str(center_info()["demo_now"])


async def cmd_console(args) -> int:
    from dataclasses import replace

    from bot.console import run_console
    from bot.settings import moment_setting

    settings = Settings.from_env()
    if args.now or settings.now is None:
        settings = replace(settings, now=moment_setting("--now", args.now or demo_now()))
    await run_console(settings)
    return 0


def cmd_run(args) -> int:
    from bot.runner import run_bot

    return run_bot(Settings.from_env(), webhook=args.webhook, listen=args.listen, port=args.port,
                   dashboard_port=args.dashboard_port)


async def _open(settings: Settings, *, prepare: bool = True):
    """The engine and sessions of a command (the database migrated and seeded unless `prepare` is False)."""
    from db.session import make_engine, make_sessionmaker

    engine = make_engine(settings.database_url)
    if prepare:
        try:
            await prepared(engine, settings)
        except BaseException:
            await engine.dispose()
            raise
    return engine, make_sessionmaker(engine)


async def prepared(engine, settings: Settings) -> int:
    """`prepare_database` (the rows seeded), with a database that cannot be opened as one line (CliError), not a
    traceback: the server down or unreachable, a bad URL, or (as the bot's own role) a schema behind head."""
    from bot.app import SchemaNotAtHead, prepare_database
    from bot.cli import CliError

    try:
        return await prepare_database(engine, settings.clock())
    except SchemaNotAtHead as exc:
        raise CliError(str(exc)) from None
    except (OSError, SQLAlchemyError) as exc:
        raise unreachable(exc) from None


def unreachable(exc: BaseException) -> Exception:
    """The one line for a database that cannot be opened (server down, bad URL, no rights)."""
    from bot.cli import CliError

    return CliError(f"cannot open the database ({type(exc).__name__}: {exc})")


def _hit_json(hit) -> dict:
    return {"id": hit.course_id, "title": hit.title, "score": round(float(hit.score), 2)}


async def cmd_search(args) -> int:
    from catalog.search import parse_query
    from catalog.search.loader import load_index
    from db.session import session_scope

    settings = Settings.from_env()
    engine, sessionmaker = await _open(settings)
    try:
        async with session_scope(sessionmaker) as session:
            index = await load_index(session)
    finally:
        await engine.dispose()

    def run(query: str) -> list:
        text, filters = parse_query(query)
        return index.search(text, limit=args.limit, filters=filters)

    if args.jsonl:
        try:
            for line in sys.stdin:
                print(json.dumps([_hit_json(h) for h in run(line.strip())], ensure_ascii=False), flush=True)
        except BrokenPipeError:  # the reader has what it wanted (`| head -1`): stop quietly, no traceback
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    if not args.query:
        print("hrdbot search: give a QUERY or use --jsonl", file=sys.stderr)
        return 2
    hits = run(args.query)
    if args.json:
        print(json.dumps([_hit_json(h) for h in hits], ensure_ascii=False))
    elif not hits:
        print("no match")
    else:
        for h in hits:
            print(f"{h.score:6.1f}  {h.course_id:24}  {h.title}")
    return 0


async def cmd_admin(args) -> int:
    from db.access import Actor, set_staff, staff_ids
    from db.session import session_scope

    settings = Settings.from_env()
    engine, sessionmaker = await _open(settings)
    try:
        async with session_scope(sessionmaker) as session:
            if args.action == "list":
                for user_id in await staff_ids(session):
                    print(user_id)
                for extra in sorted(settings.admin_ids):
                    print(f"{extra}\t(HRDBOT_ADMIN_IDS)")
                return 0
            if args.telegram_id is None:
                print("hrdbot admin: give a TELEGRAM_ID", file=sys.stderr)
                return 2
            change = await set_staff(session, Actor.operator(), args.telegram_id, args.action == "add",
                                     settings.clock().now())
    finally:
        await engine.dispose()
    if args.action == "add":
        print(f"{args.telegram_id}: staff" + ("" if change.changed else " (already)"))
    else:
        print(f"{args.telegram_id}: no longer staff" if change.changed else f"{args.telegram_id}: was not staff")
        if args.telegram_id in settings.admin_ids:
            print(f"{args.telegram_id} is still staff through HRDBOT_ADMIN_IDS: remove it there too", file=sys.stderr)
    return 0


async def cmd_audit(args) -> int:
    from bot.settings import moment_setting
    from db.audit import entries
    from db.session import session_scope

    settings = Settings.from_env()
    since = moment_setting("--since", args.since)
    engine, sessionmaker = await _open(settings)
    try:
        async with session_scope(sessionmaker) as session:
            rows = await entries(session, since=since)
    finally:
        await engine.dispose()
    if args.json:
        print(json.dumps([r.as_json() for r in rows], ensure_ascii=False))
        return 0
    for r in rows:
        extra = " ".join(f"{k}={json.dumps(v, ensure_ascii=False)}" for k, v in r.detail.items())
        print(f"{r.at:%Y-%m-%d %H:%M:%S}  {r.actor:20} {r.role:9} {r.action:26} {r.target or '-':24} "
              f"people={r.subjects} {extra}".rstrip())
    if not rows:
        print("no audit rows" + (f" since {args.since}" if args.since else ""), file=sys.stderr)
    return 0
