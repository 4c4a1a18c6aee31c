"""Settings from the environment (HRDBOT_*, TELEGRAM_BOT_TOKEN)."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime

from db.clock import Clock, SystemClock, parse_moment
from db.session import default_database_url


def _ids(raw: str | None) -> frozenset[int]:
    out = set()
    for part in (raw or "").replace(";", ",").split(","):
        part = part.strip()
        if part.lstrip("-").isdigit():
            out.add(int(part))
    return frozenset(out)


@dataclass(frozen=True)
class Settings:
    database_url: str
    token: str | None = None
    admin_ids: frozenset[int] = field(default_factory=frozenset)
    now: datetime | None = None  # HRDBOT_NOW: the demo clock starts here
    locale: str = "ko"
    webhook_secret: str | None = None

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> "Settings":
        env = dict(os.environ if env is None else env)
        now = env.get("HRDBOT_NOW")
        return cls(
            database_url=env.get("HRDBOT_DATABASE_URL") or default_database_url(),
            token=(env.get("TELEGRAM_BOT_TOKEN") or "").strip() or None,
            admin_ids=_ids(env.get("HRDBOT_ADMIN_IDS")),
            now=parse_moment(now) if now else None,
            locale=env.get("HRDBOT_LOCALE", "ko"),
            webhook_secret=env.get("HRDBOT_WEBHOOK_SECRET") or None,
        )

    def clock(self) -> Clock:
        return SystemClock(self.now)
