"""Pending requests: filter by course and cohort, find a person, approve or reject one or many.

Decisions go through the same service as the chat (`catalog.enrollment.approve/reject`), which writes the
employee's notice to the outbox in the same transaction: the employee is told exactly as when staff decide
in the chat. A request someone else decided meanwhile is reported, not decided twice.
"""
from __future__ import annotations

import unicodedata

from starlette.responses import Response
from starlette.routing import Route

from catalog import enrollment as svc
from catalog.queue import pending_page
from locales.labels import REJECT_REASONS, rank_label
from web.auth import Ctx, staff_page

MAX_REASON = 500
MAX_BULK = 200  # one form never decides more than a page's worth
MAX_WHO = 40  # a name, a department or an employee number


def clean_reason(text: str) -> str:
    """A typed reason as one line without control characters."""
    return " ".join("".join(ch for ch in text if ch.isspace() or unicodedata.category(ch) != "Cc").split())


def page_number(ctx: Ctx) -> int:
    q = ctx.request.query_params if ctx.form is None else ctx.form
    raw = str(q.get("page") or "1")
    return min(max(int(raw), 1), 100_000) if raw.isdigit() and len(raw) < 7 else 1


def _filters(ctx: Ctx) -> dict:
    q = ctx.request.query_params if ctx.form is None else ctx.form
    course = str(q.get("course") or "")[:32] or None
    cohort = str(q.get("cohort") or "")
    return {"course": course, "cohort": int(cohort) if cohort.isdigit() and len(cohort) < 7 and course else None,
            "who": " ".join(str(q.get("who") or "").split())[:MAX_WHO], "page": page_number(ctx)}


@staff_page
async def pending_list(ctx: Ctx) -> Response:
    f = _filters(ctx)
    size = ctx.config.page_size
    found = await pending_page(ctx.session, ctx.actor, now=ctx.now, course_id=f["course"], cohort_number=f["cohort"],
                               who=f["who"], offset=(f["page"] - 1) * size, limit=size)
    return ctx.page("pending.html", section="pending", found=found, filters=f, reasons=REJECT_REASONS,
                    rank=lambda r: rank_label(r, ctx.tr) if r else "", max_reason=MAX_REASON, max_who=MAX_WHO)


def _ids(ctx: Ctx) -> list[int]:
    out = []
    for raw in ctx.form.getlist("ids"):
        if str(raw).isdigit() and len(out) < MAX_BULK:
            out.append(int(raw))
    return out


def _reason(ctx: Ctx) -> tuple[str | None, str | None]:
    """(reason, problem): a preset by index, or a typed one."""
    typed = clean_reason(str(ctx.form.get("reason_text") or ""))
    preset = str(ctx.form.get("reason_preset") or "")
    if typed:
        if len(typed) > MAX_REASON:
            return None, "too_long"
        return typed, None
    if preset.isdigit() and int(preset) < len(REJECT_REASONS):
        return REJECT_REASONS[int(preset)], None
    return None, "no_reason"


async def _decide(ctx: Ctx, ids: list[int], action: str, reason: str | None) -> tuple[int, int]:
    """(done, already decided by someone else)."""
    done = stale = 0
    for enrollment_id in ids:
        if action == "approve":  # the services check the role and write the access record themselves
            result = await svc.approve(ctx.session, enrollment_id=enrollment_id, actor=ctx.actor, now=ctx.now)
        else:
            result = await svc.reject(ctx.session, enrollment_id=enrollment_id, actor=ctx.actor, now=ctx.now,
                                      reason=reason or "")
        if result.ok:
            done += 1
        else:
            stale += 1
    return done, stale


@staff_page
async def pending_decide(ctx: Ctx) -> Response:
    f = _filters(ctx)
    back = {"course": f["course"], "cohort": f["cohort"], "who": f["who"] or None,
            "page": f["page"] if f["page"] > 1 else None}
    if str(ctx.form.get("approve") or "").isdigit():  # the row's own button
        ids, action = [int(ctx.form["approve"])], "approve"
    else:
        ids, action = _ids(ctx), str(ctx.form.get("action") or "")
    if action not in ("approve", "reject"):
        return ctx.redirect("/pending", **back)
    if not ids:
        return ctx.redirect("/pending", **back, msg="none_selected")
    reason = None
    if action == "reject":
        reason, problem = _reason(ctx)
        if problem:
            return ctx.redirect("/pending", **back, msg=problem)
    done, stale = await _decide(ctx, ids, action, reason)
    if done:
        ctx.after_commit(ctx.config.wake_dispatcher)
    return ctx.redirect("/pending", **back, msg="approved" if action == "approve" else "rejected", n=done,
                        stale=stale or None)


@staff_page
async def reject_form(ctx: Ctx) -> Response:
    raw = ctx.request.path_params["enrollment_id"]
    view = await svc.get_enrollment(ctx.session, raw)
    if view is None or view.status != "pending":
        return ctx.redirect("/pending", msg="stale_one")
    return ctx.page("reject.html", section="pending", view=view, reasons=REJECT_REASONS, max_reason=MAX_REASON,
                    problem=ctx.request.query_params.get("msg"))


@staff_page
async def reject_one(ctx: Ctx) -> Response:
    enrollment_id = ctx.request.path_params["enrollment_id"]
    reason, problem = _reason(ctx)
    if problem:
        return ctx.redirect(f"/pending/{enrollment_id}/reject", msg=problem)
    done, _stale = await _decide(ctx, [enrollment_id], "reject", reason)
    if done:
        ctx.after_commit(ctx.config.wake_dispatcher)
    return ctx.redirect("/pending", msg="rejected" if done else "stale_one", n=done)


def routes() -> list[Route]:
    return [
        Route("/pending", pending_list, name="pending"),
        Route("/pending/decide", pending_decide, methods=["POST"], name="pending_decide"),
        Route("/pending/{enrollment_id:int}/reject", reject_form, name="reject_form"),
        Route("/pending/{enrollment_id:int}/reject", reject_one, methods=["POST"], name="reject_one"),
    ]
