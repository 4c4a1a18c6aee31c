"""E2E: a staff member broadcasts a notice to a segment (people using the bot in English); the segment receives it,
nobody else does; a member who blocked the bot gets Telegram's 403 once, is marked unreachable and is skipped by
the next broadcast; the staff member gets the delivery report."""
from __future__ import annotations

import asyncio

import pytest

from locales import translator
from tests.e2e.conftest import requires

pytestmark = pytest.mark.e2e
ko = translator("ko")
STAFF = 9001


async def broadcast_to_english(staff, text: str) -> str:
    prompt = (await staff.say("/broadcast"))[0]
    assert prompt.text.startswith(ko("Write the notice to send. You can use Telegram's formatting (bold, italic, "
                                     "links). /cancel stops.")[:20])
    attach = (await staff.say(text))[-1]
    await staff.press(ko("No attachment"), on=attach)
    await staff.press(ko("By language"))
    shown = await staff.press(ko("English"))
    confirm = shown[-1]
    assert ko("✅ Send now") in confirm.button_texts, confirm
    await staff.press(ko("✅ Send now"), on=confirm)
    return "\n".join(m.text for m in shown)


def segment(count: int) -> str:
    return ko("{audience}: {count} people", audience=ko("people using the bot in {language}", language=ko("English")),
              count=ko.number(count))


async def refused(bot) -> list[dict]:
    return await bot.emu.post("/getRefused", {})  # type: ignore[return-value]


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
async def test_broadcast_reaches_the_segment_and_skips_who_blocked_the_bot(start_bot, backend):
    requires("handlers.broadcasts", "broadcasts")
    requires("notifications.broadcasts.jobs", "broadcast fan-out")
    bot = await start_bot(now="2022-02-14T10:00", admins=[STAFF], backend=backend)
    alice = bot.user(1301, "Alice", language_code="en")
    bob = bot.user(1302, "Bob", language_code="en")
    minsu = bot.user(1303, "민수", language_code="ko")
    staff = bot.user(STAFF, "담당자")
    for person in (alice, bob, minsu, staff):
        await person.say("/start")
    await bob.block_bot()

    first = "IT courses for March are open"
    preview = await broadcast_to_english(staff, first)
    assert segment(2) in preview, preview  # Alice and Bob

    got = await alice.wait_text(first)
    assert any(first in m.text for m in got)
    report = await staff.wait_text(ko("Sent: {sent} · Failed: {failed} · Unreachable: {unreachable} · Pending: {pending}",
                                      sent=1, failed=0, unreachable=1, pending=0))
    assert any("📊" in m.text for m in report)
    assert [r["chatId"] for r in await refused(bot)] == [bob.id]
    assert not [m for m in await minsu.new_messages() if first in m.text], "Korean users are not in the segment"

    second = "Reminder: Excel course starts soon"
    preview = await broadcast_to_english(staff, second)
    assert segment(1) in preview, preview  # Bob is skipped: he blocked the bot
    assert ko("({count} more blocked the bot and will be skipped.)", count="1") in preview
    await alice.wait_text(second)
    await staff.wait_text(ko("Sent: {sent} · Failed: {failed} · Unreachable: {unreachable} · Pending: {pending}",
                             sent=1, failed=0, unreachable=0, pending=0))
    await asyncio.sleep(0.5)
    assert len(await refused(bot)) == 1, "no second attempt at a user who blocked the bot"
    assert not await bob.new_messages()
