"""A file staff send to the bot: which kind it is (from its sheets and headers) and its import through the one
service of that kind, so the chat validates nothing of its own:

- a plan workbook (a courses sheet and a cohorts sheet, as `hrdbot plan export` writes): notifications.plans;
- an attendance sheet (course_id, no, employee_no | telegram_id, result): catalog.attendance;
- a course or cohort list (CSV/XLSX): notifications.news (catalog.imports).

Call it with dry_run=True for the report, then again (same bytes, same kind) to apply; each service re-validates
everything in the caller's transaction, all or nothing.
"""
from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from catalog.attendance import AttendanceResult, import_attendance, is_attendance
from catalog.imports import ImportPlan, read_table
from catalog.plan import current_year
from catalog.planfile import is_plan_workbook
from db.access import Actor, require_staff
from notifications.news import ImportOutcome, import_and_announce
from notifications.plans import PlanImportOutcome, import_plan_and_tell

PLAN, ATTENDANCE = "plan", "attendance"
KINDS = (PLAN, ATTENDANCE, "courses", "cohorts")


def _sniff(filename: str, content: bytes) -> str | None:
    if is_plan_workbook(content):
        return PLAN
    return ATTENDANCE if is_attendance(read_table(filename, content)) else None


async def file_kind(filename: str, content: bytes) -> str | None:
    """plan | attendance, or None for a course or cohort list (catalog.imports tells those apart). Raises
    FileProblem for a file that is not CSV or XLSX. Parsed off the event loop."""
    return await asyncio.to_thread(_sniff, filename, content)


@dataclass
class StaffFileOutcome:
    kind: str  # one of KINDS
    ok: bool  # no problem in any row
    applied: bool
    changes_something: bool  # something to apply (a dry run offers Apply only then)
    plan: PlanImportOutcome | None = None
    attendance: AttendanceResult | None = None
    catalog: ImportOutcome | None = None


def _changes(*plans: ImportPlan | None) -> bool:
    return any(p.count("added") or p.count("updated") for p in plans if p is not None)


async def import_staff_file(session: AsyncSession, filename: str, content: bytes, now: datetime, *, actor: Actor,
                            kind: str | None = None, dry_run: bool = False) -> StaffFileOutcome:
    """Check (dry_run) or apply a staff file of `kind` (detected when not given). Staff only."""
    await require_staff(session, actor, "import.file")
    if kind not in KINDS:
        kind = await file_kind(filename, content)
    if kind == PLAN:
        told = await import_plan_and_tell(session, content, now, actor=actor, dry_run=dry_run)
        found = told.plan
        return StaffFileOutcome(PLAN, found.ok, found.applied, _changes(found.courses, found.cohorts), plan=told)
    if kind == ATTENDANCE:
        table = await asyncio.to_thread(read_table, filename, content)
        result = await import_attendance(session, table, now, actor=actor, dry_run=dry_run,
                                         default_year=await current_year(session, now.date()))
        return StaffFileOutcome(ATTENDANCE, result.ok, result.applied, bool(result.changes), attendance=result)
    outcome = await import_and_announce(session, filename, content, now, actor=actor, kind=kind, dry_run=dry_run)
    found_plan = outcome.result.plan
    return StaffFileOutcome(found_plan.kind, found_plan.ok, outcome.result.applied, _changes(found_plan),
                            catalog=outcome)
