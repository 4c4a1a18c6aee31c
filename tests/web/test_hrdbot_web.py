"""`hrdbot web` serves the staff dashboard beside the webhook: same process, the runtime's database and clock."""
from __future__ import annotations

import httpx

from bot.commands.dashboard import web_parts
from bot.settings import Settings
from bot.web import build_asgi
from db import signin
from db.session import session_scope
from tests.handlers.enrollment.factory import add_people
from tests.support.botapi_standin import BotApiStandIn


async def test_the_webhook_process_serves_the_dashboard_too(db):
    standin = BotApiStandIn(rate=1000, per_chat_interval=0).start()
    try:
        settings = Settings(database_url=db.url, token=standin.token, webhook_secret="s3cret",
                            webhook_url="https://bot.example.org/tg/hook", bot_api_url=standin.base_url,
                            now=None, public_url="https://bot.example.org")
        routes, on_start, handlers = web_parts(settings)
        app = build_asgi(settings, extra_routes=routes, on_start=on_start, exception_handlers=handlers)
        await add_people(db, [9001], profile=False, role="staff")
        async with app.router.lifespan_context(app):
            async with session_scope(db.sessionmaker) as s:
                token = await signin.issue_link(s, user_id=9001, now=app.state.services.clock.now())
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="https://bot.example.org") as c:
                assert (await c.get("/healthz")).status_code == 200
                assert (await c.get("/dashboard/")).status_code == 401
                signed = await c.post("/dashboard/signin", data={"token": token})
                assert signed.status_code == 303 and "secure" in signed.headers["set-cookie"].lower()
                page = await c.get("/dashboard/pending")
                assert page.status_code == 200 and "승인 대기" in page.text
                assert "페이지를 찾을 수 없습니다" in (await c.get("/dashboard/nowhere")).text
    finally:
        standin.stop()
