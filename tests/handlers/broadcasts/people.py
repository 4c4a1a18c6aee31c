"""Test data for broadcast tests: users (with language, subscriptions, enrollments) straight into the database."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert

from db.clock import parse_moment
from db.models import TopicSubscription, User
from db.session import session_scope

T0 = parse_moment("2022-01-03T09:00")


async def add_people(db, ids, *, language: str = "ko", topics: tuple[str, ...] = (), role: str = "user",
                     unreachable: bool = False, now: datetime = T0) -> list[int]:
    ids = list(ids)
    async with session_scope(db.sessionmaker) as s:
        for start in range(0, len(ids), 2000):
            part = ids[start:start + 2000]
            await s.execute(insert(User), [dict(id=i, chat_id=i, first_name=f"U{i}", language=language, role=role,
                                                language_chosen=True, created_at=now,
                                                unreachable_at=now if unreachable else None) for i in part])
            for topic in topics:
                await s.execute(insert(TopicSubscription), [dict(user_id=i, topic=topic, created_at=now) for i in part])
    return ids
