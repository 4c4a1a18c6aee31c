"""Conversation state (`users.flow*`) that nobody finished: cleared by the scheduler tick after its time to live,
so half-given answers (names, dates, reasons) do not stay in the database waiting for the person to write again."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import User


async def expire_flows(session: AsyncSession, before: datetime) -> int:
    """Clear every flow last touched before `before`; returns how many were cleared."""
    result = await session.execute(
        update(User).where(User.flow.is_not(None), User.flow_updated_at < before)
        .values(flow=None, flow_step=None, flow_data=None, flow_updated_at=None))
    return result.rowcount or 0
