"""What the dashboard needs from its host process (bot/ builds it from Settings)."""
from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from catalog.retention import Periods
from db.clock import Clock
from db.signin import link_url

PREFIX = "/dashboard"


@dataclass
class WebConfig:
    sessionmaker: async_sessionmaker[AsyncSession]
    clock: Clock
    admin_ids: frozenset[int] = frozenset()
    public_url: str = "http://127.0.0.1:8080"  # HRDBOT_PUBLIC_URL: where people reach the dashboard
    # Set after a commit that wrote outbox rows, when the bot's dispatcher runs in this process (hrdbot run).
    outbox_ready: asyncio.Event | None = None
    page_size: int = 50
    slot_keep_days: int = Periods().slot_days  # HRDBOT_RETAIN_SLOT_DAYS: what an imported slot's notice promises
    # (kind, params, language) → notifications.messages.Rendered: the bot's own renderer, injected by bot/ (web/
    # never imports handlers/), so a broadcast preview is exactly the message people will get.
    render_notice: Callable[[str, dict, str], Any] | None = None
    cache: dict = field(default_factory=dict)  # per process: the overview's figures for a minute

    @property
    def secure_cookies(self) -> bool:
        """Cookies marked Secure behind https (a browser would not send them back over plain http)."""
        return self.public_url.lower().startswith("https://")

    def link(self, token: str) -> str:
        return link_url(self.public_url, token)

    def wake_dispatcher(self) -> None:
        if self.outbox_ready is not None:
            self.outbox_ready.set()
