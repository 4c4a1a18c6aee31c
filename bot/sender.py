"""Sends outbox messages with a PTB Bot, translating Telegram's errors into the dispatcher's vocabulary."""
from __future__ import annotations

from telegram import Bot, InputFile
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from handlers.turn import MAX_CAPTION, fit, keyboard
from notifications.messages import Rendered
from notifications.sending import Blocked, PermanentError, RetryLater, TransientError


class TelegramSender:
    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def send(self, chat_id: int, message: Rendered) -> None:
        try:
            if message.document:
                name, content = message.document
                await self.bot.send_document(chat_id, InputFile(content, filename=name),
                                             caption=fit(message.text, MAX_CAPTION) or None)
            else:
                await self.bot.send_message(chat_id, fit(message.text), reply_markup=keyboard(message.buttons),
                                            parse_mode=ParseMode.HTML if message.html else None)
        except Forbidden as exc:
            raise Blocked(str(exc)) from exc
        except RetryAfter as exc:
            retry = exc.retry_after
            raise RetryLater(retry.total_seconds() if hasattr(retry, "total_seconds") else float(retry)) from exc
        except BadRequest as exc:
            if "chat not found" in str(exc).lower() or "user is deactivated" in str(exc).lower():
                raise Blocked(str(exc)) from exc
            raise PermanentError(str(exc)) from exc
        except (TimedOut, NetworkError) as exc:
            raise TransientError(str(exc)) from exc
