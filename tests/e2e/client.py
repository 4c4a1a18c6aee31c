"""The user's side of the e2e tests: a person in a private chat with the bot, through the emulator's client API.

`telegram-test-api` stores what the bot sent per bot token; edits only show in `/getUpdatesHistory`, so a
chat's screen is rebuilt from the history: each bot message with its latest text and inline buttons.
"""
from __future__ import annotations

import asyncio
import itertools
import re
import time
from dataclasses import dataclass, field
from typing import Callable

import httpx

REPLY_TIMEOUT = 20.0  # the first reply includes the bot's start-up; later ones take milliseconds
SETTLE = 0.4  # a reply is complete when nothing changed for this long


@dataclass
class Shown:
    """One bot message as the user sees it now."""

    message_id: int
    text: str
    buttons: list[list[dict]] = field(default_factory=list)
    time_ms: int = 0
    version: int = 0  # bumped by edits (text or buttons changed)

    @property
    def button_texts(self) -> list[str]:
        return [b.get("text", "") for row in self.buttons for b in row]

    @property
    def callback_data(self) -> list[str]:
        return [b["callback_data"] for row in self.buttons for b in row if "callback_data" in b]

    def __str__(self) -> str:
        return self.text + ("".join(f"\n  [{t}]" for t in self.button_texts) if self.buttons else "")


_commands = re.compile(r"^/[A-Za-z0-9_]+")


class Emulator:
    """The emulator's client API for one bot token (one test)."""

    def __init__(self, base_url: str, token: str) -> None:
        self.base_url = base_url
        self.token = token
        self.http = httpx.AsyncClient(base_url=base_url, timeout=10.0)

    async def post(self, path: str, payload: dict) -> object:
        response = await self.http.post(path, json={"token": self.token, "botToken": self.token, **payload})
        response.raise_for_status()
        return response.json().get("result")

    async def history(self) -> list[dict]:
        return await self.post("/getUpdatesHistory", {})  # type: ignore[return-value]

    async def close(self) -> None:
        await self.http.aclose()

    def user(self, user_id: int, first_name: str = "", language_code: str = "ko") -> "User":
        return User(self, user_id, first_name or f"User{user_id}", language_code)


class User:
    """A Telegram user: writes, sends commands, presses buttons, and reads the chat."""

    _dates = itertools.count()

    def __init__(self, emulator: Emulator, user_id: int, first_name: str, language_code: str) -> None:
        self.emu = emulator
        self.id = user_id
        self.profile = {"id": user_id, "is_bot": False, "first_name": first_name, "language_code": language_code}
        self.chat = {"id": user_id, "type": "private", "first_name": first_name}
        self._seen: dict[int, tuple[str, str]] = {}
        self._popup_mark = 0

    # -- reading -----------------------------------------------------------------------------------------
    async def screen(self) -> list[Shown]:
        """Every bot message in this chat, oldest first, as it looks now."""
        out = []
        for rec in await self.emu.history():
            msg = rec.get("message") or {}
            if str(msg.get("chat_id")) != str(self.id) or "text" not in msg:
                continue
            markup = msg.get("reply_markup") or {}
            out.append(Shown(rec["messageId"], str(msg.get("text", "")), markup.get("inline_keyboard") or [],
                             rec.get("time", 0)))
        return out

    async def popups(self) -> list[str]:
        """Texts of callback answers (toasts and alerts) the bot showed this user."""
        answers = await self.emu.post("/getCallbackAnswers", {})
        return [a["text"] for a in answers if a.get("chatId") == self.id and a.get("text")]  # type: ignore[union-attr]

    async def new_messages(self) -> list[Shown]:
        """Bot messages that appeared or changed since the user last looked (no waiting)."""
        return self._changes(await self.screen())

    async def wait_popup(self, timeout: float = REPLY_TIMEOUT) -> str:
        """The first callback answer text shown to this user since their last button press."""
        before = self._popup_mark
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            shown = await self.popups()
            if len(shown) > before:
                return shown[before]
            await asyncio.sleep(0.05)
        raise AssertionError(f"user {self.id}: no popup within {timeout}s")

    def _changes(self, screen: list[Shown]) -> list[Shown]:
        changed = []
        for s in screen:
            key = (s.text, repr(s.buttons))
            if self._seen.get(s.message_id) != key:
                changed.append(s)
        return changed

    async def mark_seen(self) -> None:
        for s in await self.screen():
            self._seen[s.message_id] = (s.text, repr(s.buttons))

    async def wait(self, until: Callable[[list[Shown]], bool] | None = None, timeout: float = REPLY_TIMEOUT,
                   quiet: float = SETTLE) -> list[Shown]:
        """New or edited bot messages since the last look: waits for a first change (or `until` to hold over
        them), then until nothing changed for `quiet` seconds. Raises AssertionError on timeout."""
        deadline = time.monotonic() + timeout
        last: list[Shown] = []
        last_change = time.monotonic()
        while True:
            changes = self._changes(await self.screen())
            if [(c.message_id, c.text, repr(c.buttons)) for c in changes] != \
                    [(c.message_id, c.text, repr(c.buttons)) for c in last]:
                last, last_change = changes, time.monotonic()
            done = bool(last) if until is None else until(last)
            if done and time.monotonic() - last_change >= quiet:
                for s in last:
                    self._seen[s.message_id] = (s.text, repr(s.buttons))
                return last
            if time.monotonic() > deadline:
                raise AssertionError(f"user {self.id}: no expected reply within {timeout}s; got "
                                     f"{[str(c) for c in last]!r}")
            await asyncio.sleep(0.05)

    async def wait_text(self, needle: str, timeout: float = REPLY_TIMEOUT) -> list[Shown]:
        return await self.wait(lambda ms: any(needle in m.text for m in ms), timeout=timeout)

    # -- acting ------------------------------------------------------------------------------------------
    def _message(self, text: str) -> dict:
        msg = {"from": self.profile, "chat": self.chat, "date": int(time.time()), "text": text}
        command = _commands.match(text)
        if command:
            msg["entities"] = [{"type": "bot_command", "offset": 0, "length": command.end()}]
        return msg

    async def send(self, text: str) -> None:
        """Type a message (a /command gets Telegram's bot_command entity)."""
        await self.mark_seen()
        msg = self._message(text)
        await self.emu.post("/sendCommand" if "entities" in msg else "/sendMessage", msg)

    async def say(self, text: str, **wait) -> list[Shown]:
        """Send and return the bot's reply (new or edited messages)."""
        await self.send(text)
        return await self.wait(**wait)

    async def press_data(self, message: Shown, data: str) -> None:
        """Press a button (by its callback data) on one of the bot's messages."""
        await self.mark_seen()
        self._popup_mark = len(await self.popups())
        shown = {"message_id": message.message_id, "date": message.time_ms // 1000 or int(time.time()),
                 "chat": self.chat, "from": {"id": int(self.emu.token.split(":")[0]), "is_bot": True,
                                             "first_name": "HRD Bot"},
                 "text": message.text}
        if message.buttons:
            shown["reply_markup"] = {"inline_keyboard": message.buttons}
        await self.emu.post("/sendCallback", {"from": self.profile, "message": shown, "data": data})

    async def press(self, label: str, *, on: Shown | None = None, **wait) -> list[Shown]:
        """Press the button whose text contains `label` on the newest bot message that has one; return the reply."""
        screen = [on] if on is not None else list(reversed(await self.screen()))
        for message in screen:
            for row in message.buttons:
                for button in row:
                    if label in button.get("text", "") and "callback_data" in button:
                        await self.press_data(message, button["callback_data"])
                        return await self.wait(**wait)
        raise AssertionError(f"no button {label!r} on screen: {[m.button_texts for m in screen]}")

    async def block_bot(self, blocked: bool = True) -> None:
        """Block (or unblock) the bot: the emulator then answers the bot's sends to this chat with 403."""
        await self.emu.post("/blockBot", {"chatId": self.id, "blocked": blocked})
