"""`hrdbot worker`: the scheduler tick and the outbox dispatcher; exactly one active across the deployment.

Every worker process tries the WORKER advisory lock (PostgreSQL) on a connection of its own; the one that gets
it works, the others wait and try again every half tick. A killed worker's connection is closed by its kernel,
PostgreSQL frees the lock, and a standby takes over within a tick. The active one checks its lock connection
every second: if it is gone (the server restarted, an operator ran pg_terminate_backend) it stops sending at
once, and the dispatcher's fence stops any send that was already waiting. `hrdbot run` uses the same loop.
"""
from __future__ import annotations

import asyncio
import logging
import time

from sqlalchemy import text

from bot.app import Runtime, periodic_jobs
from db.locks import WORKER, lock_role, unlock_role
from db.session import is_sqlite

log = logging.getLogger(__name__)
HEARTBEAT_S = 1.0


async def _tick_forever(runtime: Runtime, tick_seconds: float) -> None:
    """The one periodic scheduler tick (reminders, scheduled broadcasts, catalog follow-up)."""
    while True:
        started = time.monotonic()
        for job in periodic_jobs():
            try:
                await job(runtime)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # a database hiccup must not stop the schedule
                log.error("scheduler job failed", extra={"event": "tick", "job": getattr(job, "__name__", "?"),
                                                         "error": type(exc).__name__})
        runtime.services.outbox_ready.set()
        await asyncio.sleep(max(0.0, tick_seconds - (time.monotonic() - started)))


class Worker:
    """Standby until it holds the worker lock, then active until it stops or loses the lock."""

    def __init__(self, runtime: Runtime, tick_seconds: float, *, dispatch_idle: float = 0.5) -> None:
        self.runtime = runtime
        self.tick_seconds = tick_seconds
        self.dispatch_idle = dispatch_idle  # how often an idle dispatcher looks for rows written by web processes
        self.stop_event = asyncio.Event()
        self.active = False

    def stop(self) -> None:
        self.stop_event.set()
        self.runtime.dispatcher.stop()

    async def _wait_stop(self, seconds: float) -> bool:
        try:
            await asyncio.wait_for(self.stop_event.wait(), timeout=seconds)
            return True
        except asyncio.TimeoutError:
            return False

    async def run(self) -> None:
        if is_sqlite(self.runtime.engine):  # one process by design: always active, no lock connection
            await self._work(lock_conn=None)
            return
        while not self.stop_event.is_set():
            try:
                async with self.runtime.engine.connect() as conn:
                    if await lock_role(conn, WORKER, wait=False):
                        await self._work(lock_conn=conn)
                        if self.stop_event.is_set():
                            await unlock_role(conn, WORKER)
                        continue
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the database is down or our lock connection died: try again
                log.warning("worker lock connection failed", extra={"event": "worker", "error": type(exc).__name__})
            await self._wait_stop(max(0.2, self.tick_seconds / 2))

    async def _work(self, lock_conn) -> None:
        runtime = self.runtime
        dispatcher = runtime.dispatcher
        dispatcher.stopping = False
        self.active = True
        log.info("worker active", extra={"event": "worker", "state": "active", "worker": dispatcher.worker})
        tasks = [asyncio.create_task(_tick_forever(runtime, self.tick_seconds), name="scheduler-tick"),
                 asyncio.create_task(dispatcher.run_forever(runtime.services.outbox_ready, idle=self.dispatch_idle),
                                     name="outbox-dispatcher")]
        try:
            while not self.stop_event.is_set():
                if await self._wait_stop(HEARTBEAT_S):
                    break
                if lock_conn is not None:
                    try:
                        await lock_conn.execute(text("SELECT 1"))
                        await lock_conn.commit()
                    except Exception as exc:
                        log.warning("worker lost its lock; standing by",
                                    extra={"event": "worker", "state": "lost", "error": type(exc).__name__})
                        raise
                if tasks[1].done():  # the dispatcher ended on its own: a bug; let the next loop start afresh
                    break
        finally:
            self.active = False
            dispatcher.stop()
            tasks[0].cancel()
            try:  # the message in hand finishes (a SIGTERM), the rest of the batch goes back to pending
                await asyncio.wait_for(asyncio.shield(tasks[1]), timeout=10 if lock_conn is None or
                                       self.stop_event.is_set() else 0.01)
            except (asyncio.TimeoutError, Exception):
                tasks[1].cancel()
            for task in tasks:
                try:
                    await task
                except (asyncio.CancelledError, Exception):
                    pass
            log.info("worker inactive", extra={"event": "worker", "state": "standby", "worker": dispatcher.worker})
