"""The README's screenshots of the dashboard (docs/dashboard-*.png) from a small demo on SQLite:

    python -m tests.web.make_screenshots

Forty people asked for seats over the last weeks (some pending, some waiting), then the overview and the pending
page are shot at 1280 px in Debian's Chromium.
"""
from __future__ import annotations

import asyncio
import random
import shutil
import tempfile
from datetime import timedelta
from pathlib import Path

from catalog import enrollment as svc
from db.clock import FakeClock
from db.models import Cohort
from db.session import make_engine, make_sessionmaker, session_scope
from tests.handlers.enrollment.factory import add_course, add_people
from tests.support.databases import TestDb, migrate_and_seed
from tests.web.support import make_dash

DOCS = Path(__file__).resolve().parents[2] / "docs"


async def main() -> None:
    from playwright.async_api import async_playwright
    from sqlalchemy import select

    tmp = tempfile.TemporaryDirectory()
    url = f"sqlite+aiosqlite:///{Path(tmp.name) / 'demo.db'}"
    await migrate_and_seed(url)
    engine = make_engine(url)
    db = TestDb(url, engine, make_sessionmaker(engine))
    clock = FakeClock("2022-02-10T10:00")
    rng = random.Random(5)
    await add_course(db, course_id="demo-excel", title="엑셀 데이터 분석 실무", title_en="Excel data analysis",
                     approval="staff", capacity=10, cohorts=[("2022-03-07", "2022-03-11"), ("2022-04-04", "2022-04-08")])
    await add_course(db, course_id="demo-lead", title="신임 팀장 리더십 과정", title_en="New team leaders",
                     approval="staff", capacity=20, cohorts=[("2022-03-14", "2022-03-18")])
    people = list(range(7001, 7061))
    await add_people(db, people)
    async with db.sessionmaker() as s:
        cohorts = list((await s.execute(select(Cohort.id).where(Cohort.course_id.like("demo-%")))).scalars())
        seeded = list((await s.execute(select(Cohort.id).where(Cohort.course_id == "it-excel"))).scalars())
    names = ["김민준", "이서연", "박지훈", "최수아", "정도윤", "강하은", "조예준", "윤지우", "장서준", "임하린"]
    for i, uid in enumerate(people):
        async with session_scope(db.sessionmaker) as s:
            from db.models import Profile

            (await s.get(Profile, uid)).full_name = names[i % 10] + ("" if i < 10 else f"{i // 10}")
            when = clock.now() - timedelta(days=rng.randrange(28), hours=rng.randrange(8))
            await svc.request_seat(s, user_id=uid, cohort_id=rng.choice(cohorts + seeded[:2]), now=when)
    dash = make_dash(db, clock)
    await dash.staff()
    from db.access import Actor
    from notifications.broadcasts import service as bc

    async with session_scope(db.sessionmaker) as s:  # a notice being sent: the overview lists it
        b = await bc.create_broadcast(s, actor=Actor.person(9001), text="3월 교육장 변경 안내: 별관 2층",
                                      audience={"kind": "everyone"}, now=clock.now())
        await bc.schedule_broadcast(s, b.id, clock.now() + timedelta(hours=2), clock.now(), actor=Actor.person(9001))
    async with dash.serve() as base, async_playwright() as p:
        browser = await p.chromium.launch(executable_path=shutil.which("chromium"), args=["--no-sandbox"])
        page = await browser.new_page(viewport={"width": 1280, "height": 900}, locale="ko-KR")
        await page.goto(await dash.link())
        await page.get_by_role("button", name="로그인").click()
        await page.wait_for_url(f"{base}/dashboard/")
        await page.screenshot(path=str(DOCS / "dashboard-overview.png"), full_page=True)
        await page.goto(f"{base}/dashboard/pending")
        await page.screenshot(path=str(DOCS / "dashboard-pending.png"), full_page=False)
        await browser.close()
    await engine.dispose()
    tmp.cleanup()
    print("docs/dashboard-overview.png, docs/dashboard-pending.png")


if __name__ == "__main__":
    asyncio.run(main())
