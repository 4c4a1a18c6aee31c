"""A staff console and a few recipients for the broadcast conversation tests."""
from __future__ import annotations

import io

import pytest

from tests.handlers.broadcasts.people import add_people
from tests.support.harness import make_console

STAFF = 9001


@pytest.fixture
def people():
    return add_people


@pytest.fixture
async def staff_bot(db, clock):
    """The console acting as a staff member (role in the database, like `hrdbot admin add 9001`)."""
    await add_people(db, [STAFF], role="staff")
    console, runtime = await make_console(db, clock, out=io.StringIO(), user_id=STAFF)
    yield console
    await runtime.app.shutdown()
    await runtime.close()


async def press(console, sent, label: str):
    """Press the button whose text contains `label` on the latest message that has it."""
    for s in reversed(sent):
        for row in s.buttons:
            for b in row:
                if label in b.get("text", "") and "callback_data" in b:
                    return await console.feed(console.callback_update(s.chat_id, s.message_id, b["callback_data"]))
    raise AssertionError(f"no button {label!r} in {[s.button_texts for s in sent]}")


async def forge(console, data: str):
    """A callback with data the bot never offered this user (a forged or replayed button)."""
    return await console.feed(console.callback_update(console.user["id"], 424242, data))


def to(sent, chat_id: int):
    return [s for s in sent if s.chat_id == chat_id and s.method.startswith("send")]
