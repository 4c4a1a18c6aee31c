"""`hrdbot web` and `hrdbot worker` as the role `hrdbot db app-role` makes (owns nothing, no DDL): they start (schema
check, advisory lock), answer a person, and send a staff broadcast through the outbox; nothing logs an error."""
from __future__ import annotations

from tests.process.test_workers import active_ones, topic_broadcast
from tests.support import databases as dbs
from tests.support.processes import db_call, wait_for
from tests.support.updates import message


def test_web_and_worker_serve_as_the_least_privileged_role(deployment):
    standin = deployment.standin
    role, app_url = dbs.create_app_role(deployment.url)
    try:
        web = deployment.start("web", HRDBOT_DATABASE_URL=app_url)  # waits for /readyz
        worker = deployment.start("worker", HRDBOT_DATABASE_URL=app_url)
        wait_for(lambda: active_ones([worker]), timeout=60, what="the worker to become active")

        assert deployment.post(message(8101, "엑셀"), port=web.port) == 200
        wait_for(lambda: any(chat == 8101 for chat, _text in standin.delivered), timeout=20, what="a reply")

        recipients = range(52_000, 52_020)
        db_call(app_url, topic_broadcast, recipients, deployment.now())  # staff action and its audit row, as the role
        wait_for(lambda: set(recipients) <= {chat for chat, _text in standin.delivered}, timeout=60,
                 what="the broadcast to reach everyone")
        deployment.stop()
        errors = [r for p in (web, worker) for r in p.lines() if r.get("level") in ("error", "critical")
                  or "raw" in r and "Error" in r["raw"]]
        assert not errors, errors
        assert worker.events(event="worker", state="stopped")
        assert [web.popen.returncode, worker.popen.returncode] == [0, 0]  # a graceful stop, not the signal
    finally:
        deployment.stop()
        dbs.drop_app_role(deployment.url, role)
