"""The Bot API stand-in answers like Telegram: PTB parses every answer with its own classes."""
from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest
from telegram import Bot, Message, User
from telegram.error import Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.request import HTTPXRequest

from tests.support.botapi_standin import BotApiStandIn


def call(standin: BotApiStandIn, method: str, **params) -> tuple[int, dict]:
    data = json.dumps(params).encode()
    req = urllib.request.Request(f"{standin.base_url}{standin.token}/{method}", data=data,
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=5) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def test_answers_are_bot_api_shaped():
    with BotApiStandIn(rate=2, per_chat_interval=1.0) as s:
        status, me = call(s, "getMe")
        assert status == 200 and User.de_json(me["result"], None).is_bot
        status, sent = call(s, "sendMessage", chat_id=42, text="안녕하세요")
        msg = Message.de_json(sent["result"], None)
        assert (msg.chat.id, msg.text) == (42, "안녕하세요") and msg.date.year >= 2024
        status, body = call(s, "sendMessage", chat_id=42, text="again")
        assert status == 429 and body["ok"] is False and body["parameters"]["retry_after"] >= 1
        s.blocked.add(7)
        status, body = call(s, "sendMessage", chat_id=7, text="x")
        assert status == 403 and body["description"].startswith("Forbidden")
        s.fail_next(1, status=502)
        assert call(s, "sendMessage", chat_id=8, text="x")[0] == 502
        assert s.delivered == [(42, "안녕하세요")]


async def test_ptb_sees_telegrams_errors():
    with BotApiStandIn(rate=3, per_chat_interval=1.0) as s:
        bot = Bot(s.token, base_url=s.base_url, request=HTTPXRequest(read_timeout=0.3))
        await bot.initialize()
        try:
            assert bot.username == "standin_bot"
            await bot.send_message(1, "one")
            with pytest.raises(RetryAfter):
                await bot.send_message(1, "two")  # 1 message/s per chat
            await bot.send_message(2, "x")
            await bot.send_message(3, "x")
            with pytest.raises(RetryAfter):
                await bot.send_message(4, "x")  # 3 messages/s overall here
            s.blocked.add(9)
            with pytest.raises(Forbidden):
                await bot.send_message(9, "x")
            s.rate = 100
            s.fail_next(1, status=500)
            with pytest.raises(NetworkError):
                await bot.send_message(10, "x")
            s.timeout_next(1, delay=0.8)
            with pytest.raises(TimedOut):
                await bot.send_message(11, "x")
            assert s.max_in_window() <= 3 and s.duplicates() == {}
            assert [c for c, _ in s.delivered] == [1, 2, 3]
        finally:
            await bot.shutdown()
