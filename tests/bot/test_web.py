"""`hrdbot web`'s ASGI app, in process: the webhook's secret and size checks, an update answered through the real
handlers, the JSON log line (no personal data), /healthz, /readyz and /metrics."""
from __future__ import annotations

import json
import logging

import httpx
import pytest
from sqlalchemy import text

from bot.logs import JsonFormatter
from bot.settings import Settings, SettingsError
from bot.web import MAX_BODY, build_asgi
from tests.support.botapi_standin import BotApiStandIn
from tests.support.updates import message

SECRET = "test-secret_1"


@pytest.fixture
def standin():
    s = BotApiStandIn(rate=1000, per_chat_interval=0).start()
    yield s
    s.stop()


@pytest.fixture
async def web(db, standin):
    settings = Settings(database_url=db.url, token=standin.token, webhook_secret=SECRET,
                        webhook_url="https://bot.example.org/tg/hook", bot_api_url=standin.base_url)
    app = build_asgi(settings)
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://web") as client:
            yield client


async def post(client, body, *, secret=SECRET, **headers):
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return await client.post("/tg/hook", content=content, headers={"Content-Type": "application/json", **headers})


async def test_an_update_is_answered_through_the_real_handlers(web, standin, caplog):
    caplog.set_level(logging.INFO, logger="bot.web")
    response = await post(web, message(7101, "엑셀", name="김비밀"))
    assert response.status_code == 200
    assert [chat for chat, _ in standin.delivered] == [7101]
    assert "엑셀" in standin.delivered[0][1]
    # One JSON line per update: ids, handler, outcome, duration; never the text or the person's name.
    line = JsonFormatter().format(next(r for r in caplog.records if getattr(r, "event", None) == "update"))
    record = json.loads(line)
    assert record["handler"] and record["outcome"] == "ok" and record["kind"] == "text" and record["ms"] > 0
    assert "엑셀" not in line and "김비밀" not in line and "7101" not in line


async def test_a_wrong_or_missing_secret_is_refused_before_the_body_is_looked_at(web, standin):
    assert (await post(web, b"not even json", secret="wrong")).status_code == 403
    assert (await post(web, message(7102, "엑셀"), secret=None)).status_code == 403
    assert (await post(web, b"x" * (MAX_BODY * 4), secret="wrong")).status_code == 403
    assert standin.delivered == []
    metrics = (await web.get("/metrics")).text
    assert 'hrdbot_webhook_rejected_total{reason="secret"}' in metrics


async def test_oversized_and_malformed_bodies_get_an_answer_not_a_traceback(web, standin):
    assert (await post(web, b"{" + b" " * MAX_BODY + b"}")).status_code == 413
    assert (await post(web, b"not json")).status_code == 400
    assert (await post(web, {"no": "update"})).status_code == 400
    assert (await web.get("/tg/hook")).status_code == 405
    assert (await post(web, message(7103, "엑셀"))).status_code == 200  # and it still works
    assert [chat for chat, _ in standin.delivered] == [7103]


async def test_health_readiness_and_metrics(web, db):
    assert (await web.get("/healthz")).json() == {"status": "alive"}
    ready = await web.get("/readyz")
    assert ready.status_code == 200 and ready.json()["status"] == "ready"
    await post(web, message(7104, "/start"))
    metrics = (await web.get("/metrics")).text
    assert 'hrdbot_updates_total{outcome="ok"}' in metrics and "hrdbot_update_seconds_bucket" in metrics

    head = ready.json()["schema"][0]
    async with db.engine.begin() as conn:  # somebody restored an old backup: not ready until `hrdbot migrate`
        await conn.execute(text("UPDATE alembic_version SET version_num = '0001'"))
    try:
        unready = await web.get("/readyz")
        assert unready.status_code == 503 and unready.json()["schema"] == ["0001"]
    finally:  # the PostgreSQL database is shared by the whole run
        async with db.engine.begin() as conn:
            await conn.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": head})


def test_the_secret_and_the_webhook_url_are_required(tmp_path):
    base = dict(database_url=f"sqlite+aiosqlite:///{tmp_path / 'x.db'}", token="1:x")
    with pytest.raises(SettingsError, match="HRDBOT_WEBHOOK_SECRET"):
        build_asgi(Settings(**base, webhook_url="https://x/hook"))
    with pytest.raises(SettingsError, match="HRDBOT_WEBHOOK_URL"):
        build_asgi(Settings(**base, webhook_secret="abc"))
    with pytest.raises(SettingsError, match="only hold"):
        build_asgi(Settings(**base, webhook_secret="no spaces allowed", webhook_url="https://x/hook"))
