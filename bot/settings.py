"""Settings from the environment (HRDBOT_*, TELEGRAM_BOT_TOKEN)."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from catalog.center import ContactDetails, parse_topic_contacts
from db.clock import Clock, SystemClock, parse_moment
from db.session import default_database_url


def _ids(raw: str | None) -> frozenset[int]:
    out = set()
    for part in (raw or "").replace(";", ",").split(","):
        part = part.strip()
        if part.lstrip("-").isdigit():
            out.add(int(part))
    return frozenset(out)


class SettingsError(ValueError):
    """A setting that cannot be understood: reported in one line by the CLI."""


def _retention(env: dict[str, str]):
    from catalog.retention import MIN_KEEP, Periods

    d = Periods()
    audit = _count(env, "HRDBOT_RETAIN_AUDIT_DAYS", d.audit_days)
    if audit < MIN_KEEP.days:
        raise SettingsError(f"HRDBOT_RETAIN_AUDIT_DAYS={audit}: access records are kept at least {MIN_KEEP.days} days")
    return Periods(outbox_days=_count(env, "HRDBOT_RETAIN_OUTBOX_DAYS", d.outbox_days),
                   flow_hours=_count(env, "HRDBOT_RETAIN_FLOW_HOURS", d.flow_hours),
                   slot_days=_count(env, "HRDBOT_RETAIN_SLOT_DAYS", d.slot_days), audit_days=audit)


def _count(env: dict[str, str], name: str, default: int) -> int:
    raw = (env.get(name) or "").strip().replace("_", "")
    if not raw:
        return default
    if not raw.isdigit() or int(raw) <= 0:
        raise SettingsError(f"{name}={raw!r} is not a positive whole number")
    return int(raw)


def moment_setting(name: str, raw: str | None) -> datetime | None:
    if not raw:
        return None
    try:
        return parse_moment(raw)
    except ValueError:
        raise SettingsError(f"{name}={raw!r} is not a date like 2022-02-20 or 2022-02-20T09:00") from None


def _public_url(raw: str | None) -> str:
    url = (raw or "").strip().rstrip("/") or "http://127.0.0.1:8080"
    if not url.startswith(("http://", "https://")):
        raise SettingsError(f"HRDBOT_PUBLIC_URL={raw!r} should start with https:// (or http:// on one machine)")
    return url


@dataclass(frozen=True)
class Settings:
    database_url: str
    token: str | None = None
    admin_ids: frozenset[int] = field(default_factory=frozenset)
    now: datetime | None = None  # HRDBOT_NOW: the demo clock starts here
    locale: str = "ko"
    webhook_secret: str | None = None
    # HRDBOT_WEBHOOK_URL: the public URL Telegram posts updates to; `hrdbot web` serves its path
    webhook_url: str | None = None
    # HRDBOT_BOT_API_URL: another Bot API server, e.g. a local one or the e2e tests' emulator
    # ("http://127.0.0.1:8081/bot"; the token is appended). Default: Telegram's.
    bot_api_url: str | None = None
    tick_seconds: float = 15.0  # HRDBOT_TICK_SECONDS: how often the scheduler tick runs (tests shorten it)
    public_url: str = "http://127.0.0.1:8080"  # HRDBOT_PUBLIC_URL: where staff reach the dashboard (sign-in links)
    # HRDBOT_OUTBOX_LEASE_SECONDS: a claimed outbox row whose dispatcher died is sent again after this
    outbox_lease_seconds: float = 120.0
    # Uploaded files (CSV/XLSX imports): size as sent, size once unzipped (zip bombs), rows.
    import_max_bytes: int = 2_000_000  # HRDBOT_IMPORT_MAX_BYTES
    import_max_unpacked: int = 50_000_000  # HRDBOT_IMPORT_MAX_UNPACKED
    import_max_rows: int = 5_000  # HRDBOT_IMPORT_MAX_ROWS
    # How long personal data is kept (catalog/retention.py, docs/security.md): HRDBOT_RETAIN_OUTBOX_DAYS (message
    # contents after delivery), _FLOW_HOURS (abandoned answers), _SLOT_DAYS (after the interview), _AUDIT_DAYS (≥ 731).
    retention: Any = None
    contact: ContactDetails = field(default_factory=ContactDetails)  # HRDBOT_CONTACT_*: empty unless configured

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> "Settings":
        env = dict(os.environ if env is None else env)
        return cls(
            database_url=env.get("HRDBOT_DATABASE_URL") or default_database_url(),
            token=(env.get("TELEGRAM_BOT_TOKEN") or "").strip() or None,
            admin_ids=_ids(env.get("HRDBOT_ADMIN_IDS")),
            now=moment_setting("HRDBOT_NOW", env.get("HRDBOT_NOW")),
            locale=env.get("HRDBOT_LOCALE", "ko"),
            webhook_secret=env.get("HRDBOT_WEBHOOK_SECRET") or None,
            webhook_url=(env.get("HRDBOT_WEBHOOK_URL") or "").strip() or None,
            bot_api_url=(env.get("HRDBOT_BOT_API_URL") or "").strip() or None,
            tick_seconds=float(env.get("HRDBOT_TICK_SECONDS") or 15.0),
            public_url=_public_url(env.get("HRDBOT_PUBLIC_URL")),
            outbox_lease_seconds=float(env.get("HRDBOT_OUTBOX_LEASE_SECONDS") or 120.0),
            import_max_bytes=_count(env, "HRDBOT_IMPORT_MAX_BYTES", 2_000_000),
            import_max_unpacked=_count(env, "HRDBOT_IMPORT_MAX_UNPACKED", 50_000_000),
            import_max_rows=_count(env, "HRDBOT_IMPORT_MAX_ROWS", 5_000),
            retention=_retention(env),
            contact=ContactDetails(
                phone=env.get("HRDBOT_CONTACT_PHONE", "").strip(), address=env.get("HRDBOT_CONTACT_ADDRESS", "").strip(),
                website=env.get("HRDBOT_CONTACT_WEBSITE", "").strip(), email=env.get("HRDBOT_CONTACT_EMAIL", "").strip(),
                topics=parse_topic_contacts(env.get("HRDBOT_CONTACT_TOPICS"))),
        )

    def apply_limits(self) -> None:
        """Hand the upload caps to the importers (catalog/ reads no environment itself)."""
        from catalog.imports import Limits, set_limits

        set_limits(Limits(self.import_max_bytes, self.import_max_unpacked, self.import_max_rows))

    def clock(self) -> Clock:
        return SystemClock(self.now)
