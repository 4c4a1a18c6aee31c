"""What a sender may raise: the dispatcher's whole vocabulary of delivery outcomes (no Telegram types)."""
from __future__ import annotations

from typing import Protocol

from notifications.messages import Rendered


class Blocked(Exception):
    """The user blocked the bot or deleted their account: never try them again."""


class RetryLater(Exception):
    """Flood control: nobody may be sent anything for `seconds`."""

    def __init__(self, seconds: float) -> None:
        super().__init__(seconds)
        self.seconds = float(seconds)


class TransientError(Exception):
    """Network trouble or a 5xx: try again with back-off."""


class PermanentError(Exception):
    """Telegram refused this message (bad request): retrying will not help."""


class Sender(Protocol):
    async def send(self, chat_id: int, message: Rendered) -> None: ...
