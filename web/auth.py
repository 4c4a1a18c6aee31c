"""Sign-in by one-time link, sessions in the database, CSRF, and the staff check on every request.

Opening `/dashboard/signin?token=…` (GET) only shows a button; its POST consumes the token and starts a
session. The session cookie is HttpOnly, SameSite=Strict and Secure behind https; every form carries the
session's CSRF token; the staff role is read from the database on every request (a revoked role counts at once).
"""
from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import wraps
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from db import signin
from db.access import Actor, person_role, role_of
from db.models import User
from locales import Translator, translator
from web.config import PREFIX, WebConfig
from web.render import render

COOKIE = "hrdbot_dash"


@dataclass
class Ctx:
    """One request of a signed-in staff member: the database session (one unit of work), who, their language."""

    request: Request
    config: WebConfig
    session: AsyncSession
    info: signin.SessionInfo
    tr: Translator
    now: datetime
    actor: Actor  # who acts, for the services' role checks and the access record ("web:<telegram id>")
    form: Any = None  # the POSTed form (already checked for the CSRF token)
    _after: list[Callable[[], None]] = field(default_factory=list)

    def after_commit(self, fn: Callable[[], None]) -> None:
        """Run once the page's transaction is committed (e.g. wake the dispatcher for new outbox rows)."""
        self._after.append(fn)

    @property
    def csrf(self) -> str:
        return self.info.csrf_token

    def page(self, template: str, status: int = 200, **values) -> Response:
        return render(template, tr=self.tr, status=status, csrf=self.csrf, signed_in=True, now=self.now,
                      path=self.request.url.path, query=self.request.query_params, **values)

    def redirect(self, path: str, **params) -> RedirectResponse:
        from urllib.parse import urlencode

        query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
        return RedirectResponse(f"{PREFIX}{path}" + (f"?{query}" if query else ""), status_code=303)


def refused(reason: str, tr: Translator | None = None, status: int = 403) -> Response:
    """The plain page for a refused link or request: says why, in Korean first (the reader is not known yet)."""
    return render("refused.html", tr=tr or translator("ko"), status=status, reason=reason)


def actor_for(config: WebConfig, user_id: int) -> Actor:
    return Actor.person(user_id, admin_ids=config.admin_ids, via="web")


def config_of(request: Request) -> WebConfig:
    return request.app.state.dashboard


Page = Callable[[Ctx], Awaitable[Response]]


def staff_page(fn: Page) -> Callable[[Request], Awaitable[Response]]:
    """A page for signed-in staff. POSTs must carry the session's CSRF token. Commits when the page returns."""

    @wraps(fn)
    async def endpoint(request: Request) -> Response:
        config = config_of(request)
        form = await request.form() if request.method == "POST" else None
        async with config.sessionmaker() as session:
            now = config.clock.now()
            found = await signin.load_session(session, request.cookies.get(COOKIE), now)
            if found is None:
                await session.commit()
                return refused("signed_out", status=401 if form is None else 403)
            info, role = found
            tr = translator(info.language)
            actor = actor_for(config, info.user_id)
            if role is None or person_role(actor, role) != "staff":  # no row: not a person the dashboard knows
                await signin.end_session(session, info.id_hash, now)
                await session.commit()
                return refused("not_staff", tr)
            sent = str(form.get("csrf") or "").encode() if form is not None else b""
            if form is not None and not hmac.compare_digest(sent, info.csrf_token.encode()):  # bytes: any input
                await session.rollback()
                return refused("csrf", tr)
            ctx = Ctx(request, config, session, info, tr, now, actor, form)
            try:
                response = await fn(ctx)
                await session.commit()
            except BaseException:
                await session.rollback()
                raise
        for hook in ctx._after:
            hook()
        return response

    return endpoint


def _set_cookie(response: Response, config: WebConfig, secret: str) -> None:
    response.set_cookie(COOKIE, secret, max_age=int(signin.SESSION_MAX.total_seconds()), path=PREFIX,
                        httponly=True, samesite="strict", secure=config.secure_cookies)


async def signin_form(request: Request) -> Response:
    """GET: what the link opens. Shows the button, consumes nothing (link previews and scanners use GET)."""
    config = config_of(request)
    token = request.query_params.get("token", "")
    async with config.sessionmaker() as session:
        check = await signin.peek_link(session, token, config.clock.now())
        tr = await _language_of(session, check.user_id)
    if check.status != "ok":
        return refused(check.status, tr)
    return render("signin.html", tr=tr, token=token)


async def signin_submit(request: Request) -> Response:
    """POST: the button. Consumes the token (once, ever), checks the role, starts a session."""
    config = config_of(request)
    form = await request.form()
    token = str(form.get("token") or "")
    async with config.sessionmaker() as session:
        now = config.clock.now()
        check = await signin.consume_link(session, token, now)
        tr = await _language_of(session, check.user_id)
        if check.status != "ok" or check.user_id is None:
            await session.commit()
            return refused(check.status, tr)
        if await role_of(session, actor_for(config, check.user_id)) != "staff":
            await session.commit()
            return refused("not_staff", tr)
        secret, _info = await signin.start_session(session, user_id=check.user_id, now=now,
                                                   user_agent=request.headers.get("user-agent", ""))
        await session.commit()
    response = RedirectResponse(f"{PREFIX}/", status_code=303)
    _set_cookie(response, config, secret)
    return response


async def _language_of(session: AsyncSession, user_id: int | None) -> Translator:
    user = await session.get(User, user_id) if user_id is not None else None
    return translator(user.language if user else "ko")


@staff_page
async def signout(ctx: Ctx) -> Response:
    await signin.end_session(ctx.session, ctx.info.id_hash, ctx.now)
    response = render("refused.html", tr=ctx.tr, status=200, reason="signed_out_now")
    response.delete_cookie(COOKIE, path=PREFIX)
    return response


@staff_page
async def set_language(ctx: Ctx) -> Response:
    lang = str(ctx.form.get("lang") or "")
    if lang in ("ko", "en"):
        await signin.set_language(ctx.session, ctx.info.id_hash, lang)
    back = str(ctx.form.get("next") or "/")
    if not back.startswith(PREFIX + "/"):
        back = PREFIX + "/"
    return RedirectResponse(back, status_code=303)
