"""The staff role from HRDBOT_ADMIN_IDS is checked live and never copied into the database: taking an id out of the
variable (and restarting) revokes it, even for someone who used the bot as staff before."""
from __future__ import annotations

from db.models import User
from tests.support.harness import make_console

STAFF = 9001


async def _pending_reply(db, clock, admin_ids) -> str:
    console, runtime = await make_console(db, clock, admin_ids=admin_ids, user_id=STAFF)
    try:
        return (await console.say("/pending"))[-1].text
    finally:
        await runtime.app.shutdown()
        await runtime.close()


async def test_an_id_taken_out_of_hrdbot_admin_ids_is_no_longer_staff(db, clock):
    assert "담당자" not in await _pending_reply(db, clock, {STAFF})  # staff: the queue (empty), not a refusal
    async with db.sessionmaker() as s:
        assert (await s.get(User, STAFF)).role == "user"  # nothing was written from the variable
    assert "담당자만" in await _pending_reply(db, clock, set())
