"""Enrollment rush: N people press "confirm" for the same cohort at the same moment, through the REAL handlers
(PTB Application + in-process Bot API: Update objects in, replies out), then some of the confirmed cancel at once.

    python -m bench.enrollment_rush [--db sqlite|postgresql] [--quick]

Reports requests per second (confirm presses answered per second) and the overbooking count, which must be 0,
plus the same figures for a baseline measured in the same run: everyone opening the terms screen of the cohort
(a read-only press through the same handlers). For PostgreSQL a throw-away database is created and dropped.
Prints a table, then one JSON object as the last line.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from collections import Counter
from datetime import date
from pathlib import Path

from sqlalchemy import func, select
from telegram import Update

from bot.app import build_runtime
from bot.settings import Settings
from bot.transport import InProcessRequest
from catalog.courses import SEAT_HOLDING
from db.clock import FakeClock
from db.models import Cohort, Course, Enrollment, OutboxMessage
from db.session import make_engine, session_scope
from notifications.dispatcher import RateLimits
from tests.support.crowd import add_employee_rows

START = "2022-01-03T09:00"
COURSE = "bench-rush"


async def _no_sleep(_s: float) -> None:
    return None


def _callback(update_id: int, user_id: int, message_id: int, data: str, request: InProcessRequest) -> dict:
    chat = {"id": user_id, "type": "private", "first_name": f"U{user_id}"}
    message = {"message_id": message_id, "date": int(time.time()), "chat": chat,
               "from": {"id": 777000111, "is_bot": True, "first_name": "HRD Bot"}, "text": "…"}
    request.messages[(user_id, message_id)] = dict(message)  # so the edit of the pressed message succeeds
    return {"update_id": update_id, "callback_query": {
        "id": f"q{update_id}", "from": {"id": user_id, "is_bot": False, "first_name": f"U{user_id}",
                                        "language_code": "ko"},
        "chat_instance": f"ci{user_id}", "data": data, "message": message}}


async def _prepare(sessionmaker, users: list[int], capacity: int, number: int, now) -> int:
    """One cohort of the benchmark course (created on first use) and its crowd, each with a profile."""
    async with session_scope(sessionmaker) as s:
        if await s.get(Course, COURSE) is None:
            s.add(Course(id=COURSE, title="벤치마크 과정", title_en="Benchmark course", category="일반교육/직무역량/IT",
                         topic="it", delivery="face_to_face", eligibility={}, approval="auto", keywords=[],
                         keywords_en=[], aliases=[], active=True, created_at=now, updated_at=now))
            await s.flush()
        cohort = Cohort(course_id=COURSE, number=number, start_on=date(2022, 3, number), end_on=date(2022, 3, number),
                        precision="day", capacity=capacity, capacity_estimated=False, status="open", created_at=now)
        s.add(cohort)
        await add_employee_rows(s, users, now=now)
        return cohort.id


async def _wave(runtime, request, updates: list[dict]) -> tuple[float, int]:
    """Feed every update concurrently; returns (seconds, how many chats got an answer)."""
    bot = runtime.app.bot
    objs = [Update.de_json(u, bot) for u in updates]
    request.take()
    t0 = time.perf_counter()
    await asyncio.gather(*(runtime.app.process_update(u) for u in objs))
    elapsed = time.perf_counter() - t0
    answered = {s.chat_id for s in request.take() if s.method in ("sendMessage", "editMessageText")}
    return elapsed, len(answered)


async def _audit(sessionmaker, cohort_id: int, capacity: int) -> dict:
    async with sessionmaker() as s:
        statuses = Counter(dict((await s.execute(
            select(Enrollment.status, func.count()).where(Enrollment.cohort_id == cohort_id)
            .group_by(Enrollment.status))).all()))
        dupes = (await s.execute(select(func.count()).select_from(
            select(Enrollment.user_id).where(Enrollment.cohort_id == cohort_id).group_by(Enrollment.user_id)
            .having(func.count() > 1).subquery()))).scalar_one()
        seqs = list((await s.execute(select(Enrollment.waitlist_seq).where(
            Enrollment.cohort_id == cohort_id, Enrollment.status == "waitlisted")
            .order_by(Enrollment.waitlist_seq))).scalars())
        notices = (await s.execute(select(func.count()).select_from(OutboxMessage))).scalar_one()
    held = sum(statuses[k] for k in SEAT_HOLDING)
    return {"statuses": dict(statuses), "overbooked": max(0, held - capacity), "duplicates": dupes,
            "seats_held": held, "waitlist_gapless": seqs == sorted(set(seqs)), "notices": notices}


async def run(db: str, quick: bool) -> dict:
    users_n, capacity, rounds = (200, 50, 2) if quick else (1000, 100, 3)
    cancel_share = 0.3
    tmp = tempfile.TemporaryDirectory(prefix="hrdbot-rush-")
    pg_url = None
    try:
        if db == "postgresql":
            from tests.support.databases import create_pg_database

            pg_url = url = create_pg_database()  # migrated and seeded, dropped at the end
        else:
            from tests.support.databases import migrate_and_seed

            url = f"sqlite+aiosqlite:///{Path(tmp.name) / 'rush.db'}"
            await migrate_and_seed(url)
        clock = FakeClock(START)
        engine = make_engine(url)
        request = InProcessRequest()
        runtime = await build_runtime(Settings(database_url=url), request=request, clock=clock, engine=engine,
                                      rate_limit=False, prepare=False)
        runtime.dispatcher.limits = RateLimits(sleep=_no_sleep)
        await runtime.app.initialize()
        try:
            return await _measure(runtime, request, clock, users_n, capacity, rounds, cancel_share, db)
        finally:
            await runtime.app.shutdown()
            await runtime.close()
    finally:
        if pg_url:
            from tests.support.databases import drop_pg_database

            drop_pg_database(pg_url)
        tmp.cleanup()


async def _measure(runtime, request, clock, users_n, capacity, rounds, cancel_share, db) -> dict:
    sm = runtime.services.sessionmaker
    ids = iter(range(1, 10 ** 9))
    rows = []
    overbooked = duplicates = 0
    all_ok = True
    for r in range(rounds):
        users = list(range(100_000 + r * users_n, 100_000 + (r + 1) * users_n))
        cohort_id = await _prepare(sm, users, capacity, r + 1, clock.now())
        # baseline: everyone opens the terms screen at once (read-only, same handlers and turn plumbing)
        base_s, base_answered = await _wave(runtime, request, [
            _callback(next(ids), u, 1, f"enr:{cohort_id}", request) for u in users])
        # the rush: everyone presses confirm at once
        rush_s, rush_answered = await _wave(runtime, request, [
            _callback(next(ids), u, 2, f"enc:{cohort_id}", request) for u in users])
        after_rush = await _audit(sm, cohort_id, capacity)
        # a wave of cancellations (with the confirmation press) among the confirmed: the waitlist moves up
        async with sm() as s:
            confirmed = list((await s.execute(select(Enrollment.id, Enrollment.user_id).where(
                Enrollment.cohort_id == cohort_id, Enrollment.status == "confirmed")
                .order_by(Enrollment.id))).all())
        cancels = confirmed[: int(len(confirmed) * cancel_share)]
        cancel_s, cancel_answered = await _wave(runtime, request, [
            _callback(next(ids), uid, 3, f"eny:{eid}", request) for eid, uid in cancels])
        await runtime.dispatcher.drain()
        promoted_notices = len([s for s in request.take() if s.method == "sendMessage"])
        after_cancel = await _audit(sm, cohort_id, capacity)
        ok = (after_rush["statuses"] == {"confirmed": capacity, "waitlisted": users_n - capacity}
              and after_cancel["statuses"].get("confirmed") == capacity
              and after_cancel["statuses"].get("cancelled") == len(cancels)
              and promoted_notices == len(cancels)
              and after_rush["waitlist_gapless"] and rush_answered == users_n and base_answered == users_n
              and cancel_answered == len(cancels))
        all_ok &= ok
        overbooked += after_rush["overbooked"] + after_cancel["overbooked"]
        duplicates += after_rush["duplicates"] + after_cancel["duplicates"]
        rows.append(dict(round=r + 1, users=users_n, capacity=capacity, baseline_rps=users_n / base_s,
                         confirm_rps=users_n / rush_s, cancel_rps=len(cancels) / cancel_s if cancels else 0.0,
                         confirmed=after_rush["statuses"].get("confirmed", 0),
                         waitlisted=after_rush["statuses"].get("waitlisted", 0), promoted=promoted_notices,
                         overbooked=after_rush["overbooked"] + after_cancel["overbooked"], ok=ok))
    return {"rows": rows, "overbooked": overbooked, "duplicates": duplicates, "ok": all_ok, "db": db}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.enrollment_rush", description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--quick", action="store_true", help="200 people, 50 seats, 2 rounds (< 60 s)")
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    result = asyncio.run(run(args.db, args.quick))
    rows = result["rows"]
    print(f"enrollment rush on {args.db}: N people press confirm for one cohort at once, through the real handlers")
    print(f"{'round':>5} {'users':>6} {'seats':>6} {'terms/s':>9} {'confirm/s':>10} {'cancel/s':>9} "
          f"{'confirmed':>9} {'waitlist':>8} {'promoted':>8} {'overbook':>8} {'ok':>3}")
    for row in rows:
        print(f"{row['round']:>5} {row['users']:>6} {row['capacity']:>6} {row['baseline_rps']:>9.0f} "
              f"{row['confirm_rps']:>10.0f} {row['cancel_rps']:>9.0f} {row['confirmed']:>9} {row['waitlisted']:>8} "
              f"{row['promoted']:>8} {row['overbooked']:>8} {'yes' if row['ok'] else 'NO':>3}")
    figures = {
        "bench": "enrollment_rush", "db": args.db, "quick": args.quick,
        "users_per_round": rows[0]["users"], "seats_per_round": rows[0]["capacity"], "rounds": len(rows),
        "confirm_rps": round(sum(r["confirm_rps"] for r in rows) / len(rows), 1),
        "baseline_terms_rps": round(sum(r["baseline_rps"] for r in rows) / len(rows), 1),
        "cancel_rps": round(sum(r["cancel_rps"] for r in rows) / len(rows), 1),
        "overbooked": result["overbooked"], "duplicates": result["duplicates"], "consistent": result["ok"],
        "seconds": round(time.perf_counter() - t0, 1),
    }
    print(json.dumps(figures))
    return 0 if result["overbooked"] == 0 and result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
