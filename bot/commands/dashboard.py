"""dashboard link --user ID (a one-time sign-in link for an operator), dashboard serve --port P."""
from __future__ import annotations

import argparse
import sys

from bot.settings import Settings


def add_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("dashboard", help="the staff dashboard in the browser: a sign-in link, or serve it")
    actions = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    link = actions.add_parser("link", help="print a one-time sign-in link (10 minutes) for a staff member")
    link.add_argument("--user", type=int, required=True, metavar="TELEGRAM_ID")
    link.set_defaults(func=cmd_link)
    serve = actions.add_parser("serve", help="serve the dashboard (HRDBOT_PUBLIC_URL is where people reach it)")
    serve.add_argument("--port", type=int, default=8080)
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--workers", type=int, default=1, help="processes (sessions are rows: any of them serves anyone)")
    serve.set_defaults(func=cmd_serve)


def web_config(settings: Settings, sessionmaker, clock, outbox_ready=None):
    from bot.app import render_for_language
    from web.config import WebConfig

    extra = {"slot_keep_days": settings.retention.slot_days} if settings.retention else {}
    return WebConfig(sessionmaker=sessionmaker, clock=clock, admin_ids=settings.admin_ids,
                     public_url=settings.public_url, outbox_ready=outbox_ready, render_notice=render_for_language,
                     **extra)


async def cmd_link(args) -> int:
    from bot.commands.core import _open
    from db import signin
    from db.access import Actor, role_of
    from db.session import session_scope

    settings = Settings.from_env()
    engine, sessionmaker = await _open(settings)
    try:
        async with session_scope(sessionmaker) as session:
            if await role_of(session, Actor.person(args.user, admin_ids=settings.admin_ids)) != "staff":
                print(f"hrdbot dashboard: {args.user} is not staff (first: hrdbot admin add {args.user})",
                      file=sys.stderr)
                return 2
            token = await signin.issue_link(session, user_id=args.user, now=settings.clock().now())
        print(signin.link_url(settings.public_url, token))
    finally:
        await engine.dispose()
    return 0


def web_parts(settings: Settings):
    """What `hrdbot web` serves for the dashboard beside the webhook: its routes under /dashboard, a start hook
    that hands it the runtime's database and clock, and its plain error pages."""
    from web.app import dashboard_mount, exception_handlers

    def on_start(app, runtime) -> None:
        services = runtime.services
        app.state.dashboard = web_config(settings, services.sessionmaker, services.clock)

    return [dashboard_mount()], [on_start], exception_handlers()


def asgi_app():
    """The dashboard app of one worker process (`--workers N`): settings from the environment, its own engine."""
    from db.session import make_engine, make_sessionmaker
    from web.app import create_app

    settings = Settings.from_env()
    return create_app(web_config(settings, make_sessionmaker(make_engine(settings.database_url)), settings.clock()))


def cmd_serve(args) -> int:
    import asyncio

    from bot.commands.core import _open
    from web.app import listen_socket

    settings = Settings.from_env()

    async def prepare() -> None:  # migrate and seed once, before any worker starts
        engine, _maker = await _open(settings)
        await engine.dispose()

    asyncio.run(prepare())
    try:  # our own socket for one process or uvicorn's workers: uvicorn's would leave Nagle on (see listen_socket)
        sock = listen_socket(args.host, args.port)
    except OSError as exc:
        print(f"hrdbot dashboard: cannot listen on {args.host}:{args.port} ({exc.strerror})", file=sys.stderr)
        return 2
    print(f"staff dashboard on http://{args.host}:{args.port}/dashboard/ "
          f"(links: hrdbot dashboard link --user ID, or /dashboard in the bot)", file=sys.stderr)
    if args.workers > 1:
        return _serve_workers(args, sock)
    return asyncio.run(_serve_here(settings, sock))


def _serve_workers(args, sock) -> int:
    """uvicorn's worker processes, each accepting on `sock`."""
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    sock.set_inheritable(True)
    config = uvicorn.Config("bot.commands.dashboard:asgi_app", factory=True, workers=args.workers,
                            log_level="warning", access_log=False, server_header=False)
    try:
        Multiprocess(config, sockets=[sock]).run()
    except KeyboardInterrupt:
        pass
    return 0


async def _serve_here(settings: Settings, sock) -> int:
    from db.session import make_engine, make_sessionmaker
    from web.app import create_app, server

    engine = make_engine(settings.database_url)
    try:
        await server(create_app(web_config(settings, make_sessionmaker(engine), settings.clock()))).serve(sockets=[sock])
    finally:
        await engine.dispose()
    return 0
