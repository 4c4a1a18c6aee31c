"""An in-process Bot API peer: python-telegram-bot talks to it instead of Telegram.

Used by the terminal console, the conversation tests and the update benchmark. It answers with
Bot API-shaped JSON (so PTB parses it with its own classes) and records what the bot sent.
"""
from __future__ import annotations

import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any

from telegram.request import BaseRequest, RequestData

BOT_USER = {"id": 777000111, "is_bot": True, "first_name": "HRD Bot", "username": "hrd_seoul_bot",
            "can_join_groups": False, "can_read_all_group_messages": False, "supports_inline_queries": False}


@dataclass
class Sent:
    """One thing the bot did in a chat, in order: a message, an edit, a document, a callback answer."""

    method: str
    chat_id: int | None
    message_id: int | None = None
    text: str = ""
    buttons: list[list[dict]] = field(default_factory=list)
    filename: str | None = None
    content: bytes | None = None
    alert: bool = False
    link_preview: Any = None  # the link_preview_options sent with a message (e.g. {"is_disabled": true})
    html: bool = False  # sent with parse_mode HTML (the console shows it rendered, not as tags)

    @property
    def button_texts(self) -> list[str]:
        return [b.get("text", "") for row in self.buttons for b in row]

    @property
    def callback_data(self) -> list[str]:
        return [b["callback_data"] for row in self.buttons for b in row if "callback_data" in b]


class InProcessRequest(BaseRequest):
    def __init__(self) -> None:
        self.sent: list[Sent] = []
        self.messages: dict[tuple[int, int], dict] = {}  # (chat_id, message_id) -> last state
        self._ids = itertools.count(1)
        self.blocked: set[int] = set()  # chats whose user blocked the bot: sendMessage → 403
        self._failures: list[tuple[str, int, dict]] = []  # (method, status, body) answered once each
        self.files: dict[str, bytes] = {}  # file_id -> content of documents users sent

    # -- BaseRequest ----------------------------------------------------------------------------
    @property
    def read_timeout(self) -> float | None:
        return None

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         read_timeout=None, write_timeout=None, connect_timeout=None, pool_timeout=None):
        if "/file/bot" in url:  # a download of a file the user sent (staff imports)
            content = self.files.get(url.rsplit("/", 1)[-1])
            return (200, content) if content is not None else (404, b"")
        api_method = url.rsplit("/", 1)[-1]
        params = dict(request_data.parameters) if request_data else {}
        files = request_data.multipart_data if request_data else {}
        for i, (m, status, body) in enumerate(self._failures):
            if m == api_method:
                del self._failures[i]
                return status, json.dumps(body).encode()
        status, result = self._answer(api_method, params, files)
        if status != 200:
            return status, json.dumps(result).encode()
        return 200, json.dumps({"ok": True, "result": result}).encode()

    # -- test helpers -----------------------------------------------------------------------------
    def fail_next(self, method: str, status: int, description: str, retry_after: int | None = None) -> None:
        body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
        if retry_after is not None:
            body["parameters"] = {"retry_after": retry_after}
        self._failures.append((method, status, body))

    def take(self) -> list[Sent]:
        out, self.sent = self.sent, []
        return out

    # -- the Bot API, as much of it as the bot uses ----------------------------------------------
    def _message(self, chat_id: int, text: str = "", markup: Any = None, **extra) -> dict:
        message_id = next(self._ids)
        msg = {"message_id": message_id, "date": int(time.time()),
               "chat": {"id": chat_id, "type": "private", "first_name": "user"},
               "from": BOT_USER, **extra}
        if text:
            msg["text"] = text
        if markup:
            msg["reply_markup"] = markup
        self.messages[(chat_id, message_id)] = msg
        return msg

    @staticmethod
    def _markup(params: dict) -> dict | None:
        markup = params.get("reply_markup")
        if isinstance(markup, str):
            markup = json.loads(markup)
        return markup or None

    def _answer(self, api: str, p: dict, files: dict) -> tuple[int, Any]:
        chat_id = int(p["chat_id"]) if "chat_id" in p else None
        if chat_id is not None and chat_id in self.blocked and api.startswith("send"):
            return 403, {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"}
        if api == "getMe":
            return 200, BOT_USER
        if api == "sendMessage":
            markup = self._markup(p)
            text = str(p.get("text", ""))
            if len(text) > 4096:
                return 400, {"ok": False, "error_code": 400, "description": "Bad Request: message is too long"}
            msg = self._message(chat_id, text, markup)
            preview = p.get("link_preview_options")
            self.sent.append(Sent("sendMessage", chat_id, msg["message_id"], text,
                                  (markup or {}).get("inline_keyboard", []),
                                  link_preview=json.loads(preview) if isinstance(preview, str) else preview,
                                  html=p.get("parse_mode") == "HTML"))
            return 200, msg
        if api in ("editMessageText", "editMessageReplyMarkup"):
            key = (chat_id, int(p["message_id"]))
            msg = self.messages.get(key)
            if msg is None:
                return 400, {"ok": False, "error_code": 400, "description": "Bad Request: message to edit not found"}
            if "text" in p:
                msg["text"] = str(p["text"])
            markup = self._markup(p)
            if markup:
                msg["reply_markup"] = markup
            else:
                msg.pop("reply_markup", None)
            self.sent.append(Sent(api, chat_id, key[1], msg.get("text", ""),
                                  (markup or {}).get("inline_keyboard", []), html=p.get("parse_mode") == "HTML"))
            return 200, msg
        if api == "sendDocument":
            upload = next(iter(files.values()), None) if files else None
            filename, content = (upload[0], upload[1]) if upload else ("file", b"")
            if hasattr(content, "read"):
                content = content.read()
            caption = str(p.get("caption", ""))
            msg = self._message(chat_id, "", None, caption=caption,
                                document={"file_id": f"doc{len(self.sent)}", "file_unique_id": "u",
                                          "file_name": filename})
            self.sent.append(Sent("sendDocument", chat_id, msg["message_id"], caption, [],
                                  filename=filename, content=content))
            return 200, msg
        if api == "answerCallbackQuery":
            if p.get("text"):
                self.sent.append(Sent("answerCallbackQuery", None, None, str(p["text"]),
                                      alert=bool(p.get("show_alert"))))
            return 200, True
        if api == "deleteMessage":
            self.messages.pop((chat_id, int(p["message_id"])), None)
            return 200, True
        if api == "getUpdates":
            return 200, []
        if api in ("sendChatAction", "setMyCommands", "deleteMyCommands", "deleteWebhook", "setWebhook",
                   "close", "logOut", "setChatMenuButton"):
            return 200, True
        if api == "getMyCommands":
            return 200, []
        if api == "getFile":
            file_id = str(p.get("file_id"))
            return 200, {"file_id": file_id, "file_unique_id": file_id, "file_path": f"documents/{file_id}",
                         "file_size": len(self.files.get(file_id, b""))}
        return 400, {"ok": False, "error_code": 400, "description": f"Bad Request: method {api} not supported"}
