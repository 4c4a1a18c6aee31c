"""`hrdbot console`: chat with the real handlers in the terminal, through python-telegram-bot and an in-process
transport (no token, no network). Reads piped input until end of file, so sessions can be scripted.

Typing a number presses the button with that number — unless the open question asks for typed text (a date, an
employee number), then the number is the answer; `[3]` always presses button 3. Lines starting with ':' are console
commands (:help lists them). HTML messages are shown rendered; files the bot sends (.ics) are saved to `files_dir`.
"""
from __future__ import annotations

import asyncio
import html
import itertools
import logging
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
                 user_id: int = CONSOLE_USER, echo: bool = False, files_dir: Path | None = None) -> None:
        self.runtime = runtime
        self.files_dir = files_dir  # where files the bot sends are saved (None: only described)
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
        forced = re.fullmatch(r"\[(\d+)\]", stripped)
        number = forced.group(1) if forced else stripped if stripped.isdigit() else None
        if number and self.buttons and 1 <= int(number) <= len(self.buttons) and (
                forced or not await self.typing_expected()):
            chat_id, message_id, data = self.buttons[int(number) - 1]
            return await self.feed(self.callback_update(chat_id, message_id, data))
        if stripped.startswith(":"):
            return await self.meta(stripped[1:])
        return await self.feed(self.text_update(line))

    async def typing_expected(self) -> bool:
        """Whether the person's open question asks for typed text (then a typed number is an answer, not a press)."""
        from db.models import User
        from handlers.flows import current_step

        async with self.runtime.services.sessionmaker() as session:
            user = await session.get(User, self.user["id"])
            step = current_step(user.flow, user.flow_step) if user is not None else None
        return step is not None and step.text is not None and not step.buttons

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
                where = self.save(s)
                saved = f", saved as {where}" if where else ""
                print(f"{who}> [file: {s.filename}, {len(s.content or b'')} bytes{saved}] {s.text}", file=self.out)
                continue
            prefix = f"{who}{' (edited)' if s.method.startswith('edit') else ''}> "
            text = rendered(s.text) if s.html else s.text
            print(prefix + text.replace("\n", "\n" + " " * len(prefix)), file=self.out)
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


    def save(self, s: Sent) -> Path | None:
        """Keep a file the bot sent (an exam's .ics), as a person's phone would; its name is the bot's, made safe."""
        if self.files_dir is None or not s.content:
            return None
        name = re.sub(r"[^\w.\-]+", "_", Path(s.filename or "file").name).lstrip(".") or "file"
        self.files_dir.mkdir(parents=True, exist_ok=True)
        path = self.files_dir / name
        path.write_bytes(s.content)
        return path


def rendered(text: str) -> str:
    """Telegram HTML as a terminal shows it: tags dropped, links as 'text (url)', entities decoded."""
    text = re.sub(r'<a href="([^"]*)">(.*?)</a>', lambda m: f"{m.group(2)} ({html.unescape(m.group(1))})", text,
                  flags=re.S)
    return html.unescape(re.sub(r"</?[a-zA-Z][^>]*>", "", text))


async def run_console(settings: Settings, lines: TextIO = sys.stdin, out: TextIO = sys.stdout,
                      files_dir: Path | None = None) -> None:
    # Log lines are for operators, not part of the conversation: only errors reach the terminal.
    logging.getLogger().setLevel(max(logging.getLogger().level, logging.ERROR))
    request = InProcessRequest()
    runtime = await build_runtime(settings, request=request, rate_limit=False)
    await runtime.app.initialize()
    interactive = lines.isatty()
    console = Console(runtime, request, out, echo=not interactive,
                      files_dir=files_dir if files_dir is not None else Path.cwd() / "hrdbot-files")
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
