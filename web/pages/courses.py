"""Courses and cohorts: seats, waitlists and state per cohort; the roster per cohort with XLSX/CSV downloads, where
staff record who completed a cohort and who did not come (through `catalog.attendance`, as the CLI import does)."""
from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from catalog import plan, stats
from catalog.attendance import OUTCOMES, RECORDABLE, outcome_counts, record_outcomes
from catalog.enrollment import roster, started
from catalog.roster_files import STATUS_NAMES, roster_table, shown_status, write_csv, write_xlsx
from db.models import Course
from locales.labels import APPROVAL, DELIVERY, category_path, label, rank_label
from web.auth import Ctx, staff_page
from web.pages.pending import MAX_BULK, page_number

MAX_QUERY = 60


async def _year(ctx: Ctx) -> tuple[int, list]:
    """The plan year asked for (?year=), else the current plan; and every year there is, for the choice."""
    known = await plan.years(ctx.session)
    raw = str(ctx.request.query_params.get("year") or "")
    if raw.isdigit() and int(raw) in {y.year for y in known}:
        return int(raw), known
    return plan.current_among(known, ctx.now.date()), known


@staff_page
async def course_list(ctx: Ctx) -> Response:
    q = str(ctx.request.query_params.get("q") or "")[:MAX_QUERY]
    page = page_number(ctx)
    size = ctx.config.page_size
    year, known = await _year(ctx)
    found = await stats.course_page(ctx.session, year=year, text=q, offset=(page - 1) * size, limit=size)
    return ctx.page("courses.html", section="courses", found=found, q=q, page=page, year=year, years=known,
                    category=lambda c: category_path(c, ctx.tr))


async def _course(ctx: Ctx) -> Course | None:
    course_id = str(ctx.request.path_params["course_id"])[:32]
    return await ctx.session.get(Course, course_id)


@staff_page
async def course_detail(ctx: Ctx) -> Response:
    course = await _course(ctx)
    if course is None:
        return ctx.page("missing.html", status=404)
    year, known = await _year(ctx)
    cohorts = await stats.cohort_rows(ctx.session, course.id, year)
    return ctx.page("course.html", section="courses", course=course, cohorts=cohorts, today=ctx.now.date(),
                    year=year, years=known, outcomes=await outcome_counts(ctx.session, [c.id for c in cohorts]),
                    delivery=label(DELIVERY, course.delivery, ctx.tr), approval=label(APPROVAL, course.approval, ctx.tr),
                    category=category_path(course.category, ctx.tr))


def _number(raw: object) -> int | None:
    raw = str(raw or "")
    return int(raw) if raw.isdigit() and len(raw) < 10 else None


async def _cohort(ctx: Ctx):
    """(course, cohort row) of the path, or None when either is unknown or they do not belong together."""
    course = await _course(ctx)
    cohort_id = _number(ctx.request.path_params.get("cohort_id"))
    if course is None or cohort_id is None:
        return None
    cohorts = await stats.cohort_rows(ctx.session, course.id, cohort_id=cohort_id)
    return (course, cohorts[0]) if cohorts else None


@staff_page
async def cohort_roster(ctx: Ctx) -> Response:
    found = await _cohort(ctx)
    if found is None:
        return ctx.page("missing.html", status=404)
    course, cohort = found
    # roster() checks the role and records the read of personal data (as an export: the same rows).
    rows = await roster(ctx.session, ctx.actor, course.id, now=ctx.now, cohort_id=cohort.id) or []
    today = ctx.now.date()
    completed, no_show = (await outcome_counts(ctx.session, [cohort.id])).get(cohort.id, (0, 0))
    return ctx.page("roster.html", section="courses", course=course, cohort=cohort, rows=rows, recordable=RECORDABLE,
                    can_record=started(cohort.start_on, cohort.end_on, cohort.precision, today),
                    completed=completed, no_show=no_show, msg=ctx.request.query_params.get("msg"),
                    n=_number(ctx.request.query_params.get("n")) or 0,
                    stale=_number(ctx.request.query_params.get("stale")) or 0,
                    status_of=lambda r: shown_status(r, today),
                    status_label=lambda s: ctx.tr(STATUS_NAMES[s]) if s in STATUS_NAMES else s,
                    rank=lambda r: rank_label(r, ctx.tr) if r else "")


@staff_page
async def record_attendance(ctx: Ctx) -> Response:
    """Mark the selected people (or the row's own button) completed or absent; the service checks the role, that
    each one is a confirmed learner of this cohort and that it has begun, and writes the access record."""
    found = await _cohort(ctx)
    if found is None:
        return ctx.page("missing.html", status=404)
    course, cohort = found
    back = f"/courses/{course.id}/cohorts/{cohort.id}"
    one = str(ctx.form.get("one") or "")  # "<enrollment id>:<outcome>" from a row's button
    if one:
        raw_id, _sep, outcome = one.partition(":")
        ids = [int(raw_id)] if raw_id.isdigit() and len(raw_id) < 10 else []
    else:
        outcome = str(ctx.form.get("outcome") or "")
        ids = [int(v) for v in ctx.form.getlist("ids") if str(v).isdigit() and len(str(v)) < 10][:MAX_BULK]
    if outcome not in OUTCOMES:
        return ctx.redirect(back)
    if not ids:
        return ctx.redirect(back, msg="none_selected")
    results = await record_outcomes(ctx.session, actor=ctx.actor, cohort_id=cohort.id, enrollment_ids=ids,
                                    outcome=outcome, now=ctx.now)
    if results["not_started"]:
        return ctx.redirect(back, msg="not_started")
    return ctx.redirect(back, msg=outcome, n=results["ok"], stale=sum(results.values()) - results["ok"] or None)


@staff_page
async def roster_download(ctx: Ctx) -> Response:
    course = await _course(ctx)
    if course is None:
        return ctx.page("missing.html", status=404)
    cohort_id = _number(ctx.request.query_params.get("cohort"))
    year = _number(ctx.request.query_params.get("year"))
    rows = await roster(ctx.session, ctx.actor, course.id, now=ctx.now, year=year, cohort_id=cohort_id) or []
    kind = ctx.request.path_params["kind"]
    table = roster_table(rows, ctx.tr, ctx.now.date())
    name = "-".join(str(p) for p in (course.id, year, rows[0].cohort_number if cohort_id and rows else None) if p)
    if kind not in ("xlsx", "csv"):
        return ctx.page("missing.html", status=404)
    if kind == "xlsx":
        content, media = write_xlsx(table, name), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        content, media = write_csv(table), "text/csv; charset=utf-8"
    return Response(content, media_type=media, headers={
        "Content-Disposition": f'attachment; filename="roster-{name}.{kind}"', "Cache-Control": "no-store"})


def routes() -> list[Route]:
    return [
        Route("/courses", course_list, name="courses"),
        Route("/courses/{course_id}", course_detail, name="course"),
        Route("/courses/{course_id}/cohorts/{cohort_id:int}", cohort_roster, name="roster"),
        Route("/courses/{course_id}/cohorts/{cohort_id:int}/attendance", record_attendance, methods=["POST"],
              name="attendance"),
        Route("/courses/{course_id}/roster.{kind:str}", roster_download, name="roster_download"),
    ]
