"""How the dashboard's own server treats a browser's connection."""
from __future__ import annotations

import socket

import httpx


async def test_a_kept_alive_connection_has_nagle_off_so_pages_are_not_held_back_40_ms(dash):
    """With Nagle on, a browser reusing its connection waits for a delayed ACK (40 ms on Linux) on every page:
    the listening socket must make asyncio turn it off on each accepted connection (also under uvicorn's workers,
    which accept on the same socket)."""
    async with dash.serve() as base, httpx.AsyncClient(base_url=base) as client:
        for _ in range(2):  # the second request reuses the connection
            assert (await client.get("/dashboard/")).status_code == 401
        accepted = [conn.transport.get_extra_info("socket") for conn in dash.server.server_state.connections]
        assert accepted, "the server holds the browser's connection"
        assert all(s.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) for s in accepted)


async def test_only_the_dashboards_own_files_are_served_from_static(dash):
    async with dash.client() as client:
        script = await client.get("/dashboard/static/select_all.js")
        assert script.status_code == 200 and script.headers["content-type"].startswith("text/javascript")
        assert (await client.get("/dashboard/static/style.css")).headers["content-type"].startswith("text/css")
        for other in ("app.py", "..%2Fapp.py", "missing.js"):
            assert (await client.get(f"/dashboard/static/{other}")).status_code == 404
