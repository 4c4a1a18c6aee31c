"""The staff's yearly plan cycle on the command line: `hrdbot cohorts --year Y [--json]` (and the plan commands)."""
from __future__ import annotations

import argparse
import json
import sys

from bot.settings import Settings


def add_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("cohorts", help="the cohorts of a plan year (drafts included), by course and number")
    p.add_argument("--year", type=int, help="plan year (default: the current plan year)")
    p.add_argument("--json", action="store_true",
                   help="print a JSON array: course_id, title, year, number, start, end, capacity, published, …")
    p.set_defaults(func=cmd_cohorts)


async def _open(settings: Settings):
    from bot.commands.core import _open as open_db

    return await open_db(settings)


def cohort_json(row) -> dict:
    return {"course_id": row.course_id, "title": row.title, "year": row.year, "number": row.number,
            "start": row.start_on.isoformat(), "end": row.end_on.isoformat(), "precision": row.precision,
            "capacity": row.capacity, "capacity_estimated": row.capacity_estimated, "track": row.track,
            "status": row.status, "apply_until": row.apply_until.isoformat() if row.apply_until else None,
            "published": row.published}


async def cmd_cohorts(args) -> int:
    from catalog.plan import cohort_rows, current_year
    from db.session import session_scope

    settings = Settings.from_env()
    engine, sessionmaker = await _open(settings)
    try:
        async with session_scope(sessionmaker) as session:
            year = args.year if args.year is not None else await current_year(session, settings.clock().now().date())
            rows = await cohort_rows(session, year)
    finally:
        await engine.dispose()
    if args.json:
        print(json.dumps([cohort_json(r) for r in rows], ensure_ascii=False, indent=1))
        return 0
    if not rows:
        print(f"no cohorts in the {year} plan", file=sys.stderr)
        return 0
    state = "published" if rows[0].published else "draft (not visible to employees)"
    print(f"{year} plan: {len(rows)} cohorts, {state}")
    for r in rows:
        when = r.start_on.isoformat() + (f" – {r.end_on.isoformat()}" if r.end_on != r.start_on else "")
        seats = "unlimited" if r.capacity is None else f"{r.capacity} seats"
        print(f"{r.course_id:28} #{r.number:<3} {when:25} {r.precision:8} {seats:14} {r.title}")
    return 0
