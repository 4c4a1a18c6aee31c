"""Exams: the rounds with every date (exact or to be announced), subscribers per round and how many gave their
interview time. Dates and slots are imported with `hrdbot import exams|interview-slots` (not from the browser yet)."""
from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from notifications.exams import calendar
from notifications.exams.config import EVENT_LABELS, ROUND_KIND_LABELS
from notifications.exams.subscriptions import subscriber_counts
from web.auth import Ctx, staff_page


@staff_page
async def exam_list(ctx: Ctx) -> Response:
    today = ctx.now.date()
    rounds = calendar.upcoming_first(await calendar.rounds(ctx.session), today)
    return ctx.page("exams.html", section="exams", rounds=rounds, counts=await subscriber_counts(ctx.session),
                    today=today, kind_label=lambda k: ctx.tr(ROUND_KIND_LABELS.get(k, k)),
                    event_label=lambda k: ctx.tr(EVENT_LABELS.get(k, k)))


def routes() -> list[Route]:
    return [Route("/exams", exam_list, name="exams")]
