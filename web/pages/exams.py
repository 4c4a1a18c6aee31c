"""Exams: the rounds with every date (exact or to be announced), subscribers per round and how many gave their
interview time; and the import of exam dates or interview slots (CSV/XLSX): upload, the dry run row by row, apply —
the same import as `hrdbot import exams|interview-slots`, with the same notices to subscribers of a changed date."""
from __future__ import annotations

from collections import Counter

from starlette.responses import Response
from starlette.routing import Route

from notifications.exams import calendar
from notifications.exams.config import EVENT_LABELS, ROUND_KIND_LABELS
from notifications.exams.imports import IMPORTERS, ImportFileError, check_or_import
from notifications.exams.subscriptions import subscriber_counts
from web import uploads
from web.auth import Ctx, staff_page

SHOW = 500  # rows of a diff shown on one page


async def _page(ctx: Ctx, status: int = 200, **values) -> Response:
    today = ctx.now.date()
    rounds = calendar.upcoming_first(await calendar.rounds(ctx.session), today)
    values.setdefault("kind", "exams")
    for key in ("result", "problem", "carried"):
        values.setdefault(key, None)
    return ctx.page("exams.html", status=status, section="exams", rounds=rounds,
                    counts=await subscriber_counts(ctx.session), today=today,
                    kind_label=lambda k: ctx.tr(ROUND_KIND_LABELS.get(k, k)),
                    event_label=lambda k: ctx.tr(EVENT_LABELS.get(k, k)), **values)


@staff_page
async def exam_list(ctx: Ctx) -> Response:
    return await _page(ctx)


@staff_page
async def exam_import(ctx: Ctx) -> Response:
    """A new upload (dry run), or "apply" of the file carried by the dry-run page."""
    upload = await uploads.received(ctx)
    kind = upload.kind if isinstance(upload, uploads.Upload) and upload.apply else str(ctx.form.get("kind") or "")
    if kind not in IMPORTERS:
        kind = "exams"
    if isinstance(upload, str):
        return await _page(ctx, uploads.STATUS[upload], problem=upload, kind=kind)
    try:  # the service checks the role, writes the access record and queues the subscribers' notices
        result = await check_or_import(ctx.session, kind, upload.name, upload.content, ctx.now, actor=ctx.actor,
                                       dry_run=not upload.apply, slot_keep_days=ctx.config.slot_keep_days)
    except ImportFileError as exc:
        return await _page(ctx, 422, problem="file", file_problem=exc.problem.render(ctx.tr), name=upload.name,
                           kind=kind)
    if result.notices:
        ctx.after_commit(ctx.config.wake_dispatcher)
    counts = Counter(c.action for c in result.changes)
    return await _page(ctx, kind=kind, name=upload.name, result=result, counts_by_action=counts,
                       round_title=lambda rid: ctx.tr.pick(*result.titles.get(rid, (rid, rid))),
                       errors=[(e.row, None, e.render(ctx.tr)) for e in result.errors[:SHOW]],
                       changes=[c for c in result.changes if c.action != "unchanged"][:SHOW],
                       carried=uploads.carry(ctx, upload, kind) if result.ok and not upload.apply else None)


def routes() -> list[Route]:
    return [Route("/exams", exam_list, name="exams"),
            Route("/exams", exam_import, methods=["POST"], name="exam_import")]
