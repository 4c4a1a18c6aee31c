"""The staff's yearly plan cycle on the command line: `hrdbot cohorts --year Y [--json]` (and the plan commands)."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bot.commands.imports import register
from bot.settings import Settings
from db.access import Actor


def add_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("cohorts", help="the cohorts of a plan year (drafts included), by course and number")
    p.add_argument("--year", type=int, help="plan year (default: the current plan year)")
    p.add_argument("--json", action="store_true",
                   help="print a JSON array: course_id, title, year, number, start, end, capacity, published, …")
    p.set_defaults(func=cmd_cohorts)
    add_plan_commands(sub)


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


def add_plan_commands(sub: argparse._SubParsersAction) -> None:
    plan = sub.add_parser("plan", help="the yearly plan: export, import, copy to next year, publish",
                          description="The staff's yearly cycle: export → edit → import, or copy → edit → publish.")
    nested = plan.add_subparsers(dest="plan_command", required=True, metavar="ACTION")
    p = nested.add_parser("export", help="write a year's plan as XLSX (sheets: courses, cohorts)")
    p.add_argument("--year", type=int, help="plan year (default: the current plan year)")
    p.add_argument("--xlsx", required=True, type=Path, metavar="FILE")
    p.set_defaults(func=cmd_plan_export)
    p = nested.add_parser("import", help="read a plan workbook (as written by export): all or nothing")
    p.add_argument("file", type=Path, metavar="FILE")
    p.add_argument("--dry-run", action="store_true", help="validate and report what would change, change nothing")
    p.set_defaults(func=cmd_plan_import)
    p = nested.add_parser("copy", help="draft next year's cohorts from this year's (same week and weekday)")
    p.add_argument("--from", dest="source", type=int, required=True, metavar="YEAR")
    p.add_argument("--to", dest="target", type=int, required=True, metavar="YEAR")
    p.add_argument("--dry-run", action="store_true")
    p.set_defaults(func=cmd_plan_copy)
    p = nested.add_parser("publish", help="make a year's drafts visible and tell course-news subscribers")
    p.add_argument("year", type=int)
    p.set_defaults(func=cmd_plan_publish)
    p = nested.add_parser("years", help="list plan years: published or draft, cohorts, exam rounds")
    p.set_defaults(func=cmd_plan_years)


def _year_ok(year: int) -> bool:
    from catalog.plan import MAX_YEAR, MIN_YEAR

    if MIN_YEAR <= year <= MAX_YEAR:
        return True
    print(f"hrdbot plan: {year} is not a plan year ({MIN_YEAR}–{MAX_YEAR})", file=sys.stderr)
    return False


async def cmd_plan_export(args) -> int:
    from catalog.plan import current_year
    from catalog.planfile import export_plan
    from db.session import session_scope

    target: Path = args.xlsx
    if target.is_dir() or not target.parent.exists():
        print(f"hrdbot plan export: cannot write {target}", file=sys.stderr)
        return 2
    settings = Settings.from_env()
    engine, sessionmaker = await _open(settings)
    try:
        async with session_scope(sessionmaker) as session:
            year = args.year if args.year is not None else await current_year(session, settings.clock().now().date())
            if not _year_ok(year):
                return 2
            content, courses, cohorts = await export_plan(session, year)
    finally:
        await engine.dispose()
    try:
        target.write_bytes(content)
    except OSError as exc:
        print(f"hrdbot plan export: cannot write {target}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    print(f"{target}: the {year} plan, {courses} courses and {cohorts} cohorts")
    return 0


async def cmd_plan_import(args) -> int:
    from catalog.imports import FileProblem
    from db.session import session_scope
    from handlers.broadcasts.files import render_plan, render_problem
    from locales import translator
    from notifications.plans import import_plan_and_tell

    settings = Settings.from_env()
    tr = translator(settings.locale)
    try:
        content = args.file.read_bytes()
    except OSError as exc:
        print(f"hrdbot plan import: cannot read {args.file}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    now = settings.clock().now()
    engine, sessionmaker = await _open(settings)
    try:
        async with session_scope(sessionmaker) as session:
            try:
                outcome = await import_plan_and_tell(session, content, now, actor=Actor.operator(),
                                                     dry_run=args.dry_run)
            except FileProblem as exc:
                print(render_problem(exc.problem, tr, args.file.name), file=sys.stderr)
                return 1
    finally:
        await engine.dispose()
    found = outcome.plan
    out = sys.stdout if found.ok else sys.stderr
    for sheet, plan in (("courses", found.courses), ("cohorts", found.cohorts)):
        if plan is not None:
            print(f"[{sheet}]", file=out)
            print(render_plan(plan, tr, filename=args.file.name, applied=found.applied, notified=0), file=out)
    if found.applied:
        print(f"course news queued: {outcome.told}; people told their new dates: {outcome.moved}", file=out)
    return 0 if found.ok else 1


async def cmd_plan_copy(args) -> int:
    from catalog.planfile import copy_plan
    from db.session import session_scope

    if not (_year_ok(args.source) and _year_ok(args.target)):
        return 2
    if args.source == args.target:
        print("hrdbot plan copy: --from and --to are the same year", file=sys.stderr)
        return 2
    settings = Settings.from_env()
    engine, sessionmaker = await _open(settings)
    try:
        async with session_scope(sessionmaker) as session:
            result = await copy_plan(session, args.source, args.target, settings.clock().now(),
                                     actor=Actor.operator(), dry_run=args.dry_run)
    finally:
        await engine.dispose()
    if result.refused == "target_published":
        print(f"hrdbot plan copy: the {args.target} plan is already published; change it by import instead",
              file=sys.stderr)
        return 1
    if result.refused == "source_empty":
        print(f"hrdbot plan copy: the {args.source} plan has no cohorts of active courses", file=sys.stderr)
        return 1
    verb = "would draft" if args.dry_run else "drafted"
    print(f"{verb} {len(result.added)} cohorts of {args.target} from {args.source}"
          + (f"; {result.existing} already in {args.target}, left as they are" if result.existing else ""))
    for course_id, number, start, end in result.added[:20]:
        print(f"  {course_id:28} #{number:<3} {start.isoformat()} – {end.isoformat()}")
    if len(result.added) > 20:
        print(f"  … and {len(result.added) - 20} more (hrdbot cohorts --year {args.target})")
    if not args.dry_run and result.added:
        print(f"the {args.target} plan is a draft: check it (hrdbot plan export --year {args.target} --xlsx F), "
              f"then hrdbot plan publish {args.target}")
    return 0


async def cmd_plan_publish(args) -> int:
    from db.session import session_scope
    from notifications.plans import publish_year

    if not _year_ok(args.year):
        return 2
    settings = Settings.from_env()
    engine, sessionmaker = await _open(settings)
    try:
        async with session_scope(sessionmaker) as session:
            result = await publish_year(session, args.year, settings.clock().now(), actor=Actor.operator())
    finally:
        await engine.dispose()
    if result.already:
        print(f"the {args.year} plan is already published; nothing was sent")
        return 0
    if result.empty:
        print(f"hrdbot plan publish: the {args.year} plan has no cohorts and no exam rounds", file=sys.stderr)
        return 1
    print(f"published the {args.year} plan: {result.cohorts} cohorts of {result.courses} courses, "
          f"{result.rounds} exam rounds; course news queued for {result.notified} subscribers")
    return 0


async def cmd_plan_years(args) -> int:
    from catalog.plan import current_year, years
    from db.session import session_scope

    settings = Settings.from_env()
    engine, sessionmaker = await _open(settings)
    try:
        async with session_scope(sessionmaker) as session:
            found = await years(session)
            current = await current_year(session, settings.clock().now().date())
    finally:
        await engine.dispose()
    for y in found:
        state = "published" if y.published else "draft"
        mark = "  ← current plan" if y.year == current else ""
        print(f"{y.year}  {state:9}  {y.cohorts:4} cohorts  {y.rounds:3} exam rounds{mark}")
    return 0


async def import_attendance_file(path: Path, dry_run: bool) -> int:
    """`hrdbot import attendance FILE [--dry-run]`: who completed a cohort and who did not come."""
    from catalog.attendance import import_attendance
    from catalog.imports import FileProblem, read_table
    from catalog.plan import current_year
    from db.session import session_scope
    from handlers.broadcasts.files import render_problem
    from locales import translator

    settings = Settings.from_env()
    tr = translator(settings.locale)
    now = settings.clock().now()
    engine, sessionmaker = await _open(settings)
    try:
        async with session_scope(sessionmaker) as session:
            try:
                table = read_table(path.name, path.read_bytes())
                result = await import_attendance(session, table, now, actor=Actor.operator(), dry_run=dry_run,
                                                 default_year=await current_year(session, now.date()))
            except FileProblem as exc:
                print(render_problem(exc.problem, tr, path.name), file=sys.stderr)
                return 1
    finally:
        await engine.dispose()
    if not result.ok:
        for problem in result.plan.errors:
            print(f"{path.name}: {problem.render(tr)}", file=sys.stderr)
        print(f"import attendance: {len(result.plan.errors)} problem(s) in {result.plan.rows} row(s); "
              "nothing was changed", file=sys.stderr)
        return 1
    counts = result.counts()
    verb = "would record" if dry_run else "recorded"
    print(f"import attendance: {verb} {counts['completed']} completed and {counts['no_show']} did not attend "
          f"({counts['same']} row(s) already so)")
    return 0


register("attendance", import_attendance_file, "who completed a cohort: course_id, year, no, employee_no, result")
