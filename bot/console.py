"""`hrdbot console`: chat with the real handlers in the terminal, through python-telegram-bot and an in-process
transport (no token, no network). Reads piped input until end of file, so sessions can be scripted.

Typing a number presses the button with that number; lines starting with ':' are console commands
(:help lists them).
"""
from __future__ import annotations

import asyncio
import itertools
import re
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import TextIO

from telegram import Update

from bot.app import Runtime, build_runtime
from bot.settings import Settings
from bot.transport import InProcessRequest, Sent

CONSOLE_USER = 1001
META_HELP = """console commands:
  :user ID [NAME]   act as another Telegram user (e.g. a staff member added with `hrdbot admin add ID`)
  :lang CODE        the Telegram app language of the current user (ko, en)
  :now              the bot's current time
  :advance 1d|6h|30m  move the clock forward and run the scheduler (reminders, broadcasts)
  :tick             run the scheduler and the outbox once
  :file PATH        send a file (CSV/XLSX import)
  :quit             leave (end of input works too)"""


def _duration(text: str) -> timedelta | None:
    m = re.fullmatch(r"\s*(\d+)\s*([dhm])\s*", text or "")
    if not m:
        return None
    n, unit = int(m.group(1)), m.group(2)
    return timedelta(days=n) if unit == "d" else timedelta(hours=n) if unit == "h" else timedelta(minutes=n)


class Console:
    def __init__(self, runtime: Runtime, request: InProcessRequest, out: TextIO = sys.stdout,
                 user_id: int = CONSOLE_USER, echo: bool = False) -> None:
        self.runtime = runtime
        self.request = request
        self.out = out
        self.echo = echo
        self.user = {"id": user_id, "is_bot": False, "first_name": "Console", "language_code": "ko"}
        self.buttons: list[tuple[int, int, str]] = []  # (chat_id, message_id, callback_data), numbered from 1
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1_000_000)
        self._files = itertools.count(1)

    # -- building updates ------------------------------------------------------------------------------
    def _chat(self) -> dict:
        return {"id": self.user["id"], "type": "private", "first_name": self.user["first_name"]}

    def _message(self, **fields) -> dict:
        return {"message_id": next(self._message_ids), "date": int(time.time()), "chat": self._chat(),
                "from": dict(self.user), **fields}

    def text_update(self, text: str) -> dict:
        fields: dict = {"text": text}
        if text.startswith("/"):
            command = text.split()[0]
            fields["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        return {"update_id": next(self._update_ids), "message": self._message(**fields)}

    def callback_update(self, chat_id: int, message_id: int, data: str) -> dict:
        message = self.request.messages.get((chat_id, message_id)) or {
            "message_id": message_id, "date": int(time.time()), "chat": self._chat()}
        return {"update_id": next(self._update_ids),
                "callback_query": {"id": str(next(self._update_ids)), "from": dict(self.user),
                                   "chat_instance": f"ci{chat_id}", "data": data, "message": message}}

    def document_update(self, path: Path) -> dict:
        file_id = f"console-file-{next(self._files)}"
        self.request.files[file_id] = path.read_bytes()
        doc = {"file_id": file_id, "file_unique_id": file_id, "file_name": path.name, "file_size": path.stat().st_size}
        return {"update_id": next(self._update_ids), "message": self._message(document=doc)}

    # -- running -----------------------------------------------------------------------------------------
    async def feed(self, data: dict) -> list[Sent]:
        await self.runtime.app.process_update(Update.de_json(data, self.runtime.app.bot))
        await self.runtime.tick()
        sent = self.request.take()
        self.show(sent)
        return sent

    async def say(self, line: str) -> list[Sent]:
        """One line of input: a button number, a console command, a /command or text."""
        line = line.rstrip("\n")
        if self.echo:
            print(f"> {line}", file=self.out)
        stripped = line.strip()
        if stripped.isdigit() and self.buttons and 1 <= int(stripped) <= len(self.buttons):
            chat_id, message_id, data = self.buttons[int(stripped) - 1]
            return await self.feed(self.callback_update(chat_id, message_id, data))
        if stripped.startswith(":"):
            return await self.meta(stripped[1:])
        return await self.feed(self.text_update(line))

    async def meta(self, command: str) -> list[Sent]:
        name, _, arg = command.partition(" ")
        if name == "user" and arg.split() and arg.split()[0].lstrip("-").isdigit():
            parts = arg.split(maxsplit=1)
            self.user = {**self.user, "id": int(parts[0]), "first_name": parts[1] if len(parts) > 1 else f"User {parts[0]}"}
            self.buttons = []
            print(f"(now acting as user {self.user['id']})", file=self.out)
        elif name == "lang" and arg.strip():
            self.user["language_code"] = arg.strip()
            print(f"(Telegram language: {arg.strip()})", file=self.out)
        elif name == "now":
            print(f"(now: {self.runtime.services.clock.now():%Y-%m-%d %H:%M %Z})", file=self.out)
        elif name in ("advance", "tick"):
            delta = _duration(arg) if name == "advance" else timedelta(0)
            if delta is None:
                print("(usage: :advance 1d | 6h | 30m)", file=self.out)
                return []
            clock = self.runtime.services.clock
            if delta and hasattr(clock, "advance"):
                clock.advance(delta)
            print(f"(now: {clock.now():%Y-%m-%d %H:%M %Z})", file=self.out)
            await self.runtime.tick()
            sent = self.request.take()
            self.show(sent)
            return sent
        elif name == "file" and arg.strip():
            path = Path(arg.strip()).expanduser()
            if not path.is_file():
                print(f"(no such file: {path})", file=self.out)
                return []
            return await self.feed(self.document_update(path))
        else:
            print(META_HELP, file=self.out)
        return []

    def show(self, sent: list[Sent]) -> None:
        numbered = False
        for s in sent:
            if s.method == "answerCallbackQuery":
                print(f"bot (popup)> {s.text}", file=self.out)
                continue
            who = "bot" if s.chat_id == self.user["id"] else f"bot → {s.chat_id}"
            if s.method == "sendDocument":
                print(f"{who}> [file: {s.filename}, {len(s.content or b'')} bytes] {s.text}", file=self.out)
                continue
            prefix = f"{who}{' (edited)' if s.method.startswith('edit') else ''}> "
            print(prefix + s.text.replace("\n", "\n" + " " * len(prefix)), file=self.out)
            if s.buttons and s.chat_id == self.user["id"]:
                if not numbered:
                    self.buttons, numbered = [], True
                for row in s.buttons:
                    labels = []
                    for b in row:
                        if "callback_data" in b:
                            self.buttons.append((s.chat_id, s.message_id, b["callback_data"]))
                            labels.append(f"[{len(self.buttons)}] {b['text']}")
                        elif "url" in b:
                            labels.append(f"[link] {b['text']} {b['url']}")
                    print(" " * len(prefix) + "   ".join(labels), file=self.out)


async def run_console(settings: Settings, lines: TextIO = sys.stdin, out: TextIO = sys.stdout) -> None:
    request = InProcessRequest()
    runtime = await build_runtime(settings, request=request, rate_limit=False)
    await runtime.app.initialize()
    interactive = lines.isatty()
    console = Console(runtime, request, out, echo=not interactive)
    try:
        if interactive:
            print("hrdbot console — type a message (e.g. 엑셀), /help, or :help for console commands. Ctrl-D to leave.",
                  file=out)
        while True:
            if interactive:
                try:
                    line = await asyncio.to_thread(input, "you> ")
                except EOFError:
                    break
            else:
                line = lines.readline()
                if not line:
                    break
            if line.strip() in (":quit", ":q"):
                break
            if not line.strip():
                continue
            await console.say(line)
    finally:
        await runtime.app.shutdown()
        await runtime.close()
