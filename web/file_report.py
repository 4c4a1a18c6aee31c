"""A staff file's import outcome (notifications.staff_files) as the plan page shows it: the chat's sentences
(locales/import_reports.py), every problem and every change by row, in the reader's language."""
from __future__ import annotations

from dataclasses import dataclass

from catalog.attendance import AttendanceResult
from catalog.imports import ImportPlan
from catalog.roster_files import STATUS_NAMES
from locales import Translator
from locales import import_reports as say
from locales.labels import cohort_no
from notifications.staff_files import StaffFileOutcome

SHOW = 500  # rows of a table shown on one page


@dataclass(frozen=True)
class Part:
    """One list, or one sheet of a plan workbook: its counts, or its problems; its changes."""

    heading: str
    summary: str = ""  # the counts; empty when the part has problems
    problems: tuple[tuple[int | None, str | None, str], ...] = ()  # (row, column, text), the first SHOW
    problem_count: int = 0
    changes: tuple[tuple[str, str, str], ...] = ()  # a list: (what, added | updated, fields)
    outcomes: tuple[tuple[int, str, str, str, str], ...] = ()  # attendance: (row, who, cohort, before, after)


@dataclass(frozen=True)
class Report:
    heading: str
    parts: tuple[Part, ...]
    told: tuple[str, ...]  # who hears about it (applied)


def _problems(plan: ImportPlan, tr: Translator) -> dict:
    return {"problems": tuple((e.row, e.column, tr(e.message, **e.values)) for e in plan.errors[:SHOW]),
            "problem_count": len(plan.errors)}


def _list(plan: ImportPlan, tr: Translator, *, name: str, applied: bool, heading: bool = True) -> Part:
    title = say.list_heading(tr, name=name, kind=plan.kind, rows=plan.rows) if heading else ""
    if not plan.ok:
        return Part(title, **_problems(plan, tr))
    changes = tuple((c.key, tr("added") if c.action == "added" else tr("updated"), ", ".join(c.changed))
                    for c in plan.changes if c.action != "unchanged")[:SHOW]
    return Part(title, say.list_counts(tr, applied=applied, added=plan.count("added"),
                                       updated=plan.count("updated"), unchanged=plan.count("unchanged")),
                changes=changes)


def _status(code: str, tr: Translator) -> str:
    return tr(STATUS_NAMES[code]) if code in STATUS_NAMES else code


def _attendance(result: AttendanceResult, tr: Translator) -> Part:
    if not result.ok:
        return Part("", **_problems(result.plan, tr))
    outcomes = tuple((c.row, " · ".join(p for p in (c.full_name or tr("(personal data deleted)"), c.employee_no) if p),
                      f"{c.course_id} {cohort_no(c.number, tr, c.year)}", _status(c.old, tr), _status(c.new, tr))
                     for c in result.changes[:SHOW])
    return Part("", say.attendance_counts(tr, applied=result.applied, **result.counts()), outcomes=outcomes)


def report(outcome: StaffFileOutcome, tr: Translator, *, name: str) -> Report:
    if outcome.plan is not None:
        found = outcome.plan.plan
        parts = tuple(_list(p, tr, name=name, applied=found.applied) for p in found.reported())
        told = say.told(tr, news=outcome.plan.told, moved=outcome.plan.moved) if found.applied else []
        return Report(say.workbook_heading(tr, name=name), parts, tuple(told))
    if outcome.attendance is not None:
        rows = outcome.attendance.plan.rows
        return Report(say.attendance_heading(tr, name=name, rows=rows), (_attendance(outcome.attendance, tr),), ())
    assert outcome.catalog is not None
    plan = outcome.catalog.result.plan
    told = say.told(tr, news=outcome.catalog.notified) if outcome.applied else []
    return Report(say.list_heading(tr, name=name, kind=plan.kind, rows=plan.rows),
                  (_list(plan, tr, name=name, applied=outcome.applied, heading=False),), tuple(told))
