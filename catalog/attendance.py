"""Completion is recorded, not assumed: staff mark who completed a cohort (수료) and who did not come (불참).

Until staff record it, a finished cohort reads "ended (completion not recorded)" (종료 (이수 확인 전)) for a
confirmed learner, never "completed". Staff record it one person at a time (`record_outcome`) or for a whole
attendance sheet (`import_attendance`, CSV or XLSX, validated row by row, all or nothing):

    course_id, year, no, employee_no | telegram_id, result
    `year`: the plan year (without the column: the current plan year); `result`: completed / no_show
    (수료, 이수 / 불참, 미수료, 미이수 are read too).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from catalog.enrollment import started
from catalog.imports import FileProblem, ImportPlan, Problem, Table, _Bad, _int, _problem, _slug, _text, _year
from db.access import Actor, require_staff
from db.audit import record
from db.models import Cohort, Enrollment, Profile
from locales import N_

OUTCOMES = ("completed", "no_show")
RECORDABLE = ("confirmed", *OUTCOMES)  # a result can be corrected; pending / waitlisted people never sat in it
RESULT_WORDS = {
    "completed": "completed", "complete": "completed", "수료": "completed", "이수": "completed", "o": "completed",
    "no_show": "no_show", "no-show": "no_show", "noshow": "no_show", "불참": "no_show", "미수료": "no_show",
    "미이수": "no_show", "결석": "no_show", "x": "no_show",
}
REQUIRED = ("course_id", "no", "result")


def is_attendance(table: Table) -> bool:
    """An attendance sheet names a cohort and a result per person (a cohort list has a start date instead)."""
    return {"course_id", "no", "result"} <= set(table.headers) and "start" not in table.headers


@dataclass(frozen=True)
class OutcomeChange:
    row: int
    enrollment_id: int
    old: str
    new: str
    user_id: int = 0
    course_id: str = ""
    year: int = 0
    number: int = 0
    full_name: str = ""  # who, as the dry run shows it (empty once the person's data was deleted)
    employee_no: str = ""


@dataclass
class AttendanceResult:
    plan: ImportPlan
    changes: list[OutcomeChange] = field(default_factory=list)
    applied: bool = False

    @property
    def ok(self) -> bool:
        return self.plan.ok

    def counts(self) -> dict[str, int]:
        """completed / no_show: what the rows change to; same: rows that already say so."""
        completed = sum(c.new == "completed" for c in self.changes)
        return {"completed": completed, "no_show": len(self.changes) - completed,
                "same": self.plan.rows - len(self.changes)}


async def record_outcome(session: AsyncSession, *, actor: Actor, enrollment_id: int, outcome: str,
                         now: datetime, cohort_id: int | None = None) -> str:
    """Mark one confirmed learner of a cohort that has begun: ok | not_found | not_confirmed | not_started.
    With `cohort_id`, a request of another cohort counts as not found (a page marks only its own roster)."""
    await require_staff(session, actor, "attendance.record")
    if outcome not in OUTCOMES:
        raise ValueError(outcome)
    row = (await session.execute(select(Enrollment, Cohort).join(Cohort, Cohort.id == Enrollment.cohort_id)
                                 .where(Enrollment.id == enrollment_id))).first()
    if row is None or (cohort_id is not None and row[1].id != cohort_id):
        return "not_found"
    e, c = row
    if e.status not in RECORDABLE:
        return "not_confirmed"
    if not started(c.start_on, c.end_on, c.precision, now.date()):
        return "not_started"
    if e.status != outcome:
        e.status = outcome
        await session.flush()
        await record(session, actor, f"attendance.{outcome}", now=now, target=f"enrollment:{e.id}", subjects=1)
    return "ok"


async def record_outcomes(session: AsyncSession, *, actor: Actor, cohort_id: int, enrollment_ids: list[int],
                          outcome: str, now: datetime) -> Counter[str]:
    """Mark several people of one cohort (the roster's "mark selected"); how many ended each way (`record_outcome`)."""
    return Counter([await record_outcome(session, actor=actor, enrollment_id=i, outcome=outcome, now=now,
                                         cohort_id=cohort_id) for i in dict.fromkeys(enrollment_ids)])


async def outcome_counts(session: AsyncSession, cohort_ids: list[int]) -> dict[int, tuple[int, int]]:
    """cohort id → (completed, no_show) recorded so far, for the cohorts' state."""
    rows = await session.execute(select(Enrollment.cohort_id, Enrollment.status, func.count())
                                 .where(Enrollment.cohort_id.in_(cohort_ids), Enrollment.status.in_(OUTCOMES))
                                 .group_by(Enrollment.cohort_id, Enrollment.status))
    out: dict[int, list[int]] = {}
    for cohort_id, status, n in rows.all():
        out.setdefault(cohort_id, [0, 0])[OUTCOMES.index(status)] += int(n)
    return {k: (v[0], v[1]) for k, v in out.items()}


def _result(value: Any) -> str:
    word = _text(value).lower().replace(" ", "")
    if word not in RESULT_WORDS:
        raise _Bad(N_("“{value}” is not a result (completed or no_show; 수료 or 불참)"), value=_text(value)[:40])
    return RESULT_WORDS[word]


async def import_attendance(session: AsyncSession, table: Table, now: datetime, *, actor: Actor, default_year: int,
                            dry_run: bool = False) -> AttendanceResult:
    """Validate every row (every problem, with its row number); unless dry_run or any problem, record them all."""
    await require_staff(session, actor, "attendance.import")
    missing = [c for c in REQUIRED if c not in table.headers]
    if "employee_no" not in table.headers and "telegram_id" not in table.headers:
        missing.append("employee_no | telegram_id")
    if missing:
        raise FileProblem(Problem(N_("Missing columns: {columns}. The first row must name the columns ({expected})."),
                                  {"columns": ", ".join(missing),
                                   "expected": "course_id, year, no, employee_no | telegram_id, result"}))
    plan = ImportPlan("attendance", rows=len(table.rows))
    result = AttendanceResult(plan)
    seen: dict[int, int] = {}
    found_changes: list[tuple[int, Enrollment, Cohort, str]] = []
    for rowno, row in table.rows:
        bads: list[_Bad] = []
        values: dict[str, Any] = {}
        for column, parse in (("course_id", _slug), ("year", _year), ("no", lambda v: _int(v, minimum=1)),
                              ("result", _result), ("telegram_id", _int), ("employee_no", _text)):
            if column not in row or (column in ("year", "telegram_id", "employee_no") and not _text(row[column])):
                continue
            try:
                values[column] = parse(row[column])
            except _Bad as bad:
                bad.values["__column"] = column
                bads.append(bad)
        for column in ("course_id", "no", "result"):
            if values.get(column) is None and not any(b.values.get("__column") == column for b in bads):
                bads.append(_Bad(N_("required, but empty"), __column=column))
        if not values.get("telegram_id") and not values.get("employee_no"):
            bads.append(_Bad(N_("give the person's employee_no or telegram_id"), __column="employee_no"))
        if bads:
            plan.errors.extend(_problem(b, rowno) for b in bads)
            continue
        year = values.get("year", default_year)
        found = await _find(session, values, year)
        if isinstance(found, Problem):
            plan.errors.append(Problem(found.message, found.values, rowno, found.column))
            continue
        e, c = found
        if e.id in seen:
            plan.errors.append(Problem(N_("this person is already on row {other}"), {"other": seen[e.id]}, rowno))
            continue
        seen[e.id] = rowno
        if not started(c.start_on, c.end_on, c.precision, now.date()):
            plan.errors.append(Problem(N_("cohort #{number} of {id} has not begun yet"),
                                       {"number": c.number, "id": c.course_id}, rowno, "no"))
            continue
        if e.status != values["result"]:
            found_changes.append((rowno, e, c, values["result"]))
    if not plan.ok:
        return result
    names = await _names(session, {e.user_id for _row, e, _c, _new in found_changes})
    result.changes = [OutcomeChange(row, e.id, e.status, new, e.user_id, c.course_id, c.year, c.number,
                                    *names.get(e.user_id, ("", ""))) for row, e, c, new in found_changes]
    people = {e.user_id for _row, e, _c, _new in found_changes}
    counts = result.counts()
    if dry_run:  # the check shows who changes, and from what: a read of their data
        if people:
            await record(session, actor, "attendance.check", now=now, people=people,
                         detail={"completed": counts["completed"], "no_show": counts["no_show"]})
        return result
    for _row, e, _c, new in found_changes:
        e.status = new
    await session.flush()
    await record(session, actor, "attendance.import", now=now, people=people,
                 detail={"completed": counts["completed"], "no_show": counts["no_show"]})
    result.applied = True
    return result


async def _names(session: AsyncSession, user_ids: set[int]) -> dict[int, tuple[str, str]]:
    """user id → (full name, employee no.) of the people a sheet changes, in one query."""
    if not user_ids:
        return {}
    rows = await session.execute(select(Profile.user_id, Profile.full_name, Profile.employee_no)
                                 .where(Profile.user_id.in_(user_ids)))
    return {uid: (name or "", number or "") for uid, name, number in rows.all()}


async def _find(session: AsyncSession, values: dict, year: int) -> tuple[Enrollment, Cohort] | Problem:
    cohort = (await session.execute(select(Cohort).where(
        Cohort.course_id == values["course_id"], Cohort.year == year, Cohort.number == values["no"]))).scalar_one_or_none()
    if cohort is None:
        return Problem(N_("no cohort #{number} of {id} in the {year} plan"),
                       {"number": values["no"], "id": values["course_id"], "year": year}, column="no")
    q = select(Enrollment).where(Enrollment.cohort_id == cohort.id)
    if values.get("telegram_id"):
        q = q.where(Enrollment.user_id == values["telegram_id"])
    else:
        q = q.join(Profile, Profile.user_id == Enrollment.user_id).where(Profile.employee_no == values["employee_no"])
    e = (await session.execute(q)).scalars().first()
    if e is None:
        return Problem(N_("this person has no request in that cohort"), column="employee_no")
    if e.status not in RECORDABLE:
        return Problem(N_("this person's seat was not confirmed ({status})"), {"status": e.status}, column="result")
    return e, cohort
