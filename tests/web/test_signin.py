"""Sign-in by one-time link: the GET shows a button and burns nothing, the POST works once, for ten minutes, for
staff only; sessions end at sign-out, after idling, and as soon as the staff role is taken away."""
from __future__ import annotations

import asyncio
from datetime import timedelta

from db import signin
from db.session import session_scope
from tests.web.support import STAFF, sign_in


async def test_opening_the_link_shows_a_button_and_only_its_post_signs_in_once(dash):
    await dash.staff()
    link = await dash.link()
    async with dash.client() as c:
        for _ in range(3):  # a link preview, a URL scanner, the person: GETs never consume the token
            page = await c.get(link)
            assert page.status_code == 200 and "로그인" in page.text and 'method="post"' in page.text
        signed = await sign_in(c, link)
        assert signed.status_code == 303 and signed.headers["location"] == "/dashboard/"
        cookie = signed.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=strict" in cookie and "secure" not in cookie  # http here
        overview = await c.get("/dashboard/")
        assert overview.status_code == 200 and "현황" in overview.text
    async with dash.client() as other:  # the same link again, from another browser
        again = await sign_in(other, link)
        assert again.status_code == 403 and "이미 사용된 로그인 링크" in again.text
        assert (await other.get(link)).status_code == 403


async def test_a_link_expires_after_ten_minutes_and_a_made_up_one_never_works(dash):
    await dash.staff()
    link = await dash.link()
    dash.clock.advance(minutes=10, seconds=1)
    async with dash.client() as c:
        expired = await sign_in(c, link)
        assert expired.status_code == 403 and "만료" in expired.text
        forged = await c.post("/dashboard/signin", data={"token": "x" * 43})
        assert forged.status_code == 403 and "올바른 로그인 링크가 아닙니다" in forged.text
        assert "Traceback" not in forged.text


async def test_two_tabs_pressing_sign_in_at_once_get_one_session(dash):
    await dash.staff()
    token = (await dash.link()).split("token=")[1]

    async def press():
        async with session_scope(dash.db.sessionmaker) as s:
            return (await signin.consume_link(s, token, dash.clock.now())).status

    assert sorted(await asyncio.gather(press(), press())) == ["ok", "used"]


async def test_a_link_of_someone_who_is_not_staff_is_refused_in_plain_korean(dash):
    await dash.staff()
    link = await dash.link()
    await dash.set_role(STAFF, "user")  # the role was taken away after the link was sent
    async with dash.client() as c:
        page = await sign_in(c, link)
    assert page.status_code == 403 and "담당자 권한이 없습니다" in page.text
    assert "hrdbot_dash" not in page.headers.get("set-cookie", "")


async def test_the_role_is_checked_on_every_request_and_a_revoked_one_ends_the_session(dash):
    await dash.staff()
    async with dash.client() as c:
        await sign_in(c, await dash.link())
        assert (await c.get("/dashboard/pending")).status_code == 200
        await dash.set_role(STAFF, "user")
        assert (await c.get("/dashboard/pending")).status_code == 403
        await dash.set_role(STAFF, "staff")
        assert (await c.get("/dashboard/pending")).status_code == 401  # the session ended with the role


async def test_sign_out_and_idle_sessions_end_and_the_pages_say_how_to_sign_in(dash):
    await dash.staff()
    async with dash.client() as c:
        anonymous = await c.get("/dashboard/")
        assert anonymous.status_code == 401 and "/dashboard" in anonymous.text and "봇에게" in anonymous.text
        html = (await sign_in(c, await dash.link()), await c.get("/dashboard/"))[1].text
        from tests.web.support import csrf_of

        out = await c.post("/dashboard/signout", data={"csrf": csrf_of(html)})
        assert out.status_code == 200 and "로그아웃되었습니다" in out.text
        assert (await c.get("/dashboard/")).status_code == 401
    async with dash.client() as c:
        await sign_in(c, await dash.link())
        dash.clock.advance(signin.SESSION_IDLE + timedelta(minutes=1))
        assert (await c.get("/dashboard/")).status_code == 401


async def test_an_admin_from_the_settings_list_is_staff_too(dash):
    await dash.staff()
    await dash.set_role(STAFF, "user")
    dash.config.admin_ids = frozenset({STAFF})
    async with dash.client() as c:
        assert (await sign_in(c, await dash.link())).status_code == 303
        assert (await c.get("/dashboard/")).status_code == 200


async def test_behind_https_the_session_cookie_is_secure(dash):
    await dash.staff()
    dash.config.public_url = "https://hrd.example.org"
    async with dash.client() as c:
        signed = await sign_in(c, await dash.link())
    assert signed.status_code == 303 and "secure" in signed.headers["set-cookie"].lower()
