"""Retention: personal data kept no longer than needed. Run daily (the scheduler tick runs it once a day); every
period is a setting (HRDBOT_RETAIN_*, see docs/security.md) and each run is one audit row with the counts.

* delivered (or failed, expired, cancelled) messages: their parameters — interview times and places, reasons,
  course titles — are blanked `outbox_days` after they were written; the row (kind, status, times) stays for the
  delivery reports and its key keeps a re-run from sending it twice;
* an abandoned conversation (half-filled profile, typed reason…) is forgotten `flow_hours` after its last answer,
  whether or not the person writes again (the same period ends it when they do write: `Periods.flow_ttl`);
* personal interview slots are deleted `slot_days` after the interview;
* rejected and cancelled requests lose their personal fields (typed reasons, sign-up answers) once their plan year
  is over (the year after the cohort ended); the rows stay, anonymised, for the Center's statistics;
* the access record (audit log) is kept `audit_days`, never less than two years (the database enforces it too).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Text, cast, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from catalog.profiles import NON_PERSONAL_DETAIL_KEYS
from db.access import Actor
from db.audit import MIN_KEEP, purge_expired, record
from db.flows import FLOW_HOURS, expire_flows
from db.models import Cohort, Enrollment, InterviewSlot, OutboxMessage

DONE = ("sent", "failed", "unreachable", "expired", "cancelled")


@dataclass(frozen=True)
class Periods:
    outbox_days: int = 30
    flow_hours: int = FLOW_HOURS
    slot_days: int = 30
    audit_days: int = MIN_KEEP.days

    @property
    def flow_ttl(self) -> timedelta:
        """How long an untouched conversation lives, wherever it is checked."""
        return timedelta(hours=self.flow_hours)


@dataclass(frozen=True)
class RetentionReport:
    messages_blanked: int = 0
    conversations_forgotten: int = 0
    slots_deleted: int = 0
    requests_anonymised: int = 0
    audit_rows_deleted: int = 0


async def run_retention(session: AsyncSession, now: datetime, periods: Periods = Periods()) -> RetentionReport:
    """One pass in the caller's transaction. Idempotent: a second run the same day changes nothing."""
    messages = await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.status.in_(DONE), OutboxMessage.created_at < now - timedelta(days=periods.outbox_days),
               cast(OutboxMessage.params, Text) != "{}")
        .values(params={}, error=None).execution_options(synchronize_session=False))
    flows = await expire_flows(session, now - periods.flow_ttl)
    old_slots = select(InterviewSlot).where(InterviewSlot.starts_at < now - timedelta(days=periods.slot_days))
    slots = list((await session.execute(old_slots)).scalars())
    for slot in slots:
        await session.delete(slot)
    anonymised = 0
    year_start = date(now.year, 1, 1)
    closed = (await session.execute(
        select(Enrollment).join(Cohort, Cohort.id == Enrollment.cohort_id)
        .where(Enrollment.status.in_(("rejected", "cancelled")), Cohort.end_on < year_start))).scalars()
    for e in closed:
        details = dict(e.details or {})
        kept = {k: v for k, v in details.items() if k in NON_PERSONAL_DETAIL_KEYS}
        if kept != details or e.reason is not None:
            e.details, e.reason = kept, None
            anonymised += 1
    await session.flush()
    audit = await purge_expired(session, now=now, keep=timedelta(days=periods.audit_days))
    report = RetentionReport(max(messages.rowcount or 0, 0), max(flows, 0), len(slots), anonymised,
                             audit)
    if any(asdict(report).values()):
        await record(session, Actor.system("retention"), "retention.run", now=now, role="system",
                     subjects=report.conversations_forgotten + report.slots_deleted + report.requests_anonymised,
                     detail=asdict(report))
    return report
