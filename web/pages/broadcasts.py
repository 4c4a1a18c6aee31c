"""Broadcasts: compose with the chat's audiences, see the live count and the exact Telegram message, send now or
schedule, cancel; progress (sent, unreachable, waiting) with a delivery chart.

Composing is two plain form posts (compose → preview → send or schedule); nothing is written before the last one.
The count of the chosen audience is on the compose page: a few lines of script (static/compose.js) ask
/broadcasts/count as the choice changes; without script the "count" button posts the form back to the compose page.
"""
from __future__ import annotations

import html
from datetime import date, datetime

from markupsafe import Markup
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from catalog.courses import active_courses
from catalog.topics import TOPICS
from db.clock import to_seoul
from locales import LANGUAGES
from locales.labels import BROADCAST_STATUS
from notifications.broadcasts import service as bc
from notifications.broadcasts.audiences import (LANGUAGE_LABELS, BadAudience, course_cohorts, describe,
                                                describe_audience, exam_rounds)
from web.auth import Ctx, staff_page
from web.charts import Bar, meters

STATUSES = {"all": ["confirmed", "pending", "waitlisted"], "enrolled": ["confirmed", "pending"], "waitlisted": ["waitlisted"]}
PROBLEMS = ("empty", "too_long", "bad_audience", "bad_time", "past_time")


async def _audience(ctx: Ctx, form) -> dict | None:
    """The audience choice of the compose form as the service's spec (None: nothing usable chosen, or a cohort that
    is not a published cohort of the chosen course)."""
    choice = str(form.get("audience") or "")
    if choice in ("topic", "exam"):  # the radio button next to its select: the select says which
        choice = str(form.get(f"audience_{choice}") or "")
    kind, _sep, arg = choice.partition(":")
    if kind == "everyone":
        return {"kind": "everyone"}
    if kind in ("language", "topic", "exam") and arg:
        key = {"language": "language", "topic": "topic", "exam": "round_id"}[kind]
        return {"kind": kind, key: arg}
    if kind == "course":
        course_id = str(form.get("course_id") or "")[:32]
        statuses = STATUSES.get(str(form.get("statuses") or "all"), STATUSES["all"])
        if not course_id:
            return None
        cohort = str(form.get("cohort") or "")
        if not cohort:
            return {"kind": "course", "course_id": course_id, "statuses": statuses}
        offered = {c[0] for c in await course_cohorts(ctx.session, course_id)}
        if not cohort.isdigit() or int(cohort) not in offered:
            return None
        return {"kind": "cohort", "cohort_id": int(cohort), "statuses": statuses}
    return None


async def _count_text(ctx: Ctx, spec: dict | None) -> str:
    """"people using the bot in Korean: 4 people", as the chat says it; or what is missing."""
    try:
        if spec is not None:
            info = await describe(ctx.session, spec)
            return describe_audience(info.label, info.count, ctx.tr)
    except BadAudience:
        pass
    return ctx.tr("Please choose who gets the message.")


async def _cohorts(ctx: Ctx, course_id: str) -> list[tuple[int, str]]:
    return [(cid, ctx.tr("Cohort #{number} ({start})", number=n, start=ctx.tr.date(date.fromisoformat(start))))
            for cid, n, start in await course_cohorts(ctx.session, course_id)]


def _when(ctx: Ctx, raw: str) -> tuple[datetime | None, str | None]:
    """A datetime-local value (Seoul) → moment; (None, problem) when unusable."""
    try:
        at = to_seoul(datetime.fromisoformat(raw.strip()))
    except ValueError:
        return None, "bad_time"
    if at <= ctx.now:
        return None, "past_time"
    return at, None


async def _choices(ctx: Ctx) -> dict:
    return {
        "topics": [(key, ctx.tr(label)) for key, label in TOPICS.items()],
        "languages": [(code, ctx.tr(LANGUAGE_LABELS[code])) for code in LANGUAGES],
        "rounds": [(rid, ctx.tr.pick(t, t_en)) for rid, t, t_en in await exam_rounds(ctx.session)],
        "courses": [(c.id, ctx.tr.pick(c.title, c.title_en)) for c in await active_courses(ctx.session)],
    }


def _progress_chart(ctx: Ctx, p: bc.Progress) -> Markup:
    total = max(p.total, 1)
    parts = [(ctx.tr("Sent"), p.sent), (ctx.tr("Unreachable"), p.unreachable), (ctx.tr("Failed"), p.failed),
             (ctx.tr("Waiting"), p.pending), (ctx.tr("Cancelled"), p.cancelled)]
    return meters([Bar(label, n / total, f"{label}: {ctx.tr.number(n)}") for label, n in parts],
                  name=ctx.tr("Delivery of broadcast #{id}", id=p.id))


@staff_page
async def broadcast_list(ctx: Ctx) -> Response:
    items = await bc.recent(ctx.session, limit=20)
    return ctx.page("broadcasts.html", section="broadcasts", items=items,
                    status_label=lambda s: ctx.tr(BROADCAST_STATUS.get(s, s)))


@staff_page
async def broadcast_detail(ctx: Ctx) -> Response:
    p = await bc.progress(ctx.session, ctx.request.path_params["broadcast_id"])
    if p is None:
        return ctx.page("missing.html", status=404)
    try:
        info = await describe(ctx.session, p.audience)
        audience = describe_audience(info.label, p.total or info.count, ctx.tr)
    except BadAudience:
        audience = ""
    return ctx.page("broadcast.html", section="broadcasts", p=p, audience=audience, chart=_progress_chart(ctx, p),
                    status_label=ctx.tr(BROADCAST_STATUS.get(p.status, p.status)),
                    preview=_preview(ctx, {**await _course_params(ctx, p.course_id), "text": p.text}))


async def _course_params(ctx: Ctx, course_id: str | None) -> dict:
    try:
        return await bc.notice_params(ctx.session, "", course_id, None) if course_id else {}
    except bc.BroadcastError:
        return {}


def _preview(ctx: Ctx, params: dict) -> dict | None:
    """The Telegram message as recipients in the staff member's language will see it (text and buttons)."""
    if ctx.config.render_notice is None:
        return None
    rendered = ctx.config.render_notice("broadcast", {k: v for k, v in params.items() if v not in (None, "")},
                                        ctx.tr.lang)
    # The renderer's text is Telegram HTML limited to a few formatting tags (the staff text was escaped).
    return {"html": Markup(rendered.text), "buttons": [b.text for row in rendered.buttons for b in row]}


async def _compose_page(ctx: Ctx, form, problem: str | None = None, status: int = 200) -> Response:
    choices = await _choices(ctx)
    course_id = str(form.get("course_id") or "") or (choices["courses"][0][0] if choices["courses"] else "")
    return ctx.page("compose.html", section="broadcasts", form=form, problem=problem, statuses=list(STATUSES),
                    status=status, cohorts=await _cohorts(ctx, course_id),
                    count_text=await _count_text(ctx, await _audience(ctx, {"audience": "everyone", **form})),
                    **choices)


@staff_page
async def compose(ctx: Ctx) -> Response:
    """GET: a new composer (with the count of everyone); POST: the "count" button without script (form kept)."""
    if ctx.form is not None:
        return await _compose_page(ctx, ctx.form)
    return await _compose_page(ctx, {}, problem=ctx.request.query_params.get("msg"))


@staff_page
async def count(ctx: Ctx) -> Response:
    """The composer's live count (and the chosen course's cohorts), for its script: nothing is written."""
    query = ctx.request.query_params
    return JSONResponse({"text": await _count_text(ctx, await _audience(ctx, query)),
                         "cohorts": await _cohorts(ctx, str(query.get("course_id") or "")[:32])},
                        headers={"Cache-Control": "no-store"})


@staff_page
async def preview(ctx: Ctx) -> Response:
    """The second step: the count and the exact message; the form's values ride along in hidden fields."""
    form = ctx.form
    text = str(form.get("text") or "").strip()
    spec = await _audience(ctx, form)
    problem = "empty" if not text else "too_long" if len(html.escape(text)) > bc.MAX_TEXT else None
    info = None
    if spec is None:
        problem = problem or "bad_audience"
    else:
        try:
            info = await describe(ctx.session, spec)
        except BadAudience:
            problem = problem or "bad_audience"
    attach = str(form.get("attach") or "")[:32]
    if problem:
        return await _compose_page(ctx, form, problem=problem, status=422)
    params = {**await _course_params(ctx, attach or None), "text": html.escape(text)}
    return ctx.page("preview.html", section="broadcasts", form=form, preview=_preview(ctx, params),
                    audience=describe_audience(info.label, info.count, ctx.tr), count=info.count,
                    unreachable=info.unreachable)


@staff_page
async def create(ctx: Ctx) -> Response:
    form = ctx.form
    spec = await _audience(ctx, form)
    at = None
    if form.get("when") == "later":
        at, problem = _when(ctx, str(form.get("at") or ""))
        if problem:
            return ctx.redirect("/broadcasts/new", msg=problem)
    try:
        b = await bc.create_broadcast(ctx.session, actor=ctx.actor, text=html.escape(str(form.get("text") or "").strip()),
                                      audience=spec or {}, now=ctx.now, course_id=str(form.get("attach") or "") or None)
        b = await bc.schedule_broadcast(ctx.session, b.id, at, ctx.now, actor=ctx.actor)
    except bc.BroadcastError as exc:
        await ctx.session.rollback()
        return ctx.redirect("/broadcasts/new", msg=str(exc) if str(exc) in PROBLEMS else "bad_audience")
    ctx.after_commit(ctx.config.wake_dispatcher)
    return ctx.redirect(f"/broadcasts/{b.id}", msg="scheduled" if at else "sending")


@staff_page
async def cancel(ctx: Ctx) -> Response:
    broadcast_id = ctx.request.path_params["broadcast_id"]
    try:
        result = await bc.cancel_broadcast(ctx.session, broadcast_id, ctx.now, actor=ctx.actor)
    except bc.BroadcastError:
        return ctx.page("missing.html", status=404)
    return ctx.redirect(f"/broadcasts/{broadcast_id}", msg="already" if result.already else "cancelled",
                        n=result.cancelled)


def routes() -> list[Route]:
    return [
        Route("/broadcasts", broadcast_list, name="broadcasts"),
        Route("/broadcasts/new", compose, methods=["GET", "POST"], name="compose"),
        Route("/broadcasts/count", count, name="broadcast_count"),
        Route("/broadcasts/preview", preview, methods=["POST"], name="broadcast_preview"),
        Route("/broadcasts/create", create, methods=["POST"], name="broadcast_create"),
        Route("/broadcasts/{broadcast_id:int}", broadcast_detail, name="broadcast"),
        Route("/broadcasts/{broadcast_id:int}/cancel", cancel, methods=["POST"], name="broadcast_cancel"),
    ]
