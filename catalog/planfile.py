"""The yearly plan as one workbook, and next year's draft from this year's.

`export_plan()` writes a year's plan as XLSX: a `courses` sheet (every course with a cohort that year) and a
`cohorts` sheet (dates as real date cells), in exactly the columns the importers read, so export → import
changes nothing and exporting again gives the same cells. `plan_workbook()` validates both sheets with the
course and cohort importers (catalog/imports.py: every problem of every row, with the sheet's row numbers),
and `apply_plan()` of each writes them, all or nothing, in the caller's transaction.

`copy_plan()` drafts a year from another: day-dated cohorts on the same ISO week and weekday, month-, quarter-
and year-dated ones on the same period; capacities, tracks and settings carried over; cohorts that already
exist in the target year are left alone.
"""
from __future__ import annotations

import calendar
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from catalog.imports import (COURSE_OPTIONAL, COURSE_REQUIRED, FileProblem,
                             ImportPlan, ImportResult, Problem, Table, _check_unpacked_size, _clean_header,
                             _numbered_rows, apply_plan,
                             plan_cohorts, plan_courses)
from catalog.plan import ensure_year, is_published
from db.access import Actor, require_staff
from db.audit import record
from db.models import Cohort, Course
from locales import N_

COURSE_COLUMNS = (*COURSE_REQUIRED, *COURSE_OPTIONAL)
COHORT_COLUMNS = ("course_id", "year", "no", "start", "end", "precision", "capacity", "capacity_estimated",
                  "track", "track_en", "status", "apply_until")
SHEETS = ("courses", "cohorts")
UNLIMITED = "unlimited"


# -- export -------------------------------------------------------------------------------------------------------
def _course_cells(c: Course) -> list[Any]:
    values = {
        "id": c.id, "title": c.title, "category": c.category, "topic": c.topic, "delivery": c.delivery,
        "title_en": c.title_en, "duration_ko": c.duration_ko, "duration_en": c.duration_en, "hours": c.hours,
        "audience": c.audience, "audience_en": c.audience_en, "approval": c.approval,
        "keywords": ", ".join(c.keywords or []), "keywords_en": ", ".join(c.keywords_en or []),
        "aliases": ", ".join(c.aliases or []), "description": c.description, "description_en": c.description_en,
        "source": c.source, "active": bool(c.active), "venue": c.venue, "online_link": c.online_link,
        "bring": c.bring,
    }
    return [values[k] if values[k] != "" else None for k in COURSE_COLUMNS]


def _cohort_cells(c: Cohort) -> list[Any]:
    values = {
        "course_id": c.course_id, "year": c.year, "no": c.number, "start": c.start_on, "end": c.end_on,
        "precision": c.precision, "capacity": UNLIMITED if c.capacity is None else c.capacity,
        "capacity_estimated": bool(c.capacity_estimated), "track": c.track, "track_en": c.track_en,
        "status": c.status, "apply_until": c.apply_until,
    }
    return [values[k] for k in COHORT_COLUMNS]


async def plan_tables(session: AsyncSession, year: int) -> dict[str, list[list[Any]]]:
    """The year's plan as rows (header first) per sheet, courses by id and cohorts by course and number."""
    cohorts = list((await session.execute(
        select(Cohort).where(Cohort.year == year).order_by(Cohort.course_id, Cohort.number))).scalars())
    ids = sorted({c.course_id for c in cohorts})
    courses = list((await session.execute(select(Course).where(Course.id.in_(ids)).order_by(Course.id))).scalars())
    return {"courses": [list(COURSE_COLUMNS), *(_course_cells(c) for c in courses)],
            "cohorts": [list(COHORT_COLUMNS), *(_cohort_cells(c) for c in cohorts)]}


def write_workbook(tables: dict[str, list[list[Any]]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in tables.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, date):
                    cell.number_format = "yyyy-mm-dd"
        ws.freeze_panes = "A2"
    # A fixed modification time: the same plan gives the same file.
    wb.properties.created = wb.properties.modified = datetime(2000, 1, 1)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


async def export_plan(session: AsyncSession, year: int) -> tuple[bytes, int, int]:
    """(xlsx bytes, courses, cohorts) of the year's plan."""
    tables = await plan_tables(session, year)
    return write_workbook(tables), len(tables["courses"]) - 1, len(tables["cohorts"]) - 1


# -- import -------------------------------------------------------------------------------------------------------
def sheet_kind(title: str) -> str | None:
    """courses | cohorts | None, from a sheet's name (Korean 과정 / 회차 too)."""
    name = title.strip().lower()
    if "course" in name or "과정" in name:
        return "courses"
    return "cohorts" if "cohort" in name or "회차" in name else None


def is_plan_workbook(content: bytes) -> bool:
    """An XLSX workbook with a courses sheet and a cohorts sheet (what `hrdbot plan export` writes). Reads only the
    sheet names (after the zip-bomb check); slow enough to belong off the event loop."""
    from openpyxl import load_workbook

    if content[:4] != b"PK\x03\x04":
        return False
    _check_unpacked_size(content)
    try:
        wb = load_workbook(io.BytesIO(content), read_only=True)
    except Exception:  # noqa: BLE001 - not a workbook: the plain importer says why
        return False
    try:
        return {"courses", "cohorts"} <= {sheet_kind(title) for title in wb.sheetnames}
    finally:
        wb.close()


def read_workbook(content: bytes) -> dict[str, Table]:
    """The `courses` and `cohorts` sheets (found by name; Korean names 과정 / 회차 too) as tables."""
    from openpyxl import load_workbook

    if content[:4] != b"PK\x03\x04":
        raise FileProblem(Problem(N_("A plan file is an XLSX workbook with a courses sheet and a cohorts sheet.")))
    _check_unpacked_size(content)  # a zip bomb is refused before anything is expanded
    try:
        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - corrupt zip, not a workbook
        raise FileProblem(Problem(N_("The file looks like XLSX but cannot be opened ({error})."),
                                  {"error": type(exc).__name__})) from exc
    try:
        found: dict[str, Table] = {}
        for ws in wb.worksheets:
            kind = sheet_kind(ws.title)
            if kind is None or kind in found:
                continue
            raw = [list(r) for r in ws.iter_rows(values_only=True)]
            nonblank = [i for i, r in enumerate(raw) if any(v is not None and str(v).strip() for v in r)]
            if not nonblank:
                found[kind] = Table([], [])
                continue
            headers = [_clean_header(h) for h in raw[nonblank[0]]]
            found[kind] = Table(headers, _numbered_rows(headers, raw[nonblank[0] + 1:], start=nonblank[0] + 2))
    finally:
        wb.close()
    if "cohorts" not in found:
        raise FileProblem(Problem(N_("A plan file is an XLSX workbook with a courses sheet and a cohorts sheet.")))
    return found


@dataclass
class PlanImport:
    courses: ImportPlan | None
    cohorts: ImportPlan
    results: list[ImportResult] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.cohorts.ok and (self.courses is None or self.courses.ok)

    @property
    def applied(self) -> bool:
        return bool(self.results) and all(r.applied for r in self.results)

    def reported(self) -> list[ImportPlan]:
        """The sheets a report shows: both, or those with problems (all or nothing: the others were not imported)."""
        sheets = [p for p in (self.courses, self.cohorts) if p is not None]
        return sheets if self.ok else [p for p in sheets if not p.ok]

    def errors(self) -> list[tuple[str, Problem]]:
        out = [("courses", p) for p in (self.courses.errors if self.courses else [])]
        return out + [("cohorts", p) for p in self.cohorts.errors]


async def plan_workbook(session: AsyncSession, content: bytes, default_year: int) -> PlanImport:
    sheets = read_workbook(content)
    courses = None
    new_ids: set[str] = set()
    table = sheets.get("courses")
    if table is not None and table.rows:
        courses = await plan_courses(session, table)
        new_ids = {c.course_id for c in courses.changes if c.action == "added"}
    cohorts = await plan_cohorts(session, sheets["cohorts"], default_year, extra_courses=new_ids)
    return PlanImport(courses, cohorts)


async def import_plan(session: AsyncSession, content: bytes, now: datetime, *, actor: Actor, default_year: int,
                      dry_run: bool = False) -> PlanImport:
    """Validate both sheets; unless dry_run or any problem, write courses then cohorts (caller's transaction).
    Staff only; an applied plan is recorded in the audit log."""
    await require_staff(session, actor, "plan.import")
    found = await plan_workbook(session, content, default_year)
    if dry_run or not found.ok:
        return found
    if found.courses is not None:
        found.results.append(await apply_plan(session, found.courses, now))
    found.results.append(await apply_plan(session, found.cohorts, now))
    await record(session, actor, "plan.import", now=now, detail={
        "courses": found.courses.count("added") + found.courses.count("updated") if found.courses else 0,
        "cohorts": found.cohorts.count("added") + found.cohorts.count("updated"),
        "years": sorted(y for r in found.results for y in r.years)})
    return found


# -- copy ---------------------------------------------------------------------------------------------------------
def _same_week_and_weekday(day: date, years: int) -> date:
    iso_year, week, weekday = day.isocalendar()
    target = iso_year + years
    last_week = date(target, 12, 28).isocalendar()[1]  # 28 December is always in the last ISO week
    return date.fromisocalendar(target, min(week, last_week), weekday)


def _same_day_of_period(day: date, years: int) -> date:
    year = day.year + years
    return day.replace(year=year, day=min(day.day, calendar.monthrange(year, day.month)[1]))


def shifted(c: Cohort, years: int) -> tuple[date, date, date | None]:
    """(start, end, apply_until) of a cohort moved by whole years, as the plan copy does it."""
    if c.precision == "day":
        start = _same_week_and_weekday(c.start_on, years)
        delta = start - c.start_on
        return start, c.end_on + delta, (c.apply_until + delta) if c.apply_until else None
    start, end = _same_day_of_period(c.start_on, years), _same_day_of_period(c.end_on, years)
    return start, end, _same_day_of_period(c.apply_until, years) if c.apply_until else None


@dataclass
class CopyResult:
    source: int
    target: int
    added: list[tuple[str, int, date, date]] = field(default_factory=list)  # course, number, start, end
    existing: int = 0
    refused: str = ""  # source_empty | target_published


async def copy_plan(session: AsyncSession, source: int, target: int, now: datetime, *, actor: Actor,
                    dry_run: bool = False) -> CopyResult:
    await require_staff(session, actor, "plan.copy")
    result = CopyResult(source, target)
    if await is_published(session, target):
        result.refused = "target_published"
        return result
    cohorts = list((await session.execute(
        select(Cohort).join(Course, Course.id == Cohort.course_id)
        .where(Cohort.year == source, Course.active.is_(True)).order_by(Cohort.course_id, Cohort.number))).scalars())
    if not cohorts:
        result.refused = "source_empty"
        return result
    have = {tuple(r) for r in await session.execute(
        select(Cohort.course_id, Cohort.number).where(Cohort.year == target))}
    if not dry_run:
        await ensure_year(session, target, now)
    touched: set[str] = set()
    for c in cohorts:
        if (c.course_id, c.number) in have:
            result.existing += 1
            continue
        start, end, apply_until = shifted(c, target - source)
        result.added.append((c.course_id, c.number, start, end))
        if not dry_run:
            session.add(Cohort(course_id=c.course_id, year=target, number=c.number, start_on=start, end_on=end,
                               precision=c.precision, capacity=c.capacity, capacity_estimated=c.capacity_estimated,
                               track=c.track, track_en=c.track_en, status=c.status, apply_until=apply_until,
                               created_at=now))
            touched.add(c.course_id)
    if touched:
        for course in (await session.execute(select(Course).where(Course.id.in_(touched)))).scalars():
            course.updated_at = now  # running bots watch this (catalog_version)
        await record(session, actor, "plan.copy", now=now, target=str(target),
                     detail={"from": source, "cohorts": len(result.added)})
    await session.flush()
    return result


__all__ = ["export_plan", "plan_tables", "write_workbook", "read_workbook", "plan_workbook", "import_plan",
           "PlanImport", "copy_plan", "CopyResult", "shifted", "SHEETS", "COHORT_COLUMNS"]
