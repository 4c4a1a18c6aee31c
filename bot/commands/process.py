"""Process roles of a multi-process deployment: migrate, web, worker, and webhook set|delete|info."""
from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys

from bot.settings import Settings

log = logging.getLogger(__name__)


def add_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("migrate", help="migrate the database to this version and seed it (safe to run twice at once)")
    p.set_defaults(func=cmd_migrate)

    p = sub.add_parser("web", help="serve the webhook, /healthz, /readyz and /metrics (ASGI on uvicorn; run N of them)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8080)
    p.set_defaults(func=cmd_web, json_logs=True)

    p = sub.add_parser("worker", help="scheduler tick and outbox dispatcher (run 2+: one is active, the others wait)")
    p.set_defaults(func=cmd_worker, json_logs=True)

    p = sub.add_parser("webhook", help="tell Telegram where to post updates: set | delete | info")
    p.add_argument("action", choices=["set", "delete", "info"])
    p.add_argument("--drop-pending", action="store_true", help="with set/delete: drop updates Telegram is holding")
    p.set_defaults(func=cmd_webhook)


async def cmd_migrate(_args) -> int:
    from bot.app import prepare_database
    from db.migrate import schema_status
    from db.session import make_engine

    settings = Settings.from_env()
    engine = make_engine(settings.database_url)
    try:
        try:
            added = await prepare_database(engine, settings.clock())
        except Exception as exc:  # unreachable server, bad URL, no rights: one line (type and reason)
            print(f"hrdbot migrate: cannot open the database ({type(exc).__name__}: {exc})", file=sys.stderr)
            return 2
        status = await schema_status(engine)
    finally:
        await engine.dispose()
    print(f"schema at {', '.join(status.current)}; seeded {added} new rows")
    return 0


async def _check_schema(settings: Settings, role: str) -> str | None:
    """None when the database is reachable and at head, else the one line to print."""
    from bot.app import SchemaNotAtHead, require_schema_at_head
    from db.session import make_engine

    engine = make_engine(settings.database_url)
    try:
        await require_schema_at_head(engine)
    except SchemaNotAtHead as exc:
        return f"hrdbot {role}: {exc}"
    except Exception as exc:  # unreachable server, bad URL
        return f"hrdbot {role}: cannot open the database ({type(exc).__name__}: {exc})"
    finally:
        await engine.dispose()
    return None


def _needs_token(settings: Settings, role: str) -> str | None:
    if not settings.token:
        return f"hrdbot {role}: TELEGRAM_BOT_TOKEN is not set (get one from @BotFather)"
    return None


async def _check_telegram(settings: Settings, role: str) -> str | None:
    """getMe once before serving: a rejected token or no way to Telegram is one line, not a logged traceback."""
    from telegram import Bot
    from telegram.error import InvalidToken, TelegramError

    kwargs = {"base_url": settings.bot_api_url.rstrip("/")} if settings.bot_api_url else {}
    try:
        async with Bot(settings.token, **kwargs):
            return None
    except InvalidToken:
        return f"hrdbot {role}: Telegram rejected TELEGRAM_BOT_TOKEN (invalid token). Check it with @BotFather."
    except TelegramError as exc:
        return f"hrdbot {role}: cannot reach Telegram ({exc})."


async def _preflight(settings: Settings, role: str) -> str | None:
    return (_needs_token(settings, role) or await _check_schema(settings, role)
            or await _check_telegram(settings, role))


def cmd_web(args) -> int:
    from bot.web import build_asgi, require_secret, serve, webhook_path

    settings = Settings.from_env()
    require_secret(settings), webhook_path(settings)  # one line each (SettingsError) before anything starts
    problem = asyncio.run(_preflight(settings, "web"))
    if problem:
        print(problem, file=sys.stderr)
        return 2
    from bot.commands.dashboard import web_parts

    routes, on_start, handlers = web_parts(settings)  # the staff dashboard under /dashboard
    app = build_asgi(settings, extra_routes=routes, on_start=on_start, exception_handlers=handlers)
    asyncio.run(serve(app, host=args.host, port=args.port))
    return 0


def cmd_worker(_args) -> int:
    settings = Settings.from_env()
    problem = asyncio.run(_preflight(settings, "worker"))
    if problem:
        print(problem, file=sys.stderr)
        return 2
    asyncio.run(_run_worker(settings))
    return 0


async def _run_worker(settings: Settings) -> None:
    from bot.app import build_runtime
    from bot.worker import Worker

    runtime = await build_runtime(settings, prepare=False)
    await runtime.app.bot.initialize()
    worker = Worker(runtime, settings.tick_seconds)
    loop = asyncio.get_running_loop()

    def stop() -> None:
        log.info("stopping: finishing the message in hand", extra={"event": "worker", "state": "stopping"})
        worker.stop()

    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop)
    try:
        await worker.run()
    finally:
        await runtime.app.bot.shutdown()
        await runtime.close()
    log.info("worker stopped", extra={"event": "worker", "state": "stopped"})


async def cmd_webhook(args) -> int:
    from telegram import Bot, Update
    from telegram.error import TelegramError

    from bot.web import require_secret

    settings = Settings.from_env()
    if problem := _needs_token(settings, "webhook"):
        print(problem, file=sys.stderr)
        return 2
    kwargs = {}
    if settings.bot_api_url:
        kwargs["base_url"] = settings.bot_api_url.rstrip("/")
    try:
        async with Bot(settings.token, **kwargs) as bot:
            if args.action == "set":
                if not settings.webhook_url:
                    print("hrdbot webhook: HRDBOT_WEBHOOK_URL is not set", file=sys.stderr)
                    return 2
                await bot.set_webhook(settings.webhook_url, secret_token=require_secret(settings),
                                      allowed_updates=Update.ALL_TYPES, drop_pending_updates=args.drop_pending,
                                      max_connections=40)
                print(f"webhook set: {settings.webhook_url}")
            elif args.action == "delete":
                await bot.delete_webhook(drop_pending_updates=args.drop_pending)
                print("webhook deleted (use `hrdbot run` for polling)")
            else:
                info = await bot.get_webhook_info()
                print(f"url: {info.url or '(none)'}")
                print(f"pending updates: {info.pending_update_count}")
                if info.last_error_date:
                    print(f"last error: {info.last_error_date.isoformat()} {info.last_error_message or ''}")
    except TelegramError as exc:
        print(f"hrdbot webhook: Telegram error: {exc}", file=sys.stderr)
        return 2
    return 0
