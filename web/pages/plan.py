"""Plan: upload a staff file — a plan workbook (as `hrdbot plan export` writes), an attendance sheet, a course or
cohort list (CSV/XLSX) — see the dry run row by row (every change, every problem with its row), then apply exactly
the checked file as the kind it was checked as: the same service as the chat (notifications.staff_files), with the
same course news, date-change notices and completion records (upload → dry run → apply as in web/uploads.py)."""
from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from catalog import plan
from catalog.imports import FileProblem
from catalog.planfile import copy_plan
from notifications.plans import publish_year
from notifications.staff_files import import_staff_file
from web import uploads
from web.auth import Ctx, staff_page
from web.file_report import report


async def _page(ctx: Ctx, status: int = 200, **values) -> Response:
    """The plan page: the years (draft or published) with their actions, and the upload form."""
    for key in ("outcome", "problem", "carried"):
        values.setdefault(key, None)
    return ctx.page("plan.html", status=status, section="plan", years=await plan.years(ctx.session),
                    this_year=ctx.now.year, min_year=plan.MIN_YEAR, max_year=plan.MAX_YEAR, msg=ctx.request.query_params.get("msg"),
                    n=ctx.request.query_params.get("n"), year=ctx.request.query_params.get("year"), **values)


@staff_page
async def plan_form(ctx: Ctx) -> Response:
    return await _page(ctx)


def _year(raw: object) -> int | None:
    raw = str(raw or "")
    return int(raw) if raw.isdigit() and plan.MIN_YEAR <= int(raw) <= plan.MAX_YEAR else None


@staff_page
async def publish(ctx: Ctx) -> Response:
    """Publish a draft year: its cohorts become visible and course-news subscribers hear once per course."""
    year = _year(ctx.form.get("year"))
    if year is None:
        return ctx.redirect("/plan", msg="bad_year")
    result = await publish_year(ctx.session, year, ctx.now, actor=ctx.actor)
    if result.notified:
        ctx.after_commit(ctx.config.wake_dispatcher)
    msg = "already" if result.already else "empty" if result.empty else "published"
    return ctx.redirect("/plan", msg=msg, year=year, n=result.notified)


@staff_page
async def copy(ctx: Ctx) -> Response:
    """Copy a year's cohorts to another year as a draft (same weekday, shifted a year), to edit and publish."""
    source, target = _year(ctx.form.get("source")), _year(ctx.form.get("target"))
    if source is None or target is None or source == target:
        return ctx.redirect("/plan", msg="bad_year")
    result = await copy_plan(ctx.session, source, target, ctx.now, actor=ctx.actor)
    if result.refused:
        return ctx.redirect("/plan", msg=result.refused, year=target)
    return ctx.redirect("/plan", msg="copied", year=target, n=len(result.added))


@staff_page
async def plan_check(ctx: Ctx) -> Response:
    """A new upload (dry run), or "apply" of the file carried by the dry-run page, as the kind it was checked as."""
    upload = await uploads.received(ctx)
    if isinstance(upload, str):
        return await _page(ctx, uploads.STATUS[upload], problem=upload)
    try:  # the service tells the kind, checks the role, writes the access record and queues the notices
        outcome = await import_staff_file(ctx.session, upload.name, upload.content, ctx.now, actor=ctx.actor,
                                          kind=upload.kind or None, dry_run=not upload.apply)
    except FileProblem as exc:
        return await _page(ctx, 422, problem="file", file_problem=exc.problem.render(ctx.tr), name=upload.name)
    if outcome.applied:
        ctx.after_commit(ctx.config.wake_dispatcher)
    return await _page(ctx, outcome=outcome, report=report(outcome, ctx.tr, name=upload.name),
                       carried=uploads.carry(ctx, upload, outcome.kind) if outcome.ok and not upload.apply else None)


def routes() -> list[Route]:
    return [Route("/plan", plan_form, name="plan"), Route("/plan", plan_check, methods=["POST"], name="plan_check"),
            Route("/plan/publish", publish, methods=["POST"], name="plan_publish"),
            Route("/plan/copy", copy, methods=["POST"], name="plan_copy")]
