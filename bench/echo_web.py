"""python-telegram-bot's echo bot behind the same ASGI server and webhook path as `hrdbot web`: the ceiling the
webhook benchmark compares with (no database, a reply per update). Env as for `hrdbot web`.

    python -m bench.echo_web --port P
"""
from __future__ import annotations

import argparse
import asyncio
from contextlib import asynccontextmanager
from types import SimpleNamespace

from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route
from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, ContextTypes, MessageHandler, filters

from bot.settings import Settings
from bot.web import _webhook_endpoint, require_secret, serve, webhook_path


async def echo(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.effective_message.reply_text(update.effective_message.text or "…")


async def press(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    await query.edit_message_text(query.data or "…")
    await query.answer()


async def healthz(_request) -> JSONResponse:
    return JSONResponse({"status": "alive"})


def build(settings: Settings) -> Starlette:
    builder = Application.builder().token(settings.token)
    if settings.bot_api_url:
        builder = builder.base_url(settings.bot_api_url.rstrip("/"))
    app = builder.build()
    app.add_handler(MessageHandler(filters.ALL, echo))
    app.add_handler(CallbackQueryHandler(press))

    @asynccontextmanager
    async def lifespan(starlette: Starlette):
        await app.initialize()
        starlette.state.runtime = SimpleNamespace(app=app)
        yield
        await app.shutdown()

    return Starlette(routes=[Route(webhook_path(settings), _webhook_endpoint(require_secret(settings)), methods=["POST"]),
                             Route("/healthz", healthz), Route("/readyz", healthz)],
                     lifespan=lifespan)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    asyncio.run(serve(build(Settings.from_env()), host="127.0.0.1", port=args.port))


if __name__ == "__main__":
    main()
