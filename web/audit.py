"""The one place where the dashboard records who did or saw what.

Every staff action and every page showing personal data calls `record()`. It writes nothing yet: the
append-only audit log (the privacy issue) is not on main; when it lands, this function writes its rows and
no page changes.
"""
from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession


async def record(session: AsyncSession, *, actor_id: int, action: str, target: str = "", **details) -> None:
    """`action`: e.g. "view.pending", "enrollment.approve"; `target`: what it concerned ("enrollment:12")."""
    return None
