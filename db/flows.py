"""Conversation state (`users.flow*`) that nobody finished: cleared by the scheduler tick after its time to live,
so half-given answers (names, dates, reasons) do not stay in the database waiting for the person to write again."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import User

# How long an untouched conversation lives: the one default of HRDBOT_RETAIN_FLOW_HOURS (catalog/retention.Periods),
# read by the turn (the person writes again), the scheduler tick and the daily retention pass alike.
FLOW_HOURS = 3


async def expire_flows(session: AsyncSession, before: datetime) -> int:
    """Clear every flow last touched before `before`; returns how many were cleared."""
    result = await session.execute(
        update(User).where(User.flow.is_not(None), User.flow_updated_at < before)
        .values(flow=None, flow_step=None, flow_data=None, flow_updated_at=None))
    return result.rowcount or 0
