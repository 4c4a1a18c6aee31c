"""The outbox dispatcher: claims due rows in small batches, sends them under Telegram's limits, records the outcome.

States: pending → claimed(at, by) → sent | failed | unreachable | expired. A claim is committed before sending;
a claim older than the lease (the worker died) is taken again, so a crash loses nothing and can resend at
most one batch (Telegram has no idempotency key; a second reminder beats a missed interview).
"""
from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.clock import Clock
from db.logsafe import describe, one_line
from db.models import OutboxMessage, User
from notifications.messages import Rendered
from notifications.sending import Blocked, PermanentError, RetryLater, Sender, TransientError

log = logging.getLogger(__name__)

RenderFn = Callable[[str, dict, str], Rendered]  # (kind, params, language) -> message


@dataclass
class DispatchStats:
    sent: int = 0
    failed: int = 0
    unreachable: int = 0
    retried: int = 0
    fenced: int = 0  # rows another dispatcher had taken over by the time we were ready to send


@dataclass
class RateLimits:
    """≈30 messages/s overall and 1/s per chat (Telegram's documented limits).

    Overall: at most `per_second` sends in any sliding window of 1 s × `margin` (the margin absorbs network jitter
    between our clock and Telegram's), and at least half a slot between two sends. A late wake-up (a slow commit,
    a GC pause) is caught up by the next sends instead of being lost, so the long-run rate stays close to the
    limit without ever putting 31 messages into one second. Each RetryAfter widens the margin by 1% (up to 10%):
    on a busy machine the jitter is larger, and one 429 costs a whole second of silence.
    """

    per_second: float = 30.0
    per_chat_interval: float = 1.0
    monotonic: Callable[[], float] = time.monotonic
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    margin: float = 1.02
    _next_slot: float = 0.0
    _chat_last: dict[int, float] = field(default_factory=dict)
    _recent: deque = field(default_factory=deque)  # times of the last sends, at most `per_second` of them
    paused_until: float = 0.0  # one shared flood-wait after a RetryAfter

    async def wait_turn(self, chat_id: int) -> None:
        per_window = max(1, int(self.per_second))
        window = per_window / self.per_second * self.margin
        now = self.monotonic()
        window_ready = self._recent[0] + window if len(self._recent) >= per_window else 0.0
        ready = max(now, self._next_slot, window_ready, self.paused_until,
                    self._chat_last.get(chat_id, -1e9) + self.per_chat_interval)
        if ready > now:
            await self.sleep(ready - now)
            ready = max(ready, self.monotonic())  # a sleep wakes late: count the send when it really goes
        self._next_slot = ready + 0.5 / self.per_second
        self._recent.append(ready)
        while len(self._recent) > per_window:
            self._recent.popleft()
        self._chat_last[chat_id] = ready
        if len(self._chat_last) > 50_000:  # forget chats not seen for a while
            cutoff = ready - self.per_chat_interval
            self._chat_last = {k: v for k, v in self._chat_last.items() if v > cutoff}

    def pause(self, seconds: float) -> None:
        self.paused_until = max(self.paused_until, self.monotonic() + seconds)
        self.margin = min(self.margin * 1.01, 1.10)  # Telegram said "too fast": keep 1% further from the limit

    async def flood_wait(self, seconds: float) -> None:
        """A RetryAfter: nobody sends for `seconds` (shared limits tell the other processes too)."""
        self.pause(seconds)


class Dispatcher:
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], clock: Clock, sender: Sender,
                 render: RenderFn, *, batch: int = 30, lease: timedelta = timedelta(minutes=2),
                 max_attempts: int = 6, limits: RateLimits | None = None, worker: str | None = None) -> None:
        self.sessionmaker = sessionmaker
        self.clock = clock
        self.sender = sender
        self.render = render
        self.batch = batch
        self.lease = lease
        self.max_attempts = max_attempts
        self.limits = limits or RateLimits()
        self.worker = worker or f"w-{uuid.uuid4().hex[:8]}"
        self.stats = DispatchStats()
        self.stopping = False  # set by stop(): finish the message in hand, give the rest of the batch back

    async def claim(self) -> list[tuple[OutboxMessage, str]]:
        """Claim a batch (committed before any send). Returns rows with the recipient's language."""
        now = self.clock.now()
        async with self.sessionmaker() as session:
            ready = or_(
                and_(OutboxMessage.status == "pending", OutboxMessage.not_before <= now),
                and_(OutboxMessage.status == "claimed", OutboxMessage.claimed_at < now - self.lease),
            )
            pick = select(OutboxMessage.id).where(ready).order_by(OutboxMessage.priority, OutboxMessage.id).limit(self.batch)
            if session.bind.dialect.name == "postgresql":
                pick = pick.with_for_update(skip_locked=True)
            ids = list((await session.execute(pick)).scalars())
            if not ids:
                await session.commit()
                return []
            await session.execute(
                update(OutboxMessage).where(OutboxMessage.id.in_(ids))
                .values(status="claimed", claimed_at=now, claimed_by=self.worker, attempts=OutboxMessage.attempts + 1)
            )
            rows = (await session.execute(
                select(OutboxMessage, User.language, User.unreachable_at)
                .join(User, User.id == OutboxMessage.user_id, isouter=True)
                .where(OutboxMessage.id.in_(ids)).order_by(OutboxMessage.priority, OutboxMessage.id)
            )).all()
            await session.commit()
        out = []
        for msg, language, unreachable_at in rows:
            msg._unreachable = unreachable_at is not None  # type: ignore[attr-defined]
            out.append((msg, language or "ko"))
        return out

    async def _finish(self, msg_id: int, **values) -> None:
        async with self.sessionmaker() as session:
            await session.execute(
                update(OutboxMessage).where(OutboxMessage.id == msg_id, OutboxMessage.claimed_by == self.worker)
                .values(**values)
            )
            await session.commit()

    async def _mark_unreachable(self, msg: OutboxMessage) -> None:
        now = self.clock.now()
        async with self.sessionmaker() as session:
            await session.execute(update(User).where(User.id == msg.user_id, User.unreachable_at.is_(None))
                                  .values(unreachable_at=now))
            await session.execute(update(OutboxMessage).where(OutboxMessage.id == msg.id)
                                  .values(status="unreachable", error="blocked by user"))
            await session.commit()

    async def _still_mine(self, msg_id: int) -> bool:
        """The fence: right before a late send, confirm we still hold the claim and renew its lease.

        A dispatcher that slept past its lease (a long RetryAfter, a frozen process) may have been replaced;
        the one that re-claimed the row owns it now, so the late one skips it: never two live senders."""
        async with self.sessionmaker() as session:
            got = (await session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == msg_id, OutboxMessage.claimed_by == self.worker,
                       OutboxMessage.status == "claimed")
                .values(claimed_at=self.clock.now()).returning(OutboxMessage.id)
            )).first()
            await session.commit()
        return got is not None

    async def _give_back(self, msg_ids: list[int]) -> None:
        """Stopping (SIGTERM, lost the worker lock): unsent claimed rows go back to pending for the next one."""
        if not msg_ids:
            return
        async with self.sessionmaker() as session:
            await session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id.in_(msg_ids), OutboxMessage.claimed_by == self.worker,
                       OutboxMessage.status == "claimed")
                .values(status="pending", claimed_by=None, claimed_at=None, attempts=OutboxMessage.attempts - 1))
            await session.commit()

    def stop(self) -> None:
        self.stopping = True

    async def deliver(self, msg: OutboxMessage, language: str) -> None:
        if getattr(msg, "_unreachable", False):
            await self._finish(msg.id, status="unreachable", error="blocked by user")
            self.stats.unreachable += 1
            return
        try:
            rendered = self.render(msg.kind, dict(msg.params or {}), language)
        except Exception as exc:  # a bug in one renderer must not stop the queue
            log.error("cannot render outbox %s: %s", msg.id, one_line(exc), extra=describe(exc))
            await self._finish(msg.id, status="failed", error=f"render: {one_line(exc)}"[:500])
            self.stats.failed += 1
            return
        await self.limits.wait_turn(msg.chat_id)
        # Fresh claims cannot have been taken over (that needs the whole lease to pass): only a row we have held for
        # a third of the lease (a long RetryAfter, a frozen process) pays the fence's round trip.
        if self.clock.now() - (msg.claimed_at or self.clock.now()) >= self.lease / 3 and not await self._still_mine(msg.id):
            self.stats.fenced += 1
            log.warning("outbox %s was taken over by another dispatcher; not sending it", msg.id)
            return
        started = time.monotonic()
        outcome = "sent"
        try:
            await self.sender.send(msg.chat_id, rendered)
        except Blocked:
            outcome = "unreachable"
            await self._mark_unreachable(msg)
            self.stats.unreachable += 1
        except RetryLater as exc:
            outcome = "retry_after"
            await self.limits.flood_wait(exc.seconds)
            await self._retry(msg, timedelta(seconds=exc.seconds), count_attempt=False)
        except TransientError as exc:
            outcome = "transient"
            await self._retry(msg, timedelta(seconds=min(2 ** msg.attempts, 300)), error=repr(exc))
        except PermanentError as exc:
            outcome = "failed"
            await self._finish(msg.id, status="failed", error=repr(exc)[:500])
            self.stats.failed += 1
        else:
            await self._finish(msg.id, status="sent", sent_at=self.clock.now(), error=None)
            self.stats.sent += 1
        # One line per send, ids only (the text and the recipient's name never reach the logs).
        log.info("send", extra={"event": "send", "outbox_id": msg.id, "kind": msg.kind, "outcome": outcome,
                                "ms": round((time.monotonic() - started) * 1000, 1)})

    async def _retry(self, msg: OutboxMessage, delay: timedelta, *, error: str = "retry later",
                     count_attempt: bool = True) -> None:
        if count_attempt and msg.attempts >= self.max_attempts:
            await self._finish(msg.id, status="failed", error=error[:500])
            self.stats.failed += 1
            return
        values = dict(status="pending", not_before=self.clock.now() + delay, claimed_by=None, claimed_at=None,
                      error=error[:500])
        if not count_attempt:
            values["attempts"] = msg.attempts - 1
        await self._finish(msg.id, **values)
        self.stats.retried += 1

    async def run_once(self) -> int:
        """One batch: claim, send in order, record. Returns how many rows it claimed."""
        claimed = await self.claim()
        for i, (msg, language) in enumerate(claimed):
            if self.stopping:
                await self._give_back([m.id for m, _ in claimed[i:]])
                break
            await self.deliver(msg, language)
        return len(claimed)

    async def drain(self, max_batches: int = 10_000) -> int:
        """Send everything that is due now (tests, the console, the end of a benchmark)."""
        total = 0
        for _ in range(max_batches):
            n = await self.run_once()
            total += n
            if n == 0:
                break
        return total

    async def run_forever(self, wakeup: asyncio.Event, idle: float = 1.0) -> None:
        while not self.stopping:
            try:
                n = await self.run_once()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the database may be briefly down: keep going
                log.error("dispatcher batch failed: %s", one_line(exc), extra=describe(exc))
                n = 0
            if n == 0:
                wakeup.clear()
                try:
                    await asyncio.wait_for(wakeup.wait(), timeout=idle)
                except asyncio.TimeoutError:
                    pass
