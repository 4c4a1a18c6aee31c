"""Staff dashboard sign-in without passwords: a one-time link from the bot, then a session row.

A link is bound to one Telegram id, works once and for ten minutes. Opening it only shows a button; the
button's POST consumes it (link previews and URL scanners fetch with GET, so they cannot burn it). The
consumption is one conditional UPDATE, so two tabs pressing at once cannot both sign in.
Secrets never reach the database: rows hold SHA-256 digests of the link token and the session id.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import SignInLink, User, WebSession

LINK_TTL = timedelta(minutes=10)
SESSION_IDLE = timedelta(hours=2)  # signed out after two quiet hours…
SESSION_MAX = timedelta(hours=12)  # …and after a working day in any case
TOUCH_EVERY = timedelta(minutes=5)  # how stale last_seen_at may get before a request writes it


SIGNIN_PATH = "/dashboard/signin"


def link_url(public_url: str, token: str) -> str:
    return f"{public_url.rstrip('/')}{SIGNIN_PATH}?token={token}"


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "replace")).hexdigest()


async def issue_link(session: AsyncSession, *, user_id: int, now: datetime) -> str:
    """A new one-time token for this person (the caller builds the URL)."""
    token = secrets.token_urlsafe(32)
    session.add(SignInLink(token_hash=digest(token), user_id=user_id, created_at=now, expires_at=now + LINK_TTL))
    await session.flush()
    return token


@dataclass(frozen=True)
class LinkCheck:
    """ok (user_id set) | unknown | used | expired."""

    status: str
    user_id: int | None = None


async def peek_link(session: AsyncSession, token: str, now: datetime) -> LinkCheck:
    """What opening the link (GET) may say, without consuming it."""
    link = await session.get(SignInLink, digest(token)) if token else None
    if link is None:
        return LinkCheck("unknown")
    if link.used_at is not None:
        return LinkCheck("used", link.user_id)
    if link.expires_at <= now:
        return LinkCheck("expired", link.user_id)
    return LinkCheck("ok", link.user_id)


async def consume_link(session: AsyncSession, token: str, now: datetime) -> LinkCheck:
    """Use the link up (the sign-in button's POST). Exactly one caller ever gets `ok` for a token."""
    if not token:
        return LinkCheck("unknown")
    key = digest(token)
    result = await session.execute(
        update(SignInLink).where(SignInLink.token_hash == key, SignInLink.used_at.is_(None),
                                 SignInLink.expires_at > now)
        .values(used_at=now).execution_options(synchronize_session=False))
    if result.rowcount == 1:
        user_id = (await session.execute(select(SignInLink.user_id).where(SignInLink.token_hash == key))).scalar_one()
        return LinkCheck("ok", user_id)
    return await peek_link(session, token, now)


@dataclass(frozen=True)
class SessionInfo:
    user_id: int
    csrf_token: str
    language: str
    id_hash: str


async def start_session(session: AsyncSession, *, user_id: int, now: datetime, user_agent: str = "") -> tuple[str, SessionInfo]:
    """A new browser session: returns the secret for the cookie and what each request needs."""
    secret = secrets.token_urlsafe(32)
    user = await session.get(User, user_id)
    row = WebSession(id_hash=digest(secret), user_id=user_id, csrf_token=secrets.token_urlsafe(32),
                     language=(user.language if user else "ko"), created_at=now, last_seen_at=now,
                     expires_at=now + SESSION_MAX, user_agent=user_agent[:200])
    session.add(row)
    await session.flush()
    return secret, SessionInfo(user_id, row.csrf_token, row.language, row.id_hash)


# Every dashboard request runs this: built once, read as plain columns (no ORM objects to build and track).
_sessions, _users = WebSession.__table__, User.__table__
_LIVE_SESSION = (
    select(_sessions.c.user_id, _sessions.c.csrf_token, _sessions.c.language, _sessions.c.id_hash, _sessions.c.ended_at,
           _sessions.c.expires_at, _sessions.c.last_seen_at, _users.c.role)
    .select_from(_sessions.outerjoin(_users, _users.c.id == _sessions.c.user_id))
    .where(_sessions.c.id_hash == bindparam("id_hash")))


async def load_session(session: AsyncSession, secret: str | None, now: datetime) -> tuple[SessionInfo, str | None] | None:
    """The live session for a cookie and its person's `users.role` as stored now (one statement: every dashboard
    request asks; None for the role when the person's row is gone), or None (unknown, signed out, idle too long,
    too old)."""
    if not secret:
        return None
    row = (await session.execute(_LIVE_SESSION, {"id_hash": digest(secret)})).first()
    if row is None or row.ended_at is not None or row.expires_at <= now or now - row.last_seen_at > SESSION_IDLE:
        return None
    if now - row.last_seen_at > TOUCH_EVERY:
        await session.execute(update(WebSession).where(WebSession.id_hash == row.id_hash).values(last_seen_at=now))
    return SessionInfo(row.user_id, row.csrf_token, row.language, row.id_hash), row.role


async def set_language(session: AsyncSession, id_hash: str, language: str) -> None:
    await session.execute(update(WebSession).where(WebSession.id_hash == id_hash).values(language=language))


async def end_session(session: AsyncSession, id_hash: str, now: datetime) -> None:
    await session.execute(update(WebSession).where(WebSession.id_hash == id_hash, WebSession.ended_at.is_(None))
                          .values(ended_at=now))
