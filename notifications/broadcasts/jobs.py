"""The periodic job (bot.app.periodic_jobs runs `JOBS` on every scheduler tick): start due broadcasts (fan-out
into the outbox) and queue the delivery report of each broadcast that has finished."""
from __future__ import annotations

import logging

from notifications.broadcasts.service import broadcasts_tick

log = logging.getLogger(__name__)


async def run_broadcasts(runtime) -> None:
    services = runtime.services
    started, finished = await broadcasts_tick(services.sessionmaker, services.clock.now())
    if any(f.added for f in started) or finished:
        services.outbox_ready.set()
    for f in started:
        if f.added:
            log.info("broadcast %s: %s messages queued", f.broadcast_id, f.added)


JOBS = [run_broadcasts]
