"""The dashboard speaks the staff member's bot language (Korean first), and switches with one button."""
from __future__ import annotations

from tests.web.support import csrf_of, sign_in


async def test_english_speakers_get_english_and_anyone_can_switch(dash):
    await dash.staff(language="en")
    async with dash.client() as c:
        await sign_in(c, await dash.link())
        page = (await c.get("/dashboard/")).text
        assert '<html lang="en">' in page and "Overview of 2022" in page and "Mon, Jan 3, 2022" in page
        switched = await c.post("/dashboard/lang", data={"csrf": csrf_of(page), "lang": "ko", "next": "/dashboard/exams"},
                                follow_redirects=True)
        assert str(switched.url).endswith("/dashboard/exams") and '<html lang="ko">' in switched.text
        elsewhere = await c.post("/dashboard/lang", data={"csrf": csrf_of(page), "lang": "en", "next": "https://evil.example"})
        assert elsewhere.headers["location"] == "/dashboard/"  # never sent off the dashboard
