"""One pager under every paginated list (pending, courses, access record): previous/next links that keep the
list's filters, and none past either end."""
from __future__ import annotations

import html
import re

from tests.web.support import sign_in


def _links(page: str) -> dict[str, str]:
    nav = re.search(r'<nav class="pages" aria-label="페이지">(.*?)</nav>', page, re.S).group(1)
    return {rel: html.unescape(href) for href, rel in re.findall(r'<a href="([^"]+)" rel="(prev|next)">', nav)}


async def test_the_pager_keeps_each_lists_filters_and_stops_at_both_ends(dash):
    await dash.pending()
    dash.config.page_size = 1
    async with dash.client() as c:
        await dash.staff()
        await sign_in(c, await dash.link())
        first = (await c.get("/dashboard/pending?course=dash-test")).text
        assert _links(first) == {"next": "/dashboard/pending?course=dash-test&cohort=&who=&page=2"}
        middle = (await c.get("/dashboard/pending?course=dash-test&page=2")).text
        assert _links(middle) == {"prev": "/dashboard/pending?course=dash-test&cohort=&who=&page=1",
                                  "next": "/dashboard/pending?course=dash-test&cohort=&who=&page=3"}
        assert "<span>전체 3건 중 2–2</span>" in middle
        last = (await c.get("/dashboard/pending?course=dash-test&page=3")).text
        assert set(_links(last)) == {"prev"}
        found = (await c.get("/dashboard/pending?who=행정국")).text  # a search by person (department), kept encoded
        assert _links(found) == {"next": "/dashboard/pending?course=&cohort=&who=%ED%96%89%EC%A0%95%EA%B5%AD&page=2"}

        many = (await c.get("/dashboard/courses?year=2022&page=2")).text
        assert _links(many) == {"prev": "/dashboard/courses?q=&year=2022&page=1",
                                "next": "/dashboard/courses?q=&year=2022&page=3"}

        audit = (await c.get("/dashboard/audit?action=enrollment.view_pending")).text
        assert _links(audit) == {"next": "/dashboard/audit?action=enrollment.view_pending&page=2"}
        plain = (await c.get("/dashboard/audit?page=2")).text
        assert _links(plain)["prev"] == "/dashboard/audit?page=1"
