"""Course news: people opt in to topics (/subscribe); a new course or cohort sends its topic's subscribers ONE notice.

The notice (outbox kind ``course_news``) carries what the renderer needs (title, cohort dates, topic), a button to
the course card and an opt-out button for that topic. Keys make it idempotent: a course announced twice (an
import re-run, a crash and retry) reaches each subscriber once.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from catalog.imports import ImportResult, import_file
from catalog.plan import cohort_published
from catalog.topics import TOPICS
from db.access import Actor, require_staff
from db.audit import record
from db.models import Cohort, Course, TopicSubscription, User
from db.outbox import Notice, enqueue_many

NEWS_PRIORITY = 5  # after personal notices (0), before broadcasts (10)


async def subscribed_topics(session: AsyncSession, user_id: int) -> set[str]:
    rows = await session.execute(select(TopicSubscription.topic).where(TopicSubscription.user_id == user_id))
    return set(rows.scalars())


async def subscribe(session: AsyncSession, user_id: int, topic: str, now: datetime) -> bool:
    """True when newly subscribed."""
    if topic not in TOPICS:
        raise ValueError(topic)
    if topic in await subscribed_topics(session, user_id):
        return False
    session.add(TopicSubscription(user_id=user_id, topic=topic, created_at=now))
    await session.flush()
    return True


async def unsubscribe(session: AsyncSession, user_id: int, topic: str) -> bool:
    """True when there was a subscription to remove."""
    result = await session.execute(delete(TopicSubscription).where(
        TopicSubscription.user_id == user_id, TopicSubscription.topic == topic))
    return (result.rowcount or 0) > 0


async def toggle(session: AsyncSession, user_id: int, topic: str, now: datetime) -> bool:
    """Flip one topic; returns whether the person is now subscribed."""
    if await unsubscribe(session, user_id, topic):
        return False
    await subscribe(session, user_id, topic, now)
    return True


@dataclass(frozen=True)
class Announcement:
    course_id: str
    topic: str
    recipients: int  # notices newly queued


def _cohort_params(c: Cohort) -> dict:
    return {"no": c.number, "start": c.start_on.isoformat(), "end": c.end_on.isoformat(), "precision": c.precision,
            "track": c.track, "track_en": c.track_en}


async def _has_draft_cohorts(session: AsyncSession, course_id: str) -> bool:
    return (await session.execute(select(Cohort.id).where(Cohort.course_id == course_id).limit(1))).first() is not None


async def announce(session: AsyncSession, course_id: str, now: datetime, *,
                   cohort_ids: list[int] | None = None, new_course: bool = False,
                   tag: str | None = None) -> Announcement:
    """Queue one notice per subscriber of the course's topic: a new course (with its cohorts) or new cohorts of it."""
    course = await session.get(Course, course_id)
    if course is None or not course.active or course.topic not in TOPICS:
        return Announcement(course_id, course.topic if course else "", 0)
    q = select(Cohort).where(Cohort.course_id == course_id, cohort_published()).order_by(Cohort.year, Cohort.number)
    if cohort_ids is not None and not new_course:
        q = q.where(Cohort.id.in_(cohort_ids))
    cohorts = list((await session.execute(q)).scalars())
    if not cohorts and (not new_course or await _has_draft_cohorts(session, course_id)):
        # Nothing visible yet: a draft year's cohorts are news when the year is published, not before.
        return Announcement(course_id, course.topic, 0)
    # One key per (course, first new cohort): a later cohort of the same course is news again, a re-run is not.
    # `tag` (a published year: "y2023") makes it one notice per course and year.
    tag = tag or ("c" if new_course else f"h{min(c.id for c in cohorts)}")
    params = {"course_id": course.id, "title": course.title, "title_en": course.title_en, "topic": course.topic,
              "new_course": new_course, "cohorts": [_cohort_params(c) for c in cohorts[:6]],
              "more_cohorts": max(len(cohorts) - 6, 0)}
    subscribers = (await session.execute(
        select(TopicSubscription.user_id).join(User, User.id == TopicSubscription.user_id)
        .where(TopicSubscription.topic == course.topic, User.unreachable_at.is_(None))
        .order_by(TopicSubscription.user_id))).scalars().all()
    notices = (Notice(key=f"news:{course.id}:{tag}:{uid}", user_id=uid, kind="course_news", params=params,
                      priority=NEWS_PRIORITY) for uid in subscribers)
    added = await enqueue_many(session, notices, now=now)
    return Announcement(course.id, course.topic, added)


async def announce_import(session: AsyncSession, now: datetime, *results: ImportResult) -> list[Announcement]:
    """After an applied import (one file, or the sheets of one plan workbook): one notice per new course, with its
    cohorts, and one per older course that got new cohorts."""
    new_courses = list(dict.fromkeys(c for r in results for c in r.new_courses))
    new_cohorts: dict[str, list[int]] = {}
    for r in results:
        for course_id, cohort_ids in r.new_cohorts.items():
            new_cohorts.setdefault(course_id, []).extend(cohort_ids)
    out = [await announce(session, course_id, now, new_course=True) for course_id in new_courses]
    for course_id, cohort_ids in new_cohorts.items():
        if course_id not in new_courses:  # a new course is announced once, with its cohorts
            out.append(await announce(session, course_id, now, cohort_ids=cohort_ids))
    return out


@dataclass
class ImportOutcome:
    result: ImportResult
    announcements: list[Announcement]
    moved: int = 0  # people told their cohort's new dates

    @property
    def notified(self) -> int:
        return sum(a.recipients for a in self.announcements)


async def import_and_announce(session: AsyncSession, filename: str, content: bytes, now: datetime, *, actor: Actor,
                              kind: str | None = None, dry_run: bool = False) -> ImportOutcome:
    """The whole staff import in the caller's transaction: validate, apply (all or nothing), queue course news
    and tell the people whose cohort moved (published years only)."""
    from notifications.plans import notify_date_changes

    result = await import_file(session, filename, content, now, actor=actor, kind=kind, dry_run=dry_run)
    announcements = await announce_import(session, now, result) if result.applied else []
    moved = await notify_date_changes(session, result.changed_cohorts, now) if result.applied else 0
    return ImportOutcome(result, announcements, moved)


@dataclass(frozen=True)
class SubscriberRow:
    user_id: int
    first_name: str
    username: str | None
    language: str
    topic: str
    subscribed_at: datetime
    unreachable: bool


async def subscriber_rows(session: AsyncSession, actor: Actor, *, now: datetime) -> list[SubscriberRow]:
    """Every course-news subscription (for `hrdbot export subscribers`): staff only, recorded."""
    await require_staff(session, actor, "export.subscribers")
    rows = await session.execute(
        select(TopicSubscription.user_id, User.first_name, User.username, User.language, TopicSubscription.topic,
               TopicSubscription.created_at, User.unreachable_at)
        .join(User, User.id == TopicSubscription.user_id).order_by(TopicSubscription.topic, TopicSubscription.user_id))
    out = [SubscriberRow(uid, name or "", username, lang, topic, at, unreachable is not None)
           for uid, name, username, lang, topic, at, unreachable in rows.all()]
    await record(session, actor, "export.subscribers", now=now, people={r.user_id for r in out},
                 detail={"rows": len(out)})
    return out
