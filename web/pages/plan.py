"""Plan: upload a course or cohort file (CSV/XLSX), see the dry run row by row (what would be added or updated,
which fields change, every problem with its row), then apply — the same import as the chat and `hrdbot import`,
with the same course news to subscribers. The file rides from the dry run to "apply" in the form (with its digest),
so what is applied is exactly what was checked."""
from __future__ import annotations

import base64
import hashlib
import hmac

from starlette.responses import Response
from starlette.routing import Route

from catalog.imports import MAX_BYTES, FileProblem
from notifications.news import import_and_announce
from web.auth import Ctx, staff_page

SHOW = 500  # rows of a diff shown on one page


def _digest(ctx: Ctx, content: bytes) -> str:
    """Binds the carried file to this session: a form cannot swap in another file between check and apply."""
    return hmac.new(ctx.csrf.encode(), content, hashlib.sha256).hexdigest()


@staff_page
async def plan_form(ctx: Ctx) -> Response:
    return ctx.page("plan.html", section="plan", outcome=None, problem=None)


@staff_page
async def plan_check(ctx: Ctx) -> Response:
    """A new upload (dry run), or "apply" of the file carried by the dry-run page."""
    form = ctx.form
    upload = form.get("file")
    if upload is not None and hasattr(upload, "read"):
        name = (upload.filename or "file")[:100]
        content = await upload.read(MAX_BYTES + 1)
        apply = False
    else:
        name = str(form.get("name") or "file")[:100]
        try:
            content = base64.b64decode(str(form.get("content") or ""), validate=True)
        except ValueError:
            content = b""
        if not content or not hmac.compare_digest(str(form.get("digest") or ""), _digest(ctx, content)):
            return ctx.page("plan.html", section="plan", outcome=None, problem="stale", status=400)
        apply = True
    if not content:
        return ctx.page("plan.html", section="plan", outcome=None, problem="no_file", status=400)
    if len(content) > MAX_BYTES:
        return ctx.page("plan.html", section="plan", outcome=None, problem="too_big", status=413)
    try:
        outcome = await import_and_announce(ctx.session, name, content, ctx.now, actor=ctx.actor, dry_run=not apply)
    except FileProblem as exc:
        return ctx.page("plan.html", section="plan", outcome=None, problem="file", status=422,
                        file_problem=exc.problem.render(ctx.tr), name=name)
    if outcome.result.applied:
        ctx.after_commit(ctx.config.wake_dispatcher)
    plan = outcome.result.plan
    return ctx.page("plan.html", section="plan", outcome=outcome, plan=plan, name=name, problem=None,
                    show=SHOW, errors=[(e.row, e.column, ctx.tr(e.message, **e.values)) for e in plan.errors[:SHOW]],
                    changes=[c for c in plan.changes if c.action != "unchanged"][:SHOW],
                    carried=base64.b64encode(content).decode("ascii") if plan.ok and not apply else "",
                    digest=_digest(ctx, content))


def routes() -> list[Route]:
    return [Route("/plan", plan_form, name="plan"), Route("/plan", plan_check, methods=["POST"], name="plan_check")]
