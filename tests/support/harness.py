"""Conversation tests drive the same Console the terminal uses: real handlers, in-process transport."""
from __future__ import annotations

import io

from bot.app import build_runtime
from bot.console import Console
from bot.settings import Settings
from bot.transport import InProcessRequest
from notifications.dispatcher import RateLimits


async def _no_sleep(_seconds: float) -> None:
    return None


async def make_console(db, clock, *, out=None, admin_ids=frozenset(), user_id: int = 1001):
    settings = Settings(database_url=db.url, admin_ids=frozenset(admin_ids))
    request = InProcessRequest()
    runtime = await build_runtime(settings, request=request, clock=clock, engine=db.engine,
                                  rate_limit=False, prepare=False)
    # Tests assert on order and content, not on Telegram's pacing.
    runtime.dispatcher.limits = RateLimits(sleep=_no_sleep)
    await runtime.app.initialize()
    console = Console(runtime, request, out or io.StringIO(), user_id=user_id)
    return console, runtime
