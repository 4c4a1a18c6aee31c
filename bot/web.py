"""`hrdbot web`: the ASGI app (Starlette on uvicorn, python-telegram-bot's custom-webhook pattern).

Routes: POST <path of HRDBOT_WEBHOOK_URL> (Telegram's updates), GET /healthz (alive), GET /readyz (database
reachable, schema at head), GET /metrics (Prometheus). Stateless: run as many as you like behind a load balancer;
conversation state is in the database and one person's updates take turns there (handlers/turn.py).

Other Starlette routes (the staff dashboard) are added with `build_asgi(settings, extra_routes=[...])`; they reach
the running bot's services as `request.app.state.services`.
"""
from __future__ import annotations

import asyncio
import hmac
import json
import logging
import signal
import time
from collections.abc import Callable, Sequence
from contextlib import asynccontextmanager, contextmanager
from urllib.parse import urlsplit

import uvicorn
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text
from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Route
from telegram import Update

from bot import metrics
from bot.app import Runtime, build_runtime
from bot.settings import Settings, SettingsError
from db.migrate import schema_status
from handlers.turn import UPDATE_INFO
from locales import translator
from locales.i18n import LANGUAGES

log = logging.getLogger(__name__)
MAX_BODY = 256 * 1024  # Telegram's updates are a few KiB; nothing larger is read, let alone parsed
SECRET_HEADER = "x-telegram-bot-api-secret-token"
CATALOG_POLL_S = 2.0  # caches follow a catalog change made by any process within this (plus the rebuild)


def webhook_path(settings: Settings) -> str:
    if not settings.webhook_url:
        raise SettingsError("HRDBOT_WEBHOOK_URL is not set (the public https URL Telegram posts updates to)")
    path = urlsplit(settings.webhook_url).path or "/"
    return path


def require_secret(settings: Settings) -> str:
    secret = settings.webhook_secret or ""
    if not secret:
        raise SettingsError("HRDBOT_WEBHOOK_SECRET is not set: every web process must share one secret "
                            "(1-256 characters A-Z a-z 0-9 _ -), e.g. from: openssl rand -hex 32")
    if len(secret) > 256 or not all(c.isalnum() or c in "_-" for c in secret):
        raise SettingsError("HRDBOT_WEBHOOK_SECRET may only hold 1-256 characters A-Z a-z 0-9 _ -")
    return secret


async def _read_capped(request: Request) -> bytes | None:
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > MAX_BODY):
        return None
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            return None
    return bytes(body)


def _webhook_endpoint(secret: str):
    expected = secret.encode()

    async def webhook(request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, expected):  # before reading a byte of the body
            metrics.WEBHOOK_REJECTED.labels("secret").inc()
            return PlainTextResponse("forbidden", status_code=403)
        try:
            body = await _read_capped(request)
        except ClientDisconnect:
            return Response(status_code=400)
        if body is None:
            metrics.WEBHOOK_REJECTED.labels("too_large").inc()
            return PlainTextResponse("request body too large", status_code=413)
        runtime: Runtime = request.app.state.runtime
        try:
            update = Update.de_json(json.loads(body), runtime.app.bot)
        except Exception:  # not JSON, not an update: Telegram never sends that, so say so and drop it
            metrics.WEBHOOK_REJECTED.labels("malformed").inc()
            return PlainTextResponse("not a Telegram update", status_code=400)
        await handle_update(runtime, update)
        return Response(status_code=200)

    return webhook


async def handle_update(runtime: Runtime, update: Update) -> None:
    """Handle one update in this request (uvicorn finishes requests in flight on SIGTERM), one JSON log line."""
    info: dict = {"handler": None, "outcome": "ok"}
    token = UPDATE_INFO.set(info)
    started = time.perf_counter()
    metrics.IN_FLIGHT.inc()
    try:
        await runtime.app.process_update(update)  # errors go to the error handler (a polite reply)
    except Exception as exc:
        info["outcome"] = "error"
        log.error("update failed", extra={"event": "update", "update_id": update.update_id,
                                          "error": type(exc).__name__})
    finally:
        metrics.IN_FLIGHT.dec()
        UPDATE_INFO.reset(token)
    seconds = time.perf_counter() - started
    metrics.UPDATES.labels(info["outcome"]).inc()
    metrics.UPDATE_SECONDS.observe(seconds)
    log.info("update", extra={"event": "update", "update_id": update.update_id, "handler": info["handler"],
                              "kind": _kind(update), "outcome": info["outcome"], "ms": round(seconds * 1000, 1)})


def _kind(update: Update) -> str:
    if update.callback_query is not None:
        return "button"
    if update.message is not None:
        if update.message.document is not None:
            return "file"
        return "command" if (update.message.text or "").startswith("/") else "text"
    return "other"


async def healthz(_request: Request) -> Response:
    return JSONResponse({"status": "alive"})


async def readyz(request: Request) -> Response:
    runtime: Runtime = request.app.state.runtime
    try:
        async with runtime.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
        status = await schema_status(runtime.engine)
    except Exception as exc:
        return JSONResponse({"status": "unready", "database": type(exc).__name__}, status_code=503)
    if not status.at_head:
        return JSONResponse({"status": "unready", "schema": list(status.current), "head": list(status.head)},
                            status_code=503)
    return JSONResponse({"status": "ready", "schema": list(status.current)})


async def prometheus(_request: Request) -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


async def _follow_catalog(runtime: Runtime, every: float) -> None:
    """Search index and card texts follow imports made by any process, off the update path."""
    while True:
        await asyncio.sleep(every)
        try:
            if await runtime.services.refresh_if_catalog_changed():
                metrics.CATALOG_RELOADS.inc()
                log.info("catalog reloaded", extra={"event": "catalog"})
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # the database is briefly down: the old index keeps serving
            log.warning("catalog check failed", extra={"event": "catalog", "error": type(exc).__name__})


def build_asgi(settings: Settings, *, extra_routes: Sequence[BaseRoute] = (), runtime: Runtime | None = None,
               catalog_poll: float = CATALOG_POLL_S, on_start: Sequence[Callable[[Starlette, Runtime], None]] = (),
               exception_handlers: dict | None = None) -> Starlette:
    """The app `hrdbot web` serves. The runtime (database, bot, services) is built in the server's event loop
    at start-up, unless one is given (tests). `extra_routes` (e.g. the staff dashboard's mount) are served beside
    the webhook; each `on_start(app, runtime)` runs once the runtime exists (to put what they need in app.state)."""
    secret = require_secret(settings)
    path = webhook_path(settings)

    @asynccontextmanager
    async def lifespan(app: Starlette):
        rt = runtime or await build_runtime(settings, prepare=False, rate_limit=False)
        await rt.app.initialize()  # getMe once; no polling and no job queue here (that is `hrdbot worker`)
        for language in LANGUAGES:  # parse the catalogs now, not in the first updates (≈ 0.3 s each)
            translator(language)
        app.state.runtime = rt
        app.state.services = rt.services
        for hook in on_start:
            hook(app, rt)
        follower = asyncio.create_task(_follow_catalog(rt, catalog_poll), name="catalog-follower")
        log.info("web ready", extra={"event": "web", "path": path})
        try:
            yield
        finally:
            follower.cancel()
            await rt.app.shutdown()
            await rt.close()

    routes: list[BaseRoute] = [
        Route(path, _webhook_endpoint(secret), methods=["POST"]),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/readyz", readyz, methods=["GET"]),
        Route("/metrics", prometheus, methods=["GET"]),
        *extra_routes,
    ]
    return Starlette(routes=routes, lifespan=lifespan, exception_handlers=exception_handlers)


class GracefulServer(uvicorn.Server):
    """uvicorn's Server, but SIGTERM/SIGINT end with exit 0 after a graceful stop (uvicorn would re-raise the
    signal once done, so systemd and docker would see a death by signal instead of a clean stop)."""

    @contextmanager
    def capture_signals(self):
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self._stop)
        try:
            yield
        finally:
            for sig in (signal.SIGTERM, signal.SIGINT):
                loop.remove_signal_handler(sig)

    def _stop(self) -> None:
        log.info("stopping: finishing updates in flight", extra={"event": "web", "state": "stopping"})
        self.should_exit = True


async def serve(app: Starlette, *, host: str, port: int) -> None:
    config = uvicorn.Config(app, host=host, port=port, log_config=None, access_log=False, lifespan="on",
                            timeout_graceful_shutdown=20, server_header=False, proxy_headers=True,
                            limit_concurrency=1000, backlog=2048)
    server = GracefulServer(config)
    await server.serve()
    if not server.started:
        raise SettingsError(f"cannot serve on {host}:{port} (address in use, or start-up failed; see above)")
