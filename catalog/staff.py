"""Who is staff: the `users.role` column or the operator's list (HRDBOT_ADMIN_IDS), read on every check."""
from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from db.models import User


async def staff_member(session: AsyncSession, user_id: int, admin_ids: frozenset[int] = frozenset()) -> User | None:
    """The person if they hold the staff role right now, else None (never cached: a revoked role counts at once)."""
    user = await session.get(User, user_id)
    if user is None:
        return None
    return user if user.role == "staff" or user.id in admin_ids else None
