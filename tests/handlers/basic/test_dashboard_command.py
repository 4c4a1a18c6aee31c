"""/dashboard: staff get a one-time sign-in link without a link preview; others get the polite refusal."""
from __future__ import annotations

from sqlalchemy import func, select

from db.models import SignInLink

STAFF = 9001


async def test_staff_get_a_one_time_link_without_preview_and_others_are_refused(db, clock):
    from tests.support.harness import make_console

    console, runtime = await make_console(db, clock, admin_ids={STAFF})
    try:
        refused = await console.say("/dashboard")
        assert "담당자만" in refused[0].text and "http" not in refused[0].text
        await console.say(f":user {STAFF} Staff")
        sent = await console.say("/dashboard")
        assert len(sent) == 1 and "http://127.0.0.1:8080/dashboard/signin?token=" in sent[0].text
        assert sent[0].link_preview == {"is_disabled": True}
        again = await console.say("/dashboard")
        assert again[0].text != sent[0].text  # a new link each time
        async with db.sessionmaker() as s:
            assert (await s.execute(select(func.count()).select_from(SignInLink))).scalar_one() == 2
    finally:
        await runtime.app.shutdown()
        await runtime.close()
