"""`hrdbot run --dashboard-port P`: the dashboard runs in the bot's event loop, and a decision taken there wakes
the bot's own dispatcher (the employee hears at once, not at the next scheduler tick)."""
from __future__ import annotations

import asyncio

import httpx

from bot.runner import start_dashboard
from bot.settings import Settings
from tests.web.support import EMPLOYEES, STAFF, csrf_of, make_dash, sign_in
from web.app import listen_socket


async def test_a_dashboard_approval_wakes_the_running_bots_dispatcher(db, clock):
    from tests.support.harness import make_console

    console, runtime = await make_console(db, clock)
    helper = make_dash(db, clock)
    ids = await helper.pending()
    await helper.staff()
    try:
        sock = listen_socket("127.0.0.1", 0)
        base = f"http://127.0.0.1:{sock.getsockname()[1]}"
        srv = start_dashboard(runtime, Settings(database_url=db.url, public_url=base), sock)
        while not srv.started:  # the server task starts on the next turns of the loop
            await asyncio.sleep(0)
        runtime.services.outbox_ready.clear()
        async with httpx.AsyncClient(base_url=base) as c:
            await sign_in(c, await helper.link(STAFF))
            csrf = csrf_of((await c.get("/dashboard/pending")).text)
            await c.post("/dashboard/pending/decide", data={"csrf": csrf, "ids": ids[:1], "action": "approve"})
        assert runtime.services.outbox_ready.is_set()
        assert (await helper.statuses())[EMPLOYEES[0]][0] == "confirmed"
    finally:
        await runtime.app.shutdown()
        await runtime.close()
