"""Pressing buttons and reading replies in console transcripts (tests drive the bot like a person would)."""
from __future__ import annotations


def button_index(bot, data: str) -> int:
    """The console number of the shown button whose callback data is `data` (else the first that starts with
    `data` + ':')."""
    datas = [d for _chat, _msg, d in bot.buttons]
    if data in datas:
        return datas.index(data) + 1
    for i, d in enumerate(datas, 1):
        if d.startswith(data + ":"):
            return i
    raise AssertionError(f"no button {data!r} among {datas}")


async def press(bot, data: str):
    """Press a button shown in the last answer, found by its callback data."""
    return await bot.say(f"[{button_index(bot, data)}]")  # [n] presses even where a typed number is expected


async def press_forged(bot, data: str):
    """A callback with data the bot never showed this user (a forged or stale button)."""
    return await bot.feed(bot.callback_update(bot.user["id"], 1, data))


def texts(sent, chat_id: int | None = None) -> str:
    return "\n".join(s.text for s in sent if chat_id is None or s.chat_id == chat_id)
