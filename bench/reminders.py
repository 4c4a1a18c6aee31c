"""Reminders of one exam day for a crowd: plan, enqueue, dispatch.

    python -m bench.reminders [--quick] [--db sqlite|postgresql] [--subscribers N] [--sample M]

1. N subscribers (100,000; --quick 10,000) of one exam round with a single written exam: `plan()` writes their
   3 reminder rows each (D-7, D-1, morning of the day) — streamed in keyset pages, never N ORM objects.
2. The clock moves to the D-7 time: `send_due()` turns the N due reminders into N outbox rows (chunks of 1,000,
   one transaction each). Baseline in the same run: `enqueue_many()` of N plain notices (no reminder logic).
3. The real `notifications.dispatcher.Dispatcher` with the real `TelegramSender` (python-telegram-bot over HTTP)
   sends a sample of M of them (1,800 ≈ 60 s; --quick 300) to a local stand-in of the Bot API that enforces
   30 messages/s (tests/support/botapi_standin.py, 429 + retry_after beyond it). Checked: every outbox row marked
   sent was delivered once, nothing delivered twice, nothing delivered that is not marked sent.

The dispatcher runs in its own process (`--worker`, as the bot would), the stand-in in this one, so the two do not
share a GIL. Peak memory is the larger max RSS of the two processes (planning and enqueueing happen in this one).
PostgreSQL uses a throw-away database (created and dropped). Prints a table, then one JSON object as the last line.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import logging
import resource
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import func, insert, select

from db.clock import FakeClock
from db.models import ExamEvent, ExamRound, ExamSubscription, OutboxMessage, Reminder, User
from db.outbox import Notice, enqueue_many
from db.session import make_engine, make_sessionmaker, session_scope

ROUND = "bench-day"
EXAM_DAY = date(2022, 2, 26)
START = "2022-01-03T09:00"
USER_BASE = 10_000_000
ROOT = Path(__file__).resolve().parent.parent


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def _setup_db(kind: str, tmp: Path) -> tuple[str, callable]:
    from tests.support import databases as dbs

    if kind == "sqlite":
        path = tmp / "bench.db"
        url = f"sqlite+aiosqlite:///{path}"
        await dbs.migrate_and_seed(url)
        return url, (lambda: None)
    reason = await asyncio.to_thread(dbs.pg_reachable)
    if reason is not None:
        raise SystemExit(f"PostgreSQL unreachable at {dbs.PG_HOST}: {reason}")
    url = await asyncio.to_thread(dbs.create_pg_database)
    return url, (lambda: dbs.drop_pg_database(url))


async def _crowd(sessionmaker, n: int, now) -> None:
    async with session_scope(sessionmaker) as s:
        s.add(ExamRound(id=ROUND, year=EXAM_DAY.year, kind="open", title="벤치마크 필기시험", title_en="Benchmark written exam",
                        selection=n, selection_note="", note="", note_en="", active=True, updated_at=now))
        await s.flush()
        s.add(ExamEvent(round_id=ROUND, kind="written", start_on=EXAM_DAY, end_on=EXAM_DAY, precision="day",
                        updated_at=now))
    step = 5000
    for lo in range(0, n, step):
        ids = range(USER_BASE + lo, USER_BASE + min(n, lo + step))
        async with session_scope(sessionmaker) as s:
            await s.execute(insert(User), [dict(id=i, chat_id=i, first_name="", language="ko" if i % 5 else "en",
                                                language_chosen=False, role="user", created_at=now) for i in ids])
            await s.execute(insert(ExamSubscription), [dict(user_id=i, round_id=ROUND, created_at=now) for i in ids])


async def _baseline(sessionmaker, n: int, now) -> float:
    t0 = time.perf_counter()
    step = 1000
    for lo in range(0, n, step):
        async with session_scope(sessionmaker) as s:
            await enqueue_many(s, (Notice(key=f"base:{i}", user_id=USER_BASE + i, kind="text",
                                          params={"text": "baseline"}, not_before=now + timedelta(days=3650))
                                   for i in range(lo, min(n, lo + step))), now=now)
    seconds = time.perf_counter() - t0
    async with session_scope(sessionmaker) as s:  # out of the way of the dispatch sample
        from sqlalchemy import delete

        await s.execute(delete(OutboxMessage).where(OutboxMessage.kind == "text"))
    return seconds


async def _worker(url: str, base_url: str, token: str, sample: int, now: str, pace: float | None) -> dict:
    """The bot's side, in its own process (as in production: not sharing a GIL with "Telegram")."""
    from telegram import Bot
    from telegram.request import HTTPXRequest

    import handlers.exams  # noqa: F401 - registers the exam_reminder renderer
    from bot.app import render_for_language
    from bot.sender import TelegramSender
    from notifications.dispatcher import Dispatcher, RateLimits

    engine = make_engine(url)
    bot = Bot(token, base_url=base_url, request=HTTPXRequest(connection_pool_size=8, read_timeout=5, connect_timeout=5))
    await bot.initialize()
    # The real dispatcher with its own limiter (sliding 1-s window with a jitter margin); --pace overrides it.
    dispatcher = Dispatcher(make_sessionmaker(engine), FakeClock(now), TelegramSender(bot), render_for_language,
                            limits=RateLimits(per_second=pace) if pace else RateLimits())
    t0 = time.perf_counter()
    try:
        while dispatcher.stats.sent < sample:
            if await dispatcher.run_once() == 0:
                break
    finally:
        elapsed = time.perf_counter() - t0
        await bot.shutdown()
        await engine.dispose()
    return {"sent": dispatcher.stats.sent, "retried": dispatcher.stats.retried, "seconds": elapsed,
            "worker_rss_mb": round(rss_mb(), 1)}


async def _dispatch(url: str, clock, sample: int, pace: float | None) -> dict:
    from tests.support.botapi_standin import BotApiStandIn

    standin = BotApiStandIn(rate=30, per_chat_interval=1.0).start()
    cmd = [sys.executable, "-m", "bench.reminders", "--worker", url, standin.base_url, standin.token, str(sample),
           clock.now().isoformat()] + ([f"--pace={pace}"] if pace else [])
    try:
        proc = await asyncio.create_subprocess_exec(*cmd, stdout=asyncio.subprocess.PIPE,
                                                    stderr=asyncio.subprocess.PIPE, cwd=str(ROOT))
        out, err = await proc.communicate()
        if proc.returncode != 0:
            raise SystemExit(f"dispatch worker failed:\n{err.decode()[-2000:]}")
        worker = json.loads(out.decode().strip().splitlines()[-1])
    finally:
        standin.stop()
    engine = make_engine(url)
    try:
        async with session_scope(make_sessionmaker(engine)) as s:
            marked = list((await s.execute(select(OutboxMessage.chat_id)
                                           .where(OutboxMessage.status == "sent"))).scalars())
            claimed = (await s.execute(select(func.count()).select_from(OutboxMessage)
                                       .where(OutboxMessage.status == "claimed"))).scalar_one()
    finally:
        await engine.dispose()
    delivered = [chat for chat, _ in standin.delivered]
    marked_set, delivered_set = set(marked), set(delivered)
    return {
        "sent": worker["sent"], "seconds": worker["seconds"], "worker_rss_mb": worker["worker_rss_mb"],
        "rate": standin.rate_achieved(), "max_in_1s": standin.max_in_window(),
        "rate_limited_429": standin.stats.rate_limited, "retried": worker["retried"],
        "lost": len(marked_set - delivered_set) + claimed, "duplicated": len(delivered) - len(delivered_set),
        "unrecorded": len(delivered_set - marked_set),
    }


async def run(kind: str, n: int, sample: int, pace: float | None = None) -> dict:
    from notifications.exams.planner import plan, send_due

    logging.getLogger("notifications").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory() as tmp:
        url, drop = await _setup_db(kind, Path(tmp))
        engine = make_engine(url)
        sessionmaker = make_sessionmaker(engine)
        clock = FakeClock(START)
        try:
            await _crowd(sessionmaker, n, clock.now())
            rss_setup = rss_mb()

            t0 = time.perf_counter()
            async with session_scope(sessionmaker) as s:
                planned = await plan(s, clock.now(), round_ids=[ROUND])
            plan_s = time.perf_counter() - t0

            baseline_s = await _baseline(sessionmaker, n, clock.now())

            clock.set("2022-02-19T09:00")  # D-7 of the exam day
            t0 = time.perf_counter()
            report = await send_due(sessionmaker, clock.now())
            enqueue_s = time.perf_counter() - t0
            async with session_scope(sessionmaker) as s:
                queued = (await s.execute(select(func.count()).select_from(OutboxMessage)
                                          .where(OutboxMessage.kind == "exam_reminder"))).scalar_one()
                rows = (await s.execute(select(func.count()).select_from(Reminder))).scalar_one()
            rss_enqueue = rss_mb()

            dispatch = await _dispatch(url, clock, sample, pace)
        finally:
            await engine.dispose()
            await asyncio.to_thread(drop)
    return {
        "db": kind, "subscribers": n, "reminder_rows": rows, "planned_upserts": planned.upserted,
        "plan_s": round(plan_s, 2), "enqueue_s": round(enqueue_s, 2), "enqueued": report.sent, "outbox_rows": queued,
        "enqueue_per_s": round(report.sent / enqueue_s) if enqueue_s else None,
        "baseline_enqueue_s": round(baseline_s, 2),
        "rss_after_setup_mb": round(rss_setup, 1), "rss_peak_after_enqueue_mb": round(rss_enqueue, 1),
        "dispatch_sample": dispatch["sent"], "dispatch_s": round(dispatch["seconds"], 1),
        "dispatch_rate_per_s": round(dispatch["rate"], 2), "max_accepted_in_1s": dispatch["max_in_1s"],
        "rate_limited_429": dispatch["rate_limited_429"], "lost": dispatch["lost"],
        "duplicated": dispatch["duplicated"], "unrecorded": dispatch["unrecorded"],
        "rss_peak_mb": round(max(rss_mb(), dispatch["worker_rss_mb"]), 1),
        "dispatch_worker_rss_mb": dispatch["worker_rss_mb"],
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="10,000 subscribers, 300 messages sent (< 60 s)")
    ap.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    ap.add_argument("--subscribers", type=int)
    ap.add_argument("--sample", type=int, help="messages to dispatch through the stand-in")
    ap.add_argument("--pace", type=float, help="override the dispatcher's messages/s (default: its own, 30)")
    ap.add_argument("--worker", nargs=5, metavar=("URL", "BASE_URL", "TOKEN", "SAMPLE", "NOW"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        url, base_url, token, sample, now = args.worker
        print(json.dumps(asyncio.run(_worker(url, base_url, token, int(sample), now, args.pace))))
        return 0
    n = args.subscribers or (10_000 if args.quick else 100_000)
    sample = args.sample or (300 if args.quick else 1_800)
    figures = asyncio.run(run(args.db, n, sample, args.pace))
    figures["dispatcher_pace_per_s"] = args.pace or 30.0
    figures["quick"] = args.quick
    figures["targets"] = {"rss_peak_mb_max": 200, "dispatch_rate_min": 28, "lost": 0, "duplicated": 0}
    figures["ok"] = (figures["rss_peak_mb"] <= 200 and figures["dispatch_rate_per_s"] >= 28
                     and figures["lost"] == 0 and figures["duplicated"] == 0 and figures["enqueued"] == n)
    rows = [
        ("database", args.db),
        ("subscribers", f"{n:,}"),
        ("plan: reminder rows written", f"{figures['reminder_rows']:,} in {figures['plan_s']} s"),
        ("enqueue: due reminders → outbox", f"{figures['enqueued']:,} in {figures['enqueue_s']} s "
                                             f"({figures['enqueue_per_s']:,}/s)"),
        ("baseline: enqueue_many plain notices", f"{n:,} in {figures['baseline_enqueue_s']} s"),
        ("peak RSS (target ≤ 200 MB)", f"{figures['rss_peak_mb']} MB"),
        ("dispatch sample", f"{figures['dispatch_sample']:,} in {figures['dispatch_s']} s"),
        ("dispatch rate (target ≥ 28/s)", f"{figures['dispatch_rate_per_s']}/s (max {figures['max_accepted_in_1s']} in 1 s, "
                                          f"{figures['rate_limited_429']} × 429)"),
        ("lost / duplicated / unrecorded", f"{figures['lost']} / {figures['duplicated']} / {figures['unrecorded']}"),
    ]
    width = max(len(k) for k, _ in rows)
    print(f"{'figure':{width}}  value")
    print(f"{'-' * width}  {'-' * 40}")
    for k, v in rows:
        print(f"{k:{width}}  {v}")
    print(json.dumps(figures, ensure_ascii=False))
    return 0 if figures["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
