"""Course cards: texts may come from the per-process cache, but seats, capacity, a cohort closing and a course
being withdrawn always show at once; an import (catalog_changed) shows new texts and dates."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select, update

from catalog.courses import CardCache, course_card
from db.clock import parse_moment
from db.models import Cohort, Course, Enrollment, User
from db.session import session_scope
from handlers.services import Services

NOW = parse_moment("2022-01-03T09:00")


async def _card(db, cache):
    async with session_scope(db.sessionmaker) as session:
        return await course_card(session, "bench-card", cache=cache)


async def _course(db) -> list[int]:
    async with session_scope(db.sessionmaker) as session:
        session.add(Course(id="bench-card", title="카드 과정", title_en="Card course", category="일반교육/IT", topic="it",
                           delivery="online", created_at=NOW, updated_at=NOW))
        cohorts = [Cohort(course_id="bench-card", number=n, start_on=date(2022, 3, n), end_on=date(2022, 3, n + 1),
                          capacity=3, created_at=NOW) for n in (1, 2)]
        session.add_all(cohorts)
        for uid in (9001, 9002):
            session.add(User(id=uid, chat_id=uid, created_at=NOW))
        await session.flush()
        return [c.id for c in cohorts]


async def test_seats_status_and_withdrawal_are_live_while_texts_are_cached(db):
    first, second = await _course(db)
    cache = CardCache()
    card = await _card(db, cache)
    assert [(c.number, c.seats_left, c.status) for c in card.cohorts] == [(1, 3, "open"), (2, 3, "open")]

    async with session_scope(db.sessionmaker) as session:
        session.add_all([Enrollment(user_id=9001, cohort_id=first, status="confirmed", requested_at=NOW),
                         Enrollment(user_id=9002, cohort_id=first, status="pending", requested_at=NOW),
                         Enrollment(user_id=9002, cohort_id=second, status="cancelled", requested_at=NOW)])
        await session.execute(update(Cohort).where(Cohort.id == second).values(status="closed", capacity=5))
    card = await _card(db, cache)
    assert [(c.number, c.seats_left, c.capacity, c.status) for c in card.cohorts] == [
        (1, 1, 3, "open"), (2, 5, 5, "closed")]

    async with session_scope(db.sessionmaker) as session:  # a third cohort appears: the card shows it
        session.add(Cohort(course_id="bench-card", number=3, start_on=date(2022, 5, 2), end_on=date(2022, 5, 3),
                           capacity=None, created_at=NOW))
    card = await _card(db, cache)
    assert [c.number for c in card.cohorts] == [1, 2, 3] and card.cohorts[2].seats_left is None
    assert card.cohorts[2].start_on == date(2022, 5, 2)

    async with session_scope(db.sessionmaker) as session:
        await session.execute(update(Course).where(Course.id == "bench-card").values(active=False))
    assert await _card(db, cache) is None


async def test_catalog_changed_shows_new_titles_and_dates(db, clock):
    first, _second = await _course(db)
    services = Services(sessionmaker=db.sessionmaker, clock=clock)
    assert (await _card(db, services.cards)).title == "카드 과정"
    async with session_scope(db.sessionmaker) as session:
        await session.execute(update(Course).where(Course.id == "bench-card").values(title="새 카드 과정"))
        await session.execute(update(Cohort).where(Cohort.id == first).values(start_on=date(2022, 4, 1)))
    await services.catalog_changed()
    card = await _card(db, services.cards)
    assert card.title == "새 카드 과정" and card.cohorts[0].start_on == date(2022, 4, 1)
    assert any(hit.course_id == "bench-card" for hit in services.search.search("새 카드 과정", limit=5))


async def test_a_card_without_cache_reads_everything(db):
    await _course(db)
    card = await _card(db, None)
    assert card.title_en == "Card course" and [c.number for c in card.cohorts] == [1, 2]
    async with session_scope(db.sessionmaker) as session:
        for missing in ("no-such-course", "", "\x00", "bench-card\x00", "x" * 200):
            assert await course_card(session, missing) is None
        assert (await session.execute(select(Course.id).where(Course.id == "bench-card"))).scalar_one()
