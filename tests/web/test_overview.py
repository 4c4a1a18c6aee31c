"""The overview's figures: computed at most once a minute per process, and never while a page waits except on the
first view of a day (views arriving together then share one computation)."""
from __future__ import annotations

import asyncio
import re

import pytest

from catalog import enrollment, stats
from db.access import Actor
from db.session import session_scope
from tests.web.support import EMPLOYEES, sign_in


def waiting(html: str) -> int:
    return int(re.search(r'href="/dashboard/pending"><strong>([\d,]+)</strong>', html).group(1))


async def test_figures_older_than_a_minute_are_shown_once_more_while_one_refresh_runs_behind(dash):
    await dash.staff()
    ids = await dash.pending(EMPLOYEES)
    async with dash.client() as c:
        await sign_in(c, await dash.link())
        first = await c.get("/dashboard/")
        assert waiting(first.text) == 3
        async with session_scope(dash.db.sessionmaker) as s:  # two approved elsewhere (the chat, another process)
            for enrollment_id in ids[:2]:
                assert (await enrollment.approve(s, enrollment_id=enrollment_id, actor=Actor.operator("test"),
                                                 now=dash.clock.now())).ok
        assert waiting((await c.get("/dashboard/")).text) == 3  # within the minute: the same figures
        dash.clock.advance(minutes=1)
        stale = await c.get("/dashboard/")
        assert waiting(stale.text) == 3, "the page did not wait for new figures"
        refresh = dash.config.cache.get("overview_refresh")
        if refresh is not None:
            await refresh
        fresh = await c.get("/dashboard/")
        assert waiting(fresh.text) == 1
        as_of = re.compile(r"\d+:\d\d")
        assert as_of.findall(fresh.text) != as_of.findall(first.text)  # "as of" moved with the figures


async def test_staff_opening_the_overview_together_share_one_computation(dash, monkeypatch):
    if dash.db.dialect == "sqlite":
        pytest.skip("the embedded database serves one transaction at a time, so views there never overlap")
    computed = []
    real = stats.overview

    async def counted(*args, **kwargs):
        computed.append(1)
        return await real(*args, **kwargs)

    monkeypatch.setattr(stats, "overview", counted)
    await dash.staff()
    await dash.pending(EMPLOYEES)
    async with dash.client() as c:
        await sign_in(c, await dash.link())
        pages = await asyncio.gather(*(c.get("/dashboard/") for _ in range(5)))
    assert [waiting(p.text) for p in pages] == [3] * 5
    assert len(computed) == 1
