"""`hrdbot run` problems a person setting the bot up will meet: one clear line each, never a traceback."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


class _RejectsEveryToken(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 - http.server's name
        body = json.dumps({"ok": False, "error_code": 401, "description": "Unauthorized"}).encode()
        self.send_response(401)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args):
        pass


@pytest.fixture
def bot_api_rejecting_tokens():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _RejectsEveryToken)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/bot"
    server.shutdown()


def _run(tmp_path, **env):
    full = {k: v for k, v in os.environ.items() if k != "TELEGRAM_BOT_TOKEN"}
    full.update({"HRDBOT_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'run.db'}", **env})
    return subprocess.run([sys.executable, "-m", "bot.cli", "run"], env=full, capture_output=True, text=True,
                          timeout=120)


def test_a_missing_token_is_one_line(tmp_path):
    done = _run(tmp_path)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "hrdbot run: TELEGRAM_BOT_TOKEN is not set (get one from @BotFather). "
        "To try the bot without Telegram, run: hrdbot console"]


def test_a_token_telegram_rejects_is_one_line(tmp_path, bot_api_rejecting_tokens):
    done = _run(tmp_path, TELEGRAM_BOT_TOKEN="123:not-a-real-token", HRDBOT_BOT_API_URL=bot_api_rejecting_tokens)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == [
        "hrdbot run: Telegram rejected TELEGRAM_BOT_TOKEN (invalid token). Check it with @BotFather."]


def test_an_unreachable_database_is_one_line(tmp_path):
    done = _run(tmp_path, TELEGRAM_BOT_TOKEN="123:abc",
                HRDBOT_DATABASE_URL="postgresql+asyncpg://nobody@127.0.0.1:1/nothing")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().startswith("hrdbot run: cannot open the database")
