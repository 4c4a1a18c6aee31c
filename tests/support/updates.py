"""Telegram updates as JSON, the way Telegram posts them to a webhook (for tests and the webhook benchmark)."""
from __future__ import annotations

import itertools
import time

_ids = itertools.count(int(time.time()) % 1_000_000 * 1000)


def person(user_id: int, *, language: str = "ko", name: str = "홍길동") -> dict:
    return {"id": user_id, "is_bot": False, "first_name": name, "language_code": language}


def message(user_id: int, text: str, **who) -> dict:
    entities = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}] if text.startswith("/") else []
    msg = {"message_id": next(_ids) % 2_000_000_000, "date": int(time.time()),
           "chat": {"id": user_id, "type": "private"}, "from": person(user_id, **who), "text": text}
    if entities:
        msg["entities"] = entities
    return {"update_id": next(_ids), "message": msg}


def button(user_id: int, data: str, *, message_id: int = 1, **who) -> dict:
    """A press on an inline button of a message the bot sent this person."""
    bot_message = {"message_id": message_id, "date": int(time.time()), "chat": {"id": user_id, "type": "private"},
                   "from": {"id": 777000222, "is_bot": True, "first_name": "Stand-in Bot"}, "text": "…"}
    return {"update_id": next(_ids),
            "callback_query": {"id": str(next(_ids)), "from": person(user_id, **who), "chat_instance": str(user_id),
                               "message": bot_message, "data": data}}
