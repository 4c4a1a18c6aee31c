"""What people hear about the yearly plan: one service for the CLI, the bot and the dashboard.

- Publishing a year makes its draft cohorts and exam rounds visible and tells course-news subscribers once per
  course (the course-news notice, keyed by course and year: a second publish, a crash and retry, tell nobody
  twice).
- A change of dates of a cohort of a published year (an import) tells each person holding or waiting for a seat
  in it once per new set of dates.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from catalog.enrollment import NOTICE_KIND, NOTICE_PRIORITY, live_requests, notice_params
from catalog.plan import current_year, is_published
from catalog.planfile import PlanImport, import_plan
from db.access import Actor, require_staff
from db.audit import record
from db.models import Cohort, Course, ExamRound, PlanYear
from db.outbox import Notice, enqueue_many
from notifications.news import announce, announce_import


@dataclass
class PublishResult:
    year: int
    already: bool = False
    empty: bool = False
    courses: int = 0
    cohorts: int = 0
    rounds: int = 0
    notified: int = 0
    announced: list[str] = field(default_factory=list)


async def publish_year(session: AsyncSession, year: int, now: datetime, *, actor: Actor) -> PublishResult:
    """Publish a plan year (in the caller's transaction; staff only, audited). Publishing twice changes and sends
    nothing."""
    await require_staff(session, actor, "plan.publish")
    result = PublishResult(year)
    row = await session.get(PlanYear, year, with_for_update=session.bind.dialect.name == "postgresql")
    if row is not None and row.published:
        result.already = True
        return result
    cohorts = list((await session.execute(select(Cohort).where(Cohort.year == year))).scalars())
    result.rounds = len((await session.execute(select(ExamRound.id).where(ExamRound.year == year))).all())
    if not cohorts and not result.rounds:
        result.empty = True
        return result
    if row is None:
        row = PlanYear(year=year, created_at=now)
        session.add(row)
    row.published, row.published_at = True, now
    await session.flush()
    result.cohorts = len(cohorts)
    course_ids = sorted({c.course_id for c in cohorts})
    result.courses = len(course_ids)
    for course in (await session.execute(select(Course).where(Course.id.in_(course_ids)))).scalars():
        course.updated_at = now  # running bots rebuild search and cards (catalog_version)
    for course_id in course_ids:
        ids = [c.id for c in cohorts if c.course_id == course_id]
        told = await announce(session, course_id, now, cohort_ids=ids, tag=f"y{year}")
        result.notified += told.recipients
        if told.recipients:
            result.announced.append(course_id)
    await record(session, actor, "plan.publish", now=now, target=str(year),
                 detail={"cohorts": result.cohorts, "rounds": result.rounds, "notified": result.notified})
    return result


async def notify_date_changes(session: AsyncSession, cohort_ids: list[int], now: datetime) -> int:
    """Tell everyone with a live request in these cohorts their new dates, once per (request, dates).
    Cohorts of draft years tell nobody: nobody could apply to them."""
    published: dict[int, bool] = {}
    notices = []
    for view in await live_requests(session, cohort_ids):
        if view.year not in published:
            published[view.year] = await is_published(session, view.year)
        if not published[view.year]:
            continue
        key = f"enr:{view.id}:dates:{view.start_on.isoformat()}:{view.end_on.isoformat()}:{view.precision}"
        notices.append(Notice(key=key, user_id=view.user_id, kind=NOTICE_KIND, params=notice_params(view, "dates"),
                              priority=NOTICE_PRIORITY))
    return await enqueue_many(session, notices, now=now)


@dataclass
class PlanImportOutcome:
    plan: PlanImport
    told: int = 0  # course-news notices queued
    moved: int = 0  # people told their cohort's new dates


async def import_plan_and_tell(session: AsyncSession, content: bytes, now: datetime, *, actor: Actor,
                               dry_run: bool = False) -> PlanImportOutcome:
    """A plan workbook in the caller's transaction: validate, apply (all or nothing), then course news for what
    became visible and one notice per person whose cohort moved. Rows without a year: the current plan year."""
    found = await import_plan(session, content, now, actor=actor, dry_run=dry_run,
                              default_year=await current_year(session, now.date()))
    outcome = PlanImportOutcome(found)
    if found.applied:  # the sheets together: a new course and its cohorts are one notice
        outcome.told = sum(a.recipients for a in await announce_import(session, now, *found.results))
        for result in found.results:
            outcome.moved += await notify_date_changes(session, result.changed_cohorts, now)
    return outcome
