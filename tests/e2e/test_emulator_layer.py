"""The normalising layer itself (tests/e2e/emulator/launch.js): each correction listed in tests/e2e/README.md,
checked by parsing the emulator's answers with python-telegram-bot's own classes (a bare `telegram.Bot`)."""
from __future__ import annotations

import asyncio
import time

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update, User
from telegram.error import BadRequest, Forbidden

from tests.e2e.client import Emulator

pytestmark = pytest.mark.e2e
CHAT = 4242


@pytest.fixture
async def peer(emulator_url):
    token = f"{int(time.time() * 1000) % 10**9}:layer"
    bot = Bot(token, base_url=f"{emulator_url}/bot")
    emu = Emulator(emulator_url, token)
    async with bot:
        yield bot, emu
    await emu.close()


async def test_get_me_send_edit_answer_delete_are_telegram_shaped(peer):
    bot, emu = peer
    me = await bot.get_me()
    assert isinstance(me, User) and me.is_bot

    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("press", callback_data="x:1")]])
    sent = await bot.send_message(CHAT, "hello", reply_markup=keyboard)
    assert isinstance(sent, Message) and sent.text == "hello" and sent.chat.id == CHAT
    assert abs(sent.date.timestamp() - time.time()) < 120, "date in seconds, not milliseconds"

    edited = await bot.edit_message_text("hello again", chat_id=CHAT, message_id=sent.message_id)
    assert isinstance(edited, Message) and edited.text == "hello again"
    assert edited.reply_markup is None, "an edit without reply_markup removes the keyboard"
    with pytest.raises(BadRequest, match="not modified"):
        await bot.edit_message_text("hello again", chat_id=CHAT, message_id=sent.message_id)
    with pytest.raises(BadRequest, match="not found"):
        await bot.edit_message_text("x", chat_id=CHAT, message_id=10**6)
    with_buttons = await bot.edit_message_reply_markup(chat_id=CHAT, message_id=sent.message_id,
                                                       reply_markup=keyboard)
    assert with_buttons.reply_markup == keyboard

    with pytest.raises(BadRequest, match="too long"):
        await bot.send_message(CHAT, "가" * 4097)
    with pytest.raises(BadRequest, match="empty"):
        await bot.send_message(CHAT, " ")
    assert await bot.delete_message(CHAT, sent.message_id) is True


async def test_start_up_stubs_unsupported_methods_and_blocked_users(peer):
    bot, emu = peer
    assert await bot.set_my_commands([("start", "start")]) is True
    assert await bot.get_my_commands() == ()
    assert await bot.send_chat_action(CHAT, "typing") is True
    with pytest.raises(BadRequest, match="not supported"):  # a 400, not a 500 (NetworkError)
        await bot.send_document(CHAT, document=b"abc", filename="a.txt")

    await emu.post("/blockBot", {"chatId": CHAT})
    with pytest.raises(Forbidden, match="blocked"):
        await bot.send_message(CHAT, "hi")
    assert [r["chatId"] for r in await emu.post("/getRefused", {})] == [CHAT]
    await emu.post("/blockBot", {"chatId": CHAT, "blocked": False})
    assert (await bot.send_message(CHAT, "hi")).text == "hi"


async def test_get_updates_long_polls_confirms_by_offset_and_callbacks_have_chat_instance(peer):
    bot, emu = peer
    user = emu.user(CHAT, "Poller")
    started = time.monotonic()
    assert await bot.get_updates(timeout=1) == ()
    assert time.monotonic() - started >= 0.9, "timeout is honoured (long polling)"

    poll = asyncio.create_task(bot.get_updates(timeout=10))
    await asyncio.sleep(0.2)
    await user.send("/start")
    first = await asyncio.wait_for(poll, 5)
    assert len(first) == 1 and isinstance(first[0], Update) and first[0].message.text == "/start"
    again = await bot.get_updates(timeout=0)
    assert [u.update_id for u in again] == [first[0].update_id], "re-delivered until confirmed"
    assert await bot.get_updates(offset=first[0].update_id + 1, timeout=0) == ()

    shown = (await bot.send_message(CHAT, "menu", reply_markup=InlineKeyboardMarkup(
        [[InlineKeyboardButton("go", callback_data="go")]])))
    screen = await user.screen()
    await user.press_data(next(m for m in screen if m.message_id == shown.message_id), "go")
    (press,) = await bot.get_updates(offset=first[0].update_id + 1, timeout=5)
    assert press.callback_query.data == "go" and press.callback_query.chat_instance
    assert press.callback_query.message.message_id == shown.message_id
    assert await bot.answer_callback_query(press.callback_query.id, "done", show_alert=True) is True
    assert await user.popups() == ["done"]
