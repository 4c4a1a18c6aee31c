"""setMyCommands: one menu per language; staff chats get the staff commands, and lose them with the role."""
from __future__ import annotations

import handlers.registry  # noqa: F401  (features add their /help entries on registration)
from db.session import session_scope
from tests.handlers.enrollment.factory import add_people


class RecordingBot:
    def __init__(self) -> None:
        self.calls: list[tuple] = []

    async def set_my_commands(self, commands, scope=None, language_code=None):
        self.calls.append(("set", [c.command for c in commands], getattr(scope, "chat_id", None), language_code))

    async def delete_my_commands(self, scope=None, language_code=None):
        self.calls.append(("delete", [], getattr(scope, "chat_id", None), language_code))


async def test_menus_per_language_and_per_staff_chat_follow_the_role(bot, db):
    from db.access import Actor, set_staff
    from handlers.commands import commands, publish_default, refresh_staff

    await bot.say("/start")  # registers every feature's commands
    ko = [c.command for c in commands("ko")]
    assert ko[:3] == ["start", "search", "my"] and "pending" not in ko and "broadcast" not in ko
    assert commands("ko")[0].description != commands("en")[0].description  # translated
    staff = [c.command for c in commands("en", staff=True)]
    assert "pending" in staff and "broadcast" in staff

    recording = RecordingBot()
    await publish_default(recording)
    assert {c[3] for c in recording.calls} == {"ko", "en", None}
    assert all(c[2] is None for c in recording.calls)  # default scope

    await add_people(db, [9001], role="staff", language="en")
    published: dict[int, str] = {}
    recording = RecordingBot()
    async with session_scope(db.sessionmaker) as s:
        await refresh_staff(recording, s, frozenset(), published)
    assert [(c[0], c[2]) for c in recording.calls] == [("set", 9001)] and "pending" in recording.calls[0][1]
    async with session_scope(db.sessionmaker) as s:  # the role taken away by any route (here: the service)
        await set_staff(s, Actor.operator("test"), 9001, False, bot.runtime.services.clock.now())
    recording = RecordingBot()
    async with session_scope(db.sessionmaker) as s:
        await refresh_staff(recording, s, frozenset(), published)
    assert [(c[0], c[2]) for c in recording.calls] == [("delete", 9001)] and published == {}
