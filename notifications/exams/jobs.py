"""The exam feature's part of the one periodic scheduler tick (bot/app.py `Runtime.tick`, bot/runner.py).

On a runtime's first tick the whole reminder plan is rebuilt from the database (start-up); every tick then claims
due reminders into the outbox. The runtime's dispatcher sends the outbox right after the jobs.
"""
from __future__ import annotations

import logging

from db.session import session_scope
from notifications.exams.planner import plan, send_due

log = logging.getLogger(__name__)
PLANNED_FLAG = "exams.planned"


async def exam_reminders(runtime) -> None:
    services = runtime.services
    now = services.clock.now()
    if not services.extras.get(PLANNED_FLAG):
        async with session_scope(services.sessionmaker) as session:
            report = await plan(session, now)
        services.extras[PLANNED_FLAG] = True
        log.info("exam reminders planned at start-up: %d rows written, %d cancelled", report.upserted, report.cancelled)
    report = await send_due(services.sessionmaker, now, slot_keep_days=services.retention.slot_days)
    if report.sent or report.expired or report.superseded:
        log.info("exam reminders: %d queued, %d expired (event begun), %d superseded",
                 report.sent, report.expired, report.superseded)
        services.outbox_ready.set()


JOBS = [exam_reminders]
