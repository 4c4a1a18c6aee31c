"""Overview: this year's plan at a glance — requests per day, fill rate per category, waitlists, pending
requests, the next exam dates and broadcasts in progress."""
from __future__ import annotations

import asyncio
import logging
from datetime import date, datetime, timedelta

from markupsafe import Markup
from starlette.responses import Response
from starlette.routing import Route

from catalog import stats
from db.logsafe import describe, one_line
from db.session import session_scope
from locales.labels import CATEGORY_EN
from notifications.broadcasts import service as broadcasts
from notifications.exams import calendar
from notifications.exams.config import EVENT_LABELS
from web.auth import Ctx, staff_page
from web.charts import Bar, columns, meters
from web.config import WebConfig

DAYS = 30
FRESH = timedelta(minutes=1)  # the overview's aggregates over every request are reused this long per process
log = logging.getLogger(__name__)


async def _figures(ctx: Ctx) -> tuple[stats.Overview, datetime]:
    """The aggregates (a few table scans at 100,000 requests, ~50 ms of database time), computed at most once a
    minute per process and off the request path: a view that finds them older than a minute (or of yesterday) shows
    them, saying as of when, and starts one refresh in the background. Only the first view after the process starts
    waits, and views arriving together then wait for one computation, not one each."""
    today, cache = ctx.now.date(), ctx.config.cache
    cached = cache.get("overview")
    if cached is None:
        async with cache.setdefault("overview_lock", asyncio.Lock()):
            cached = cache.get("overview")
            if cached is None:
                cached = cache["overview"] = (today, ctx.now, await stats.overview(ctx.session, today, DAYS))
    elif (cached[0] != today or ctx.now - cached[1] >= FRESH) and "overview_refresh" not in cache:
        task = cache["overview_refresh"] = asyncio.create_task(_refresh(ctx.config, today, ctx.now))
        task.add_done_callback(lambda _t: cache.pop("overview_refresh", None))
    return cached[2], cached[1]


async def _refresh(config: WebConfig, today: date, now: datetime) -> None:
    try:
        async with session_scope(config.sessionmaker) as session:
            figures = await stats.overview(session, today, DAYS)
    except Exception as exc:  # the old figures stay; the next view tries again
        log.warning("overview figures not refreshed: %s", one_line(exc), extra=describe(exc))
        return
    config.cache["overview"] = (today, now, figures)


def _charts(ctx: Ctx, figures: stats.Overview) -> tuple[Markup, Markup]:
    """The two SVG charts, drawn once per language for each set of figures (they change once a minute at most)."""
    key = ("overview_charts", ctx.tr.lang)
    cached = ctx.config.cache.get(key)
    if cached is not None and cached[0] is figures:
        return cached[1]
    _ = ctx.tr
    per_day = [Bar(f"{d.month}/{d.day}" if (DAYS - 1 - i) % 7 == 0 else "", n,  # a tick a week, ending today
                   _("{day}: {n} requests", day=ctx.tr.date(d), n=n))
               for i, (d, n) in enumerate(figures.requests_per_day)]
    fill = [Bar(_category(ctx, f.category), f.rate,
                _("{category}: {taken} of {capacity} seats", category=_category(ctx, f.category),
                  taken=ctx.tr.number(f.taken), capacity=ctx.tr.number(f.capacity)))
            for f in figures.fill]
    charts = (columns(per_day, name=_("Requests per day, last {days} days", days=DAYS)),
              meters(fill, name=_("Seats taken per category in {year}", year=figures.year)))
    ctx.config.cache[key] = (figures, charts)
    return charts


@staff_page
async def overview(ctx: Ctx) -> Response:
    today = ctx.now.date()
    figures, as_of = await _figures(ctx)
    requests_chart, fill_chart = _charts(ctx, figures)
    upcoming = []
    for r in calendar.upcoming_first(await calendar.rounds(ctx.session), today):
        nxt = r.next_event(today)
        if nxt is not None:
            upcoming.append((r, nxt, ctx.tr(EVENT_LABELS.get(nxt.kind, nxt.kind))))
        if len(upcoming) == 5:
            break
    sending = [p for p in await broadcasts.recent(ctx.session, limit=20) if p.unfinished]
    return ctx.page(
        "overview.html", figures=figures, section="overview", as_of=as_of,
        requests_chart=requests_chart, fill_chart=fill_chart,
        requests_total=sum(n for _d, n in figures.requests_per_day), fill=figures.fill,
        category=lambda c: _category(ctx, c), upcoming=upcoming, sending=sending,
    )


def _category(ctx: Ctx, category: str) -> str:
    return CATEGORY_EN.get(category, category) if ctx.tr.lang == "en" else category


def routes() -> list[Route]:
    return [Route("/", overview, name="overview")]
