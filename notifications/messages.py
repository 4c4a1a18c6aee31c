"""Messages as data: what a renderer returns and what a sender sends. No Telegram types here."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Button:
    text: str
    data: str | None = None  # callback data (≤ 64 bytes, see handlers/callbacks.py)
    url: str | None = None


@dataclass(frozen=True)
class Rendered:
    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    html: bool = False  # text is already safe Telegram HTML
    document: tuple[str, bytes] | None = None  # (filename, content), sent as a file with `text` as caption


def rows(*rows_: list[Button] | tuple[Button, ...]) -> tuple[tuple[Button, ...], ...]:
    return tuple(tuple(r) for r in rows_ if r)
