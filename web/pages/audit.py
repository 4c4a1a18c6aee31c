"""The access record (개인정보 접속기록): who did what to how many people, filterable by person, action and day,
one page at a time, and exportable as CSV."""
from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime, time, timedelta

from starlette.responses import Response
from starlette.routing import Route

from db import audit
from db.clock import SEOUL
from web.auth import Ctx, staff_page
from web.pages.pending import page_number


def _filters(ctx: Ctx) -> dict:
    q = ctx.request.query_params
    out: dict = {"actor": str(q.get("actor") or "").strip()[:80] or None,
                 "action": str(q.get("action") or "").strip()[:48] or None, "since": None, "until": None}
    for key in ("since", "until"):
        try:
            day = date.fromisoformat(str(q.get(key) or ""))
        except ValueError:
            continue
        moment = datetime.combine(day, time.min, SEOUL)
        out[key] = moment + timedelta(days=1) if key == "until" else moment  # "until" includes that day
    return out


def _form_values(ctx: Ctx) -> dict:
    q = ctx.request.query_params
    return {k: str(q.get(k) or "") for k in ("actor", "action", "since", "until")}


@staff_page
async def audit_list(ctx: Ctx) -> Response:
    page = page_number(ctx)
    size = ctx.config.page_size
    cached = ctx.config.cache.get("audit_actions")
    actions = cached[1] if cached and ctx.now - cached[0] < timedelta(minutes=1) else None
    found = await audit.search(ctx.session, ctx.actor, **_filters(ctx), offset=(page - 1) * size, limit=size,
                               actions=actions)
    ctx.config.cache["audit_actions"] = (ctx.now, found.actions) if actions is None else cached
    values = _form_values(ctx)
    from urllib.parse import urlencode

    return ctx.page("audit.html", section="audit", found=found, values=values, page=page,
                    query_string=urlencode({k: v for k, v in values.items() if v}),
                    detail=lambda d: json.dumps(d, ensure_ascii=False, sort_keys=True) if d else "")


@staff_page
async def audit_export(ctx: Ctx) -> Response:
    rows = await audit.matching(ctx.session, ctx.actor, **_filters(ctx))
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["id", "at", "actor", "actor_id", "role", "action", "target", "subjects", "detail"])
    for r in rows:
        writer.writerow([r.id, r.at.isoformat(), r.actor, r.actor_id or "", r.role, r.action, r.target or "",
                         r.subjects, json.dumps(r.detail, ensure_ascii=False, sort_keys=True) if r.detail else ""])
    return Response(buf.getvalue().encode("utf-8-sig"), media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": 'attachment; filename="audit.csv"', "Cache-Control": "no-store"})


def routes() -> list[Route]:
    return [Route("/audit", audit_list, name="audit"), Route("/audit.csv", audit_export, name="audit_export")]
