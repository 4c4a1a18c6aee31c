"""The dashboard as an ASGI app: `create_app()` for `hrdbot dashboard serve`, `dashboard_mount()` for a host
app (the webhook process) to mount under /dashboard, `EmbeddedServer` to serve it beside the bot."""
from __future__ import annotations

import contextlib
import socket
from pathlib import Path

import uvicorn
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import Mount, Route

from db.access import Forbidden
from web import auth
from web.auth import refused
from web.config import PREFIX, WebConfig
from web.pages import audit, broadcasts, courses, exams, overview, pending, plan
from web.render import render

STATIC = Path(__file__).with_name("static")
PAGES = [overview, pending, courses, broadcasts, plan, exams, audit]


# The files under /static: only these (a name from the URL never becomes a path of its own).
STATIC_FILES = {"style.css": "text/css", "compose.js": "text/javascript", "select_all.js": "text/javascript"}


async def static_file(request: Request) -> Response:
    name = request.path_params["name"]
    if name not in STATIC_FILES:
        return render("missing.html", status=404)
    return FileResponse(STATIC / name, media_type=STATIC_FILES[name], headers={"Cache-Control": "max-age=3600"})


async def not_found(request: Request, exc: Exception) -> Response:
    status = getattr(exc, "status_code", 500)
    if status == 404:
        return render("missing.html", status=404)
    if status == 405:
        return render("missing.html", status=405)
    return refused("signed_out", status=status)


async def forbidden(request: Request, exc: Exception) -> Response:
    """A service refused the actor (the role was taken away mid-request): the same plain page as at sign-in."""
    return refused("not_staff")


async def server_error(request: Request, exc: Exception) -> Response:
    """Never a traceback in the browser: a plain page (the error is logged by the server)."""
    return render("broken.html", status=500)


def dashboard_routes() -> list:
    routes: list = [
        Route("/static/{name}", static_file),
        Route("/signin", auth.signin_form, methods=["GET"]),
        Route("/signin", auth.signin_submit, methods=["POST"]),
        Route("/signout", auth.signout, methods=["POST"]),
        Route("/lang", auth.set_language, methods=["POST"]),
    ]
    for page in PAGES:
        routes += page.routes()
    return routes


def dashboard_mount() -> Mount:
    """Mount this in a host Starlette app and set `app.state.dashboard = WebConfig(...)` there."""
    return Mount(PREFIX, routes=dashboard_routes())


def exception_handlers() -> dict:
    """Plain pages instead of Starlette's defaults (a host app serving the dashboard passes these too)."""
    return {HTTPException: not_found, Forbidden: forbidden, 500: server_error}


def create_app(config: WebConfig) -> Starlette:
    app = Starlette(
        routes=[Route("/", lambda _r: RedirectResponse(f"{PREFIX}/", status_code=303)), dashboard_mount()],
        exception_handlers=exception_handlers(),
    )
    app.state.dashboard = config
    return app


class EmbeddedServer(uvicorn.Server):
    """uvicorn inside another program's event loop (the bot's, or a test's): leaves signal handling to it."""

    @contextlib.contextmanager
    def capture_signals(self):
        yield


def listen_socket(host: str, port: int) -> socket.socket:
    # IPPROTO_TCP, not 0: asyncio turns Nagle off (TCP_NODELAY) only on sockets that say they are TCP, and with
    # Nagle on, a keep-alive browser waits for a delayed ACK (40 ms on Linux) between a response's header and body.
    # The option set here is also inherited by accepted connections, whoever accepts them (uvicorn's workers).
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    sock.setblocking(False)
    return sock


def server(app: Starlette, *, log_level: str = "warning") -> EmbeddedServer:
    return EmbeddedServer(uvicorn.Config(app, log_level=log_level, access_log=False, lifespan="off",
                                         server_header=False, proxy_headers=True))
