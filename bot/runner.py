"""`hrdbot run`: the real bot on Telegram (polling, or a webhook that checks Telegram's secret token)."""
from __future__ import annotations

import asyncio
import logging
import secrets
import sys
from urllib.parse import urlsplit

from telegram import Update
from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.ext import Application

from bot.app import Runtime, SchemaNotAtHead, build_runtime
from bot.settings import Settings

log = logging.getLogger(__name__)
TICK_SECONDS = 15.0  # reminder planning and scheduled broadcasts; the outbox itself is sent continuously


def start_background(runtime: Runtime, tick_seconds: float = TICK_SECONDS) -> None:
    """The scheduler tick and the dispatcher, as a worker (on PostgreSQL only while it holds the worker lock,
    so `hrdbot run` beside `hrdbot worker` processes never makes two active senders)."""
    from bot.worker import Worker

    worker = Worker(runtime, tick_seconds)
    runtime.tasks.append(asyncio.create_task(worker.run(), name="worker"))


def start_dashboard(runtime: Runtime, settings: Settings, sock):
    """The staff dashboard in the bot's own event loop: its decisions wake this process's dispatcher."""
    from bot.commands.dashboard import web_config
    from web.app import create_app, server

    services = runtime.services
    app = create_app(web_config(settings, services.sessionmaker, services.clock, services.outbox_ready))
    srv = server(app)
    runtime.tasks.append(asyncio.create_task(srv.serve(sockets=[sock]), name="dashboard"))
    return srv


def run_bot(settings: Settings, *, webhook: str | None = None, listen: str = "127.0.0.1", port: int = 8443,
            dashboard_port: int | None = None) -> int:
    if not settings.token:
        print("hrdbot run: TELEGRAM_BOT_TOKEN is not set (get one from @BotFather). "
              "To try the bot without Telegram, run: hrdbot console", file=sys.stderr)
        return 2

    async def build() -> Runtime:
        runtime = await build_runtime(settings)
        # run_polling/run_webhook start a new event loop: asyncpg connections pooled in this one would be
        # "attached to a different loop" there. Close them here; the pool opens new ones in the bot's loop.
        await runtime.engine.dispose()
        return runtime

    async def who_am_i(application: Application) -> None:
        """getMe once before PTB's start-up loop, which logs a traceback for a bad token or no network."""
        async with application.bot:
            pass

    dashboard_socket = None
    if dashboard_port is not None:
        from web.app import listen_socket

        try:
            dashboard_socket = listen_socket(listen, dashboard_port)
        except OSError as exc:
            print(f"hrdbot run: cannot listen on {listen}:{dashboard_port} for the dashboard ({exc.strerror})",
                  file=sys.stderr)
            return 2
    try:
        runtime = asyncio.run(build())
    except SchemaNotAtHead as exc:  # the bot's own role on a schema behind: the owner migrates
        print(f"hrdbot run: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # database unreachable, bad URL…
        print(f"hrdbot run: cannot open the database ({type(exc).__name__}: {exc})", file=sys.stderr)
        return 2
    try:
        asyncio.run(who_am_i(runtime.app))
    except TelegramError as exc:
        return _telegram_problem(exc)
    app: Application = runtime.app

    async def post_init(application: Application) -> None:
        from handlers.commands import publish_default

        await publish_default(application.bot)  # the menu per language; staff menus follow at the first tick
        start_background(runtime, settings.tick_seconds)
        if dashboard_socket is not None:
            start_dashboard(runtime, settings, dashboard_socket)

    async def post_shutdown(application: Application) -> None:
        await runtime.close()

    app.post_init = post_init
    app.post_shutdown = post_shutdown
    try:
        if webhook:
            secret = settings.webhook_secret or secrets.token_urlsafe(32)
            app.run_webhook(listen=listen, port=port, webhook_url=webhook, secret_token=secret,
                            url_path=urlsplit(webhook).path.lstrip("/"),
                            allowed_updates=Update.ALL_TYPES)
        else:
            app.run_polling(allowed_updates=Update.ALL_TYPES)
    except TelegramError as exc:
        return _telegram_problem(exc)
    return 0


def _telegram_problem(exc: TelegramError) -> int:
    if isinstance(exc, InvalidToken):
        print("hrdbot run: Telegram rejected TELEGRAM_BOT_TOKEN (invalid token). Check it with @BotFather.",
              file=sys.stderr)
    elif isinstance(exc, NetworkError):
        print(f"hrdbot run: cannot reach Telegram ({exc}).", file=sys.stderr)
    else:
        print(f"hrdbot run: Telegram error: {exc}", file=sys.stderr)
    return 2
