"""`hrdbot export enrollments --course ID (--xlsx FILE | --csv FILE)`: the roster a training coordinator needs."""
from __future__ import annotations

import argparse
import csv
import io
import sys
from datetime import date, datetime
from pathlib import Path

from bot.settings import Settings
from locales import N_, translator

COLUMNS = (
    N_("Name"), N_("Department"), N_("Rank"), N_("Employee no."), N_("Cohort"), N_("Track"), N_("Start"), N_("End"),
    N_("Dates"), N_("Status"), N_("Waitlist position"), N_("Requested at"), N_("Decided at"), N_("Reason"),
)
STATUS_NAMES = {
    "pending": N_("pending approval"), "confirmed": N_("confirmed"), "waitlisted": N_("waitlisted"),
    "rejected": N_("rejected"), "cancelled": N_("cancelled"), "completed": N_("completed"),
}


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


def _fmt_moment(value) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else ""


def _day(value) -> date | str:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return ""


def roster_table(rows, tr, today=None) -> list[list]:
    """One row per request. The retirement sign-up's answers (expected retirement, family programme) get their own
    columns when any request of the course has them, since the coordinator plans the family trip from them."""
    details = [getattr(r, "details", None) or {} for r in rows]
    with_retirement = any(d.get("retirement_on") for d in details)
    with_family = any("family_programme" in d for d in details)
    header = [tr(c) for c in COLUMNS]
    if with_retirement:
        header.append(tr("Expected retirement"))
    if with_family:
        header.append(tr("Family programme"))
    table: list[list] = [header]
    for r, d in zip(rows, details):
        status = "completed" if r.status == "confirmed" and today is not None and r.end_on < today else r.status
        row = [
            r.full_name, r.department, r.rank, r.employee_no, r.cohort_number, r.track or "", r.start_on, r.end_on,
            tr.period(r.start_on, r.end_on, r.precision), tr(STATUS_NAMES[status]) if status in STATUS_NAMES else status,
            r.position or "", _fmt_moment(r.requested_at), _fmt_moment(r.decided_at), tr(r.reason) if r.reason else "",
        ]
        if with_retirement:
            row.append(_day(d["retirement_on"]) if d.get("retirement_on") else "")
        if with_family:
            row.append("" if "family_programme" not in d else
                       tr("yes, with my family") if d["family_programme"] else tr("no"))
        table.append(row)
    return table


def write_xlsx(table: list[list], title: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = (title or "roster")[:31].translate({ord(ch): "_" for ch in "[]:*?/\\"})
    for row in table:
        ws.append(row)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for col in ("G", "H", "O"):
        for cell in ws[col][1:]:
            if isinstance(cell.value, (date, datetime)):
                cell.number_format = "yyyy-mm-dd"
    widths = [12, 14, 8, 12, 6, 12, 11, 11, 30, 12, 8, 17, 17, 30, 12, 16]
    for i, width in enumerate(widths):
        ws.column_dimensions[chr(ord("A") + i)].width = width
    ws.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def write_csv(table: list[list]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf)
    for row in table:
        writer.writerow([v.isoformat() if hasattr(v, "isoformat") else v for v in row])
    return buf.getvalue().encode("utf-8-sig")


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
        target.write_bytes(content)
    except OSError as exc:
        print(f"hrdbot export: cannot write {target}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    print(f"{target}: {len(rows)} requests of {args.course}")
    return 0
