"""`hrdbot export enrollments --course ID (--xlsx FILE | --csv FILE)`: the roster a training coordinator needs."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.files import write_private
from bot.settings import Settings
from catalog.roster_files import roster_table, write_csv, write_xlsx
from locales import translator


def _export_parsers(sub: argparse._SubParsersAction) -> argparse._SubParsersAction:
    """`hrdbot export WHAT …` may be shared with other features: reuse it when another module made it first."""
    export = sub.choices.get("export") if sub.choices else None
    if export is None:
        export = sub.add_parser("export", help="export data for staff (enrollments roster as XLSX or CSV)")
    nested = next((a for a in export._actions if isinstance(a, argparse._SubParsersAction)), None)
    if nested is None:
        nested = export.add_subparsers(dest="what", required=True, metavar="WHAT")
    return nested


def add_commands(sub: argparse._SubParsersAction) -> None:
    p = _export_parsers(sub).add_parser(
        "enrollments", help="roster of one course: name, department, rank, cohort, dates, status",
        description="Every request of a course (all cohorts): who, which cohort, status, when requested and decided.")
    p.add_argument("--course", required=True, metavar="ID", help="course id, e.g. it-excel")
    out = p.add_mutually_exclusive_group(required=True)
    out.add_argument("--xlsx", metavar="FILE", type=Path, help="write an Excel workbook")
    out.add_argument("--csv", metavar="FILE", type=Path, help="write CSV (UTF-8 with BOM, opens in Excel)")
    p.set_defaults(func=cmd_export_enrollments)


async def cmd_export_enrollments(args) -> int:
    from catalog.enrollment import roster
    from db.access import Actor
    from db.models import Course
    from db.session import make_engine, make_sessionmaker, session_scope

    target: Path = args.xlsx or args.csv
    if target.exists() and target.is_dir():
        print(f"hrdbot export: {target} is a directory; give a file name", file=sys.stderr)
        return 2
    if not target.parent.exists():
        print(f"hrdbot export: cannot write {target}: no such directory {target.parent}", file=sys.stderr)
        return 2
    settings = Settings.from_env()
    tr = translator(settings.locale)
    engine = make_engine(settings.database_url)
    try:
        async with session_scope(make_sessionmaker(engine)) as session:  # commits the access record
            try:
                rows = await roster(session, Actor.operator(), args.course, now=settings.clock().now())
                course = await session.get(Course, args.course)
            except Exception as exc:  # noqa: BLE001 - a missing or unmigrated database
                print(f"hrdbot export: cannot read the database ({type(exc).__name__}); run `hrdbot db upgrade` "
                      f"first", file=sys.stderr)
                return 2
    finally:
        await engine.dispose()
    if rows is None:
        print(f"hrdbot export: unknown course {args.course!r} (see `hrdbot search` for course ids)", file=sys.stderr)
        return 2
    table = roster_table(rows, tr, settings.clock().now().date())
    content = write_xlsx(table, course.id if course else args.course) if args.xlsx else write_csv(table)
    try:
        write_private(target, content)
    except OSError as exc:
        print(f"hrdbot export: cannot write {target}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    print(f"{target}: {len(rows)} requests of {args.course}")
    return 0
