"""The dashboard in tests: the app over the test database and clock, staff and pending requests, sign-in links,
an HTTP client without a browser (fast checks) and a real server for the browser tests."""
from __future__ import annotations

import asyncio
import re
from contextlib import asynccontextmanager
from dataclasses import dataclass

import httpx
from sqlalchemy import select

from catalog import enrollment as svc
from db import signin
from db.models import Enrollment, User
from db.session import session_scope
from tests.handlers.enrollment.factory import NOW, add_course, add_people
from web.app import create_app, listen_socket, server
from web.config import WebConfig

STAFF = 9001
EMPLOYEES = [7001, 7002, 7003]


@dataclass
class Dash:
    db: object
    clock: object
    config: WebConfig
    app: object

    async def staff(self, user_id: int = STAFF, *, language: str = "ko") -> int:
        await add_people(self.db, [user_id], profile=False, role="staff", language=language)
        return user_id

    async def set_role(self, user_id: int, role: str) -> None:
        async with session_scope(self.db.sessionmaker) as s:
            (await s.get(User, user_id)).role = role

    async def link(self, user_id: int = STAFF) -> str:
        async with session_scope(self.db.sessionmaker) as s:
            return self.config.link(await signin.issue_link(s, user_id=user_id, now=self.clock.now()))

    async def pending(self, people=EMPLOYEES) -> list[int]:
        """People with profiles, each with a pending request in a staff-approved course; their enrollment ids."""
        (cohort_id,) = await add_course(self.db, course_id="dash-test", approval="staff", capacity=10)
        await add_people(self.db, people)
        ids = []
        for uid in people:
            async with session_scope(self.db.sessionmaker) as s:
                out = await svc.request_seat(s, user_id=uid, cohort_id=cohort_id, now=NOW)
                assert out.status == "pending"
                ids.append(out.enrollment_id)
        return ids

    async def confirmed(self, people=EMPLOYEES) -> list[int]:
        """As `pending`, then each request approved (by an operator): confirmed learners of the cohort."""
        from db.access import Actor

        ids = await self.pending(people)
        async with session_scope(self.db.sessionmaker) as s:
            for enrollment_id in ids:
                assert (await svc.approve(s, enrollment_id=enrollment_id, actor=Actor.operator("test"), now=NOW)).ok
        return ids

    async def cohort_id(self, course_id: str = "dash-test", number: int = 1) -> int:
        from db.models import Cohort

        async with self.db.sessionmaker() as s:
            return (await s.execute(select(Cohort.id).where(Cohort.course_id == course_id, Cohort.number == number))
                    ).scalars().first()

    async def statuses(self) -> dict[int, tuple[str, str | None]]:
        async with self.db.sessionmaker() as s:
            rows = await s.execute(select(Enrollment.user_id, Enrollment.status, Enrollment.reason))
            return {uid: (status, reason) for uid, status, reason in rows.all()}

    @asynccontextmanager
    async def client(self):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=self.app),
                                     base_url=self.config.public_url) as client:
            yield client

    @asynccontextmanager
    async def serve(self):
        """The app on a real port in this event loop (the browser needs one); yields its base URL."""
        sock = listen_socket("127.0.0.1", 0)
        port = sock.getsockname()[1]
        self.config.public_url = f"http://127.0.0.1:{port}"
        self.server = srv = server(self.app)
        task = asyncio.create_task(srv.serve(sockets=[sock]))
        while not srv.started:
            await asyncio.sleep(0.01)
        try:
            yield self.config.public_url
        finally:
            srv.should_exit = True
            await task


def make_dash(db, clock) -> Dash:
    from bot.app import render_for_language

    config = WebConfig(sessionmaker=db.sessionmaker, clock=clock, public_url="http://dash.test",
                       render_notice=render_for_language)
    return Dash(db, clock, config, create_app(config))


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


async def sign_in(client: httpx.AsyncClient, link: str) -> httpx.Response:
    token = link.split("token=", 1)[1]
    return await client.post("/dashboard/signin", data={"token": token})
