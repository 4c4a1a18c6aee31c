"""A handler that crashes on a message quoting a name and a phone number: the log (text and JSON formats alike)
names the error's type and where it was raised, never what the person typed; the person gets the polite answer."""
from __future__ import annotations

import json
import logging

from telegram.ext import MessageHandler, filters

from bot.logs import JsonFormatter

NAME, PHONE = "홍길동", "010-1234-5678"
TEXT_FORMAT = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")  # bot/logs.configure's text lines


async def _crash(update, context):
    raise ValueError(f"could not save {update.effective_message.text!r}")  # an error quoting the input, as many do


def _everything_logged(caplog) -> str:
    lines = [caplog.text]
    for record in caplog.records:
        lines.append(TEXT_FORMAT.format(record))
        lines.append(json.dumps(json.loads(JsonFormatter().format(record)), ensure_ascii=False))
    return "\n".join(lines)


async def test_a_crash_on_personal_text_logs_type_and_place_only_and_answers_politely(bot, caplog):
    bot.runtime.app.add_handler(MessageHandler(filters.TEXT, _crash), group=-5)
    caplog.set_level(logging.INFO)
    sent = await bot.say(f"{NAME} {PHONE} 연락처 변경해 주세요")

    assert any("죄송합니다" in s.text and "다시 시도해 주세요" in s.text for s in sent), [s.text for s in sent]
    logged = _everything_logged(caplog)
    assert NAME not in logged and PHONE not in logged and "1234" not in logged
    [failure] = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert "ValueError at test_error_logging.py:" in failure.getMessage() and "_crash" in failure.getMessage()
    line = json.loads(JsonFormatter().format(failure))
    assert line["error"] == "ValueError" and any("_crash" in w for w in line["where"])
    assert line["msg"].startswith("update ") and "ValueError at" in line["msg"]  # the safe text is filled in


async def test_english_speakers_get_the_polite_answer_in_english(bot, caplog):
    bot.runtime.app.add_handler(MessageHandler(filters.TEXT, _crash), group=-5)
    bot.user["language_code"] = "en"  # first contact: the person's Telegram is in English
    sent = await bot.say(f"My name is John Smith, call {PHONE}")
    assert any("Sorry, something went wrong on our side" in s.text for s in sent), [s.text for s in sent]
    assert "John Smith" not in caplog.text and PHONE not in caplog.text
